package dht

import (
	"context"
	"time"
)

// RunProgress says how far a Run has come, for a progress report of a
// long run (a DAS slot's million samples): the events processed, the
// simulated time reached, and the operations started and finished.
type RunProgress struct {
	Events            uint64
	Now               time.Duration
	Started, Finished int
}

// ProgressEvents is the number of events a Run processes between two
// progress reports.
const ProgressEvents = 1 << 16

type progressKey struct{}

// WithProgress returns a context under which every Run (Run, RunUntil)
// reports its progress to report every ProgressEvents events, on the
// run's goroutine: report must return quickly. A workload that runs
// several Runs in turn reports each one's.
func WithProgress(ctx context.Context, report func(RunProgress)) context.Context {
	return context.WithValue(ctx, progressKey{}, report)
}

// progressOf returns the report of WithProgress, or nil.
func progressOf(ctx context.Context) func(RunProgress) {
	report, _ := ctx.Value(progressKey{}).(func(RunProgress))
	return report
}

// progress returns the run's progress.
func (r *Run) progress() RunProgress {
	return RunProgress{Events: r.events, Now: r.now, Started: r.started, Finished: r.finished}
}
