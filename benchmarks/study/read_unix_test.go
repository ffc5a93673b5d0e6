//go:build unix

package study_test

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-dht/go-dht/benchmarks/study"
)

// TestStudyFileReadBounded checks that a study file is read only when it
// is a regular file: a named pipe or a device is refused at once, naming
// it (a FIFO hung the review's check; a latency file is checked alike, see
// TestLatencyFileReadBounded and TestLatencyErrorsSayWhatAndWhere).
func TestStudyFileReadBounded(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	for _, tc := range []struct {
		name, study, want string
	}{
		{"study fifo", fifo, "named pipe"},
		{"study device", "/dev/zero", "device"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := study.Load(tc.study)
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("Load(%s) = %v; want an error saying it is a %s", tc.study, err, tc.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("Load(%s) still reading after 10s", tc.study)
			}
		})
	}
}
