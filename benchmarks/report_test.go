package benchmarks

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht/crawler"
	"github.com/go-dht/go-dht/dht/dhttest"
	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/network"
)

// allBenchmarks is every benchmark of the suite.
var allBenchmarks = []func(*testing.B){
	BenchmarkHashCreation, BenchmarkHashSegmentKey, BenchmarkHashDistance, BenchmarkHashSharedBits,
	BenchmarkRoutingNewDiscoveredNode, BenchmarkRoutingClosestToHash, BenchmarkRoutingOptimalClosest,
	BenchmarkRoutingGetRoutingNodes,
	BenchmarkNetworkInitialization, BenchmarkNetworkBootstrapNode, BenchmarkNetworkBootstrapNetwork,
	BenchmarkNetworkFastBootstrap, BenchmarkNetworkFastThreadedBootstrap,
	BenchmarkLookup, BenchmarkProvide, BenchmarkRetrieve, BenchmarkLookupErrorSweep,
	BenchmarkNetworkScaling, BenchmarkLookupThroughput, BenchmarkIndexBuild,
	BenchmarkEngine, BenchmarkLookupShared, BenchmarkLookupAlphaSweep, BenchmarkLookupLatencyModels,
	BenchmarkCrawl, BenchmarkCrawlSweep,
}

// slowBenchmarks run fixed-size workloads (12,000 nodes; 24 simulated
// hours): the full test run only.
var slowBenchmarks = []func(*testing.B){BenchmarkDASRetrievalStudy, BenchmarkChurn}

// smallParams returns parameters that run the whole suite in seconds.
func smallParams() Params {
	p := DefaultParams()
	p.Config.Nodes, p.Config.Workers, p.Bench.Tag = 500, 2, "smoke"
	p.Bench.Lookups, p.Bench.Segments, p.Bench.SegmentSize, p.Bench.ThroughputLookups = 20, 8, 64, 100
	p.Bench.ScalingMax = 10_000
	return p
}

// runBenchmarks runs benchmark functions with testing.Benchmark, each for
// rounds rounds, with parameters p, and returns the suite of their results.
func runBenchmarks(t *testing.T, p Params, rounds int, fns ...func(*testing.B)) *Suite {
	t.Helper()
	return runBenchmarksTo(t, nil, p, rounds, fns...)
}

// runBenchmarksTo is runBenchmarks with a report that each benchmark
// writes its files to as it finishes (nil: none).
func runBenchmarksTo(t *testing.T, rep *Report, p Params, rounds int, fns ...func(*testing.B)) *Suite {
	t.Helper()
	saved := env
	env = benchEnv{p: p, s: NewSuite(), rep: rep}
	defer func() { env = saved }()
	old := flag.Lookup("test.benchtime").Value.String()
	if err := flag.Set("test.benchtime", fmt.Sprintf("%dx", rounds)); err != nil {
		t.Fatal(err)
	}
	defer flag.Set("test.benchtime", old)
	for _, f := range fns {
		testing.Benchmark(f)
	}
	for _, r := range env.s.Results() {
		for _, e := range r.Errors {
			t.Errorf("benchmark failed: %s", e)
		}
	}
	return env.s
}

// checkCSV checks a CSV's header and number of data rows, and returns the
// data rows.
func checkCSV(t *testing.T, path string, header []string, rows int) [][]string {
	t.Helper()
	all := dhttest.ReadCSVFile(t, path)
	if len(all) == 0 || !slices.Equal(all[0], header) {
		t.Errorf("%s: header %v, want %v", filepath.Base(path), all[:min(1, len(all))], header)
		return nil
	}
	if rows >= 0 && len(all)-1 != rows {
		t.Errorf("%s: %d rows, want %d", filepath.Base(path), len(all)-1, rows)
	}
	return all[1:]
}

// TestReportFiles runs every benchmark on a small network and checks the
// report: one rounds CSV per benchmark with its header and one row per
// round, the operations and records CSVs of the workload, the summary and
// scaling CSVs, the tables and the charts.
func TestReportFiles(t *testing.T) {
	p := smallParams()
	// n=1000 and 10000: eager with 1 and 2 workers, and on demand; the
	// throughput and a crawl at n=10000; the DAS study and churn at
	// n=10000 with and without republish.
	wantScale, wantThroughput, wantCrawl, wantSlow := 6, 1, 1, 3
	benches := append(slices.Clone(allBenchmarks), slowBenchmarks...)
	if testing.Short() {
		p.Bench.ScalingMax = 1000
		wantScale, wantThroughput, wantCrawl, wantSlow = 3, 0, 0, 0
		benches = allBenchmarks
	}
	const rounds = 2
	results := runBenchmarks(t, p, rounds, benches...).Results()
	model := 2 + 1 + len(lookup.Rules())*len(alphaSweep) + len(latencyModels) // engine, shared, alpha sweep, latency models
	crawlSweep := len(crawlSweepInFlight) * len(crawlSweepRates)
	if want := 4 + 4 + 5 + 3 + len(errorSweepRates) + wantScale + wantThroughput + model + wantSlow + wantCrawl + crawlSweep; len(results) != want {
		t.Fatalf("%d results, want %d", len(results), want)
	}
	dir := t.TempDir()
	var out bytes.Buffer
	files, err := Report{Dir: dir, Tag: p.Bench.Tag}.Write(&out, results)
	if err != nil {
		t.Fatal(err)
	}

	for _, r := range results {
		path := filepath.Join(dir, r.Spec.File(p.Bench.Tag, "", "csv"))
		nodes, seed := slices.Index(RoundsHeader, "nodes"), slices.Index(RoundsHeader, "seed")
		for i, row := range checkCSV(t, path, RoundsHeader, rounds) {
			wantSeed := uint64(1)
			if r.RoundSeeds {
				wantSeed += uint64(i)
			}
			if row[0] != strconv.Itoa(i) || row[5] != "false" || row[nodes] != strconv.Itoa(r.Params.Config.Nodes) || row[seed] != strconv.FormatUint(wantSeed, 10) {
				t.Errorf("%s: row %d = %v", filepath.Base(path), i, row)
			}
		}
		if !strings.Contains(out.String(), "| "+r.Spec.Bench+" ") {
			t.Errorf("the tables lack %s", r.Spec.Bench)
		}
	}
	base := filepath.Join(dir, p.Bench.Tag+"_workload_")
	checkCSV(t, base+"lookup_lookups.csv", LookupsHeader, rounds*p.Bench.Lookups)
	checkCSV(t, base+"retrieve_retrievals.csv", LookupsHeader, rounds*p.Bench.Lookups)
	checkCSV(t, base+"lookup_error_sweep_rate50_lookups.csv", LookupsHeader, rounds*p.Bench.Lookups)
	checkCSV(t, base+"provide_provides.csv", ProvidesHeader, rounds*p.Bench.Segments)
	checkCSV(t, base+"retrieve_setup_provides.csv", ProvidesHeader, p.Bench.Segments)
	recordsHeader := strings.Split(network.RecordsHeader, ",")
	for _, name := range []string{"lookup", "provide", "retrieve", "lookup_error_sweep_rate0"} {
		if rows := checkCSV(t, base+name+"_records.csv", recordsHeader, -1); len(rows) == 0 {
			t.Errorf("%s records: no rows", name)
		}
	}
	checkCSV(t, filepath.Join(dir, p.Bench.Tag+"_summary.csv"), SummaryHeader, len(results))
	checkCSV(t, filepath.Join(dir, p.Bench.Tag+"_scale_network_scaling.csv"), ScalingHeader, wantScale)
	checkCSV(t, filepath.Join(dir, p.Bench.Tag+"_crawl_sweep.csv"), CrawlHeader, crawlSweep)
	checkCSV(t, filepath.Join(dir, p.Bench.Tag+"_crawl_crawl_sweep_rate10_W125_crawl.csv"), CrawlHeader, 1)

	charts := []string{"scale_build_time", "scale_memory", "workload_lookup_delay", "workload_retrieve_delay",
		"workload_lookup_error_sweep", "workload_lookup_alpha_sweep", "workload_lookup_timeline", "workload_lookup_latency_cdf", "crawl_sweep"}
	if !testing.Short() {
		charts = append(charts, "workload_churn")
	}
	for _, name := range charts {
		checkPNG(t, filepath.Join(dir, p.Bench.Tag+"_"+name+".png"))
	}
	if wantCrawl > 0 {
		checkCSV(t, filepath.Join(dir, p.Bench.Tag+"_crawl_crawl_n10000_visits.csv"), strings.Split(crawler.VisitsHeader, ","), 10000)
		checkPNG(t, filepath.Join(dir, p.Bench.Tag+"_crawl_crawl_n10000_timeline.png"))
	}
	for _, title := range []string{"== rounds", "== workload", "== crawl", "== scale"} {
		if !strings.Contains(out.String(), title) {
			t.Errorf("the tables lack %q:\n%s", title, out.String())
		}
	}
	if len(files) == 0 {
		t.Error("no files written")
	}
	// No CSV of the report names a column twice, and every _s column
	// holds seconds.
	if n := dhttest.CheckCSVs(t, dir); n < 20 {
		t.Errorf("read %d CSVs", n)
	}
}

// A report folder is claimed by one run: a second run is refused before
// any work, unless it may overwrite; new dated folders never collide, even
// for runs started in the same second.
func TestClaimDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := ClaimDir(dir, false, "run one"); err != nil {
		t.Fatal(err)
	}
	err := ClaimDir(dir, false, "run two")
	if err == nil || !strings.Contains(err.Error(), "run one") || !strings.Contains(err.Error(), "-overwrite") {
		t.Fatalf("second claim: %v, want a refusal naming the other run and -overwrite", err)
	}
	if err := ClaimDir(dir, true, "run three"); err != nil {
		t.Fatalf("claim with overwrite: %v", err)
	}
	parent := t.TempDir()
	now := time.Now()
	a, errA := NewRunDir(parent, now)
	b, errB := NewRunDir(parent, now)
	if errA != nil || errB != nil || a == b || !strings.HasPrefix(filepath.Base(a), now.Format("2006-01-02T15-04-05")) {
		t.Fatalf("NewRunDir: %q, %q (%v, %v)", a, b, errA, errB)
	}
}

// A run into a folder another run claimed stops at once with status 2,
// before any benchmark runs.
func TestMainRefusesClaimedFolder(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report")
	if err := ClaimDir(out, false, "an earlier run"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	code, text := runSelf(t, "-test.run=^$", "-test.bench=BenchmarkNetworkScaling", "-test.benchtime=1x", "-out", out)
	if code != 2 || !strings.Contains(text, "an earlier run") || strings.Contains(text, "BenchmarkNetworkScaling") {
		t.Fatalf("exit %d, output %q; want 2, naming the earlier run, before any benchmark", code, text)
	}
	if time.Since(start) > 20*time.Second {
		t.Errorf("the refusal took %v", time.Since(start))
	}
}

// A run killed with SIGTERM after its first benchmark finished keeps that
// benchmark's files, writes the summary of what finished, and leaves no
// partial or temporary file.
func TestKilledRunKeepsFinishedBenchmarks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite in a child process")
	}
	out := filepath.Join(t.TempDir(), "report")
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=BenchmarkHashCreation$|BenchmarkNetworkScaling",
		"-test.benchtime=3x", "-out", out, "-tag", "killed", "-scaling-max", "1000000", "-workers", "1")
	var text bytes.Buffer
	cmd.Stdout, cmd.Stderr = &text, &text
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	first := filepath.Join(out, "killed_hashes_hash_creation.csv")
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := os.Stat(first); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the first benchmark's file never appeared:\n%s", text.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // into the scaling benchmark
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("killed run: %v, want exit status 1\n%s", err, text.String())
	}
	checkCSV(t, first, RoundsHeader, 3)
	summary := checkCSV(t, filepath.Join(out, "killed_summary.csv"), SummaryHeader, -1)
	if len(summary) == 0 || summary[0][0] != "BenchmarkHashCreation" {
		t.Errorf("summary rows %v, want the finished hash benchmark first", summary)
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		info, _ := e.Info()
		if strings.Contains(e.Name(), ".tmp-") || info.Size() == 0 {
			t.Errorf("left behind: %s (%d bytes)", e.Name(), info.Size())
		}
	}
}

// checkPNG checks that path is a PNG image of a readable size.
func checkPNG(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Error(err)
		return
	}
	if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("%s: not a PNG", filepath.Base(path))
		return
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width < 400 || cfg.Height < 300 {
		t.Errorf("%s: %dx%d, %v", filepath.Base(path), cfg.Width, cfg.Height, err)
	}
}

// BenchmarkIndexBuild runs the sizes -scaling-max allows, and the huge ones
// only with -huge; each size with one worker and with -workers, and
// a round per key batch of n keys.
func TestIndexBuildSizes(t *testing.T) {
	saved := indexSizes
	defer func() { indexSizes = saved }()
	indexSizes = []size{{1000, false}, {3000, false}, {5000, true}}
	for _, tc := range []struct {
		scalingMax int
		huge       bool
		want       []string
	}{
		{10_000, false, []string{"n=1000/workers=1", "n=1000/workers=2", "n=3000/workers=1", "n=3000/workers=2"}},
		{2000, true, []string{"n=1000/workers=1", "n=1000/workers=2", "n=5000/workers=1", "n=5000/workers=2"}},
		{500, false, nil},
	} {
		t.Run(fmt.Sprintf("scaling-max=%d/huge=%v", tc.scalingMax, tc.huge), func(t *testing.T) {
			p := smallParams()
			p.Bench.ScalingMax, p.Bench.Huge = tc.scalingMax, tc.huge
			var got []string
			for _, r := range runBenchmarks(t, p, 2, BenchmarkIndexBuild).Results() {
				got = append(got, strings.TrimPrefix(r.Spec.Bench, "BenchmarkIndexBuild/"))
				if len(r.Rounds) != 2 || r.BatchOps != r.Params.Config.Nodes {
					t.Errorf("%s: %d rounds, %d batch ops", r.Spec.Bench, len(r.Rounds), r.BatchOps)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("ran %v, want %v", got, tc.want)
			}
		})
	}
}

// A report folder claimed again (-overwrite) loses the temporaries a
// killed run left in it, at any depth (issue 17, cause 18); the files of
// finished benchmarks stay.
func TestClaimDirRemovesTemporaries(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := ClaimDir(dir, false, "a killed run"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"bench_hashes_HashCreation.csv", ".bench_summary.csv.tmp-1", filepath.Join("sub", ".chart.png.tmp-2")} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755)
		os.WriteFile(filepath.Join(dir, p), []byte("x"), 0o644)
	}
	if err := ClaimDir(dir, true, "the next run"); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{"bench_hashes_HashCreation.csv": true, ".bench_summary.csv.tmp-1": false, filepath.Join("sub", ".chart.png.tmp-2"): false} {
		if _, err := os.Stat(filepath.Join(dir, p)); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", p, err == nil, want)
		}
	}
}
