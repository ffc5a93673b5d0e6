package das

import (
	"math/rand/v2"
)

// Sampler draws the cells validators sample. The cells of validator v
// depend only on (seed, v): validators can be drawn in any order, on any
// number of goroutines (one Sampler each), with the same result. Drawing
// allocates nothing once dst has room. A Sampler is not safe for
// concurrent use.
type Sampler struct {
	g       Geometry
	samples int
	seed    uint64
	pcg     rand.PCG
	r       *rand.Rand
	// picked marks the cells drawn so far for the current validator: one
	// bit per cell, cleared after each draw.
	picked []uint64
}

// NewSampler returns a sampler of samples distinct cells (1..cells) per
// validator, in blocks of geometry g, drawn from seed.
func NewSampler(g Geometry, samples int, seed uint64) (*Sampler, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	if samples < 1 || samples > g.Cells() {
		return nil, invalid("Samples", samples, "1..rows x cols (%d)", g.Cells())
	}
	s := &Sampler{g: g, samples: samples, seed: seed, picked: make([]uint64, (g.Cells()+63)/64)}
	s.r = rand.New(&s.pcg)
	return s, nil
}

// Samples returns the number of cells drawn per validator.
func (s *Sampler) Samples() int { return s.samples }

// Draw appends the distinct cells validator (an index >= 0) samples to
// dst[:0] and returns it. The cells are uniform among the sets of Samples()
// cells (Floyd's algorithm: one draw per sample); their order is not
// random.
func (s *Sampler) Draw(validator int, dst []int) []int {
	s.pcg.Seed(s.seed, indexSeed(sampleStream, uint64(validator)))
	dst = dst[:0]
	n := s.g.Cells()
	for j := n - s.samples; j < n; j++ {
		t := s.r.IntN(j + 1)
		if s.picked[t>>6]&(1<<(t&63)) != 0 {
			t = j
		}
		s.picked[t>>6] |= 1 << (t & 63)
		dst = append(dst, t)
	}
	for _, c := range dst {
		s.picked[c>>6] = 0
	}
	return dst
}
