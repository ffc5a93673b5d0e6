package crawler

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// Snapshot is the state of a running crawl, as a progress display shows
// it.
type Snapshot struct {
	// Found counts the peers found; Visited the visits ended, OK and
	// Failed by outcome; Queued the peers waiting for a visit; InFlight
	// the visits under way.
	Found, Visited, OK, Failed, Queued, InFlight int
	// Now is the simulated time since the crawl's start, Wall the wall
	// time.
	Now, Wall time.Duration
}

// Done returns the share of the peers found so far that were visited:
// the crawl knows no more of the network than it found, and finds peers
// as it goes, so the share can fall before it rises again. The displays
// say "of the peers found so far".
func (s Snapshot) Done() float64 {
	if s.Found == 0 {
		return 0
	}
	return float64(s.Visited) / float64(s.Found)
}

// ETA estimates the wall time left: the peers found and not visited yet,
// at the mean wall time of a visit so far. Peers not found yet are not
// counted, so early estimates are low. 0 before the first visit ends.
func (s Snapshot) ETA() time.Duration {
	if s.Visited == 0 {
		return 0
	}
	return time.Duration(float64(s.Wall) / float64(s.Visited) * float64(s.Found-s.Visited))
}

// String returns "visited V | ok O | failed F | queued Q | D % of the N
// peers found so far | ETA E", the ETA once a visit ended and while peers
// found wait for their visit.
func (s Snapshot) String() string {
	return s.counts() + " | " + s.share()
}

// share says what share of the peers found were visited, and the ETA
// when there is one.
func (s Snapshot) share() string {
	text := fmt.Sprintf("%s %% of the %d peers found so far", strconv.FormatFloat(100*s.Done(), 'f', 1, 64), s.Found)
	if s.Visited > 0 && s.Visited < s.Found {
		text += " | ETA " + s.ETA().Round(time.Second).String()
	}
	return text
}

// counts returns the counters part of String.
func (s Snapshot) counts() string {
	return fmt.Sprintf("visited %d | ok %d | failed %d | queued %d", s.Visited, s.OK, s.Failed, s.Queued)
}

// Progress receives the state of a crawl as it runs (Output.Progress):
// Update now and then with a snapshot, Finish once with the summary. Both
// run on the crawl's goroutine; they should return quickly.
type Progress interface {
	Update(Snapshot)
	Finish(Summary)
}

// ProgressMode selects a progress display.
type ProgressMode uint8

const (
	// ProgressAuto shows a bar on a terminal and lines otherwise (a log, a
	// pipe).
	ProgressAuto ProgressMode = iota
	// ProgressBar shows a bar that redraws in place (mpb).
	ProgressBar
	// ProgressLines prints a line every DefaultLineInterval.
	ProgressLines
	// ProgressOff shows nothing.
	ProgressOff
)

var progressNames = [...]string{ProgressAuto: "auto", ProgressBar: "bar", ProgressLines: "lines", ProgressOff: "off"}

// String returns the mode's name, as ParseProgressMode reads it.
func (m ProgressMode) String() string {
	if int(m) < len(progressNames) {
		return progressNames[m]
	}
	return fmt.Sprintf("ProgressMode(%d)", uint8(m))
}

// ParseProgressMode reads a mode's name: auto, bar, lines or off.
func ParseProgressMode(s string) (ProgressMode, error) {
	for m, name := range progressNames {
		if s == name {
			return ProgressMode(m), nil
		}
	}
	return 0, fmt.Errorf("progress %q: allowed auto, bar, lines, off", s)
}

// DefaultLineInterval is the wall time between two lines of the lines
// display: a log of a long crawl stays short.
const DefaultLineInterval = 2 * time.Second

// NewProgress returns the display mode selects, writing to w; nil for
// ProgressOff (a nil Output.Progress shows nothing).
func NewProgress(w io.Writer, mode ProgressMode) Progress {
	switch mode {
	case ProgressOff:
		return nil
	case ProgressAuto:
		if !IsTerminal(w) {
			return NewLineProgress(w, DefaultLineInterval)
		}
	case ProgressLines:
		return NewLineProgress(w, DefaultLineInterval)
	}
	return newBarProgress(w)
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// LineProgress prints the state of a crawl as plain lines, one every
// interval of wall time at most, and the summary line at the end.
type LineProgress struct {
	w        io.Writer
	interval time.Duration
	last     time.Duration // wall time of the last line
	printed  bool
}

// NewLineProgress returns a lines display writing to w.
func NewLineProgress(w io.Writer, interval time.Duration) *LineProgress {
	return &LineProgress{w: w, interval: interval}
}

// Update prints s unless a line was printed less than the interval ago.
func (p *LineProgress) Update(s Snapshot) {
	if p.printed && s.Wall-p.last < p.interval {
		return
	}
	p.printed, p.last = true, s.Wall
	fmt.Fprintf(p.w, "crawl: %s | simulated %v | wall %v\n", s, s.Now.Round(time.Millisecond), s.Wall.Round(time.Millisecond))
}

// Finish prints the summary on one line.
func (p *LineProgress) Finish(s Summary) {
	fmt.Fprintf(p.w, "crawl: done: %s\n", s)
}

// barProgress draws a bar that redraws in place: the peers visited of the
// peers found so far (the total grows as the crawl finds peers).
type barProgress struct {
	p   *mpb.Progress
	bar *mpb.Bar

	mu   sync.Mutex // guards last: mpb draws from its own goroutine
	last Snapshot
}

// newBarProgress returns a bar writing to w; opts are mpb's options (tests
// force a terminal).
func newBarProgress(w io.Writer, opts ...mpb.ContainerOption) *barProgress {
	b := &barProgress{}
	b.p = mpb.New(append([]mpb.ContainerOption{mpb.WithOutput(w), mpb.WithWidth(120)}, opts...)...)
	// Total 0: the bar completes only when Finish says so, not when the
	// visits catch up with the peers found so far.
	b.bar = b.p.AddBar(0,
		mpb.PrependDecorators(decor.Name("crawl "), decor.Any(func(decor.Statistics) string {
			return b.snapshot().counts()
		})),
		mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return b.snapshot().share() })),
	)
	return b
}

func (b *barProgress) snapshot() Snapshot {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.last
}

// Update moves the bar to s.
func (b *barProgress) Update(s Snapshot) {
	b.mu.Lock()
	b.last = s
	b.mu.Unlock()
	b.bar.SetTotal(int64(s.Found), false)
	b.bar.SetCurrent(int64(s.Visited))
}

// Finish completes the bar with the final counts, or leaves it where it
// stands when the crawl was stopped, and waits for its last drawing.
func (b *barProgress) Finish(s Summary) {
	b.mu.Lock()
	b.last = Snapshot{Found: s.Found, Visited: s.Visited, OK: s.Reachable, Failed: s.Failed, Queued: s.Queued, Now: s.Duration, Wall: s.Wall}
	b.mu.Unlock()
	if s.Visited < s.Found {
		b.bar.SetTotal(int64(s.Found), false)
		b.bar.SetCurrent(int64(s.Visited))
		b.bar.Abort(false)
	} else {
		b.bar.SetTotal(int64(s.Found), true)
	}
	b.p.Wait()
}
