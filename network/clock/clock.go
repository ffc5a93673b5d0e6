package clock

import "time"

// MaxTime is the latest simulated time a run can reach: about a century,
// far above any study and far below the 292 years of a time.Duration.
const MaxTime = 100 * 365 * 24 * time.Hour

// Add returns a + b for non-negative a and b, saturated at MaxTime; ok is
// false when the sum went past MaxTime.
func Add(a, b time.Duration) (sum time.Duration, ok bool) {
	if a > MaxTime-b {
		return MaxTime, false
	}
	return a + b, true
}

// Queue is a priority queue of events of type E ordered by (time,
// sequence). The zero Queue is empty and ready to use. A Queue is not safe
// for concurrent use.
type Queue[E any] struct {
	heap []entry[E]
	seq  uint64 // sequence number of the next push
}

type entry[E any] struct {
	at  time.Duration
	seq uint64
	ev  E
}

// before reports whether a leaves the queue before b.
func (a *entry[E]) before(b *entry[E]) bool {
	return a.at < b.at || a.at == b.at && a.seq < b.seq
}

// Len returns the number of events scheduled.
func (q *Queue[E]) Len() int { return len(q.heap) }

// Next returns the time of the next event; the queue must not be empty.
func (q *Queue[E]) Next() time.Duration { return q.heap[0].at }

// Push schedules ev at time at.
func (q *Queue[E]) Push(at time.Duration, ev E) {
	q.heap = append(q.heap, entry[E]{at: at, seq: q.seq, ev: ev})
	q.seq++
	q.up(len(q.heap) - 1)
}

// Reserve returns a sequence number for an event pushed later with
// PushSeq: among the events of its time, that event leaves the queue where
// an event pushed now would, before every event pushed after Reserve. A
// series of periodic events can so be scheduled one at a time, each when
// the previous one leaves, in the order that pushing them all at once
// would give. Events pushed with one sequence number must have distinct
// times.
func (q *Queue[E]) Reserve() uint64 {
	s := q.seq
	q.seq++
	return s
}

// PushSeq schedules ev at time at with a sequence number from Reserve.
func (q *Queue[E]) PushSeq(at time.Duration, seq uint64, ev E) {
	q.heap = append(q.heap, entry[E]{at: at, seq: seq, ev: ev})
	q.up(len(q.heap) - 1)
}

// Pop removes the next event and returns it with its time; the queue must
// not be empty.
func (q *Queue[E]) Pop() (time.Duration, E) {
	h := q.heap
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	var zero entry[E]
	h[last] = zero // drop references held by the event
	q.heap = h[:last]
	if last > 0 {
		q.down(0)
	}
	return top.at, top.ev
}

// Reset empties the queue and restarts the sequence, keeping its memory.
func (q *Queue[E]) Reset() {
	clear(q.heap)
	q.heap = q.heap[:0]
	q.seq = 0
}

// The heap is 4-ary: half the depth of a binary heap, and the four
// children of a node share a cache line or two, which makes Pop cheaper.
const arity = 4

func (q *Queue[E]) up(i int) {
	h := q.heap
	e := h[i]
	for i > 0 {
		p := (i - 1) / arity
		if !e.before(&h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = e
}

func (q *Queue[E]) down(i int) {
	h := q.heap
	n := len(h)
	e := h[i]
	for {
		first := arity*i + 1
		if first >= n {
			break
		}
		best := first
		for c := first + 1; c < first+arity && c < n; c++ {
			if h[c].before(&h[best]) {
				best = c
			}
		}
		if !h[best].before(&e) {
			break
		}
		h[i] = h[best]
		i = best
	}
	h[i] = e
}
