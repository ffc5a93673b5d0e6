package benchmarks

import (
	"slices"
	"time"

	"github.com/go-dht/go-dht/benchmarks/report"
)

// RoundStats is the reference's display of a benchmark's rounds.
type RoundStats struct {
	Rounds, Failed int
	// Prep is the total untimed preparation of the rounds.
	Prep time.Duration
	// Mean, Median, P90 describe the timed durations, in seconds.
	Mean, Median, P90 float64
}

// SummarizeRounds computes the reference's display of rounds.
func SummarizeRounds(rounds []Round) RoundStats {
	st := RoundStats{Rounds: len(rounds)}
	d := make([]float64, 0, len(rounds))
	for _, r := range rounds {
		if r.Failed {
			st.Failed++
		}
		st.Prep += r.Prep
		d = append(d, r.Duration.Seconds())
	}
	slices.Sort(d)
	st.Mean, st.Median, st.P90 = report.Mean(d), report.SortedQuantile(d, 0.5), report.SortedQuantile(d, 0.9)
	return st
}

// OpStats describes the operations of a workload benchmark: the figures of
// a DAS study.
type OpStats struct {
	Ops int
	// Hops and Peers are means per operation: the lookup's hops and its
	// connection attempts (for a provide, the attempts of the lookup and of
	// the stores).
	Hops, Peers float64
	// DelayP50/P90/P99 are quantiles of the simulated delay, in seconds
	// (for a provide, the operation delay: lookup plus stores).
	DelayP50, DelayP90, DelayP99 float64
	// Accuracy is the mean accuracy in [0, 1], NaN when not tracked.
	Accuracy float64
	// Success is the share of lookups that found the value or, for
	// provides, of the targeted peers that stored the segment, in [0, 1].
	Success float64
	// Wall is the mean wall-clock time per operation, in seconds.
	Wall float64
	// Delays are the simulated delays, in seconds, in operation order.
	Delays []float64
}

// SummarizeLookups computes the figures of lookups. Their success is the
// share that found the value when they look for stored values (values),
// and NaN otherwise.
func SummarizeLookups(ops []LookupOp, values bool) OpStats {
	st := OpStats{Ops: len(ops), Delays: make([]float64, 0, len(ops))}
	var hops, peers, wall, found []float64
	var acc []float64
	for _, o := range ops {
		s := o.Summary
		hops = append(hops, float64(s.Hops))
		peers = append(peers, float64(s.Attempts))
		wall = append(wall, o.Wall.Seconds())
		found = append(found, b2f(s.ValueFound))
		if s.HasAccuracy() {
			acc = append(acc, s.Accuracy)
		}
		st.Delays = append(st.Delays, s.Delay.Seconds())
	}
	if !values {
		found = nil // success is NaN
	}
	st.finish(hops, peers, wall, found, acc)
	return st
}

// SummarizeProvides computes the figures of provides.
func SummarizeProvides(ops []ProvideOp) OpStats {
	st := OpStats{Ops: len(ops), Delays: make([]float64, 0, len(ops))}
	var hops, peers, wall, stored []float64
	var acc []float64
	for _, o := range ops {
		s := o.Summary
		hops = append(hops, float64(s.Lookup.Hops))
		peers = append(peers, float64(s.PeersContacted))
		wall = append(wall, o.Wall.Seconds())
		if n := len(s.Stored) + len(s.Failed); n > 0 {
			stored = append(stored, float64(len(s.Stored))/float64(n))
		}
		if s.Lookup.HasAccuracy() {
			acc = append(acc, s.Lookup.Accuracy)
		}
		st.Delays = append(st.Delays, s.OperationDelay.Seconds())
	}
	st.finish(hops, peers, wall, stored, acc)
	return st
}

func (st *OpStats) finish(hops, peers, wall, success, acc []float64) {
	st.Hops, st.Peers, st.Wall, st.Success, st.Accuracy = report.Mean(hops), report.Mean(peers), report.Mean(wall), report.Mean(success), report.Mean(acc)
	sorted := slices.Clone(st.Delays)
	slices.Sort(sorted)
	st.DelayP50 = report.SortedQuantile(sorted, 0.5)
	st.DelayP90 = report.SortedQuantile(sorted, 0.9)
	st.DelayP99 = report.SortedQuantile(sorted, 0.99)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
