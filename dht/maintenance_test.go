package dht_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/dhttest"
	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network/churn"
	"github.com/go-dht/go-dht/routing"
)

// churning is a network whose nodes come and go: sessions and downtimes of
// an hour on average, 5 % of the nodes leaving for good per hour, 30 new
// nodes per hour that bootstrap from 3 peers.
func churning(t *testing.T, n int, m dht.Maintenance) dht.Config {
	t.Helper()
	cfg := dhttest.Config(n, 61)
	var err error
	if cfg.Network.Churn, err = churn.Parse("exp:1h,1h"); err != nil {
		t.Fatal(err)
	}
	cfg.Network.LeaveRate = 0.05
	m.Joins, m.JoinPeers = 30, 3
	cfg.Maintenance = m
	cfg.Client.Termination = lookup.Beta
	cfg.Client.Policy = routing.Oldest
	return cfg
}

// health runs the network's maintenance to each time and returns the mean
// health of the tables of every node online then.
func health(t *testing.T, cfg dht.Config, times []time.Duration) (online, closest []float64) {
	t.Helper()
	net := dhttest.New(t, cfg)
	run := net.NewRun()
	if err := run.Maintain(times[len(times)-1]); err != nil {
		t.Fatal(err)
	}
	for _, at := range times {
		if err := run.RunUntil(context.Background(), at); err != nil {
			t.Fatal(err)
		}
		var on, cl float64
		measured := 0
		for id := range uint32(net.Len()) {
			if !net.Links().Online(id, at) || !net.Bootstrapped(id) {
				continue
			}
			h, err := net.TableHealth(id, at)
			if err != nil {
				t.Fatal(err)
			}
			on, cl, measured = on+h.Online, cl+h.Closest, measured+1
		}
		online, closest = append(online, on/float64(measured)), append(closest, cl/float64(measured))
	}
	return online, closest
}

// Without maintenance, tables rot as nodes come, go and leave: the share
// of a table online and the share of the true closest online nodes it
// knows fall hour after hour. With peers removed after two failures in a
// row and buckets refreshed every half hour (oldest policy, random
// tables), health stays within a band from hour 3 on: measured at 600
// nodes, online 0.45-0.48 and closest 0.63-0.70, where the rotting tables
// fall to 0.30 and 0.69 by hour 12.
// (Eviction keeps tables live but also drops close peers that are offline
// for a while, which refreshes find again only when they are back: the
// closest share settles lower than it starts.)
func TestMaintenanceKeepsTablesHealthy(t *testing.T) {
	n, times := 600, []time.Duration{0, 3 * time.Hour, 6 * time.Hour, 9 * time.Hour, 12 * time.Hour}
	if testing.Short() {
		n, times = 300, times[:3]
	}
	rotOn, rotClose := health(t, churning(t, n, dht.Maintenance{}), times)
	keptOn, keptClose := health(t, churning(t, n, dht.Maintenance{FailLimit: 2, Refresh: 30 * time.Minute}), times)
	t.Logf("no maintenance: online %.2f, closest %.2f", rotOn, rotClose)
	t.Logf("maintenance:    online %.2f, closest %.2f", keptOn, keptClose)
	last := len(times) - 1
	fall, fallClose := 0.05, 0.15 // online and closest shares, over 12 hours
	if testing.Short() {
		fall, fallClose = 0, 0.1 // over 6 hours
	}
	if rotOn[last] > rotOn[0]-fall || rotClose[last] > rotClose[0]-fallClose {
		t.Errorf("without maintenance health did not fall: online %.2f, closest %.2f", rotOn, rotClose)
	}
	for i := 1; i <= last; i++ {
		if keptOn[i] < 0.45 || keptOn[i] > 0.65 || keptClose[i] < 0.45 || keptClose[i] > 0.8 {
			t.Errorf("with maintenance, at %v: online %.2f, closest %.2f, outside the band", times[i], keptOn[i], keptClose[i])
		}
	}
	if keptOn[last] < rotOn[last]+0.05 {
		t.Errorf("at %v the maintained tables are not more live: %.2f against %.2f", times[last], keptOn[last], rotOn[last])
	}
}

// A peer that fails FailLimit requests in a row leaves the table.
func TestFailLimitRemovesPeers(t *testing.T) {
	cfg := dhttest.Config(600, 62)
	cfg.Network.FastErrorRate = 100
	cfg.Maintenance.FailLimit = 2
	net := dhttest.New(t, cfg)
	c := dhttest.Client(t, net, 9)
	before := c.RoutingLen()
	key := c.Key() ^ 0xffff
	for range 2 {
		if _, err := net.Lookup(9, key, dht.LookupOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if after := c.RoutingLen(); after >= before || after < before-2*cfg.Client.K {
		t.Fatalf("table of %d peers became %d after two lookups whose every request failed", before, after)
	}
}

// A newcomer nearer to a node than the farthest peer of its full bucket:
// under Closest it takes that peer's place; under Oldest the old peers
// stay and it waits in the replacement cache (routing's tests check that
// it takes the place of a peer removed later).
func TestPolicyInTables(t *testing.T) {
	for _, p := range []routing.Policy{routing.Closest, routing.Oldest} {
		cfg := dhttest.Config(2000, 63)
		cfg.Client.Policy = p
		cfg.Maintenance.FailLimit = 1
		net := dhttest.New(t, cfg)
		c := dhttest.Client(t, net, 4)
		bucket0 := func() []routing.Peer {
			var out []routing.Peer
			for _, q := range c.RoutingPeers() {
				if hashes.CommonPrefixLen(q.Key, c.Key()) == 0 {
					out = append(out, q)
				}
			}
			return out
		}
		before := bucket0()
		if len(before) != cfg.Client.K {
			t.Fatalf("bucket 0 holds %d peers", len(before))
		}
		farthest := before[len(before)-1] // Bucket order: nearest first
		// Add nodes until one falls in bucket 0, nearer than its farthest.
		var newcomer *dht.Client
		for range 5000 {
			a, err := net.AddNode()
			if err != nil {
				t.Fatal(err)
			}
			if hashes.CommonPrefixLen(a.Key(), c.Key()) == 0 && hashes.Closer(c.Key(), a.Key(), farthest.Key) {
				newcomer = a
				break
			}
		}
		if newcomer == nil {
			t.Fatal("no newcomer nearer than the bucket's farthest peer")
		}
		changed, err := c.AddPeer(newcomer.ID())
		if err != nil {
			t.Fatal(err)
		}
		has := func(id uint32) bool {
			return slices.ContainsFunc(bucket0(), func(q routing.Peer) bool { return q.ID == id })
		}
		switch p {
		case routing.Closest:
			if !changed || !has(newcomer.ID()) || has(farthest.ID) {
				t.Fatalf("closest: the newcomer did not replace the farthest peer")
			}
		case routing.Oldest:
			if changed || has(newcomer.ID()) || !has(farthest.ID) {
				t.Fatalf("oldest: the newcomer entered a full bucket")
			}
		}
	}
}

// Joining nodes bootstrap by a lookup of their own key: they end up with
// full tables, and nodes that served them know them.
func TestJoinsBootstrapByLookup(t *testing.T) {
	cfg := dhttest.Config(800, 64)
	cfg.Maintenance = dht.Maintenance{Joins: 60, JoinPeers: 3}
	net := dhttest.New(t, cfg)
	run := net.NewRun()
	if err := run.Maintain(time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := run.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	joined := net.Len() - 800
	if joined < 35 || joined > 90 { // Poisson(60): 99.9 % within
		t.Fatalf("%d joins in an hour at 60 per hour", joined)
	}
	known := 0
	for id := uint32(800); id < uint32(net.Len()); id++ {
		c := dhttest.Client(t, net, id)
		if c.RoutingLen() < cfg.Client.K {
			t.Fatalf("joined node %d has %d peers", id, c.RoutingLen())
		}
		for _, p := range net.ClosestNodes(c.Key(), 3)[1:] {
			for _, q := range dhttest.Client(t, net, p.ID).RoutingPeers() {
				if q.ID == id {
					known++
				}
			}
		}
	}
	if known < joined/2 {
		t.Fatalf("only %d of %d joined nodes are known to their closest neighbours", known, joined)
	}
}
