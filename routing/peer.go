package routing

import (
	"cmp"
	"slices"

	"github.com/go-dht/go-dht/hashes"
)

// Peer is a node as a routing table sees it.
type Peer struct {
	ID  uint32
	Key hashes.Key
}

// ComparePeers orders a and b by XOR distance to target, then by id: the
// one total order every function of this package uses.
func ComparePeers(target hashes.Key, a, b Peer) int {
	if c := cmp.Compare(uint64(a.Key^target), uint64(b.Key^target)); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// SortByDistance sorts peers nearest to target first.
func SortByDistance(peers []Peer, target hashes.Key) {
	if len(peers) < 2 {
		return
	}
	if len(peers) <= 24 {
		// Insertion sort: buckets are small and this avoids the closure.
		for i := 1; i < len(peers); i++ {
			p := peers[i]
			j := i
			for j > 0 && ComparePeers(target, p, peers[j-1]) < 0 {
				peers[j] = peers[j-1]
				j--
			}
			peers[j] = p
		}
		return
	}
	slices.SortFunc(peers, func(a, b Peer) int { return ComparePeers(target, a, b) })
}
