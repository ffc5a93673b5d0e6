package routing

import "github.com/go-dht/go-dht/hashes"

// bucketWalk lists the buckets of a table in increasing XOR distance from a
// target, so that a closest-peers query reads one bucket at a time, sorts
// only that bucket, and stops as soon as it holds enough peers.
//
// With j the common prefix length of the local key and the target, and x
// their XOR, the peers of a bucket b share their distance to the target on
// bits [0, b]:
//   - bucket j: zero on bits [0, j], the nearest of all;
//   - bucket b > j: zero on [0, j), one at j, x on (j, b), and at bit b the
//     complement of x's bit. Two such buckets b < c first differ at bit b,
//     where b has the complement of x's bit and c has x's bit: b comes first
//     where x has a one. So the buckets where x has a one come first in
//     increasing order, then bucket 64 (distance exactly x), then the
//     buckets where x has a zero in decreasing order;
//   - bucket b < j: first one at bit b, so j-1 down to 0 last.
//
// Buckets never share a distance, so sorting each on its own and
// concatenating them in this order sorts them all together.
type bucketWalk struct {
	x     hashes.Key // local ^ target
	j     int        // common prefix length of local and target
	top   int        // deepest bucket below 64 that may hold peers, -1 for none
	equal bool       // bucket 64 may hold peers
	phase int        // which of the groups above next continues
	b     int        // the last bucket listed in the current group
}

// newBucketWalk starts a walk of the buckets 0..top and, when equal is
// set, bucket 64, around target, for the table of local.
func newBucketWalk(local, target hashes.Key, top int, equal bool) bucketWalk {
	return bucketWalk{x: local ^ target, j: hashes.CommonPrefixLen(local, target), top: top, equal: equal}
}

// next returns the next bucket, or -1 once every bucket was listed.
func (w *bucketWalk) next() int {
	for {
		switch w.phase {
		case 0: // bucket j
			w.phase, w.b = 1, w.j
			if w.j == hashes.Bits { // target == local: nothing above j
				w.phase, w.b = 4, w.top+1
				if w.equal {
					return hashes.Bits
				}
				continue
			}
			if w.j <= w.top {
				return w.j
			}
		case 1: // above j where x has a one, ascending
			if w.b++; w.b > w.top {
				w.phase = 2
				continue
			}
			if w.x.Bit(w.b) == 1 {
				return w.b
			}
		case 2: // bucket 64
			w.phase, w.b = 3, w.top+1
			if w.equal {
				return hashes.Bits
			}
		case 3: // above j where x has a zero, descending
			if w.b--; w.b <= w.j {
				w.phase, w.b = 4, min(w.j, w.top+1)
				continue
			}
			if w.x.Bit(w.b) == 0 {
				return w.b
			}
		case 4: // below j, descending
			if w.b--; w.b >= 0 {
				return w.b
			}
			w.phase = 5
		default:
			return -1
		}
	}
}
