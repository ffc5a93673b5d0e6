package benchmarks

import (
	"cmp"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/go-dht/go-dht/benchmarks/report"
	"github.com/go-dht/go-dht/network"
)

// The charts of the benchmark suite, drawn as facet grids
// (report.Figure): one panel per measure or facet, one line per value of
// the key a sweep varies, the settings every line shares in the subtitle,
// and one legend outside the data.

// settingNames are the settings a benchmark chart's subtitle names, in
// order.
var settingNames = []string{"N", "profile", "k", "alpha", "beta", "steps", "rule", "conn delay", "refused after",
	"fast errors", "slow errors", "latency", "churn", "leave rate", "refresh", "fail limit", "policy", "seed"}

// settings reads the settings of a result's network, by name: the one
// place the charts read a result's parameters.
func settings(r *Result) map[string]string {
	p := r.Params
	return map[string]string{
		"N": report.FormatNumber(float64(r.Params.Config.Nodes)), "profile": p.Config.Profile.String(), "k": strconv.Itoa(p.Config.Client.K),
		"alpha": strconv.Itoa(p.Config.Client.Alpha), "beta": strconv.Itoa(p.BetaOrK()), "steps": strconv.Itoa(p.Config.Client.StepsToStop),
		"rule":       p.NetConfig(1).Effective().Client.Termination.String(), // default, as the profile reads it
		"conn delay": p.Config.Network.ConnDelay.String(), "refused after": p.Config.Network.FastDelay.String(),
		"fast errors": strconv.FormatFloat(p.Config.Network.FastErrorRate, 'g', -1, 64) + " %", "slow errors": strconv.FormatFloat(p.Config.Network.SlowErrorRate, 'g', -1, 64) + " %",
		"latency": cmpOr(p.Latency, "uniform"), "churn": p.Config.Network.Churn.String(), "leave rate": strconv.FormatFloat(p.Config.Network.LeaveRate, 'g', -1, 64) + "/h",
		"refresh": offOr(p.Config.Maintenance.Refresh.Seconds()), "fail limit": strconv.Itoa(p.Config.Maintenance.FailLimit), "policy": p.Config.Client.Policy.String(),
		"seed": strconv.FormatUint(p.Config.Network.Seed, 10),
	}
}

// networkLine lists a result's settings for a chart's subtitle, but those
// the chart varies (its axes and lines).
func networkLine(r *Result, varied ...string) string {
	set := settings(r)
	var parts []string
	for _, name := range settingNames {
		if !slices.Contains(varied, name) {
			parts = append(parts, name+" "+set[name])
		}
	}
	return strings.Join(parts, ", ")
}

func cmpOr(s, def string) string { return cmp.Or(s, def) }

// meanBand returns the mean of xs with its 95 % confidence band (the t
// interval of the mean; none for fewer than two values), times scale, at
// x.
func meanBand(x float64, xs []float64, scale float64) report.Point {
	m, h := report.Mean(xs)*scale, report.CI95(xs)*scale
	return report.Point{X: x, Y: m, Lo: m - h, Hi: m + h}
}

// scaleRow is one point of the scaling charts.
type scaleRow struct {
	n, workers             int
	tables                 string
	builds                 []float64 // build time of each round, s
	liveMiB, peakMiB, perN float64   // heap of the network, peak heap, bytes per node
}

// series names the line of a row: its tables mode and workers.
func (r scaleRow) series() string {
	return r.tables + " tables, " + plural(r.workers, "worker")
}

// scaleRows collects the scaling results, sorted by tables mode, workers,
// then size.
func scaleRows(results []*Result) []scaleRow {
	var rows []scaleRow
	for _, r := range results {
		if r.Scale == nil || len(r.Rounds) == 0 {
			continue
		}
		var builds []float64
		for _, rd := range r.Rounds {
			builds = append(builds, rd.Duration.Seconds())
		}
		tables := cmp.Or(r.Scale.Tables, "eager")
		rows = append(rows, scaleRow{
			n: r.Scale.N, workers: r.Scale.Workers, tables: tables, builds: builds,
			liveMiB: r.Scale.LiveBytes / (1 << 20), peakMiB: r.Scale.PeakBytes / (1 << 20),
			perN: r.Scale.LiveBytes / float64(r.Scale.N),
		})
	}
	slices.SortFunc(rows, func(a, b scaleRow) int {
		return cmp.Or(cmp.Compare(a.tables, b.tables), cmp.Compare(a.workers, b.workers), cmp.Compare(a.n, b.n))
	})
	return rows
}

// bySeries splits rows into their lines, in order.
func bySeries(rows []scaleRow) (names []string, series map[string][]scaleRow) {
	series = map[string][]scaleRow{}
	for _, r := range rows {
		name := r.series()
		if _, ok := series[name]; !ok {
			names = append(names, name)
		}
		series[name] = append(series[name], r)
	}
	return names, series
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// sizes returns the network sizes of rows, sorted, as axis values.
func sizes(rows []scaleRow) []float64 {
	var ns []float64
	for _, r := range rows {
		if x := float64(r.n); !slices.Contains(ns, x) {
			ns = append(ns, x)
		}
	}
	slices.Sort(ns)
	return ns
}

// BuildTimeChart draws the time to make a network ready for lookups
// against its size, on log-log axes: one line per tables mode and worker
// count, with its 95 % band over the rounds, and a line proportional to N
// for reference.
func BuildTimeChart(w io.Writer, results []*Result) error {
	rows := scaleRows(results)
	if len(rows) == 0 {
		return fmt.Errorf("no scaling results")
	}
	ns := sizes(rows)
	p := &report.Panel{
		X: report.Axis{Label: "network size N (nodes, log scale)", Kind: report.LogAxis, Ticks: report.ValueTicks(ns, nil)},
		Y: report.Axis{Label: "build time (wall clock, log scale)", Kind: report.LogAxis, Ticks: report.LogTicks{Durations: true}},
	}
	names, series := bySeries(rows)
	var longest []scaleRow
	for i, name := range names {
		var pts []report.Point
		for _, r := range series[name] {
			pts = append(pts, meanBand(float64(r.n), r.builds, 1))
		}
		p.Lines = append(p.Lines, report.Line{Label: name, Style: i, Points: pts})
		if len(series[name]) > len(longest) {
			longest = series[name]
		}
	}
	// Guide: linear growth from the first point of the longest line.
	if len(longest) > 1 {
		x0, y0 := float64(longest[0].n), report.Mean(longest[0].builds)
		nhi := ns[len(ns)-1]
		p.Lines = append(p.Lines, report.Line{Label: "proportional to N (guide)", Style: len(names), Color: report.Grey, Dashed: true, NoMarks: true,
			Points: []report.Point{report.XY(x0, y0), report.XY(nhi, y0*nhi/x0)}})
	}
	f := &report.Figure{
		Title:       "Time to make a network ready for lookups (dht.Spawn + BootstrapAll: keys, index, and every table when eager)",
		Subtitle:    buildLine(results),
		LegendTitle: "tables, workers",
		Panels:      [][]*report.Panel{{p}},
		PanelWidth:  20 * vg.Centimeter, PanelHeight: 13 * vg.Centimeter,
	}
	return f.Render(w)
}

// MemoryChart draws the heap a built network holds per node (solid), and
// the peak heap of its build per node (dashed), against its size, for each
// tables mode: eager tables grow with log N, so their bytes per node do
// too; on demand, a node costs its key and index entry.
func MemoryChart(w io.Writer, results []*Result) error {
	rows := scaleRows(results)
	if len(rows) == 0 {
		return fmt.Errorf("no scaling results")
	}
	ns := sizes(rows)
	p := &report.Panel{
		X: report.Axis{Label: "network size N (nodes, log scale)", Kind: report.LogAxis, Ticks: report.ValueTicks(ns, nil)},
		Y: report.Axis{Label: "heap / N (bytes per node)", FromZero: true},
	}
	names, series := bySeries(rows)
	for i, name := range names {
		var live, peak []report.Point
		for _, r := range series[name] {
			live = append(live, report.XY(float64(r.n), r.perN))
			peak = append(peak, report.XY(float64(r.n), r.peakMiB*(1<<20)/float64(r.n)))
		}
		p.Lines = append(p.Lines, report.Line{Label: name, Style: i, Points: live},
			report.Line{Label: name, Style: i, Points: peak, Dashed: true})
	}
	p.Legend = solidDashed("held by the built network", "peak during the build")
	f := &report.Figure{
		Title:       "Heap per node against network size (runtime/metrics heap objects, above the heap before the build)",
		Subtitle:    buildLine(results),
		LegendTitle: "tables, workers",
		Panels:      [][]*report.Panel{{p}},
		PanelWidth:  20 * vg.Centimeter, PanelHeight: 13 * vg.Centimeter,
	}
	return f.Render(w)
}

// solidDashed returns the legend entries that say what solid and dashed
// lines of one colour are.
func solidDashed(solid, dashed string) []report.LegendItem {
	thumb := func(d bool) plot.Thumbnailer {
		l := &plotter.Line{LineStyle: draw.LineStyle{Color: color.Gray{Y: 90}, Width: vg.Points(1.6)}}
		if d {
			l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		return l
	}
	return []report.LegendItem{
		{Label: "solid: " + solid, Thumbs: []plot.Thumbnailer{thumb(false)}},
		{Label: "dashed: " + dashed, Thumbs: []plot.Thumbnailer{thumb(true)}},
	}
}

// buildLine describes the scaling runs for a chart's subtitle: the build
// does not depend on link parameters, only on k and the seed.
func buildLine(results []*Result) string {
	for _, r := range results {
		if r.Scale != nil {
			band := ""
			if len(r.Rounds) > 1 {
				band = "; band: 95 % confidence interval of the mean over the rounds"
			}
			set := settings(r)
			return fmt.Sprintf("k %s, seed %s; each point is the mean of %s%s", set["k"], set["seed"], plural(len(r.Rounds), "round"), band)
		}
	}
	return ""
}

// DelayHistogram draws the distribution of the simulated delay of the
// lookups of r, with its p50, p90 and p99.
func DelayHistogram(w io.Writer, r *Result) error {
	st := SummarizeLookups(r.Lookups, r.ValueLookups)
	if st.Ops == 0 {
		return fmt.Errorf("%s: no lookups", r.Spec.Bench)
	}
	ms := make(plotter.Values, len(st.Delays))
	for i, d := range st.Delays {
		ms[i] = d * 1e3
	}
	what := "lookups for random keys"
	if r.ValueLookups {
		what = "retrievals of provided segments (stop at the first value)"
	}
	h, err := plotter.NewHist(ms, 40)
	if err != nil {
		return err
	}
	h.FillColor = color.RGBA{R: 120, G: 160, B: 210, A: 255}
	h.LineStyle.Color = color.RGBA{R: 60, G: 90, B: 140, A: 255}
	top := 0.0
	for _, b := range h.Bins {
		top = max(top, b.Weight)
	}
	p := &report.Panel{
		X:        report.Axis{Label: "simulated delay of a lookup (ms)", FromZero: true},
		Y:        report.Axis{Label: "lookups per bin (count)", FromZero: true},
		Plotters: []plot.Plotter{h},
		Legend:   []report.LegendItem{{Label: "lookups per bin", Thumbs: []plot.Thumbnailer{h}}},
	}
	for i, q := range []struct {
		name string
		v    float64
	}{{"p50", st.DelayP50}, {"p90", st.DelayP90}, {"p99", st.DelayP99}} {
		p.Lines = append(p.Lines, report.Line{Label: fmt.Sprintf("%s = %.0f ms", q.name, q.v*1e3), Style: i + 1, Dashed: true, NoMarks: true,
			Points: []report.Point{report.XY(q.v*1e3, 0), report.XY(q.v*1e3, top*1.02)}})
	}
	f := &report.Figure{
		Title:       fmt.Sprintf("Simulated delay of %s %s (%s)", report.FormatNumber(float64(st.Ops)), what, r.Spec.Bench),
		Subtitle:    networkLine(r),
		LegendTitle: "delay",
		Panels:      [][]*report.Panel{{p}},
		PanelWidth:  20 * vg.Centimeter, PanelHeight: 13 * vg.Centimeter,
	}
	return f.Render(w)
}

// lookupMeans returns the per-lookup figures of ops that the sweeps
// chart: accuracy (%, of the lookups that track it), connection
// attempts and hops.
func lookupMeans(ops []LookupOp) (acc, attempts, hops []float64) {
	for _, o := range ops {
		s := o.Summary
		if s.HasAccuracy() {
			acc = append(acc, 100*s.Accuracy)
		}
		attempts = append(attempts, float64(s.Attempts))
		hops = append(hops, float64(s.Hops))
	}
	return acc, attempts, hops
}

// ErrorSweepChart draws, against the fast error rate, the accuracy of
// lookups, what they cost (connection attempts and hops) and their
// simulated delay: one panel each, means with their 95 % band over the
// lookups.
func ErrorSweepChart(w io.Writer, results []*Result) error {
	type point struct {
		rate float64
		r    *Result
	}
	var pts []point
	for _, r := range results {
		if r.ErrorRate != nil && len(r.Lookups) > 0 {
			pts = append(pts, point{*r.ErrorRate, r})
		}
	}
	if len(pts) == 0 {
		return fmt.Errorf("no error sweep results")
	}
	slices.SortFunc(pts, func(a, b point) int { return cmp.Compare(a.rate, b.rate) })
	var acc, att, hops, p50, p90 []report.Point
	var rates []float64
	for _, pt := range pts {
		a, at, h := lookupMeans(pt.r.Lookups)
		st := SummarizeLookups(pt.r.Lookups, pt.r.ValueLookups)
		acc = append(acc, meanBand(pt.rate, a, 1))
		att = append(att, meanBand(pt.rate, at, 1))
		hops = append(hops, meanBand(pt.rate, h, 1))
		p50 = append(p50, report.XY(pt.rate, 1e3*st.DelayP50))
		p90 = append(p90, report.XY(pt.rate, 1e3*st.DelayP90))
		rates = append(rates, pt.rate)
	}
	x := report.Axis{Label: "fast error rate (% of attempts refused)", Ticks: report.ValueTicks(rates, nil)}
	panel := func(title, y string, kind report.AxisKind, pts []report.Point) *report.Panel {
		return &report.Panel{Title: title, X: x, Y: report.Axis{Label: y, Kind: kind, FromZero: true},
			Lines: []report.Line{{Label: "mean, 95 % band over the lookups", Points: pts}}}
	}
	delay := &report.Panel{Title: "simulated delay", X: x, Y: report.Axis{Label: "delay of a lookup (ms)", FromZero: true},
		Lines: []report.Line{{Label: "p50", Style: 1, Points: p50}, {Label: "p90", Style: 2, Points: p90, Dashed: true}}}
	r0 := pts[0].r
	f := &report.Figure{
		Title:       fmt.Sprintf("Lookups against the fast error rate (%s lookups a rate)", report.FormatNumber(float64(len(r0.Lookups)))),
		Subtitle:    networkLine(r0, "fast errors"),
		LegendTitle: "line",
		Panels: [][]*report.Panel{
			{panel("accuracy", "true beta closest found (%)", report.PercentAxis, acc),
				panel("cost: peers contacted", "connection attempts per lookup", report.LinearAxis, att)},
			{panel("cost: depth", "hops (deepest peer that answered)", report.LinearAxis, hops), delay},
		},
		ShareX: true,
	}
	return f.Render(w)
}

// AlphaSweepChart draws, against alpha, the simulated delay of lookups
// (p50), the messages they send (connection attempts, with their 95 %
// band over the lookups) and their accuracy: one line per termination
// rule.
func AlphaSweepChart(w io.Writer, results []*Result) error {
	type point struct {
		alpha int
		r     *Result
	}
	byRule := map[string][]point{}
	var rules []string
	var r0 *Result
	var alphas []float64
	for _, r := range results {
		if r.Sweep == nil || len(r.Lookups) == 0 {
			continue
		}
		if _, ok := byRule[r.Sweep.Rule]; !ok {
			rules = append(rules, r.Sweep.Rule)
		}
		byRule[r.Sweep.Rule] = append(byRule[r.Sweep.Rule], point{r.Sweep.Alpha, r})
		if a := float64(r.Sweep.Alpha); !slices.Contains(alphas, a) {
			alphas = append(alphas, a)
		}
		r0 = r
	}
	if len(rules) == 0 {
		return fmt.Errorf("no alpha sweep results")
	}
	slices.Sort(alphas)
	x := report.Axis{Label: "alpha (requests in flight)", Ticks: report.ValueTicks(alphas, nil)}
	delay := &report.Panel{Title: "simulated delay (p50)", X: x, Y: report.Axis{Label: "delay p50 of a lookup (ms)", FromZero: true}}
	msgs := &report.Panel{Title: "messages", X: x, Y: report.Axis{Label: "connection attempts per lookup", FromZero: true}}
	acc := &report.Panel{Title: "accuracy", X: x, Y: report.Axis{Label: "true beta closest in the result (%)", Kind: report.PercentAxis}}
	for i, rule := range rules {
		pts := byRule[rule]
		slices.SortFunc(pts, func(a, b point) int { return cmp.Compare(a.alpha, b.alpha) })
		var d, m, a []report.Point
		for _, pt := range pts {
			x := float64(pt.alpha)
			st := SummarizeLookups(pt.r.Lookups, false)
			ac, at, _ := lookupMeans(pt.r.Lookups)
			d = append(d, report.XY(x, st.DelayP50*1e3))
			m = append(m, meanBand(x, at, 1))
			a = append(a, meanBand(x, ac, 1))
		}
		for _, add := range []struct {
			p   *report.Panel
			pts []report.Point
		}{{delay, d}, {msgs, m}, {acc, a}} {
			add.p.Lines = append(add.p.Lines, report.Line{Label: rule, Style: i, Points: add.pts})
		}
	}
	f := &report.Figure{
		Title: fmt.Sprintf("Lookups against alpha, one line per termination rule (%s lookups a point; bands: 95 %% CI of the mean over the lookups)",
			report.FormatNumber(float64(len(r0.Lookups)))),
		Subtitle:    networkLine(r0, "alpha", "rule"),
		LegendTitle: "termination rule",
		Panels:      [][]*report.Panel{{delay, msgs, acc}},
		ShareX:      true,
	}
	return f.Render(w)
}

// outcomeColors are the colours of a request's outcome in the timeline.
var outcomeColors = []struct {
	label string
	c     color.Color
}{
	{"answered", color.RGBA{R: 60, G: 150, B: 80, A: 255}},
	{"refused (fast error)", color.RGBA{R: 220, G: 120, B: 40, A: 255}},
	{"timed out, not found or offline", color.RGBA{R: 200, G: 40, B: 40, A: 255}},
	{"abandoned (in flight at the end)", color.RGBA{R: 160, G: 160, B: 160, A: 255}},
}

// outcomeIndex returns the index in outcomeColors of a record's outcome.
func outcomeIndex(r network.Record) int {
	switch {
	case r.Abandoned:
		return 3
	case r.Error == network.NoError:
		return 0
	case r.Error == network.FastError:
		return 1
	}
	return 2
}

// TimelineChart draws the requests of a few lookups as Gantt charts, one
// panel per lookup: each request a bar from its start to its end in
// simulated time, coloured by outcome, one lane per request in order of
// start, and the end of the lookup dashed, so that a reader sees the
// alpha requests in flight and the answers that arrive after the end.
func TimelineChart(w io.Writer, results []*Result) error {
	var tl []TimelineLookup
	var r0 *Result
	for _, r := range results {
		if len(r.Timeline) > 0 {
			tl, r0 = r.Timeline, r
			break
		}
	}
	if r0 == nil {
		return fmt.Errorf("no lookup timeline")
	}
	var panels []*report.Panel
	most := 0
	for i, l := range tl {
		if len(l.Records) == 0 {
			continue
		}
		var g report.Gantt
		start := l.Records[0].Start
		end := 0.0
		for j, r := range l.Records {
			x0 := (r.Start - start).Seconds() * 1e3
			x1 := (r.End - start).Seconds() * 1e3
			g.Bars = append(g.Bars, report.Bar{Y: -float64(j), X0: x0, X1: x1, Color: outcomeColors[outcomeIndex(r)].c})
			if !r.Abandoned {
				end = max(end, x1)
			}
		}
		n := len(l.Records)
		most = max(most, n)
		p := &report.Panel{
			Title:    fmt.Sprintf("lookup %d: %s, ended by rule %s", i+1, plural(n, "request"), l.Reason),
			X:        report.Axis{Label: "simulated time since the lookup started (ms)", FromZero: true},
			Y:        report.Axis{Label: "requests in order of start", Ticks: plot.ConstantTicks{}},
			Plotters: []plot.Plotter{g},
			Lines: []report.Line{{Label: "end of the lookup", Color: color.Black, Dashed: true, NoMarks: true,
				Points: []report.Point{report.XY(end, 0.6), report.XY(end, -float64(n)+0.4)}}},
		}
		for _, oc := range outcomeColors {
			p.Legend = append(p.Legend, report.LegendItem{Label: oc.label, Thumbs: []plot.Thumbnailer{report.Swatch{Color: oc.c}}})
		}
		panels = append(panels, p)
	}
	if len(panels) == 0 {
		return fmt.Errorf("no lookup timeline with requests")
	}
	for _, p := range panels {
		p.Y.Min, p.Y.Max = -float64(most)+0.4, 0.6 // one lane height in every panel
	}
	const cols = 2
	var grid [][]*report.Panel
	for i := 0; i < len(panels); i += cols {
		grid = append(grid, panels[i:min(i+cols, len(panels))])
	}
	f := &report.Figure{
		Title:       fmt.Sprintf("Requests of %d lookups in simulated time (each bar: one request, start to end)", len(panels)),
		Subtitle:    networkLine(r0),
		LegendTitle: "request",
		Panels:      grid,
		ShareX:      true,
		PanelWidth:  13 * vg.Centimeter,
		PanelHeight: vg.Length(4+0.3*float64(most)) * vg.Centimeter,
	}
	return f.Render(w)
}

// LatencyCDFChart draws the distribution of the simulated delay of the
// same lookups under each latency model: one cumulative line per model.
func LatencyCDFChart(w io.Writer, results []*Result) error {
	p := &report.Panel{
		X: report.Axis{Label: "simulated delay of a lookup (ms)", FromZero: true},
		Y: report.Axis{Label: "lookups at most this delay (%)", Kind: report.PercentAxis},
	}
	var sub string
	for _, r := range results {
		if r.Model == "" || len(r.Lookups) == 0 {
			continue
		}
		st := SummarizeLookups(r.Lookups, false)
		p.Lines = append(p.Lines, report.Line{
			Label:   fmt.Sprintf("%s: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms", r.Model, st.DelayP50*1e3, st.DelayP90*1e3, st.DelayP99*1e3),
			Style:   len(p.Lines),
			Points:  report.CDF(st.Delays, 1e3),
			NoMarks: true,
		})
		sub = report.FormatNumber(float64(st.Ops)) + " lookups per model; " + networkLine(r, "latency")
	}
	if len(p.Lines) == 0 {
		return fmt.Errorf("no latency-model results")
	}
	f := &report.Figure{
		Title:       "Simulated delay of a lookup under each latency model (cumulative)",
		Subtitle:    sub,
		LegendTitle: "latency model",
		Panels:      [][]*report.Panel{{p}},
		PanelWidth:  20 * vg.Centimeter, PanelHeight: 13 * vg.Centimeter,
	}
	return f.Render(w)
}

// ChurnCharts draws what BenchmarkChurn measured every simulated hour, one
// line per run: the share of retrievals that found their segment and the
// replicas online (availability), and the health of the tables.
func ChurnCharts(w io.Writer, results []*Result) error {
	x := report.Axis{Label: "simulated time (h)", FromZero: true, Ticks: report.HourTicks}
	found := &report.Panel{Title: "retrievals of segments provided at hour 0", X: x, Y: report.Axis{Label: "found (%)", Kind: report.PercentAxis}}
	replicas := &report.Panel{Title: "replicas", X: x, Y: report.Axis{Label: "nodes online holding a segment (mean)", FromZero: true}}
	online := &report.Panel{Title: "routing tables: peers online", X: x, Y: report.Axis{Label: "share of a table online (%)", Kind: report.PercentAxis}}
	closest := &report.Panel{Title: "routing tables: true k closest known", X: x, Y: report.Axis{Label: "k closest online nodes known (%)", Kind: report.PercentAxis}}
	var sub string
	i := 0
	for _, r := range results {
		if len(r.Series) == 0 {
			continue
		}
		var f, rep, on, cl []report.Point
		for _, pt := range r.Series {
			h := pt.At.Hours()
			f = append(f, report.XY(h, 100*pt.Found))
			rep = append(rep, report.XY(h, pt.Replicas))
			on = append(on, report.XY(h, 100*pt.TableOnline))
			cl = append(cl, report.XY(h, 100*pt.TableClosest))
		}
		for _, s := range []struct {
			p   *report.Panel
			pts []report.Point
		}{{found, f}, {replicas, rep}, {online, on}, {closest, cl}} {
			s.p.Lines = append(s.p.Lines, report.Line{Label: r.SeriesLabel, Style: i, Points: s.pts})
		}
		sub = networkLine(r, "N") // each run's N is in its line's label
		i++
	}
	if i == 0 {
		return fmt.Errorf("no churn results")
	}
	f := &report.Figure{
		Title:       "Availability and routing tables under churn, measured every simulated hour",
		Subtitle:    sub,
		LegendTitle: "run",
		Panels:      [][]*report.Panel{{found, replicas}, {online, closest}},
		ShareX:      true,
	}
	return f.Render(w)
}

// offOr prints a period in seconds as a duration, 0 as "off".
func offOr(sec float64) string {
	if sec == 0 {
		return "off"
	}
	return report.FormatDuration(sec)
}

// HopsChart draws the retrieval hops of BenchmarkHopsScaling (alpha 1, no
// errors) against the network size on a log axis: one panel per k, one
// line per fill, and log2(N) / log2(k), the hops of an ideal Kademlia
// lookup, dashed for reference.
func HopsChart(w io.Writer, results []*Result) error {
	byK := map[int]map[string][]HopsPoint{}
	var ks []int
	var fills []string
	var ns []float64
	for _, r := range results {
		h := r.Hops
		if h == nil {
			continue
		}
		if byK[h.K] == nil {
			byK[h.K] = map[string][]HopsPoint{}
			ks = append(ks, h.K)
		}
		if !slices.Contains(fills, h.Fill) {
			fills = append(fills, h.Fill)
		}
		if !slices.Contains(ns, float64(h.N)) {
			ns = append(ns, float64(h.N))
		}
		byK[h.K][h.Fill] = append(byK[h.K][h.Fill], *h)
	}
	if len(ks) == 0 {
		return fmt.Errorf("no hops scaling results")
	}
	slices.Sort(ks)
	slices.Sort(ns)
	var panels []*report.Panel
	for _, k := range ks {
		p := &report.Panel{Title: fmt.Sprintf("k = %d", k),
			X: report.Axis{Label: "network size N (nodes, log scale)", Kind: report.LogAxis, Ticks: report.ValueTicks(ns, nil)},
			Y: report.Axis{Label: "retrieval hops (mean)", FromZero: true}}
		for i, fill := range fills {
			pts := byK[k][fill]
			if len(pts) == 0 {
				continue
			}
			slices.SortFunc(pts, func(a, b HopsPoint) int { return a.N - b.N })
			var line []report.Point
			for _, pt := range pts {
				line = append(line, report.XY(float64(pt.N), pt.RetrievalHops))
			}
			p.Lines = append(p.Lines, report.Line{Label: fill + " fill", Style: i, Points: line})
		}
		var ref []report.Point
		for n := ns[0]; n <= ns[len(ns)-1]*1.01; n *= math.Sqrt(10) {
			ref = append(ref, report.XY(n, math.Log2(n)/math.Log2(float64(k))))
		}
		if len(ref) > 1 {
			p.Lines = append(p.Lines, report.Line{Label: "log2(N) / log2(k)", Style: len(fills), Color: report.Grey, Dashed: true, NoMarks: true, Points: ref})
		}
		panels = append(panels, p)
	}
	f := &report.Figure{
		Title:       fmt.Sprintf("Retrieval hops against the network size, one panel per bucket size k (alpha 1, no errors; %d retrievals a point)", hopsRetrievals),
		LegendTitle: "table fill",
		Panels:      [][]*report.Panel{panels},
		ShareY:      true,
		ShareX:      true,
		PanelWidth:  9 * vg.Centimeter,
	}
	return f.Render(w)
}
