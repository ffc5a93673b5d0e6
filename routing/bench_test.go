package routing

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/go-dht/go-dht/hashes"
)

// closestTargets returns 1,000 query targets around local, of one of three
// kinds: random keys (a random find-closest request), keys sharing about
// log2(n) bits with local (what a node is asked in the last hops of a
// lookup: bucket j is then nearly empty and the buckets above it answer),
// and local itself.
func closestTargets(kind string, local hashes.Key, n int, rng *rand.Rand) []hashes.Key {
	targets := make([]hashes.Key, 1000)
	for i := range targets {
		switch kind {
		case "random":
			targets[i] = hashes.Key(rng.Uint64())
		case "near":
			targets[i] = keyAtPrefix(local, bits.Len(uint(n))+rng.IntN(3)-1, rng)
		default:
			targets[i] = local
		}
	}
	return targets
}

// BenchmarkAppendClosest asks one node for its k = 20 closest peers to
// 1,000 targets, two ways: from its materialized optimal table
// (Table.AppendClosest, "table") and read from the sorted keys without a
// table (Index.AppendOptimalClosest, "ondemand"). Targets are random, near
// the node, or the node's own key; ns/query is per call.
func BenchmarkAppendClosest(b *testing.B) {
	const k = 20
	for _, n := range []int{10_000, 1_000_000} {
		space := randomSpace(n, 1)
		ix := NewIndex(space.Keys())
		self := uint32(7)
		local := space.Key(self)
		tab, err := ix.OptimalTable(self, local, k, space)
		if err != nil {
			b.Fatal(err)
		}
		for _, kind := range []string{"random", "near", "self"} {
			targets := closestTargets(kind, local, n, rand.New(rand.NewPCG(2, 3)))
			for _, how := range []string{"table", "ondemand"} {
				b.Run(fmt.Sprintf("n=%d/target=%s/%s", n, kind, how), func(b *testing.B) {
					dst := make([]Peer, 0, k)
					b.ReportAllocs()
					for b.Loop() {
						for _, target := range targets {
							if how == "table" {
								dst = tab.AppendClosest(dst[:0], target, k)
							} else {
								dst = ix.AppendOptimalClosest(dst[:0], self, local, k, target, k)
							}
						}
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(targets)), "ns/query")
				})
			}
		}
	}
}

// BenchmarkTableChurn changes one node's table as maintenance does under
// churn: each round removes a random member (it failed to answer) and
// offers 8 random nodes (what lookups come across). The table starts as a
// clone of the node's optimal table, under each policy: under Closest a
// removal leaves room that an offer may fill, under Oldest the offers to
// full buckets go to the replacement cache and a removal promotes one.
// ns/op is one round.
func BenchmarkTableChurn(b *testing.B) {
	const k, offers = 20, 8
	for _, n := range []int{10_000, 1_000_000} {
		space := randomSpace(n, 1)
		ix := NewIndex(space.Keys())
		opt, err := ix.OptimalTable(7, space.Key(7), k, space)
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range []Policy{Closest, Oldest} {
			b.Run(fmt.Sprintf("n=%d/policy=%v", n, p), func(b *testing.B) {
				tab := opt.Clone()
				if err := tab.SetPolicy(p); err != nil {
					b.Fatal(err)
				}
				rng := rand.New(rand.NewPCG(4, 5))
				b.ReportAllocs()
				for b.Loop() {
					if tab.Len() > 0 {
						tab.Remove(tab.ids[rng.IntN(tab.Len())])
					}
					for range offers {
						tab.Add(uint32(rng.IntN(n)))
					}
				}
				b.ReportMetric(float64(tab.Len()), "peers")
			})
		}
	}
}
