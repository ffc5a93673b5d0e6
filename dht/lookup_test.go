package dht_test

import (
	"context"
	"errors"
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
	"github.com/go-dht/go-dht/routing"
)

// An unknown node id is an error naming it, not a panic, and costs no
// attempt.
func TestUnknownNode(t *testing.T) {
	net := dhttest.New(t, dhttest.Config(30, 1))
	c := dhttest.Client(t, net, 3)
	run := net.NewRun()
	for _, id := range []uint32{30, 31, 1000, math.MaxUint32} {
		for name, call := range map[string]func() error{
			"Client":       func() error { _, err := net.Client(id); return err },
			"Lookup":       func() error { _, err := net.Lookup(id, 1, dht.LookupOptions{}); return err },
			"Provide":      func() error { _, err := net.Provide(id, []byte("x"), dht.ProvideOptions{}); return err },
			"Run.Lookup":   func() error { return run.Lookup(0, id, 1, dht.LookupOptions{}, nil) },
			"OptimalPeers": func() error { _, err := net.OptimalPeers(id); return err },
			"AddPeer":      func() error { _, err := c.AddPeer(id); return err },
		} {
			err := call()
			if !errors.Is(err, dht.ErrUnknownNode) {
				t.Errorf("%s(%d): error = %v, want ErrUnknownNode", name, id, err)
			}
		}
	}
	if s := net.Summary(); s.Attempts != 0 {
		t.Errorf("failed calls made %d attempts", s.Attempts)
	}
}

// A node without a routing table (spawned without BootstrapAll, or added
// without Bootstrap) cannot run a lookup or a provide: that is an error,
// not a lookup that silently asks no one. A node whose table is empty
// because the network has no other node runs one that ends starved.
func TestNotBootstrapped(t *testing.T) {
	net, err := dht.Spawn(dhttest.Config(50, 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := net.Lookup(4, 99, dht.LookupOptions{}); !errors.Is(err, dht.ErrNotBootstrapped) {
		t.Errorf("lookup before BootstrapAll: %v, want ErrNotBootstrapped", err)
	}
	if _, err := net.Provide(4, []byte("x"), dht.ProvideOptions{}); !errors.Is(err, dht.ErrNotBootstrapped) {
		t.Errorf("provide before BootstrapAll: %v, want ErrNotBootstrapped", err)
	}
	net = dhttest.New(t, dhttest.Config(50, 1))
	added, err := net.AddNode()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := added.Lookup(99, dht.LookupOptions{}); !errors.Is(err, dht.ErrNotBootstrapped) {
		t.Errorf("lookup from an added node: %v, want ErrNotBootstrapped", err)
	}
	if err := added.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	if res, err := added.Lookup(99, dht.LookupOptions{}); err != nil || res.Summary.Attempts == 0 {
		t.Errorf("lookup after Bootstrap: %+v, %v", res.Summary, err)
	}
	alone := dhttest.New(t, dhttest.Config(1, 1))
	res, err := alone.Lookup(0, 99, dht.LookupOptions{TrackAccuracy: true})
	if err != nil || res.Summary.Reason != lookup.ReasonStarved || res.Summary.Attempts != 0 || res.Summary.Accuracy != 1 || len(res.Closest) != 1 {
		t.Errorf("lookup in a network of one node: %+v, %v; want starved, itself the result", res, err)
	}
}

// A node's value is its own: a caller that reuses the buffer it stored, or
// changes a value a lookup or Retrieve returned, changes no node's copy.
func TestStoredValuesAreOwnCopies(t *testing.T) {
	net := dhttest.New(t, dhttest.Config(500, 1))
	c := dhttest.Client(t, net, 2)
	buf := []byte("cell 7")
	key := c.Store(buf)
	copy(buf, "XXXX")
	if v, err := c.Retrieve(key); err != nil || string(v) != "cell 7" {
		t.Fatalf("after the caller reused its buffer: %q, %v", v, err)
	}
	v, _ := c.Retrieve(key)
	v[0] = 'Z'
	if again, _ := c.Retrieve(key); string(again) != "cell 7" {
		t.Fatalf("changing a retrieved value changed the node's: %q", again)
	}
	if _, err := dhttest.Client(t, net, 3).Retrieve(key); !errors.Is(err, dht.ErrNotStored) {
		t.Errorf("Retrieve on another node: %v, want ErrNotStored", err)
	}

	seg := []byte("provided cell")
	p, err := net.Provide(10, seg, dht.ProvideOptions{})
	if err != nil {
		t.Fatal(err)
	}
	copy(seg, "XXXXXXXX")
	res, err := net.Lookup(400, p.Key, dht.LookupOptions{StopOnFirstValue: true})
	if err != nil || string(res.Value) != "provided cell" {
		t.Fatalf("lookup after the provider reused its buffer: %q, %v", res.Value, err)
	}
	res.Value[0] = 'Z'
	for _, id := range p.Stored {
		if v, err := dhttest.Client(t, net, id).Retrieve(p.Key); err != nil || string(v) != "provided cell" {
			t.Fatalf("node %d holds %q, %v after a caller changed a lookup's value", id, v, err)
		}
	}
	if hashes.SegmentKeyString("provided cell") != p.Key {
		t.Fatal("the provide's key is not the content's")
	}
}

// A segment provided by one node is found by a lookup from another: one
// that stops at the first value ends there (reason value) with fewer
// attempts than one that does not; a holder finds it in its own store
// without asking anyone.
func TestProvideThenLookup(t *testing.T) {
	cfg := dhttest.Config(1000, 1)
	cfg.Client.Termination = lookup.Beta // every provide stores on the 20 closest
	net := dhttest.New(t, cfg)
	rng := rand.New(rand.NewPCG(6, 6))
	for i := range 10 {
		seg := []byte(fmt.Sprintf("block 3 cell %d", i))
		key := hashes.SegmentKey(seg)
		p, err := net.Provide(uint32(rng.IntN(net.Len())), seg, dht.ProvideOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var truth []uint32
		for _, q := range net.ClosestNodes(key, 20) {
			truth = append(truth, q.ID)
		}
		if !slices.Equal(p.Stored, truth) || len(p.Failed) != 0 {
			t.Fatalf("stored on %v (failed %v), want the closest nodes %v", p.Stored, p.Failed, truth)
		}
		from := uint32(rng.IntN(net.Len()))
		for slices.Contains(p.Stored, from) {
			from = uint32(rng.IntN(net.Len()))
		}
		stop, err := net.Lookup(from, key, dht.LookupOptions{StopOnFirstValue: true})
		if err != nil {
			t.Fatal(err)
		}
		full, err := net.Lookup(from, key, dht.LookupOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !stop.Summary.ValueFound || !slices.Equal(stop.Value, seg) || stop.Summary.Reason != lookup.ReasonValue {
			t.Fatalf("lookup with stop: found %v value %q reason %v", stop.Summary.ValueFound, stop.Value, stop.Summary.Reason)
		}
		if !full.Summary.ValueFound || !slices.Equal(full.Value, seg) || full.Summary.Reason == lookup.ReasonValue {
			t.Fatalf("lookup without stop: found %v value %q reason %v", full.Summary.ValueFound, full.Value, full.Summary.Reason)
		}
		if stop.Summary.Finished >= full.Summary.Finished {
			t.Errorf("segment %d: %d finished with stop on first value, %d without; want fewer", i, stop.Summary.Finished, full.Summary.Finished)
		}
		own, _ := net.Lookup(p.Stored[0], key, dht.LookupOptions{StopOnFirstValue: true})
		if own.Summary.Reason != lookup.ReasonValue || !own.Summary.LocalValue || own.Summary.Attempts != 0 || own.Summary.Delay != 0 {
			t.Errorf("lookup from a holder: %+v", own.Summary)
		}
	}
	res, _ := net.Lookup(0, hashes.SegmentKeyString("never provided"), dht.LookupOptions{StopOnFirstValue: true})
	if res.Summary.ValueFound || res.Summary.Reason == lookup.ReasonValue || res.Value != nil {
		t.Errorf("lookup of a missing key: %+v", res.Summary)
	}
}

// checkSummary checks the invariants of every lookup summary.
func checkSummary(t testing.TB, s dht.LookupSummary) {
	t.Helper()
	if s.Finished != s.Successful+s.Failed || s.Attempts != s.Finished+s.Abandoned || s.Abandoned < 0 ||
		s.Hops > s.Successful || (s.Successful > 0) != (s.Hops > 0) || s.Delay < 0 || s.Reason == lookup.Running {
		t.Fatalf("inconsistent lookup summary %+v", s)
	}
}

// With alpha = 1 the lookup is the sequential walk: each request starts
// when the previous one's answer or error arrives, nothing is abandoned,
// and the delay is exactly the sum of the requests' costs.
func TestAlphaOneIsSequentialWalk(t *testing.T) {
	cfg := dhttest.Config(1500, 3)
	cfg.Client.Alpha = 1
	cfg.Network.FastErrorRate, cfg.Network.SlowErrorRate = 15, 10
	cfg.Network.ConnDelay = network.DelayRange{Min: 5 * ms, Max: 80 * ms}
	cfg.Network.FastDelay = network.DelayRange{Min: ms, Max: 3 * ms}
	cfg.Network.SlowDelay = network.DelayRange{Min: 500 * ms, Max: time.Second}
	cfg.Network.Gamma = ms // one request in flight: no load
	for _, rule := range []lookup.Rule{lookup.Stale, lookup.Beta} {
		cfg.Client.Termination = rule
		net := dhttest.New(t, cfg)
		rng := rand.New(rand.NewPCG(3, 3))
		for i := range 60 {
			res, err := net.Lookup(uint32(rng.IntN(net.Len())), hashes.Key(rng.Uint64()), dht.LookupOptions{Op: uint64(i + 1)})
			if err != nil {
				t.Fatal(err)
			}
			s := res.Summary
			checkSummary(t, s)
			if s.Abandoned != 0 {
				t.Fatalf("%v: %d abandoned with alpha 1", rule, s.Abandoned)
			}
			recs := dhttest.ByOp(dhttest.Records(t, net))[uint64(i+1)]
			var sum time.Duration
			for _, r := range recs {
				if r.Start != sum {
					t.Fatalf("%v: attempt %d starts at %v, the previous one ended at %v", rule, r.Attempt, r.Start, sum)
				}
				if r.TotalOverhead() != 0 {
					t.Fatalf("%v: overhead %v with one request in flight", rule, r.TotalOverhead())
				}
				sum += r.TotalDelay()
			}
			if s.Delay != sum || len(recs) != s.Attempts {
				t.Fatalf("%v: delay %v, %d records; want the sum %v of %d attempts", rule, s.Delay, len(recs), sum, s.Attempts)
			}
		}
	}
}

// With a constant delay d and no errors, alpha = 3: the first min(3,
// table) requests start at 0 and end at 2d; every request costs 2d.
func TestFirstRoundConstantDelay(t *testing.T) {
	const d = 10 * ms
	cfg := dhttest.Config(1000, 4)
	net := dhttest.New(t, cfg)
	rng := rand.New(rand.NewPCG(4, 4))
	for i := range 40 {
		from := uint32(rng.IntN(net.Len()))
		res, err := net.Lookup(from, hashes.Key(rng.Uint64()), dht.LookupOptions{Op: uint64(i + 1)})
		if err != nil {
			t.Fatal(err)
		}
		checkSummary(t, res.Summary)
		recs := dhttest.ByOp(dhttest.Records(t, net))[uint64(i+1)]
		first := min(3, dhttest.Client(t, net, from).RoutingLen())
		for j, r := range recs {
			if r.End-r.Start != 2*d {
				t.Fatalf("request %d costs %v, want 2d", j, r.End-r.Start)
			}
			if (r.Start == 0) != (j < first) {
				t.Fatalf("request %d starts at %v; want the first %d at 0, no other", j, r.Start, first)
			}
		}
		if res.Summary.Delay%(2*d) != 0 {
			t.Fatalf("delay %v is not a whole number of rounds of 2d", res.Summary.Delay)
		}
	}
}

// With constant delays, more alpha never makes a lookup slower in rounds,
// and alpha 1, 2, 3, 5, 10 do not all contact the same peers (alpha is not
// just a delay divisor).
func TestMoreAlphaNeverSlower(t *testing.T) {
	alphas := []int{1, 2, 3, 5, 10}
	for _, rule := range []lookup.Rule{lookup.Stale, lookup.PyDHT, lookup.Beta, lookup.KClosest} {
		t.Run(rule.String(), func(t *testing.T) {
			nets := make([]*dht.DHTNetwork, len(alphas))
			for i, a := range alphas {
				cfg := dhttest.Config(2000, 5)
				cfg.Client.Alpha, cfg.Client.Termination = a, rule
				nets[i] = dhttest.New(t, cfg)
			}
			rng := rand.New(rand.NewPCG(5, 5))
			differ := 0
			for range 100 {
				from, key := uint32(rng.IntN(2000)), hashes.Key(rng.Uint64())
				var prev time.Duration = math.MaxInt64
				var contacts []string
				for i, net := range nets {
					res, err := net.Lookup(from, key, dht.LookupOptions{})
					if err != nil {
						t.Fatal(err)
					}
					if res.Summary.Delay > prev {
						t.Fatalf("key %s from %d: alpha %d takes %v, alpha %d took %v", key, from, alphas[i], res.Summary.Delay, alphas[i-1], prev)
					}
					prev = res.Summary.Delay
					contacts = append(contacts, fmt.Sprint(res.Summary.Attempts, res.Closest))
				}
				if slices.Compact(contacts) != nil && len(slices.Compact(contacts)) > 1 {
					differ++
				}
			}
			if differ == 0 {
				t.Error("every alpha contacted the same peers in every lookup")
			}
		})
	}
}

// Causality: no request starts before the answer that introduced its peer
// (via) has arrived, for every rule, with errors and random delays.
func TestCausality(t *testing.T) {
	for _, rule := range []lookup.Rule{lookup.Stale, lookup.PyDHT, lookup.Beta, lookup.KClosest} {
		cfg := dhttest.Config(3000, 6)
		cfg.Client.Termination, cfg.Client.Alpha = rule, 4
		cfg.Network.FastErrorRate, cfg.Network.SlowErrorRate = 10, 5
		cfg.Network.ConnDelay = network.DelayRange{Min: 5 * ms, Max: 150 * ms}
		cfg.Network.SlowDelay = network.DelayRange{Min: 200 * ms, Max: 400 * ms}
		net := dhttest.New(t, cfg)
		rng := rand.New(rand.NewPCG(6, uint64(rule)))
		viaAnswers := 0
		for i := range 100 {
			from := uint32(rng.IntN(net.Len()))
			res, err := net.Lookup(from, hashes.Key(rng.Uint64()), dht.LookupOptions{Op: uint64(i + 1), Start: time.Duration(i) * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			checkSummary(t, res.Summary)
			recs := dhttest.ByOp(dhttest.Records(t, net))[uint64(i+1)]
			answered := map[uint32]time.Duration{}
			abandoned := 0
			for _, r := range recs {
				if r.Error == network.NoError && !r.Abandoned {
					answered[r.To] = r.End
				}
				if r.Abandoned {
					abandoned++
				}
			}
			for _, r := range recs {
				if r.Via == from {
					continue
				}
				end, ok := answered[r.Via]
				if !ok {
					t.Fatalf("%v: attempt %d to %d via %d, which never answered", rule, r.Attempt, r.To, r.Via)
				}
				if r.Start < end {
					t.Fatalf("%v: attempt %d to %d starts at %v, before the answer of %d that introduced it (%v)", rule, r.Attempt, r.To, r.Start, r.Via, end)
				}
				viaAnswers++
			}
			if abandoned != res.Summary.Abandoned {
				t.Fatalf("%v: %d records abandoned, summary says %d", rule, abandoned, res.Summary.Abandoned)
			}
		}
		if viaAnswers == 0 {
			t.Fatalf("%v: no request went to a peer learned from an answer", rule)
		}
	}
}

// The result holds peers that answered, nearest first, at most Beta; with
// no errors and a rule that waits for the closest (Beta, KClosest), it is
// exactly the network's Beta closest.
func TestResultIsAnsweredPeers(t *testing.T) {
	for _, rule := range []lookup.Rule{lookup.Beta, lookup.KClosest} {
		cfg := dhttest.Config(2000, 7)
		cfg.Client.Termination, cfg.Client.Beta, cfg.Client.K = rule, 8, 10
		net := dhttest.New(t, cfg)
		all := dhttest.Peers(t, net)
		rng := rand.New(rand.NewPCG(7, 7))
		for range 100 {
			from := uint32(rng.IntN(net.Len()))
			key := hashes.Key(rng.Uint64())
			res, err := net.Lookup(from, key, dht.LookupOptions{TrackAccuracy: true})
			if err != nil {
				t.Fatal(err)
			}
			if want := dhttest.BruteClosest(all, key, 8); !slices.Equal(res.Closest, want) || res.Summary.Accuracy != 1 {
				t.Fatalf("%v: result %v, accuracy %v; want %v", rule, res.Closest, res.Summary.Accuracy, want)
			}
		}
	}
}

// Accuracy strictly between 0 and 1 in a constructed case: the origin
// knows two of the four true closest nodes and two far ones, every other
// table is empty, so the lookup returns what the origin knew: 2 of 4.
func TestAccuracyFractionalHandBuilt(t *testing.T) {
	cfg := dhttest.Config(200, 1)
	cfg.Client.Beta = 4
	net, err := dht.Spawn(cfg) // no tables
	if err != nil {
		t.Fatal(err)
	}
	key := hashes.SegmentKeyString("accuracy")
	truth := net.ClosestNodes(key, 4)
	far := net.ClosestNodes(^key, 3) // the three farthest nodes from key
	origin := dhttest.Client(t, net, far[0].ID)
	for _, id := range []uint32{truth[0].ID, truth[1].ID, far[1].ID, far[2].ID} {
		if changed, err := origin.AddPeer(id); err != nil || !changed {
			t.Fatalf("AddPeer(%d) = %v, %v", id, changed, err)
		}
	}
	for id := range uint32(net.Len()) {
		if c := dhttest.Client(t, net, id); !c.Bootstrapped() {
			if _, err := c.AddPeer(c.ID()); err != nil { // an empty table
				t.Fatal(err)
			}
		}
	}
	res, err := origin.Lookup(key, dht.LookupOptions{TrackAccuracy: true})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Summary
	if !s.HasAccuracy() || s.Accuracy != 0.5 {
		t.Fatalf("accuracy %v, want 0.5 (result %v)", s.Accuracy, res.Closest)
	}
	if s.Attempts != 4 || s.Successful != 4 || s.PeersSeen != 4 || s.Reason != lookup.ReasonBeta {
		t.Errorf("summary %+v: want the 4 known peers contacted, no other seen, ended by the beta rule (the 4 closest answered)", s)
	}
	if res, _ := origin.Lookup(key, dht.LookupOptions{}); res.Summary.HasAccuracy() {
		t.Errorf("untracked accuracy = %v, want NaN", res.Summary.Accuracy)
	}
}

// A node added with AddNode is unknown to every table: a lookup for its
// own key finds the other Beta-1 closest but not it, accuracy
// (Beta-1)/Beta.
func TestAccuracyFractionalAddedNode(t *testing.T) {
	cfg := dhttest.Config(1000, 1)
	cfg.Client.Termination = lookup.KClosest
	net := dhttest.New(t, cfg)
	added, err := net.AddNode()
	if err != nil {
		t.Fatal(err)
	}
	for _, from := range []uint32{0, 17, 500, 999} {
		res, err := net.Lookup(from, added.Key(), dht.LookupOptions{TrackAccuracy: true})
		if err != nil {
			t.Fatal(err)
		}
		if want := float64(cfg.Client.Beta-1) / float64(cfg.Client.Beta); res.Summary.Accuracy != want {
			t.Errorf("from %d: accuracy %v, want %v", from, res.Summary.Accuracy, want)
		}
		if slices.ContainsFunc(res.Closest, func(p routing.Peer) bool { return p.ID == added.ID() }) {
			t.Errorf("from %d: the lookup found the node nobody knows", from)
		}
	}
}

// A lookup that stops at the first value is after the value, not the
// closest peers: it reports no accuracy even when asked to track it (its
// found flag and hops say how it went); the same lookup run to its end
// does.
func TestRetrievalHasNoAccuracy(t *testing.T) {
	net := dhttest.New(t, dhttest.Config(500, 3))
	if _, err := net.Provide(1, []byte("v"), dht.ProvideOptions{}); err != nil {
		t.Fatal(err)
	}
	key := hashes.SegmentKeyString("v")
	res, err := net.Lookup(200, key, dht.LookupOptions{TrackAccuracy: true, StopOnFirstValue: true})
	if err != nil || !res.Summary.ValueFound || res.Summary.HasAccuracy() {
		t.Fatalf("retrieval: %+v, %v; want the value found and no accuracy", res.Summary, err)
	}
	res, err = net.Lookup(200, key, dht.LookupOptions{TrackAccuracy: true})
	if err != nil || !res.Summary.HasAccuracy() {
		t.Fatalf("lookup: %+v, %v; want an accuracy", res.Summary, err)
	}
}

// The doubtful cases of the review, decided: zero DHTNetwork, Client and
// Run values return ErrZeroValue instead of panicking; Maintain twice on
// one run is an error (it would double every refresh and join); LookupMany
// with a nil done keeps only the records; a negative time is refused by
// TableHealth.
func TestDoubtfulCasesDecided(t *testing.T) {
	var net dht.DHTNetwork
	if _, err := net.Lookup(0, 1, dht.LookupOptions{}); !errors.Is(err, dht.ErrZeroValue) {
		t.Errorf("Lookup on a zero network: %v", err)
	}
	if _, err := net.Client(0); !errors.Is(err, dht.ErrZeroValue) {
		t.Errorf("Client on a zero network: %v", err)
	}
	if err := net.BootstrapAll(context.Background(), 1); !errors.Is(err, dht.ErrZeroValue) || net.Len() != 0 {
		t.Errorf("BootstrapAll on a zero network: %v", err)
	}
	var c dht.Client
	if _, err := c.Lookup(1, dht.LookupOptions{}); !errors.Is(err, dht.ErrZeroValue) {
		t.Errorf("Lookup on a zero client: %v", err)
	}
	if _, err := c.Retrieve(1); !errors.Is(err, dht.ErrZeroValue) || c.Bootstrapped() {
		t.Errorf("Retrieve on a zero client: %v", err)
	}
	c.Store([]byte("nowhere")) // stores nothing, does not panic
	var r dht.Run
	if err := r.Lookup(0, 0, 1, dht.LookupOptions{}, nil); !errors.Is(err, dht.ErrZeroValue) {
		t.Errorf("Lookup on a zero run: %v", err)
	}
	real := dhttest.New(t, dhttest.Config(100, 1))
	run := real.NewRun()
	if err := run.Maintain(time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := run.Maintain(time.Hour); err == nil {
		t.Error("Maintain twice on one run was accepted")
	}
	tasks := []dht.LookupTask{{Origin: 1, Key: 9, Options: dht.LookupOptions{Op: 1}}}
	if err := real.LookupMany(context.Background(), tasks, 2, nil); err != nil {
		t.Errorf("LookupMany with a nil done: %v", err)
	}
	if _, err := real.TableHealth(1, -time.Second); err == nil {
		t.Error("TableHealth at a negative time was accepted")
	}
}
