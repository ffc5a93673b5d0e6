package routing

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/go-dht/go-dht/hashes"
)

// MaxK is the largest bucket size a table accepts. It keeps per-bucket
// offsets in 16 bits: 65 buckets of MaxK peers fit in a uint16.
const MaxK = 1000

// NumBuckets is the number of buckets of a table: one per common prefix
// length 0..64.
const NumBuckets = hashes.Bits + 1

// Table is the k-bucket routing table of one node. A nil *Table reads as an
// empty table.
//
// Peers are stored as ids, grouped by bucket (see grouped); keys are
// resolved through the shared KeySpace. Within a bucket, ids are in the
// order the peers joined, oldest first. A Table is not safe for concurrent
// use: its owner guards it.
type Table struct {
	local hashes.Key
	self  uint32
	k     uint16
	space *KeySpace
	grouped
}

// grouped holds peer ids grouped by bucket, bucket 0 first, in one slice;
// ends[i] is the end of bucket i in that slice and buckets >= len(ends) are
// empty. Two slices per table whatever the number of buckets: networks hold
// millions of tables. Within a bucket, ids keep the order they came in.
type grouped struct {
	ids  []uint32
	ends []uint16
}

// NewTable returns an empty table for node self with key local. Peer keys are
// resolved through space, which must hold self and every peer added later.
func NewTable(self uint32, local hashes.Key, k int, space *KeySpace) (*Table, error) {
	if err := ValidateK(k); err != nil {
		return nil, err
	}
	if space == nil {
		return nil, fmt.Errorf("routing: nil key space")
	}
	return &Table{local: local, self: self, k: uint16(k), space: space}, nil
}

// ValidateK checks a bucket size.
func ValidateK(k int) error {
	if k < 1 || k > MaxK {
		return fmt.Errorf("%w: k = %d, allowed 1..%d", ErrInvalidK, k, MaxK)
	}
	return nil
}

// Local returns the key of the table's node.
func (t *Table) Local() hashes.Key { return t.local }

// Self returns the id of the table's node.
func (t *Table) Self() uint32 { return t.self }

// K returns the bucket size.
func (t *Table) K() int { return int(t.k) }

// Len returns the number of peers in the table.
func (t *Table) Len() int {
	if t == nil {
		return 0
	}
	return len(t.ids)
}

// Add offers peer id to the table and reports whether the table changed.
// The peer joins its bucket if there is room; in a full bucket it replaces
// the farthest peer when it is closer to the local key (the reference's
// "closest" policy). The node itself and peers already present are ignored.
func (t *Table) Add(id uint32) bool {
	if id == t.self {
		return false
	}
	keys := t.space.Keys()
	p := Peer{ID: id, Key: keys[id]}
	b := hashes.CommonPrefixLen(t.local, p.Key)
	lo, hi := t.bounds(b)
	if slices.Contains(t.ids[lo:hi], id) {
		return false
	}
	if hi-lo < int(t.k) {
		t.insert(b, hi, id)
		return true
	}
	far := lo
	farPeer := Peer{ID: t.ids[lo], Key: keys[t.ids[lo]]}
	for i := lo + 1; i < hi; i++ {
		q := Peer{ID: t.ids[i], Key: keys[t.ids[i]]}
		if ComparePeers(t.local, q, farPeer) > 0 {
			far, farPeer = i, q
		}
	}
	if ComparePeers(t.local, p, farPeer) >= 0 {
		return false
	}
	// The farthest leaves, the newcomer joins as the newest member.
	t.replace(far, hi, id)
	return true
}

// Contains reports whether id is in the table.
func (t *Table) Contains(id uint32) bool {
	if t == nil || id == t.self || uint(id) >= uint(t.space.Len()) {
		return false
	}
	lo, hi := t.bounds(hashes.CommonPrefixLen(t.local, t.space.Key(id)))
	return slices.Contains(t.ids[lo:hi], id)
}

// Closest returns the n peers nearest to target, nearest first.
func (t *Table) Closest(target hashes.Key, n int) []Peer {
	return t.AppendClosest(make([]Peer, 0, max(0, min(n, t.Len()))), target, n)
}

// AppendClosest appends the n peers nearest to target to dst, nearest first,
// ties broken by id, and returns the extended slice.
//
// It reads only the buckets it needs. With j the common prefix length of
// target and the local key, every peer of bucket j is nearer to target than
// any peer of a bucket above j, which is nearer than any peer of bucket j-1,
// then j-2, and so on down to 0; each group is sorted on its own.
func (t *Table) AppendClosest(dst []Peer, target hashes.Key, n int) []Peer {
	if n <= 0 || t.Len() == 0 {
		return dst
	}
	keys := t.space.Keys()
	want := len(dst) + n
	j := hashes.CommonPrefixLen(t.local, target)
	if j < len(t.ends) {
		lo, hi := t.bounds(j)
		if dst = appendSorted(dst, keys, t.ids[lo:hi], target); len(dst) >= want {
			return dst[:want]
		}
		if dst = appendSorted(dst, keys, t.ids[hi:], target); len(dst) >= want {
			return dst[:want]
		}
	} else {
		// Bucket j and every bucket above it are empty.
		j = len(t.ends)
	}
	for b := j - 1; b >= 0; b-- {
		lo, hi := t.bounds(b)
		if dst = appendSorted(dst, keys, t.ids[lo:hi], target); len(dst) >= want {
			return dst[:want]
		}
	}
	return dst
}

// appendSorted appends the peers of ids to dst and sorts the new part by
// distance to target.
func appendSorted(dst []Peer, keys []hashes.Key, ids []uint32, target hashes.Key) []Peer {
	start := len(dst)
	for _, id := range ids {
		dst = append(dst, Peer{ID: id, Key: keys[id]})
	}
	SortByDistance(dst[start:], target)
	return dst
}

// Peers returns every peer, bucket by bucket from bucket 0, each bucket
// nearest to the local key first.
func (t *Table) Peers() []Peer {
	if t == nil {
		return nil
	}
	return t.AppendPeers(make([]Peer, 0, t.Len()))
}

// AppendPeers appends every peer to dst in the order of Peers.
func (t *Table) AppendPeers(dst []Peer) []Peer {
	if t == nil {
		return dst
	}
	keys := t.space.Keys()
	for b := range t.ends {
		lo, hi := t.bounds(b)
		dst = appendSorted(dst, keys, t.ids[lo:hi], t.local)
	}
	return dst
}

// Bucket returns the peers of bucket b, nearest to the local key first.
func (t *Table) Bucket(b int) []Peer {
	if t == nil || b < 0 || b >= len(t.ends) {
		return nil
	}
	lo, hi := t.bounds(b)
	return appendSorted(make([]Peer, 0, hi-lo), t.space.Keys(), t.ids[lo:hi], t.local)
}

// BucketSizes returns the number of peers of each bucket up to the highest
// non-empty one.
func (t *Table) BucketSizes() []int {
	if t == nil {
		return nil
	}
	sizes := make([]int, 0, len(t.ends))
	prev := 0
	for _, e := range t.ends {
		sizes = append(sizes, int(e)-prev)
		prev = int(e)
	}
	for len(sizes) > 0 && sizes[len(sizes)-1] == 0 {
		sizes = sizes[:len(sizes)-1]
	}
	return sizes
}

// Summary describes the table bucket by bucket, e.g. "b0:20 b1:20 b2:17".
func (t *Table) Summary() string {
	var buf []byte
	for b, size := range t.BucketSizes() {
		if b > 0 {
			buf = append(buf, ' ')
		}
		buf = append(buf, 'b')
		buf = strconv.AppendInt(buf, int64(b), 10)
		buf = append(buf, ':')
		buf = strconv.AppendInt(buf, int64(size), 10)
	}
	return string(buf)
}

// Clone returns a copy of the table that shares nothing with it but the
// key space: changing one leaves the other as it was.
func (t *Table) Clone() *Table {
	c := *t
	c.grouped = t.grouped.clone()
	return &c
}

// bounds returns the range of bucket b in g.ids.
func (g *grouped) bounds(b int) (lo, hi int) {
	if b >= len(g.ends) {
		return len(g.ids), len(g.ids)
	}
	if b > 0 {
		lo = int(g.ends[b-1])
	}
	return lo, int(g.ends[b])
}

// insert puts id at position at, the end of bucket b.
func (g *grouped) insert(b, at int, id uint32) {
	for len(g.ends) <= b {
		g.ends = append(g.ends, uint16(len(g.ids)))
	}
	// Tables built by an Index share an arena; their slices have no spare
	// capacity, so slices.Insert copies instead of writing into a neighbour.
	g.ids = slices.Insert(g.ids, at, id)
	for i := b; i < len(g.ends); i++ {
		g.ends[i]++
	}
}

// replace removes the id at position i of the bucket that ends at hi and
// puts id at that bucket's end: the bucket keeps its size and its order of
// age, id being the newest.
func (g *grouped) replace(i, hi int, id uint32) {
	copy(g.ids[i:hi-1], g.ids[i+1:hi])
	g.ids[hi-1] = id
}

// clone returns a copy that shares no memory with g.
func (g *grouped) clone() grouped {
	return grouped{ids: slices.Clone(g.ids), ends: slices.Clone(g.ends)}
}
