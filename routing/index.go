package routing

import (
	"cmp"
	"context"
	"fmt"
	"math/bits"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/go-dht/go-dht/hashes"
)

// Index holds every key of a network in sorted order. It answers
// network-wide "closest nodes" queries (the ground truth of a lookup) and
// builds optimal routing tables, both without scanning all keys.
//
// Keys sharing a prefix form one contiguous run of the sorted array. A radix
// table of the first r bits (2^r >= number of keys) gives the bounds of the
// run of any prefix of up to r bits in O(1); longer prefixes are found by
// binary search inside a run that holds about one key.
//
// An Index is immutable once built and safe for concurrent use.
type Index struct {
	keys  []hashes.Key // all keys, ascending; equal keys by ascending id
	ids   []uint32     // ids[i] is the id of keys[i]
	r     int          // bits of the radix table
	start []uint32     // start[p]: first position whose top r bits are >= p; len 2^r+1
}

// maxRadixBits bounds the radix table at 2^28 entries (1 GiB); beyond that
// the binary search inside a run takes over.
const maxRadixBits = 28

// NewIndex sorts keys (indexed by id) into an Index.
func NewIndex(keys []hashes.Key) *Index {
	n := len(keys)
	r := max(1, min(maxRadixBits, bits.Len(uint(n))))
	ix := &Index{
		keys:  make([]hashes.Key, n),
		ids:   make([]uint32, n),
		r:     r,
		start: make([]uint32, 1<<r+1),
	}
	// Counting sort on the top r bits: the histogram is the radix table.
	shift := hashes.Bits - r
	for _, k := range keys {
		ix.start[uint64(k)>>shift+1]++
	}
	for p := 1; p < len(ix.start); p++ {
		ix.start[p] += ix.start[p-1]
	}
	next := slices.Clone(ix.start[:len(ix.start)-1])
	for id, k := range keys {
		p := uint64(k) >> shift
		ix.keys[next[p]] = k
		ix.ids[next[p]] = uint32(id)
		next[p]++
	}
	// Each run holds about one key when keys are uniform; sort the rest.
	for p := 0; p+1 < len(ix.start); p++ {
		if lo, hi := int(ix.start[p]), int(ix.start[p+1]); hi-lo > 1 {
			ix.sortRun(lo, hi)
		}
	}
	return ix
}

// sortRun sorts positions [lo, hi) by key, then id. The counting sort kept
// ids ascending within a run, so a stable sort by key suffices.
func (ix *Index) sortRun(lo, hi int) {
	if hi-lo <= 16 {
		for i := lo + 1; i < hi; i++ {
			k, id := ix.keys[i], ix.ids[i]
			j := i
			for j > lo && ix.keys[j-1] > k {
				ix.keys[j], ix.ids[j] = ix.keys[j-1], ix.ids[j-1]
				j--
			}
			ix.keys[j], ix.ids[j] = k, id
		}
		return
	}
	peers := make([]Peer, hi-lo)
	for i := range peers {
		peers[i] = Peer{ID: ix.ids[lo+i], Key: ix.keys[lo+i]}
	}
	slices.SortFunc(peers, func(a, b Peer) int {
		if c := cmp.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	for i, p := range peers {
		ix.keys[lo+i], ix.ids[lo+i] = p.Key, p.ID
	}
}

// Len returns the number of keys.
func (ix *Index) Len() int { return len(ix.keys) }

// rangeOf returns the run [lo, hi) of keys whose first d bits equal those
// of key.
func (ix *Index) rangeOf(key hashes.Key, d int) (lo, hi int) {
	if d == 0 {
		return 0, len(ix.keys)
	}
	if d <= ix.r {
		p := uint64(key) >> (hashes.Bits - d)
		s := ix.r - d
		return int(ix.start[p<<s]), int(ix.start[(p+1)<<s])
	}
	p := uint64(key) >> (hashes.Bits - ix.r)
	lo, hi = int(ix.start[p]), int(ix.start[p+1])
	mask := ^uint64(0) << (hashes.Bits - d)
	want := uint64(key) & mask
	lo = ix.search(lo, hi, func(k uint64) bool { return k&mask >= want })
	hi = ix.search(lo, hi, func(k uint64) bool { return k&mask > want })
	return lo, hi
}

// search returns the first position in [lo, hi) whose key satisfies ok, or
// hi; ok must be false then true along the run.
func (ix *Index) search(lo, hi int, ok func(uint64) bool) int {
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if ok(uint64(ix.keys[mid])) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// split returns the first position of [a, b) whose bit depth is 1. Every key
// of [a, b) shares its first depth bits.
func (ix *Index) split(a, b, depth int) int {
	if depth < ix.r {
		p := uint64(ix.keys[a])>>(hashes.Bits-1-depth) | 1
		return int(ix.start[p<<(ix.r-depth-1)])
	}
	bit := uint64(1) << (hashes.Bits - 1 - depth)
	return ix.search(a, b, func(k uint64) bool { return k&bit != 0 })
}

// span is a run [a, b) of sorted positions.
type span struct{ a, b int }

// closestSpans appends to spans the runs that together hold the m keys of
// [a, b) nearest to target (ties by id). Every key of [a, b) shares its first
// depth bits. The runs are disjoint; their union is the answer, unordered.
//
// It descends the implicit binary trie of the sorted keys: at each level the
// half that agrees with target's next bit is nearer than the other half, so
// it is taken whole when it is smaller than m, and the rest comes from the
// other half.
func (ix *Index) closestSpans(spans []span, a, b, depth int, target hashes.Key, m int) []span {
	for m > 0 && a < b {
		if b-a <= m {
			return append(spans, span{a, b})
		}
		if depth == hashes.Bits {
			// Equal keys, sorted by id: the smallest ids win the tie.
			return append(spans, span{a, a + m})
		}
		mid := ix.split(a, b, depth)
		na, nb, fa, fb := a, mid, mid, b
		if target.Bit(depth) == 1 {
			na, nb, fa, fb = mid, b, a, mid
		}
		if nb-na >= m {
			a, b = na, nb
		} else {
			if nb > na {
				spans = append(spans, span{na, nb})
			}
			m -= nb - na
			a, b = fa, fb
		}
		depth++
	}
	return spans
}

// AppendClosest appends the n keys of the index nearest to target to dst,
// nearest first, ties by id.
func (ix *Index) AppendClosest(dst []Peer, target hashes.Key, n int) []Peer {
	var buf [hashes.Bits + 1]span
	start := len(dst)
	for _, s := range ix.closestSpans(buf[:0], 0, len(ix.keys), 0, target, n) {
		for i := s.a; i < s.b; i++ {
			dst = append(dst, Peer{ID: ix.ids[i], Key: ix.keys[i]})
		}
	}
	SortByDistance(dst[start:], target)
	return dst
}

// Closest returns the n keys of the index nearest to target, nearest first.
func (ix *Index) Closest(target hashes.Key, n int) []Peer {
	return ix.AppendClosest(make([]Peer, 0, min(n, len(ix.keys))), target, n)
}

// walkOptimal calls visit for every non-empty bucket b of the optimal table
// of the node with id self and key local, with the spans that hold the
// bucket's peers. The spans of bucket 64 (keys equal to local) may include
// self; visit must skip it.
func (ix *Index) walkOptimal(local hashes.Key, k int, visit func(b int, spans []span)) {
	var buf [hashes.Bits + 1]span
	for d := 0; d < hashes.Bits; d++ {
		// Bucket d: the keys sharing d bits with local and not bit d.
		if lo, hi := ix.rangeOf(local.FlipBit(d), d+1); lo < hi {
			visit(d, ix.closestSpans(buf[:0], lo, hi, d+1, local, k))
		}
		// Deeper buckets are empty once local is alone in its own run.
		if lo, hi := ix.rangeOf(local, d+1); hi == lo || hi-lo == 1 && ix.keys[lo] == local {
			return
		}
	}
	// Keys equal to local: at most k of them besides self, smallest ids.
	lo, hi := ix.rangeOf(local, hashes.Bits)
	visit(hashes.Bits, ix.closestSpans(buf[:0], lo, hi, hashes.Bits, local, k+1))
}

// optimalShape returns the number of peers and the number of buckets (one
// past the highest non-empty bucket) of an optimal table.
func (ix *Index) optimalShape(self uint32, local hashes.Key, k int) (peers, buckets int) {
	ix.walkOptimal(local, k, func(b int, spans []span) {
		n := 0
		for _, s := range spans {
			n += s.b - s.a
			if b == hashes.Bits {
				for i := s.a; i < s.b; i++ {
					if ix.ids[i] == self {
						n--
					}
				}
			}
		}
		n = min(n, k)
		if n > 0 {
			peers += n
			buckets = b + 1
		}
	})
	return peers, buckets
}

// fillOptimal writes the optimal table of (self, local) into ids and ends,
// which have exactly the sizes optimalShape returned.
func (ix *Index) fillOptimal(self uint32, local hashes.Key, k int, ids []uint32, ends []uint16) {
	n := 0
	next := 0 // next bucket whose end is not written yet
	ix.walkOptimal(local, k, func(b int, spans []span) {
		start := n
		for _, s := range spans {
			for i := s.a; i < s.b && n-start < k; i++ {
				if id := ix.ids[i]; id != self && n < len(ids) {
					ids[n] = id
					n++
				}
			}
		}
		for ; next <= b && next < len(ends); next++ {
			if next < b {
				ends[next] = uint16(start)
			} else {
				ends[next] = uint16(n)
			}
		}
	})
	for ; next < len(ends); next++ {
		ends[next] = uint16(n)
	}
}

// OptimalTable returns the optimal table of node self with key local: the
// table fed with every key of the index.
func (ix *Index) OptimalTable(self uint32, local hashes.Key, k int, space *KeySpace) (*Table, error) {
	if err := ValidateK(k); err != nil {
		return nil, err
	}
	peers, buckets := ix.optimalShape(self, local, k)
	t := &Table{local: local, self: self, k: uint32(k), space: space,
		ids: make([]uint32, peers), ends: make([]uint16, buckets)}
	ix.fillOptimal(self, local, k, t.ids, t.ends)
	return t, nil
}

// BuildTables returns the optimal table of every node of the index, indexed
// by id. The work is sharded over workers goroutines; the result does not
// depend on their number. All tables share two arenas, sized exactly in a
// first pass so that the peak heap is the size of the result.
func (ix *Index) BuildTables(ctx context.Context, space *KeySpace, k, workers int) ([]Table, error) {
	if err := ValidateK(k); err != nil {
		return nil, err
	}
	if workers < 1 {
		return nil, fmt.Errorf("%w: workers = %d, allowed >= 1", ErrInvalidWorkers, workers)
	}
	n := len(ix.keys)
	if space.Len() < n {
		return nil, fmt.Errorf("routing: key space holds %d keys, index %d", space.Len(), n)
	}
	// Shards are runs of sorted positions: neighbours in key order walk the
	// same runs, which keeps the radix table and keys hot in cache.
	shards := shardBounds(n, workers)
	peerOff := make([]int, n+1) // by sorted position
	bucketOff := make([]int, n+1)
	err := parallel(ctx, workers, shards, func(lo, hi int) {
		for pos := lo; pos < hi; pos++ {
			peerOff[pos+1], bucketOff[pos+1] = ix.optimalShape(ix.ids[pos], ix.keys[pos], k)
		}
	})
	if err != nil {
		return nil, err
	}
	for pos := 1; pos <= n; pos++ {
		peerOff[pos] += peerOff[pos-1]
		bucketOff[pos] += bucketOff[pos-1]
	}
	peerArena := make([]uint32, peerOff[n])
	endArena := make([]uint16, bucketOff[n])
	tables := make([]Table, n)
	err = parallel(ctx, workers, shards, func(lo, hi int) {
		for pos := lo; pos < hi; pos++ {
			id, local := ix.ids[pos], ix.keys[pos]
			p0, p1 := peerOff[pos], peerOff[pos+1]
			b0, b1 := bucketOff[pos], bucketOff[pos+1]
			t := &tables[id]
			*t = Table{local: local, self: id, k: uint32(k), space: space,
				ids: peerArena[p0:p1:p1], ends: endArena[b0:b1:b1]}
			ix.fillOptimal(id, local, k, t.ids, t.ends)
		}
	})
	if err != nil {
		return nil, err
	}
	return tables, nil
}

// shardBounds cuts [0, n) into runs: several per worker so that an uneven
// run does not leave a core idle.
func shardBounds(n, workers int) []int {
	shards := min(n, workers*8)
	if shards == 0 {
		return []int{0, 0}
	}
	bounds := make([]int, shards+1)
	for i := range bounds {
		bounds[i] = i * n / shards
	}
	return bounds
}

// parallel runs work on every shard with at most workers goroutines and
// stops early when ctx is cancelled.
func parallel(ctx context.Context, workers int, bounds []int, work func(lo, hi int)) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i := 0; i+1 < len(bounds); i++ {
		lo, hi := bounds[i], bounds[i+1]
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			work(lo, hi)
			return nil
		})
	}
	return g.Wait()
}
