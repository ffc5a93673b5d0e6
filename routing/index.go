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

// NewIndex sorts keys (indexed by id) into an Index on the calling
// goroutine. NewIndexParallel builds the same Index on several.
func NewIndex(keys []hashes.Key) *Index {
	ix, _ := NewIndexParallel(context.Background(), keys, 1) // no error: valid workers, no cancellation
	return ix
}

// NewIndexParallel sorts keys (indexed by id) into an Index with the work
// sharded over workers goroutines. The Index does not depend on workers:
// it is the keys in (key, id) order and the radix table of that array. It
// returns an error for workers < 1 or when ctx is cancelled.
//
// A single counting sort on all r radix bits scatters every key to a
// random place in arrays of gigabytes at 10^8 keys: three cache and TLB
// misses per key (the cursor, the key, the id), 14 s on a 2-core VM. So
// the sort runs in two stable passes that stay in cache:
//
//  1. partition on the top bits of the radix (at most a few thousand
//     buckets, so the writes form that many sequential streams), each
//     worker counting and scattering its own run of ids;
//  2. finish each bucket on its own, which fits in a core's L2 cache:
//     count the remaining radix bits into the bucket's part of the radix
//     table, scatter back from a copy of the bucket, sort the runs that
//     hold more than one key.
//
// Besides the result (8 bytes of key and 4 of id per key, 4 bytes per
// radix entry) it holds only a histogram per shard and a copy of one bucket
// per worker, about 2^15 keys when keys are hashes: no copy of the whole
// array (unless the keys crowd into one bucket).
func NewIndexParallel(ctx context.Context, keys []hashes.Key, workers int) (*Index, error) {
	if workers < 1 {
		return nil, fmt.Errorf("%w: workers = %d, allowed >= 1", ErrInvalidWorkers, workers)
	}
	// Top bits: at least 8 (or all r) for parallel buckets, and enough that
	// a bucket's part of the radix table holds at most 2^15 entries (128
	// KiB), as a bucket holds about 2^15 keys (384 KiB, twice with its
	// copy): together in a 1 MiB L2 cache.
	r := radixBits(len(keys))
	return buildIndex(ctx, keys, workers, max(min(r, 8), r-15))
}

// radixBits returns the bits of the radix table of n keys: 2^r >= n, so
// that a run holds about one key, within 1..maxRadixBits.
func radixBits(n int) int {
	return max(1, min(maxRadixBits, bits.Len(uint(n))))
}

// buildIndex is NewIndexParallel partitioning on the top bits of the radix
// (1 <= top <= r); the Index does not depend on top, which tests vary.
func buildIndex(ctx context.Context, keys []hashes.Key, workers, top int) (*Index, error) {
	n := len(keys)
	r := radixBits(n)
	ix := &Index{
		keys:  make([]hashes.Key, n),
		ids:   make([]uint32, n),
		r:     r,
		start: make([]uint32, 1<<r+1),
	}
	part, err := ix.partition(ctx, keys, top, workers)
	if err != nil {
		return nil, err
	}
	if err := ix.finishBuckets(ctx, part, top, workers); err != nil {
		return nil, err
	}
	ix.start[1<<r] = uint32(n)
	return ix, nil
}

// partition writes keys and their ids into ix.keys and ix.ids ordered by
// their top bits, ids ascending among equal top bits, and returns the
// bounds of each bucket: bucket t is [part[t], part[t+1]).
//
// Each shard of ids counts its keys per bucket, then writes them at its
// own cursors: in each bucket, the shards' keys follow each other in shard
// order, so ids stay ascending whatever the number of shards.
func (ix *Index) partition(ctx context.Context, keys []hashes.Key, top, workers int) ([]int, error) {
	shards := shardBounds(len(keys), workers)
	buckets := 1 << top
	shift := hashes.Bits - top
	// hist[s*buckets+t] counts the keys of shard s in bucket t, then
	// becomes shard s's cursor in bucket t.
	hist := make([]uint32, (len(shards)-1)*buckets)
	err := parallelShards(ctx, workers, shards, func(s, lo, hi int) {
		h := hist[s*buckets : (s+1)*buckets]
		for _, k := range keys[lo:hi] {
			h[uint64(k)>>shift]++
		}
	})
	if err != nil {
		return nil, err
	}
	part := make([]int, buckets+1)
	pos := 0
	for t := range buckets {
		part[t] = pos
		for s := 0; s+1 < len(shards); s++ {
			c := hist[s*buckets+t]
			hist[s*buckets+t] = uint32(pos)
			pos += int(c)
		}
	}
	part[buckets] = pos
	err = parallelShards(ctx, workers, shards, func(s, lo, hi int) {
		cur := hist[s*buckets : (s+1)*buckets]
		for id := lo; id < hi; id++ {
			k := keys[id]
			t := uint64(k) >> shift
			ix.keys[cur[t]] = k
			ix.ids[cur[t]] = uint32(id)
			cur[t]++
		}
	})
	return part, err
}

// finishBuckets sorts each bucket of part (keys sharing their top bits) and
// fills its part of the radix table. Buckets are independent, so workers
// take runs of them.
func (ix *Index) finishBuckets(ctx context.Context, part []int, top, workers int) error {
	fine := ix.r - top // radix bits below the top bits
	shift := hashes.Bits - ix.r
	mask := uint64(1)<<fine - 1
	groups := shardBounds(len(part)-1, workers)
	return parallelShards(ctx, workers, groups, func(_, first, last int) {
		// cur counts the keys of each fine prefix of a bucket, then is the
		// cursor of the prefix's run, then its end.
		cur := make([]uint32, 1<<fine)
		var scratchKeys []hashes.Key
		var scratchIDs []uint32
		for t := first; t < last; t++ {
			lo, hi := part[t], part[t+1]
			if fine == 0 {
				ix.start[t] = uint32(lo)
				if hi-lo > 1 {
					ix.sortRun(lo, hi)
				}
				continue
			}
			clear(cur)
			for _, k := range ix.keys[lo:hi] {
				cur[uint64(k)>>shift&mask]++
			}
			runs := ix.start[t<<fine : (t+1)<<fine]
			pos := uint32(lo)
			for q, c := range cur {
				runs[q], cur[q] = pos, pos
				pos += c
			}
			if hi-lo < 2 {
				continue
			}
			// The bucket's keys are in id order; copy them and scatter
			// them back by fine prefix, which keeps that order in a run.
			scratchKeys = append(scratchKeys[:0], ix.keys[lo:hi]...)
			scratchIDs = append(scratchIDs[:0], ix.ids[lo:hi]...)
			for i, k := range scratchKeys {
				q := uint64(k) >> shift & mask
				ix.keys[cur[q]] = k
				ix.ids[cur[q]] = scratchIDs[i]
				cur[q]++
			}
			// Each run holds about one key when keys are uniform; sort
			// the rest.
			for q, end := range cur {
				if a := int(runs[q]); int(end)-a > 1 {
					ix.sortRun(a, int(end))
				}
			}
		}
	})
}

// sortRun sorts positions [lo, hi) by key, then id. The counting sort kept
// ids ascending within a run, so a stable sort by key suffices for short
// runs.
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
	// Deeper than the radix table: binary search inside its run, which
	// holds about one key.
	p := uint64(key) >> (hashes.Bits - ix.r)
	lo, hi = int(ix.start[p]), int(ix.start[p+1])
	mask := ^uint64(0) << (hashes.Bits - d)
	want := uint64(key) & mask
	for l, h := lo, hi; l < h; { // first key with prefix >= want
		if mid := int(uint(l+h) >> 1); uint64(ix.keys[mid])&mask >= want {
			h = mid
		} else {
			l = mid + 1
		}
		lo = l
	}
	for l, h := lo, hi; l < h; { // first key with prefix > want
		if mid := int(uint(l+h) >> 1); uint64(ix.keys[mid])&mask > want {
			h = mid
		} else {
			l = mid + 1
		}
		hi = l
	}
	return lo, hi
}

// span is a run [a, b) of sorted positions.
type span struct{ a, b int }

// closestSpans appends to spans the runs that together hold the m keys
// nearest to vt (ties by id) among the keys that share the first depth bits
// of vt, the run [a, b). The runs are disjoint; their union is the answer,
// unordered.
//
// Within the run of vt at some depth, the child run that agrees with vt's
// next bit is nearer to vt than the other child. So the answer is the child
// towards vt of the deepest run around vt that still holds m keys, plus the
// nearest keys of the other child, found the same way with that bit of vt
// flipped (XOR order inside the other child does not depend on that bit).
func (ix *Index) closestSpans(spans []span, vt hashes.Key, depth, a, b, m int) []span {
	for m > 0 && a < b {
		if b-a <= m {
			return append(spans, span{a, b})
		}
		d, pa, pb, na, nb := ix.deepestHolding(vt, depth, a, b, m)
		if d == hashes.Bits {
			return append(spans, span{pa, pa + m}) // equal keys: the smallest ids
		}
		if nb > na {
			spans = append(spans, span{na, nb})
		}
		m -= nb - na
		a, b = pa, pb
		if vt.Bit(d) == 0 {
			a = nb
		} else {
			b = na
		}
		vt, depth = vt.FlipBit(d), d+1
	}
	return spans
}

// deepestHolding returns the largest d >= from such that the run [a, b) of
// keys sharing the first d bits of vt holds at least m keys, and the run
// [na, nb) of its child towards vt (empty at d = 64). At depth from, the
// run [fa, fb) holds more than m keys.
func (ix *Index) deepestHolding(vt hashes.Key, from, fa, fb, m int) (d, a, b, na, nb int) {
	// Keys are hashes: about N/2^d of them share d bits with vt. Start from
	// that guess and walk; the walk is a step or two.
	d = max(from, min(hashes.Bits, bits.Len(uint(len(ix.keys)/m))-1))
	if d == from {
		a, b = fa, fb
	} else {
		a, b = ix.rangeOf(vt, d)
	}
	if b-a >= m {
		for ; d < hashes.Bits; d++ {
			na, nb = ix.rangeOf(vt, d+1)
			if nb-na < m {
				return d, a, b, na, nb
			}
			a, b = na, nb
		}
		return d, a, b, b, b
	}
	for {
		na, nb = a, b
		d--
		if d == from {
			return d, fa, fb, na, nb
		}
		if a, b = ix.rangeOf(vt, d); b-a >= m {
			return d, a, b, na, nb
		}
	}
}

// AppendClosest appends the n keys of the index nearest to target to dst,
// nearest first, ties by id.
func (ix *Index) AppendClosest(dst []Peer, target hashes.Key, n int) []Peer {
	var buf [hashes.Bits + 1]span
	start := len(dst)
	for _, s := range ix.closestSpans(buf[:0], target, 0, 0, len(ix.keys), n) {
		for i := s.a; i < s.b; i++ {
			dst = append(dst, Peer{ID: ix.ids[i], Key: ix.keys[i]})
		}
	}
	SortByDistance(dst[start:], target)
	return dst
}

// Closest returns the n keys of the index nearest to target, nearest first.
func (ix *Index) Closest(target hashes.Key, n int) []Peer {
	return ix.AppendClosest(make([]Peer, 0, max(0, min(n, len(ix.keys)))), target, n)
}

// walkBuckets calls visit(d, lo, hi) for every bucket d < 64 of the optimal
// table of local whose candidates, the run [lo, hi) of keys that share
// exactly d bits with local, are not empty. It reports whether keys equal to
// local may exist besides local itself (bucket 64).
func (ix *Index) walkBuckets(local hashes.Key, visit func(d, lo, hi int)) bool {
	plo, phi := 0, len(ix.keys) // the run of keys sharing d bits with local
	for d := 0; d < hashes.Bits; d++ {
		// The run splits into local's own child and bucket d's candidates.
		clo, chi := ix.rangeOf(local, d+1)
		if local.Bit(d) == 0 && chi < phi {
			visit(d, chi, phi)
		} else if local.Bit(d) == 1 && plo < clo {
			visit(d, plo, clo)
		}
		// Deeper buckets are empty once local is alone in its own run.
		if chi == clo || chi-clo == 1 && ix.keys[clo] == local {
			return false
		}
		plo, phi = clo, chi
	}
	return true
}

// equalPeers returns the ids of bucket 64: keys equal to local, self
// excluded, at most k, smallest ids first.
func (ix *Index) equalPeers(dst []uint32, self uint32, local hashes.Key, k int) []uint32 {
	lo, hi := ix.rangeOf(local, hashes.Bits)
	for i := lo; i < hi && len(dst) < k; i++ {
		if ix.ids[i] != self {
			dst = append(dst, ix.ids[i])
		}
	}
	return dst
}

// optimalShape returns the number of peers and the number of buckets (one
// past the highest non-empty bucket) of an optimal table. It needs only the
// sizes of the candidate runs.
func (ix *Index) optimalShape(self uint32, local hashes.Key, k int) (peers, buckets int) {
	equal := ix.walkBuckets(local, func(d, lo, hi int) {
		peers += min(k, hi-lo)
		buckets = d + 1
	})
	if equal {
		var buf [4]uint32
		if n := len(ix.equalPeers(buf[:0], self, local, k)); n > 0 {
			peers += n
			buckets = NumBuckets
		}
	}
	return peers, buckets
}

// fillTable writes the table of (self, local) under fill f into ids and
// ends, which have exactly the sizes optimalShape returned (the sizes do
// not depend on the fill). scratch is a buffer for the random fill's draws;
// fillTable returns it, grown as needed.
func (ix *Index) fillTable(self uint32, local hashes.Key, k int, f Fill, ids []uint32, ends []uint16, scratch []int32) []int32 {
	var buf [hashes.Bits + 1]span
	n := 0
	next := 0 // first bucket whose end is not written yet
	equal := ix.walkBuckets(local, func(d, lo, hi int) {
		for ; next < d; next++ {
			ends[next] = uint16(n)
		}
		if f.Random && hi-lo > k {
			// Only the ids are read, each a cache miss in a big network.
			scratch = drawPositions(scratch[:0], f, self, d, lo, hi, k)
			for _, p := range scratch {
				ids[n] = ix.ids[p]
				n++
			}
		} else {
			// The candidates differ from local in bit d only among the
			// bits that matter, so the nearest to local are the nearest
			// to local with bit d flipped, which lies inside their run.
			for _, s := range ix.closestSpans(buf[:0], local.FlipBit(d), d+1, lo, hi, k) {
				n += copy(ids[n:], ix.ids[s.a:s.b])
			}
		}
		ends[d] = uint16(n)
		next = d + 1
	})
	if equal && len(ends) == NumBuckets {
		for ; next < hashes.Bits; next++ {
			ends[next] = uint16(n)
		}
		n += len(ix.equalPeers(ids[n:n], self, local, k))
	}
	for ; next < len(ends); next++ {
		ends[next] = uint16(n)
	}
	return scratch
}

// OptimalTable returns the optimal table of node self with key local: the
// table fed with every key of the index under Closest, which is its table
// under ClosestFill (see FilledTable).
func (ix *Index) OptimalTable(self uint32, local hashes.Key, k int, space *KeySpace) (*Table, error) {
	return ix.FilledTable(self, local, k, ClosestFill(), space)
}

// FilledTable returns the table of node self with key local and bucket
// size k under fill f, built from the keys of the index. Like NewTable's,
// it has the Closest policy and a replacement cache size of k; whatever
// policy the caller then sets governs how the table changes from there.
func (ix *Index) FilledTable(self uint32, local hashes.Key, k int, f Fill, space *KeySpace) (*Table, error) {
	if err := ValidateK(k); err != nil {
		return nil, err
	}
	peers, buckets := ix.optimalShape(self, local, k)
	t := &Table{local: local, self: self, k: uint16(k), cacheMax: uint16(k), space: space,
		grouped: grouped{ids: make([]uint32, peers), ends: make([]uint16, buckets)}}
	ix.fillTable(self, local, k, f, t.ids, t.ends, nil)
	return t, nil
}

// BuildTables returns the optimal table of every node of the index, indexed
// by id: BuildFilledTables under ClosestFill.
func (ix *Index) BuildTables(ctx context.Context, space *KeySpace, k, workers int) ([]Table, error) {
	return ix.BuildFilledTables(ctx, space, k, ClosestFill(), workers)
}

// BuildFilledTables returns the table under fill f of every node of the
// index, indexed by id. The work is sharded over workers goroutines; the result does not
// depend on their number. All tables share two arenas, sized exactly in a
// first pass so that the peak heap is the size of the result. The tables
// have the Closest policy and a replacement cache size of k, as
// FilledTable's. Changing one in place never writes into another (see
// Table), but a caller that shares them changes a Clone.
func (ix *Index) BuildFilledTables(ctx context.Context, space *KeySpace, k int, f Fill, workers int) ([]Table, error) {
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
	// Fault the arena's fresh pages in first, in parallel: measured on a
	// 2-core VM, this tight loop takes ~0.6 s for 1.3 GB where the same
	// faults spread over the fill cost ~1.2 s more.
	err = parallel(ctx, workers, shardBounds(len(peerArena), workers), func(lo, hi int) {
		for i := lo; i < hi; i += pageWords {
			peerArena[i] = 0
		}
	})
	if err != nil {
		return nil, err
	}
	err = parallel(ctx, workers, shards, func(lo, hi int) {
		var scratch []int32
		for pos := lo; pos < hi; pos++ {
			id, local := ix.ids[pos], ix.keys[pos]
			p0, p1 := peerOff[pos], peerOff[pos+1]
			b0, b1 := bucketOff[pos], bucketOff[pos+1]
			t := &tables[id]
			*t = Table{local: local, self: id, k: uint16(k), cacheMax: uint16(k), space: space,
				grouped: grouped{ids: peerArena[p0:p1:p1], ends: endArena[b0:b1:b1]}}
			scratch = ix.fillTable(id, local, k, f, t.ids, t.ends, scratch)
		}
	})
	if err != nil {
		return nil, err
	}
	return tables, nil
}

// pageWords is the number of arena entries in a 4 KiB page.
const pageWords = 4096 / 4

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
	return parallelShards(ctx, workers, bounds, func(_, lo, hi int) { work(lo, hi) })
}

// parallelShards is parallel for work that needs the index of its shard.
// With one worker it runs on the calling goroutine: NewIndex, called on
// tiny key sets by tests and fuzzers, then starts no goroutine.
func parallelShards(ctx context.Context, workers int, bounds []int, work func(shard, lo, hi int)) error {
	if workers == 1 {
		for i := 0; i+1 < len(bounds); i++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			work(i, bounds[i], bounds[i+1])
		}
		return nil
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i := 0; i+1 < len(bounds); i++ {
		lo, hi := bounds[i], bounds[i+1]
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			work(i, lo, hi)
			return nil
		})
	}
	return g.Wait()
}

// AppendOptimalClosest is AppendFilledClosest under ClosestFill: the n
// peers of node self's optimal table nearest to target.
func (ix *Index) AppendOptimalClosest(dst []Peer, self uint32, local hashes.Key, k int, target hashes.Key, n int) []Peer {
	return ix.AppendFilledClosest(dst, self, local, k, ClosestFill(), target, n)
}

// AppendFilledClosest appends to dst the n peers of the table of node self
// with key local, bucket size k and fill f that are nearest to target,
// nearest first, ties by id, and returns the extended slice. The answer is
// exactly that of
//
//	t, _ := ix.FilledTable(self, local, k, f, space)
//	t.AppendClosest(dst, target, n)
//
// when space holds the keys of the index; in particular an invalid k reads
// as the nil table, an empty answer. It does not build the table: a
// network of 10^7 nodes or more cannot hold every table (~1.5 KB a node),
// so a node's answer to a find-closest request is read from the sorted keys
// instead.
//
// It reads the table's buckets one at a time in increasing distance from
// target (see bucketWalk), each found in the sorted keys as the table
// builder finds it (the run of keys sharing exactly b bits with local, then
// its k closest to local, or k drawn from it), and stops once it holds n
// peers: O(log N) to find the runs plus O(k log k) per bucket read. Under
// the closest fill it appends at most n peers and allocates nothing else,
// so with room in dst it does not allocate; the random fill appends a
// bucket's k members before it keeps the nearest.
func (ix *Index) AppendFilledClosest(dst []Peer, self uint32, local hashes.Key, k int, f Fill, target hashes.Key, n int) []Peer {
	if n <= 0 || k < 1 || k > MaxK || len(ix.keys) == 0 {
		return dst
	}
	// The keys next to the run of keys equal to local share the most bits
	// with it: buckets deeper than that (but 64) are empty. Bucket 64
	// exists when another key equals local, as walkBuckets decides it.
	elo, ehi := ix.rangeOf(local, hashes.Bits)
	top := -1
	if elo > 0 {
		top = hashes.CommonPrefixLen(local, ix.keys[elo-1])
	}
	if ehi < len(ix.keys) {
		top = max(top, hashes.CommonPrefixLen(local, ix.keys[ehi]))
	}
	want := len(dst) + n
	var buf [hashes.Bits + 1]span
	w := newBucketWalk(local, target, top, ehi-elo >= 2)
	for b := w.next(); b >= 0 && len(dst) < want; b = w.next() {
		if b == hashes.Bits {
			// Bucket 64 holds the first k equal keys but self, in id
			// order, which is also their order around any target.
			for i, taken := elo, 0; i < ehi && taken < k && len(dst) < want; i++ {
				if ix.ids[i] != self {
					dst = append(dst, Peer{ID: ix.ids[i], Key: ix.keys[i]})
					taken++
				}
			}
			continue
		}
		vt := local.FlipBit(b)
		lo, hi := ix.rangeOf(vt, b+1)
		if lo == hi {
			continue
		}
		if f.Random && hi-lo > k {
			start := len(dst)
			dst = ix.appendDrawn(dst, f, self, b, lo, hi, k)
			SortByDistance(dst[start:], target)
			dst = dst[:min(len(dst), want)]
			continue
		}
		spans := ix.closestSpans(buf[:0], vt, b+1, lo, hi, k)
		dst = ix.appendBucket(dst, spans, min(k, hi-lo), want-len(dst), target)
	}
	return dst
}

// AppendFilledBucket appends to dst the peers of bucket b of the table of
// node self with key local, bucket size k and fill f, in the order the
// table holds them (what FilledTable's AppendBucket gives), without
// building the table; b is 0..63 (bucket 64, of keys equal to local, is
// read from its run by the caller that needs it).
func (ix *Index) AppendFilledBucket(dst []Peer, self uint32, local hashes.Key, k int, f Fill, b int) []Peer {
	if b < 0 || b >= hashes.Bits || k < 1 || k > MaxK || len(ix.keys) == 0 {
		return dst
	}
	vt := local.FlipBit(b)
	lo, hi := ix.rangeOf(vt, b+1)
	if lo == hi {
		return dst
	}
	if f.Random && hi-lo > k {
		return ix.appendDrawn(dst, f, self, b, lo, hi, k)
	}
	var buf [hashes.Bits + 1]span
	for _, s := range ix.closestSpans(buf[:0], vt, b+1, lo, hi, k) {
		for i := s.a; i < s.b; i++ {
			dst = append(dst, Peer{ID: ix.ids[i], Key: ix.keys[i]})
		}
	}
	return dst
}

// appendBucket appends to dst the peers of one bucket, the positions of
// spans (size of them), sorted by distance to target; if the bucket holds
// more than need peers, only the need nearest.
func (ix *Index) appendBucket(dst []Peer, spans []span, size, need int, target hashes.Key) []Peer {
	start := len(dst)
	for _, s := range spans {
		for i := s.a; i < s.b; i++ {
			if p := (Peer{ID: ix.ids[i], Key: ix.keys[i]}); size <= need {
				dst = append(dst, p)
			} else {
				dst = keepNearest(dst, start, need, target, p)
			}
		}
	}
	SortByDistance(dst[start:], target)
	return dst
}
