package benchmarks

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/go-dht/go-dht/dht/dhttest"
)

// column returns the cells of a CSV's column, by name; it fails the test
// when the file or the column is missing.
func column(t *testing.T, path, name string) []string {
	t.Helper()
	rows := dhttest.ReadCSVFile(t, path)
	if len(rows) < 2 {
		t.Fatalf("%s: no rows", filepath.Base(path))
	}
	i := slices.Index(rows[0], name)
	if i < 0 {
		t.Fatalf("%s: no column %s in %v", filepath.Base(path), name, rows[0])
	}
	var cells []string
	for _, r := range rows[1:] {
		cells = append(cells, r[i])
	}
	return cells
}

// distinct returns the distinct values of cells, sorted.
func distinct(cells []string) []string {
	out := slices.Clone(cells)
	slices.Sort(out)
	return slices.Compact(out)
}

// Every row of a benchmark's CSVs carries the parameters it ran with, not
// the flags': the das-research study's rows name the py-dht profile, its
// 10 % fast errors, connections of 50ms-75ms and gamma of 125 µs (in
// seconds, gamma_s); a latency model's rows name the model; the rows of
// a sweep's point name its value (the error rate; the rule and alpha).
func TestBenchmarkRowsNameTheirParameters(t *testing.T) {
	p := smallParams()
	p.Bench.Lookups = 5
	dir := t.TempDir()
	rep := &Report{Dir: dir, Tag: "rows", SkipCharts: true}
	runBenchmarksTo(t, rep, p, 1, BenchmarkDASRetrievalStudy, BenchmarkLookupLatencyModels, BenchmarkLookupErrorSweep, BenchmarkLookupAlphaSweep)

	for _, file := range []string{"rows_workload_das_retrieval_study_retrievals.csv", "rows_workload_das_retrieval_study.csv",
		"rows_workload_das_retrieval_study_setup_provides.csv"} {
		path := filepath.Join(dir, file)
		for col, want := range map[string]string{"profile": "pydht", "fast_error_rate": "10", "conn_delay": "50ms-75ms",
			"fast_delay": "50ms-100ms", "gamma_s": "0.000125", "nodes": "12000", "termination": "pydht", "fill": "closest",
			"beta": "20", "lookups": "", "latency": "uniform"} {
			if got := distinct(column(t, path, col)); !slices.Equal(got, []string{want}) {
				t.Errorf("%s: %s = %q, want %q", file, col, got, want)
			}
		}
	}
	for _, model := range latencyModels {
		path := filepath.Join(dir, "rows_workload_lookup_latency_model"+model+"_lookups.csv")
		if got := distinct(column(t, path, "latency")); !slices.Equal(got, []string{model}) {
			t.Errorf("latency model %s: latency column %q", model, got)
		}
		if got := distinct(column(t, filepath.Join(dir, "rows_workload_lookup_latency_model"+model+".csv"), "latency")); !slices.Equal(got, []string{model}) {
			t.Errorf("latency model %s: rounds CSV's latency column %q", model, got)
		}
	}
	for _, rate := range []string{"0", "10", "50"} {
		for _, suffix := range []string{"", "_lookups"} {
			path := filepath.Join(dir, "rows_workload_lookup_error_sweep_rate"+rate+suffix+".csv")
			if got := distinct(column(t, path, "fast_error_rate")); !slices.Equal(got, []string{rate}) {
				t.Errorf("error sweep rate %s%s: fast_error_rate column %q", rate, suffix, got)
			}
		}
	}
	for _, point := range [][2]string{{"stale", "1"}, {"kclosest", "10"}, {"beta", "3"}} {
		for _, suffix := range []string{"", "_lookups"} {
			path := filepath.Join(dir, "rows_workload_lookup_alpha_sweep_rule"+point[0]+"_alpha"+point[1]+suffix+".csv")
			if got := distinct(column(t, path, "termination")); !slices.Equal(got, []string{point[0]}) {
				t.Errorf("alpha sweep %v%s: termination column %q", point, suffix, got)
			}
			if got := distinct(column(t, path, "alpha")); !slices.Equal(got, []string{point[1]}) {
				t.Errorf("alpha sweep %v%s: alpha column %q", point, suffix, got)
			}
		}
	}
}

// Every header the suite writes names each column once: its own columns
// and the parameters' (a run of every benchmark would find a repeat only
// in the benchmarks that write it; this checks them all).
func TestHeadersHaveUniqueColumns(t *testing.T) {
	for name, h := range map[string][]string{
		"rounds": RoundsHeader, "lookups": LookupsHeader, "provides": ProvidesHeader, "summary": SummaryHeader,
		"scaling": ScalingHeader, "hops": HopsHeader, "grow": GrowHeader, "crawl": CrawlHeader, "measured": MeasuredHeader,
	} {
		for i, c := range h {
			if slices.Index(h, c) != i {
				t.Errorf("%s header: column %s twice", name, c)
			}
		}
	}
}
