package dht_test

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/dhttest"
	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network"
)

// pyConfig is a py-dht profile network with errors and whole-ms delays.
func pyConfig(n int, seed uint64) dht.Config {
	cfg := dhttest.Config(n, seed)
	cfg.Profile = dht.ProfilePyDHT
	cfg.Network.FastErrorRate = 10
	cfg.Network.ConnDelay = network.DelayRange{Min: 50 * ms, Max: 75 * ms}
	cfg.Network.FastDelay = network.DelayRange{Min: 50 * ms, Max: 100 * ms}
	return cfg
}

// The py-dht pipeline, rebuilt from a lookup's records: alpha requests go
// out, then the pending one with the smallest cost (ties: first sent) is
// read and charged to the least loaded slot, and one more goes out, in
// turn; the lookup's delay is the fullest slot; what is pending at the end
// is abandoned. Every record's times and the summary must match.
func TestPyDHTPipeline(t *testing.T) {
	for _, alpha := range []int{1, 3, 5} {
		cfg := pyConfig(2000, 31)
		cfg.Client.Alpha = alpha
		cfg.Network.Gamma = 125 * time.Microsecond
		net := dhttest.New(t, cfg)
		rng := rand.New(rand.NewPCG(31, uint64(alpha)))
		abandonedIsAlphaMinus1 := 0
		for i := range 80 {
			start := time.Duration(i) * time.Second
			res, err := net.Lookup(uint32(rng.IntN(net.Len())), hashes.Key(rng.Uint64()), dht.LookupOptions{Op: uint64(i + 1), Start: start})
			if err != nil {
				t.Fatal(err)
			}
			s := res.Summary
			checkSummary(t, s)
			recs := dhttest.ByOp(dhttest.Records(t, net))[uint64(i+1)]
			type pend struct {
				cost time.Duration
				i    int
			}
			var pending []pend
			slots := make([]time.Duration, alpha)
			sent, read := 0, 0
			for read < s.Finished {
				for len(pending) < alpha && sent < len(recs) {
					pending = append(pending, pend{recs[sent].TotalDelay(), sent})
					sent++
				}
				slices.SortStableFunc(pending, func(a, b pend) int { return cmp.Compare(a.cost, b.cost) })
				p := pending[0]
				pending = pending[1:]
				best := 0
				for j := range slots {
					if slots[j] < slots[best] {
						best = j
					}
				}
				r := recs[p.i]
				if r.Start != start+slots[best] || r.Abandoned {
					t.Fatalf("alpha %d lookup %d: attempt %d starts at %v, py-dht's slot %d is at %v", alpha, i, p.i, r.Start, best, start+slots[best])
				}
				slots[best] += p.cost
				read++
			}
			if sent != s.Attempts && sent+len(pending) != s.Attempts {
				t.Fatalf("alpha %d lookup %d: rebuilt %d sends, summary %d attempts", alpha, i, sent, s.Attempts)
			}
			if s.Delay != slices.Max(slots) {
				t.Fatalf("alpha %d lookup %d: delay %v, fullest slot %v", alpha, i, s.Delay, slices.Max(slots))
			}
			if s.Abandoned == alpha-1 {
				abandonedIsAlphaMinus1++
			}
			for _, r := range recs[:s.Attempts] {
				if r.BaseDelay%ms != 0 {
					t.Fatalf("base delay %v is not whole milliseconds", r.BaseDelay)
				}
			}
		}
		// py-dht reports attempts - finished = alpha - 1 for a lookup ended
		// by its rule (the common case).
		if abandonedIsAlphaMinus1 < 40 {
			t.Errorf("alpha %d: only %d of 80 lookups abandoned alpha-1 requests", alpha, abandonedIsAlphaMinus1)
		}
	}
}

// py-dht's gamma: the origin's counter rises once per lookup, a remote's
// once per request, until the metrics are reset; the overhead is gamma
// times the counter, this use included.
func TestPyDHTGammaCounters(t *testing.T) {
	const gamma = ms
	cfg := pyConfig(1000, 32)
	cfg.Network.FastErrorRate = 0
	cfg.Network.Gamma = gamma
	net := dhttest.New(t, cfg)
	uses := map[uint32]int{}
	for round := 1; round <= 3; round++ {
		if _, err := net.Lookup(7, hashes.SegmentKeyString(fmt.Sprint(round)), dht.LookupOptions{Op: uint64(round)}); err != nil {
			t.Fatal(err)
		}
		for _, r := range dhttest.ByOp(dhttest.Records(t, net))[uint64(round)] {
			uses[r.To]++
			if r.OriginOverhead != time.Duration(round)*gamma || r.RemoteOverhead != time.Duration(uses[r.To])*gamma {
				t.Fatalf("round %d attempt %d: overheads %v, %v; want %v, %v", round, r.Attempt, r.OriginOverhead, r.RemoteOverhead,
					time.Duration(round)*gamma, time.Duration(uses[r.To])*gamma)
			}
			if r.TotalDelay() != 2*r.BaseDelay+r.TotalOverhead() {
				t.Fatalf("cost %v, want 2 x base + overheads", r.TotalDelay())
			}
		}
	}
	if got := net.Links().Overhead(7); got != 3*gamma {
		t.Fatalf("origin overhead %v after 3 lookups, want 3 gamma", got)
	}
	net.ResetMetrics()
	if got := net.Links().Overhead(7); got != 0 {
		t.Fatalf("after ResetMetrics: %v", got)
	}
}

// py-dht draws a fast error, then, independently, a slow one: with 50 % and
// 50 %, half the attempts are refused and a quarter time out.
func TestPyDHTErrorDraws(t *testing.T) {
	cfg := pyConfig(1000, 33)
	cfg.Network.FastErrorRate, cfg.Network.SlowErrorRate = 50, 50
	cfg.Network.SlowDelay = network.Fixed(100 * ms)
	net := dhttest.New(t, cfg)
	rng := rand.New(rand.NewPCG(33, 33))
	for net.Summary().Attempts < 4000 {
		if _, err := net.Lookup(uint32(rng.IntN(1000)), hashes.Key(rng.Uint64()), dht.LookupOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	s := net.Summary()
	fast, slow := float64(s.FastErrors)/float64(s.Attempts), float64(s.SlowErrors)/float64(s.Attempts)
	if math.Abs(fast-0.5) > 0.03 || math.Abs(slow-0.25) > 0.03 {
		t.Fatalf("fast %.3f, slow %.3f of %d attempts; want 0.5 and 0.25", fast, slow, s.Attempts)
	}
}

// Under the py-dht profile a lookup returns the Beta closest peers it saw
// (whatever their state, the origin left out), and a provide stores on
// them, counting only store failures as failed.
func TestPyDHTResultAndProvideTargets(t *testing.T) {
	cfg := pyConfig(1500, 34)
	cfg.Network.FastErrorRate = 30
	net := dhttest.New(t, cfg)
	for i := range 20 {
		p, err := net.Provide(uint32(i*17), []byte(fmt.Sprintf("py %d", i)), dht.ProvideOptions{Op: uint64(i + 1)})
		if err != nil {
			t.Fatal(err)
		}
		if p.Lookup.Reason != lookup.ReasonPyDHT && p.Lookup.Reason != lookup.ReasonStarved {
			t.Fatalf("reason %v", p.Lookup.Reason)
		}
		recs := dhttest.ByOp(dhttest.Records(t, net))[uint64(i+1)]
		stores := 0
		for _, r := range recs {
			if r.Request == network.StoreRequest {
				stores++
				if (r.Error == network.NoError) != slices.Contains(p.Stored, r.To) {
					t.Fatalf("store to %d: outcome %v, stored list %v", r.To, r.Error, p.Stored)
				}
			}
		}
		if stores != cfg.Client.Beta || len(p.Stored)+len(p.Failed) != cfg.Client.Beta || slices.Contains(p.Stored, uint32(i*17)) {
			t.Fatalf("%d stores, %d stored + %d failed; want beta stores on peers other than the origin", stores, len(p.Stored), len(p.Failed))
		}
	}
}
