package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/go-dht/go-dht/benchmarks/study"
)

// newProgress returns the progress report a -progress value asks for.
func newProgress(mode string, w io.Writer) (study.Progress, error) {
	if mode == "auto" {
		mode = "lines"
		if f, ok := w.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				mode = "bar"
			}
		}
	}
	switch mode {
	case "bar":
		return &barProgress{w: w}, nil
	case "lines":
		return &lineProgress{w: w}, nil
	case "none":
		return nil, nil
	}
	return nil, fmt.Errorf("%w: -progress = %q, allowed auto, bar, lines, none", errUsage, mode)
}

// lineProgress prints one line per finished combination: for logs and
// batch jobs.
type lineProgress struct {
	w              io.Writer
	mu             sync.Mutex
	total, done    int
	start          time.Time
	failed, resume int
}

func (p *lineProgress) Start(total, skipped int) {
	p.total, p.resume, p.start = total, skipped, time.Now()
	fmt.Fprintf(p.w, "%d combinations to run (%d found complete)\n", total, skipped)
}

func (p *lineProgress) Begin(study.Combination) {}

func (p *lineProgress) Done(c study.Combination, wall time.Duration, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	status := "done"
	if err != nil {
		p.failed++
		status = "failed: " + err.Error()
	}
	elapsed := time.Since(p.start)
	eta := time.Duration(float64(elapsed) / float64(p.done) * float64(p.total-p.done))
	fmt.Fprintf(p.w, "[%d/%d] %s %s in %.2fs (ETA %v)\n", p.done, p.total, c.Name, status, wall.Seconds(), eta.Round(time.Second))
}

func (p *lineProgress) Finish() {}

// barProgress draws a bar on a terminal: combinations done, ETA and the
// combination running last.
type barProgress struct {
	w       io.Writer
	p       *mpb.Progress
	bar     *mpb.Bar
	mu      sync.Mutex
	current string
}

func (p *barProgress) Start(total, skipped int) {
	p.p = mpb.New(mpb.WithOutput(p.w), mpb.WithWidth(40))
	p.bar = p.p.AddBar(int64(total),
		mpb.PrependDecorators(
			decor.Name(fmt.Sprintf("combinations (%d found complete) ", skipped)),
			decor.CountersNoUnit("%d / %d"),
		),
		mpb.AppendDecorators(
			decor.Percentage(decor.WC{W: 5}),
			decor.Name(" ETA "),
			decor.AverageETA(decor.ET_STYLE_GO),
			decor.Any(func(decor.Statistics) string {
				p.mu.Lock()
				defer p.mu.Unlock()
				return "  " + p.current
			}),
		),
	)
}

func (p *barProgress) Begin(c study.Combination) {
	p.mu.Lock()
	p.current = c.Name
	p.mu.Unlock()
}

func (p *barProgress) Done(study.Combination, time.Duration, error) { p.bar.Increment() }

func (p *barProgress) Finish() {
	if p.bar != nil && !p.bar.Completed() {
		p.bar.Abort(false)
	}
	p.p.Wait()
}
