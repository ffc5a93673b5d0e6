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

// keepNearest offers p to the candidates dst[start:], which keep at most
// need peers: the nearest to target offered so far. It lets a query take
// the nearest part of a bucket without appending the whole bucket, so dst
// never grows past what the caller asked for. Once need peers are held they
// form a heap with the farthest at dst[start], and each further offer costs
// O(log need). The caller sorts dst[start:] at the end.
func keepNearest(dst []Peer, start, need int, target hashes.Key, p Peer) []Peer {
	if h := len(dst) - start; h < need {
		dst = append(dst, p)
		if h+1 == need {
			for i := need/2 - 1; i >= 0; i-- {
				siftFarthest(dst[start:], i, target)
			}
		}
		return dst
	}
	if h := dst[start:]; nearer(target, p, h[0]) {
		h[0] = p
		siftFarthest(h, 0, target)
	}
	return dst
}

// siftFarthest moves h[i] down the heap h, whose root is its farthest peer
// from target.
func siftFarthest(h []Peer, i int, target hashes.Key) {
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && nearer(target, h[c], h[c+1]) {
			c++
		}
		if !nearer(target, h[i], h[c]) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}
