package benchmarks

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/go-dht/go-dht/benchmarks/report"
	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/routing"
)

// size is a network size of the scale benchmarks: -scaling-max skips the
// sizes above it, except the huge ones (10^8 nodes), which run with -huge
// only.
type size struct {
	n    int
	huge bool
}

// skip reports why size z does not run, or "".
func (z size) skip(p Params) string {
	switch {
	case z.huge && !p.Bench.Huge:
		return fmt.Sprintf("n=%d runs with -huge only", z.n)
	case !z.huge && z.n > p.Bench.ScalingMax:
		return fmt.Sprintf("n=%d is above -scaling-max=%d", z.n, p.Bench.ScalingMax)
	}
	return ""
}

// eachSize runs f as the sub-benchmark n=N of each size, skipping (and
// saying why) the sizes -scaling-max and -huge leave out.
func eachSize(b *testing.B, p Params, sizes []size, f func(b *testing.B, sz string, n int)) {
	for _, z := range sizes {
		sz := fmt.Sprintf("n=%d", z.n)
		b.Run(sz, func(b *testing.B) {
			if why := z.skip(p); why != "" {
				b.Skip(why)
			}
			f(b, sz, z.n)
		})
	}
}

// scalingSizes are the network sizes of BenchmarkNetworkScaling; -n does
// not change them.
var scalingSizes = []size{{1000, false}, {10_000, false}, {100_000, false}, {1_000_000, false}, {10_000_000, false}, {100_000_000, true}}

// eagerMax is the largest network BenchmarkNetworkScaling builds with
// eager tables: 10^7 nodes would take about 17 GiB of tables.
const eagerMax = 1_000_000

// indexSizes are the sizes of BenchmarkIndexBuild.
var indexSizes = []size{{1_000_000, false}, {10_000_000, false}, {100_000_000, true}}

// throughputSizes are the network sizes of BenchmarkLookupThroughput.
var throughputSizes = []size{{10_000, false}, {1_000_000, false}, {10_000_000, false}, {100_000_000, true}}

// workerCounts returns the worker counts of the scaling sweep: one worker,
// and all of them.
func workerCounts(all int) []int {
	if all == 1 {
		return []int{1}
	}
	return []int{1, all}
}

// BenchmarkNetworkScaling builds networks of 1,000 to 10^8 nodes ready for
// lookups (dht.Spawn + BootstrapAll, as dht.New does) and reports the
// build time per node, the heap the built network holds per node, and the
// peak heap of the build above the heap live before it. Sub-benchmarks:
// n=N/workers=W builds every table eagerly (up to 10^6 nodes), with one
// worker and with -workers; n=N/on-demand keeps the sorted index only and
// answers from it (dht.TablesOnDemand), with -workers.
func BenchmarkNetworkScaling(b *testing.B) {
	p := env.p
	base := Spec{Bench: "BenchmarkNetworkScaling", Group: "scale", Name: "network_scaling"}
	eachSize(b, p, scalingSizes, func(b *testing.B, sz string, n int) {
		if n <= eagerMax {
			for _, w := range workerCounts(p.Config.Workers) {
				wk := fmt.Sprintf("workers=%d", w)
				b.Run(wk, func(b *testing.B) { benchBuild(b, base.Sub(sz).Sub(wk), p, n, w, dht.TablesEager) })
			}
		}
		b.Run("on-demand", func(b *testing.B) {
			benchBuild(b, base.Sub(sz).Sub("on-demand"), p, n, p.Config.Workers, dht.TablesOnDemand)
		})
	})
}

// benchBuild times the build of a network of n nodes with workers workers
// and tables of the given mode.
func benchBuild(b *testing.B, spec Spec, p Params, n, workers int, tables dht.Tables) {
	p = p.With(n, workers)
	p.Config.Tables = tables
	r := env.s.Result(spec, p)
	if r.Scale == nil {
		r.Scale = &ScalePoint{N: n, Workers: workers, Tables: tables.String()}
	}
	cfg := p.NetConfig(n)
	cfg.Network.DiscardRecords = true
	var (
		net     *dht.DHTNetwork
		base    uint64
		sampler *PeakSampler
		live    []float64
		peak    float64
	)
	runRounds(b, r, roundFuncs{
		prep: func(int) error {
			net = nil
			base = LiveHeapBytes()
			sampler = StartPeakSampler(time.Millisecond)
			return nil
		},
		task: func(int) (err error) {
			net, err = dht.Spawn(cfg)
			if err != nil {
				return err
			}
			return bootstrap(net, workers)
		},
		after: func(int) error {
			peak = max(peak, float64(sampler.Stop())-float64(base))
			live = append(live, float64(LiveHeapBytes())-float64(base))
			runtime.KeepAlive(net)
			net = nil
			return nil
		},
	})
	r.Scale.LiveBytes = report.Mean(live)
	r.Scale.PeakBytes = max(r.Scale.PeakBytes, peak)
	reportPerOp(b, "ns/node", n)
	b.ReportMetric(r.Scale.LiveBytes/float64(n), "bytes/node")
	b.ReportMetric(peak/(1<<20), "peak-heap-MiB")
}

// BenchmarkLookupThroughput runs lookups for random keys on -workers
// goroutines (dht.DHTNetwork.LookupMany, the isolated path: each lookup on
// its own event queue) against networks of 10^4 to 10^8 nodes that keep no
// connection records (network.Config.DiscardRecords), with tables as
// -tables says (auto: eager up to 10^6 nodes, on demand above), and
// reports lookups/s. A round is -throughput-lookups lookups.
func BenchmarkLookupThroughput(b *testing.B) {
	p := env.p
	base := Spec{Bench: "BenchmarkLookupThroughput", Group: "scale", Name: "lookup_throughput"}
	eachSize(b, p, throughputSizes, func(b *testing.B, sz string, n int) {
		benchThroughput(b, base.Sub(sz), p, n)
	})
}

func benchThroughput(b *testing.B, spec Spec, p Params, n int) {
	w := p.Config.Workers
	r := env.s.Result(spec, p.With(n, w))
	if r.Throughput == nil {
		r.Throughput = &ThroughputPoint{N: n, Workers: w}
	}
	var net *dht.DHTNetwork
	timePrep(b, r, func() (err error) {
		net, err = newNetwork(p, n, w, true)
		runtime.GC()
		return err
	})
	count := p.Bench.ThroughputLookups
	var tasks []dht.LookupTask
	var hops, peers, done int64
	runRounds(b, r, roundFuncs{
		prep: func(round int) error {
			tasks = DHTTasks(PlanLookups(RoundRand(p.Config.Network.Seed, "lookup_throughput", round), n, count, nil, uint64(round*count+1)))
			return nil
		},
		task: func(int) error {
			// The isolated path: no load model, so the lookups run in
			// parallel on w goroutines, each with its own event queue.
			return net.LookupMany(context.Background(), tasks, w, func(_ int, res dht.LookupResult) {
				hops += int64(res.Summary.Hops)
				peers += int64(res.Summary.Attempts)
				done++
			})
		},
	})
	runtime.KeepAlive(net)
	r.Throughput.Lookups += b.N * count
	r.Throughput.Elapsed += b.Elapsed()
	if b.N > 0 && done > 0 {
		b.ReportMetric(float64(b.N*count)/b.Elapsed().Seconds(), "lookups/s")
		b.ReportMetric(float64(hops)/float64(done), "hops/lookup")
		b.ReportMetric(float64(peers)/float64(done), "peers/lookup")
	}
}

// BenchmarkIndexBuild builds what a network of 10^6, 10^7 or 10^8 nodes
// needs before its nodes can answer lookups without routing tables: the
// node keys (hashes.NodeKey of every id, sharded over the workers) and the
// sorted key index (routing.NewIndexParallel), with one worker and with
// -workers. A round is both; it reports keygen-ns/key and ns/key (the
// index) apart, bytes/key (the heap the keys and index hold) and
// peak-heap-MiB (the largest heap of the round, above the heap before it).
// n=10000000 runs when -scaling-max allows it, n=100000000 only with
// -huge. Sub-benchmarks are n=N/workers=W.
func BenchmarkIndexBuild(b *testing.B) {
	p := env.p
	base := Spec{Bench: "BenchmarkIndexBuild", Group: "scale", Name: "index_build"}
	eachSize(b, p, indexSizes, func(b *testing.B, sz string, n int) {
		for _, w := range workerCounts(p.Config.Workers) {
			wk := fmt.Sprintf("workers=%d", w)
			b.Run(wk, func(b *testing.B) { benchIndexBuild(b, base.Sub(sz).Sub(wk), p, n, w) })
		}
	})
}

// benchIndexBuild times the keys and the index of n nodes with workers
// workers.
func benchIndexBuild(b *testing.B, spec Spec, p Params, n, workers int) {
	r := env.s.Result(spec, p.With(n, workers))
	r.BatchOps = n
	var (
		keys          []hashes.Key
		ix            *routing.Index
		base          uint64
		sampler       *PeakSampler
		keygen, index time.Duration
		live          []float64
		peak          float64
	)
	runRounds(b, r, roundFuncs{
		prep: func(int) error {
			keys, ix = nil, nil
			base = LiveHeapBytes()
			sampler = StartPeakSampler(time.Millisecond)
			return nil
		},
		task: func(int) (err error) {
			start := time.Now()
			keys = hashes.NodeKeys(p.Config.Network.Seed, n, workers)
			mid := time.Now()
			ix, err = routing.NewIndexParallel(context.Background(), keys, workers)
			keygen, index = keygen+mid.Sub(start), index+time.Since(mid)
			return err
		},
		after: func(int) error {
			peak = max(peak, float64(sampler.Stop())-float64(base))
			live = append(live, float64(LiveHeapBytes())-float64(base))
			runtime.KeepAlive(keys)
			runtime.KeepAlive(ix)
			keys, ix = nil, nil
			return nil
		},
	})
	if b.N > 0 {
		perKey := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(b.N) / float64(n) }
		b.ReportMetric(perKey(keygen), "keygen-ns/key")
		b.ReportMetric(perKey(index), "ns/key")
		b.ReportMetric(report.Mean(live)/float64(n), "bytes/key")
		b.ReportMetric(peak/(1<<20), "peak-heap-MiB")
	}
}
