package dht_test

import (
	"context"
	"math"
	"testing"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/dhttest"
	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network/reach"
)

// Health reads tables as ProbeLab's RFM 19 reads the IPFS DHT's, and its
// figures are what the tables hold, counted here independently:
//   - optimal (closest) tables hold every node's 20 closest, so every node
//     knows all of them and none fewer than 18;
//   - a bucket's mean entries are the mean of the tables' bucket sizes, and
//     its expected entries min(k, N / 2^(i+1));
//   - with every node dialable no entry is unreachable; with a quarter of
//     the nodes undialable, the unreachable share of each kind of bucket is
//     the share of undialable entries in those buckets, about a quarter
//     (random tables draw their members whatever their class).
func TestHealthReadsTablesAsRFM19(t *testing.T) {
	const n, k = 2000, 20
	cfg := dhttest.Config(n, 61)
	cfg.Fill = dht.FillClosest
	h, err := dhttest.New(t, cfg).Health(context.Background(), dht.HealthOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if h.Nodes != n || h.Online != n || h.KnowAll != 1 || h.KnowFewer != 0 {
		t.Errorf("closest tables: %d measured of %d online, know all %.3f, fewer than 18 %.3f; want %d of %d, 1 and 0",
			h.Nodes, h.Online, h.KnowAll, h.KnowFewer, n, n)
	}
	if h.UnreachableFull != 0 || h.UnreachableOther != 0 {
		t.Errorf("every node dialable: unreachable %.3f (full buckets), %.3f (others); want 0", h.UnreachableFull, h.UnreachableOther)
	}

	cfg.Fill = dht.FillRandom
	cfg.Network.Reach = reach.Model{Undialable: 0.25, DialTimeout: dhttest.Ms}
	net := dhttest.New(t, cfg)
	h, err = net.Health(context.Background(), dht.HealthOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Count independently: bucket sizes from each reachable node's peers,
	// and undialable entries of full and other buckets.
	classes := reach.NewClassifier(cfg.Network.Reach, cfg.Network.Seed)
	var sizes [hashes.Bits + 1]float64
	var off, all [2]int // [0]: full buckets, [1]: the others
	measured := 0
	for id := range uint32(n) {
		if classes.Class(id) != reach.Dialable {
			continue // a crawler cannot read its table
		}
		measured++
		c := dhttest.Client(t, net, id)
		var bucket [hashes.Bits + 1][]uint32
		for _, p := range c.RoutingPeers() {
			b := hashes.CommonPrefixLen(c.Key(), p.Key)
			bucket[b] = append(bucket[b], p.ID)
		}
		for b, ids := range bucket {
			sizes[b] += float64(len(ids))
			kind := 1
			if len(ids) >= k {
				kind = 0
			}
			for _, p := range ids {
				all[kind]++
				if classes.Class(p) != reach.Dialable {
					off[kind]++
				}
			}
		}
	}
	if h.Nodes != measured || h.Online != measured {
		t.Errorf("%d measured, %d online; want the %d dialable nodes", h.Nodes, h.Online, measured)
	}
	for b, bh := range h.Buckets {
		if want := sizes[b] / float64(measured); math.Abs(bh.Entries-want) > 1e-9 {
			t.Errorf("bucket %d: %.3f entries, want %.3f", b, bh.Entries, want)
		}
		if want := math.Min(k, float64(measured)/math.Pow(2, float64(b+1))); math.Abs(bh.Expected-want) > 1e-9 {
			t.Errorf("bucket %d: %.3f expected, want %.3f", b, bh.Expected, want)
		}
	}
	for kind, got := range []float64{h.UnreachableFull, h.UnreachableOther} {
		want := float64(off[kind]) / float64(all[kind])
		if math.IsNaN(got) || math.Abs(got-want) > 1e-9 || math.Abs(got-0.25) > 0.03 {
			t.Errorf("unreachable share of %s buckets %.4f; counted %.4f, want about 0.25",
				[]string{"full", "other"}[kind], got, want)
		}
	}
}
