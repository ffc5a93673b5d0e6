package routing

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
)

// Fill says which peers a table built from an Index holds in a bucket that
// has more than k candidates. The candidates of bucket b of a node are one
// run of the sorted keys: every key that shares exactly b leading bits with
// the node's key. A bucket with at most k candidates holds them all, under
// any fill.
//
//   - The closest fill (ClosestFill, the zero value) keeps the k candidates
//     nearest to the node: py-dht's "optimal" table, the table fed every
//     node under the Closest policy. Those peers sit next to one another
//     beside the node, so an answer from bucket b brings a lookup only a
//     couple of bits nearer to its key.
//   - The random fill (RandomFill) draws k candidates uniformly, without
//     replacement, from a stream of its own for each (seed, node, bucket):
//     what a table filled by traffic holds in the Kademlia paper,
//     go-libp2p-kad-dht and go-ethereum, whose members spread over their
//     bucket's range, so that an answer brings a lookup about log2(k) bits
//     nearer.
//
// Either way the table is a pure function of the keys, k and the fill: a
// table built eagerly (BuildFilledTables), built alone (FilledTable) and
// read on demand (AppendFilledClosest) hold the same peers.
type Fill struct {
	// Random draws the members of a full bucket at random; false keeps the
	// k closest to the node.
	Random bool
	// Seed roots the random draws.
	Seed uint64
}

// ClosestFill returns the fill of py-dht's optimal tables: the k closest
// candidates of each bucket.
func ClosestFill() Fill { return Fill{} }

// RandomFill returns the fill that draws each full bucket's members
// uniformly from its candidates, from streams rooted at seed.
func RandomFill(seed uint64) Fill { return Fill{Random: true, Seed: seed} }

// String names the fill: "closest" or "random(seed)".
func (f Fill) String() string {
	if !f.Random {
		return "closest"
	}
	return fmt.Sprintf("random(%d)", f.Seed)
}

// smallDraw is the largest k whose draws are checked for repeats by a scan
// of the positions drawn so far; above it a sorted copy is searched.
const smallDraw = 64

// drawPositions appends to pos the positions of k candidates drawn
// uniformly without replacement from the run [lo, hi) of the sorted keys,
// which holds more than k: the members of bucket b of node self under the
// random fill f, in the order drawn. It reads no key: the caller reads the
// ones it needs (a table's build only the ids), which are the cache misses
// of a build.
//
// It is Floyd's algorithm: for j from m-k to m-1, draw t in [0, j]; take
// t unless it was taken already, then take j. Every k-subset of the m
// positions comes out with the same probability, from exactly k draws.
func drawPositions(pos []int32, f Fill, self uint32, b, lo, hi, k int) []int32 {
	var g rand.PCG
	g.Seed(f.Seed, memberStream(self, b))
	m := hi - lo
	var taken []int32 // sorted positions taken, when k is large
	// set holds the positions taken (plus one, 0 is empty) when k is
	// small: an open-addressing hash set, twice k's size, on the stack.
	var set [2 * smallDraw]int32
	if k > smallDraw {
		taken = make([]int32, 0, k)
	}
	mask := uint32(len(set) - 1)
	for j := m - k; j < m; j++ {
		t, _ := bits.Mul64(g.Uint64(), uint64(j+1))
		p := int32(lo) + int32(t)
		if taken == nil {
			if !insertPos(&set, mask, p) {
				p = int32(lo + j) // j itself cannot be taken yet
				insertPos(&set, mask, p)
			}
		} else {
			if _, dup := slices.BinarySearch(taken, p); dup {
				p = int32(lo + j)
			}
			i, _ := slices.BinarySearch(taken, p)
			taken = slices.Insert(taken, i, p)
		}
		pos = append(pos, p)
	}
	return pos
}

// insertPos adds p to the hash set and reports whether it was not there.
func insertPos(set *[2 * smallDraw]int32, mask uint32, p int32) bool {
	h := (uint32(p) * 0x9e3779b1) >> 25 & mask // 7 bits: 128 slots
	for {
		switch set[h] {
		case 0:
			set[h] = p + 1
			return true
		case p + 1:
			return false
		}
		h = (h + 1) & mask
	}
}

// appendDrawn appends to dst the k members drawn by drawPositions, as
// peers.
func (ix *Index) appendDrawn(dst []Peer, f Fill, self uint32, b, lo, hi, k int) []Peer {
	var buf [smallDraw]int32
	for _, p := range drawPositions(buf[:0], f, self, b, lo, hi, k) {
		dst = append(dst, Peer{ID: ix.ids[p], Key: ix.keys[p]})
	}
	return dst
}

// memberStream returns the second seed word of the stream of bucket b of
// node self: the splitmix64 finalizer of (self, b), so that neighbouring
// nodes and buckets draw from unrelated streams.
func memberStream(self uint32, b int) uint64 {
	z := uint64(self)<<7 | uint64(b)
	z += 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
