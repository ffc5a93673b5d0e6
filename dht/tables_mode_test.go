package dht_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/dhttest"
	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/routing"
)

// drivePair runs the same provides and retrievals on a shared clock and
// returns their results and the records CSV.
func drivePair(t *testing.T, net *dht.DHTNetwork) (string, []byte) {
	t.Helper()
	run := net.NewRun()
	var log bytes.Buffer
	for i := range 40 {
		seg := []byte(fmt.Sprintf("mode cell %d", i))
		run.Provide(time.Duration(i)*5*ms, uint32(i*97%net.Len()), seg, dht.ProvideOptions{Op: uint64(i + 1), TrackAccuracy: true},
			func(p dht.ProvideSummary) { fmt.Fprintf(&log, "%+v\n", p) })
		run.Lookup(time.Duration(i)*5*ms+30*ms, uint32(i*31%net.Len()), hashes.SegmentKey(seg), dht.LookupOptions{Op: uint64(100 + i), StopOnFirstValue: true},
			func(r dht.LookupResult) { fmt.Fprintf(&log, "%+v\n", r) })
	}
	if err := run.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return log.String(), dhttest.RecordsCSV(t, net)
}

// Tables on demand are the eager tables, under the random fill and the
// closest fill: every node's table entry for entry, and the same lookups,
// provides and records for the same seed.
func TestTablesOnDemandEqualEager(t *testing.T) {
	for _, fill := range []dht.Fill{dht.FillRandom, dht.FillClosest} {
		t.Run(fill.String(), func(t *testing.T) { tablesOnDemandEqualEager(t, fill) })
	}
}

func tablesOnDemandEqualEager(t *testing.T, fill dht.Fill) {
	for k := 1; k <= 20; k++ {
		cfg := noisy(3000, 41)
		cfg.Client.K, cfg.Client.Beta = k, k
		cfg.Fill = fill
		cfg.Tables = dht.TablesEager
		eager := dhttest.New(t, cfg)
		cfg.Tables = dht.TablesOnDemand
		lazy := dhttest.New(t, cfg)
		rng := rand.New(rand.NewPCG(41, uint64(k)))
		for range 60 {
			id := uint32(rng.IntN(3000))
			a, b := dhttest.Client(t, eager, id), dhttest.Client(t, lazy, id)
			if !slices.Equal(a.RoutingPeers(), b.RoutingPeers()) || a.RoutingSummary() != b.RoutingSummary() {
				t.Fatalf("k=%d node %d: tables differ:\n%s\n%s", k, id, a.RoutingSummary(), b.RoutingSummary())
			}
			key := hashes.Key(rng.Uint64())
			if !slices.Equal(a.Closest(key, k), b.Closest(key, k)) {
				t.Fatalf("k=%d node %d: closest to %s differ", k, id, key)
			}
		}
		if k != 1 && k != 7 && k != 20 {
			continue // the tables of every k; the workloads of three
		}
		le, re := drivePair(t, eager)
		ll, rl := drivePair(t, lazy)
		if le != ll || !bytes.Equal(re, rl) {
			t.Fatalf("k=%d: the same run gives other results or records with tables on demand", k)
		}
		if lazy.StateNodes() > 40*(k+1)+80 {
			t.Errorf("k=%d: %d nodes hold state after 40 provides, want only the ones that store", k, lazy.StateNodes())
		}
	}
}

// A table that changes becomes the node's own and keeps its changes,
// whatever the mode, and every handle and request sees them, until
// BootstrapAll gives every node its optimal table again.
func TestChangedTableKeepsItsChanges(t *testing.T) {
	for _, mode := range []dht.Tables{dht.TablesEager, dht.TablesOnDemand} {
		cfg := dhttest.Config(1000, 42)
		cfg.Tables = mode
		net := dhttest.New(t, cfg)
		added, err := net.AddNode()
		if err != nil {
			t.Fatal(err)
		}
		// The node whose key shares the most bits with the new node's
		// takes it into its table: it is closer than its bucket's
		// farthest peer, or the bucket has room.
		host := net.ClosestNodes(added.Key(), 2)[1].ID
		c := dhttest.Client(t, net, host)
		before := c.RoutingPeers()
		if ok, err := c.AddPeer(added.ID()); err != nil || !ok {
			t.Fatalf("%v: AddPeer(%d) = %v, %v; want a change", mode, added.ID(), ok, err)
		}
		has := func(peers []routing.Peer) bool {
			return slices.ContainsFunc(peers, func(p routing.Peer) bool { return p.ID == added.ID() })
		}
		if !has(dhttest.Client(t, net, host).RoutingPeers()) || !has(c.Closest(added.Key(), 3)) {
			t.Fatalf("%v: the change is not seen by another handle or by find-closest", mode)
		}
		// Lookups through other nodes leave it as it is.
		for i := range 50 {
			if _, err := net.Lookup(uint32(i), hashes.Key(uint64(i)*0x9e3779b97f4a7c15), dht.LookupOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		if !has(c.RoutingPeers()) || len(c.RoutingPeers()) < len(before) {
			t.Fatalf("%v: the change was lost", mode)
		}
		if err := net.BootstrapAll(context.Background(), 2); err != nil {
			t.Fatal(err)
		}
		if !has(c.RoutingPeers()) {
			// BootstrapAll sees the added node too: the optimal table of
			// the grown network holds it.
			t.Fatalf("%v: after BootstrapAll the optimal table of the grown network lacks the added node", mode)
		}
	}
}

// Derive shares the nodes, index and tables of a network and gives it other
// links and lookup parameters, with stores and metrics of its own; it
// refuses a change of nodes, k, seed or tables mode.
func TestDerive(t *testing.T) {
	cfg := dhttest.Config(2000, 43)
	base := dhttest.New(t, cfg)
	if _, err := base.Provide(1, []byte("only in base"), dht.ProvideOptions{}); err != nil {
		t.Fatal(err)
	}
	other := cfg
	other.Network.FastErrorRate = 20
	other.Client.Alpha = 5
	d, err := base.Derive(other)
	if err != nil {
		t.Fatal(err)
	}
	fresh := dhttest.New(t, other)
	all := dhttest.Peers(t, fresh)
	for id := range uint32(2000) {
		if id%97 != 0 {
			continue
		}
		if !slices.Equal(dhttest.Client(t, d, id).RoutingPeers(), dhttest.Client(t, fresh, id).RoutingPeers()) {
			t.Fatalf("node %d: the derived table differs from a fresh build", id)
		}
	}
	if got := dhttest.Peers(t, d); !slices.Equal(got, all) {
		t.Fatal("derived keys differ")
	}
	// Same results as a network built from scratch with the new config.
	if l1, r1 := drivePair(t, d); true {
		l2, r2 := drivePair(t, fresh)
		if l1 != l2 || !bytes.Equal(r1, r2) {
			t.Fatal("the derived network runs differently from a fresh one")
		}
	}
	res, err := d.Lookup(7, hashes.SegmentKeyString("only in base"), dht.LookupOptions{StopOnFirstValue: true})
	if err != nil || res.Summary.ValueFound {
		t.Fatalf("the derived network sees the base's store: %+v, %v", res.Summary, err)
	}
	if base.Summary().Attempts == 0 || base.Summary().Attempts == d.Summary().Attempts {
		t.Fatal("metrics are shared")
	}
	for name, edit := range map[string]func(*dht.Config){
		"nodes":  func(c *dht.Config) { c.Nodes++ },
		"k":      func(c *dht.Config) { c.Client.K, c.Client.Beta = 10, 10 },
		"seed":   func(c *dht.Config) { c.Network.Seed++ },
		"tables": func(c *dht.Config) { c.Tables = dht.TablesOnDemand },
		"fill":   func(c *dht.Config) { c.Fill = dht.FillClosest },
	} {
		c := cfg
		edit(&c)
		if _, err := base.Derive(c); err == nil {
			t.Errorf("Derive with another %s was accepted", name)
		}
	}
	var _ routing.Peer
}

// A network derived from another shares its tables but grows on its own:
// nodes that join it (maintenance joins) are offered to tables that
// started as the base's, whose keys the base does not have. The review's
// repro (1,000 nodes, 20 joins an hour over a day) panicked in Table.Add
// with an index out of range before the derived tables resolved keys in
// the derived network's key space.
func TestDerivedNetworkGrows(t *testing.T) {
	for _, mode := range []dht.Tables{dht.TablesEager, dht.TablesOnDemand} {
		cfg := dhttest.Config(1000, 44)
		cfg.Tables = mode
		base := dhttest.New(t, cfg)
		other := cfg
		other.Maintenance.Joins, other.Maintenance.JoinPeers = 20, 3
		d, err := base.Derive(other)
		if err != nil {
			t.Fatal(err)
		}
		run := d.NewRun()
		if err := run.Maintain(24 * time.Hour); err != nil {
			t.Fatal(err)
		}
		if err := run.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if d.Len() <= 1000 || base.Len() != 1000 {
			t.Fatalf("%v: derived network has %d nodes, base %d", mode, d.Len(), base.Len())
		}
		// The newcomers are in the tables of the nodes they met; the
		// base's tables did not change.
		fresh := dhttest.New(t, cfg)
		known := 0
		for id := range uint32(1000) {
			for _, p := range dhttest.Client(t, d, id).RoutingPeers() {
				if p.ID >= 1000 {
					known++
				}
			}
			if !slices.Equal(dhttest.Client(t, base, id).RoutingPeers(), dhttest.Client(t, fresh, id).RoutingPeers()) {
				t.Fatalf("%v: the base's table of node %d changed", mode, id)
			}
		}
		if known == 0 {
			t.Fatalf("%v: no table of the derived network knows a newcomer", mode)
		}
	}
}
