package benchmarks

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/hashes"
)

// benchEnv is what the benchmarks read: the run's parameters and the suite
// that collects their results. TestMain fills it from the flags; tests swap
// in their own to run benchmarks on small networks.
type benchEnv struct {
	p   Params
	s   *Suite
	rep *Report // where finished benchmarks write their files; nil writes nothing
}

// finish marks a benchmark's result finished and writes its files.
// runRounds calls it when the rounds are over (or a round failed fatally):
// a result's own files hold only what its rounds measured.
func (e benchEnv) finish(b *testing.B, r *Result) {
	e.s.Finish(r)
	if e.rep == nil {
		return
	}
	if _, err := e.rep.WriteResult(r); err != nil {
		b.Errorf("%s: report: %v", r.Spec.Bench, err)
	}
}

var env benchEnv

// roundFuncs are the parts of one round of a benchmark.
type roundFuncs struct {
	// prep runs untimed before the task; nil for none.
	prep func(round int) error
	// task is timed: its duration is the round's.
	task func(round int) error
	// after runs untimed after the task (measurements); nil for none.
	after func(round int) error
}

// fail reports a failure of r's benchmark, keeping it in r.Errors (tests
// that run benchmarks through testing.Benchmark read them there), and stops
// the benchmark when fatal.
func fail(b *testing.B, r *Result, fatal bool, format string, args ...any) {
	msg := r.Spec.Bench + ": " + fmt.Sprintf(format, args...)
	r.Errors = append(r.Errors, msg)
	if fatal {
		b.Fatal(msg)
	}
	b.Error(msg)
}

// runRounds runs a benchmark's b.Loop: each iteration is one round of r
// (-benchtime=Nx gives N rounds). A failed preparation stops the benchmark;
// a failed task marks its round failed and the benchmark as failed, and the
// rounds go on, as in the reference.
func runRounds(b *testing.B, r *Result, f roundFuncs) {
	defer env.finish(b, r)
	b.ReportAllocs()
	for b.Loop() {
		round := len(r.Rounds)
		start := time.Now()
		if f.prep != nil {
			b.StopTimer()
			err := f.prep(round)
			b.StartTimer()
			if err != nil {
				fail(b, r, true, "round %d: preparation: %v", round, err)
			}
		}
		taskStart := time.Now()
		err := f.task(round)
		r.AddRound(start, taskStart, time.Now(), err != nil)
		if err != nil {
			fail(b, r, false, "round %d: %v", round, err)
		}
		if f.after != nil {
			b.StopTimer()
			err := f.after(round)
			b.StartTimer()
			if err != nil {
				fail(b, r, true, "round %d: measurement: %v", round, err)
			}
		}
	}
}

// timePrep runs a preparation shared by the rounds that follow and charges
// its time to the first of them.
func timePrep(b *testing.B, r *Result, prep func() error) {
	start := time.Now()
	if err := prep(); err != nil {
		fail(b, r, true, "preparation: %v", err)
	}
	r.AddPrep(time.Since(start))
}

// reportPerOp reports the timed time per operation of a batched benchmark,
// whose rounds each run ops operations.
func reportPerOp(b *testing.B, unit string, ops int) {
	if b.N > 0 {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(ops), unit)
	}
}

// newNetwork builds a network of n nodes with p's parameters: dht.New with
// the table building sharded over workers goroutines.
func newNetwork(p Params, n, workers int, discardRecords bool) (*dht.DHTNetwork, error) {
	cfg := p.NetConfig(n)
	cfg.Workers = workers
	cfg.Network.DiscardRecords = discardRecords
	return dht.New(cfg)
}

// spawn creates a network of n nodes without routing tables.
func spawn(p Params, n int) (*dht.DHTNetwork, error) {
	return dht.Spawn(p.NetConfig(n))
}

// bootstrap fills every table of a spawned network.
func bootstrap(net *dht.DHTNetwork, workers int) error {
	return net.BootstrapAll(context.Background(), workers)
}

// pick draws a number in [0, n) from the seed, a stream and a round, in a
// few nanoseconds: cheap enough to sit inside a timed round.
func pick(seed uint64, stream string, round, n int) int {
	mix := uint64(hashes.NodeKey(seed^uint64(hashes.SegmentKeyString(stream)), uint32(round)))
	return int(mix % uint64(n))
}
