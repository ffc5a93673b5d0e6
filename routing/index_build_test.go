package routing

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/go-dht/go-dht/hashes"
)

// referenceIndex is NewIndex as it was before the two-pass sort: one
// counting sort on all radix bits, then the runs sorted. The new builder
// must give exactly its Index.
func referenceIndex(keys []hashes.Key) *Index {
	n := len(keys)
	r := max(1, min(maxRadixBits, bits.Len(uint(n))))
	ix := &Index{keys: make([]hashes.Key, n), ids: make([]uint32, n), r: r, start: make([]uint32, 1<<r+1)}
	shift := hashes.Bits - r
	for _, k := range keys {
		ix.start[uint64(k)>>shift+1]++
	}
	for p := 1; p < len(ix.start); p++ {
		ix.start[p] += ix.start[p-1]
	}
	next := slices.Clone(ix.start[:len(ix.start)-1])
	for id, k := range keys {
		p := uint64(k) >> shift
		ix.keys[next[p]] = k
		ix.ids[next[p]] = uint32(id)
		next[p]++
	}
	for p := 0; p+1 < len(ix.start); p++ {
		if lo, hi := int(ix.start[p]), int(ix.start[p+1]); hi-lo > 1 {
			ix.sortRun(lo, hi)
		}
	}
	return ix
}

// identicalIndex fails unless two indexes hold the same arrays.
func identicalIndex(t testing.TB, want, got *Index) {
	t.Helper()
	if want.r != got.r || !slices.Equal(want.keys, got.keys) || !slices.Equal(want.ids, got.ids) || !slices.Equal(want.start, got.start) {
		i := 0
		for i < min(len(want.ids), len(got.ids)) && want.ids[i] == got.ids[i] && want.keys[i] == got.keys[i] {
			i++
		}
		t.Fatalf("indexes differ: r %d/%d, %d/%d keys, first difference at position %d, radix tables equal: %v",
			want.r, got.r, len(want.keys), len(got.keys), i, slices.Equal(want.start, got.start))
	}
}

// indexKeySets returns key sets where a two-pass sort goes wrong: uniform,
// clustered, with duplicates, all equal (one bucket, one run), all in one
// top bucket with distinct low bits, only the extreme keys.
func indexKeySets(n int, seed uint64) map[string][]hashes.Key {
	sets := map[string][]hashes.Key{}
	for _, kind := range spaceKinds {
		sets[kind] = kindSpace(kind, n, seed).Keys()
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	same, low, ends := make([]hashes.Key, n), make([]hashes.Key, n), make([]hashes.Key, n)
	for i := range n {
		same[i] = 0x5555555555555555
		low[i] = hashes.Key(0x7f<<56 | rng.Uint64()>>40)
		ends[i] = hashes.Key(0)
		if rng.IntN(2) == 0 {
			ends[i] = ^hashes.Key(0)
		}
	}
	sets["all equal"], sets["low bits only"], sets["extremes"] = same, low, ends
	return sets
}

// NewIndexParallel gives the Index of the one-pass counting sort, whatever
// the number of workers: same keys, ids and radix table.
func TestNewIndexIndependentOfWorkers(t *testing.T) {
	sizes := []int{0, 1, 2, 3, 17, 100, 1000, 4097, 100_000}
	if testing.Short() {
		sizes = sizes[:8]
	}
	for _, n := range sizes {
		for name, keys := range indexKeySets(n, uint64(n)+1) {
			t.Run(fmt.Sprintf("n=%d/%s", n, name), func(t *testing.T) {
				want := referenceIndex(keys)
				identicalIndex(t, want, NewIndex(keys))
				for _, workers := range []int{1, 2, 3, 8} {
					got, err := NewIndexParallel(context.Background(), keys, workers)
					if err != nil {
						t.Fatal(err)
					}
					identicalIndex(t, want, got)
				}
			})
		}
	}
}

// Any number of top bits gives the same Index: the sizes NewIndexParallel
// picks for 10^7 and 10^8 keys (2^9 or 2^12 buckets of 2^15 radix entries)
// are tried on small key sets, where it would pick others.
func TestBuildIndexAnyTopBits(t *testing.T) {
	for _, n := range []int{1, 2, 50, 3000} {
		for name, keys := range indexKeySets(n, uint64(n)+7) {
			want := referenceIndex(keys)
			for top := 1; top <= want.r; top++ {
				for _, workers := range []int{1, 3} {
					got, err := buildIndex(context.Background(), keys, workers, top)
					if err != nil {
						t.Fatal(err)
					}
					t.Run(fmt.Sprintf("n=%d/%s/top=%d/workers=%d", n, name, top, workers), func(t *testing.T) {
						identicalIndex(t, want, got)
					})
				}
			}
		}
	}
}

// Bad input is an error: no workers, a cancelled build.
func TestNewIndexParallelErrors(t *testing.T) {
	keys := randomSpace(5000, 1).Keys()
	for _, w := range []int{-1, 0} {
		if _, err := NewIndexParallel(context.Background(), keys, w); !errors.Is(err, ErrInvalidWorkers) {
			t.Errorf("workers=%d: error = %v, want ErrInvalidWorkers", w, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, w := range []int{1, 2} {
		if _, err := NewIndexParallel(ctx, keys, w); !errors.Is(err, context.Canceled) {
			t.Errorf("workers=%d, cancelled: error = %v, want context.Canceled", w, err)
		}
	}
}
