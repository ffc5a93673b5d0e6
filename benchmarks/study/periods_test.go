package study_test

import (
	"testing"

	"github.com/go-dht/go-dht/benchmarks/study"
)

// TestPeriodsBoundedInStudies checks that the study keys of the periods a
// run replays or schedules refuse values too short to run, at their line
// and with the allowed range, before any work: the review's churn
// "exp:1ns,1ns" hung a run for 10 minutes; refresh: 1ms and republish: 1ms
// ran out of memory.
func TestPeriodsBoundedInStudies(t *testing.T) {
	const availability = "workload: {type: availability, segments: 2, retrievers: 2}\n"
	for _, tc := range []struct {
		src string
		w   want
	}{
		{"churn: 'exp:1ns,1ns'\n", want{study.ErrInvalidValue, "churn", 1, 8, []string{"1ns", "from 1s to 8760h"}}},
		{"refresh: 1ms\n", want{study.ErrOutOfRange, "refresh", 1, 10, []string{"1ms", "1m0s..8760h0m0s"}}},
		{"republish: 1ms\n" + availability, want{study.ErrOutOfRange, "republish", 1, 12, []string{"1ms", "1m0s..8760h0m0s"}}},
		{"republish: 9000h\n" + availability, want{study.ErrOutOfRange, "republish", 1, 12, []string{"9000h", "1m0s..8760h0m0s"}}},
	} {
		checkErrors(t, parseErrors(t, tc.src), []want{tc.w})
	}
}
