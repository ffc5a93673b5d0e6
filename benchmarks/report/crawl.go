package report

import (
	"cmp"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/go-dht/go-dht/dht/crawler"
)

// The charts of a crawl (package dht/crawler): its visits in simulated
// time, and how its duration and completeness move with the visits in
// flight and the error rate.

// MaxTimelineBars is the most visits CrawlTimelineChart draws: above it,
// it draws an even sample (every m-th visit in order of start), which is
// all a page can show apart.
const MaxTimelineBars = 400

// outcomeColor is the colour of a visit's outcome.
var outcomeColor = [...]color.Color{
	crawler.OK:      color.RGBA{R: 60, G: 150, B: 80, A: 255},
	crawler.Refused: color.RGBA{R: 230, G: 140, B: 30, A: 255},
	crawler.Timeout: color.RGBA{R: 200, G: 40, B: 40, A: 255},
	crawler.Offline: color.RGBA{R: 110, G: 110, B: 200, A: 255},
}

// outcomeLabel names an outcome in a legend.
var outcomeLabel = [...]string{
	crawler.OK:      "ok (answered)",
	crawler.Refused: "refused (fast error)",
	crawler.Timeout: "timeout (slow error, no such node, or too slow)",
	crawler.Offline: "offline (churn)",
}

// CrawlLine describes a crawl's network and options for a chart title.
func CrawlLine(s crawler.Summary) string {
	n, o := s.Network, s.Options
	churn := ""
	if n.Churn.Enabled() {
		churn = ", churn " + n.Churn.String()
	}
	retries := "1 retry"
	if o.Retries != 1 {
		retries = strconv.Itoa(o.Retries) + " retries"
	}
	return fmt.Sprintf("N=%s, k=%d, W=%d, %d requests a visit, timeout %v, %s, conn %v, errors fast %g %% / slow %g %%%s, seed %d",
		FormatNumber(float64(s.Nodes)), s.K, o.InFlight, o.Requests, o.Timeout, retries, n.ConnDelay, n.FastErrorRate, n.SlowErrorRate, churn, n.Seed)
}

// CrawlTimelineChart draws the visits of a crawl as a Gantt chart: each
// visit a bar from its start to its end in simulated time, coloured by
// outcome, one lane per visit in order of start, so that the slope of the
// staircase is the crawl's pace and its width the visits in flight. Above
// MaxTimelineBars visits it draws every m-th and says so. s is the crawl's
// summary, for the subtitle.
func CrawlTimelineChart(w io.Writer, visits []crawler.Visit, s crawler.Summary) error {
	if len(visits) == 0 {
		return fmt.Errorf("crawl timeline: no visits")
	}
	sorted := slices.Clone(visits)
	slices.SortFunc(sorted, func(a, b crawler.Visit) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.Peer, b.Peer))
	})
	step := (len(sorted) + MaxTimelineBars - 1) / MaxTimelineBars
	var g Gantt
	var seen [4]bool
	for i := 0; i < len(sorted); i += step {
		v := sorted[i]
		x0, x1 := (v.Start - s.Start).Seconds(), (v.End - s.Start).Seconds()
		g.Bars = append(g.Bars, Bar{Y: -float64(i / step), X0: x0, X1: x1, Color: outcomeColor[v.Outcome]})
		seen[v.Outcome] = true
	}
	what := fmt.Sprintf("all %s visits", FormatNumber(float64(len(sorted))))
	if step > 1 {
		what = fmt.Sprintf("every %s visit of %s, %d drawn", ordinal(step), FormatNumber(float64(len(sorted))), len(g.Bars))
	}
	p := &Panel{
		X:        Axis{Label: "simulated time since the crawl started", FromZero: true, Ticks: DurationTicks{}},
		Y:        Axis{Label: "visit, in order of start", Ticks: visitTicks(len(sorted), step), Min: -float64(len(g.Bars)), Max: 1},
		Plotters: []plot.Plotter{g},
	}
	for _, o := range crawler.Outcomes() {
		if seen[o] {
			p.Legend = append(p.Legend, LegendItem{Label: outcomeLabel[o], Thumbs: []plot.Thumbnailer{Swatch{Color: outcomeColor[o]}}})
		}
	}
	f := &Figure{
		Title:       fmt.Sprintf("Visits of a crawl in simulated time (each bar: one visit, start to end; %s)", what),
		Subtitle:    CrawlLine(s),
		LegendTitle: "outcome of a visit",
		Panels:      [][]*Panel{{p}},
		PanelWidth:  24 * vg.Centimeter, PanelHeight: 16 * vg.Centimeter,
	}
	return f.Render(w)
}

// visitTicks labels the lanes of a crawl timeline by visit number (1 is
// the first to start) at round numbers: lane -l holds visit l*step+1.
func visitTicks(visits, step int) plot.Ticker {
	ticks := plot.ConstantTicks{{Value: 0, Label: "1"}}
	for _, v := range niceValues(0, float64(visits), maxTicks, niceSteps) {
		if v < float64(step)*2 { // too close to the first
			continue
		}
		ticks = append(ticks, plot.Tick{Value: -math.Floor((v - 1) / float64(step)), Label: FormatNumber(v)})
	}
	return ticks
}

// ordinal prints 2 as "2nd", 11 as "11th".
func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}

// CrawlSweepChart draws, against W (the visits in flight, log scale), the
// simulated duration of crawls and their completeness, one line per fast
// error rate: the crawls of a sweep over W and the error rate, side by
// side in one chart. Completeness is the share of the nodes online at the
// start that a crawl found (solid) and that answered it (reached, dashed).
func CrawlSweepChart(w io.Writer, crawls []crawler.Summary) error {
	if len(crawls) == 0 {
		return fmt.Errorf("crawl sweep: no crawls")
	}
	byRate := map[float64][]crawler.Summary{}
	var rates []float64
	var ws []float64
	for _, s := range crawls {
		r := s.Network.FastErrorRate
		if _, ok := byRate[r]; !ok {
			rates = append(rates, r)
		}
		byRate[r] = append(byRate[r], s)
		if x := float64(s.Options.InFlight); !slices.Contains(ws, x) {
			ws = append(ws, x)
		}
	}
	slices.Sort(rates)
	slices.Sort(ws)
	x := Axis{Label: "W: visits in flight (log scale)", Kind: LogAxis, Ticks: ValueTicks(ws, nil)}
	dur := &Panel{Title: "simulated duration of a crawl", X: x,
		Y: Axis{Label: "crawl duration (simulated, log scale)", Kind: LogAxis, Ticks: LogTicks{Durations: true}}}
	comp := &Panel{Title: "completeness (nodes online at the start)", X: x,
		Y: Axis{Label: "share of the nodes online (%)", Kind: PercentAxis}}
	for i, r := range rates {
		pts := byRate[r]
		slices.SortFunc(pts, func(a, b crawler.Summary) int { return cmp.Compare(a.Options.InFlight, b.Options.InFlight) })
		var d, found, reached []Point
		for _, s := range pts {
			x := float64(s.Options.InFlight)
			d = append(d, XY(x, max(s.Duration.Seconds(), 1e-9)))
			found = append(found, XY(x, 100*s.CompletenessStart()))
			reached = append(reached, XY(x, 100*s.ReachedStart()))
		}
		label := fmt.Sprintf("%g %%", r)
		dur.Lines = append(dur.Lines, Line{Label: label, Style: i, Points: d})
		comp.Lines = append(comp.Lines, Line{Label: label, Style: i, Points: found},
			Line{Label: label, Style: i, Points: reached, Dashed: true})
	}
	grey := color.Gray{Y: 90}
	comp.Legend = []LegendItem{
		{Label: "solid: found", Thumbs: []plot.Thumbnailer{lineThumb(grey, false)}},
		{Label: "dashed: reached (answered)", Thumbs: []plot.Thumbnailer{lineThumb(grey, true)}},
	}
	s0 := crawls[0]
	f := &Figure{
		Title: "Crawls against the visits in flight (W), one line per fast error rate",
		Subtitle: fmt.Sprintf("N=%s, k=%d, conn %v, refused after %v, %d requests a visit, timeout %v, %d retries, seed %d",
			FormatNumber(float64(s0.Nodes)), s0.K, s0.Network.ConnDelay, s0.Network.FastDelay,
			s0.Options.Requests, s0.Options.Timeout, s0.Options.Retries, s0.Network.Seed),
		LegendTitle: "fast error rate",
		Ordered:     len(rates) > 1,
		Panels:      [][]*Panel{{dur, comp}},
		ShareX:      true,
	}
	return f.Render(w)
}

// lineThumb is a legend thumbnail of a line, solid or dashed.
func lineThumb(c color.Color, dashed bool) plot.Thumbnailer {
	l := &plotter.Line{LineStyle: draw.LineStyle{Color: c, Width: vg.Points(1.6)}}
	if dashed {
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	}
	return l
}
