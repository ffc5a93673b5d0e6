package benchmarks

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-dht/go-dht/dht/crawler"
	"github.com/go-dht/go-dht/network"
)

// crawlFiles runs BenchmarkCrawl on networks of 300 and 2000 nodes with
// -scaling-max 1000 and the report written as benchmarks finish, and
// returns the report folder and the suite.
func crawlFiles(t *testing.T, p Params) (string, *Suite) {
	t.Helper()
	saved := crawlSizes
	defer func() { crawlSizes = saved }()
	crawlSizes = []int{300, 2000}
	dir := t.TempDir()
	s := runBenchmarksTo(t, &Report{Dir: dir, Tag: p.Bench.Tag}, p, 2, BenchmarkCrawl)
	return dir, s
}

// BenchmarkCrawl writes, as it finishes, the crawl's summary CSV, its
// visits CSV (one row per visit), its records (one per attempt), its
// timeline chart and the edges CSV streamed while it ran (one row per
// edge the summary counts); sizes above -scaling-max are skipped; it
// reports visits/s, and the same seed gives the same files.
func TestCrawlBenchmarkFiles(t *testing.T) {
	p := smallParams()
	p.Bench.ScalingMax, p.Config.Network.FastErrorRate, p.Crawl.Options.Retries = 1000, 20, 1
	dir, s := crawlFiles(t, p)
	results := s.Results()
	if len(results) != 1 || results[0].Spec.Bench != "BenchmarkCrawl/n=300" || results[0].Crawl == nil {
		t.Fatalf("results %v, want BenchmarkCrawl/n=300 with its crawl", results)
	}
	r := results[0]
	sum := r.Crawl.Summary
	if sum.Nodes != 300 || sum.Visited != 300 || sum.Refused == 0 || sum.Options.Retries != 1 || sum.Options.InFlight != crawler.DefaultInFlight {
		t.Fatalf("summary %+v", sum)
	}
	if r.Metrics["visits/s"] <= 0 || r.Metrics["peak-heap-MiB"] <= 0 {
		t.Errorf("metrics %v", r.Metrics)
	}
	base := filepath.Join(dir, "smoke_crawl_crawl_n300")
	checkCSV(t, base+".csv", RoundsHeader, 2)
	rows := checkCSV(t, base+"_crawl.csv", CrawlHeader, 1)
	if len(rows) == 1 && (rows[0][slices.Index(CrawlHeader, "nodes")] != "300" || rows[0][slices.Index(CrawlHeader, "retries")] != "1" ||
		rows[0][slices.Index(CrawlHeader, "fast_error_rate")] != "20" || rows[0][slices.Index(CrawlHeader, "found")] != "300") {
		t.Errorf("summary row %v", rows[0])
	}
	checkCSV(t, base+"_visits.csv", strings.Split(crawler.VisitsHeader, ","), 300)
	checkCSV(t, base+"_records.csv", strings.Split(network.RecordsHeader, ","), sum.Attempts)
	checkCSV(t, base+"_edges.csv", strings.Split(crawler.EdgesHeader, ","), int(sum.Edges))
	checkPNG(t, base+"_timeline.png")
	if _, err := os.Stat(filepath.Join(dir, "smoke_crawl_crawl_n2000.csv")); err == nil {
		t.Error("n=2000 ran above -scaling-max=1000")
	}
	again, _ := crawlFiles(t, p)
	for _, suffix := range []string{"_visits.csv", "_edges.csv", "_records.csv"} {
		a, _ := os.ReadFile(base + suffix)
		b, _ := os.ReadFile(filepath.Join(again, "smoke_crawl_crawl_n300"+suffix))
		if len(a) == 0 || string(a) != string(b) {
			t.Errorf("%s differs between two runs of one seed", suffix)
		}
	}
}

// BenchmarkCrawlSweep crawls at every W and rate, the same peers found at
// every W of a rate (W changes the speed, not what the network answers),
// faster with more in flight, and fewer peers reached at higher rates.
func TestCrawlSweep(t *testing.T) {
	p := smallParams()
	p.Config.Nodes = 400
	results := runBenchmarks(t, p, 1, BenchmarkCrawlSweep).Results()
	if len(results) != len(crawlSweepInFlight)*len(crawlSweepRates) {
		t.Fatalf("%d results", len(results))
	}
	byRate := map[float64][]crawler.Summary{}
	for _, r := range results {
		if r.Crawl == nil || !r.Crawl.Sweep {
			t.Fatalf("%s: no crawl", r.Spec.Bench)
		}
		s := r.Crawl.Summary
		if want := "W=" + strconv.Itoa(s.Options.InFlight); !strings.HasSuffix(r.Spec.Bench, want) {
			t.Errorf("%s crawled with %s", r.Spec.Bench, want)
		}
		byRate[s.Network.FastErrorRate] = append(byRate[s.Network.FastErrorRate], s)
	}
	prevReached := 2.0
	for _, rate := range crawlSweepRates {
		pts := byRate[rate]
		for i, s := range pts {
			if s.Reachable != pts[0].Reachable || s.Found != pts[0].Found {
				t.Errorf("rate %g: W=%d reached %d, found %d; W=%d %d, %d", rate, s.Options.InFlight, s.Reachable, s.Found, pts[0].Options.InFlight, pts[0].Reachable, pts[0].Found)
			}
			if i > 0 && s.Duration >= pts[i-1].Duration {
				t.Errorf("rate %g: W=%d took %v, W=%d %v", rate, s.Options.InFlight, s.Duration, pts[i-1].Options.InFlight, pts[i-1].Duration)
			}
		}
		if r := pts[0].ReachedStart(); r >= prevReached {
			t.Errorf("rate %g: reached %v, not below the lower rate's %v", rate, r, prevReached)
		} else {
			prevReached = r
		}
	}
}
