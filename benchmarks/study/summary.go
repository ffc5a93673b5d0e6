package study

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/go-dht/go-dht/benchmarks/report"
)

// A study's results across combinations:
//
//	runs.csv     one row per combination found complete (runsHeader): its
//	             index, name, parameters and figures; each combination's
//	             folder holds its own row in its summary.csv
//	summary.csv  one row per grid point (SummaryHeader): its parameters
//	             without the seed, the number of seeds found complete, and
//	             each figure M as its mean over those seeds and M_ci95, the
//	             half-width of the 95 % t interval of that mean (empty with
//	             one seed)

// RunsFile and SummaryFile are the study's CSVs across combinations.
const (
	RunsFile    = "runs.csv"
	SummaryFile = "summary.csv"
)

// CI95Suffix ends the column of a figure's confidence half-width.
const CI95Suffix = "_ci95"

// writeRow writes a combination's summary.csv: the header of runs.csv
// and its one row (index, name, parameters, figures).
func writeRow(path string, c Combination, metrics []metric) error {
	row := append([]string{strconv.Itoa(c.Index), c.Name}, c.SummaryRow()...)
	for _, m := range metrics {
		row = append(row, m.value)
	}
	return report.WriteCSVFile(path, runsHeader(c.Params.Workload.Type), func(emit func([]string) error) error { return emit(row) })
}

// runsHeader is the header of a study's runs.csv, and of each
// combination's summary.csv.
func runsHeader(t WorkloadType) []string {
	return slices.Concat([]string{"index", "combination"}, SummaryColumns(), MetricColumns(t))
}

// pointColumns are the parameter columns of summary.csv: SummaryColumns
// without the seed, which the rows of one point differ in.
func pointColumns() []string {
	return slices.DeleteFunc(SummaryColumns(), func(c string) bool { return c == seedColumn })
}

// seedColumn is the parameter column of the seed.
const seedColumn = "seed"

// SummaryHeader is the header of a study's summary.csv: point (the grid
// point's index), its parameters without the seed, runs (the seeds found
// complete), then each figure of MetricColumns followed by its _ci95
// column.
func SummaryHeader(t WorkloadType) []string {
	h := slices.Concat([]string{"point"}, pointColumns(), []string{"runs"})
	for _, m := range MetricColumns(t) {
		h = append(h, m, m+CI95Suffix)
	}
	return h
}

// Row is one combination's line of a study's runs.csv, as read back from
// its folder.
type Row struct {
	Index  int
	Fields []string // every column of the runs header
}

// Rows reads the summary row of every complete combination of s found in
// dir, sorted by index. A combination is taken when its summary.csv
// verifies against its completion mark (MarkFile; the other files are
// verified when a run resumes or a merge copies them); a folder without a
// mark, or whose summary.csv was edited, is not complete and is left out.
// A verified summary.csv that is not one of s's combinations is an error:
// dir belongs to one study.
func Rows(s *Study, dir string) ([]Row, error) {
	header := runsHeader(s.Workload)
	var rows []Row
	for i := range s.Len() {
		c := s.Combination(i)
		if _, err := verify(filepath.Join(dir, c.Name), []string{"summary.csv"}); err != nil {
			continue
		}
		f, err := os.Open(filepath.Join(dir, c.Name, "summary.csv"))
		if err != nil {
			return nil, err
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil || len(recs) != 2 || !slices.Equal(recs[0], header) {
			return nil, fmt.Errorf("%s: not the summary of a combination of %s (%v)", filepath.Join(dir, c.Name, "summary.csv"), s.Name, err)
		}
		rows = append(rows, Row{Index: i, Fields: recs[1]})
	}
	return rows, nil
}

// Aggregate is one grid point of a study with the figures of its
// complete runs.
type Aggregate struct {
	// Point is the grid point's index (Combination.Point).
	Point int
	// Combination is the point's first complete run: its parameters are
	// the point's, its seed that run's.
	Combination Combination
	// Runs are the rows of the point's complete runs, by seed.
	Runs []Row
	// Values holds, for each metric column (MetricColumns), the values
	// of the runs that have one (a figure not measured is left out).
	Values [][]float64
}

// Mean returns the mean over the runs of metric m (an index into
// MetricColumns), NaN when no run has it.
func (a Aggregate) Mean(m int) float64 { return report.Mean(a.Values[m]) }

// CI95 returns the half-width of the 95 % t interval of the mean of
// metric m, NaN with fewer than two values.
func (a Aggregate) CI95(m int) float64 { return report.CI95(a.Values[m]) }

// Aggregates groups rows (Rows of s) by grid point, in point order, and
// parses their figures.
func Aggregates(s *Study, rows []Row) []Aggregate {
	metrics := MetricColumns(s.Workload)
	first := len(runsHeader(s.Workload)) - len(metrics)
	var out []Aggregate
	for _, r := range rows {
		c := s.Combination(r.Index)
		if len(out) == 0 || out[len(out)-1].Point != c.Point {
			out = append(out, Aggregate{Point: c.Point, Combination: c, Values: make([][]float64, len(metrics))})
		}
		a := &out[len(out)-1]
		a.Runs = append(a.Runs, r)
		for m := range metrics {
			if v, err := strconv.ParseFloat(r.Fields[first+m], 64); err == nil && !math.IsNaN(v) {
				a.Values[m] = append(a.Values[m], v)
			}
		}
	}
	return out
}

// summaryRow is the point's row of summary.csv.
func (a Aggregate) summaryRow() []string {
	params := a.Combination.SummaryRow()
	if i := slices.Index(SummaryColumns(), seedColumn); i >= 0 {
		params = slices.Delete(params, i, i+1)
	}
	row := slices.Concat([]string{strconv.Itoa(a.Point)}, params, []string{strconv.Itoa(len(a.Runs))})
	for m := range a.Values {
		row = append(row, report.Float(a.Mean(m)), report.Float(a.CI95(m)))
	}
	return row
}

// WriteSummary writes dir's runs.csv (one row per combination found in
// dir, by index), its summary.csv (one row per grid point, the figures
// aggregated over the seeds) and the charts, and returns the files
// written.
func WriteSummary(s *Study, dir string) ([]string, error) {
	rows, err := Rows(s, dir)
	if err != nil {
		return nil, err
	}
	runs := filepath.Join(dir, RunsFile)
	err = report.WriteCSVFile(runs, runsHeader(s.Workload), func(emit func([]string) error) error {
		for _, r := range rows {
			if err := emit(r.Fields); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	aggs := Aggregates(s, rows)
	summary := filepath.Join(dir, SummaryFile)
	err = report.WriteCSVFile(summary, SummaryHeader(s.Workload), func(emit func([]string) error) error {
		for _, a := range aggs {
			if err := emit(a.summaryRow()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	files := []string{runs, summary}
	charts, err := writeCharts(s, dir, aggs)
	return append(files, charts...), err
}
