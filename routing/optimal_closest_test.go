package routing

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/go-dht/go-dht/hashes"
)

// wantOptimalClosest is the reference answer of AppendOptimalClosest: build
// the optimal table, ask it.
func wantOptimalClosest(ix *Index, space *KeySpace, dst []Peer, self uint32, local hashes.Key, k int, target hashes.Key, n int) []Peer {
	t, _ := ix.OptimalTable(self, local, k, space)
	return t.AppendClosest(dst, target, n)
}

// testFills are the fills every on-demand test runs under.
var testFills = []Fill{ClosestFill(), RandomFill(99)}

// checkOptimalClosest fails the test unless AppendFilledClosest gives the
// answer of the materialized table for every target and count, after a
// prefix already in dst (which it must keep), under every fill.
func checkOptimalClosest(t testing.TB, ix *Index, space *KeySpace, self uint32, local hashes.Key, k int, targets []hashes.Key) {
	t.Helper()
	for _, f := range testFills {
		checkFilledClosest(t, ix, space, self, local, k, f, targets)
	}
}

// checkFilledClosest is checkOptimalClosest under one fill.
func checkFilledClosest(t testing.TB, ix *Index, space *KeySpace, self uint32, local hashes.Key, k int, f Fill, targets []hashes.Key) {
	t.Helper()
	tab, _ := ix.FilledTable(self, local, k, f, space)
	size := tab.Len()
	prefix := Peer{ID: 1 << 31, Key: 42}
	var want, got []Peer // reused: the test allocates little, even under -race
	for _, target := range targets {
		for _, n := range []int{-1, 0, 1, k - 1, k, k + 1, 3*k + 1, size - 1, size, size + 5} {
			want = tab.AppendClosest(append(want[:0], prefix), target, n)
			got = ix.AppendFilledClosest(append(got[:0], prefix), self, local, k, f, target, n)
			if !slices.Equal(got, want) {
				t.Fatalf("%v: self %d local %s k %d target %s n %d (table %s):\ngot  %v\nwant %v",
					f, self, local, k, target, n, tab.Summary(), got, want)
			}
		}
	}
}

// adversarialTargets returns the targets where the bucket arithmetic is
// most likely wrong: local itself, local with its lowest bit flipped, ^local,
// keys sharing every prefix length 0..64 with local, the keys next to local
// in the index, and random keys.
func adversarialTargets(ix *Index, local hashes.Key, rng *rand.Rand) []hashes.Key {
	targets := []hashes.Key{local, local.FlipBit(hashes.Bits - 1), ^local, 0, ^hashes.Key(0)}
	for i := 0; i <= hashes.Bits; i++ {
		targets = append(targets, keyAtPrefix(local, i, rng))
	}
	if n := ix.Len(); n > 0 {
		lo, hi := ix.rangeOf(local, hashes.Bits)
		for _, pos := range []int{lo - 1, lo, hi, hi + 1} {
			if pos >= 0 && pos < n {
				targets = append(targets, ix.keys[pos])
			}
		}
	}
	for range 10 {
		targets = append(targets, hashes.Key(rng.Uint64()))
	}
	return targets
}

// nodesFor returns (self, local) pairs to query: nodes at their own key,
// and the cases the table builder also accepts where self is not at local
// (a key of another node, which may be a duplicate; a key no node has; an
// id outside the index).
func nodesFor(space *KeySpace, rng *rand.Rand, probes int) [][2]uint64 {
	n := space.Len()
	var nodes [][2]uint64
	for range probes {
		if n == 0 {
			break
		}
		self := uint32(rng.IntN(n))
		nodes = append(nodes, [2]uint64{uint64(self), uint64(space.Key(self))})
	}
	other := hashes.Key(rng.Uint64())
	if n > 0 {
		other = space.Key(uint32(rng.IntN(n)))
	}
	nodes = append(nodes,
		[2]uint64{uint64(rng.IntN(n + 1)), uint64(other)},
		[2]uint64{uint64(rng.IntN(n + 1)), rng.Uint64()},
		[2]uint64{uint64(n + 3), uint64(other)},
	)
	return nodes
}

// AppendOptimalClosest answers, entry for entry, what the materialized
// optimal table answers: networks of many sizes (uniform, clustered, with
// duplicate keys), every k from 1 to 20, counts from -1 to past the table's
// size, adversarial and random targets, self at local or not.
func TestOptimalClosestEqualsTable(t *testing.T) {
	sizes := []int{0, 1, 2, 3, 17, 65, 300, 2000, 20_000}
	probes := 2
	if testing.Short() {
		sizes, probes = sizes[:7], 1
	}
	for k := 1; k <= 20; k++ {
		for si, n := range sizes {
			kind := spaceKinds[(k+si)%len(spaceKinds)]
			seed := uint64(1000*k + n)
			t.Run(fmt.Sprintf("k=%d/n=%d/%s", k, n, kind), func(t *testing.T) {
				space := kindSpace(kind, n, seed)
				ix := NewIndex(space.Keys())
				rng := rand.New(rand.NewPCG(seed, 17))
				for _, node := range nodesFor(space, rng, probes) {
					self, local := uint32(node[0]), hashes.Key(node[1])
					checkOptimalClosest(t, ix, space, self, local, k, adversarialTargets(ix, local, rng))
				}
			})
		}
	}
}

// Large buckets (k up to MaxK) take the sorting and partial-bucket paths
// that k <= 20 rarely reaches; invalid k answers nothing, as the nil table
// that OptimalTable returns with its error does.
func TestOptimalClosestLargeAndInvalidK(t *testing.T) {
	n := 2000
	if testing.Short() {
		n = 500
	}
	for name, space := range testSpaces(n, 5) {
		ix := NewIndex(space.Keys())
		rng := rand.New(rand.NewPCG(5, 18))
		for _, k := range []int{-1, 0, 21, 64, 333, MaxK, MaxK + 1} {
			t.Run(fmt.Sprintf("%s/k=%d", name, k), func(t *testing.T) {
				for _, node := range nodesFor(space, rng, 2) {
					self, local := uint32(node[0]), hashes.Key(node[1])
					targets := adversarialTargets(ix, local, rng)
					checkOptimalClosest(t, ix, space, self, local, k, targets[:8])
					checkOptimalClosest(t, ix, space, self, local, k, targets[len(targets)-4:])
				}
			})
		}
	}
}

// Hand-built tiny networks: empty, one key, equal keys, keys differing in
// the last bit only, self away from local.
func TestOptimalClosestTinyIndexes(t *testing.T) {
	const a = hashes.Key(0x0123456789abcdef)
	for _, tc := range []struct {
		name  string
		keys  []hashes.Key
		self  uint32
		local hashes.Key
	}{
		{"empty", nil, 0, a},
		{"one key, self", []hashes.Key{a}, 0, a},
		{"one key, self elsewhere", []hashes.Key{a}, 1, a.FlipBit(3)},
		{"one key equal to local, self elsewhere", []hashes.Key{a}, 1, a},
		{"two equal keys", []hashes.Key{a, a}, 1, a},
		{"two equal keys, self elsewhere", []hashes.Key{a, a}, 5, a},
		{"two keys, last bit", []hashes.Key{a, a.FlipBit(63)}, 0, a},
		{"two keys, first bit", []hashes.Key{a, a.FlipBit(0)}, 1, a.FlipBit(0)},
		{"three equal keys and one", []hashes.Key{a, a, a, a.FlipBit(5)}, 0, a},
		{"three equal keys, self between", []hashes.Key{a, a, a}, 1, a},
		{"zero and all ones", []hashes.Key{0, ^hashes.Key(0)}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			space := spaceOf(tc.keys)
			ix := NewIndex(space.Keys())
			rng := rand.New(rand.NewPCG(1, 2))
			for _, k := range []int{1, 2, 3, 20} {
				checkOptimalClosest(t, ix, space, tc.self, tc.local, k, adversarialTargets(ix, tc.local, rng))
			}
		})
	}
}

// With room for n peers in dst, a query allocates nothing.
func TestOptimalClosestNoAllocs(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 600
	}
	for _, k := range []int{1, 20, 100} {
		space := clusteredSpace(n, uint64(k), true)
		ix := NewIndex(space.Keys())
		rng := rand.New(rand.NewPCG(uint64(k), 3))
		for _, node := range nodesFor(space, rng, 3) {
			self, local := uint32(node[0]), hashes.Key(node[1])
			for _, target := range adversarialTargets(ix, local, rng) {
				for _, count := range []int{1, k, 3*k + 1, n} {
					dst := make([]Peer, 0, count)
					allocs := testing.AllocsPerRun(2, func() {
						dst = ix.AppendOptimalClosest(dst[:0], self, local, k, target, count)
					})
					if allocs != 0 {
						t.Fatalf("k=%d n=%d target %s: %v allocations", k, count, target, allocs)
					}
				}
			}
		}
	}
}

// bucketDistances returns the smallest and largest XOR distance to target
// of any key in bucket b of the table of local.
func bucketDistances(local, target hashes.Key, b int) (lo, hi uint64) {
	if b == hashes.Bits {
		return uint64(local ^ target), uint64(local ^ target)
	}
	d := uint64(local.FlipBit(b) ^ target)
	low := uint64(1)<<(hashes.Bits-1-b) - 1 // the bits after b: any value
	return d &^ low, d | low
}

// The walk lists every bucket 0..top (and 64 when asked) once, in strictly
// increasing distance: every key of a bucket is nearer to the target than
// every key of the buckets after it.
func TestBucketWalkOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for i := range 20000 {
		local := hashes.Key(rng.Uint64())
		target := keyAtPrefix(local, rng.IntN(hashes.Bits+1), rng)
		if i%5 == 0 {
			target = hashes.Key(rng.Uint64())
		}
		top, equal := rng.IntN(hashes.Bits+1)-1, rng.IntN(2) == 0
		w := newBucketWalk(local, target, top, equal)
		var got []int
		for b := w.next(); b >= 0; b = w.next() {
			got = append(got, b)
		}
		if w.next() != -1 {
			t.Fatal("the walk starts again after its end")
		}
		want := top + 1
		if equal {
			want++
		}
		if len(got) != want {
			t.Fatalf("local %s target %s top %d equal %v: walk %v", local, target, top, equal, got)
		}
		seen := map[int]bool{}
		for x, b := range got {
			if seen[b] || b > top && b != hashes.Bits || b == hashes.Bits && !equal {
				t.Fatalf("local %s target %s top %d equal %v: walk %v", local, target, top, equal, got)
			}
			seen[b] = true
			if x > 0 {
				_, prevHi := bucketDistances(local, target, got[x-1])
				if lo, _ := bucketDistances(local, target, b); prevHi >= lo {
					t.Fatalf("local %s target %s: bucket %d listed before bucket %d but not nearer (walk %v)",
						local, target, got[x-1], b, got)
				}
			}
		}
	}
}

// keepNearest keeps the need nearest peers of any stream, whatever their
// order and ties.
func TestKeepNearest(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for range 2000 {
		peers := make([]Peer, rng.IntN(60))
		for i := range peers {
			peers[i] = Peer{ID: uint32(rng.IntN(50)), Key: hashes.Key(rng.Uint64() >> (rng.IntN(3) * 30))}
		}
		target := hashes.Key(rng.Uint64() >> 30)
		need := 1 + rng.IntN(20)
		prefix := []Peer{{ID: 7, Key: 7}}
		dst := slices.Clone(prefix)
		for _, p := range peers {
			dst = keepNearest(dst, 1, need, target, p)
		}
		SortByDistance(dst[1:], target)
		want := append(slices.Clone(prefix), bruteClosest(peers, target, need)...)
		if !slices.Equal(dst, want) {
			t.Fatalf("need %d: got %v, want %v", need, dst, want)
		}
	}
}
