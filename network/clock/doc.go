// Package clock orders the events of a simulated run in simulated time.
//
// Terms:
//   - Simulated time is a time.Duration from the start of a run. It is
//     computed, never slept: a run jumps from one event to the next.
//   - An event is a value of the caller's type scheduled at a simulated
//     time. Events leave the Queue in order of (time, sequence number), the
//     sequence number counting pushes, so that events at the same time come
//     out in the order they were scheduled: a run is deterministic.
//
// The Queue holds events by value in one slice (a 4-ary heap): once the
// slice has grown to the run's largest backlog, scheduling allocates
// nothing. It has no goroutine, channel or lock: one owner drives it.
//
// Sums of simulated times saturate at MaxTime (Add) instead of wrapping
// around, so that a run can report an overflow instead of printing a
// negative delay.
package clock
