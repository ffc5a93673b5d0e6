package benchmarks

import (
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// workloadFiles runs the workload benchmarks with p and returns their
// operations and records CSVs by file name, without the wall-clock column.
func workloadFiles(t *testing.T, p Params) map[string]string {
	t.Helper()
	s := runBenchmarks(t, p, 2, BenchmarkLookup, BenchmarkProvide, BenchmarkRetrieve, BenchmarkLookupErrorSweep)
	dir := t.TempDir()
	if _, err := (Report{Dir: dir, Tag: p.Bench.Tag, SkipCharts: true}).Write(io.Discard, s.Results()); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, suffix := range []string{"_lookups.csv", "_retrievals.csv", "_provides.csv", "_records.csv"} {
		paths, _ := filepath.Glob(filepath.Join(dir, "*"+suffix))
		for _, path := range paths {
			files[filepath.Base(path)] = withoutColumn(t, path, "wall_s")
		}
	}
	if len(files) < 4*3+2 {
		t.Fatalf("%d operations and records files: %v", len(files), files)
	}
	return files
}

// withoutColumn returns the CSV at path without the named column.
func withoutColumn(t *testing.T, path, column string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], column)
	var b strings.Builder
	for _, row := range rows {
		if col >= 0 {
			row = slices.Delete(row, col, col+1)
		}
		b.WriteString(strings.Join(row, ",") + "\n")
	}
	return b.String()
}

// TestWorkloadReproducible checks that one seed gives the same operations
// and connection records whatever the number of workers, and that another
// seed gives others.
func TestWorkloadReproducible(t *testing.T) {
	p := smallParams()
	p.Config.Nodes, p.Config.Network.Seed, p.Config.Workers = 300, 7, 1
	// Errors and load exercise every random draw and the shared overheads.
	p.Config.Network.SlowErrorRate, p.Config.Network.Gamma = 5, time.Millisecond
	one := workloadFiles(t, p)
	p.Config.Workers = 3
	three := workloadFiles(t, p)
	for name, want := range one {
		if got, ok := three[name]; !ok {
			t.Errorf("%s: missing with 3 workers", name)
		} else if got != want {
			t.Errorf("%s differs between 1 and 3 workers", name)
		}
	}
	p.Config.Network.Seed = 8
	other := workloadFiles(t, p)
	if name := "smoke_workload_lookup_lookups.csv"; other[name] == one[name] {
		t.Errorf("%s: seeds 7 and 8 gave the same lookups", name)
	}
}
