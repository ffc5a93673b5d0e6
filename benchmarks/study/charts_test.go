package study

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/go-dht/go-dht/benchmarks/report"
)

// threeKeys sweeps three keys with two seeds a point: 3 x 2 x 2 points.
const threeKeys = `name: three
nodes: 300
alpha: [1, 2, 3]
fast_error_rate: [0, 30]
conn_delay: [10ms-50ms, 50ms-150ms]
repeats: 2
workload:
  segments: 4
  retrievers: 3
  samples: 3
`

// runStudy parses text and runs it into a new folder.
func runStudy(t *testing.T, text string) (*Study, string, []Aggregate) {
	t.Helper()
	s, err := Parse("study.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := Run(context.Background(), s, Options{Out: dir, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	rows, err := Rows(s, dir)
	if err != nil {
		t.Fatal(err)
	}
	return s, dir, Aggregates(s, rows)
}

// No chart averages over a swept key (the alpha.png averaged
// stale and beta): in every figure against a key, each point of each line
// is the mean over the seeds of exactly one grid point, the one whose
// values are the x value, the line's hue value and the panel's facet;
// and every grid point appears once in each figure of each metric.
func TestChartsNeverAverageOverASweptKey(t *testing.T) {
	s, _, aggs := runStudy(t, threeKeys)
	metrics := chartMetrics[Retrieval]
	cols := MetricColumns(Retrieval)
	for xi := range s.Axes {
		figs := sweepFigures(s, aggs, xi, "sub")
		hi := hueOf(s, xi)
		keys := facetKeys(s, xi, hi)
		fs := facets(s, keys)
		seen := map[[2]int]int{} // metric, point -> times drawn
		for _, nf := range figs {
			for r, row := range nf.fig.Panels {
				for c, p := range row {
					m, f := panelAt(nf.name, s, xi, r, c, len(fs), len(row))
					xv := classify(s.Axes[xi])
					for _, line := range p.Lines {
						for _, pt := range line.Points {
							xIdx := slices.Index(xv.pos, pt.X)
							var match []Aggregate
							for _, a := range aggs {
								idx := valueIndex(s, a)
								if idx[xi] == xIdx && idx[hi] == line.Style && fs[f].matches(idx) {
									match = append(match, a)
								}
							}
							if len(match) != 1 {
								t.Fatalf("%s: a point stands for %d grid points", nf.name, len(match))
							}
							a := match[0]
							col := slices.Index(cols, metrics[m].column)
							if want := a.Mean(col) * metrics[m].scale; math.Abs(pt.Y-want) > 1e-9*math.Max(1, math.Abs(want)) {
								t.Errorf("%s: point %v, want the mean %v of grid point %d", nf.name, pt.Y, want, a.Point)
							}
							if want := a.CI95(col) * metrics[m].scale; math.Abs(pt.Hi-pt.Y-want) > 1e-9*math.Max(1, want) && !metrics[m].percent {
								t.Errorf("%s: band half-width %v, want %v", nf.name, pt.Hi-pt.Y, want)
							}
							seen[[2]int{m, a.Point}]++
						}
					}
				}
			}
		}
		for m := range metrics {
			for _, a := range aggs {
				if seen[[2]int{m, a.Point}] != 1 {
					t.Errorf("against %s: %s of point %d drawn %d times", s.Axes[xi].Key, metrics[m].column, a.Point, seen[[2]int{m, a.Point}])
				}
			}
		}
	}
}

// panelAt returns the metric and facet of the panel at row r, column c of
// the figure named name (a figure of every metric: rows are metrics, or
// one row of metrics for one facet; a figure of one metric <key>_<metric>:
// facets wrapped in rows of width).
func panelAt(name string, s *Study, xi, r, c, facets, width int) (metric, facet int) {
	key := columnOf(s.Axes[xi].Key)
	for m, cm := range chartMetrics[s.Workload] {
		if strings.HasPrefix(name, key+"_"+cm.column) {
			return m, r*width + c
		}
	}
	if facets == 1 {
		return c, 0
	}
	return r, c
}

// The hue of a figure is the other swept key with the most values, so
// that the fewest panels are left; the panels are every combination of
// the values of the rest.
func TestHueIsTheKeyWithMostValues(t *testing.T) {
	s, err := Parse("s.yaml", []byte(threeKeys))
	if err != nil {
		t.Fatal(err)
	}
	for xi, want := range []int{1, 0, 0} { // alpha: [fast_error_rate ties conn_delay: next in order]; the others: alpha (3 values)
		if got := hueOf(s, xi); got != want {
			t.Errorf("hue against %s: %s, want %s", s.Axes[xi].Key, s.Axes[got].Key, s.Axes[want].Key)
		}
	}
	if fs := facets(s, facetKeys(s, 0, 1)); len(fs) != 2 || fs[0].title != "conn_delay = 10ms-50ms" {
		t.Errorf("facets against alpha: %+v", fs)
	}
}

// A swept key's values are placed by what they are: numbers at their
// value (a log axis over two decades), durations in seconds labelled in
// one unit (10 min, 1 h, not 1h0m0s), anything else as categories in the
// order of the file (a latency file by its name).
func TestSweptValuesArePlacedByKind(t *testing.T) {
	for _, tc := range []struct {
		a      Axis
		kind   report.AxisKind
		pos    []float64
		labels []string
	}{
		{Axis{Key: "alpha", Values: []string{"1", "2", "10"}}, report.LinearAxis, []float64{1, 2, 10}, []string{"1", "2", "10"}},
		{Axis{Key: "nodes", Values: []string{"1000", "10000", "100000"}}, report.LogAxis, []float64{1e3, 1e4, 1e5}, []string{"1,000", "10,000", "100,000"}},
		{Axis{Key: "refresh", Values: []string{"10m0s", "1h0m0s"}}, report.LinearAxis, []float64{600, 3600}, []string{"10 min", "1 h"}},
		{Axis{Key: "termination", Values: []string{"stale", "beta"}}, report.CategoryAxis, []float64{0, 1}, []string{"stale", "beta"}},
		{Axis{Key: "conn_delay", Values: []string{"10ms-50ms", "1s"}}, report.CategoryAxis, []float64{0, 1}, []string{"10ms-50ms", "1 s"}},
		{Axis{Key: "latency", Values: []string{"uniform", "/home/me/lab/latency.yaml"}}, report.CategoryAxis, []float64{0, 1}, []string{"uniform", "latency.yaml"}},
	} {
		got := classify(tc.a)
		if got.kind != tc.kind || !slices.Equal(got.pos, tc.pos) || !slices.Equal(got.labels, tc.labels) {
			t.Errorf("%s: kind %v at %v labelled %q, want %v at %v labelled %q", tc.a.Key, got.kind, got.pos, got.labels, tc.kind, tc.pos, tc.labels)
		}
	}
}

// The subtitle names the settings every panel shares: the core ones
// (nodes, k, latency, churn, ...) and any other set away from its
// default, never a swept key, and the seeds; what the bands are is said
// only where bands are drawn (figures against a key, over time), not
// under a heat map or the distributions of one point (a line per seed).
func TestSubtitleNamesTheFixedSettings(t *testing.T) {
	s, err := Parse("s.yaml", []byte(threeKeys+"gamma: 125us\n"))
	if err != nil {
		t.Fatal(err)
	}
	sub := subtitle(s, []Aggregate{{Combination: s.Combination(0)}})
	for _, want := range []string{"nodes=300", "k=20", "latency=uniform", "churn=none", "termination=", "gamma=125 µs", "segments=4", "seeds 1-2"} {
		if !strings.Contains(sub, want) {
			t.Errorf("subtitle %q lacks %q", sub, want)
		}
	}
	if strings.Contains(sub, "bands") || !strings.Contains(bandsNote(s), "95 % t interval") {
		t.Errorf("subtitle %q, bands note %q: the note belongs to the figures with bands", sub, bandsNote(s))
	}
	one, err := Parse("s.yaml", []byte(strings.Replace(threeKeys, "repeats: 2\n", "", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if note := bandsNote(one); note != "" {
		t.Errorf("one seed: bands note %q; want none", note)
	}
	for _, swept := range []string{"alpha=", "fast_error_rate=", "conn_delay=", "seed="} {
		if strings.Contains(sub, swept) {
			t.Errorf("subtitle %q names %s", sub, swept)
		}
	}
}

// The charts key asks for heat maps of figures over two swept keys; a
// mistake in it is reported where it is, with what is allowed, with the
// file's other mistakes.
func TestChartsKey(t *testing.T) {
	base := strings.Replace(threeKeys, "repeats: 2\n", "", 1)
	s, err := Parse("s.yaml", []byte(base+"charts:\n  heatmap: [alpha, workload.samples]\n  metric: found_share\n"))
	if err == nil {
		t.Fatal("a heat map over an unswept key was accepted")
	}
	s, err = Parse("s.yaml", []byte(base+"charts:\n  heatmap: [fast_error_rate, alpha]\n  metric: [found_share, delay_p90_s]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Charts.Heatmap, []string{"fast_error_rate", "alpha"}) || !slices.Equal(s.Charts.Metrics, []string{"found_share", "delay_p90_s"}) {
		t.Fatalf("charts %+v", s.Charts)
	}
	if !strings.HasSuffix(string(s.Canonical()), "charts:\n  heatmap: [fast_error_rate, alpha]\n  metric: [found_share, delay_p90_s]\n") {
		t.Errorf("canonical form:\n%s", s.Canonical())
	}
	if again, err := Parse("canon.yaml", s.Canonical()); err != nil || !slices.Equal(again.Charts.Metrics, s.Charts.Metrics) {
		t.Errorf("the canonical form does not read back: %v", err)
	}
	for _, tc := range []struct {
		charts string
		want   []string // "line:col: key" and a word of what is allowed
	}{
		{"charts: found_share\n", []string{"10:9: charts", "a mapping"}},
		{"charts:\n  heatmap: [alpha]\n  metric: found_share\n", []string{"11:12: charts.heatmap", "two swept keys"}},
		{"charts:\n  heatmap: [alpha, k]\n  metric: found_share\n", []string{"11:20: charts.heatmap", "a swept key", "conn_delay"}},
		{"charts:\n  heatmap: [alpha, alpha]\n  metric: found_share\n", []string{"11:20: charts.heatmap", "two different"}},
		{"charts:\n  heatmap: [alpha, fast_error_rate]\n  metric: found\n", []string{"12:11: charts.metric", "found_share"}},
		{"charts:\n  heatmap: [alpha, fast_error_rate]\n", []string{"10:1: charts", "metric"}},
		{"charts:\n  heatmap: [alpha, fast_error_rate]\n  metric: found_share\n  colour: red\n", []string{"13:3: charts.colour", "heatmap, metric"}},
	} {
		_, err := Parse("s.yaml", []byte(base+tc.charts))
		var errs Errors
		if !errors.As(err, &errs) || len(errs) != 1 {
			t.Errorf("%q: %v, want one error", tc.charts, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q: %v lacks %q", tc.charts, err, w)
			}
		}
	}
}

// Asking for other charts does not change what runs: a folder run
// without a heat map resumes with one (every combination found
// complete), draws it, and records the charts asked for now.
func TestChartsChangeResumes(t *testing.T) {
	base := strings.NewReplacer("repeats: 2\n", "", "alpha: [1, 2, 3]\n", "alpha: [1, 3]\n", "fast_error_rate: [0, 30]\n", "").Replace(threeKeys)
	s, dir, _ := runStudy(t, base)
	with, err := Parse("s.yaml", []byte(base+"charts:\n  heatmap: [alpha, conn_delay]\n  metric: attempts_mean\n"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), with, Options{Out: dir})
	if err != nil {
		t.Fatal(err)
	}
	if res.Ran != 0 || res.Skipped != s.Len() {
		t.Fatalf("with a heat map: %+v, want every combination found complete", res)
	}
	if !slices.ContainsFunc(res.Files, func(f string) bool { return strings.HasSuffix(f, "heatmap_attempts_mean_alpha_conn_delay.png") }) {
		t.Errorf("no heat map among %v", res.Files)
	}
	if err := Claim(with, dir); err != nil {
		t.Errorf("the record was not rewritten: %v", err)
	}
	other, _ := Parse("s.yaml", []byte(strings.Replace(base, "nodes: 300", "nodes: 301", 1)))
	if err := Claim(other, dir); err == nil {
		t.Error("another study claimed the folder")
	}
}

// A heat map's cells follow the values' order: numbers and durations
// ascending whatever the file's order, categories as the file lists them.
func TestHeatMapCellsInValueOrder(t *testing.T) {
	nums := classify(Axis{Key: "alpha", Values: []string{"10", "1", "5"}})
	if r, l := nums.ranks(), nums.sortedLabels(); !slices.Equal(r, []int{2, 0, 1}) || !slices.Equal(l, []string{"1", "5", "10"}) {
		t.Errorf("numbers: ranks %v, labels %q", r, l)
	}
	cats := classify(Axis{Key: "termination", Values: []string{"stale", "beta"}})
	if r, l := cats.ranks(), cats.sortedLabels(); !slices.Equal(r, []int{0, 1}) || !slices.Equal(l, []string{"stale", "beta"}) {
		t.Errorf("categories: ranks %v, labels %q", r, l)
	}
}

// A figure of every metric holds up to maxFacetCols facets; beyond, each
// metric gets files of maxPanels panels, at most maxPages of them, the
// last saying how many panels it leaves out.
func TestPagesBoundTheFiles(t *testing.T) {
	metrics := chartMetrics[Retrieval]
	if pg := pages(metrics, maxFacetCols, 5); len(pg) != 1 || len(pg[0].metrics) != len(metrics) || pg[0].wrapped {
		t.Errorf("%d facets: %+v", maxFacetCols, pg)
	}
	pg := pages(metrics, 200, 4)
	if len(pg) != len(metrics)*maxPages {
		t.Fatalf("200 facets: %d files, want %d", len(pg), len(metrics)*maxPages)
	}
	for i, p := range pg {
		last := i%maxPages == maxPages-1
		if len(p.facets) != maxPanels || (p.omitted != 0) != last || last && p.omitted != 200-maxPages*maxPanels {
			t.Errorf("file %d: %d facets, %d left out", i, len(p.facets), p.omitted)
		}
	}
}

// A heat map's cell of a rate (a figure each seed gives as 1 or 0, such
// as false_reject) counts the seeds where it held, "2 of 3 seeds", where
// the 95 % t interval of three 0/1 outcomes would read 66.7 ± 143 %,
// beyond 0..100; a figure of another kind keeps its mean ± half-width;
// one seed gives the mean alone.
func TestHeatMapCellOfARateCountsTheSeeds(t *testing.T) {
	rate, share := metricInfo(Slot, "false_reject"), metricInfo(Slot, "success_share")
	for _, c := range []struct {
		name   string
		cm     chartMetric
		values []float64
		want   string
	}{
		{"rate, two of three seeds", rate, []float64{1, 0, 1}, "66.7\n2 of 3 seeds"},
		{"rate, none", rate, []float64{0, 0, 0}, "0\n0 of 3 seeds"},
		{"rate, every seed", rate, []float64{1, 1}, "100\n2 of 2 seeds"},
		{"rate, one seed", rate, []float64{1}, "100"},
		{"share, three seeds", share, []float64{0.5, 0.6, 0.7}, "60\n± 24.8"},
		{"share, one seed", share, []float64{0.5}, "50"},
	} {
		if got := heatCellLabel(c.values, c.cm); got != c.want {
			t.Errorf("%s: heatCellLabel(%v) = %q, want %q", c.name, c.values, got, c.want)
		}
	}

	// Through a heat map of a slot sweep: every cell of a rate is
	// labelled by its count, the title says so, and the colour is the
	// rate in %.
	s, err := Parse("s.yaml", []byte("nodes: 50\nrepeats: 3\nworkload:\n  type: slot\n  rows: 4\n  cols: 4\n  validators: 10\n"+
		"  samples: [1, 2]\n  withholding: random\n  withheld_share: [0, 0.5]\n"+
		"charts:\n  heatmap: [withheld_share, samples]\n  metric: false_reject\n"))
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(MetricColumns(Slot), "false_reject")
	var aggs []Aggregate
	for p := range s.Len() / s.Repeats {
		a := Aggregate{Point: p, Combination: s.Combination(p * s.Repeats), Values: make([][]float64, len(MetricColumns(Slot)))}
		a.Values[col] = []float64{1, float64(p % 2), 0} // 2 of 3 seeds at even points, 1 of 3 at odd
		aggs = append(aggs, a)
	}
	_, fig := heatmapFigure(s, aggs, "false_reject", "")
	if !strings.Contains(fig.Title, "the share of the seeds where it held") || strings.Contains(fig.Title, "95 %") {
		t.Errorf("title %q", fig.Title)
	}
	hm := fig.Panels[0][0].Plotters[0].(report.HeatMap)
	cells := 0
	for j, row := range hm.Labels {
		for i, l := range row {
			cells++
			v := hm.Values[j][i]
			if want := map[bool]string{true: "66.7\n2 of 3 seeds", false: "33.3\n1 of 3 seeds"}[v > 50]; l != want || strings.Contains(l, "±") {
				t.Errorf("cell (%d, %d) = %v, label %q; want %q", i, j, v, l, want)
			}
		}
	}
	if cells != 4 || hm.Lo != 0 || hm.Hi != 100 {
		t.Errorf("%d cells, palette %v..%v; want 4, 0..100", cells, hm.Lo, hm.Hi)
	}
}
