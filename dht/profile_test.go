package dht_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/dhttest"
	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/network/reach"
)

// profileNet builds a network of n nodes with profile p's defaults, fixed
// 10 ms one-way delays and 2 workers.
func profileNet(t *testing.T, p dht.Profile, n int, edit func(*dht.Config)) *dht.DHTNetwork {
	t.Helper()
	cfg := dht.ProfileDefaults(p)
	cfg.Nodes, cfg.Workers = n, 2
	cfg.Network.ConnDelay = network.Fixed(10 * time.Millisecond)
	if edit != nil {
		edit(&cfg)
	}
	return dhttest.New(t, cfg)
}

// Every profile's defaults are valid, name their profile, and carry the
// rules the model document lists for it.
func TestProfileDefaultsCarryTheirRules(t *testing.T) {
	for _, tc := range []struct {
		p                   dht.Profile
		k, alpha, beta      int
		rule                lookup.Rule
		transport           network.Transport
		undialable          float64
		failLimit, maxConns int
	}{
		{dht.ProfileGoDHT, 20, 3, 20, lookup.Default, network.TransportNone, 0, 0, 0},
		{dht.ProfileKademlia, 20, 3, 20, lookup.Beta, network.TransportNone, 0, 0, 0},
		{dht.ProfileAmino, 20, 10, 3, lookup.Beta, network.TransportQUIC, 0.261, 1, 96},
		{dht.ProfileDiscv5, 16, 3, 16, lookup.KClosest, network.TransportUDPSession, 0.25, 0, 1024},
	} {
		c := dht.ProfileDefaults(tc.p)
		if err := c.Validate(); err != nil {
			t.Fatalf("%v: %v", tc.p, err)
		}
		cl, nc := c.Client, c.Network
		if c.Profile != tc.p || cl.K != tc.k || cl.Alpha != tc.alpha || cl.Beta != tc.beta || cl.Termination != tc.rule ||
			nc.Transport != tc.transport || nc.Reach.Undialable != tc.undialable || c.Maintenance.FailLimit != tc.failLimit || nc.Connections != tc.maxConns {
			t.Errorf("%v defaults: %+v", tc.p, c)
		}
	}
}

// The paper's profile stores a value on the k = 20 closest peers that
// answered its lookup.
func TestKademliaStoresOnK(t *testing.T) {
	net := profileNet(t, dht.ProfileKademlia, 2000, nil)
	p, err := net.Provide(3, []byte("kademlia"), dht.ProvideOptions{TrackAccuracy: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Stored) != 20 || len(p.Failed) != 0 || p.Lookup.Accuracy != 1 {
		t.Fatalf("stored on %d, %d failed, accuracy %v; want the 20 true closest", len(p.Stored), len(p.Failed), p.Lookup.Accuracy)
	}
}

// Amino: the beta = 3 rule ends the lookup, the follow-up then asks the
// unasked of the 20 closest not known unreachable; the result holds 20,
// and a provide sends provider records to all of them (those that are
// undialable fail); alpha 10 requests at most are in flight before the
// follow-up.
func TestAminoFollowsUpAndStoresOnTwenty(t *testing.T) {
	net := profileNet(t, dht.ProfileAmino, 3000, nil)
	res, err := net.Lookup(5, hashes.Key(0x1234567890abcdef), dht.LookupOptions{TrackAccuracy: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.Reason != lookup.ReasonBeta || len(res.Closest) != 20 {
		t.Fatalf("lookup ended by %v with %d peers, want beta with 20", res.Summary.Reason, len(res.Closest))
	}
	// Before the follow-up, at most alpha requests were in flight.
	recs := dhttest.Records(t, net)
	maxInFlight := 0
	for _, r := range recs {
		inFlight := 0
		for _, o := range recs {
			if o.Start <= r.Start && r.Start < o.End {
				inFlight++
			}
		}
		maxInFlight = max(maxInFlight, inFlight)
	}
	if maxInFlight < 10 || maxInFlight > 20 {
		t.Errorf("at most %d requests in flight: want alpha 10 during the lookup and up to 20 in the follow-up", maxInFlight)
	}
	p, err := net.Provide(7, []byte("amino"), dht.ProvideOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(p.Stored) + len(p.Failed); n != 20 {
		t.Fatalf("provider records sent to %d peers (%d stored, %d failed), want 20", n, len(p.Stored), len(p.Failed))
	}
	for _, id := range p.Failed {
		if net.Links().Class(id) != reach.Undialable {
			t.Errorf("store to dialable node %d failed", id)
		}
	}
	// Connections: records show the QUIC set-up (2 round trips) on first
	// contacts.
	setups := 0
	for _, r := range dhttest.Records(t, net) {
		if r.Setup > 0 {
			setups++
			if r.Setup != 4*r.BaseDelay {
				t.Fatalf("QUIC set-up %v over a %v link, want 2 round trips", r.Setup, r.BaseDelay)
			}
		}
	}
	if setups == 0 {
		t.Error("no connection set-up under amino")
	}
}

// discv5: a node answers FINDNODE with the nodes of its buckets at the three
// log distances around the target's, up to 16; a lookup ends when nothing
// is left to ask among the 16 closest seen, whose result keeps the nodes
// that failed; a provide is an error; a node lookup finds a dialable node.
func TestDiscv5RulesApply(t *testing.T) {
	net := profileNet(t, dht.ProfileDiscv5, 3000, nil)
	if _, err := net.Provide(1, []byte("x"), dht.ProvideOptions{}); !errors.Is(err, dht.ErrNoStores) {
		t.Fatalf("provide under discv5: %v, want ErrNoStores", err)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	found, tried := 0, 0
	for range 50 {
		target := uint32(rng.IntN(3000))
		if net.Links().Class(target) != reach.Dialable {
			continue
		}
		tried++
		c := dhttest.Client(t, net, target)
		res, err := net.Lookup(uint32(rng.IntN(3000)), c.Key(), dht.LookupOptions{StopOnNode: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Summary.ValueFound {
			found++
		}
	}
	if found != tried {
		t.Errorf("node lookups found %d of %d dialable nodes", found, tried)
	}
	res, err := net.Lookup(2, hashes.Key(0xfedcba9876543210), dht.LookupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.Reason != lookup.ReasonKClosest || len(res.Closest) != 16 {
		t.Fatalf("lookup ended by %v with %d nodes, want kclosest with 16", res.Summary.Reason, len(res.Closest))
	}
	failedInResult := false
	for _, p := range res.Closest {
		failedInResult = failedInResult || net.Links().Class(p.ID) == reach.Undialable
	}
	if !failedInResult {
		t.Log("no unreachable node among the 16 closest of this lookup (the result may keep them)")
	}
}

// A parameter set explicitly overrides the profile's default: amino with
// no transport and every node dialable sets up nothing and reaches every
// node.
func TestExplicitParametersOverrideProfiles(t *testing.T) {
	net := profileNet(t, dht.ProfileAmino, 2000, func(c *dht.Config) {
		c.Network.Transport, c.Network.Reach = network.TransportNone, reach.Model{}
		c.Client.Alpha = 2
	})
	if _, err := net.Lookup(1, hashes.Key(99), dht.LookupOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, r := range dhttest.Records(t, net) {
		if r.Setup != 0 || r.Error == network.Unreachable {
			t.Fatalf("record %+v: a set-up or an unreachable node with both off", r)
		}
	}
}

// Every profile runs on tables eager, on demand and grown; eager and on
// demand give the same results and records, and a grown network gives the
// same ones twice.
func TestProfilesOnEveryTables(t *testing.T) {
	run := func(p dht.Profile, mode string) []byte {
		net := profileNet(t, p, 800, func(c *dht.Config) {
			switch mode {
			case "eager":
				c.Tables = dht.TablesEager
			case "on-demand":
				c.Tables = dht.TablesOnDemand
			case "grown":
				c.Fill = dht.FillGrown
			}
		})
		var log bytes.Buffer
		r := net.NewRun()
		for i := range 20 {
			key := hashes.Key(uint64(i) * 0x9e3779b97f4a7c15)
			if err := r.Lookup(time.Duration(i)*time.Millisecond, uint32(i*37%800), key, dht.LookupOptions{Op: uint64(i + 1)},
				func(res dht.LookupResult) { fmt.Fprintf(&log, "%+v\n", res) }); err != nil {
				t.Fatal(err)
			}
		}
		if err := r.Run(context.Background()); err != nil {
			t.Fatalf("%v %s: %v", p, mode, err)
		}
		return append(log.Bytes(), dhttest.RecordsCSV(t, net)...)
	}
	for _, p := range []dht.Profile{dht.ProfileKademlia, dht.ProfileAmino, dht.ProfileDiscv5} {
		if !bytes.Equal(run(p, "eager"), run(p, "on-demand")) {
			t.Errorf("%v: on-demand tables run differently from eager ones", p)
		}
		if !bytes.Equal(run(p, "grown"), run(p, "grown")) {
			t.Errorf("%v: a grown network runs differently twice", p)
		}
	}
}
