// Package workload runs the data-availability-sampling (DAS) workloads of
// a study on a network's shared clock of simulated time.
//
// Terms:
//   - A segment (a cell of an erasure-coded block) is segment_size bytes
//     drawn from the seed; its key is the hash of its content.
//   - The builder is the node that provides the segments.
//   - Retrieval (das-research's DHT study, PR #52 of
//     codex-storage/das-research): the builder provides Segments segments,
//     one after the other; the metrics are reset; Retrievers random nodes
//     (other than the builder, drawn with replacement, as there) each look
//     up Samples of the segments one after the other, stopping at the
//     first value; retrievers run side by side from time 0 of a new clock.
//   - Slot (a DAS slot, with the availability logic of package das): the
//     builder withholds the cells of its Withholding and provides the
//     others, ProvidesInFlight provides in flight; with node classes it
//     first pushes each node's custody rows and columns to it. Validators
//     distinct random nodes run validators (one each, or their class's
//     ValidatorsPerNode), each sampling Samples distinct cells, all of its
//     samples in flight at once, from SampleStart or once a share of the
//     provides has ended, all on the same clock as the provides. A sample
//     is a lookup that stops at the cell; with a SampleTimeout a lookup
//     that has not found it by then is abandoned and the sample tried
//     again, with a new lookup that skips the peers the last one waited
//     for, until the Deadline. A validator succeeds when every sample
//     found its cell by the Deadline, counted from the slot's start
//     (time 0); the block is declared available when a Threshold share of
//     the validators succeed, beside the truth: whether what the builder
//     published can be rebuilt. Unresponsive nodes answer nothing,
//     malicious ones accept stores and serve nothing, and a class's
//     bandwidth sets its nodes' rates. Provides and samples are streamed
//     to a SlotOutput as they end; the result keeps aggregates.
//
// Every operation carries an explicit id, drawn in a fixed order, so the
// same seed gives the same workload, results and records. Under the py-dht
// profile an operation runs to completion when it starts (py-dht's model):
// the retrieval workload then runs its lookups in py-dht's order, retriever
// by retriever.
package workload

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/hashes"
)

// rng returns the workload's random generator for seed and a stream name:
// drawing the builder, retrievers, validators and cells never shifts a
// draw of the network's links.
func rng(seed uint64, stream string) *rand.Rand {
	return rand.New(rand.NewPCG(seed, uint64(hashes.SegmentKeyString("workload/"+stream))))
}

// segment returns the content of segment i: size bytes drawn from the seed
// and the index.
func segment(seed uint64, i, size int) []byte {
	r := rand.NewPCG(seed, uint64(i)^0x5eed5e6)
	buf := make([]byte, (size+7)/8*8)
	for j := 0; j < len(buf); j += 8 {
		binary.LittleEndian.PutUint64(buf[j:], r.Uint64())
	}
	return buf[:size]
}

// nextOnline returns the first time from at on when node id is online, and
// false when it never is again (it left for good): an operation waits for
// its origin to come back.
func nextOnline(net *dht.DHTNetwork, id uint32, at time.Duration) (time.Duration, bool) {
	for range 1 << 20 {
		online, until := net.Links().OnlineUntil(id, at)
		switch {
		case online:
			return at, true
		case until == 0:
			return 0, false
		}
		at = until
	}
	return 0, false
}

// Retrieval is das-research's retrieval study (see the package doc).
type Retrieval struct {
	Segments, Retrievers, Samples, SegmentSize int
	// PeerRecord follows each retrieval that found its value with a lookup
	// for the builder's peer record: a lookup for the builder's key that
	// ends when the builder answers (go-libp2p-kad-dht's FindPeer, which an
	// Amino retrieval needs when the provider record came without the
	// provider's addresses). Its summary is the retrieval's PeerRecord.
	PeerRecord bool
}

// Validate checks the workload against a network of n nodes.
func (w Retrieval) Validate(n int) error {
	switch {
	case w.Segments < 1:
		return fmt.Errorf("segments = %d, allowed >= 1", w.Segments)
	case w.Retrievers < 1:
		return fmt.Errorf("retrievers = %d, allowed >= 1", w.Retrievers)
	case w.Samples < 1 || w.Samples > w.Segments:
		return fmt.Errorf("samples = %d, allowed 1..segments (%d)", w.Samples, w.Segments)
	case w.SegmentSize < 1:
		return fmt.Errorf("segment_size = %d, allowed >= 1", w.SegmentSize)
	case n < 2:
		return fmt.Errorf("a retrieval study needs a builder and another node: nodes = %d", n)
	}
	return nil
}

// Retrieved is one lookup of a retriever.
type Retrieved struct {
	Retriever uint32
	// Segment is the index of the segment looked up.
	Segment int
	Summary dht.LookupSummary
	// PeerRecord is the lookup for the builder's peer record that
	// followed (Retrieval.PeerRecord), when the value was found; nil
	// otherwise.
	PeerRecord *dht.LookupSummary
}

// RetrievalResult is what a retrieval study measured.
type RetrievalResult struct {
	Builder    uint32
	Provides   []dht.ProvideSummary
	Retrievals []Retrieved
}

// Run runs the study on net, with the workload drawn from seed. afterReset
// (which may be nil) runs once the provide phase is over and the metrics
// are reset, before any retrieval.
func (w Retrieval) Run(ctx context.Context, net *dht.DHTNetwork, seed uint64, afterReset func() error) (*RetrievalResult, error) {
	n := net.Len()
	if err := w.Validate(n); err != nil {
		return nil, err
	}
	if p := net.Config().Profile; w.PeerRecord && (p == dht.ProfilePyDHT || !p.Stores()) {
		return nil, fmt.Errorf("peer_record: the %v profile has no provider records to resolve", p)
	}
	g := rng(seed, "retrieval")
	res := &RetrievalResult{Builder: uint32(g.IntN(n))}
	keys := make([]hashes.Key, w.Segments)
	op := uint64(1)

	// Provide phase: one provide after the other, as the builder of
	// das-research does.
	run := net.NewRun()
	var werr error // the first error of a callback, which cannot return it
	var provide func(i int, at time.Duration) error
	provide = func(i int, at time.Duration) error {
		seg := segment(seed, i, w.SegmentSize)
		keys[i] = hashes.SegmentKey(seg)
		id := op + uint64(i)
		// Under churn the builder provides when it is online.
		at, ok := nextOnline(net, res.Builder, at)
		if !ok {
			return fmt.Errorf("the builder, node %d, left the network for good before providing segment %d", res.Builder, i)
		}
		return run.Provide(at, res.Builder, seg, dht.ProvideOptions{Op: id}, func(s dht.ProvideSummary) {
			res.Provides = append(res.Provides, s)
			// The next provide starts when this one ends (from its
			// summary: under the py-dht profile the run's clock does not
			// move while an operation runs).
			if i+1 < w.Segments && werr == nil {
				werr = provide(i+1, s.Start+s.OperationDelay)
			}
		})
	}
	if err := provide(0, 0); err != nil {
		return nil, err
	}
	if err := run.Run(ctx); err != nil {
		return nil, err
	}
	if werr != nil {
		return nil, werr
	}
	op += uint64(w.Segments)
	net.ResetMetrics()
	if afterReset != nil {
		if err := afterReset(); err != nil {
			return nil, err
		}
	}

	// Retrieval phase, on a new clock: each retriever looks up its samples
	// one after the other; retrievers run side by side (under the py-dht
	// profile, one after the other, as py-dht does).
	type plan struct {
		retriever uint32
		segments  []int
	}
	plans := make([]plan, w.Retrievers)
	for i := range plans {
		r := uint32(g.IntN(n))
		for r == res.Builder {
			r = uint32(g.IntN(n))
		}
		segs := g.Perm(w.Segments)[:w.Samples]
		if w.Samples == w.Segments {
			slices.Sort(segs) // das-research looks up sample 0, 1, ... in order
		}
		plans[i] = plan{r, segs}
	}
	res.Retrievals = make([]Retrieved, 0, w.Retrievers*w.Samples)
	run = net.NewRun()
	sequential := net.Config().Profile == dht.ProfilePyDHT
	builder, err := net.Client(res.Builder)
	if err != nil {
		return nil, err
	}
	total := uint64(w.Retrievers * w.Samples)
	var next func(p, s int, at time.Duration) error
	// then starts what follows a retrieval that ended at end: the next
	// sample, or the next retriever's first under the py-dht profile.
	then := func(p, s int, end time.Duration) {
		switch {
		case s+1 < w.Samples:
			werr = next(p, s+1, end)
		case sequential && p+1 < len(plans):
			werr = next(p+1, 0, end)
		}
	}
	next = func(p, s int, at time.Duration) error {
		pl := plans[p]
		i := p*w.Samples + s
		id := op + uint64(i)
		// Under churn a retriever looks up when it is online; one that
		// left for good retrieves no more.
		wanted := at
		at, ok := nextOnline(net, pl.retriever, at)
		if !ok {
			if sequential && p+1 < len(plans) {
				return next(p+1, 0, wanted)
			}
			return nil
		}
		return run.Lookup(at, pl.retriever, keys[pl.segments[s]], dht.LookupOptions{Op: id, StopOnFirstValue: true}, func(r dht.LookupResult) {
			res.Retrievals = append(res.Retrievals, Retrieved{Retriever: pl.retriever, Segment: pl.segments[s], Summary: r.Summary})
			if werr != nil {
				return
			}
			end := r.Summary.Start + r.Summary.Delay
			if !w.PeerRecord || !r.Summary.ValueFound {
				then(p, s, end)
				return
			}
			// The provider's peer record: a lookup for its key that ends
			// when it answers; the next sample waits for it.
			at := len(res.Retrievals) - 1
			werr = run.Lookup(end, pl.retriever, builder.Key(), dht.LookupOptions{Op: op + total + uint64(i), StopOnNode: true}, func(pr dht.LookupResult) {
				s2 := pr.Summary
				res.Retrievals[at].PeerRecord = &s2
				if werr == nil {
					then(p, s, s2.Start+s2.Delay)
				}
			})
		})
	}
	starts := len(plans)
	if sequential {
		starts = 1
	}
	for p := range starts {
		if err := next(p, 0, 0); err != nil {
			return nil, err
		}
	}
	if err := run.Run(ctx); err != nil {
		return nil, err
	}
	return res, werr
}
