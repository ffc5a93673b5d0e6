package workload

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/hashes"
)

// Availability measures how long provided segments stay retrievable as
// nodes come and go (churn, departures, joins), with the network's
// maintenance running: at time 0 a builder online then provides Segments
// segments,
// all at once; then every Every until Duration, Retrievers nodes online at
// that moment each look up Samples random segments (stopping at the first
// value), and the tables of HealthNodes random online nodes are measured
// (dht.TableHealth). With Republish > 0, the builder provides every
// segment again every Republish (0: never, or MinRepublish..MaxRepublish),
// when it is online.
type Availability struct {
	Segments, Retrievers, Samples, SegmentSize int
	Duration, Every, Republish                 time.Duration
	HealthNodes                                int
}

// Bounds of Availability.Republish. A republish provides every segment
// again: IPFS republishes every 22 hours, Kademlia every hour; below a
// minute the builder would do little else. A year is the longest duration
// a study measures.
const (
	MinRepublish = time.Minute
	MaxRepublish = 365 * 24 * time.Hour
)

// Validate checks the workload against a network of n nodes.
func (w Availability) Validate(n int) error {
	switch {
	case w.Segments < 1:
		return fmt.Errorf("segments = %d, allowed >= 1", w.Segments)
	case w.Retrievers < 1 || w.Retrievers > n:
		return fmt.Errorf("retrievers = %d, allowed 1..nodes (%d)", w.Retrievers, n)
	case w.Samples < 1 || w.Samples > w.Segments:
		return fmt.Errorf("samples = %d, allowed 1..segments (%d)", w.Samples, w.Segments)
	case w.SegmentSize < 1:
		return fmt.Errorf("segment_size = %d, allowed >= 1", w.SegmentSize)
	case w.Every <= 0 || w.Duration < w.Every:
		return fmt.Errorf("every = %v, duration = %v: allowed 0 < every <= duration", w.Every, w.Duration)
	case w.Duration/w.Every > 10000:
		return fmt.Errorf("duration / every = %d measurements, allowed at most 10000", w.Duration/w.Every)
	case w.Republish != 0 && (w.Republish < MinRepublish || w.Republish > MaxRepublish):
		return fmt.Errorf("republish = %v, allowed 0 (never) or %v..%v", w.Republish, MinRepublish, MaxRepublish)
	case w.HealthNodes < 0 || w.HealthNodes > n:
		return fmt.Errorf("health_nodes = %d, allowed 0..nodes (%d)", w.HealthNodes, n)
	}
	return nil
}

// Point is what one measurement saw.
type Point struct {
	At time.Duration
	// Online is the share of the network's nodes online at At.
	Online float64
	// Lookups, Found: the retrievals of this measurement and the share
	// that found their segment (NaN when there was none: no node online
	// to retrieve).
	Lookups int
	Found   float64
	// Attempts is the mean of the retrievals' attempts (NaN without
	// retrievals); DelayP50 and DelayP90 their simulated delays (0 without
	// retrievals: read Lookups first).
	Attempts           float64
	DelayP50, DelayP90 time.Duration
	// Replicas is the mean number of nodes online at At that hold each
	// segment: every node that stored it, through a provide or a
	// republish, and has not left for good.
	Replicas float64
	// TableOnline and TableClosest are the means of dht.Health of the
	// measured tables (NaN when none was measured).
	TableOnline, TableClosest float64
}

// AvailabilityResult is what an availability run measured.
type AvailabilityResult struct {
	Builder uint32
	Points  []Point
	// Provides are the builder's provides, republishes included.
	Provides []dht.ProvideSummary
}

// Run runs the workload on net, drawn from seed, with the network's
// maintenance (dht.Config.Maintenance) running on the same clock.
func (w Availability) Run(ctx context.Context, net *dht.DHTNetwork, seed uint64) (*AvailabilityResult, error) {
	if err := w.Validate(net.Len()); err != nil {
		return nil, err
	}
	g := rng(seed, "availability")
	run := net.NewRun()
	builder, ok := pickOnline(run, net, g)
	if !ok {
		return nil, fmt.Errorf("no builder: no node with a table found online at time 0")
	}
	res := &AvailabilityResult{Builder: builder}
	segs := make([][]byte, w.Segments)
	keys := make([]hashes.Key, w.Segments)
	holders := make([][]uint32, w.Segments)
	for i := range segs {
		segs[i] = segment(seed, i, w.SegmentSize)
		keys[i] = hashes.SegmentKey(segs[i])
	}
	if err := run.Maintain(w.Duration); err != nil {
		return nil, err
	}
	links := net.Links()
	var werr error
	op := uint64(1)
	provideAll := func() {
		at := run.Now()
		if !links.Online(res.Builder, at) {
			return
		}
		for i := range segs {
			err := run.Provide(at, res.Builder, segs[i], dht.ProvideOptions{Op: op}, func(s dht.ProvideSummary) {
				res.Provides = append(res.Provides, s)
				// A node that stored the segment keeps it: a republish
				// adds holders, it takes none away.
				for _, h := range s.Stored {
					if !slices.Contains(holders[i], h) {
						holders[i] = append(holders[i], h)
					}
				}
			})
			op++
			if err != nil && werr == nil {
				werr = err
			}
		}
	}
	if err := run.At(0, provideAll); err != nil {
		return nil, err
	}
	// Republishes and measurements are scheduled one at a time, each when
	// the previous one fires, in the order scheduling them all now would
	// give (Run.Every): a year of republishes every minute is one pending
	// event, not half a million.
	if w.Republish > 0 {
		if err := run.Every(w.Republish, w.Republish, w.Duration, provideAll); err != nil {
			return nil, err
		}
	}
	// Each point's retrievals finish after the point is taken: their
	// figures gather in acc and are summed up when the run is over.
	type tally struct {
		found, attempts int
		delays          []float64
	}
	var acc []tally
	err := run.Every(w.Every, w.Every, w.Duration, func() {
		pi := len(res.Points)
		p, err := w.measure(ctx, run, net, g, holders)
		if err != nil {
			if werr == nil {
				werr = err
			}
			return
		}
		res.Points = append(res.Points, p)
		acc = append(acc, tally{})
		for _, id := range w.retrievers(run, net, g) {
			for range w.Samples {
				key := keys[g.IntN(len(keys))]
				err := run.Lookup(run.Now(), id, key, dht.LookupOptions{Op: op, StopOnFirstValue: true}, func(r dht.LookupResult) {
					t := &acc[pi]
					if r.Summary.ValueFound {
						t.found++
					}
					t.attempts += r.Summary.Attempts
					t.delays = append(t.delays, r.Summary.Delay.Seconds())
				})
				op++
				if err != nil && werr == nil {
					werr = err
				}
			}
		}
	})
	if err != nil {
		return nil, err
	}
	if err := run.Run(ctx); err != nil {
		return nil, err
	}
	if werr != nil {
		return nil, werr
	}
	for i := range res.Points {
		p, t := &res.Points[i], acc[i]
		p.Lookups = len(t.delays)
		p.Found, p.Attempts = math.NaN(), math.NaN()
		if p.Lookups > 0 {
			p.Found = float64(t.found) / float64(p.Lookups)
			p.Attempts = float64(t.attempts) / float64(p.Lookups)
			p.DelayP50 = quantile(t.delays, 0.5)
			p.DelayP90 = quantile(t.delays, 0.9)
		}
	}
	return res, nil
}

// retrievers draws the retrievers of a point among the nodes online now.
func (w Availability) retrievers(run *dht.Run, net *dht.DHTNetwork, g *rand.Rand) []uint32 {
	var out []uint32
	for range w.Retrievers {
		if id, ok := pickOnline(run, net, g); ok {
			out = append(out, id)
		}
	}
	return out
}

// pickOnline draws a node online now with a routing table, or none after
// 64 tries.
func pickOnline(run *dht.Run, net *dht.DHTNetwork, g *rand.Rand) (uint32, bool) {
	for range 64 {
		if id := uint32(g.IntN(net.Len())); net.Links().Online(id, run.Now()) && net.Bootstrapped(id) {
			return id, true
		}
	}
	return 0, false
}

// measure takes what a point needs no lookup for: the online share, the
// replicas online, and table health. It watches ctx: counting the nodes
// online loops over the whole network.
func (w Availability) measure(ctx context.Context, run *dht.Run, net *dht.DHTNetwork, g *rand.Rand, holders [][]uint32) (Point, error) {
	at := run.Now()
	links := net.Links()
	n := net.Len()
	p := Point{At: at, TableOnline: math.NaN(), TableClosest: math.NaN()}
	on := 0
	for id := range uint32(n) {
		if id%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return p, err
			}
		}
		if links.Online(id, at) {
			on++
		}
	}
	p.Online = float64(on) / float64(n)
	replicas := 0
	for _, hs := range holders {
		for _, h := range hs {
			if links.Online(h, at) {
				replicas++
			}
		}
	}
	p.Replicas = float64(replicas) / float64(len(holders))
	var tOn, tClose float64
	measured := 0
	for range w.HealthNodes {
		id, ok := pickOnline(run, net, g)
		if !ok {
			continue
		}
		h, err := net.TableHealth(id, at)
		if err != nil || h.Peers == 0 {
			continue
		}
		tOn, tClose, measured = tOn+h.Online, tClose+h.Closest, measured+1
	}
	if measured > 0 {
		p.TableOnline, p.TableClosest = tOn/float64(measured), tClose/float64(measured)
	}
	return p, nil
}

// quantile returns the q-quantile of xs (pandas' linear interpolation),
// as a duration in seconds.
func quantile(xs []float64, q float64) time.Duration {
	s := slices.Clone(xs)
	slices.Sort(s)
	pos := q * float64(len(s)-1)
	lo := int(pos)
	hi := min(lo+1, len(s)-1)
	v := s[lo] + (s[hi]-s[lo])*(pos-float64(lo))
	return time.Duration(v * float64(time.Second))
}
