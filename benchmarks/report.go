package benchmarks

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/go-dht/go-dht/network"
)

// ScalingHeader is the header of the scaling CSV: one row per network size
// and worker count of BenchmarkNetworkScaling, the data of its charts.
var ScalingHeader = []string{
	"n", "workers", "rounds", "build_mean_s", "build_median_s", "ns_per_node", "bytes_per_node", "peak_heap_mib", "k", "seed",
}

// WriteScaling writes the scaling CSV.
func WriteScaling(w io.Writer, results []*Result) error {
	return writeCSV(w, ScalingHeader, func(emit func([]string) error) error {
		for _, r := range results {
			if r.Scale == nil {
				continue
			}
			s := Summarize(r)
			if err := emit([]string{
				itoa(r.Scale.N), itoa(r.Scale.Workers), itoa(s.Rounds), ftoa(s.Mean), ftoa(s.Median),
				ftoa(s.NsPerNode), ftoa(s.BytesPerNode), ftoa(s.PeakMiB), itoa(r.Row.K), utoa(r.Row.Seed),
			}); err != nil {
				return err
			}
		}
		return nil
	})
}

// groupOrder is the order of groups in the tables and the summary CSV.
var groupOrder = []string{"hashes", "routing", "network", "workload", "scale"}

func groupRank(g string) int {
	if i := slices.Index(groupOrder, g); i >= 0 {
		return i
	}
	return len(groupOrder)
}

// Report is the output of a run: where it goes and what it holds.
type Report struct {
	Dir       string
	Tag       string
	Overwrite bool
	Results   []*Result
	// SkipCharts writes the CSVs only: drawing is the slow part of a
	// report under the race detector.
	SkipCharts bool
}

// Write prints the summary tables to out and writes every file of the run
// into r.Dir: per benchmark its rounds CSV, its operations and connection
// records CSVs (workload), then the summary CSV, the scaling CSV and the
// charts. A file that exists is an error unless r.Overwrite; the other
// files are still written. It returns the paths written.
func (r Report) Write(out io.Writer) ([]string, error) {
	// go test runs benchmarks in the order of their files; report them in
	// the reference's order of groups, from the smallest parts up.
	r.Results = slices.Clone(r.Results)
	slices.SortStableFunc(r.Results, func(a, b *Result) int {
		return cmp.Compare(groupRank(a.Spec.Group), groupRank(b.Spec.Group))
	})
	rows := make([]SummaryRow, 0, len(r.Results))
	for _, res := range r.Results {
		rows = append(rows, Summarize(res))
	}
	var errs []error
	if err := PrintTables(out, rows); err != nil {
		errs = append(errs, err)
	}
	if err := os.MkdirAll(r.Dir, 0o755); err != nil {
		return nil, errors.Join(append(errs, err)...)
	}
	var files []string
	write := func(name string, fill func(io.Writer) error) {
		path := filepath.Join(r.Dir, name)
		if err := network.WriteFile(path, r.Overwrite, fill); err != nil {
			errs = append(errs, err)
			return
		}
		files = append(files, path)
	}
	var scale, sweep bool
	for _, res := range r.Results {
		spec := res.Spec
		if len(res.Rounds) > 0 {
			write(spec.File(r.Tag, "", "csv"), func(w io.Writer) error { return WriteRounds(w, res) })
		}
		if len(res.Lookups) > 0 {
			suffix := "_lookups"
			if res.ValueLookups {
				suffix = "_retrievals"
			}
			write(spec.File(r.Tag, suffix, "csv"), func(w io.Writer) error { return WriteLookups(w, res) })
		}
		if len(res.Provides) > 0 {
			write(spec.File(r.Tag, "_provides", "csv"), func(w io.Writer) error { return WriteProvides(w, res, res.Provides) })
		}
		if len(res.SetupProvides) > 0 {
			write(spec.File(r.Tag, "_setup_provides", "csv"), func(w io.Writer) error { return WriteProvides(w, res, res.SetupProvides) })
		}
		if res.Records != nil {
			write(spec.File(r.Tag, "_records", "csv"), res.Records)
		}
		if len(res.Lookups) > 0 && res.ErrorRate == nil && !r.SkipCharts {
			write(spec.File(r.Tag, "_delay", "png"), func(w io.Writer) error { return DelayHistogram(w, res) })
		}
		scale = scale || res.Scale != nil
		sweep = sweep || res.ErrorRate != nil && len(res.Lookups) > 0
	}
	write(r.Tag+"_summary.csv", func(w io.Writer) error { return WriteSummary(w, rows) })
	if scale {
		write(r.Tag+"_scale_network_scaling.csv", func(w io.Writer) error { return WriteScaling(w, r.Results) })
	}
	if scale && !r.SkipCharts {
		write(r.Tag+"_scale_build_time.png", func(w io.Writer) error { return BuildTimeChart(w, r.Results) })
		write(r.Tag+"_scale_memory.png", func(w io.Writer) error { return MemoryChart(w, r.Results) })
	}
	if sweep && !r.SkipCharts {
		write(r.Tag+"_workload_lookup_error_sweep.png", func(w io.Writer) error { return ErrorSweepChart(w, r.Results) })
	}
	fmt.Fprintf(out, "\nwrote %d report files to %s\n", len(files), r.Dir)
	return files, errors.Join(errs...)
}
