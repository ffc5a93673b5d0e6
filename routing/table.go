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
// Peers are stored as ids grouped by bucket in one slice; keys are
// resolved through the shared KeySpace. Within a bucket, ids are in order
// of age: the order the peers joined (or were last touched, see Touch),
// oldest first. The replacement policy (see Policy) decides how buckets
// change. A Table is not safe for concurrent use: its owner guards it.
//
// Add, Remove, Touch, SetPolicy and SetReplacementCacheSize change the
// table in place. They write only into the table's own memory, so a table
// built by Index.BuildTables never writes into the other tables of the
// arena; but anyone else reading the table sees the change, so a node whose
// optimal table is shared changes a Clone of it.
type Table struct {
	local hashes.Key
	self  uint32
	k     uint16
	// cacheMax bounds each bucket's replacement cache (under Oldest).
	cacheMax uint16
	policy   Policy
	space    *KeySpace
	grouped  // the peers
	// repl is the replacement cache, nil until a newcomer is first cached
	// and again once it is empty: a table that never uses it pays one word
	// for it. Bucket b's list is oldest first; it is not empty only when
	// bucket b is full.
	repl *replCache
}

// replCache is a replacement cache: peers grouped by bucket whose bucket
// ends live in the same object (ends points into buf), so that reading a
// bucket's cache costs the object and its ids instead of three separate
// pieces of memory. A growth of 10^5 nodes offers a full bucket a
// newcomer about 20 million times, each at a table the last offer did not
// touch.
type replCache struct {
	grouped
	buf [NumBuckets]uint16
}

// newReplCache returns an empty replacement cache.
func newReplCache() *replCache {
	r := &replCache{}
	r.ends = r.buf[:0]
	return r
}

// clone returns a copy of r that shares no memory with it.
func (r *replCache) clone() *replCache {
	c := newReplCache()
	c.ids = slices.Clone(r.ids)
	c.ends = append(c.ends, r.ends...)
	return c
}

// grouped holds peer ids grouped by bucket, bucket 0 first, in one slice;
// ends[i] is the end of bucket i in that slice and buckets >= len(ends) are
// empty. Two slices per table whatever the number of buckets: networks hold
// millions of tables. Within a bucket, ids keep the order they came in.
type grouped struct {
	ids  []uint32
	ends []uint16
}

// NewTable returns an empty table for node self with key local and bucket
// size k. Peer keys are resolved through space, which must hold self and
// every peer added later. The table has the Closest policy and a
// replacement cache size of k; SetPolicy and SetReplacementCacheSize change
// them.
func NewTable(self uint32, local hashes.Key, k int, space *KeySpace) (*Table, error) {
	if err := ValidateK(k); err != nil {
		return nil, err
	}
	if space == nil {
		return nil, fmt.Errorf("routing: nil key space")
	}
	return &Table{local: local, self: self, k: uint16(k), cacheMax: uint16(k), space: space}, nil
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

// Add offers peer id to the table and reports whether it joined the table.
// The node itself and peers already present are ignored. The peer joins
// its bucket, as the newest member, when there is room. A full bucket
// follows the table's policy:
//   - Closest: the newcomer replaces the bucket's farthest peer from the
//     local key when it is closer (ties in distance go to the smaller id),
//     and joins as the newest member;
//   - Oldest: the bucket keeps its members. The newcomer becomes the newest
//     entry of the bucket's replacement cache (a newcomer cached already
//     moves to that place), and the cache drops its oldest entry beyond
//     ReplacementCacheSize. Add reports false: the table's peers did not
//     change.
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
		// A bucket with room has an empty cache: nothing to take id out of.
		t.insert(b, hi, id)
		return true
	}
	if t.policy == Oldest {
		t.cache(b, id)
		return false
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

// Remove takes peer id out of the table, after it failed to answer or by
// maintenance, and reports whether it was a member. Under Oldest, the
// newest entry of the bucket's replacement cache takes its place as the
// newest member; with no entry cached, and always under Closest, the bucket
// shrinks by one and the next peer of that bucket offered to Add joins it.
//
// Remove also drops id from the replacement cache when it waits there, so
// that a peer known to have failed is never promoted; that alone reports
// false, as the table's peers do not change.
func (t *Table) Remove(id uint32) bool {
	b, lo, hi, ok := t.locate(id)
	if !ok {
		return false
	}
	i := slices.Index(t.ids[lo:hi], id)
	if i < 0 {
		t.uncache(b, id)
		return false
	}
	if next, ok := t.promote(b); ok {
		t.replace(lo+i, hi, next)
	} else {
		t.delete(b, lo+i)
	}
	return true
}

// Touch records that peer id was just seen (it answered): it becomes the
// newest member of its bucket. It reports whether id is a member; nothing
// happens otherwise.
//
// No policy evicts a peer for its age (under Oldest a member leaves only
// through Remove), so Touch changes only the order that Oldest(b) and
// BucketByAge read: an owner that checks the least recently seen peer of a
// bucket, as the Kademlia paper and go-ethereum do, touches the peers that
// answer so that the next check reaches another one. A table whose owner
// never touches keeps its buckets in order of joining.
func (t *Table) Touch(id uint32) bool {
	_, lo, hi, ok := t.locate(id)
	if !ok {
		return false
	}
	i := slices.Index(t.ids[lo:hi], id)
	if i < 0 {
		return false
	}
	t.replace(lo+i, hi, id)
	return true
}

// locate returns the bucket of id and its range in t.ids; ok is false for
// an id no table can hold (the node itself, an id outside the key space)
// or a nil table.
func (t *Table) locate(id uint32) (b, lo, hi int, ok bool) {
	if t == nil || id == t.self || uint(id) >= uint(t.space.Len()) {
		return 0, 0, 0, false
	}
	b = hashes.CommonPrefixLen(t.local, t.space.Key(id))
	lo, hi = t.bounds(b)
	return b, lo, hi, true
}

// Oldest returns the oldest member of bucket b: the one that joined, or was
// last touched, longest ago (in an optimal table that has not changed, the
// first the index listed: see BucketByAge). It reports false for an empty
// bucket or a b outside 0..64.
func (t *Table) Oldest(b int) (uint32, bool) {
	if t == nil || b < 0 || b >= len(t.ends) {
		return 0, false
	}
	if lo, hi := t.bounds(b); lo < hi {
		return t.ids[lo], true
	}
	return 0, false
}

// BucketByAge returns the peers of bucket b in order of age, oldest first
// (Bucket returns them nearest first). An optimal table's peers count as
// joined in the order the index built them, which means nothing: age tells
// peers apart only once the table has changed.
func (t *Table) BucketByAge(b int) []Peer {
	if t == nil || b < 0 || b >= len(t.ends) {
		return nil
	}
	return t.peersOf(&t.grouped, b)
}

// peersOf returns the peers of bucket b of g, in g's order.
func (t *Table) peersOf(g *grouped, b int) []Peer {
	lo, hi := g.bounds(b)
	if lo == hi {
		return nil
	}
	keys := t.space.Keys()
	peers := make([]Peer, 0, hi-lo)
	for _, id := range g.ids[lo:hi] {
		peers = append(peers, Peer{ID: id, Key: keys[id]})
	}
	return peers
}

// Contains reports whether id is a member of the table (an entry of the
// replacement cache is not).
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
// It reads only the buckets it needs, one at a time in increasing distance
// from target (see bucketWalk: no two buckets share a distance, so each is
// sorted on its own), and stops once it holds n peers; of the last bucket
// it keeps only the nearest it needs.
func (t *Table) AppendClosest(dst []Peer, target hashes.Key, n int) []Peer {
	if n <= 0 || t.Len() == 0 {
		return dst
	}
	keys := t.space.Keys()
	want := len(dst) + n
	top := min(len(t.ends), hashes.Bits) - 1
	equal := len(t.ends) == NumBuckets && t.ends[hashes.Bits] > t.ends[hashes.Bits-1]
	w := newBucketWalk(t.local, target, top, equal)
	for b := w.next(); b >= 0 && len(dst) < want; b = w.next() {
		lo, hi := t.bounds(b)
		if lo == hi {
			continue
		}
		if need := want - len(dst); hi-lo > need {
			start := len(dst)
			for _, id := range t.ids[lo:hi] {
				dst = keepNearest(dst, start, need, target, Peer{ID: id, Key: keys[id]})
			}
			SortByDistance(dst[start:], target)
			return dst
		}
		dst = appendSorted(dst, keys, t.ids[lo:hi], target)
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
// nearest to the local key first (not in order of age: see BucketByAge).
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

// Bucket returns the peers of bucket b, nearest to the local key first (not
// in order of age: see BucketByAge).
func (t *Table) Bucket(b int) []Peer {
	if t == nil || b < 0 || b >= len(t.ends) {
		return nil
	}
	lo, hi := t.bounds(b)
	return appendSorted(make([]Peer, 0, hi-lo), t.space.Keys(), t.ids[lo:hi], t.local)
}

// AppendBucket appends the peers of bucket b to dst in the table's order
// (of age), and returns the extended slice.
func (t *Table) AppendBucket(dst []Peer, b int) []Peer {
	if t == nil || b < 0 || b >= len(t.ends) {
		return dst
	}
	keys := t.space.Keys()
	lo, hi := t.bounds(b)
	for _, id := range t.ids[lo:hi] {
		dst = append(dst, Peer{ID: id, Key: keys[id]})
	}
	return dst
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

// Clone returns a copy of the table, with its policy and replacement cache,
// that shares nothing with it but the key space: changing one leaves the
// other as it was.
func (t *Table) Clone() *Table {
	c := *t
	c.grouped = t.grouped.clone()
	if t.repl != nil {
		c.repl = t.repl.clone()
	}
	return &c
}

// PlaceBoundsIn keeps the table's bucket bounds (where each bucket ends)
// in *buf from now on, or in memory of their own again when buf is nil.
// A caller that keeps a table's header beside other state it reads with
// every request (a network's node state) puts the bounds there too: a
// request then reads the bounds of a bucket without a cache miss of its
// own. buf must live as long as the table uses it and serve nothing else;
// a Clone has bounds of its own.
func (t *Table) PlaceBoundsIn(buf *[NumBuckets]uint16) {
	if buf == nil {
		t.ends = slices.Clone(t.ends)
		return
	}
	// At most NumBuckets bounds: appends stay within buf.
	t.ends = append(buf[:0], t.ends...)
}

// CloneIn returns a Clone that resolves peer keys through space instead of
// t's key space. A network derived from another shares the other's tables
// but grows a key space of its own as nodes join: a table it changes must
// find the keys of its newcomers there. space must give every peer of t
// its key.
func (t *Table) CloneIn(space *KeySpace) *Table {
	c := t.Clone()
	c.space = space
	return c
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
	// Tables built by an Index share an arena; their slices' capacity ends
	// where their share does, so slices.Insert copies instead of writing
	// into a neighbour.
	g.ids = slices.Insert(g.ids, at, id)
	for i := b; i < len(g.ends); i++ {
		g.ends[i]++
	}
}

// delete removes the id at position i, in bucket b. It writes only inside
// g.ids[:len(g.ids)], so an arena table never touches its neighbours.
func (g *grouped) delete(b, i int) {
	g.ids = slices.Delete(g.ids, i, i+1)
	for j := b; j < len(g.ends); j++ {
		g.ends[j]--
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
