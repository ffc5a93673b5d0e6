package routing

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/go-dht/go-dht/hashes"
)

// Under the random fill every bucket holds min(k, candidates) distinct
// peers, each a candidate of that bucket (it shares exactly b leading bits
// with the owner), on uniform, clustered and colliding key spaces, for k
// from 1 to MaxK-sized buckets; the tables do not depend on the number of
// workers, and a table built alone is the one built with all the others.
func TestRandomFillBucketsHoldCandidates(t *testing.T) {
	n, probes := 3000, 30
	if testing.Short() {
		n, probes = 800, 8
	}
	fill := RandomFill(7)
	for _, k := range []int{1, 2, 5, 20, 40} {
		for name, space := range testSpaces(n, uint64(k)+70) {
			t.Run(fmt.Sprintf("%s/k=%d", name, k), func(t *testing.T) {
				ix := NewIndex(space.Keys())
				var ref []Table
				for _, workers := range []int{1, 2, 8} {
					tables, err := ix.BuildFilledTables(context.Background(), space, k, fill, workers)
					if err != nil {
						t.Fatal(err)
					}
					if ref == nil {
						ref = tables
						continue
					}
					for id := range tables {
						identicalTable(t, &ref[id], &tables[id])
					}
				}
				rng := rand.New(rand.NewPCG(uint64(k), 71))
				for range probes {
					self := uint32(rng.IntN(n))
					tab := &ref[self]
					one, err := ix.FilledTable(self, space.Key(self), k, fill, space)
					if err != nil {
						t.Fatal(err)
					}
					identicalTable(t, tab, one)
					_, candidates := bruteBuckets(space, self, k)
					for b := range NumBuckets {
						got := tab.Bucket(b)
						if len(got) != min(k, candidates[b]) {
							t.Fatalf("node %d bucket %d: %d peers, want min(k=%d, %d candidates)", self, b, len(got), k, candidates[b])
						}
						seen := map[uint32]bool{}
						for _, p := range got {
							if seen[p.ID] || p.ID == self {
								t.Fatalf("node %d bucket %d: peer %d twice or self", self, b, p.ID)
							}
							seen[p.ID] = true
							if cpl := hashes.CommonPrefixLen(space.Key(self), p.Key); cpl != b || p.Key != space.Key(p.ID) {
								t.Fatalf("node %d bucket %d: peer %d shares %d bits (key %s)", self, b, p.ID, cpl, p.Key)
							}
						}
					}
				}
			})
		}
	}
}

// A full bucket's members are a uniform sample of its candidates: over
// many nodes, the rank of each member among its bucket's candidates (in
// key order) falls in each tenth of the run about equally often (a
// chi-square test at 9 degrees of freedom, far below its 0.1 % critical
// value of 27.9), and the members of one bucket spread over its run (the
// span of their ranks is (k-1)/(k+1) of the run on average). The closest
// fill, by contrast, takes the k nearest: a sliver of the run.
func TestRandomFillIsUniform(t *testing.T) {
	n, nodes := 20000, 2000
	if testing.Short() {
		n, nodes = 5000, 600
	}
	const k = 20
	space := randomSpace(n, 3)
	ix := NewIndex(space.Keys())
	chi := func(f Fill) (x, span float64) {
		var tenths [10]int
		total, buckets := 0, 0
		for self := range uint32(nodes) {
			local := space.Key(self)
			tab, err := ix.FilledTable(self, local, k, f, space)
			if err != nil {
				t.Fatal(err)
			}
			// Bucket 0 and 1: thousands of candidates, one run each.
			for b := range 2 {
				lo, hi := ix.rangeOf(local.FlipBit(b), b+1)
				first, last := hi-lo, -1
				for _, p := range tab.Bucket(b) {
					pos := slices.Index(ix.ids[lo:hi], p.ID)
					if pos < 0 {
						t.Fatalf("node %d bucket %d: peer %d not among its candidates", self, b, p.ID)
					}
					tenths[pos*10/(hi-lo)]++
					total++
					first, last = min(first, pos), max(last, pos)
				}
				span += float64(last-first) / float64(hi-lo)
				buckets++
			}
		}
		want := float64(total) / 10
		for _, c := range tenths {
			x += (float64(c) - want) * (float64(c) - want) / want
		}
		return x, span / float64(buckets)
	}
	if x, span := chi(RandomFill(11)); x > 27.9 || span < 0.85 {
		t.Errorf("random fill: chi-square of member ranks %.1f over 10 tenths (want below 27.9), mean span %.3f of the run (want about %.3f)",
			x, span, float64(k-1)/float64(k+1))
	}
	if _, span := chi(ClosestFill()); span > 0.05 {
		t.Errorf("closest fill: members span %.3f of their run, want a sliver (they are the nearest)", span)
	}
}

// The draws of a bucket come from a stream of (seed, node, bucket): the
// same seed gives the same tables, another seed other tables, and no two
// nodes draw alike.
func TestRandomFillStreams(t *testing.T) {
	const n, k = 4000, 8
	space := randomSpace(n, 5)
	ix := NewIndex(space.Keys())
	table := func(self uint32, seed uint64) *Table {
		tab, err := ix.FilledTable(self, space.Key(self), k, RandomFill(seed), space)
		if err != nil {
			t.Fatal(err)
		}
		return tab
	}
	for self := range uint32(20) {
		identicalTable(t, table(self, 1), table(self, 1))
		if slices.Equal(table(self, 1).Bucket(0), table(self, 2).Bucket(0)) {
			t.Errorf("node %d: bucket 0 is the same under seeds 1 and 2", self)
		}
	}
	// Nodes whose buckets 0 cover the same half of the keys draw different
	// members of it.
	same := 0
	var first []Peer
	for self := range uint32(n) {
		if space.Key(self).Bit(0) != 0 {
			continue
		}
		b := table(self, 1).Bucket(0)
		if first == nil {
			first = b
		} else if slices.Equal(first, b) {
			same++
		}
	}
	if same > 0 {
		t.Errorf("%d nodes drew the very bucket 0 of the first", same)
	}
}

// A bucket read from the index holds the members of the built table's
// bucket, in the same order, under both fills.
func TestFilledBucketEqualsTable(t *testing.T) {
	space := randomSpace(3000, 9)
	ix := NewIndex(space.Keys())
	for _, f := range testFills {
		for _, k := range []int{1, 5, 16, 20} {
			for self := uint32(0); self < 3000; self += 101 {
				tab, err := ix.FilledTable(self, space.Key(self), k, f, space)
				if err != nil {
					t.Fatal(err)
				}
				for b := range hashes.Bits {
					want := tab.AppendBucket(nil, b)
					got := ix.AppendFilledBucket(nil, self, space.Key(self), k, f, b)
					if !slices.Equal(got, want) {
						t.Fatalf("%v k=%d node %d bucket %d:\ngot  %v\nwant %v", f, k, self, b, got, want)
					}
				}
			}
		}
	}
}
