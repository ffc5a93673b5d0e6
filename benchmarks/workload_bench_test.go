package benchmarks

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network"
)

// The workload benchmarks run DHT operations one after the other on a
// network of -n nodes built once per benchmark (the preparation of its
// first round) and kept until the report is written, with its connection
// records. Every operation is planned from the seed and the round index and
// named by an explicit id, so a seed gives the same operations CSVs and
// records whatever the worker count. With -gamma > 0 the load overheads
// build up over all the rounds of a benchmark, which the network sees as one
// batch.

// workloadResult registers a benchmark of the workload group, run with p.
func workloadResult(spec Spec, p Params) *Result {
	return env.s.Result(spec, p.With(p.Config.Nodes, p.Config.Workers))
}

// sharedNetwork returns the network of a workload benchmark: built with p
// on its first run, then reused by later runs (-count) so that the
// connection records of every run land in one file.
func sharedNetwork(b *testing.B, r *Result, p Params) *dht.DHTNetwork {
	var net *dht.DHTNetwork
	timePrep(b, r, func() (err error) {
		var cached bool
		net, cached, err = Cached(env.s, r.Spec.Bench, func() (*dht.DHTNetwork, error) {
			return newNetwork(p, p.Config.Nodes, p.Config.Workers, false)
		})
		if err == nil && !cached {
			r.Records = net.WriteRecordsCSV
		}
		return err
	})
	return net
}

// reportOps reports the figures of a DAS study for the operations of this
// run: means of hops, peers contacted and accuracy, quantiles of the
// simulated delay, the timed time per operation, and the success share
// under the unit success (none when empty).
func reportOps(b *testing.B, st OpStats, what, success string) {
	if st.Ops == 0 {
		return
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(st.Ops), "ns/"+what)
	b.ReportMetric(st.Hops, "hops/"+what)
	b.ReportMetric(st.Peers, "peers/"+what)
	b.ReportMetric(st.DelayP50*1e3, "delay-p50-ms")
	b.ReportMetric(st.DelayP90*1e3, "delay-p90-ms")
	b.ReportMetric(st.DelayP99*1e3, "delay-p99-ms")
	if !math.IsNaN(st.Accuracy) {
		b.ReportMetric(100*st.Accuracy, "accuracy-%")
	}
	if success != "" {
		b.ReportMetric(100*st.Success, success)
	}
}

// runLookups runs rounds of -lookups lookups planned from stream, on net:
// to targets at random, or to random keys when targets is nil.
func runLookups(b *testing.B, r *Result, net *dht.DHTNetwork, p Params, stream string,
	targets []hashes.Key, firstOp uint64, opts dht.LookupOptions) {
	first := len(r.Lookups)
	var tasks []LookupTask
	runRounds(b, r, roundFuncs{
		prep: func(round int) error {
			rng := RoundRand(p.Config.Network.Seed, stream, round)
			tasks = PlanLookups(rng, p.Config.Nodes, p.Bench.Lookups, targets, firstOp+uint64(round*p.Bench.Lookups))
			return nil
		},
		task: func(round int) error {
			for _, t := range tasks {
				start := time.Now()
				o := opts
				o.Op = t.Op
				res, err := net.Lookup(t.Origin, t.Key, o)
				if err != nil {
					return err
				}
				r.Lookups = append(r.Lookups, LookupOp{Round: round, Op: t.Op, Wall: time.Since(start), Summary: res.Summary})
			}
			return nil
		},
	})
	success := ""
	if r.ValueLookups {
		success = "found-%"
	}
	reportOps(b, SummarizeLookups(r.Lookups[first:], r.ValueLookups), "lookup", success)
}

// BenchmarkLookup looks up random keys from random nodes, with accuracy
// tracked: a round is -lookups lookups.
func BenchmarkLookup(b *testing.B) {
	p := env.p
	r := workloadResult(Spec{Bench: "BenchmarkLookup", Group: "workload", Name: "lookup"}, p)
	net := sharedNetwork(b, r, p)
	first := len(r.Lookups)
	runLookups(b, r, net, p, "lookup", nil, 1, dht.LookupOptions{TrackAccuracy: true})
	if len(r.Timeline) == 0 {
		keepTimeline(b, r, net, r.Lookups[first:min(first+timelineLookups, len(r.Lookups))])
	}
}

// timelineLookups is the number of lookups the timeline chart draws.
const timelineLookups = 6

// keepTimeline keeps the records of ops for the timeline chart.
func keepTimeline(b *testing.B, r *Result, net *dht.DHTNetwork, ops []LookupOp) {
	recs, err := net.Records()
	if err != nil {
		b.Errorf("timeline: %v", err)
		return
	}
	byOp := map[uint64][]network.Record{}
	for _, rec := range recs {
		byOp[rec.Op] = append(byOp[rec.Op], rec)
	}
	for _, o := range ops {
		r.Timeline = append(r.Timeline, TimelineLookup{Op: o.Op, Reason: o.Summary.Reason.String(), Records: byOp[o.Op]})
	}
}

// BenchmarkProvide provides -segments random segments of -segment-size
// bytes per round from one builder node drawn per round (the DAS builder),
// with the accuracy of each provide's lookup tracked.
func BenchmarkProvide(b *testing.B) {
	p := env.p
	r := workloadResult(Spec{Bench: "BenchmarkProvide", Group: "workload", Name: "provide"}, p)
	net := sharedNetwork(b, r, p)
	first := len(r.Provides)
	var builder uint32
	var segs [][]byte
	runRounds(b, r, roundFuncs{
		prep: func(round int) error {
			rng := RoundRand(p.Config.Network.Seed, "provide", round)
			builder = uint32(rng.IntN(p.Config.Nodes))
			segs = PlanSegments(rng, p.Bench.Segments, p.Bench.SegmentSize)
			return nil
		},
		task: func(round int) error {
			ops, err := provideAll(net, builder, segs, uint64(round*p.Bench.Segments+1), round)
			r.Provides = append(r.Provides, ops...)
			return err
		},
	})
	reportOps(b, SummarizeProvides(r.Provides[first:]), "provide", "stored-%")
}

// provideAll provides segs from builder, numbering operations from firstOp.
func provideAll(net *dht.DHTNetwork, builder uint32, segs [][]byte, firstOp uint64, round int) ([]ProvideOp, error) {
	ops := make([]ProvideOp, 0, len(segs))
	for i, seg := range segs {
		op := firstOp + uint64(i)
		start := time.Now()
		s, err := net.Provide(builder, seg, dht.ProvideOptions{TrackAccuracy: true, Op: op})
		if err != nil {
			return ops, err
		}
		ops = append(ops, ProvideOp{Round: round, Op: op, Wall: time.Since(start), Summary: s})
	}
	return ops, nil
}

// retrieveSetup is the network of BenchmarkRetrieve, with the keys of the
// segments provided on it.
type retrieveSetup struct {
	net  *dht.DHTNetwork
	keys []hashes.Key
}

// BenchmarkRetrieve is the retrieval half of a DAS study: a builder
// provides -segments segments (the preparation, written to the
// setup_provides CSV), the metrics are reset, then each round random nodes
// look up -lookups of those segments at random, stopping at the first
// value, with accuracy tracked.
func BenchmarkRetrieve(b *testing.B) {
	p := env.p
	r := workloadResult(Spec{Bench: "BenchmarkRetrieve", Group: "workload", Name: "retrieve"}, p)
	r.ValueLookups = true
	var setup retrieveSetup
	timePrep(b, r, func() (err error) {
		setup, _, err = Cached(env.s, r.Spec.Bench, func() (retrieveSetup, error) {
			net, err := newNetwork(p, p.Config.Nodes, p.Config.Workers, false)
			if err != nil {
				return retrieveSetup{}, err
			}
			rng := RoundRand(p.Config.Network.Seed, "retrieve_setup", 0)
			builder := uint32(rng.IntN(p.Config.Nodes))
			segs := PlanSegments(rng, p.Bench.Segments, p.Bench.SegmentSize)
			ops, err := provideAll(net, builder, segs, 1, 0)
			if err != nil {
				return retrieveSetup{}, err
			}
			keys := make([]hashes.Key, len(segs))
			for i, seg := range segs {
				keys[i] = hashes.SegmentKey(seg)
			}
			net.ResetMetrics() // the retrievals start from clean counters and load
			r.SetupProvides = ops
			r.Records = net.WriteRecordsCSV
			return retrieveSetup{net: net, keys: keys}, nil
		})
		return err
	})
	// Retrievals are numbered after the setup's provides.
	runLookups(b, r, setup.net, p, "retrieve", setup.keys, uint64(p.Bench.Segments)+1,
		dht.LookupOptions{StopOnFirstValue: true})
}

// errorSweepRates are the fast error rates of BenchmarkLookupErrorSweep, %.
var errorSweepRates = []float64{0, 10, 20, 30, 40, 50}

// BenchmarkLookupErrorSweep is BenchmarkLookup at each fast error rate of
// errorSweepRates (the slow error rate stays -slow-error-rate): the data of
// the chart of accuracy and hops against the error rate. Every rate runs the
// same lookups, so the rates compare pair by pair.
func BenchmarkLookupErrorSweep(b *testing.B) {
	base := Spec{Bench: "BenchmarkLookupErrorSweep", Group: "workload", Name: "lookup_error_sweep"}
	for _, rate := range errorSweepRates {
		sub := fmt.Sprintf("rate=%g", rate)
		b.Run(sub, func(b *testing.B) {
			p := env.p
			p.Config.Network.FastErrorRate = rate
			if err := p.NetConfig(p.Config.Nodes).Validate(); err != nil {
				b.Skipf("fast error rate %g%% with -slow-error-rate %g%%: %v", rate, p.Config.Network.SlowErrorRate, err)
			}
			r := workloadResult(base.Sub(sub), p)
			r.ErrorRate = &rate
			net := sharedNetwork(b, r, p)
			runLookups(b, r, net, p, "lookup_error_sweep", nil, 1, dht.LookupOptions{TrackAccuracy: true})
		})
	}
}
