package dht_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/dhttest"
	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/network/clock"
)

// noisy returns a network configuration with errors and random delays.
func noisy(n int, seed uint64) dht.Config {
	cfg := dhttest.Config(n, seed)
	cfg.Network.FastErrorRate, cfg.Network.SlowErrorRate = 10, 5
	cfg.Network.ConnDelay = network.DelayRange{Min: 5 * ms, Max: 120 * ms}
	cfg.Network.FastDelay = network.DelayRange{Min: ms, Max: 20 * ms}
	cfg.Network.SlowDelay = network.DelayRange{Min: 300 * ms, Max: 600 * ms}
	return cfg
}

// tasks draws lookups with explicit ids arriving every 7ms.
func tasks(n, count int, seed uint64) []dht.LookupTask {
	rng := rand.New(rand.NewPCG(seed, 1))
	out := make([]dht.LookupTask, count)
	for i := range out {
		out[i] = dht.LookupTask{Origin: uint32(rng.IntN(n)), Key: hashes.Key(rng.Uint64()),
			Options: dht.LookupOptions{Op: uint64(i + 1), Start: time.Duration(i) * 7 * ms, TrackAccuracy: i%2 == 0, StopOnFirstValue: i%3 == 0}}
	}
	return out
}

// Without a load model, lookups do not interact: run together on one
// shared clock they give exactly what they give run isolated, one by one
// or in parallel (LookupMany), results and records alike.
func TestIsolatedEqualsShared(t *testing.T) {
	cfg := noisy(2000, 9)
	ts := tasks(2000, 300, 9)

	shared := dhttest.New(t, cfg)
	run := shared.NewRun()
	got := make([]dht.LookupResult, len(ts))
	for i, task := range ts {
		if err := run.Lookup(task.Options.Start, task.Origin, task.Key, task.Options, func(r dht.LookupResult) { got[i] = r }); err != nil {
			t.Fatal(err)
		}
	}
	if err := run.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	// On the shared clock an operation's start is an event, and so are a
	// request's arrival at its remote (when it connects) and its answer or
	// error coming back.
	sum := shared.Summary()
	if want := uint64(int64(len(ts)) + sum.Attempts + sum.Successes); run.Events() != want {
		t.Fatalf("%d events, want %d: %d starts, %d attempts, %d arrivals", run.Events(), want, len(ts), sum.Attempts, sum.Successes)
	}

	alone := dhttest.New(t, cfg)
	for i, task := range ts {
		res, err := alone.Lookup(task.Origin, task.Key, task.Options)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(res) != fmt.Sprint(got[i]) {
			t.Fatalf("lookup %d:\nshared   %+v\nisolated %+v", i, got[i], res)
		}
	}
	if !bytes.Equal(dhttest.RecordsCSV(t, shared), dhttest.RecordsCSV(t, alone)) {
		t.Fatal("records differ between the shared clock and isolated lookups")
	}
	for _, workers := range []int{1, 3} {
		many := dhttest.New(t, cfg)
		i := 0
		err := many.LookupMany(context.Background(), ts, workers, func(j int, res dht.LookupResult) {
			if j != i {
				t.Fatalf("result %d handed over in place %d", j, i)
			}
			i++
			if fmt.Sprint(res) != fmt.Sprint(got[j]) {
				t.Fatalf("LookupMany(workers=%d) lookup %d differs", workers, j)
			}
		})
		if err != nil || i != len(ts) {
			t.Fatalf("LookupMany: %v after %d results", err, i)
		}
		if !bytes.Equal(dhttest.RecordsCSV(t, many), dhttest.RecordsCSV(t, shared)) {
			t.Fatalf("LookupMany(workers=%d): records differ from the shared clock", workers)
		}
	}
}

// A run of many operations on the shared clock, with load, provides and
// retrievals interleaved, writes byte-identical streamed records and
// results in every run; another seed writes others.
func TestSharedRunReproducible(t *testing.T) {
	drive := func(seed uint64, workers int) ([]byte, string) {
		cfg := noisy(1500, seed)
		cfg.Network.Gamma = 2 * ms
		cfg.Workers = workers
		net := dhttest.New(t, cfg)
		var records bytes.Buffer
		if err := net.StreamRecords(&records); err != nil {
			t.Fatal(err)
		}
		run := net.NewRun()
		var log bytes.Buffer
		for i := range 60 {
			seg := []byte(fmt.Sprintf("cell %d", i))
			at := time.Duration(i) * 3 * ms
			if err := run.Provide(at, uint32(i*13%1500), seg, dht.ProvideOptions{Op: uint64(i + 1)}, func(p dht.ProvideSummary) {
				fmt.Fprintf(&log, "provide %+v\n", p)
			}); err != nil {
				t.Fatal(err)
			}
			// A retrieval of the same cell a little later, while stores
			// are still in flight.
			if err := run.Lookup(at+40*ms, uint32(i*71%1500), hashes.SegmentKey(seg), dht.LookupOptions{Op: uint64(1000 + i), StopOnFirstValue: true},
				func(r dht.LookupResult) { fmt.Fprintf(&log, "lookup %+v\n", r) }); err != nil {
				t.Fatal(err)
			}
		}
		if err := run.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := net.FlushRecords(); err != nil {
			t.Fatal(err)
		}
		return records.Bytes(), log.String()
	}
	recs, log := drive(11, 1)
	if bytes.Count(recs, []byte("\n")) < 1000 {
		t.Fatalf("only %d records", bytes.Count(recs, []byte("\n")))
	}
	for _, workers := range []int{1, 4} {
		r2, l2 := drive(11, workers)
		if !bytes.Equal(r2, recs) || l2 != log {
			t.Fatalf("workers=%d: the same run wrote other records or results", workers)
		}
	}
	if r3, _ := drive(12, 1); bytes.Equal(r3, recs) {
		t.Fatal("seeds 11 and 12 wrote the same records")
	}
}

// With load (gamma), two lookups share time only when they overlap: a
// lookup that runs after another ends costs what it costs alone; one that
// overlaps it from the same origin costs more.
func TestLoadOnlyWhenOverlapping(t *testing.T) {
	cfg := dhttest.Config(1000, 13)
	cfg.Network.Gamma = 5 * ms
	key1, key2 := hashes.SegmentKeyString("a"), hashes.SegmentKeyString("b")
	alone := func(key hashes.Key, op uint64) dht.LookupSummary {
		net := dhttest.New(t, cfg)
		res, err := net.Lookup(7, key, dht.LookupOptions{Op: op})
		if err != nil {
			t.Fatal(err)
		}
		return res.Summary
	}
	a1, a2 := alone(key1, 1), alone(key2, 2)
	together := func(start2 time.Duration) (s1, s2 dht.LookupSummary) {
		net := dhttest.New(t, cfg)
		run := net.NewRun()
		run.Lookup(0, 7, key1, dht.LookupOptions{Op: 1}, func(r dht.LookupResult) { s1 = r.Summary })
		run.Lookup(start2, 7, key2, dht.LookupOptions{Op: 2}, func(r dht.LookupResult) { s2 = r.Summary })
		if err := run.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		return s1, s2
	}
	// Far apart: each as alone (the second's start differs, not its delay).
	s1, s2 := together(a1.Delay + time.Second)
	if s1.Delay != a1.Delay || s2.Delay != a2.Delay || s2.Attempts != a2.Attempts {
		t.Fatalf("apart: delays %v, %v; alone %v, %v", s1.Delay, s2.Delay, a1.Delay, a2.Delay)
	}
	// Together: the origin carries both lookups' requests.
	s1, s2 = together(0)
	if s1.Delay <= a1.Delay || s2.Delay <= a2.Delay {
		t.Fatalf("overlapping: delays %v, %v; alone %v, %v; want both slower", s1.Delay, s2.Delay, a1.Delay, a2.Delay)
	}
}

// Gamma is charged once per attempt: gamma times the other requests each
// endpoint has in flight when it starts. With alpha = 3 and a constant
// delay, the origin's three first requests see 0, 1 and 2 others.
func TestGammaLoadModel(t *testing.T) {
	const d, gamma = 10 * ms, ms
	cfg := dhttest.Config(1000, 14)
	cfg.Network.Gamma = gamma
	net := dhttest.New(t, cfg)
	if _, err := net.Lookup(3, hashes.SegmentKeyString("load"), dht.LookupOptions{Op: 1}); err != nil {
		t.Fatal(err)
	}
	recs := dhttest.Records(t, net)
	for i, r := range recs[:3] {
		if r.Start != 0 || r.OriginOverhead != time.Duration(i)*gamma || r.RemoteOverhead != 0 ||
			r.TotalDelay() != 2*d+time.Duration(i)*gamma {
			t.Fatalf("request %d: %+v; want start 0, origin overhead %v, no remote overhead, cost 2d + overhead", i, r, time.Duration(i)*gamma)
		}
	}
}

// A run refuses what it cannot do right: a start in its past, an id a
// running operation holds, and a simulated time past clock.MaxTime.
func TestRunErrors(t *testing.T) {
	net := dhttest.New(t, dhttest.Config(300, 15))
	run := net.NewRun()
	if err := run.At(time.Second, func() {}); err != nil {
		t.Fatal(err)
	}
	if err := run.RunUntil(context.Background(), 2*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := run.Lookup(time.Second, 1, 5, dht.LookupOptions{}, nil); !errors.Is(err, dht.ErrPastStart) {
		t.Errorf("lookup in the past: %v, want ErrPastStart", err)
	}
	run = net.NewRun()
	run.Lookup(0, 1, 5, dht.LookupOptions{Op: 9}, nil)
	run.Lookup(0, 2, 6, dht.LookupOptions{Op: 9}, nil)
	if err := run.Run(context.Background()); !errors.Is(err, network.ErrOpInUse) {
		t.Errorf("two running operations with id 9: %v, want ErrOpInUse", err)
	}
	if err := net.NewRun().Lookup(0, 1, 5, dht.LookupOptions{Op: network.AutoOpBit | 3}, nil); err == nil {
		t.Error("an id with the automatic bit set was accepted")
	}

	cfg := dhttest.Config(300, 15)
	cfg.Network.SlowErrorRate = 100
	cfg.Network.SlowDelay = network.Fixed(network.MaxDelay)
	slow := dhttest.New(t, cfg)
	_, err := slow.Lookup(1, 5, dht.LookupOptions{Start: clock.MaxTime - time.Minute})
	if !errors.Is(err, dht.ErrTimeOverflow) {
		t.Errorf("a lookup past the end of time: %v, want ErrTimeOverflow", err)
	}
	if _, err := slow.Lookup(1, 5, dht.LookupOptions{Start: clock.MaxTime + 1}); !errors.Is(err, dht.ErrPastStart) {
		t.Errorf("a start past MaxTime: %v", err)
	}
}

// At callbacks run at their simulated time, in order, and may schedule
// more work; RunUntil stops at a time and moves the clock there.
func TestAtAndRunUntil(t *testing.T) {
	net := dhttest.New(t, dhttest.Config(200, 16))
	run := net.NewRun()
	var log []string
	run.At(30*ms, func() { log = append(log, fmt.Sprint("b@", run.Now())) })
	run.At(10*ms, func() {
		log = append(log, fmt.Sprint("a@", run.Now()))
		run.Lookup(run.Now(), 1, 77, dht.LookupOptions{}, func(r dht.LookupResult) {
			log = append(log, fmt.Sprint("lookup@", run.Now()))
		})
	})
	if err := run.RunUntil(context.Background(), 20*ms); err != nil {
		t.Fatal(err)
	}
	if run.Now() != 20*ms || !slices.Equal(log, []string{"a@10ms"}) {
		t.Fatalf("at %v: %v", run.Now(), log)
	}
	if err := run.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(log) != 3 || log[1] != "b@30ms" {
		t.Fatalf("log %v", log)
	}
}

// A run under WithProgress reports, on its own goroutine, how far it has
// come: its events, simulated time and operations, the last report
// counting every operation finished.
func TestRunReportsProgress(t *testing.T) {
	net := dhttest.New(t, dhttest.Config(300, 1))
	var reports []dht.RunProgress
	ctx := dht.WithProgress(context.Background(), func(p dht.RunProgress) { reports = append(reports, p) })
	run := net.NewRun()
	const lookups = 2000
	for i := range lookups {
		if err := run.Lookup(time.Duration(i)*time.Millisecond, uint32(i%300), hashes.Key(i)*0x9e3779b97f4a7c15, dht.LookupOptions{Op: uint64(i + 1)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := run.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if len(reports) < 2 {
		t.Fatalf("%d reports of a run of %d events", len(reports), run.Events())
	}
	for i, p := range reports[1:] {
		if q := reports[i]; p.Events < q.Events || p.Now < q.Now || p.Finished < q.Finished {
			t.Errorf("report %d went back: %+v after %+v", i+1, p, q)
		}
	}
	last := reports[len(reports)-1]
	if last.Started != lookups || last.Finished != lookups || last.Events != run.Events() || last.Now != run.Now() {
		t.Errorf("last report %+v, want %d operations finished at event %d, time %v", last, lookups, run.Events(), run.Now())
	}
}
