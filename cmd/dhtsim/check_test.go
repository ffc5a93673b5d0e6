package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// bigStudy has 100,000 combinations: check takes seconds to validate
// them all.
const bigStudy = `nodes: 1000
alpha: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
k: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
steps: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
fast_error_rate: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
slow_error_rate: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
`

// TestCheckHonoursContext checks that check stops when its context is done
// (Ctrl-C, SIGTERM) and says so, with status 1, instead of finishing the
// work or printing combinations (the review's check ignored both signals).
func TestCheckHonoursContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(path, []byte(bigStudy), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"check", path}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "interrupted") || stdout.Len() > 0 {
		t.Errorf("check with its context done: status %d, stdout %d bytes, stderr %q; want 1, nothing, interrupted", code, stdout.Len(), stderr.String())
	}
}

// TestCheckStopsOnSIGTERM checks the same in a process: SIGTERM during a
// long check ends it at once with status 1.
func TestCheckStopsOnSIGTERM(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(path, []byte(bigStudy), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := dhtsim(nil, "check", path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // main's signal handler is installed by then
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("check after SIGTERM: %v, stderr %q; want status 1 and interrupted", err, stderr.String())
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("check took %v to stop after SIGTERM", d)
	}
}
