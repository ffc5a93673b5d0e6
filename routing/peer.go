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

// nearer reports whether a comes before b in the order of ComparePeers. It
// is what the sorts of buckets call: ComparePeers goes through cmp.Compare,
// which the compiler does not inline, and the call was most of the cost of
// a closest-peers query.
func nearer(target hashes.Key, a, b Peer) bool {
	da, db := a.Key^target, b.Key^target
	return da < db || da == db && a.ID < b.ID
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
			for j > 0 && nearer(target, p, peers[j-1]) {
				peers[j] = peers[j-1]
				j--
			}
			peers[j] = p
		}
		return
	}
	slices.SortFunc(peers, func(a, b Peer) int { return ComparePeers(target, a, b) })
}
