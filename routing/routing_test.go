package routing

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
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
