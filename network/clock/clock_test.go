package clock_test

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/go-dht/go-dht/network/clock"
)

// Events leave the queue sorted by time and, at equal times, in the order
// they were pushed, whatever the order of pushes and pops.
func TestQueueOrder(t *testing.T) {
	type ev struct {
		at  time.Duration
		seq int
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var q clock.Queue[int]
	var pending []ev
	var got []ev
	seq := 0
	for round := range 2000 {
		// Pushes outnumber pops; few distinct times force many ties.
		for range rng.IntN(4) {
			at := time.Duration(rng.IntN(50))
			q.Push(at, seq)
			pending = append(pending, ev{at, seq})
			seq++
		}
		if round%3 == 0 && q.Len() > 0 {
			at, s := q.Pop()
			got = append(got, ev{at, s})
			// The popped event is the least pending one.
			least := slices.MinFunc(pending, func(a, b ev) int { return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.seq, b.seq)) })
			if least.seq != s || least.at != at {
				t.Fatalf("popped (%v, %d), want (%v, %d)", at, s, least.at, least.seq)
			}
			pending = slices.DeleteFunc(pending, func(e ev) bool { return e.seq == s })
		}
	}
	for q.Len() > 0 {
		at, s := q.Pop()
		got = append(got, ev{at, s})
	}
	if len(got) != seq {
		t.Fatalf("%d events out, %d in", len(got), seq)
	}
}

// Draining a queue gives its events sorted by (time, push order): a
// comparison with sort.Stable on random times.
func TestQueueDrainIsStableSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var q clock.Queue[int]
	times := make([]time.Duration, 10000)
	for i := range times {
		times[i] = time.Duration(rng.IntN(300))
		q.Push(times[i], i)
	}
	want := make([]int, len(times))
	for i := range want {
		want[i] = i
	}
	slices.SortStableFunc(want, func(a, b int) int { return cmp.Compare(times[a], times[b]) })
	for i, w := range want {
		at, got := q.Pop()
		if got != w || at != times[w] {
			t.Fatalf("pop %d: event %d at %v, want %d at %v", i, got, at, w, times[w])
		}
	}
	if q.Len() != 0 {
		t.Fatalf("%d events left", q.Len())
	}
}

// Once the queue has grown to its backlog, Push and Pop allocate nothing.
func TestQueueNoAllocations(t *testing.T) {
	var q clock.Queue[[3]uint32]
	for i := range 64 {
		q.Push(time.Duration(i), [3]uint32{})
	}
	for q.Len() > 0 {
		q.Pop()
	}
	allocs := testing.AllocsPerRun(1000, func() {
		for i := range 64 {
			q.Push(time.Duration(64-i), [3]uint32{uint32(i)})
		}
		for q.Len() > 0 {
			q.Pop()
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per 64 pushes and pops", allocs)
	}
}

// Reset empties the queue and restarts tie-breaking.
func TestQueueReset(t *testing.T) {
	var q clock.Queue[string]
	q.Push(5, "a")
	q.Push(1, "b")
	q.Reset()
	if q.Len() != 0 {
		t.Fatal("not empty after Reset")
	}
	q.Push(2, "x")
	q.Push(2, "y")
	if _, e := q.Pop(); e != "x" {
		t.Fatalf("after Reset, ties leave in push order: got %q first", e)
	}
}

// Add saturates at MaxTime instead of wrapping around.
func TestAddSaturates(t *testing.T) {
	for _, tc := range []struct {
		a, b time.Duration
		want time.Duration
		ok   bool
	}{
		{1, 2, 3, true},
		{clock.MaxTime - 1, 1, clock.MaxTime, true},
		{clock.MaxTime, 1, clock.MaxTime, false},
		{clock.MaxTime - 5, 1 << 62, clock.MaxTime, false},
		{1 << 62, 1 << 62, clock.MaxTime, false},
	} {
		if got, ok := clock.Add(tc.a, tc.b); got != tc.want || ok != tc.ok {
			t.Errorf("Add(%v, %v) = %v, %v; want %v, %v", tc.a, tc.b, got, ok, tc.want, tc.ok)
		}
	}
}

// An event pushed with a reserved sequence number leaves the queue, among
// the events of its time, where an event pushed at the reservation would:
// after those pushed before, before those pushed after, however late it is
// pushed.
func TestReserveKeepsPlace(t *testing.T) {
	var q clock.Queue[string]
	q.Push(5, "before")
	seq := q.Reserve()
	q.Push(5, "after")
	q.Push(3, "earlier")
	q.PushSeq(5, seq, "reserved")
	var got []string
	for q.Len() > 0 {
		_, ev := q.Pop()
		got = append(got, ev)
	}
	if want := []string{"earlier", "before", "reserved", "after"}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}
