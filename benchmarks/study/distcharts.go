package study

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot/vg"

	"github.com/go-dht/go-dht/benchmarks/report"
)

// The charts that read a combination's own CSVs: the availability
// workload's measurements over simulated time, and the distributions of a
// study of one grid point.

// readColumns streams the CSV at path, calling fn with the values of the
// named columns of each row, in the order of names. A column the header
// lacks is an error naming it.
func readColumns(path string, names []string, fn func([]string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	at := make([]int, len(names))
	for i, n := range names {
		if at[i] = slices.Index(header, n); at[i] < 0 {
			return fmt.Errorf("%s: no column %s", path, n)
		}
	}
	vals := make([]string, len(names))
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for i, c := range at {
			vals[i] = rec[c]
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
}

// parseFloats parses vals; an empty or malformed value is NaN.
func parseFloats(vals []string) []float64 {
	out := make([]float64, len(vals))
	for i, v := range vals {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			f = math.NaN()
		}
		out[i] = f
	}
	return out
}

// timeMetrics are the availability measurements drawn over time: the
// column of availability.csv, and how to draw it.
var timeMetrics = []chartMetric{
	{"found_share", "retrievals that found their segment (%)", 100, true},
	{"replicas_online", "replicas online (mean per segment)", 1, false},
	{"table_online", "routing tables: peers online (%)", 100, true},
	{"table_closest", "routing tables: true k closest known (%)", 100, true},
}

// timeSeries is one point's measurements: for each time (hours), the
// values of each timeMetric over the seeds.
type timeSeries struct {
	hours  []float64
	values map[float64][][]float64 // hour -> metric -> values over seeds
}

// readTimeSeries reads the availability.csv of every run of a.
func readTimeSeries(s *Study, dir string, a Aggregate) (timeSeries, error) {
	ts := timeSeries{values: map[float64][][]float64{}}
	names := []string{"time_s"}
	for _, m := range timeMetrics {
		names = append(names, m.column)
	}
	for _, r := range a.Runs {
		path := filepath.Join(dir, s.Combination(r.Index).Name, "availability.csv")
		err := readColumns(path, names, func(vals []string) error {
			f := parseFloats(vals)
			h := f[0] / 3600 // availability.csv's time is in seconds
			if math.IsNaN(h) {
				return nil
			}
			if _, ok := ts.values[h]; !ok {
				ts.hours = append(ts.hours, h)
				ts.values[h] = make([][]float64, len(timeMetrics))
			}
			for m := range timeMetrics {
				if v := f[m+1]; !math.IsNaN(v) {
					ts.values[h][m] = append(ts.values[h][m], v)
				}
			}
			return nil
		})
		if err != nil {
			return ts, err
		}
	}
	slices.Sort(ts.hours)
	return ts, nil
}

// overTimeFigure draws the availability workload's measurements against
// simulated time: one line per value of the first swept key, one column
// of panels per combination of the others' values, bands over the seeds.
func overTimeFigures(s *Study, dir string, aggs []Aggregate, sub string) ([]namedFigure, error) {
	hi := -1
	if len(s.Axes) > 0 {
		hi = 0
	}
	keys := facetKeys(s, -1, hi)
	fs := facets(s, keys)
	var hv axisValues
	hues := []int{0}
	if hi >= 0 {
		hv = classify(s.Axes[hi])
		hues = make([]int, len(hv.labels))
		for i := range hues {
			hues[i] = i
		}
	}
	series := make([]timeSeries, len(aggs))
	idx := make([][]int, len(aggs))
	for i, a := range aggs {
		ts, err := readTimeSeries(s, dir, a)
		if err != nil {
			return nil, err
		}
		series[i], idx[i] = ts, valueIndex(s, a)
	}
	x := report.Axis{Label: "simulated time (h)", FromZero: true, Ticks: report.HourTicks}
	panel := func(m, f int) *report.Panel {
		cm := timeMetrics[m]
		p := &report.Panel{Title: fs[f].title, X: x, Y: metricAxis(cm)}
		for _, h := range hues {
			line := report.Line{Style: h}
			if hi >= 0 {
				line.Label = hv.labels[h]
			}
			for i := range aggs {
				if !fs[f].matches(idx[i]) || hi >= 0 && idx[i][hi] != h {
					continue
				}
				for _, hour := range series[i].hours {
					vs := series[i].values[hour][m]
					if len(vs) == 0 {
						continue
					}
					mean, ci := report.Mean(vs)*cm.scale, report.CI95(vs)*cm.scale
					line.Points = append(line.Points, report.Point{X: hour, Y: mean, Lo: mean - ci, Hi: mean + ci})
				}
			}
			if len(line.Points) > 0 {
				line.NoMarks = len(line.Points) > 30
				p.Lines = append(p.Lines, line)
			}
		}
		return p
	}
	title := facetTitle(s, s.Name+": availability over simulated time", hi, keys)
	var out []namedFigure
	for _, pg := range pages(timeMetrics, len(fs), facetCols(s, keys)) {
		grid := pg.grid(panel)
		if len(fs) == 1 { // four metrics: two rows of two
			grid = [][]*report.Panel{grid[0][:2], grid[0][2:]}
		}
		f := &report.Figure{Title: title, Subtitle: sub, Panels: grid, ShareY: true, ShareX: true, Ordered: hi >= 0 && hv.ordered}
		if hi >= 0 {
			f.LegendTitle = keyLabel(s.Axes[hi].Key)
		}
		if pg.wrapped {
			f.ShareAllY = true
			f.Title += "\n" + timeMetrics[pg.metrics[0]].label
		}
		out = append(out, namedFigure{name: "over_time" + pg.suffix + ".png", fig: f})
	}
	return out, nil
}

// distributionFigure draws the distributions of the operations of a study
// of one grid point, from its runs' CSVs: one line per seed.
func distributionFigure(s *Study, dir string, a Aggregate, sub string) (*report.Figure, error) {
	if s.Workload == Slot {
		return slotDistributionFigure(s, dir, a, sub)
	}
	type perRun struct {
		delays, hops, shares []float64 // delay (s), hops, found share per retriever or validator
		done                 []float64 // slot: validators' completion (s)
	}
	var runs []perRun
	for _, r := range a.Runs {
		folder := filepath.Join(dir, s.Combination(r.Index).Name)
		var pr perRun
		ops, by := "retrievals.csv", "retriever"
		if s.Workload == Slot {
			ops, by = "samples.csv", "validator"
		}
		found := map[string][2]int{} // by -> found, total
		var order []string
		err := readColumns(filepath.Join(folder, ops), []string{"delay_s", "hops", "value_found", by}, func(v []string) error {
			f := parseFloats(v[:2])
			pr.delays, pr.hops = append(pr.delays, f[0]), append(pr.hops, f[1])
			c, ok := found[v[3]]
			if !ok {
				order = append(order, strings.Clone(v[3]))
			}
			c[1]++
			if v[2] == "true" {
				c[0]++
			}
			found[strings.Clone(v[3])] = c
			return nil
		})
		if err != nil {
			return nil, err
		}
		for _, k := range order {
			pr.shares = append(pr.shares, float64(found[k][0])/float64(found[k][1]))
		}
		if s.Workload == Slot {
			err := readColumns(filepath.Join(folder, "validators.csv"), []string{"done_s"}, func(v []string) error {
				pr.done = append(pr.done, parseFloats(v)[0])
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
		runs = append(runs, pr)
	}
	what, who := "retrieval", "retriever"
	if s.Workload == Slot {
		what, who = "sample", "validator"
	}
	cdf := func(title, x string, pick func(perRun) []float64, scale float64, unit string) *report.Panel {
		var all []float64
		for _, pr := range runs {
			all = append(all, pick(pr)...)
		}
		d := report.Describe(slices.DeleteFunc(all, math.IsNaN))
		num := func(v float64) string { return strconv.FormatFloat(v*scale, 'g', 3, 64) + unit }
		title += fmt.Sprintf("\nmean %s, p50 %s, p90 %s, max %s", num(d.Mean), num(d.P50), num(d.P90), num(d.Max))
		p := &report.Panel{Title: title, X: report.Axis{Label: x, FromZero: true},
			Y: report.Axis{Label: "share at most this value (%)", Kind: report.PercentAxis}}
		for i, pr := range runs {
			line := report.Line{Style: i, Points: report.CDF(pick(pr), scale), NoMarks: true}
			if len(runs) > 1 {
				line.Label = fmt.Sprintf("seed %s", a.Runs[i].Fields[seedField(s)])
			}
			p.Lines = append(p.Lines, line)
		}
		return p
	}
	delay := cdf("delay of a "+what, "simulated delay (ms)", func(p perRun) []float64 { return p.delays }, 1e3, " ms")
	hops := cdf("hops of a "+what, "hops (deepest peer that answered)", func(p perRun) []float64 { return p.hops }, 1, "")
	hops.X.Ticks = report.NiceTicks{}
	found := cdf("share found, per "+who, fmt.Sprintf("%ss of a %s that found their value (%%)", what, who),
		func(p perRun) []float64 { return p.shares }, 100, " %")
	found.X.Kind = report.PercentAxis
	row := []*report.Panel{delay, hops, found}
	grid := [][]*report.Panel{row}
	if s.Workload == Slot {
		done := cdf("validators' last sample back", "time from the slot's start (s)", func(p perRun) []float64 { return p.done }, 1, " s")
		deadline := a.Combination.Params.Workload.Slot.Deadline.Seconds()
		done.Lines = append(done.Lines, report.Line{Label: "deadline", Color: report.Grey, Dashed: true, NoMarks: true, Style: len(runs),
			Points: []report.Point{report.XY(deadline, 0), report.XY(deadline, 100)}})
		grid = [][]*report.Panel{{delay, hops}, {found, done}}
	}
	f := &report.Figure{
		Title:    fmt.Sprintf("%s: distributions of its %ss (cumulative), one grid point", s.Name, what),
		Subtitle: sub,
		Panels:   grid,
	}
	if len(runs) > 1 {
		f.LegendTitle = "run"
	} else {
		f.PanelWidth = 11 * vg.Centimeter
	}
	return f, nil
}

// seedField is the index of the seed in a runs.csv row.
func seedField(s *Study) int {
	return 2 + slices.Index(SummaryColumns(), seedColumn)
}
