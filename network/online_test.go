package network_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestOnlineLooksBackAlike checks that a node's state at a time is the
// same whatever was asked before: looks that go back in time (new runs
// from time 0), which restart a node's replay and then jump to the
// furthest period replayed, give the answers of looks in time order.
func TestOnlineLooksBackAlike(t *testing.T) {
	const nodes = 40
	r := rand.New(rand.NewPCG(5, 5))
	times := make([]time.Duration, 300)
	for i := range times {
		times[i] = time.Duration(r.Int64N(int64(12 * time.Hour)))
		if i%7 == 0 {
			times[i] = 0 // many looks back to the start
		}
	}
	sorted := slices.Clone(times)
	slices.Sort(sorted)
	for _, spec := range []string{"exp:10m,5m", "weibull:0.5,10m"} {
		inOrder, scrambled := churned(t, spec, nodes), churned(t, spec, nodes)
		want := map[[2]int64]bool{}
		for id := range uint32(nodes) {
			for _, at := range sorted {
				want[[2]int64{int64(id), int64(at)}] = inOrder.Online(id, at)
			}
		}
		for _, at := range times {
			for id := range uint32(nodes) {
				if got := scrambled.Online(id, at); got != want[[2]int64{int64(id), int64(at)}] {
					t.Fatalf("%s: node %d at %v: online %v after looks back, %v in time order", spec, id, at, got, !got)
				}
			}
		}
	}
}
