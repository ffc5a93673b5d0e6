package benchmarks

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/go-dht/go-dht/benchmarks/report"
	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/crawler"
)

// The crawl benchmarks enumerate a network as a Nebula-style crawler does
// (package dht/crawler) and measure what a crawl costs in wall time and
// memory, and what it finds in simulated time. Every round crawls the
// same network with the same options, so gives the same crawl; its
// figures and files are the last round's.

// crawlSizes are the network sizes of BenchmarkCrawl; -scaling-max skips
// the larger ones.
var crawlSizes = []int{10_000, 1_000_000}

// crawlEdgesMax is the largest network whose edges CSV BenchmarkCrawl
// writes without -crawl-edges: 10^5 nodes give some 3 x 10^7 edges.
const crawlEdgesMax = 100_000

// crawlKeepRecords is the largest network whose connection records a
// crawl benchmark keeps (one per attempt): above, a round would hold
// 10^6 records for a CSV that repeats the visits CSV.
const crawlKeepRecords = 100_000

// crawlNetwork builds a network of n nodes with p's parameters and eager
// tables: a crawl reads every node's table.
func crawlNetwork(p Params, n int) (*dht.DHTNetwork, error) {
	cfg := p.NetConfig(n)
	cfg.Tables = dht.TablesEager
	cfg.Network.DiscardRecords = n > crawlKeepRecords
	return dht.New(cfg)
}

// crawlOptions returns the options of a benchmark crawl of n nodes.
func crawlOptions(p Params, n int) (crawler.Options, error) {
	boot, err := crawler.PickBootstrap(n, min(n, p.Crawl.Bootstrap), p.Config.Network.Seed)
	return p.CrawlOptions(boot), err
}

// BenchmarkCrawl crawls networks of 10,000 and 1,000,000 nodes (eager
// tables) from -crawl-bootstrap peers (4) drawn from the seed, with -crawl-inflight
// visits in flight, -crawl-retries and -crawl-timeout, on the links of the
// flags (-fast-error-rate, -conn-delay, ...). A round is one crawl. It
// reports visits/s (wall), crawl-s (simulated duration), completeness
// (share of the nodes online at the start found), reached (share that
// answered) and peak-heap-MiB (the largest heap during the crawl above
// the heap before it: what the crawl costs beyond the network). It writes
// the crawl's summary and visits CSVs, its timeline chart, its records
// (up to 100,000 nodes) and, streamed while it runs, its edges CSV (up to
// 100,000 nodes, or at every size with -crawl-edges).
func BenchmarkCrawl(b *testing.B) {
	p := env.p
	base := Spec{Bench: "BenchmarkCrawl", Group: "crawl", Name: "crawl"}
	for _, n := range crawlSizes {
		size := fmt.Sprintf("n=%d", n)
		b.Run(size, func(b *testing.B) {
			if n > p.Bench.ScalingMax {
				b.Skipf("n=%d is above -scaling-max=%d", n, p.Bench.ScalingMax)
			}
			benchCrawl(b, base.Sub(size), p, n)
		})
	}
}

func benchCrawl(b *testing.B, spec Spec, p Params, n int) {
	p = p.With(n, p.Config.Workers)
	p.Config.Tables = dht.TablesEager // what crawlNetwork builds
	r := env.s.Result(spec, p)
	var net *dht.DHTNetwork
	timePrep(b, r, func() (err error) {
		net, err = crawlNetwork(p, n)
		runtime.GC()
		return err
	})
	if n <= crawlKeepRecords {
		r.Records = net.WriteRecordsCSV
	}
	opts, err := crawlOptions(p, n)
	if err != nil {
		b.Fatal(err)
	}
	edges := n <= crawlEdgesMax || p.Bench.CrawlEdges
	var (
		out       crawler.Output
		visits    []crawler.Visit
		edgesFile *report.File
		sum       crawler.Summary
		crawlErr  error
		base      uint64
		sampler   *PeakSampler
		peak      float64
	)
	runRounds(b, r, roundFuncs{
		prep: func(round int) error {
			net.ResetMetrics() // the records of this round only
			visits = make([]crawler.Visit, 0, n)
			out = crawler.Output{OnVisit: func(v crawler.Visit) { visits = append(visits, v) }}
			if edges {
				// Every round formats the edges; the first writes them.
				out.Edges = io.Discard
				if round == 0 && env.rep != nil {
					f, err := env.rep.Create(spec, "_edges", "csv")
					if err != nil {
						return err
					}
					edgesFile, out.Edges = f, f
				}
			}
			base = LiveHeapBytes()
			sampler = StartPeakSampler(time.Millisecond)
			return nil
		},
		task: func(int) error {
			sum, crawlErr = crawler.Crawl(context.Background(), net, opts, out)
			return crawlErr
		},
		after: func(int) error {
			peak = max(peak, float64(sampler.Stop())-float64(base))
			if crawlErr == nil {
				// Before the harness writes the benchmark's files, which
				// it does when the rounds end.
				r.Crawl = &CrawlRun{Summary: sum, Visits: visits}
			}
			if edgesFile == nil {
				return nil
			}
			f := edgesFile
			edgesFile = nil
			if crawlErr != nil {
				f.Abort()
				return nil
			}
			return f.Close()
		},
	})
	runtime.KeepAlive(net)
	if r.Crawl == nil {
		return
	}
	reportCrawl(b, r, sum)
	b.ReportMetric(peak/(1<<20), "peak-heap-MiB")
	r.SetMetric("peak-heap-MiB", peak/(1<<20))
}

// reportCrawl reports the figures of a crawl benchmark: visits per second
// of the timed wall time, the crawl's simulated duration and its
// completeness.
func reportCrawl(b *testing.B, r *Result, s crawler.Summary) {
	reportRate(b, r, "visits/s", s.Visited)
	b.ReportMetric(s.Duration.Seconds(), "crawl-s")
	b.ReportMetric(s.CompletenessStart(), "completeness")
	b.ReportMetric(s.ReachedStart(), "reached")
}

// crawlSweepInFlight and crawlSweepRates are the visits in flight and the
// fast error rates (%) of BenchmarkCrawlSweep.
var (
	crawlSweepInFlight = []int{1, 10, 125, 1000}
	crawlSweepRates    = []float64{0, 10, 30}
)

// BenchmarkCrawlSweep crawls the network of -n nodes at each fast error
// rate of crawlSweepRates (sub-benchmarks rate=R) with each W of
// crawlSweepInFlight (W=W), the other parameters as BenchmarkCrawl's: the
// data of the chart of crawl duration and completeness against W and the
// error rate. The tables are built once and shared by every rate
// (dht.DHTNetwork.Derive). It reports what BenchmarkCrawl reports but the
// heap, and writes each crawl's summary CSV and, across the sweep, the
// sweep CSV and chart.
func BenchmarkCrawlSweep(b *testing.B) {
	base := Spec{Bench: "BenchmarkCrawlSweep", Group: "crawl", Name: "crawl_sweep"}
	for _, rate := range crawlSweepRates {
		rateSub := fmt.Sprintf("rate=%g", rate)
		b.Run(rateSub, func(b *testing.B) {
			for _, w := range crawlSweepInFlight {
				wSub := fmt.Sprintf("W=%d", w)
				b.Run(wSub, func(b *testing.B) {
					p := env.p
					p.Config.Network.FastErrorRate, p.Crawl.Options.InFlight = rate, w
					if err := p.NetConfig(p.Config.Nodes).Validate(); err != nil {
						b.Skipf("fast error rate %g%% with -slow-error-rate %g%%: %v", rate, p.Config.Network.SlowErrorRate, err)
					}
					benchCrawlSweep(b, base.Sub(rateSub).Sub(wSub), p)
				})
			}
		})
	}
}

func benchCrawlSweep(b *testing.B, spec Spec, p Params) {
	p.Config.Tables = dht.TablesEager // what crawlNetwork builds
	r := env.s.Result(spec, p)
	var net *dht.DHTNetwork
	timePrep(b, r, func() error {
		// One build of the tables for the whole sweep, one network per
		// rate on top of it.
		q := p
		q.Config.Network.FastErrorRate = env.p.Config.Network.FastErrorRate
		shared, _, err := Cached(env.s, fmt.Sprintf("crawl_sweep/n=%d", p.Config.Nodes), func() (*dht.DHTNetwork, error) {
			return crawlNetwork(q, p.Config.Nodes)
		})
		if err != nil {
			return err
		}
		cfg := p.NetConfig(p.Config.Nodes)
		cfg.Tables = dht.TablesEager
		cfg.Network.DiscardRecords = true
		net, err = shared.Derive(cfg)
		return err
	})
	opts, err := crawlOptions(p, p.Config.Nodes)
	if err != nil {
		b.Fatal(err)
	}
	var sum crawler.Summary
	var crawlErr error
	runRounds(b, r, roundFuncs{
		task: func(int) error {
			sum, crawlErr = crawler.Crawl(context.Background(), net, opts, crawler.Output{})
			return crawlErr
		},
		after: func(int) error {
			if crawlErr == nil {
				r.Crawl = &CrawlRun{Summary: sum, Sweep: true}
			}
			return nil
		},
	})
	if r.Crawl == nil {
		return
	}
	reportCrawl(b, r, sum)
}
