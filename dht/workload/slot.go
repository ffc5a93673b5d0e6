package workload

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/hashes"
)

// Slot is a DAS slot (see the package doc).
type Slot struct {
	Rows, Cols       int
	ProvidesInFlight int
	Validators       int
	Samples          int
	SegmentSize      int
	// Deadline is when every sample of a validator must have returned,
	// from the slot's start.
	Deadline time.Duration
	// SampleStart is when the validators start sampling, from the slot's
	// start; AfterProvides (a negative value) starts them when the
	// builder's last provide ends.
	SampleStart time.Duration
}

// AfterProvides as Slot.SampleStart starts sampling when the builder's
// last provide ends.
const AfterProvides time.Duration = -1

// Cells returns the number of cells of the slot.
func (w Slot) Cells() int { return w.Rows * w.Cols }

// Validate checks the workload against a network of n nodes.
func (w Slot) Validate(n int) error {
	switch {
	case w.Rows < 1 || w.Cols < 1:
		return fmt.Errorf("rows x cols = %d x %d, allowed at least 1 x 1", w.Rows, w.Cols)
	case w.ProvidesInFlight < 1:
		return fmt.Errorf("provides_in_flight = %d, allowed >= 1", w.ProvidesInFlight)
	case w.Validators < 1 || w.Validators > n:
		return fmt.Errorf("validators = %d, allowed 1..nodes (%d)", w.Validators, n)
	case w.Samples < 1 || w.Samples > w.Cells():
		return fmt.Errorf("samples = %d, allowed 1..rows x cols (%d)", w.Samples, w.Cells())
	case w.SegmentSize < 1:
		return fmt.Errorf("segment_size = %d, allowed >= 1", w.SegmentSize)
	case w.Deadline <= 0:
		return fmt.Errorf("deadline = %v, allowed > 0", w.Deadline)
	}
	return nil
}

// Sample is one lookup of a validator for a cell.
type Sample struct {
	// Validator is the validator's place (0..Validators-1); Node its node.
	Validator int
	Node      uint32
	Cell      int
	Summary   dht.LookupSummary
}

// Validator is what one validator achieved.
type Validator struct {
	Node uint32
	// Found counts its samples that found their cell.
	Found int
	// Done is when its last sample returned, from the slot's start.
	Done time.Duration
	// Success says every sample found its cell by the deadline.
	Success bool
}

// SlotResult is what a slot measured.
type SlotResult struct {
	Builder uint32
	// ProvidesEnd is when the builder's last provide ended.
	ProvidesEnd time.Duration
	SampleStart time.Duration
	Provides    []dht.ProvideSummary
	Samples     []Sample
	Validators  []Validator
	// Served counts the requests each node served (find and store), for
	// the nodes that served any.
	Served map[uint32]uint32
}

// Run runs the slot on net, with the workload drawn from seed.
func (w Slot) Run(ctx context.Context, net *dht.DHTNetwork, seed uint64) (*SlotResult, error) {
	n := net.Len()
	if err := w.Validate(n); err != nil {
		return nil, err
	}
	g := rng(seed, "slot")
	res := &SlotResult{Builder: uint32(g.IntN(n)), Provides: make([]dht.ProvideSummary, 0, w.Cells())}
	cells := w.Cells()
	keys := make([]hashes.Key, cells)
	for i := range keys {
		keys[i] = hashes.SegmentKey(segment(seed, i, w.SegmentSize))
	}
	vnodes := distinct(g, n, w.Validators)
	picks := make([][]int, w.Validators)
	for v := range picks {
		picks[v] = distinct(g, cells, w.Samples)
	}

	run := net.NewRun()
	run.CountServed()
	var werr error
	next := 0
	startSampling := func(at time.Duration) {
		res.SampleStart = at
		res.Validators = make([]Validator, w.Validators)
		res.Samples = make([]Sample, 0, w.Validators*w.Samples)
		op := uint64(cells + 1)
		for v, node := range vnodes {
			res.Validators[v].Node = uint32(node)
			for _, c := range picks[v] {
				err := run.Lookup(at, uint32(node), keys[c], dht.LookupOptions{Op: op, StopOnFirstValue: true}, func(r dht.LookupResult) {
					res.Samples = append(res.Samples, Sample{Validator: v, Node: uint32(node), Cell: c, Summary: r.Summary})
					val := &res.Validators[v]
					if r.Summary.ValueFound {
						val.Found++
					}
					val.Done = max(val.Done, r.Summary.Start+r.Summary.Delay)
				})
				if err != nil && werr == nil {
					werr = err
				}
				op++
			}
		}
	}
	var provide func(at time.Duration)
	provide = func(at time.Duration) {
		i := next
		next++
		seg := segment(seed, i, w.SegmentSize)
		err := run.Provide(at, res.Builder, seg, dht.ProvideOptions{Op: uint64(i + 1)}, func(s dht.ProvideSummary) {
			res.Provides = append(res.Provides, s)
			end := s.Start + s.OperationDelay
			res.ProvidesEnd = max(res.ProvidesEnd, end)
			switch {
			case next < cells:
				provide(end)
			case len(res.Provides) == cells && w.SampleStart < 0:
				startSampling(res.ProvidesEnd)
			}
		})
		if err != nil && werr == nil {
			werr = err
		}
	}
	for range min(w.ProvidesInFlight, cells) {
		provide(0)
	}
	if w.SampleStart >= 0 {
		if err := run.At(w.SampleStart, func() { startSampling(w.SampleStart) }); err != nil {
			return nil, err
		}
	}
	if err := run.Run(ctx); err != nil {
		return nil, err
	}
	if werr != nil {
		return nil, werr
	}
	for v := range res.Validators {
		val := &res.Validators[v]
		val.Success = val.Found == w.Samples && val.Done <= w.Deadline
	}
	res.Served = run.Served()
	return res, nil
}

// distinct draws count distinct numbers of [0, n): by rejection when they
// are few (a permutation of 10^8 nodes would cost 800 MB), else from a
// permutation.
func distinct(g *rand.Rand, n, count int) []int {
	if count > n/2 {
		return g.Perm(n)[:count]
	}
	picked := make(map[int]bool, count)
	out := make([]int, 0, count)
	for len(out) < count {
		if c := g.IntN(n); !picked[c] {
			picked[c] = true
			out = append(out, c)
		}
	}
	return out
}
