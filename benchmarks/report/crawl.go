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
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

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
	return fmt.Sprintf("N=%d, k=%d, W=%d, %d requests a visit, timeout %v, %s; conn %v, errors fast %g%% / slow %g%%%s, seed %d",
		s.Nodes, s.K, o.InFlight, o.Requests, o.Timeout, retries, n.ConnDelay, n.FastErrorRate, n.SlowErrorRate, churn, n.Seed)
}

// CrawlTimelineChart draws the visits of a crawl as a Gantt chart: each
// visit a bar from its start to its end in simulated time, coloured by
// outcome, one lane per visit in order of start, so that the slope of the
// staircase is the crawl's pace and its width the visits in flight. Above
// MaxTimelineBars visits it draws every m-th and says so. s is the crawl's
// summary, for the title.
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
	xmax := 0.0
	for i := 0; i < len(sorted); i += step {
		v := sorted[i]
		x0, x1 := (v.Start - s.Start).Seconds(), (v.End - s.Start).Seconds()
		g.Bars = append(g.Bars, Bar{Y: -float64(i / step), X0: x0, X1: x1, Color: outcomeColor[v.Outcome]})
		seen[v.Outcome] = true
		xmax = max(xmax, x1)
	}
	what := fmt.Sprintf("all %d visits", len(sorted))
	if step > 1 {
		what = fmt.Sprintf("every %s visit of %d (%d drawn)", ordinal(step), len(sorted), len(g.Bars))
	}
	p := NewPlot(fmt.Sprintf("Visits of a crawl in simulated time (each bar: one visit, start to end; %s)\n%s", what, CrawlLine(s)),
		"simulated time since the crawl started (s)", "visits in order of start")
	p.Legend.Left = false
	p.Legend.XOffs = -vg.Millimeter * 3
	p.Add(g)
	for _, o := range crawler.Outcomes() {
		if seen[o] {
			p.Legend.Add(outcomeLabel[o], Swatch{Color: outcomeColor[o]})
		}
	}
	// Lanes count down from the first visit; label them by visit number
	// (1 is the first to start), at round numbers.
	var ticks plot.ConstantTicks
	lanes := len(g.Bars)
	var round []plot.Tick
	if len(sorted) > 1 { // DefaultTicks panics on an empty range
		round = (plot.DefaultTicks{}).Ticks(1, float64(len(sorted)))
	}
	for _, t := range round {
		if t.Label == "" || t.Value < 1 {
			continue
		}
		ticks = append(ticks, plot.Tick{Value: -math.Floor((t.Value - 1) / float64(step)), Label: strconv.FormatFloat(t.Value, 'f', -1, 64)})
	}
	if len(ticks) == 0 || ticks[0].Value != 0 {
		ticks = append(plot.ConstantTicks{{Value: 0, Label: "1"}}, ticks...)
	}
	p.Y.Tick.Marker = ticks
	p.Y.Min, p.Y.Max = -float64(lanes), 1
	p.X.Min, p.X.Max = 0, max(xmax*1.3, 1e-9) // room for the legend
	return RenderPNG(w, 26*vg.Centimeter, 18*vg.Centimeter, p)
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
	var ws []int
	for _, s := range crawls {
		r := s.Network.FastErrorRate
		if _, ok := byRate[r]; !ok {
			rates = append(rates, r)
		}
		byRate[r] = append(byRate[r], s)
		if !slices.Contains(ws, s.Options.InFlight) {
			ws = append(ws, s.Options.InFlight)
		}
	}
	slices.Sort(rates)
	slices.Sort(ws)
	s0 := crawls[0]
	const xLabel = "W: visits in flight (log scale)"
	dur := NewPlot(fmt.Sprintf("Simulated duration of a crawl\nN=%d, k=%d, conn %v, refused after %v, seed %d",
		s0.Nodes, s0.K, s0.Network.ConnDelay, s0.Network.FastDelay, s0.Network.Seed), xLabel, "crawl duration (simulated, log scale)")
	dur.Legend.Top, dur.Legend.YOffs = false, vg.Millimeter*2 // the lines fall to the right
	comp := NewPlot(fmt.Sprintf("Completeness of a crawl (nodes online at the start)\n%d requests a visit, timeout %v, %d retries",
		s0.Options.Requests, s0.Options.Timeout, s0.Options.Retries), xLabel, "share of the nodes online (%)")
	comp.Legend.Top, comp.Legend.YOffs = false, vg.Millimeter*2
	lo, hi := math.Inf(1), 0.0
	for i, r := range rates {
		pts := byRate[r]
		slices.SortFunc(pts, func(a, b crawler.Summary) int { return cmp.Compare(a.Options.InFlight, b.Options.InFlight) })
		var d, found, reached plotter.XYs
		for _, s := range pts {
			x := float64(s.Options.InFlight)
			sec := max(s.Duration.Seconds(), 1e-9)
			d = append(d, plotter.XY{X: x, Y: sec})
			lo, hi = min(lo, sec), max(hi, sec)
			found = append(found, plotter.XY{X: x, Y: 100 * s.CompletenessStart()})
			reached = append(reached, plotter.XY{X: x, Y: 100 * s.ReachedStart()})
		}
		label := fmt.Sprintf("%g%% refused", r)
		if err := AddSeries(dur, label, i, d); err != nil {
			return err
		}
		if err := AddSeries(comp, "found, "+label, i, found); err != nil {
			return err
		}
		if err := addDashed(comp, "reached, "+label, i, reached); err != nil {
			return err
		}
	}
	var ticks plot.ConstantTicks
	for _, x := range ws {
		ticks = append(ticks, plot.Tick{Value: float64(x), Label: strconv.Itoa(x)})
	}
	for _, p := range []*plot.Plot{dur, comp} {
		p.X.Scale = plot.LogScale{}
		p.X.Min, p.X.Max = float64(ws[0])/2, float64(ws[len(ws)-1])*2
		p.X.Tick.Marker = ticks
	}
	LogAxis(&dur.Y, lo, hi, FormatSeconds)
	comp.Y.Min, comp.Y.Max = 0, 105
	return RenderPNG(w, 40*vg.Centimeter, 16*vg.Centimeter, dur, comp)
}

// addDashed adds a dashed line with points, in the i-th colour and shape.
func addDashed(p *plot.Plot, label string, i int, xys plotter.XYs) error {
	l, s, err := plotter.NewLinePoints(xys)
	if err != nil {
		return err
	}
	l.Color, s.Color = plotutil.Color(i), plotutil.Color(i)
	l.Width = vg.Points(1.5)
	l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	s.Shape = plotutil.Shape(i)
	s.Radius = vg.Points(3)
	p.Add(l, s)
	p.Legend.Add(label, l, s)
	return nil
}
