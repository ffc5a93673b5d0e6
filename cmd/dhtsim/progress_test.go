package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/go-dht/go-dht/benchmarks/study"
	"github.com/go-dht/go-dht/dht"
)

// clock is a settable wall clock for the progress displays.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// The lines display counts only the combinations done: a stopped one is
// said and not counted, a failed one neither; no ETA before one is done;
// a long combination gets a line of its progress (operations done,
// simulated time) at most every interval.
func TestLineProgressCountsOnlyDone(t *testing.T) {
	var buf bytes.Buffer
	c := &clock{t: time.Unix(0, 0)}
	p := &lineProgress{w: &buf, now: c.now, every: 10 * time.Second}
	a, b, x := study.Combination{Name: "c0"}, study.Combination{Name: "c1"}, study.Combination{Name: "c2"}
	p.Start(4, 1)
	p.Step(a, dht.RunProgress{Finished: 1234, Now: 1500 * time.Millisecond}) // too soon: no line
	c.t = c.t.Add(11 * time.Second)
	p.Step(a, dht.RunProgress{Finished: 12345, Now: 3200 * time.Millisecond})
	c.t = c.t.Add(time.Second)
	p.Done(a, 12*time.Second, nil)
	p.Done(b, time.Second, fmt.Errorf("c1: %w", context.Canceled))
	p.Done(x, time.Second, errors.New("disk full"))
	want := []string{
		"4 combinations to run (1 found complete)",
		"  c0: 12,345 operations done, simulated 3.2s",
		"[1/4] c0 done in 12.00s (ETA 36s)",
		"c1 stopped after 1.00s: not kept",
		"c2 failed: disk full",
	}
	if got := strings.Split(strings.TrimSpace(buf.String()), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines:\n%s\nwant:\n%s", buf.String(), strings.Join(want, "\n"))
	}
}

// The bar fits the terminal (80 columns: every line at most 79
// characters, the bar itself still 20 wide), shows no ETA before a
// combination is done, counts only the combinations done, and shows how
// far the running combination has come.
func TestBarProgressFitsAndCountsDone(t *testing.T) {
	var buf bytes.Buffer
	c := &clock{t: time.Unix(0, 0)}
	p := newBarProgress(&buf, 80)
	p.now = c.now
	long := study.Combination{Name: "c0007_alpha=10_fast_error_rate=40_conn_delay=50ms-150ms_termination=stale_seed=1"}
	p.Start(3, 0)
	p.Begin(long)
	c.t = c.t.Add(time.Second)
	p.Step(long, dht.RunProgress{Finished: 730000, Now: 2500 * time.Millisecond})
	first := lastDrawn(buf.String())
	c.t = c.t.Add(time.Minute)
	p.Done(long, time.Minute, fmt.Errorf("%w", context.Canceled))
	stopped := lastDrawn(buf.String())
	p.Done(study.Combination{Name: "c1"}, time.Minute, nil)
	done := lastDrawn(buf.String())
	p.Finish()
	for _, line := range strings.Split(strings.ReplaceAll(buf.String(), "\x1b[K", ""), "\r") {
		if n := utf8.RuneCountInString(strings.TrimSuffix(line, "\n")); n > 79 {
			t.Errorf("a line of %d characters at 80 columns: %q", n, line)
		}
	}
	if !strings.HasPrefix(first, "["+strings.Repeat(".", 20)+"] 0/3 done | c0007") || strings.Contains(first, "ETA") || !strings.Contains(first, "730,000") && !strings.HasSuffix(first, "...") {
		t.Errorf("before any combination is done: %q", first)
	}
	if !strings.Contains(stopped, "0/3 done") || strings.Contains(stopped, "ETA") {
		t.Errorf("a stopped combination counted: %q", stopped)
	}
	if !strings.Contains(done, "1/3 done, ETA ") || !strings.HasPrefix(done, "[######......") {
		t.Errorf("after one done: %q", done)
	}
}

// lastDrawn returns the last line the bar drew.
func lastDrawn(s string) string {
	parts := strings.Split(s, "\r")
	return strings.TrimSuffix(parts[len(parts)-1], "\x1b[K")
}

// A run stopped after some combinations finished says how many it kept:
// its last line counts them (run now), not 0, and the folders are there.
func TestInterruptedRunCountsWhatItKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.yaml")
	os.WriteFile(path, []byte("nodes: 3000\nalpha: [1, 2, 3, 4, 5, 6]\ntermination: beta\nworkload: {segments: 20, retrievers: 50, samples: 20}\n"), 0o644)
	dir := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		// Stop the run once two combinations are complete.
		for ctx.Err() == nil {
			if done, _ := filepath.Glob(filepath.Join(dir, "c*", "complete.yaml")); len(done) >= 2 {
				cancel()
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"run", path, "-out", dir, "-workers", "1", "-progress", "lines", "-no-records"}, &stdout, &stderr)
	kept, _ := filepath.Glob(filepath.Join(dir, "c*", "complete.yaml"))
	if code != 1 || len(kept) < 2 || len(kept) == 6 {
		t.Fatalf("status %d, %d combinations kept; want 1 and an interrupted run (%s)", code, len(kept), stderr.String())
	}
	if want := fmt.Sprintf("%d run now, 0 found complete, %d not run", len(kept), 6-len(kept)); !strings.Contains(stdout.String(), want) {
		t.Errorf("last line %q lacks %q", stdout.String(), want)
	}
	if want := fmt.Sprintf("[%d/6]", len(kept)); !strings.Contains(stderr.String(), want) || strings.Contains(stderr.String(), fmt.Sprintf("[%d/6]", len(kept)+1)) {
		t.Errorf("progress counted other than the %d combinations done:\n%s", len(kept), stderr.String())
	}
	if !strings.Contains(stderr.String(), fmt.Sprintf("the %d finished combinations are kept", len(kept))) {
		t.Errorf("the error does not count what was kept: %s", stderr.String())
	}
}
