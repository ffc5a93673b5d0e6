//go:build unix

package latency_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-dht/go-dht/network/latency"
)

// TestLatencyFileReadBounded checks that Load reads only regular files of
// at most MaxFileSize bytes, and refuses the others at once with an error
// that says why (the review's latency: /dev/zero grew the process to 16 GB;
// a FIFO hung it until SIGKILL).
func TestLatencyFileReadBounded(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	large := filepath.Join(dir, "large.yaml")
	f, err := os.Create(large)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse file: one byte past the limit costs no disk.
	if err := f.Truncate(latency.MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, tc := range []struct {
		name, path, problem string
	}{
		{"fifo", fifo, "named pipe"},
		{"device", "/dev/zero", "device"},
		{"folder", dir, "folder"},
		{"too large", large, "larger than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := os.Stat(tc.path); err != nil {
				t.Skip(err)
			}
			done := make(chan error, 1)
			go func() {
				_, err := latency.Load(tc.path, 1)
				done <- err
			}()
			select {
			case err := <-done:
				var fe *latency.FileError
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.problem) || !strings.Contains(err.Error(), tc.path) ||
					!strings.Contains(fe.Allowed, "16 MiB") {
					t.Errorf("Load(%s) = %v; want a *FileError naming the path, %q and the 16 MiB limit", tc.path, err, tc.problem)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("Load(%s) still reading after 10s", tc.path)
			}
		})
	}
}
