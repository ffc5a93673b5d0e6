package benchmarks

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/dhttest"
	"github.com/go-dht/go-dht/hashes"
)

// hopsSizes are the network sizes of BenchmarkHopsScaling; grownMaxHops is
// the largest grown network it grows (10^5 nodes take a minute a growth:
// BenchmarkGrow measures that size).
var (
	hopsSizes    = []size{{1000, false}, {10_000, false}, {100_000, false}, {1_000_000, false}, {10_000_000, false}}
	hopsK        = []int{5, 10, 20, 50}
	grownMaxHops = 10_000
)

// BenchmarkHopsScaling measures how far a lookup has to go: retrieval and
// lookup hops, peers contacted and accuracy at alpha 1 (no errors), against
// the network size N = 10^3..10^7 (tables on demand above 10^5, which give
// the eager tables' answers), for each fill (random, closest, and grown up
// to 10^4 nodes) and k = 5, 10, 20, 50. Under the random fill hops grow
// like log2(N) / log2(k); under py-dht's closest fill about three times
// faster. One round builds the network and runs the workload.
func BenchmarkHopsScaling(b *testing.B) {
	p := env.p
	base := Spec{Bench: "BenchmarkHopsScaling", Group: "scale", Name: "hops_scaling"}
	for _, fill := range []dht.Fill{dht.FillRandom, dht.FillClosest, dht.FillGrown} {
		fs := "fill=" + fill.String()
		b.Run(fs, func(b *testing.B) {
			for _, k := range hopsK {
				ks := fmt.Sprintf("k=%d", k)
				b.Run(ks, func(b *testing.B) {
					eachSize(b, p, hopsSizes, func(b *testing.B, sz string, n int) {
						if fill == dht.FillGrown && n > grownMaxHops {
							b.Skipf("grown networks up to %d nodes here (BenchmarkGrow grows 10^5)", grownMaxHops)
						}
						benchHops(b, base.Sub(fs).Sub(ks).Sub(sz), p, n, k, fill)
					})
				})
			}
		})
	}
}

// benchHops runs one point of BenchmarkHopsScaling.
func benchHops(b *testing.B, spec Spec, p Params, n, k int, fill dht.Fill) {
	q := p
	q.Config.Client.K, q.Config.Client.Beta, q.Config.Client.Alpha, q.Config.Fill = k, k, 1, fill
	q.Config.Network.FastErrorRate, q.Config.Network.SlowErrorRate = 0, 0
	if n > 100_000 {
		q.Config.Tables = dht.TablesOnDemand
	}
	r := env.s.Result(spec, q.With(n, q.Config.Workers))
	cfg := q.NetConfig(n)
	cfg.Network.DiscardRecords = true
	var pt HopsPoint
	runRounds(b, r, roundFuncs{
		task: func(round int) error {
			net, err := dht.New(cfg)
			if err != nil {
				return err
			}
			ret := dhttest.Retrievals(b, net, hopsSegments, hopsRetrievals, q.Config.Network.Seed)
			rng := rand.New(rand.NewPCG(q.Config.Network.Seed, 0x686f7073))
			var hops, peers, acc float64
			for i := range hopsLookups {
				res, err := net.Lookup(uint32(rng.IntN(n)), hashes.Key(rng.Uint64()),
					dht.LookupOptions{TrackAccuracy: true, Op: uint64(hopsSegments + hopsRetrievals + i + 1)})
				if err != nil {
					return err
				}
				hops += float64(res.Summary.Hops)
				peers += float64(res.Summary.Attempts)
				acc += res.Summary.Accuracy
			}
			pt = HopsPoint{N: n, K: k, Fill: fill.String(), Tables: cfg.Effective().Tables.String(),
				RetrievalHops: ret.Hops, RetrievalPeers: ret.Attempts, Found: ret.Found,
				LookupHops: hops / hopsLookups, LookupPeers: peers / hopsLookups, Accuracy: acc / hopsLookups}
			return nil
		},
	})
	r.Hops = &pt
	b.ReportMetric(pt.RetrievalHops, "retrieval-hops")
	b.ReportMetric(pt.LookupHops, "lookup-hops")
	b.ReportMetric(pt.LookupPeers, "lookup-peers")
	b.ReportMetric(100*pt.Accuracy, "accuracy-%")
	b.ReportMetric(100*pt.Found, "found-%")
}

// growSizes are the network sizes of BenchmarkGrow.
var growSizes = []size{{10_000, false}, {100_000, false}}

// BenchmarkGrow grows networks of 10^4 and 10^5 nodes by joins (-fill
// grown's growth: each node looks up its own key and refreshes its
// buckets, on one clock) and reports the wall time, joins per second of
// wall time, the peak heap above the heap live before, the lookups and
// requests of the growth, and the health of the grown tables as ProbeLab's
// RFM 19 measures it (share of nodes that know all of their 20 closest,
// fewer than 18; unreachable entries under churn).
func BenchmarkGrow(b *testing.B) {
	p := env.p
	base := Spec{Bench: "BenchmarkGrow", Group: "scale", Name: "grow"}
	eachSize(b, p, growSizes, func(b *testing.B, sz string, n int) {
		benchGrow(b, base.Sub(sz), p, n)
	})
}

func benchGrow(b *testing.B, spec Spec, p Params, n int) {
	q := p
	q.Config.Fill = dht.FillGrown
	r := env.s.Result(spec, q.With(n, 1))
	cfg := q.NetConfig(n)
	cfg.Network.DiscardRecords = true
	var (
		net     *dht.DHTNetwork
		heap0   uint64
		sampler *PeakSampler
		pt      = GrowPoint{N: n}
		walls   time.Duration
	)
	runRounds(b, r, roundFuncs{
		prep: func(int) error {
			net = nil
			heap0 = LiveHeapBytes()
			sampler = StartPeakSampler(10 * time.Millisecond)
			return nil
		},
		task: func(int) (err error) {
			start := time.Now()
			net, err = dht.New(cfg)
			walls += time.Since(start)
			return err
		},
		after: func(int) error {
			pt.PeakBytes = max(pt.PeakBytes, float64(sampler.Stop())-float64(heap0))
			stats, ok := net.GrowthStats()
			if !ok {
				return fmt.Errorf("no growth")
			}
			pt.Stats = stats
			h, err := net.Health(context.Background(), dht.HealthOptions{Nodes: min(n, 2000), Seed: q.Config.Network.Seed})
			pt.Health = h
			return err
		},
	})
	rounds := max(1, len(r.Rounds))
	pt.Wall = walls / time.Duration(rounds)
	r.Grow = &pt
	b.ReportMetric(float64(pt.Stats.Joins)/pt.Wall.Seconds(), "joins/s")
	b.ReportMetric(pt.PeakBytes/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(pt.Stats.Lookups)/float64(max(1, pt.Stats.Joins)), "lookups/join")
	b.ReportMetric(float64(pt.Stats.Attempts)/float64(max(1, pt.Stats.Joins)), "requests/join")
	b.ReportMetric(100*pt.Health.KnowAll, "know-all-20-%")
	b.ReportMetric(100*pt.Health.KnowFewer, "know-under-18-%")
}
