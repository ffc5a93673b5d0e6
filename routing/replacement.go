package routing

import (
	"fmt"
	"slices"
)

// MaxReplacementCacheSize is the largest replacement cache size a table
// accepts, per bucket. Like MaxK, it keeps the cache's offsets in 16 bits.
const MaxReplacementCacheSize = MaxK

// Policy returns the table's replacement policy.
func (t *Table) Policy() Policy { return t.policy }

// SetPolicy sets how the table changes from now on; it returns an error
// wrapping ErrInvalidPolicy for a value that is no policy. The peers stay
// as they are: a table that changed under Oldest does not become the
// closest peers by switching to Closest, only its next changes follow
// Closest. Switching to Closest drops the replacement cache, which only
// Oldest uses.
func (t *Table) SetPolicy(p Policy) error {
	if err := p.Validate(); err != nil {
		return err
	}
	t.policy = p
	if p != Oldest {
		t.repl = nil
	}
	return nil
}

// ReplacementCacheSize returns the most newcomers each bucket's replacement
// cache holds under Oldest.
func (t *Table) ReplacementCacheSize() int { return int(t.cacheMax) }

// SetReplacementCacheSize sets the most newcomers each bucket's
// replacement cache holds under Oldest, n in [0, MaxReplacementCacheSize];
// it returns an error wrapping ErrInvalidCacheSize otherwise. A cache longer
// than n keeps its n newest entries. With n = 0 there is no cache: a
// newcomer to a full bucket is dropped and a removed peer leaves room for
// the next Add.
//
// The default is k, the bucket size: enough newcomers to refill a bucket
// that loses every member. go-ethereum keeps 10 for buckets of 16.
func (t *Table) SetReplacementCacheSize(n int) error {
	if n < 0 || n > MaxReplacementCacheSize {
		return fmt.Errorf("%w: %d, allowed 0..%d", ErrInvalidCacheSize, n, MaxReplacementCacheSize)
	}
	t.cacheMax = uint16(n)
	if r := t.repl; r != nil {
		for b := range r.ends {
			for lo, hi := r.bounds(b); hi-lo > n; hi-- {
				r.delete(b, lo)
			}
		}
		t.dropEmptyCache()
	}
	return nil
}

// Replacements returns the replacement cache of bucket b, oldest first:
// the last one is the next to take the place of a removed member. Only a
// full bucket of a table under Oldest has one.
func (t *Table) Replacements(b int) []Peer {
	if t == nil || t.repl == nil || b < 0 || b >= len(t.repl.ends) {
		return nil
	}
	return t.peersOf(&t.repl.grouped, b)
}

// cache makes id, a newcomer that found bucket b full, the newest entry of
// the bucket's replacement cache, dropping the oldest entry if the cache is
// full. A newcomer that is cached already only becomes the newest: it is
// the most recent again.
func (t *Table) cache(b int, id uint32) {
	if t.cacheMax == 0 {
		return
	}
	if t.repl == nil {
		t.repl = newReplCache()
	}
	r := &t.repl.grouped
	lo, hi := r.bounds(b)
	if i := slices.Index(r.ids[lo:hi], id); i >= 0 {
		r.replace(lo+i, hi, id)
	} else if hi-lo >= int(t.cacheMax) {
		r.replace(lo, hi, id)
	} else {
		r.insert(b, hi, id)
	}
}

// uncache drops id from the replacement cache of bucket b, if it is there.
func (t *Table) uncache(b int, id uint32) {
	r := t.repl
	if r == nil {
		return
	}
	lo, hi := r.bounds(b)
	if i := slices.Index(r.ids[lo:hi], id); i >= 0 {
		r.delete(b, lo+i)
		t.dropEmptyCache()
	}
}

// promote takes the newest entry out of the replacement cache of bucket b
// and returns it; ok is false when there is none.
func (t *Table) promote(b int) (id uint32, ok bool) {
	r := t.repl
	if r == nil {
		return 0, false
	}
	lo, hi := r.bounds(b)
	if lo == hi {
		return 0, false
	}
	id = r.ids[hi-1]
	r.delete(b, hi-1)
	t.dropEmptyCache()
	return id, true
}

// dropEmptyCache frees the replacement cache once it holds no entry, so
// that a table that used it once does not keep paying for it.
func (t *Table) dropEmptyCache() {
	if t.repl != nil && len(t.repl.ids) == 0 {
		t.repl = nil
	}
}
