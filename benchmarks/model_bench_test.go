package benchmarks

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/go-dht/go-dht/benchmarks/param"
	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/network/clock"
)

// The benchmarks of the simulated-time model: the event engine, lookups
// interleaved on one shared clock with load, the sweep of alpha against the
// termination rules, and the das-research study under the py-dht profile.

// arrivals draws count start times of a Poisson process of rate per
// simulated second, from the seed and a stream.
func arrivals(seed uint64, stream string, round, count int, rate float64) []time.Duration {
	rng := RoundRand(seed, stream, round)
	out := make([]time.Duration, count)
	t := 0.0
	for i := range out {
		t += rng.ExpFloat64() / rate
		out[i] = time.Duration(t * float64(time.Second))
	}
	return out
}

// BenchmarkEngine measures the clock of simulated time, on one goroutine:
// queue holds 1,000 pending timer events and replaces each one it pops
// with another at a random later time (the classic hold model), the cost
// of the clock alone; lookups runs -lookups lookups arriving at 1,000 per
// simulated second on the shared clock of a -n network, each request an
// arrival event and a reply event, the cost of the whole engine with the
// DHT work (table reads, merges) it drives. Both report events/s.
func BenchmarkEngine(b *testing.B) {
	p := env.p
	base := Spec{Bench: "BenchmarkEngine", Group: "workload", Name: "engine"}
	b.Run("queue", func(b *testing.B) {
		r := env.s.Result(base.Sub("queue"), p.With(p.Config.Nodes, 1))
		const pending, pops = 1000, 1_000_000
		var q clock.Queue[event3]
		rng := rand.New(rand.NewPCG(p.Config.Network.Seed, 1))
		runRounds(b, r, roundFuncs{task: func(int) error {
			q.Reset()
			for i := range pending {
				q.Push(time.Duration(rng.Uint64()>>44), event3{uint32(i), 0, 0})
			}
			for range pops {
				at, ev := q.Pop()
				q.Push(at+time.Duration(rng.Uint64()>>44), ev)
			}
			return nil
		}})
		reportRate(b, r, "events/s", pops)
	})
	b.Run("lookups", func(b *testing.B) {
		r := env.s.Result(base.Sub("lookups"), p.With(p.Config.Nodes, 1))
		var net *dht.DHTNetwork
		timePrep(b, r, func() (err error) {
			net, err = newNetwork(p, p.Config.Nodes, p.Config.Workers, true)
			return err
		})
		var tasks []LookupTask
		var starts []time.Duration
		var events uint64
		runRounds(b, r, roundFuncs{
			prep: func(round int) error {
				tasks = PlanLookups(RoundRand(p.Config.Network.Seed, "engine", round), p.Config.Nodes, p.Bench.Lookups, nil, uint64(round*p.Bench.Lookups+1))
				starts = arrivals(p.Config.Network.Seed, "engine", round, p.Bench.Lookups, 1000)
				return nil
			},
			task: func(int) error {
				run := net.NewRun()
				for i, t := range tasks {
					if err := run.Lookup(starts[i], t.Origin, t.Key, dht.LookupOptions{Op: t.Op}, nil); err != nil {
						return err
					}
				}
				err := run.Run(context.Background())
				events += run.Events()
				return err
			},
		})
		reportRate(b, r, "events/s", int(events)/max(1, b.N))
	})
}

// event3 is an event of the size of the engine's own.
type event3 [3]uint32

// reportRate reports perRound operations per round of the timed rounds
// as a rate with the given unit, and keeps it in the result.
func reportRate(b *testing.B, r *Result, unit string, perRound int) {
	if b.N == 0 || b.Elapsed() == 0 {
		return
	}
	rate := float64(perRound) * float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(rate, unit)
	r.SetMetric(unit, rate)
}

// BenchmarkLookupShared runs -throughput-lookups lookups for random keys
// arriving at 1,000 per simulated second on one shared clock of a
// network of 10,000 nodes, with the load model on (-gamma, or 1ms when
// -gamma is 0): lookups that overlap slow each other down. One goroutine;
// it reports lookups/s of wall time and the simulated delay.
func BenchmarkLookupShared(b *testing.B) {
	const n = 10_000
	b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
		p := env.p
		if p.Config.Network.Gamma == 0 {
			p.Config.Network.Gamma = time.Millisecond
		}
		r := env.s.Result(Spec{Bench: "BenchmarkLookupShared/n=10000", Group: "workload", Name: "lookup_shared_n10000"}, p.With(n, 1))
		var net *dht.DHTNetwork
		timePrep(b, r, func() (err error) {
			net, err = newNetwork(p, n, p.Config.Workers, true)
			return err
		})
		count := p.Bench.ThroughputLookups
		var tasks []LookupTask
		var starts []time.Duration
		first := len(r.Lookups)
		runRounds(b, r, roundFuncs{
			prep: func(round int) error {
				tasks = PlanLookups(RoundRand(p.Config.Network.Seed, "lookup_shared", round), n, count, nil, uint64(round*count+1))
				starts = arrivals(p.Config.Network.Seed, "lookup_shared", round, count, 1000)
				return nil
			},
			task: func(round int) error {
				run := net.NewRun()
				for i, t := range tasks {
					if err := run.Lookup(starts[i], t.Origin, t.Key, dht.LookupOptions{Op: t.Op}, func(res dht.LookupResult) {
						r.Lookups = append(r.Lookups, LookupOp{Round: round, Op: res.Summary.Op, Summary: res.Summary})
					}); err != nil {
						return err
					}
				}
				return run.Run(context.Background())
			},
		})
		reportRate(b, r, "lookups/s", count)
		st := SummarizeLookups(r.Lookups[first:], false)
		b.ReportMetric(st.Peers, "peers/lookup")
		b.ReportMetric(st.DelayP50*1e3, "delay-p50-ms")
		b.ReportMetric(st.DelayP90*1e3, "delay-p90-ms")
	})
}

// alphaSweep are the alphas of BenchmarkLookupAlphaSweep.
var alphaSweep = []int{1, 2, 3, 5, 10}

// BenchmarkLookupAlphaSweep runs the same -lookups lookups for random keys
// at alpha 1, 2, 3, 5 and 10 under each termination rule (sub-benchmarks
// rule=R/alpha=A), with accuracy tracked: peers contacted, abandoned
// requests, simulated delay p50/p90 and accuracy against alpha, the data
// of the alpha-sweep chart.
func BenchmarkLookupAlphaSweep(b *testing.B) {
	base := Spec{Bench: "BenchmarkLookupAlphaSweep", Group: "workload", Name: "lookup_alpha_sweep"}
	for _, rule := range lookup.Rules() {
		for _, alpha := range alphaSweep {
			sub := fmt.Sprintf("rule=%s/alpha=%d", rule, alpha)
			b.Run(sub, func(b *testing.B) {
				p := env.p
				p.Config.Client.Alpha = alpha
				p.Config.Client.Termination, _ = lookup.ParseRule(rule)
				if p.Config.Profile == dht.ProfilePyDHT && p.Config.Client.Termination != lookup.PyDHT {
					b.Skipf("the py-dht profile has one rule, pydht")
				}
				r := workloadResult(base.Sub("rule="+rule).Sub(fmt.Sprintf("alpha=%d", alpha)), p)
				r.Sweep = &SweepPoint{Alpha: alpha, Rule: rule}
				var net *dht.DHTNetwork
				timePrep(b, r, func() (err error) {
					net, err = newNetwork(p, p.Config.Nodes, p.Config.Workers, true)
					return err
				})
				first := len(r.Lookups)
				runLookups(b, r, net, p, "lookup_alpha_sweep", nil, 1, dht.LookupOptions{TrackAccuracy: true})
				ab := 0.0
				for _, o := range r.Lookups[first:] {
					ab += float64(o.Summary.Abandoned)
				}
				b.ReportMetric(ab/float64(max(1, len(r.Lookups)-first)), "abandoned/lookup")
			})
		}
	}
}

// The das-research DHT study (PR #52 of codex-storage/das-research,
// DHT/dhtRetrievals.py, configuration dhtSmallConf.py) and what py-dht
// published for it.
const (
	dasNodes, dasRetrievers, dasSamples = 12_000, 100, 100
	// dasPublishedPeers and dasPublishedDelayMs are the means py-dht
	// printed: connection attempts per retrieval, and simulated delay.
	dasPublishedPeers, dasPublishedDelayMs = 8.72, 318.3
)

// dasParams returns the study's parameters: the py-dht profile's (k 20,
// alpha 3, beta k, 3 steps, its rule and fill), 12,000 nodes, 10 % fast
// errors, no slow errors, connections of 50-75 ms, fast errors of
// 50-100 ms, gamma 0.125 ms.
func dasParams(seed uint64, workers int) Params {
	p := Params{param.Defaults(dht.ProfilePyDHT, param.Retrieval)}
	n := &p.Config.Network
	n.Seed, n.FastErrorRate = seed, 10
	n.ConnDelay = network.DelayRange{Min: 50 * time.Millisecond, Max: 75 * time.Millisecond}
	n.FastDelay = network.DelayRange{Min: 50 * time.Millisecond, Max: 100 * time.Millisecond}
	n.Gamma = 125 * time.Microsecond
	return p.With(dasNodes, workers)
}

// dasConfig returns the study's network configuration (dasParams),
// keeping no records.
func dasConfig(seed uint64, workers int) dht.Config {
	cfg := dasParams(seed, workers).NetConfig(dasNodes)
	cfg.Network.DiscardRecords = true
	return cfg
}

// BenchmarkDASRetrievalStudy runs das-research's DHT retrieval study under
// the py-dht profile, as py-dht ran it: 12,000 nodes; a random builder
// provides 100 samples; the metrics are reset; 100 random retrievers each
// look up the 100 samples, stopping at the first value. A round is the
// whole study, network build included. It reports the means py-dht
// published (8.72 peers contacted, 318.3 ms of simulated delay per
// retrieval) next to its own. -seed changes the network and the draws; the
// other flags do not apply: its rows carry the study's parameters.
// Round r runs with seed -seed + r (RoundSeeds).
func BenchmarkDASRetrievalStudy(b *testing.B) {
	p := env.p
	r := workloadResult(Spec{Bench: "BenchmarkDASRetrievalStudy", Group: "workload", Name: "das_retrieval_study"},
		dasParams(p.Config.Network.Seed, p.Config.Workers))
	r.ValueLookups = true
	r.RoundSeeds = true
	first := len(r.Lookups)
	runRounds(b, r, roundFuncs{task: func(round int) error {
		seed := p.Config.Network.Seed + uint64(round)
		net, err := dht.New(dasConfig(seed, p.Config.Workers))
		if err != nil {
			return err
		}
		rng := RoundRand(seed, "das_retrieval_study", round)
		builder := uint32(rng.IntN(dasNodes))
		keys := make([]hashes.Key, dasSamples)
		for i := range keys {
			content := fmt.Sprintf("sample %d", i)
			keys[i] = hashes.SegmentKeyString(content)
			start := time.Now()
			s, err := net.Provide(builder, []byte(content), dht.ProvideOptions{Op: uint64(i + 1)})
			if err != nil {
				return err
			}
			r.SetupProvides = append(r.SetupProvides, ProvideOp{Round: round, Op: s.Op, Wall: time.Since(start), Summary: s})
		}
		net.ResetMetrics()
		op := uint64(dasSamples + 1)
		for range dasRetrievers {
			retriever := uint32(rng.IntN(dasNodes))
			for retriever == builder {
				retriever = uint32(rng.IntN(dasNodes))
			}
			for _, key := range keys {
				start := time.Now()
				res, err := net.Lookup(retriever, key, dht.LookupOptions{StopOnFirstValue: true, Op: op})
				if err != nil {
					return err
				}
				r.Lookups = append(r.Lookups, LookupOp{Round: round, Op: op, Wall: time.Since(start), Summary: res.Summary})
				op++
			}
		}
		return nil
	}})
	st := SummarizeLookups(r.Lookups[first:], true)
	var mean float64
	for _, d := range st.Delays {
		mean += d
	}
	mean /= float64(max(1, len(st.Delays)))
	b.ReportMetric(st.Peers, "peers/lookup")
	b.ReportMetric(dasPublishedPeers, "pydht-peers/lookup")
	b.ReportMetric(mean*1e3, "delay-mean-ms")
	b.ReportMetric(dasPublishedDelayMs, "pydht-delay-mean-ms")
	b.ReportMetric(100*st.Success, "found-%")
	r.SetMetric("peers/lookup", st.Peers)
	r.SetMetric("delay-mean-ms", mean*1e3)
}
