package workload_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht/dhttest"
	"github.com/go-dht/go-dht/dht/workload"
)

// TestRepublishPeriodBounded checks that a republish period outside
// workload.MinRepublish..MaxRepublish (1m..8760h) is refused, naming the
// key and the range: the review's republish: 1ms ran out of memory.
func TestRepublishPeriodBounded(t *testing.T) {
	if workload.MinRepublish != time.Minute || workload.MaxRepublish != 8760*time.Hour {
		t.Fatalf("MinRepublish, MaxRepublish = %v, %v; the documentation says 1m, 8760h", workload.MinRepublish, workload.MaxRepublish)
	}
	w := workload.Availability{Segments: 2, Retrievers: 2, Samples: 1, SegmentSize: 8, Duration: 24 * time.Hour, Every: time.Hour}
	for _, republish := range []time.Duration{time.Millisecond, time.Minute - 1, workload.MaxRepublish + 1, -time.Second} {
		w.Republish = republish
		if err := w.Validate(100); err == nil || !strings.Contains(err.Error(), "republish") || !strings.Contains(err.Error(), "1m0s..8760h0m0s") {
			t.Errorf("Republish %v: Validate() = %v; want an error naming republish and 1m0s..8760h0m0s", republish, err)
		}
	}
	for _, republish := range []time.Duration{0, time.Minute, workload.MaxRepublish} {
		w.Republish = republish
		if err := w.Validate(100); err != nil {
			t.Errorf("Republish %v: %v", republish, err)
		}
	}
}

// TestRepublishScheduledLazily checks that an availability run schedules
// its republishes one at a time, as each fires, rather than every period
// up front: a year of republishes every minute (525,600) costs a few
// kilobytes before the run starts, not the 90 MB it cost up front.
func TestRepublishScheduledLazily(t *testing.T) {
	net := dhttest.New(t, dhttest.Config(100, 9))
	w := workload.Availability{Segments: 2, Retrievers: 2, Samples: 1, SegmentSize: 8,
		Duration: 8760 * time.Hour, Every: 876 * time.Hour, Republish: time.Minute}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the run stops at its first event: what is measured is the scheduling
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := w.Run(ctx, net, 9); err == nil {
		t.Fatal("a run with its context done reported no error")
	}
	runtime.ReadMemStats(&after)
	if bytes := after.TotalAlloc - before.TotalAlloc; bytes > 4<<20 {
		t.Errorf("scheduling the run allocated %d bytes; want well under 4 MiB", bytes)
	}
}
