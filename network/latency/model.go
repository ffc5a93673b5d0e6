package latency

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// MaxRTT bounds every RTT a model draws: twice network.MaxDelay, the bound
// on the one-way delay of a connection, so that half an RTT (Delay) is
// never longer than a connection delay may be. A latency file whose
// durations exceed it, or whose distribution would put more than 1% of its
// draws above it, is refused (see Load); the rarer draws above it, of a
// file's distribution or of the measured data, are clipped to it.
const MaxRTT = 2 * time.Hour

// maxRTTms is MaxRTT in milliseconds, the unit of the distributions.
const maxRTTms = float64(MaxRTT / time.Millisecond)

// Model places nodes in regions and draws the delay of a message between
// two nodes. A Model is immutable and safe for concurrent use; the caller's
// *rand.Rand carries all randomness of a draw, so a simulation that owns its
// random streams stays reproducible.
type Model interface {
	// Name identifies the model, such as "discv5" or "uniform".
	Name() string
	// Regions returns the names of the regions; a region is an index into
	// it. The caller may modify the returned slice.
	Regions() []string
	// Shares returns the share of nodes in each region (summing to 1), in
	// the order of Regions. The caller may modify the returned slice.
	Shares() []float64
	// Region returns the region of a node. It depends only on the seed
	// the model was built with and the id, and keeps no per-node state.
	Region(id uint32) int
	// Delay draws the one-way delay of one message from node from to node
	// to: half of an RTT drawn from the distribution of their regions'
	// pair. It allocates nothing.
	Delay(r *rand.Rand, from, to uint32) time.Duration
	// MeanRTT returns the mean round-trip time between two regions as the
	// data or file gives it. It is twice the mean of Delay between nodes of
	// those regions, up to the clipping of draws (to a measured maximum, to
	// a file's min and max, and to MaxRTT), which moves the mean little.
	MeanRTT(fromRegion, toRegion int) time.Duration
}

var (
	_ Model = (*Regional)(nil)
	_ Model = Uniform{}
)

// Regional is a Model in which every node lives in one of a set of regions,
// drawn from their shares, and the RTT of a message depends on the ordered
// pair of regions. Memory is O(regions^2) whatever the number of nodes.
// Builtin, Load and Parse build one.
type Regional struct {
	*table
	salt uint64 // derived from the seed; mixed with a node id to place it
}

// table is the part of a regional model that does not depend on the seed,
// shared by every model built from the same data.
type table struct {
	name    string
	regions []string
	shares  []float64
	// cut holds the cumulative shares scaled to 2^64: a node whose hash h
	// has cut[i-1] <= h < cut[i] is in region i. The last cut is
	// MaxUint64, so every hash lands somewhere.
	cut []uint64
	// rtts[from*len(regions)+to] is the RTT distribution of a pair.
	rtts []rtt
	// derived counts the unordered pairs of regions that the data did not
	// measure and that were derived (see doc.go); 0 outside built-ins.
	derived int
}

// newTable checks shares and pairs and precomputes the cuts. shares are
// relative weights (>= 0, not all 0); they are normalised here.
func newTable(name string, regions []string, shares []float64, rtts []rtt) (*table, error) {
	n := len(regions)
	if n == 0 || len(shares) != n || len(rtts) != n*n {
		return nil, fmt.Errorf("latency model %s: %d regions, %d shares, %d pairs", name, n, len(shares), len(rtts))
	}
	var total float64
	for i, s := range shares {
		if !(s >= 0) || math.IsInf(s, 0) {
			return nil, fmt.Errorf("latency model %s: region %s has share %v", name, regions[i], s)
		}
		total += s
	}
	if !(total > 0) {
		return nil, fmt.Errorf("latency model %s: shares sum to %v", name, total)
	}
	for i := range rtts {
		// Clipping at MaxRTT keeps every draw, so every delay, within the
		// bound; it changes a draw only in the rare tail that Load allows.
		rtts[i].hi = min(rtts[i].hi, maxRTTms)
	}
	t := &table{name: name, regions: regions, shares: make([]float64, n), cut: make([]uint64, n), rtts: rtts}
	var cum float64
	for i, s := range shares {
		t.shares[i] = s / total
		cum += t.shares[i]
		if cum >= 1 || i == n-1 {
			t.cut[i] = math.MaxUint64
		} else {
			t.cut[i] = uint64(cum * 0x1p64)
		}
	}
	return t, nil
}

// withSeed returns the model that places nodes by the given seed.
func (t *table) withSeed(seed uint64) *Regional {
	// The constant keeps region placement independent of every other use
	// of the same seed in a simulation (node keys, random streams).
	return &Regional{table: t, salt: mix64(seed ^ 0x7265_6769_6f6e_7321)}
}

// mix64 is the SplitMix64 finaliser: a bijection of uint64 whose output
// bits each depend on every input bit.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Name returns the model's name.
func (m *Regional) Name() string { return m.name }

// Regions returns the region names, in the order of the shares.
func (m *Regional) Regions() []string { return slices.Clone(m.regions) }

// Shares returns the share of nodes in each region.
func (m *Regional) Shares() []float64 { return slices.Clone(m.shares) }

// Region returns the region of node id: a hash of the seed and the id,
// mapped through the cumulative shares.
func (m *Regional) Region(id uint32) int {
	// Multiplying by an odd constant spreads consecutive ids over the
	// whole word before the finaliser mixes them.
	h := mix64(m.salt + uint64(id)*0x9e3779b97f4a7c15)
	lo, hi := 0, len(m.cut)-1
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if h < m.cut[mid] {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// Delay draws the one-way delay between two nodes: half an RTT drawn from
// their regions' pair distribution.
func (m *Regional) Delay(r *rand.Rand, from, to uint32) time.Duration {
	d := &m.rtts[m.Region(from)*len(m.regions)+m.Region(to)]
	return halfRTT(d.draw(r))
}

// MeanRTT returns the mean RTT of a pair of regions as the data gives it.
func (m *Regional) MeanRTT(fromRegion, toRegion int) time.Duration {
	return msToDuration(m.rtts[fromRegion*len(m.regions)+toRegion].mean)
}

// maxMS is the largest RTT in ms whose nanoseconds fit a time.Duration.
const maxMS = float64(math.MaxInt64) / 1e6

func msToDuration(ms float64) time.Duration {
	if ms >= maxMS {
		return math.MaxInt64
	}
	return time.Duration(ms * 1e6)
}

// halfRTT converts an RTT in ms into the one-way delay: half of it.
func halfRTT(ms float64) time.Duration { return msToDuration(ms / 2) }

// Uniform is the model with a single region in which every message's
// one-way delay is drawn uniformly from [Min, Max], as network.DelayRange
// does; it lets the uniform delays of py-dht sit behind the Model interface.
// Unlike the regional models, its range is of the one-way delay, not of
// the RTT.
type Uniform struct {
	Min, Max time.Duration
}

// Validate reports a negative Min, a Min above Max, or a Max above
// MaxRTT/2 (a one-way delay, bounded as a connection delay is).
func (u Uniform) Validate() error {
	if u.Min < 0 {
		return fmt.Errorf("%w: uniform Min = %v, allowed >= 0", ErrInvalidModel, u.Min)
	}
	if u.Min > u.Max {
		return fmt.Errorf("%w: uniform Min %v is above Max %v", ErrInvalidModel, u.Min, u.Max)
	}
	if u.Max > MaxRTT/2 {
		return fmt.Errorf("%w: uniform Max = %v, allowed at most %v (a one-way delay: half of MaxRTT)", ErrInvalidModel, u.Max, MaxRTT/2)
	}
	return nil
}

// Name returns "uniform".
func (Uniform) Name() string { return "uniform" }

// Regions returns the one region, "all".
func (Uniform) Regions() []string { return []string{"all"} }

// Shares returns [1].
func (Uniform) Shares() []float64 { return []float64{1} }

// Region returns 0 for every node.
func (Uniform) Region(uint32) int { return 0 }

// Delay draws a one-way delay uniformly from [Min, Max]; with Max <= Min it
// is Min.
func (u Uniform) Delay(r *rand.Rand, _, _ uint32) time.Duration {
	if u.Max <= u.Min {
		return u.Min
	}
	return u.Min + time.Duration(r.Uint64N(uint64(u.Max-u.Min)+1))
}

// MeanRTT returns Min + Max: a round trip is two one-way delays of mean
// (Min+Max)/2.
func (u Uniform) MeanRTT(_, _ int) time.Duration { return u.Min + u.Max }
