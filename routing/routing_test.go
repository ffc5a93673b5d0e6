package routing

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/go-dht/go-dht/hashes"
)

// randomSpace returns a key space of n keys drawn from seed.
func randomSpace(n int, seed uint64) *KeySpace {
	space := NewKeySpace(n)
	for id := range n {
		space.Append(hashes.NodeKey(seed, uint32(id)))
	}
	return space
}

// incrementalTable builds the table of self by adding every id one at a time,
// in the order given.
func incrementalTable(t testing.TB, space *KeySpace, self uint32, k int, order []uint32) *Table {
	t.Helper()
	tab, err := NewTable(self, space.Key(self), k, space)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range order {
		tab.Add(id)
	}
	return tab
}

// sameTable fails the test when two tables differ bucket by bucket.
func sameTable(t testing.TB, want, got *Table) {
	t.Helper()
	if w, g := want.Summary(), got.Summary(); w != g {
		t.Fatalf("node %d: buckets differ:\nwant %s\ngot  %s", want.Self(), w, g)
	}
	for b := range NumBuckets {
		if w, g := want.Bucket(b), got.Bucket(b); !slices.Equal(w, g) {
			t.Fatalf("node %d bucket %d differs:\nwant %v\ngot  %v", want.Self(), b, w, g)
		}
	}
}

func TestOptimalTableEqualsIncremental(t *testing.T) {
	for _, tc := range []struct {
		n, k int
		seed uint64
	}{
		{1, 3, 1}, {2, 1, 2}, {50, 1, 3}, {300, 3, 4}, {1000, 20, 5}, {2000, 8, 6},
	} {
		t.Run(fmt.Sprintf("n=%d/k=%d/seed=%d", tc.n, tc.k, tc.seed), func(t *testing.T) {
			space := randomSpace(tc.n, tc.seed)
			ix := NewIndex(space.Keys())
			rng := rand.New(rand.NewPCG(tc.seed, 99))
			order := make([]uint32, tc.n)
			for i := range order {
				order[i] = uint32(i)
			}
			tables, err := ix.BuildTables(context.Background(), space, tc.k, 3)
			if err != nil {
				t.Fatal(err)
			}
			for probe := 0; probe < min(tc.n, 40); probe++ {
				self := uint32(rng.IntN(tc.n))
				rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
				want := incrementalTable(t, space, self, tc.k, order)
				one, err := ix.OptimalTable(self, space.Key(self), tc.k, space)
				if err != nil {
					t.Fatal(err)
				}
				sameTable(t, want, one)
				sameTable(t, want, &tables[self])
			}
		})
	}
}

// keyAtPrefix returns a key that shares exactly i leading bits with k
// (0 <= i < 64), the bits after the first differing one drawn from rng; with
// i = 64 it returns k itself.
func keyAtPrefix(k hashes.Key, i int, rng *rand.Rand) hashes.Key {
	if i >= hashes.Bits {
		return k
	}
	out := k.FlipBit(i)
	if i < hashes.Bits-1 {
		out ^= hashes.Key(rng.Uint64() & (uint64(1)<<(hashes.Bits-1-i) - 1))
	}
	return out
}

// spaceOf returns a key space holding keys under ids 0, 1, 2, ...
func spaceOf(keys []hashes.Key) *KeySpace {
	space := NewKeySpace(len(keys))
	space.AppendMany(keys)
	return space
}

// clusteredSpace returns n distinct keys that crowd around a few centres:
// most pairs share long prefixes, deeper than the index's radix table, the
// case uniform hashes almost never produce. With duplicates, some keys are
// also exact copies of others (bucket 64 of their tables).
func clusteredSpace(n int, seed uint64, duplicates bool) *KeySpace {
	rng := rand.New(rand.NewPCG(seed, 7))
	centres := make([]hashes.Key, 1+n/50)
	for i := range centres {
		centres[i] = hashes.Key(rng.Uint64())
	}
	keys := make([]hashes.Key, 0, n)
	seen := map[hashes.Key]bool{}
	for len(keys) < n {
		c := centres[rng.IntN(len(centres))]
		var k hashes.Key
		switch r := rng.IntN(8); {
		case duplicates && r == 0: // a copy of a centre
			k = c
		case duplicates && r == 1 && len(keys) > 0: // a copy of an earlier key
			k = keys[rng.IntN(len(keys))]
		case r == 2: // anywhere
			k = hashes.Key(rng.Uint64())
		default: // at a random prefix length from the centre, up to 63
			k = keyAtPrefix(c, 16+rng.IntN(48), rng)
		}
		if seen[k] && !duplicates {
			continue
		}
		seen[k] = true
		keys = append(keys, k)
	}
	return spaceOf(keys)
}

// testSpaces returns the key spaces of the property tests: uniform (the
// node keys of a seed), clustered, and clustered with duplicate keys.
func testSpaces(n int, seed uint64) map[string]*KeySpace {
	spaces := map[string]*KeySpace{}
	for _, kind := range spaceKinds {
		spaces[kind] = kindSpace(kind, n, seed)
	}
	return spaces
}

// spaceKinds are the kinds of key spaces of the property tests.
var spaceKinds = []string{"uniform", "clustered", "duplicates"}

// kindSpace returns the key space of one of spaceKinds, as testSpaces does,
// without building the other kinds.
func kindSpace(kind string, n int, seed uint64) *KeySpace {
	switch kind {
	case "uniform":
		return randomSpace(n, seed)
	case "clustered":
		return clusteredSpace(n, seed, false)
	}
	return clusteredSpace(n, seed, true)
}

// allPeers returns every id of space with its key.
func allPeers(space *KeySpace) []Peer {
	peers := make([]Peer, space.Len())
	for id, k := range space.Keys() {
		peers[id] = Peer{ID: uint32(id), Key: k}
	}
	return peers
}

// bruteClosest returns the n peers nearest to target by sorting them all.
func bruteClosest(peers []Peer, target hashes.Key, n int) []Peer {
	sorted := slices.Clone(peers)
	slices.SortFunc(sorted, func(a, b Peer) int { return ComparePeers(target, a, b) })
	return sorted[:max(0, min(n, len(sorted)))]
}

// bruteBuckets returns the buckets of the optimal table of self, found by
// scanning every node: bucket i holds the k nodes nearest to the local key
// among those sharing exactly i bits with it; candidates[i] counts those.
func bruteBuckets(space *KeySpace, self uint32, k int) (buckets [NumBuckets][]Peer, candidates [NumBuckets]int) {
	local := space.Key(self)
	var groups [NumBuckets][]Peer
	for _, p := range allPeers(space) {
		if p.ID != self {
			i := hashes.CommonPrefixLen(local, p.Key)
			groups[i] = append(groups[i], p)
		}
	}
	for i, g := range groups {
		buckets[i], candidates[i] = bruteClosest(g, local, k), len(g)
	}
	return buckets, candidates
}

// identicalTable fails unless two tables hold the same peers in the same
// layout (a stricter and cheaper check than sameTable).
func identicalTable(t testing.TB, want, got *Table) {
	t.Helper()
	if want.local != got.local || want.self != got.self || want.k != got.k ||
		!slices.Equal(want.ids, got.ids) || !slices.Equal(want.ends, got.ends) {
		t.Fatalf("node %d: tables differ:\nwant %s %v\ngot  %s %v", want.Self(), want.Summary(), want.ids, got.Summary(), got.ids)
	}
}

// checkSortedUnique fails when peers are not strictly increasing in the
// order of ComparePeers around target (which also rules out duplicates).
func checkSortedUnique(t testing.TB, peers []Peer, target hashes.Key) {
	t.Helper()
	seen := map[uint32]bool{}
	for i, p := range peers {
		if seen[p.ID] {
			t.Fatalf("peer %d appears twice in %v", p.ID, peers)
		}
		seen[p.ID] = true
		if i > 0 && ComparePeers(target, peers[i-1], p) >= 0 {
			t.Fatalf("peers %d and %d out of order around %s", i-1, i, target)
		}
	}
}

// shuffled returns the ids 0..n-1 in an order drawn from rng.
func shuffled(n int, rng *rand.Rand) []uint32 {
	order := make([]uint32, n)
	for i := range order {
		order[i] = uint32(i)
	}
	rng.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
	return order
}

// The parallel builder gives the same tables whatever the number of
// workers, and they equal the tables built one peer at a time.
func TestBuildTablesIndependentOfWorkers(t *testing.T) {
	n := 4000
	if testing.Short() {
		n = 1000
	}
	for _, seed := range []uint64{1, 2, 3} {
		for _, k := range []int{1, 2, 20} {
			for name, space := range testSpaces(n, seed) {
				t.Run(fmt.Sprintf("%s/seed=%d/k=%d", name, seed, k), func(t *testing.T) {
					ix := NewIndex(space.Keys())
					var ref []Table
					for _, workers := range []int{1, 2, 8} {
						tables, err := ix.BuildTables(context.Background(), space, k, workers)
						if err != nil {
							t.Fatal(err)
						}
						if len(tables) != n {
							t.Fatalf("workers=%d: %d tables for %d nodes", workers, len(tables), n)
						}
						if ref == nil {
							ref = tables
							continue
						}
						for id := range tables {
							identicalTable(t, &ref[id], &tables[id])
						}
					}
					rng := rand.New(rand.NewPCG(seed, uint64(k)))
					for range 5 {
						self := uint32(rng.IntN(n))
						sameTable(t, incrementalTable(t, space, self, k, shuffled(n, rng)), &ref[self])
					}
				})
			}
		}
	}
}

// For several seeds, every k from 1 to 20 and networks
// of up to 20,000 nodes, the fast builder equals the one-peer-at-a-time
// table of sampled nodes.
func TestOptimalTablesProperty(t *testing.T) {
	sizes := []int{1, 2, 3, 65, 1000, 5000, 20000}
	probes := 6
	if testing.Short() {
		sizes = []int{1, 2, 3, 65, 700, 2000}
		probes = 2
	}
	for _, seed := range []uint64{11, 12, 13} {
		for k := 1; k <= 20; k++ {
			n := sizes[(k+int(seed))%len(sizes)]
			for name, space := range testSpaces(n, seed*100+uint64(k)) {
				t.Run(fmt.Sprintf("%s/seed=%d/k=%d/n=%d", name, seed, k, n), func(t *testing.T) {
					ix := NewIndex(space.Keys())
					tables, err := ix.BuildTables(context.Background(), space, k, 2)
					if err != nil {
						t.Fatal(err)
					}
					rng := rand.New(rand.NewPCG(seed, uint64(k)*31))
					for range min(n, probes) {
						self := uint32(rng.IntN(n))
						want := incrementalTable(t, space, self, k, shuffled(n, rng))
						sameTable(t, want, &tables[self])
						one, err := ix.OptimalTable(self, space.Key(self), k, space)
						if err != nil {
							t.Fatal(err)
						}
						sameTable(t, want, one)
					}
				})
			}
		}
	}
}

// Bucket i of an optimal table holds exactly min(k, number of nodes
// at prefix length i) peers, and they are the closest such nodes to the
// local key, checked by brute force over all nodes.
func TestBucketsHoldClosest(t *testing.T) {
	n, probes := 3000, 40
	if testing.Short() {
		n, probes = 800, 10
	}
	for _, k := range []int{1, 5, 20} {
		for name, space := range testSpaces(n, uint64(k)) {
			t.Run(fmt.Sprintf("%s/k=%d", name, k), func(t *testing.T) {
				ix := NewIndex(space.Keys())
				tables, err := ix.BuildTables(context.Background(), space, k, 2)
				if err != nil {
					t.Fatal(err)
				}
				rng := rand.New(rand.NewPCG(uint64(k), 5))
				for range probes {
					self := uint32(rng.IntN(n))
					tab := &tables[self]
					total := 0
					sizes := tab.BucketSizes()
					buckets, candidates := bruteBuckets(space, self, k)
					for i := range NumBuckets {
						want, cands := buckets[i], candidates[i]
						got := tab.Bucket(i)
						if len(got) != min(k, cands) {
							t.Fatalf("node %d bucket %d holds %d peers, want min(k=%d, %d candidates)", self, i, len(got), k, cands)
						}
						if !slices.Equal(got, want) {
							t.Fatalf("node %d bucket %d:\ngot  %v\nwant %v", self, i, got, want)
						}
						if i < len(sizes) && sizes[i] != len(got) {
							t.Fatalf("node %d: BucketSizes()[%d] = %d, bucket holds %d", self, i, sizes[i], len(got))
						}
						if i >= len(sizes) && len(got) != 0 {
							t.Fatalf("node %d: BucketSizes() stops at %d, bucket %d holds %d", self, len(sizes), i, len(got))
						}
						total += len(got)
					}
					if tab.Len() != total || len(tab.Peers()) != total {
						t.Fatalf("node %d: Len %d, Peers %d, buckets hold %d", self, tab.Len(), len(tab.Peers()), total)
					}
				}
			})
		}
	}
}

// targetsFor returns lookup targets around local: random keys, the local
// key itself, keys of peers, and keys at every prefix length from local.
func targetsFor(local hashes.Key, space *KeySpace, rng *rand.Rand) []hashes.Key {
	targets := []hashes.Key{local, ^local}
	for range 20 {
		targets = append(targets, hashes.Key(rng.Uint64()), space.Key(uint32(rng.IntN(space.Len()))))
	}
	for i := 0; i <= hashes.Bits; i += 3 {
		targets = append(targets, keyAtPrefix(local, i, rng))
	}
	return targets
}

// Table.Closest and Table.AppendClosest return the true nearest
// entries of the table, sorted, without duplicates, for optimal tables and
// for tables fed with a random part of the network.
func TestTableClosestProperty(t *testing.T) {
	n, probes := 2000, 16
	if testing.Short() {
		n, probes = 500, 8
	}
	for _, k := range []int{1, 4, 20} {
		for name, space := range testSpaces(n, uint64(40+k)) {
			t.Run(fmt.Sprintf("%s/k=%d", name, k), func(t *testing.T) {
				ix := NewIndex(space.Keys())
				rng := rand.New(rand.NewPCG(uint64(k), 6))
				for probe := range probes {
					self := uint32(rng.IntN(n))
					var tab *Table
					if probe%2 == 0 {
						var err error
						if tab, err = ix.OptimalTable(self, space.Key(self), k, space); err != nil {
							t.Fatal(err)
						}
					} else { // a partial table: a random third of the nodes
						tab = incrementalTable(t, space, self, k, shuffled(n, rng)[:n/3])
					}
					peers := tab.Peers()
					for _, target := range targetsFor(tab.Local(), space, rng) {
						for _, count := range []int{0, 1, 2, k, 3 * k, len(peers), len(peers) + 7} {
							want := bruteClosest(peers, target, count)
							got := tab.Closest(target, count)
							if !slices.Equal(got, want) {
								t.Fatalf("node %d Closest(%s, %d):\ngot  %v\nwant %v", self, target, count, got, want)
							}
							checkSortedUnique(t, got, target)
							prefix := []Peer{{ID: 1 << 30, Key: 1}}
							app := tab.AppendClosest(prefix, target, count)
							if app[0] != prefix[0] || !slices.Equal(app[1:], want) {
								t.Fatalf("node %d AppendClosest(%s, %d) = %v, want %v after the prefix", self, target, count, app, want)
							}
						}
					}
				}
			})
		}
	}
}

// Index.Closest returns the network-wide nearest keys, sorted,
// without duplicates, checked against sorting every key.
func TestIndexClosestProperty(t *testing.T) {
	probes := 300
	sizes := []int{1, 2, 17, 1000, 10000}
	if testing.Short() {
		probes = 60
		sizes = []int{1, 2, 17, 1000, 3000}
	}
	for _, n := range sizes {
		for name, space := range testSpaces(n, uint64(n)) {
			t.Run(fmt.Sprintf("%s/n=%d", name, n), func(t *testing.T) {
				ix := NewIndex(space.Keys())
				if ix.Len() != n {
					t.Fatalf("Len = %d, want %d", ix.Len(), n)
				}
				all := allPeers(space)
				rng := rand.New(rand.NewPCG(uint64(n), 8))
				for range min(probes, max(20, 400000/n)) {
					local := space.Key(uint32(rng.IntN(n)))
					targets := targetsFor(local, space, rng)
					target := targets[rng.IntN(len(targets))]
					count := []int{0, 1, 3, 20, 100, n, n + 1}[rng.IntN(7)]
					want := bruteClosest(all, target, count)
					got := ix.Closest(target, count)
					if !slices.Equal(got, want) {
						t.Fatalf("Closest(%s, %d):\ngot  %v\nwant %v", target, count, got, want)
					}
					checkSortedUnique(t, got, target)
					app := ix.AppendClosest([]Peer{{ID: 9, Key: 9}}, target, count)
					if len(app) != len(want)+1 || !slices.Equal(app[1:], want) {
						t.Fatalf("AppendClosest(%s, %d) = %v, want %v after the prefix", target, count, app, want)
					}
				}
			})
		}
	}
}

// Bad input is an error or an empty answer, never a panic: a nil table reads
// as empty and a negative count asks for nothing.
func TestClosestEmptyAnswers(t *testing.T) {
	space := randomSpace(50, 3)
	tab, err := NewIndex(space.Keys()).OptimalTable(0, space.Key(0), 4, space)
	if err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(space.Keys())
	var nilTable *Table
	for _, tc := range []struct {
		name    string
		closest func() []Peer
	}{
		{"nil table Closest", func() []Peer { return nilTable.Closest(5, 3) }},
		{"nil table AppendClosest", func() []Peer { return nilTable.AppendClosest(nil, 5, 3) }},
		{"table Closest n=0", func() []Peer { return tab.Closest(5, 0) }},
		{"table Closest n=-1", func() []Peer { return tab.Closest(5, -1) }},
		{"table AppendClosest n=-1", func() []Peer { return tab.AppendClosest(nil, 5, -1) }},
		{"index Closest n=0", func() []Peer { return ix.Closest(5, 0) }},
		{"index Closest n=-1", func() []Peer { return ix.Closest(5, -1) }},
		{"index AppendClosest n=-1", func() []Peer { return ix.AppendClosest(nil, 5, -1) }},
		{"empty index Closest", func() []Peer { return NewIndex(nil).Closest(5, 3) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("panic: %v", r)
				}
			}()
			if got := tc.closest(); len(got) != 0 {
				t.Fatalf("got %v, want no peers", got)
			}
		})
	}
}

func TestNilTableReadsAsEmpty(t *testing.T) {
	var tab *Table
	if tab.Len() != 0 || tab.Peers() != nil || tab.Bucket(0) != nil || tab.BucketSizes() != nil ||
		tab.Summary() != "" || tab.Contains(0) {
		t.Errorf("nil table: Len %d, Peers %v, Bucket(0) %v, BucketSizes %v, Summary %q, Contains(0) %v",
			tab.Len(), tab.Peers(), tab.Bucket(0), tab.BucketSizes(), tab.Summary(), tab.Contains(0))
	}
}

// replacementKeys are keys around local = 0 whose distances to it are
// plain to read: the distance of a key to 0 is the key.
var replacementKeys = []hashes.Key{
	0,                  // id 0: self
	0x8000000000000001, // id 1: bucket 0, nearest
	0xa000000000000000, // id 2: bucket 0
	0xc000000000000000, // id 3: bucket 0
	0xf000000000000000, // id 4: bucket 0, farthest
	0x4000000000000000, // id 5: bucket 1
	0xc000000000000000, // id 6: bucket 0, same key as id 3
	0x9000000000000000, // id 7: bucket 0, between ids 1 and 2
	0x0000000000000001, // id 8: bucket 63
}

func TestAddReplacementPolicy(t *testing.T) {
	for _, tc := range []struct {
		name    string
		k       int
		adds    []uint32
		changed []bool
		bucket0 []uint32 // ids of bucket 0, nearest to local first
		summary string
	}{
		{"room", 2, []uint32{4, 2}, []bool{true, true}, []uint32{2, 4}, "b0:2"},
		{"closer replaces farthest", 2, []uint32{4, 2, 3}, []bool{true, true, true}, []uint32{2, 3}, "b0:2"},
		{"farther is dropped", 2, []uint32{1, 2, 4}, []bool{true, true, false}, []uint32{1, 2}, "b0:2"},
		{"replaces the farthest, not the oldest", 2, []uint32{4, 1, 7}, []bool{true, true, true}, []uint32{1, 7}, "b0:2"},
		{"equal key, larger id is dropped", 1, []uint32{3, 6}, []bool{true, false}, []uint32{3}, "b0:1"},
		{"equal key, smaller id replaces", 1, []uint32{6, 3}, []bool{true, true}, []uint32{3}, "b0:1"},
		{"duplicate ignored", 2, []uint32{2, 2, 2}, []bool{true, false, false}, []uint32{2}, "b0:1"},
		{"self ignored", 2, []uint32{0, 2}, []bool{false, true}, []uint32{2}, "b0:1"},
		{"other buckets unaffected", 1, []uint32{4, 5, 8, 1}, []bool{true, true, true, true}, []uint32{1}, "b0:1 b1:1 " + zeros(2, 62) + " b63:1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			space := spaceOf(replacementKeys)
			tab, err := NewTable(0, 0, tc.k, space)
			if err != nil {
				t.Fatal(err)
			}
			for i, id := range tc.adds {
				if got := tab.Add(id); got != tc.changed[i] {
					t.Errorf("Add(%d) = %v, want %v", id, got, tc.changed[i])
				}
			}
			var got []uint32
			for _, p := range tab.Bucket(0) {
				got = append(got, p.ID)
			}
			if !slices.Equal(got, tc.bucket0) {
				t.Errorf("bucket 0 = %v, want %v", got, tc.bucket0)
			}
			if s := tab.Summary(); s != tc.summary {
				t.Errorf("Summary = %q, want %q", s, tc.summary)
			}
			for _, id := range tc.bucket0 {
				if !tab.Contains(id) {
					t.Errorf("Contains(%d) = false", id)
				}
			}
			if tab.Contains(0) {
				t.Error("the table contains its own node")
			}
			if tab.Contains(uint32(len(replacementKeys))) || tab.Contains(1<<31) {
				t.Error("the table contains an id outside the key space")
			}
			if tab.Bucket(-1) != nil || tab.Bucket(NumBuckets) != nil {
				t.Error("a bucket outside 0..64 is not empty")
			}
		})
	}
}

// zeros returns "bFROM:0 ... bTO:0", the summary of empty buckets from..to.
func zeros(from, to int) string {
	var parts []string
	for b := from; b <= to; b++ {
		parts = append(parts, fmt.Sprintf("b%d:0", b))
	}
	return strings.Join(parts, " ")
}

// The replacement policy makes a table a function of the set of peers it
// was fed, not of their order.
func TestAddOrderIndependent(t *testing.T) {
	for name, space := range testSpaces(600, 21) {
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(21, 22))
			for _, k := range []int{1, 3, 8} {
				subset := shuffled(600, rng)[:300]
				want := incrementalTable(t, space, subset[0], k, subset)
				for range 5 {
					rng.Shuffle(len(subset), func(i, j int) { subset[i], subset[j] = subset[j], subset[i] })
					sameTable(t, want, incrementalTable(t, space, want.Self(), k, subset))
				}
				// Feeding the same peers twice changes nothing.
				again := incrementalTable(t, space, want.Self(), k, subset)
				for _, id := range subset {
					if again.Add(id) {
						t.Fatalf("k=%d: re-adding %d changed the table", k, id)
					}
				}
				sameTable(t, want, again)
			}
		})
	}
}

func TestSummaryFormat(t *testing.T) {
	space := randomSpace(3000, 4)
	ix := NewIndex(space.Keys())
	tab, err := ix.OptimalTable(7, space.Key(7), 20, space)
	if err != nil {
		t.Fatal(err)
	}
	s := tab.Summary()
	if !strings.HasPrefix(s, "b0:20 b1:20 b2:20 b3:20 ") {
		t.Errorf("Summary = %q, want full first buckets as \"b0:20 b1:20 ...\"", s)
	}
	fields := strings.Fields(s)
	sizes := tab.BucketSizes()
	if len(fields) != len(sizes) || sizes[len(sizes)-1] == 0 {
		t.Fatalf("Summary %q has %d fields, BucketSizes %v", s, len(fields), sizes)
	}
	for b, f := range fields {
		if want := fmt.Sprintf("b%d:%d", b, sizes[b]); f != want {
			t.Errorf("field %d of Summary = %q, want %q", b, f, want)
		}
	}
	empty, err := NewTable(0, space.Key(0), 3, space)
	if err != nil {
		t.Fatal(err)
	}
	if got := empty.Summary(); got != "" {
		t.Errorf("empty table Summary = %q", got)
	}
}

func TestInvalidArguments(t *testing.T) {
	space := randomSpace(10, 1)
	ix := NewIndex(space.Keys())
	for _, k := range []int{-1, 0, MaxK + 1} {
		if _, err := NewTable(0, 0, k, space); !errors.Is(err, ErrInvalidK) {
			t.Errorf("NewTable(k=%d) error = %v, want ErrInvalidK", k, err)
		}
		if _, err := ix.OptimalTable(0, space.Key(0), k, space); !errors.Is(err, ErrInvalidK) {
			t.Errorf("OptimalTable(k=%d) error = %v, want ErrInvalidK", k, err)
		}
		if _, err := ix.BuildTables(context.Background(), space, k, 1); !errors.Is(err, ErrInvalidK) {
			t.Errorf("BuildTables(k=%d) error = %v, want ErrInvalidK", k, err)
		}
	}
	for _, k := range []int{1, MaxK} {
		if _, err := NewTable(0, 0, k, space); err != nil {
			t.Errorf("NewTable(k=%d): %v", k, err)
		}
	}
	if _, err := NewTable(0, 0, 3, nil); err == nil {
		t.Error("NewTable with a nil key space: no error")
	}
	for _, w := range []int{-1, 0} {
		if _, err := ix.BuildTables(context.Background(), space, 3, w); !errors.Is(err, ErrInvalidWorkers) {
			t.Errorf("BuildTables(workers=%d) error = %v, want ErrInvalidWorkers", w, err)
		}
	}
	if _, err := ix.BuildTables(context.Background(), randomSpace(5, 1), 3, 1); err == nil {
		t.Error("BuildTables with a key space smaller than the index: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.BuildTables(ctx, space, 3, 2); !errors.Is(err, context.Canceled) {
		t.Errorf("BuildTables with a cancelled context: error = %v, want context.Canceled", err)
	}
}

func TestSortByDistance(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, n := range []int{0, 1, 2, 5, 24, 25, 100} {
		for name, space := range testSpaces(max(n, 1), uint64(n)) {
			peers := allPeers(space)[:n]
			target := hashes.Key(rng.Uint64())
			if n > 0 {
				target = peers[rng.IntN(n)].Key
			}
			want := slices.Clone(peers)
			slices.SortStableFunc(want, func(a, b Peer) int {
				return cmp.Compare(uint64(a.Key^target), uint64(b.Key^target))
			})
			got := slices.Clone(peers)
			rng.Shuffle(n, func(i, j int) { got[i], got[j] = got[j], got[i] })
			SortByDistance(got, target)
			if !slices.Equal(got, want) {
				t.Errorf("%s n=%d: SortByDistance = %v, want %v", name, n, got, want)
			}
		}
	}
}

// KeySpace: one goroutine appends (one at a time and in batches) while
// others read; readers see every published id with its key. Run with -race.
func TestKeySpaceConcurrentAppendRead(t *testing.T) {
	keyOf := func(id int) hashes.Key { return hashes.NodeKey(77, uint32(id)) }
	total := 20000
	if testing.Short() {
		total = 4000
	}
	space := NewKeySpace(16) // small: appends reallocate while readers read
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for id := 0; id < total; {
			if id%7 == 0 && id+5 <= total {
				batch := []hashes.Key{keyOf(id), keyOf(id + 1), keyOf(id + 2), keyOf(id + 3), keyOf(id + 4)}
				if first := space.AppendMany(batch); first != uint32(id) {
					t.Errorf("AppendMany returned %d, want %d", first, id)
					return
				}
				id += 5
				continue
			}
			if got := space.Append(keyOf(id)); got != uint32(id) {
				t.Errorf("Append returned %d, want %d", got, id)
				return
			}
			id++
		}
	}()
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for space.Len() < total {
				n := space.Len()
				if n == 0 {
					continue
				}
				keys := space.Keys()
				if len(keys) < n {
					t.Errorf("Keys() holds %d keys after Len() = %d", len(keys), n)
					return
				}
				for _, id := range []int{0, n / 2, n - 1} {
					if space.Key(uint32(id)) != keyOf(id) || keys[id] != keyOf(id) {
						t.Errorf("id %d: key %s, want %s", id, space.Key(uint32(id)), keyOf(id))
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	if space.Len() != total {
		t.Fatalf("Len = %d, want %d", space.Len(), total)
	}
	for id, k := range space.Keys() {
		if k != keyOf(id) {
			t.Fatalf("id %d: key %s, want %s", id, k, keyOf(id))
		}
	}
}

// Several writers at once: every id is handed out once.
func TestKeySpaceConcurrentWriters(t *testing.T) {
	space := NewKeySpace(0)
	const writers, each = 4, 500
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				k := hashes.Key(uint64(w)<<32 | uint64(i))
				if id := space.Append(k); space.Key(id) != k {
					t.Errorf("writer %d: id %d holds %s, want %s", w, id, space.Key(id), k)
					return
				}
			}
		}()
	}
	wg.Wait()
	if space.Len() != writers*each {
		t.Fatalf("Len = %d, want %d", space.Len(), writers*each)
	}
	seen := map[hashes.Key]bool{}
	for _, k := range space.Keys() {
		if seen[k] {
			t.Fatalf("key %s stored twice", k)
		}
		seen[k] = true
	}
}

// Keys equal to the local key go to bucket 64 (the smallest ids first), in
// the optimal table as in the table built one peer at a time. A minimal
// case: nodes 0, 1 and 2 share one key, node 3 differs in bit 5.
func TestOptimalTableDuplicateKeys(t *testing.T) {
	const a = hashes.Key(0x0123456789abcdef)
	space := spaceOf([]hashes.Key{a, a, a, a.FlipBit(5)})
	ix := NewIndex(space.Keys())
	one, err := ix.OptimalTable(0, a, 20, space)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := ix.BuildTables(context.Background(), space, 20, 1)
	if err != nil {
		t.Fatal(err)
	}
	for name, tab := range map[string]*Table{"OptimalTable": one, "BuildTables": &tables[0]} {
		if got := tab.Bucket(64); len(got) != 2 || got[0].ID != 1 || got[1].ID != 2 {
			t.Errorf("%s: bucket 64 = %v, want ids 1 and 2 (summary %s)", name, got, tab.Summary())
		}
		if got := tab.Bucket(5); len(got) != 1 || got[0].ID != 3 {
			t.Errorf("%s: bucket 5 = %v, want id 3", name, got)
		}
		if got := tab.Bucket(6); len(got) != 0 {
			t.Errorf("%s: bucket 6 = %v, want empty", name, got)
		}
		sameTable(t, incrementalTable(t, space, 0, 20, []uint32{3, 2, 1, 0}), tab)
	}
}
