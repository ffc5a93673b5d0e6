package study

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/go-dht/go-dht/benchmarks/report"
)

// writeRow writes a combination's summary.csv: the study's summary header
// and its one row (index, name, parameters, figures).
func writeRow(path string, c Combination, metrics []metric) error {
	row := append([]string{strconv.Itoa(c.Index), c.Name}, c.SummaryRow()...)
	for _, m := range metrics {
		row = append(row, m.value)
	}
	return report.WriteCSVFile(path, summaryHeader(c.Workload.Type), func(emit func([]string) error) error { return emit(row) })
}

// summaryHeader is the header of a study's summary.csv.
func summaryHeader(t WorkloadType) []string {
	return slices.Concat([]string{"index", "combination"}, SummaryColumns(), MetricColumns(t))
}

// Row is one combination's line of a study's summary, as read back from
// its folder.
type Row struct {
	Index  int
	Fields []string // every column of the summary header
}

// Rows reads the summary row of every complete combination of s found in
// dir, sorted by index. A combination is taken when its summary.csv
// verifies against its completion mark (MarkFile; the other files are
// verified when a run resumes or a merge copies them); a folder without a
// mark, or whose summary.csv was edited, is not complete and is left out.
// A verified summary.csv that is not one of s's combinations is an error:
// dir belongs to one study.
func Rows(s *Study, dir string) ([]Row, error) {
	header := summaryHeader(s.Workload)
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

// WriteSummary writes dir's summary.csv (one row per combination found in
// dir, by index) and the charts of the swept keys, and returns the files
// written.
func WriteSummary(s *Study, dir string) ([]string, error) {
	rows, err := Rows(s, dir)
	if err != nil {
		return nil, err
	}
	header := summaryHeader(s.Workload)
	path := filepath.Join(dir, "summary.csv")
	err = report.WriteCSVFile(path, header, func(emit func([]string) error) error {
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
	files := []string{path}
	charts, err := writeCharts(s, dir, header, rows)
	return append(files, charts...), err
}
