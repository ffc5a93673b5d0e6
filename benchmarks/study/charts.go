package study

import (
	"cmp"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/go-dht/go-dht/benchmarks/param"
	"github.com/go-dht/go-dht/benchmarks/report"
)

// A study's charts (DIR/charts), drawn as seaborn's relplot draws a
// sweep (report.Figure):
//
//	<key>.png        for each swept key: the workload's main figures
//	                 against its values, one line per value of the next
//	                 swept key (the hue), one column of panels per
//	                 combination of the values of the others: no figure is
//	                 averaged over a swept key. With more than
//	                 maxFacetCols such combinations, one file per figure
//	                 (<key>_<figure>.png, pages _2, _3, ... beyond
//	                 maxPanels panels)
//	heatmap_<figure>_<x>_<y>.png   a figure over two swept keys, when the
//	                 study asks for it (ChartsKey)
//	distributions.png   a study of one grid point (retrieval, slot): the
//	                 distributions of its operations (delays, hops, found
//	                 share) from its CSVs
//	over_time.png    the availability workload: its measurements against
//	                 simulated time
//
// Each point is the mean over the point's seeds, with the 95 % t
// interval of that mean as a band (or an error bar, on a key whose values
// are categories) when it has two seeds or more. The subtitle lists the
// settings that every panel shares.

// Layout bounds of the charts.
const (
	// maxFacetCols is the most columns of facets a figure of every metric
	// holds: beyond, each metric gets its own figure.
	maxFacetCols = 5
	// maxPanels is the most panels one file holds.
	maxPanels = 36
	// wrapCols is the columns of a figure of one metric's facets.
	wrapCols = 4
	// maxPages is the most files of one metric against one key: beyond
	// maxPages x maxPanels panels a grid is read from summary.csv or a
	// heat map, and the last page says how many panels it leaves out.
	maxPages = 4
)

// chartMetric is a figure the charts draw: its column of summary.csv,
// its axis label (with unit), and the factor from the column's unit to
// the axis's; percent figures run on a 0-100 axis.
type chartMetric struct {
	column, label string
	scale         float64
	percent       bool
}

// chartMetrics are the main figures of each workload type.
var chartMetrics = map[WorkloadType][]chartMetric{
	Retrieval: {
		{"found_share", "retrievals that found the segment (%)", 100, true},
		{"delay_mean_s", "mean delay of a retrieval (ms)", 1e3, false},
		{"attempts_mean", "connection attempts per retrieval", 1, false},
	},
	Availability: {
		{"found_share_last", "retrievals that found a segment at the end (%)", 100, true},
		{"replicas_last", "replicas online at the end (mean per segment)", 1, false},
		{"table_closest_last", "true k closest known at the end (%)", 100, true},
	},
	Slot: {
		{"success_share", "validators done by the deadline (%)", 100, true},
		{"sample_p90_s", "sample delay p90 (ms)", 1e3, false},
		{"served_max", "requests served by the busiest node", 1, false},
	},
}

// metricInfo describes any figure of MetricColumns: the main ones as
// chartMetrics says, the others by their name: _s columns in ms, shares
// and table health in %.
func metricInfo(t WorkloadType, column string) chartMetric {
	for _, m := range chartMetrics[t] {
		if m.column == column {
			return m
		}
	}
	name := strings.ReplaceAll(column, "_", " ")
	if isRate(column) {
		return chartMetric{column, name + " (% of the seeds)", 100, true}
	}
	switch {
	case strings.HasSuffix(column, "_s"):
		return chartMetric{column, strings.TrimSuffix(name, " s") + " (ms)", 1e3, false}
	case strings.Contains(column, "share") || strings.HasPrefix(column, "table_"):
		return chartMetric{column, name + " (%)", 100, true}
	}
	return chartMetric{column, name, 1, false}
}

// keyUnits are the units of the keys whose values do not carry one.
var keyUnits = map[string]string{
	"fast_error_rate": "%", "slow_error_rate": "%", "leave_rate": "share of nodes per hour",
	"joins": "nodes per hour", "segment_size": "bytes",
}

// keyLabel names a swept key on an axis or a legend, with its unit.
func keyLabel(key string) string {
	col := columnOf(key)
	if u, ok := keyUnits[col]; ok {
		return col + " (" + u + ")"
	}
	return col
}

// axisValues is how a swept key's values are placed on an axis: numbers
// and durations at their value (durations in seconds), other values as
// categories in the order of the file.
type axisValues struct {
	key    string
	kind   report.AxisKind
	pos    []float64 // axis position of each value
	labels []string  // human label of each value: 10,000; 1 h; stale
	// ordered says the values are numbers: a hue of them takes a
	// sequential palette.
	ordered bool
}

// classify places the values of a.
func classify(a Axis) axisValues {
	av := axisValues{key: a.Key, kind: report.CategoryAxis}
	nums := make([]float64, len(a.Values))
	isNum, isDur := true, true
	for i, v := range a.Values {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			isNum = false
		}
		nums[i] = f
	}
	durs := make([]float64, len(a.Values))
	for i, v := range a.Values {
		d, err := time.ParseDuration(v)
		if err != nil {
			isDur = false
		}
		durs[i] = d.Seconds()
	}
	switch {
	case isNum:
		av.pos, av.ordered = nums, true
		for _, f := range nums {
			av.labels = append(av.labels, report.FormatNumber(f))
		}
	case isDur:
		av.pos, av.ordered = durs, true
		for _, f := range durs {
			av.labels = append(av.labels, report.FormatDuration(f))
		}
	default:
		for i, v := range a.Values {
			av.pos = append(av.pos, float64(i))
			av.labels = append(av.labels, humanValue(v))
		}
		return av
	}
	av.kind = report.LinearAxis
	lo, hi := slices.Min(av.pos), slices.Max(av.pos)
	if lo > 0 && hi/lo >= 50 {
		av.kind = report.LogAxis
	}
	return av
}

// ranks returns, for each value, its place in the order a reader expects:
// ascending for numbers and durations, the file's for categories.
func (av axisValues) ranks() []int {
	order := make([]int, len(av.pos))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(av.pos[a], av.pos[b]) })
	rank := make([]int, len(order))
	for r, i := range order {
		rank[i] = r
	}
	return rank
}

// sortedLabels returns the labels in the order of ranks.
func (av axisValues) sortedLabels() []string {
	out := make([]string, len(av.labels))
	for i, r := range av.ranks() {
		out[r] = av.labels[i]
	}
	return out
}

// axis returns the x axis of av.
func (av axisValues) axis() report.Axis {
	a := report.Axis{Label: keyLabel(av.key), Kind: av.kind}
	if av.kind == report.CategoryAxis {
		a.Categories = av.labels
		return a
	}
	var ticks plot.ConstantTicks
	for i, p := range av.pos {
		ticks = append(ticks, plot.Tick{Value: p, Label: av.labels[i]})
	}
	a.Ticks = ticks
	return a
}

// facetTitle ends a chart's title with what its lines and panels stand
// for: the key of the hue (hi, -1 for none) and the keys of the panels.
func facetTitle(s *Study, title string, hi int, keys []int) string {
	if hi >= 0 {
		title += ", one line per " + columnOf(s.Axes[hi].Key)
	}
	if len(keys) > 0 {
		var names []string
		for _, k := range keys {
			names = append(names, columnOf(s.Axes[k].Key))
		}
		title += ", one panel per " + strings.Join(names, " x ")
	}
	return title
}

// facetCols is the columns of a figure of one metric's facets over the
// keys: the values of the last one when they are few, else wrapCols.
func facetCols(s *Study, keys []int) int {
	if len(keys) == 0 {
		return 1
	}
	if n := len(s.Axes[keys[len(keys)-1]].Values); n <= maxFacetCols {
		return n
	}
	return wrapCols
}

// facet is one combination of the values of the keys a figure lays out
// in panels: the value index of each, by axis.
type facet struct {
	at    map[int]int // axis index -> value index
	title string
}

// facets enumerates the combinations of the values of the axes keys, the
// first varying slowest.
func facets(s *Study, keys []int) []facet {
	out := []facet{{at: map[int]int{}}}
	for _, k := range keys {
		var next []facet
		for _, f := range out {
			for vi := range s.Axes[k].Values {
				at := map[int]int{}
				for a, v := range f.at {
					at[a] = v
				}
				at[k] = vi
				next = append(next, facet{at: at})
			}
		}
		out = next
	}
	for i := range out {
		var parts []string
		for _, k := range keys {
			parts = append(parts, columnOf(s.Axes[k].Key)+" = "+classify(s.Axes[k]).labels[out[i].at[k]])
		}
		sep := ", "
		if len(parts) > 2 {
			sep = "\n"
		}
		out[i].title = strings.Join(parts, sep)
	}
	return out
}

// valueIndex returns, for each axis of s, the index of the value that the
// aggregate's combination has.
func valueIndex(s *Study, a Aggregate) []int {
	idx := make([]int, len(s.Axes))
	for i, ax := range s.Axes {
		idx[i] = slices.Index(ax.Values, a.Combination.Swept[i].Value)
	}
	return idx
}

// matches reports whether the values idx belong to facet f.
func (f facet) matches(idx []int) bool {
	for k, v := range f.at {
		if idx[k] != v {
			return false
		}
	}
	return true
}

// page is one file of a figure: the metrics it shows (rows) and its
// facets (columns), or one metric and its facets wrapped in cols columns.
type page struct {
	suffix  string // of the file name
	metrics []int
	facets  []int
	wrapped bool
	cols    int
	// omitted counts the panels left out after this last page.
	omitted int
}

// pages lays out nm metrics over nf facets: one figure when the facets
// fit in maxFacetCols columns (rows: metrics; one row of metrics when
// there is one facet), else one figure per metric with its facets
// wrapped in cols columns (the values of the last facet key, so that a
// row of panels is one value of the others), maxPanels a page.
func pages(metrics []chartMetric, nf, cols int) []page {
	all := make([]int, nf)
	for i := range all {
		all[i] = i
	}
	if nf <= maxFacetCols {
		ms := make([]int, len(metrics))
		for i := range ms {
			ms[i] = i
		}
		return []page{{metrics: ms, facets: all}}
	}
	var out []page
	for m, cm := range metrics {
		for p := 0; p*maxPanels < nf && p < maxPages; p++ {
			suffix := "_" + cm.column
			if nf > maxPanels {
				suffix += "_" + strconv.Itoa(p+1)
			}
			pg := page{suffix: suffix, metrics: []int{m}, facets: all[p*maxPanels : min(nf, (p+1)*maxPanels)], wrapped: true, cols: cols}
			if p == maxPages-1 && nf > maxPages*maxPanels {
				pg.omitted = nf - maxPages*maxPanels
			}
			out = append(out, pg)
		}
	}
	return out
}

// grid arranges the panels of a page: panel(m, f) for metric m and facet
// f.
func (pg page) grid(panel func(m, f int) *report.Panel) [][]*report.Panel {
	var rows [][]*report.Panel
	switch {
	case pg.wrapped:
		cols := min(pg.cols, len(pg.facets))
		for i := 0; i < len(pg.facets); i += cols {
			var row []*report.Panel
			for _, f := range pg.facets[i:min(i+cols, len(pg.facets))] {
				row = append(row, panel(pg.metrics[0], f))
			}
			rows = append(rows, row)
		}
	case len(pg.facets) == 1:
		var row []*report.Panel
		for _, m := range pg.metrics {
			row = append(row, panel(m, pg.facets[0]))
		}
		rows = append(rows, row)
	default:
		for mi, m := range pg.metrics {
			var row []*report.Panel
			for _, f := range pg.facets {
				p := panel(m, f)
				if mi > 0 {
					p.Title = "" // the columns' facets are named on the first row
				}
				row = append(row, p)
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// metricAxis is the y axis of a figure.
func metricAxis(m chartMetric) report.Axis {
	if m.percent {
		return report.Axis{Label: m.label, Kind: report.PercentAxis}
	}
	return report.Axis{Label: m.label, FromZero: true}
}

// writeCharts draws the study's charts into dir/charts from the
// aggregates of its complete combinations, and returns the files written.
func writeCharts(s *Study, dir string, aggs []Aggregate) ([]string, error) {
	if len(aggs) == 0 {
		return nil, nil
	}
	if err := os.MkdirAll(filepath.Join(dir, "charts"), 0o755); err != nil {
		return nil, err
	}
	// Only the figures against a key or over time draw bands; a heat map
	// says in its title what its cells hold, and distributions draw a
	// line per seed.
	sub := subtitle(s, aggs)
	banded := sub + bandsNote(s)
	var figs []namedFigure
	for xi := range s.Axes {
		figs = append(figs, sweepFigures(s, aggs, xi, banded)...)
	}
	for _, m := range s.Charts.Metrics {
		name, fig := heatmapFigure(s, aggs, m, sub)
		figs = append(figs, namedFigure{name: name, fig: fig})
	}
	if s.Workload == Availability {
		more, err := overTimeFigures(s, dir, aggs, banded)
		if err != nil {
			return nil, err
		}
		figs = append(figs, more...)
	} else if len(s.Axes) == 0 {
		fig, err := distributionFigure(s, dir, aggs[0], sub)
		if err != nil {
			return nil, err
		}
		figs = append(figs, namedFigure{name: "distributions.png", fig: fig})
	}
	// Drawing is the slow part: the figures are drawn at once, one per
	// core; the files are listed in the order above.
	files := make([]string, len(figs))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, nf := range figs {
		g.Go(func() error {
			path := filepath.Join(dir, "charts", nf.name)
			if err := report.WriteFile(path, nf.fig.Render); err != nil {
				return err
			}
			files[i] = path
			return nil
		})
	}
	err := g.Wait()
	return slices.DeleteFunc(files, func(f string) bool { return f == "" }), err
}

// namedFigure is a figure and its file name.
type namedFigure struct {
	name string
	fig  *report.Figure
}

// hueOf returns the hue axis of a figure whose x is axis xi: of the
// other swept keys, the one with the most values (the fewest panels are
// left), the first after xi in file order on a tie; -1 when xi is the
// only swept key.
func hueOf(s *Study, xi int) int {
	hue := -1
	for d := 1; d < len(s.Axes); d++ {
		k := (xi + d) % len(s.Axes)
		if hue < 0 || len(s.Axes[k].Values) > len(s.Axes[hue].Values) {
			hue = k
		}
	}
	return hue
}

// facetKeys returns the axes other than x and hue, in file order.
func facetKeys(s *Study, xi, hi int) []int {
	var keys []int
	for k := range s.Axes {
		if k != xi && k != hi {
			keys = append(keys, k)
		}
	}
	return keys
}

// sweepFigures draws the main figures against swept key xi.
func sweepFigures(s *Study, aggs []Aggregate, xi int, sub string) []namedFigure {
	metrics := chartMetrics[s.Workload]
	cols := MetricColumns(s.Workload)
	hi := hueOf(s, xi)
	keys := facetKeys(s, xi, hi)
	fs := facets(s, keys)
	xv := classify(s.Axes[xi])
	var hv axisValues
	hues := []int{0}
	if hi >= 0 {
		hv = classify(s.Axes[hi])
		hues = make([]int, len(hv.labels))
		for i := range hues {
			hues[i] = i
		}
	}
	idx := make([][]int, len(aggs))
	for i, a := range aggs {
		idx[i] = valueIndex(s, a)
	}
	panel := func(m, f int) *report.Panel {
		cm := metrics[m]
		col := slices.Index(cols, cm.column)
		p := &report.Panel{Title: fs[f].title, X: xv.axis(), Y: metricAxis(cm)}
		for _, h := range hues {
			line := report.Line{Style: h}
			if hi >= 0 {
				line.Label = hv.labels[h]
			}
			for i, a := range aggs {
				if !fs[f].matches(idx[i]) || hi >= 0 && idx[i][hi] != h {
					continue
				}
				mean, ci := a.Mean(col)*cm.scale, a.CI95(col)*cm.scale
				line.Points = append(line.Points, report.Point{X: xv.pos[idx[i][xi]], Y: mean, Lo: mean - ci, Hi: mean + ci})
			}
			slices.SortFunc(line.Points, func(a, b report.Point) int { return cmp.Compare(a.X, b.X) })
			if len(line.Points) > 0 {
				p.Lines = append(p.Lines, line)
			}
		}
		return p
	}
	xkey := columnOf(s.Axes[xi].Key)
	title := facetTitle(s, fmt.Sprintf("%s: %s against %s", s.Name, workloadWhat[s.Workload], xkey), hi, keys)
	var out []namedFigure
	for _, pg := range pages(metrics, len(fs), facetCols(s, keys)) {
		f := &report.Figure{
			Title:    title,
			Subtitle: sub,
			Panels:   pg.grid(panel),
			ShareY:   true,
			ShareX:   true,
			Ordered:  hi >= 0 && hv.ordered,
		}
		if hi >= 0 {
			f.LegendTitle = keyLabel(s.Axes[hi].Key)
		}
		if pg.wrapped {
			f.ShareAllY = true
			f.Title += "\n" + metrics[pg.metrics[0]].label
		}
		if pg.omitted > 0 {
			f.Title += fmt.Sprintf("\n(the last page of %d: %d more panels are left out; every point is in summary.csv)", maxPages, pg.omitted)
		}
		if len(fs) == 1 {
			f.PanelWidth = 12 * vg.Centimeter
		}
		out = append(out, namedFigure{name: xkey + pg.suffix + ".png", fig: f})
	}
	return out
}

// workloadWhat says what the main figures of a workload measure.
var workloadWhat = map[WorkloadType]string{
	Retrieval:    "retrievals (found share, delay, attempts)",
	Availability: "availability at the end (found share, replicas, tables)",
	Slot:         "the slot (validators done, sample delay, busiest node)",
}

// heatmapFigure draws metric over the study's heat map keys (x, y): one
// panel per combination of the other swept keys' values, each cell the
// mean over the seeds (and its 95 % half-width).
func heatmapFigure(s *Study, aggs []Aggregate, metric, sub string) (string, *report.Figure) {
	cm := metricInfo(s.Workload, metric)
	col := slices.Index(MetricColumns(s.Workload), metric)
	axisOf := func(key string) int {
		return slices.IndexFunc(s.Axes, func(a Axis) bool { return columnOf(a.Key) == key })
	}
	xi, yi := axisOf(s.Charts.Heatmap[0]), axisOf(s.Charts.Heatmap[1])
	xv, yv := classify(s.Axes[xi]), classify(s.Axes[yi])
	// Cells in the order of the values: numbers and durations ascending,
	// categories as the file lists them.
	xr, yr := xv.ranks(), yv.ranks()
	xv.labels, yv.labels = xv.sortedLabels(), yv.sortedLabels()
	keys := facetKeys(s, xi, yi)
	fs := facets(s, keys)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, a := range aggs {
		if v := a.Mean(col) * cm.scale; !math.IsNaN(v) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if cm.percent {
		lo, hi = 0, 100
	}
	var panels []*report.Panel
	for _, f := range fs {
		hm := report.HeatMap{Lo: lo, Hi: hi}
		hm.Values = make([][]float64, len(yv.labels))
		hm.Labels = make([][]string, len(yv.labels))
		for j := range hm.Values {
			hm.Values[j] = make([]float64, len(xv.labels))
			hm.Labels[j] = make([]string, len(xv.labels))
			for i := range hm.Values[j] {
				hm.Values[j][i] = math.NaN()
			}
		}
		for _, a := range aggs {
			idx := valueIndex(s, a)
			if !f.matches(idx) {
				continue
			}
			hm.Values[yr[idx[yi]]][xr[idx[xi]]] = a.Mean(col) * cm.scale
			hm.Labels[yr[idx[yi]]][xr[idx[xi]]] = heatCellLabel(a.Values[col], cm)
		}
		panels = append(panels, &report.Panel{
			Title:    f.title,
			X:        report.Axis{Label: keyLabel(s.Axes[xi].Key), Kind: report.CategoryAxis, Categories: xv.labels},
			Y:        report.Axis{Label: keyLabel(s.Axes[yi].Key), Kind: report.CategoryAxis, Categories: yv.labels},
			Plotters: []plot.Plotter{hm},
		})
	}
	// The legend is the palette's scale.
	var scale []report.LegendItem
	if !math.IsInf(lo, 0) {
		for _, t := range []float64{0, 0.25, 0.5, 0.75, 1} {
			scale = append(scale, report.LegendItem{Label: cellNumber(lo + t*(hi-lo)),
				Thumbs: []plot.Thumbnailer{report.Swatch{Color: report.HeatColor(t)}}})
		}
	}
	if len(panels) > 0 {
		panels[0].Legend = scale
	}
	var grid [][]*report.Panel
	cols := min(facetCols(s, keys), len(panels))
	for i := 0; i < len(panels); i += cols {
		grid = append(grid, panels[i:min(i+cols, len(panels))])
	}
	title := fmt.Sprintf("%s: %s over %s and %s", s.Name, cm.label, columnOf(s.Axes[xi].Key), columnOf(s.Axes[yi].Key))
	if len(keys) > 0 {
		var names []string
		for _, k := range keys {
			names = append(names, columnOf(s.Axes[k].Key))
		}
		title += ", one panel per " + strings.Join(names, " x ")
	}
	cell := vg.Length(max(len(xv.labels), 2)) * 1.9 * vg.Centimeter
	how := "\n(each cell: the mean over the seeds, ± the half-width of its 95 % interval when there are several)"
	if isRate(metric) {
		how = "\n(each cell: the share of the seeds where it held, and how many of them when there are several)"
	}
	f := &report.Figure{
		Title:       title + how,
		Subtitle:    sub,
		Panels:      grid,
		LegendTitle: cm.label,
		PanelWidth:  cell + 4*vg.Centimeter,
		PanelHeight: vg.Length(max(len(yv.labels), 2))*1.3*vg.Centimeter + 4*vg.Centimeter,
	}
	return fmt.Sprintf("heatmap_%s_%s_%s.png", metric, columnOf(s.Axes[xi].Key), columnOf(s.Axes[yi].Key)), f
}

// heatCellLabel writes the figure of a heat map's cell from its values
// over the seeds (in the column's unit): the mean, and the half-width of
// its 95 % t interval when there are several seeds. A rate (isRate: each
// seed's value is 1 or 0) gets the count of the seeds instead, "2 of 3
// seeds": the t interval of a few 0/1 outcomes spills far beyond 0..100 %
// (two of three seeds give 66.7 ± 143 %), and says less than the count.
func heatCellLabel(values []float64, cm chartMetric) string {
	mean := report.Mean(values) * cm.scale
	label := cellNumber(mean)
	if len(values) < 2 {
		return label
	}
	if isRate(cm.column) {
		held := 0
		for _, v := range values {
			if v != 0 {
				held++
			}
		}
		return fmt.Sprintf("%s\n%d of %d seeds", label, held, len(values))
	}
	if ci := report.CI95(values) * cm.scale; !math.IsNaN(ci) {
		label += "\n± " + cellNumber(ci)
	}
	return label
}

// cellNumber prints a figure in a heat map's cell: three significant
// digits.
func cellNumber(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	if math.Abs(v) >= 1000 {
		return report.FormatNumber(math.Round(v))
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// coreKeys are the settings a subtitle always names, swept or default:
// the ones a reader needs to place a result.
var coreKeys = []string{"profile", "nodes", "k", "alpha", "beta", "termination", "fast_error_rate", "conn_delay", "latency", "churn"}

// subtitle lists what every combination of s shares: the core settings
// and every other setting that differs from the default, with its value
// (the swept keys and the seed are the axes, lines and panels), then the
// seeds.
func subtitle(s *Study, aggs []Aggregate) string {
	cols := SummaryColumns()
	mine := aggs[0].Combination.SummaryRow()
	var def []string
	if d, err := Parse("defaults.yaml", []byte("workload:\n  type: "+s.Workload.String()+"\n")); err == nil {
		def = d.Combination(0).SummaryRow()
	}
	swept := map[string]bool{seedColumn: true}
	for _, a := range s.Axes {
		swept[columnOf(a.Key)] = true
	}
	var parts []string
	for i, c := range cols {
		if swept[c] || swept[strings.TrimSuffix(c, "_s")] || mine[i] == "" || c == "workload" {
			continue
		}
		if slices.Contains(coreKeys, c) || def == nil || mine[i] != def[i] {
			name, v := c, humanValue(mine[i])
			if sec, err := strconv.ParseFloat(mine[i], 64); err == nil && strings.HasSuffix(c, "_s") {
				name, v = strings.TrimSuffix(c, "_s"), report.FormatDuration(sec) // a duration in seconds
			}
			parts = append(parts, name+"="+v)
		}
	}
	parts = append(parts, "workload "+s.Workload.String())
	seeds := fmt.Sprintf("seed %d", s.Seed)
	if s.Repeats > 1 {
		seeds = fmt.Sprintf("seeds %d-%d a point", s.Seed, s.Seed+uint64(s.Repeats)-1)
	}
	return strings.Join(parts, ", ") + "; " + seeds
}

// bandsNote ends the subtitle of a figure that draws bands over the
// seeds: what they are (nothing with one seed, which draws none).
func bandsNote(s *Study) string {
	if s.Repeats > 1 {
		return ", bands: 95 % t interval of the mean over the seeds"
	}
	return ""
}

// humanValue prints a setting's canonical value for a reader: numbers
// with thousands separators, durations in one unit (1 h, not 1h0m0s);
// a latency file by its name.
func humanValue(v string) string {
	if strings.HasPrefix(v, "[{") {
		return param.ClassesLabel(v) // a slot's classes, by their names
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		return report.FormatNumber(f)
	}
	if d, err := time.ParseDuration(v); err == nil {
		return report.FormatDuration(d.Seconds())
	}
	if filepath.IsAbs(v) {
		return filepath.Base(v)
	}
	return v
}
