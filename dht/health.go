package dht

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/go-dht/go-dht/network/reach"
	"github.com/go-dht/go-dht/routing"
)

// Health is the state of one node's routing table at a simulated time, as
// field studies measure it (e.g. ProbeLab's RFM 19): how much of the table
// still answers, and how much of the neighbourhood it should know it does.
type Health struct {
	// Peers is the size of the table.
	Peers int
	// Online is the share of the table's peers online at the time and
	// dialable (NaN for an empty table).
	Online float64
	// Closest is the share of the node's true K closest reachable nodes
	// (online and dialable) that its table holds.
	Closest float64
}

// TableHealth measures node id's routing table at simulated time at (at
// least 0).
func (n *DHTNetwork) TableHealth(id uint32, at time.Duration) (Health, error) {
	if at < 0 {
		return Health{}, invalid("at", at, ">= 0 (simulated time from the start of the run)")
	}
	c, err := n.Client(id)
	if err != nil {
		return Health{}, err
	}
	peers := c.RoutingPeers()
	h := Health{Peers: len(peers)}
	on := 0
	for _, p := range peers {
		if n.reachable(p.ID, at) {
			on++
		}
	}
	h.Online = float64(on) / float64(len(peers))
	truth := n.closestOnline(c.Peer(), n.cfg.Client.K, at)
	h.Closest = 1
	if len(truth) > 0 {
		h.Closest = float64(known(peers, truth)) / float64(len(truth))
	}
	return h, nil
}

// closestOnline returns the count nodes nearest to self's key that are
// reachable at time at (online, and not undialable), self left out: the
// neighbourhood a table should know. It walks the ground truth outwards,
// skipping the others.
func (n *DHTNetwork) closestOnline(self routing.Peer, count int, at time.Duration) []routing.Peer {
	want := min(count, n.Len()-1)
	var truth []routing.Peer
	for ask := 2 * (count + 1); len(truth) < want; ask *= 2 {
		truth = truth[:0]
		for _, p := range n.ClosestNodes(self.Key, min(ask, n.Len())) {
			if p.ID != self.ID && n.reachable(p.ID, at) {
				if truth = append(truth, p); len(truth) == want {
					break
				}
			}
		}
		if ask >= n.Len() {
			break
		}
	}
	return truth
}

// reachable reports whether node id can be reached at time at: online, and
// not undialable (a flaky node counts as reachable).
func (n *DHTNetwork) reachable(id uint32, at time.Duration) bool {
	return n.links.Online(id, at) && n.links.Class(id) != reach.Undialable
}

// known counts the peers of truth that peers holds.
func known(peers, truth []routing.Peer) int {
	hits := 0
	for _, t := range truth {
		if slices.ContainsFunc(peers, func(p routing.Peer) bool { return p.ID == t.ID }) {
			hits++
		}
	}
	return hits
}

// HealthOptions choose what Health measures.
type HealthOptions struct {
	// At is the simulated time of the measure, >= 0: under churn, which
	// nodes are online then.
	At time.Duration
	// Nodes is the number of nodes measured, drawn without replacement
	// from Seed among those reachable at At (online and dialable, as a
	// crawler reads tables); 0 measures every one.
	Nodes int
	// Seed draws the measured nodes.
	Seed uint64
	// Closest is the size of the neighbourhood a table should know; 0
	// means 20, as ProbeLab's RFM 19 counts it.
	Closest int
}

// BucketHealth is the state of one bucket index over the measured tables.
type BucketHealth struct {
	// Entries is the mean number of peers in the bucket.
	Entries float64
	// Expected is min(k, N / 2^(i+1)), with N the nodes online: the
	// entries a table filled from the whole network holds on average.
	Expected float64
	// Unreachable is the share of the bucket's entries offline at the
	// time or undialable (NaN when the bucket is empty everywhere).
	Unreachable float64
}

// NetworkHealth is the health of a network's routing tables as ProbeLab's
// RFM 19 (April 2022) reports the IPFS DHT's: in the real network 61 % of
// nodes knew all of their 20 closest peers and 4.8 % fewer than 18; 3.8 %
// of the entries of full buckets were unreachable, about 15 % of the
// others.
type NetworkHealth struct {
	// Nodes is the number of tables measured; Online the nodes reachable
	// (online and dialable) at the time.
	Nodes, Online int
	// Closest is the size of the neighbourhood (20 by default).
	Closest int
	// KnowAll is the share of measured nodes whose table holds all of
	// their Closest closest reachable nodes (online and dialable); KnowFewer the share holding
	// fewer than Closest - 2 of them (RFM 19: fewer than 18 of 20).
	KnowAll, KnowFewer float64
	// Buckets holds each bucket index, from 0 to the deepest non-empty.
	Buckets []BucketHealth
	// UnreachableFull is the share of the entries of full buckets (k
	// peers) offline at the time or undialable; UnreachableOther that of
	// the other buckets' entries. NaN when there are none.
	UnreachableFull, UnreachableOther float64
}

// Health measures the routing tables of the network (or of a sample of its
// nodes) at a simulated time, as RFM 19 measures the IPFS DHT. It checks
// ctx between nodes.
func (n *DHTNetwork) Health(ctx context.Context, o HealthOptions) (NetworkHealth, error) {
	if o.At < 0 {
		return NetworkHealth{}, invalid("At", o.At, ">= 0 (simulated time from the start of the run)")
	}
	if o.Nodes < 0 || o.Nodes > n.Len() {
		return NetworkHealth{}, invalid("Nodes", o.Nodes, "0..%d (0: every node online)", n.Len())
	}
	if o.Closest == 0 {
		o.Closest = 20
	}
	if o.Closest < 1 || o.Closest > routing.MaxK {
		return NetworkHealth{}, invalid("Closest", o.Closest, "1..%d, or 0 for 20", routing.MaxK)
	}
	// The tables measured are those a crawler can read: of the nodes
	// reachable at the time.
	var online []uint32
	for id := range uint32(n.Len()) {
		if n.reachable(id, o.At) {
			online = append(online, id)
		}
	}
	h := NetworkHealth{Online: len(online), Closest: o.Closest}
	measured := online
	if o.Nodes > 0 && o.Nodes < len(online) {
		rng := rand.New(rand.NewPCG(o.Seed, 0x6865616c7468))
		measured = slices.Clone(online)
		for i := range o.Nodes { // a partial Fisher-Yates shuffle
			j := i + rng.IntN(len(measured)-i)
			measured[i], measured[j] = measured[j], measured[i]
		}
		measured = measured[:o.Nodes]
	}
	k := n.cfg.Client.K
	var entries, offline []int // by bucket, summed over the tables
	var fullOff, fullAll, otherOff, otherAll int
	var peers []routing.Peer
	for i, id := range measured {
		if i&255 == 0 {
			if err := ctx.Err(); err != nil {
				return NetworkHealth{}, err
			}
		}
		c := &Client{id: id, key: n.space.Key(id), net: n}
		var sizes []int
		peers = peers[:0]
		c.readTable(func(t *routing.Table) {
			peers = t.AppendPeers(peers)
			sizes = t.BucketSizes()
		})
		for len(entries) < len(sizes) {
			entries, offline = append(entries, 0), append(offline, 0)
		}
		// Peers lists the buckets in order, so the j-th peer's bucket is
		// found by walking the sizes.
		j := 0
		for b, size := range sizes {
			entries[b] += size
			for _, p := range peers[j : j+size] {
				off := !n.reachable(p.ID, o.At)
				if off {
					offline[b]++
				}
				if size >= k {
					fullAll++
					fullOff += b2i(off)
				} else {
					otherAll++
					otherOff += b2i(off)
				}
			}
			j += size
		}
		truth := n.closestOnline(c.Peer(), o.Closest, o.At)
		got := known(peers, truth)
		if got == len(truth) {
			h.KnowAll++
		}
		if got < len(truth)-2 {
			h.KnowFewer++
		}
	}
	h.Nodes = len(measured)
	if h.Nodes > 0 {
		h.KnowAll /= float64(h.Nodes)
		h.KnowFewer /= float64(h.Nodes)
	}
	for b := range entries {
		h.Buckets = append(h.Buckets, BucketHealth{
			Entries:     float64(entries[b]) / float64(max(1, h.Nodes)),
			Expected:    min(float64(k), float64(len(online))/float64(uint64(2)<<b)),
			Unreachable: ratio(offline[b], entries[b]),
		})
	}
	h.UnreachableFull, h.UnreachableOther = ratio(fullOff, fullAll), ratio(otherOff, otherAll)
	return h, nil
}

// ratio returns a / b, NaN when b is 0.
func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// String summarizes the health in one line, as RFM 19 states it.
func (h NetworkHealth) String() string {
	return fmt.Sprintf("%d tables: %.1f%% know all of their %d closest, %.1f%% fewer than %d; unreachable entries %.1f%% in full buckets, %.1f%% in the others",
		h.Nodes, 100*h.KnowAll, h.Closest, 100*h.KnowFewer, h.Closest-2, 100*h.UnreachableFull, 100*h.UnreachableOther)
}
