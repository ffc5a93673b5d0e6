package benchmarks

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/go-dht/go-dht/benchmarks/report"
	"github.com/go-dht/go-dht/benchmarks/study"
	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/workload"
)

// slotStudy is the study whose slot BenchmarkSlot runs: PANDAS's
// parameters (512 x 512 cells of 560 B, 75 samples, 4 s, 10 %
// adversarial, churn, a 500 Mbit/s builder, EIP-7870 attesters).
const slotStudy = "study/examples/pandas.yaml"

// slotSizes are the network sizes of BenchmarkSlot: every node runs a
// validator.
var slotSizes = []int{10_000, 20_000}

// BenchmarkSlot runs the DAS slot of study/examples/pandas.yaml at 10,000
// and 20,000 nodes (validators = nodes), with -slot only: each takes
// minutes and several GiB. A round is one slot on a network built for it
// (untimed). It reports the wall time of the slot, the peak heap, the
// engine's events per second, the share of validators that succeeded,
// the sample delays (p50, p99, of the samples that found their cell), when
// the builder's last byte had left, and the bytes the busiest node sent.
func BenchmarkSlot(b *testing.B) {
	p := env.p
	base := Spec{Bench: "BenchmarkSlot", Group: "workload", Name: "slot"}
	for _, n := range slotSizes {
		sz := fmt.Sprintf("n=%d", n)
		b.Run(sz, func(b *testing.B) {
			if !p.Bench.Slot {
				b.Skip("BenchmarkSlot runs with -slot only (a PANDAS-scale slot: minutes and several GiB)")
			}
			c, err := slotCombination(n)
			if err != nil {
				b.Fatal(err)
			}
			benchSlot(b, base.Sub(sz), p, c)
		})
	}
}

// slotCombination returns the combination of slotStudy at n nodes, each a
// validator.
func slotCombination(n int) (study.Combination, error) {
	s, err := study.Load(slotStudy)
	if err != nil {
		return study.Combination{}, err
	}
	c := s.Combination(0)
	c.Params.Config.Nodes, c.Params.Workload.Slot.Validators = n, n
	return c, nil
}

// SlotStats are the figures of one slot of BenchmarkSlot.
type SlotStats struct {
	Wall                   time.Duration
	PeakHeap               uint64
	Events                 uint64
	Success                float64 // share of the validators present
	SampleP50, SampleP99   time.Duration
	BuilderUpload          time.Duration
	BusiestSent            int64
	Validators, SamplesRun int
}

// benchSlot runs c's slot once per round, on a network built for the
// round, and reports the figures of the last round.
func benchSlot(b *testing.B, spec Spec, p Params, c study.Combination) {
	// The study's parameters, the flags' workers: what the rows say.
	q := Params{c.Params}.With(c.Params.Config.Nodes, p.Config.Workers)
	r := env.s.Result(spec, q)
	cfg, err := q.Build()
	if err != nil {
		fail(b, r, true, "configuration: %v", err)
	}
	cfg.Network.DiscardRecords = true // 10^8 records would not fit
	sl := c.Params.Workload.Slot
	seed := c.Params.Config.Network.Seed
	var net *dht.DHTNetwork
	var st SlotStats
	runRounds(b, r, roundFuncs{
		prep: func(int) error {
			net = nil
			runtime.GC()
			net, err = dht.New(cfg)
			runtime.GC()
			return err
		},
		task: func(int) error {
			peak := StartPeakSampler(time.Millisecond)
			start := time.Now()
			res, err := sl.Run(context.Background(), net, seed, workload.SlotOutput{})
			st.Wall = time.Since(start)
			st.PeakHeap = peak.Stop()
			if err != nil {
				return err
			}
			st = slotStats(st, res)
			return nil
		},
	})
	runtime.KeepAlive(net)
	if b.N == 0 || st.Events == 0 {
		return
	}
	for unit, v := range map[string]float64{
		"wall-s":           st.Wall.Seconds(),
		"peak-heap-MiB":    float64(st.PeakHeap) / (1 << 20),
		"events/s":         float64(st.Events) / st.Wall.Seconds(),
		"success-%":        100 * st.Success,
		"sample-p50-ms":    float64(st.SampleP50) / 1e6,
		"sample-p99-ms":    float64(st.SampleP99) / 1e6,
		"builder-upload-s": st.BuilderUpload.Seconds(),
		"busiest-sent-MB":  float64(st.BusiestSent) / 1e6,
	} {
		r.SetMetric(unit, v)
		b.ReportMetric(v, unit)
	}
}

// slotStats gathers the figures of a slot's result into st (its wall time
// and peak heap already set).
func slotStats(st SlotStats, res *workload.SlotResult) SlotStats {
	st.Events = res.Events
	st.Success = float64(res.Verdict.Succeeded) / float64(res.Verdict.Validators)
	st.Validators, st.SamplesRun = res.Verdict.Validators, res.Samples
	// The quantiles of the study's summary (report.Describe).
	d := make([]float64, len(res.SampleDelays))
	for i, x := range res.SampleDelays {
		d[i] = x.Seconds()
	}
	if q := report.Describe(d); q.N > 0 {
		st.SampleP50 = time.Duration(q.P50 * float64(time.Second))
		st.SampleP99 = time.Duration(q.P99 * float64(time.Second))
	}
	st.BuilderUpload = res.BuilderUploadEnd
	st.BusiestSent = 0
	for _, l := range res.Loads {
		st.BusiestSent = max(st.BusiestSent, l.SentBytes)
	}
	return st
}

// BenchmarkSlot's body on a small slot of pandas.yaml (400 nodes, 16 x 16
// cells): the round runs and every figure is reported, the events and the
// heap measured, the success a share, the busiest node's bytes counted
// (bandwidth is on).
func TestBenchmarkSlotReportsItsFigures(t *testing.T) {
	c, err := slotCombination(400)
	if err != nil {
		t.Fatal(err)
	}
	c.Params.Workload.Slot.Rows, c.Params.Workload.Slot.Cols, c.Params.Workload.Slot.ProvidesInFlight = 16, 16, 256
	p := smallParams()
	p.Bench.Slot = true
	spec := Spec{Bench: "BenchmarkSlot/n=400", Group: "workload", Name: "slot_n400"}
	results := runBenchmarks(t, p, 1, func(b *testing.B) { benchSlot(b, spec, env.p, c) }).Results()
	if len(results) != 1 {
		t.Fatalf("%d results", len(results))
	}
	m := results[0].Metrics
	for _, unit := range []string{"wall-s", "peak-heap-MiB", "events/s", "builder-upload-s", "busiest-sent-MB", "sample-p50-ms"} {
		if !(m[unit] > 0) {
			t.Errorf("%s = %v, want above 0", unit, m[unit])
		}
	}
	if s := m["success-%"]; !(s >= 0 && s <= 100) {
		t.Errorf("success %v%%", s)
	}
	if m["sample-p99-ms"] < m["sample-p50-ms"] {
		t.Errorf("sample p99 %v ms below p50 %v ms", m["sample-p99-ms"], m["sample-p50-ms"])
	}
}
