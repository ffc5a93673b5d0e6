package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/mattn/go-isatty"

	"github.com/go-dht/go-dht/benchmarks/study"
	"github.com/go-dht/go-dht/dht"
)

// newProgress returns the progress report a -progress value asks for
// (the registry checked it): nil for none.
func newProgress(mode string, w io.Writer) study.Progress {
	if mode == "auto" {
		mode = "lines"
		if f, ok := w.(*os.File); ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
			mode = "bar"
		}
	}
	switch mode {
	case "bar":
		return newBarProgress(w, terminalWidth(w))
	case "lines":
		return &lineProgress{w: w, now: time.Now, every: lineStepEvery}
	}
	return nil
}

// stopped reports whether err is a combination's stop by the run's end
// (Ctrl-C, SIGTERM, another combination's failure), not a failure of its
// own.
func stopped(err error) bool { return errors.Is(err, context.Canceled) }

// counts formats n with thousands separators: 1,234,567.
func counts(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// stepText says how far a running combination has come.
func stepText(p dht.RunProgress) string {
	return fmt.Sprintf("%s operations done, simulated %v", counts(p.Finished), p.Now.Round(time.Millisecond))
}

// eta estimates the wall time left once done combinations of total took
// elapsed: "" until one is done, when no estimate can be made.
func eta(elapsed time.Duration, done, total int) string {
	if done == 0 || done >= total {
		return ""
	}
	left := time.Duration(float64(elapsed) / float64(done) * float64(total-done))
	return "ETA " + left.Round(time.Second).String()
}

// lineStepEvery is the wall time between two lines about a combination
// that runs long.
const lineStepEvery = 10 * time.Second

// lineProgress prints one line per combination done, and a line now and
// then about a combination that runs long: for logs and batch jobs.
type lineProgress struct {
	w     io.Writer
	now   func() time.Time
	every time.Duration

	mu              sync.Mutex
	total, done     int
	start, lastStep time.Time
}

func (p *lineProgress) Start(total, skipped int) {
	p.total, p.start, p.lastStep = total, p.now(), p.now()
	fmt.Fprintf(p.w, "%d combinations to run (%d found complete)\n", total, skipped)
}

func (p *lineProgress) Begin(study.Combination) {}

// Step prints how far c has come, at most once every p.every.
func (p *lineProgress) Step(c study.Combination, s dht.RunProgress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if now := p.now(); now.Sub(p.lastStep) >= p.every {
		p.lastStep = now
		fmt.Fprintf(p.w, "  %s: %s\n", c.Name, stepText(s))
	}
}

// Done counts a combination done; a stopped or failed one is said, not
// counted.
func (p *lineProgress) Done(c study.Combination, wall time.Duration, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case stopped(err):
		fmt.Fprintf(p.w, "%s stopped after %.2fs: not kept\n", c.Name, wall.Seconds())
	case err != nil:
		fmt.Fprintf(p.w, "%s failed: %v\n", c.Name, err)
	default:
		p.done++
		line := fmt.Sprintf("[%d/%d] %s done in %.2fs", p.done, p.total, c.Name, wall.Seconds())
		if e := eta(p.now().Sub(p.start), p.done, p.total); e != "" {
			line += " (" + e + ")"
		}
		fmt.Fprintln(p.w, line)
	}
	p.lastStep = p.now()
}

func (p *lineProgress) Finish() {}

// barProgress redraws one line on a terminal, never wider than the
// terminal: a bar of the combinations done, their count, the ETA once
// one is done, and how far the combination running last has come.
type barProgress struct {
	w     io.Writer
	width int
	now   func() time.Time

	mu          sync.Mutex
	total, done int
	start, last time.Time
	current     string
	step        string
}

// newBarProgress returns a bar for a terminal of width columns.
func newBarProgress(w io.Writer, width int) *barProgress {
	return &barProgress{w: w, width: width, now: time.Now}
}

// barRedraw bounds how often the bar is redrawn.
const barRedraw = 200 * time.Millisecond

func (p *barProgress) Start(total, skipped int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total, p.start = total, p.now()
	if skipped > 0 {
		fmt.Fprintf(p.w, "%d combinations found complete\n", skipped)
	}
	p.draw(true)
}

func (p *barProgress) Begin(c study.Combination) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.current, p.step = c.Name, "started"
	p.draw(false)
}

func (p *barProgress) Step(c study.Combination, s dht.RunProgress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.current, p.step = c.Name, stepText(s)
	p.draw(false)
}

func (p *barProgress) Done(c study.Combination, _ time.Duration, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err == nil {
		p.done++
	} else if !stopped(err) {
		p.current, p.step = c.Name, "failed"
	}
	p.draw(true)
}

// Finish draws the last state and ends the line.
func (p *barProgress) Finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.current = ""
	p.draw(true)
	fmt.Fprintln(p.w)
}

// draw redraws the line, unless it was drawn less than barRedraw ago and
// force is false. The caller holds p.mu.
func (p *barProgress) draw(force bool) {
	now := p.now()
	if !force && now.Sub(p.last) < barRedraw {
		return
	}
	p.last = now
	fmt.Fprintf(p.w, "\r%s\x1b[K", p.line())
}

// line returns the bar's line, at most p.width-1 columns: the bar (a
// quarter of the width, 10 to 30 columns), done/total, the ETA, and the
// combination running last, cut to fit.
func (p *barProgress) line() string {
	bw := min(max(p.width/4, 10), 30)
	filled := 0
	if p.total > 0 {
		filled = bw * p.done / p.total
	}
	s := "[" + strings.Repeat("#", filled) + strings.Repeat(".", bw-filled) + "] " +
		strconv.Itoa(p.done) + "/" + strconv.Itoa(p.total) + " done"
	if e := eta(p.now().Sub(p.start), p.done, p.total); e != "" {
		s += ", " + e
	}
	if p.current != "" {
		s += " | " + p.current + ": " + p.step
	}
	return truncate(s, p.width-1)
}

// truncate cuts s to at most n characters, marking the cut with "...".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	if n <= 3 {
		return string(r[:max(n, 0)])
	}
	return string(r[:n-3]) + "..."
}
