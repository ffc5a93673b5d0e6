//go:build unix

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// slowStudy runs long enough (about half a second on 2 cores) for a test
// to catch its process in the middle.
const slowStudy = `name: slow
nodes: 10000
alpha: [1, 2, 3]
termination: beta
repeats: 2
workload:
  segments: 20
  retrievers: 100
  samples: 20
`

// waitHolder waits until pid holds dir's lock (its line is in the lock
// file).
func waitHolder(t *testing.T, dir string, pid int) {
	t.Helper()
	want := fmt.Sprintf("pid %d ", pid)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if b, _ := os.ReadFile(filepath.Join(dir, ".lock")); strings.HasPrefix(string(b), want) {
			return
		}
	}
	t.Fatalf("pid %d never locked %s", pid, dir)
}

// One run at a time writes into an -out (issue 17, cause 14: a second
// run's claim deleted the first one's temporaries). While a run holds the
// folder (here frozen with SIGSTOP), a second run of the study and a shard
// of it into the same -out are refused with status 1, naming the holder's
// pid; the first run then ends with the summary of an undisturbed run. A
// run killed with SIGKILL leaves no lock behind: the next run resumes.
func TestOneRunPerOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slow.yaml")
	os.WriteFile(path, []byte(slowStudy), 0o644)
	whole := filepath.Join(t.TempDir(), "whole")
	if out, err := dhtsim(nil, "run", path, "-out", whole, "-progress", "none", "-no-records").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}

	dir := filepath.Join(t.TempDir(), "out")
	first := dhtsim(nil, "run", path, "-out", dir, "-workers", "1", "-progress", "none", "-no-records")
	var firstOut bytes.Buffer
	first.Stdout, first.Stderr = &firstOut, &firstOut
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	waitHolder(t, dir, first.Process.Pid)
	first.Process.Signal(syscall.SIGSTOP)
	for _, extra := range [][]string{nil, {"-shard", "1/3"}} {
		args := append([]string{"run", path, "-out", dir, "-progress", "none", "-no-records"}, extra...)
		out, err := dhtsim(nil, args...).CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), fmt.Sprintf("pid %d", first.Process.Pid)) {
			t.Errorf("%v while pid %d runs into the folder: %v, want status 1 naming it\n%s", args, first.Process.Pid, err, out)
		}
	}
	first.Process.Signal(syscall.SIGCONT)
	if err := first.Wait(); err != nil {
		t.Fatalf("the first run: %v\n%s", err, firstOut.String())
	}
	if got, want := summary(t, dir), summary(t, whole); got != want {
		t.Fatalf("the first run's summary:\n%s\nundisturbed:\n%s", got, want)
	}

	killed := filepath.Join(t.TempDir(), "killed")
	cmd := dhtsim(nil, "run", path, "-out", killed, "-workers", "1", "-progress", "none", "-no-records")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitHolder(t, killed, cmd.Process.Pid)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if out, err := dhtsim(nil, "run", path, "-out", killed, "-progress", "none", "-no-records").CombinedOutput(); err != nil {
		t.Fatalf("the run after a SIGKILL: %v\n%s", err, out)
	}
	if got, want := summary(t, killed), summary(t, whole); got != want {
		t.Fatalf("the run after a SIGKILL:\n%s\nundisturbed:\n%s", got, want)
	}
}
