package crawler

import (
	"fmt"
	"math/rand/v2"
)

// PickBootstrap returns count distinct node ids of a network of n nodes,
// drawn from seed alone: the bootstrap peers of a study, the same in every
// run (real crawlers start from a handful of well-known peers).
func PickBootstrap(n, count int, seed uint64) ([]uint32, error) {
	if count < 1 || count > n {
		return nil, fmt.Errorf("crawler: %d bootstrap peers of %d nodes: allowed 1..%d", count, n, n)
	}
	rng := rand.New(rand.NewPCG(seed, 0x626f6f7473747261)) // "bootstra": a stream of its own
	ids := make([]uint32, 0, count)
	seen := make(map[uint32]bool, count)
	for len(ids) < count {
		id := uint32(rng.IntN(n))
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}
