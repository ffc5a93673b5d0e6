package benchmarks

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// heapMetric is the heap held by objects, live or not yet swept: what a
// build costs in memory at its peak, garbage included.
const heapMetric = "/memory/classes/heap/objects:bytes"

// HeapBytes reads heapMetric.
func HeapBytes() uint64 {
	s := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// LiveHeapBytes collects garbage, then reads heapMetric: the heap still
// reachable.
func LiveHeapBytes() uint64 {
	runtime.GC()
	return HeapBytes()
}

// PeakSampler samples the heap in its own goroutine until stopped and keeps
// the largest value. A build allocates in large arrays that stay until the
// next collection, so sampling every millisecond sees its peak.
type PeakSampler struct {
	stop chan struct{}
	wg   sync.WaitGroup
	peak uint64
}

// StartPeakSampler starts sampling every interval.
func StartPeakSampler(interval time.Duration) *PeakSampler {
	s := &PeakSampler{stop: make(chan struct{}), peak: HeapBytes()}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				s.peak = max(s.peak, HeapBytes())
			}
		}
	}()
	return s
}

// Stop ends sampling, takes one last sample and returns the peak.
func (s *PeakSampler) Stop() uint64 {
	close(s.stop)
	s.wg.Wait()
	return max(s.peak, HeapBytes())
}
