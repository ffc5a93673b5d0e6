package dht

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/routing"
)

// Under discv5 a node answers FINDNODE with the nodes of its buckets at
// the target's log distance, one farther and one nearer (common prefix
// lengths b, b-1, b+1), in that order, 16 at most, sorted nearest to the
// target as the client merges them; eager and on-demand tables answer
// alike. Other profiles answer with the 16 (k) closest of the table.
func TestDiscv5AnswersByLogDistance(t *testing.T) {
	for _, tables := range []Tables{TablesEager, TablesOnDemand} {
		cfg := ProfileDefaults(ProfileDiscv5)
		cfg.Nodes, cfg.Workers, cfg.Tables = 5000, 2, tables
		net, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(9, 9))
		for range 200 {
			self := routing.Peer{ID: uint32(rng.IntN(5000))}
			self.Key = net.space.Key(self.ID)
			target := hashes.Key(rng.Uint64())
			if rng.IntN(2) == 0 { // a target near the node: deep buckets
				target = self.Key ^ hashes.Key(rng.Uint64()>>(20+rng.IntN(20)))
			}
			var tab *routing.Table
			if b := net.boot.Load(); b.eager != nil {
				tab = &b.eager[self.ID]
			} else {
				tab, _ = b.ix.FilledTable(self.ID, self.Key, 16, b.fill, net.space)
			}
			b := hashes.CommonPrefixLen(self.Key, target)
			var want []routing.Peer
			for _, d := range []int{b, b - 1, b + 1} {
				want = tab.AppendBucket(want, d)
			}
			want = want[:min(len(want), 16)]
			routing.SortByDistance(want, target)
			got, _, _ := net.answerFind(self, target, 16, nil)
			if !slices.Equal(got, want) {
				t.Fatalf("%v: node %d, target at prefix %d:\ngot  %v\nwant %v", tables, self.ID, b, got, want)
			}
		}
	}
}
