package benchmarks

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

	"github.com/go-dht/go-dht/benchmarks/report"
	"github.com/go-dht/go-dht/network"
)

// networkLine describes a network's parameters for a chart title.
func networkLine(p Params) string {
	return fmt.Sprintf("k=%d, alpha=%d, beta=%d, steps=%d, conn delay %v, errors fast %g%% / slow %g%%, seed %d",
		p.K, p.Alpha, p.BetaOrK(), p.Steps, p.ConnDelay, p.FastErrorRate, p.SlowErrorRate, p.Seed)
}

// scaleRow is one point of the scaling charts.
type scaleRow struct {
	n, workers             int
	tables                 string
	build                  float64 // mean build time, s
	liveMiB, peakMiB, perN float64 // heap of the network, peak heap, bytes per node
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
		st := SummarizeRounds(r.Rounds)
		tables := cmp.Or(r.Scale.Tables, "eager")
		rows = append(rows, scaleRow{
			n: r.Scale.N, workers: r.Scale.Workers, tables: tables, build: st.Mean,
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

// BuildTimeChart draws the time to make a network ready for lookups
// against its size, on log-log axes: one line per tables mode and worker
// count, with a line proportional to N for reference.
func BuildTimeChart(w io.Writer, results []*Result) error {
	rows := scaleRows(results)
	if len(rows) == 0 {
		return fmt.Errorf("no scaling results")
	}
	p := report.NewPlot(
		"Time to make a network ready for lookups (dht.Spawn + BootstrapAll: keys, index, and every table when eager)\n"+buildLine(results),
		"network size N (nodes, log scale)", "build time (log scale)")
	names, series := bySeries(rows)
	lo, hi := math.Inf(1), 0.0
	nlo, nhi := math.Inf(1), 0.0
	var longest []scaleRow
	for i, name := range names {
		var xys plotter.XYs
		for _, r := range series[name] {
			xys = append(xys, plotter.XY{X: float64(r.n), Y: r.build})
			lo, hi = min(lo, r.build), max(hi, r.build)
			nlo, nhi = min(nlo, float64(r.n)), max(nhi, float64(r.n))
		}
		if err := report.AddSeries(p, name, i, xys); err != nil {
			return err
		}
		if len(series[name]) > len(longest) {
			longest = series[name]
		}
	}
	// Guide: linear growth from the first point of the longest line.
	if len(longest) > 1 {
		x0, y0 := float64(longest[0].n), longest[0].build
		guide := plotter.XYs{{X: x0, Y: y0}, {X: nhi, Y: y0 * nhi / x0}}
		l, err := plotter.NewLine(guide)
		if err != nil {
			return err
		}
		l.Color = color.Gray{Y: 140}
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l)
		p.Legend.Add("proportional to N (guide)", l)
		hi = max(hi, y0*nhi/x0)
	}
	report.LogAxis(&p.X, nlo, nhi, report.FormatCount)
	report.LogAxis(&p.Y, lo, hi, report.FormatSeconds)
	return report.RenderPNG(w, 24*vg.Centimeter, 15*vg.Centimeter, p)
}

// MemoryChart draws the heap a built network holds per node, and the peak
// heap of its build per node, against its size, for each tables mode:
// eager tables grow with log N, so their bytes per node do too; on demand,
// a node costs its key and index entry.
func MemoryChart(w io.Writer, results []*Result) error {
	rows := scaleRows(results)
	if len(rows) == 0 {
		return fmt.Errorf("no scaling results")
	}
	p := report.NewPlot("Heap per node against network size (runtime/metrics heap objects, above the heap before the build)\n"+buildLine(results),
		"network size N (nodes, log scale)", "heap / N (bytes per node)")
	names, series := bySeries(rows)
	nlo, nhi, top := math.Inf(1), 0.0, 0.0
	i := 0
	for _, name := range names {
		var live, peak plotter.XYs
		for _, r := range series[name] {
			v := r.peakMiB * (1 << 20) / float64(r.n)
			live = append(live, plotter.XY{X: float64(r.n), Y: r.perN})
			peak = append(peak, plotter.XY{X: float64(r.n), Y: v})
			nlo, nhi, top = min(nlo, float64(r.n)), max(nhi, float64(r.n)), max(top, r.perN, v)
		}
		if err := report.AddSeries(p, "held by the built network, "+name, i, live); err != nil {
			return err
		}
		if err := report.AddSeries(p, "peak during the build, "+name, i+1, peak); err != nil {
			return err
		}
		i += 2
	}
	report.LogAxis(&p.X, nlo, nhi, report.FormatCount)
	p.Y.Min, p.Y.Max = 0, top*1.5
	return report.RenderPNG(w, 24*vg.Centimeter, 15*vg.Centimeter, p)
}

// buildLine describes the scaling runs for a chart title: the build does
// not depend on link parameters, only on k and the seed.
func buildLine(results []*Result) string {
	for _, r := range results {
		if r.Scale != nil {
			return fmt.Sprintf("k=%d, seed %d; each point is the mean of %s", r.Row.K, r.Row.Seed, plural(len(r.Rounds), "round"))
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
	p := report.NewPlot(
		fmt.Sprintf("Simulated delay of %d %s (%s)\nN=%d, %s", st.Ops, what, r.Spec.Bench, r.Row.N, networkLine(r.Params)),
		"simulated delay of a lookup (ms)", "lookups (count per bin)")
	p.Legend.Left = false
	p.Legend.XOffs = -vg.Millimeter * 3
	h, err := plotter.NewHist(ms, 40)
	if err != nil {
		return err
	}
	h.FillColor = color.RGBA{R: 120, G: 160, B: 210, A: 255}
	h.LineStyle.Color = color.RGBA{R: 60, G: 90, B: 140, A: 255}
	p.Add(h)
	p.Legend.Add("lookups per bin", h)
	top := 0.0
	for _, b := range h.Bins {
		top = max(top, b.Weight)
	}
	for i, q := range []struct {
		name string
		v    float64
	}{{"p50", st.DelayP50}, {"p90", st.DelayP90}, {"p99", st.DelayP99}} {
		l, err := plotter.NewLine(plotter.XYs{{X: q.v * 1e3, Y: 0}, {X: q.v * 1e3, Y: top * 1.05}})
		if err != nil {
			return err
		}
		l.Color = plotutil.Color(i + 1)
		l.Width = vg.Points(2)
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("%s = %.0f ms", q.name, q.v*1e3), l)
	}
	p.Y.Min = 0
	p.Y.Max = top * 1.4 // room for the legend above the bars
	p.Y.Tick.Marker = report.PlainTicks{}
	return report.RenderPNG(w, 24*vg.Centimeter, 15*vg.Centimeter, p)
}

// ErrorSweepChart draws, against the fast error rate, the accuracy of
// lookups and what they cost (hops and peers contacted), side by side.
func ErrorSweepChart(w io.Writer, results []*Result) error {
	type point struct {
		rate float64
		st   OpStats
	}
	var pts []point
	var params Params
	var n int
	for _, r := range results {
		if r.ErrorRate != nil && len(r.Lookups) > 0 {
			pts = append(pts, point{*r.ErrorRate, SummarizeLookups(r.Lookups, r.ValueLookups)})
			params, n = r.Params, r.Row.N
		}
	}
	if len(pts) == 0 {
		return fmt.Errorf("no error sweep results")
	}
	slices.SortFunc(pts, func(a, b point) int { return cmp.Compare(a.rate, b.rate) })
	var acc, hops, peers, p50, p90 plotter.XYs
	var ticks plot.ConstantTicks
	for _, pt := range pts {
		acc = append(acc, plotter.XY{X: pt.rate, Y: 100 * pt.st.Accuracy})
		hops = append(hops, plotter.XY{X: pt.rate, Y: pt.st.Hops})
		peers = append(peers, plotter.XY{X: pt.rate, Y: pt.st.Peers})
		p50 = append(p50, plotter.XY{X: pt.rate, Y: 1e3 * pt.st.DelayP50})
		p90 = append(p90, plotter.XY{X: pt.rate, Y: 1e3 * pt.st.DelayP90})
		ticks = append(ticks, plot.Tick{Value: pt.rate, Label: strconv.FormatFloat(pt.rate, 'g', -1, 64)})
	}
	const xLabel = "fast error rate (% of attempts refused)"
	acc1 := report.NewPlot(fmt.Sprintf("Accuracy of lookups\nN=%d, k=%d, alpha=%d, beta=%d, steps=%d",
		n, params.K, params.Alpha, params.BetaOrK(), params.Steps),
		xLabel, "accuracy (% of the true beta closest found)")
	acc1.Legend.Top, acc1.Legend.YOffs = false, vg.Millimeter*2
	if err := report.AddSeries(acc1, "mean accuracy", 0, acc); err != nil {
		return err
	}
	acc1.Y.Min, acc1.Y.Max = 0, 105
	cost := report.NewPlot(fmt.Sprintf("Cost of lookups\nslow errors %g%%, %d lookups per rate", params.SlowErrorRate, pts[0].st.Ops),
		xLabel, "mean per lookup (count)")
	top := 0.0
	for _, xy := range peers {
		top = max(top, xy.Y)
	}
	if err := report.AddSeries(cost, "peers contacted (connection attempts)", 1, peers); err != nil {
		return err
	}
	if err := report.AddSeries(cost, "hops (deepest peer that answered)", 2, hops); err != nil {
		return err
	}
	cost.Y.Min, cost.Y.Max = 0, top*1.3
	delay := report.NewPlot(fmt.Sprintf("Simulated delay of lookups\nrefused attempt %v, connection %v", params.FastDelay, params.ConnDelay),
		xLabel, "simulated delay of a lookup (ms)")
	delay.Legend.Top, delay.Legend.YOffs = false, vg.Millimeter*2
	if err := report.AddSeries(delay, "p90", 4, p90); err != nil {
		return err
	}
	if err := report.AddSeries(delay, "p50", 3, p50); err != nil {
		return err
	}
	delay.Y.Min = 0
	for _, p := range []*plot.Plot{acc1, cost, delay} {
		p.X.Tick.Marker = ticks
		p.X.Min, p.X.Max = pts[0].rate-2, pts[len(pts)-1].rate+2
	}
	return report.RenderPNG(w, 42*vg.Centimeter, 14*vg.Centimeter, acc1, cost, delay)
}

// AlphaSweepChart draws, against alpha, the simulated delay of lookups
// (p50), the messages they send (connection attempts) and their accuracy:
// one line per termination rule.
func AlphaSweepChart(w io.Writer, results []*Result) error {
	type point struct {
		alpha int
		st    OpStats
	}
	byRule := map[string][]point{}
	var rules []string
	var params Params
	var n int
	for _, r := range results {
		if r.Sweep == nil || len(r.Lookups) == 0 {
			continue
		}
		if _, ok := byRule[r.Sweep.Rule]; !ok {
			rules = append(rules, r.Sweep.Rule)
		}
		byRule[r.Sweep.Rule] = append(byRule[r.Sweep.Rule], point{r.Sweep.Alpha, SummarizeLookups(r.Lookups, false)})
		params, n = r.Params, r.Row.N
	}
	if len(rules) == 0 {
		return fmt.Errorf("no alpha sweep results")
	}
	const xLabel = "alpha (requests in flight)"
	delay := report.NewPlot(fmt.Sprintf("Simulated delay of lookups (p50)\nN=%d, k=%d, beta=%d, steps=%d, conn %v",
		n, params.K, params.BetaOrK(), params.Steps, params.ConnDelay), xLabel, "delay p50 (ms)")
	msgs := report.NewPlot(fmt.Sprintf("Messages per lookup\nerrors fast %g%% / slow %g%%, seed %d",
		params.FastErrorRate, params.SlowErrorRate, params.Seed), xLabel, "connection attempts per lookup")
	acc := report.NewPlot("Accuracy of lookups\n(share of the true beta closest in the result)", xLabel, "accuracy (%)")
	acc.Legend.Top, acc.Legend.YOffs = false, vg.Millimeter*2
	var ticks plot.ConstantTicks
	seen := map[int]bool{}
	topDelay, topMsgs := 0.0, 0.0
	for i, rule := range rules {
		pts := byRule[rule]
		slices.SortFunc(pts, func(a, b point) int { return cmp.Compare(a.alpha, b.alpha) })
		var d, m, a plotter.XYs
		for _, pt := range pts {
			x := float64(pt.alpha)
			d = append(d, plotter.XY{X: x, Y: pt.st.DelayP50 * 1e3})
			m = append(m, plotter.XY{X: x, Y: pt.st.Peers})
			a = append(a, plotter.XY{X: x, Y: 100 * pt.st.Accuracy})
			topDelay, topMsgs = max(topDelay, pt.st.DelayP50*1e3), max(topMsgs, pt.st.Peers)
			if !seen[pt.alpha] {
				seen[pt.alpha] = true
				ticks = append(ticks, plot.Tick{Value: x, Label: strconv.Itoa(pt.alpha)})
			}
		}
		for _, add := range []struct {
			p   *plot.Plot
			xys plotter.XYs
		}{{delay, d}, {msgs, m}, {acc, a}} {
			if err := report.AddSeries(add.p, "rule "+rule, i, add.xys); err != nil {
				return err
			}
		}
	}
	delay.Y.Min, delay.Y.Max = 0, topDelay*1.4
	msgs.Y.Min, msgs.Y.Max = 0, topMsgs*1.4
	acc.Y.Min, acc.Y.Max = 0, 105
	for _, p := range []*plot.Plot{delay, msgs, acc} {
		p.X.Tick.Marker = ticks
		p.X.Scale = plot.LogScale{}
		p.X.Min, p.X.Max = 0.8, 13
	}
	return report.RenderPNG(w, 42*vg.Centimeter, 14*vg.Centimeter, delay, msgs, acc)
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

// TimelineChart draws the requests of a few lookups as a Gantt chart: each
// request a bar from its start to its end in simulated time, coloured by
// outcome, one lane per request, grouped by lookup with its end marked, so
// that a reader sees the alpha requests in flight and the answers that
// arrive after the end.
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
	var g report.Gantt
	var ticks plot.ConstantTicks
	y := 0.0
	var ends plotter.XYs
	for i, l := range tl {
		if len(l.Records) == 0 {
			continue
		}
		start := l.Records[0].Start
		first := y
		end := 0.0
		for _, r := range l.Records {
			x0 := (r.Start - start).Seconds() * 1e3
			x1 := (r.End - start).Seconds() * 1e3
			g.Bars = append(g.Bars, report.Bar{Y: y, X0: x0, X1: x1, Color: outcomeColors[outcomeIndex(r)].c})
			if !r.Abandoned {
				end = max(end, x1)
			}
			y--
		}
		ticks = append(ticks, plot.Tick{Value: (first + y + 1) / 2, Label: fmt.Sprintf("lookup %d\n(%s)", i+1, l.Reason)})
		ends = append(ends, plotter.XY{X: end, Y: first + 0.5}, plotter.XY{X: end, Y: y + 0.5})
		y -= 1.5 // a gap between lookups
	}
	p := report.NewPlot(fmt.Sprintf("Requests of %d lookups in simulated time (each bar: one request, start to end)\nN=%d, %s",
		len(tl), r0.Row.N, networkLine(r0.Params)), "simulated time since the lookup started (ms)", "")
	p.Legend.Left = false
	p.Legend.XOffs = -vg.Millimeter * 3
	p.Add(g)
	for i := 0; i+1 < len(ends); i += 2 {
		l, err := plotter.NewLine(ends[i : i+2])
		if err != nil {
			return err
		}
		l.Color = color.Black
		l.Width = vg.Points(1.5)
		l.Dashes = []vg.Length{vg.Points(3), vg.Points(2)}
		p.Add(l)
		if i == 0 {
			p.Legend.Add("end of the lookup", l)
		}
	}
	for _, oc := range outcomeColors {
		p.Legend.Add(oc.label, report.Swatch{Color: oc.c})
	}
	p.Y.Tick.Marker = ticks
	p.X.Min = 0
	_, xmax, _, _ := g.DataRange()
	p.X.Max = xmax * 1.35 // room for the legend
	return report.RenderPNG(w, 26*vg.Centimeter, vg.Length(8+0.45*float64(len(g.Bars)))*vg.Centimeter, p)
}

// LatencyCDFChart draws the distribution of the simulated delay of the
// same lookups under each latency model: one cumulative line per model.
func LatencyCDFChart(w io.Writer, results []*Result) error {
	p := report.NewPlot("Simulated delay of a lookup under each latency model (cumulative)\n", "simulated delay of a lookup (ms)", "share of lookups (%)")
	p.Legend.Top, p.Legend.Left = false, false
	p.Legend.XOffs, p.Legend.YOffs = -vg.Millimeter*3, vg.Millimeter*3
	i := 0
	var line string
	for _, r := range results {
		if r.Model == "" || len(r.Lookups) == 0 {
			continue
		}
		st := SummarizeLookups(r.Lookups, false)
		ms := make([]float64, len(st.Delays))
		for j, d := range st.Delays {
			ms[j] = d * 1e3
		}
		slices.Sort(ms)
		xys := make(plotter.XYs, 0, 200)
		step := max(1, len(ms)/200)
		for j := 0; j < len(ms); j += step {
			xys = append(xys, plotter.XY{X: ms[j], Y: 100 * float64(j+1) / float64(len(ms))})
		}
		xys = append(xys, plotter.XY{X: ms[len(ms)-1], Y: 100})
		l, err := plotter.NewLine(xys)
		if err != nil {
			return err
		}
		l.Color = plotutil.Color(i)
		l.Width = vg.Points(2)
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("%s: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms", r.Model, st.DelayP50*1e3, st.DelayP90*1e3, st.DelayP99*1e3), l)
		line = fmt.Sprintf("N=%d, %d lookups per model, k=%d, alpha=%d, beta=%d, rule %v", r.Row.N, st.Ops, r.Params.K, r.Params.Alpha, r.Params.BetaOrK(), r.Params.Termination)
		i++
	}
	if i == 0 {
		return fmt.Errorf("no latency-model results")
	}
	p.Title.Text += line
	p.Y.Min, p.Y.Max = 0, 100
	p.X.Min = 0
	return report.RenderPNG(w, 24*vg.Centimeter, 15*vg.Centimeter, p)
}

// ChurnCharts draws what BenchmarkChurn measured every simulated hour, one
// line per run: the share of retrievals that found their segment and the
// replicas online (availability), and the health of the tables.
func ChurnCharts(w io.Writer, results []*Result) error {
	found := report.NewPlot("Retrievals that found a segment provided at hour 0", "simulated time (hours)", "found (%)")
	replicas := report.NewPlot("Nodes online that hold a segment (mean)", "simulated time (hours)", "replicas online")
	online := report.NewPlot("Routing tables: peers online", "simulated time (hours)", "share of a table online (%)")
	closest := report.NewPlot("Routing tables: true k closest known", "simulated time (hours)", "share of the k closest online nodes known (%)")
	i := 0
	var churnLine string
	for _, r := range results {
		if len(r.Series) == 0 {
			continue
		}
		var f, rep, on, cl plotter.XYs
		for _, pt := range r.Series {
			h := pt.At.Hours()
			f = append(f, plotter.XY{X: h, Y: 100 * pt.Found})
			rep = append(rep, plotter.XY{X: h, Y: pt.Replicas})
			on = append(on, plotter.XY{X: h, Y: 100 * pt.TableOnline})
			cl = append(cl, plotter.XY{X: h, Y: 100 * pt.TableClosest})
		}
		for _, s := range []struct {
			p   *plot.Plot
			xys plotter.XYs
		}{{found, f}, {replicas, rep}, {online, on}, {closest, cl}} {
			if err := report.AddSeries(s.p, r.SeriesLabel, i, s.xys); err != nil {
				return err
			}
		}
		churnLine = fmt.Sprintf("churn %v, leave rate %g/h, refresh %v, fail limit %d, policy %v",
			r.Params.Churn, r.Params.LeaveRate, r.Params.Refresh, r.Params.FailLimit, r.Params.Policy)
		i++
	}
	if i == 0 {
		return fmt.Errorf("no churn results")
	}
	for _, p := range []*plot.Plot{found, online, closest} {
		p.Y.Min, p.Y.Max = 0, 135
		p.Legend.Top, p.Legend.YOffs = true, -vg.Millimeter*2
	}
	found.Title.Text += "\n" + churnLine
	replicas.Y.Min = 0
	return report.RenderPNG(w, 56*vg.Centimeter, 14*vg.Centimeter, found, replicas, online, closest)
}

// HopsChart draws the retrieval hops of BenchmarkHopsScaling (alpha 1, no
// errors) against the network size on a log axis: one panel per k, one
// line per fill, and log2(N) / log2(k), the hops of an ideal Kademlia
// lookup, dashed for reference.
func HopsChart(w io.Writer, results []*Result) error {
	byK := map[int]map[string][]HopsPoint{}
	var ks []int
	var fills []string
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
		byK[h.K][h.Fill] = append(byK[h.K][h.Fill], *h)
	}
	if len(ks) == 0 {
		return fmt.Errorf("no hops scaling results")
	}
	slices.Sort(ks)
	var panels []*plot.Plot
	ymax := 0.0
	for _, k := range ks {
		p := report.NewPlot(fmt.Sprintf("Retrieval hops against N, k = %d\n(alpha 1, no errors; %d retrievals a point)", k, hopsRetrievals),
			"network size N (nodes, log scale)", "retrieval hops (mean)")
		nlo, nhi := math.Inf(1), 0.0
		for i, fill := range fills {
			pts := byK[k][fill]
			if len(pts) == 0 {
				continue
			}
			slices.SortFunc(pts, func(a, b HopsPoint) int { return a.N - b.N })
			var xys plotter.XYs
			for _, pt := range pts {
				xys = append(xys, plotter.XY{X: float64(pt.N), Y: pt.RetrievalHops})
				nlo, nhi = min(nlo, float64(pt.N)), max(nhi, float64(pt.N))
				ymax = max(ymax, pt.RetrievalHops)
			}
			if err := report.AddSeries(p, fill+" fill", i, xys); err != nil {
				return err
			}
		}
		var ref plotter.XYs
		for n := nlo; n <= nhi*1.01; n *= math.Sqrt(10) {
			ref = append(ref, plotter.XY{X: n, Y: math.Log2(n) / math.Log2(float64(k))})
			ymax = max(ymax, ref[len(ref)-1].Y)
		}
		if len(ref) > 1 {
			l, err := plotter.NewLine(ref)
			if err != nil {
				return err
			}
			l.Color = color.Gray{Y: 120}
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			p.Add(l)
			p.Legend.Add("log2(N) / log2(k)", l)
		}
		report.LogAxis(&p.X, nlo, nhi, report.FormatCount)
		panels = append(panels, p)
	}
	for _, p := range panels {
		p.Y.Min, p.Y.Max = 0, math.Ceil(ymax+0.5)
	}
	return report.RenderPNG(w, vg.Length(len(panels))*11*vg.Centimeter, 13*vg.Centimeter, panels...)
}
