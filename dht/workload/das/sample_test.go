package das_test

import (
	"math"
	"slices"
	"testing"

	"github.com/go-dht/go-dht/dht/workload/das"
)

func mustSampler(t testing.TB, g das.Geometry, samples int, seed uint64) *das.Sampler {
	t.Helper()
	s, err := das.NewSampler(g, samples, seed)
	if err != nil {
		t.Fatalf("NewSampler: %v", err)
	}
	return s
}

// TestSamplesDistinctAndReproducible checks that a validator's samples are
// Samples distinct cells of the block, that they depend only on (seed,
// validator) whatever the order validators are drawn in or the Sampler
// used, and that other validators and seeds draw other cells.
func TestSamplesDistinctAndReproducible(t *testing.T) {
	g := das.Geometry{Rows: 512, Cols: 512}
	const validators, samples = 200, 75
	s := mustSampler(t, g, samples, 1)
	forward := make([][]int, validators)
	for v := range validators {
		forward[v] = s.Draw(v, nil)
		c := slices.Clone(forward[v])
		slices.Sort(c)
		if len(c) != samples || len(slices.Compact(c)) != samples || c[0] < 0 || c[len(c)-1] >= g.Cells() {
			t.Fatalf("validator %d: %d cells, not %d distinct cells of [0, %d)", v, len(forward[v]), samples, g.Cells())
		}
	}
	other := mustSampler(t, g, samples, 1)
	var buf []int
	for v := validators - 1; v >= 0; v-- {
		buf = other.Draw(v, buf)
		if !slices.Equal(buf, forward[v]) {
			t.Fatalf("validator %d drawn last and first differ", v)
		}
	}
	if slices.Equal(forward[0], forward[1]) {
		t.Error("validators 0 and 1 draw the same cells")
	}
	if slices.Equal(mustSampler(t, g, samples, 2).Draw(0, nil), forward[0]) {
		t.Error("seeds 1 and 2 draw the same cells for validator 0")
	}
}

// TestSamplesUniform checks that every cell is sampled about equally often
// and that sampling every cell gives each cell once.
func TestSamplesUniform(t *testing.T) {
	g := das.Geometry{Rows: 4, Cols: 4}
	const samples = 5
	validators := 32000
	if testing.Short() {
		validators = 8000
	}
	s := mustSampler(t, g, samples, 3)
	counts := make([]int, g.Cells())
	var buf []int
	for v := range validators {
		buf = s.Draw(v, buf)
		for _, c := range buf {
			counts[c]++
		}
	}
	p := float64(samples) / float64(g.Cells())
	mean, sd := float64(validators)*p, math.Sqrt(float64(validators)*p*(1-p))
	for c, n := range counts {
		if math.Abs(float64(n)-mean) > 5*sd {
			t.Errorf("cell %d sampled %d times, want %.0f ± %.0f", c, n, mean, 5*sd)
		}
	}
	all := mustSampler(t, g, g.Cells(), 3).Draw(0, nil)
	slices.Sort(all)
	for i, c := range all {
		if c != i {
			t.Fatalf("sampling every cell gave %v", all)
		}
	}
}

// TestSamplesHitWithheld checks the helper that tells a sample of a
// withheld cell: against a block missing half of its rows, about half of
// the samples hit withheld cells, and exactly those in withheld rows.
func TestSamplesHitWithheld(t *testing.T) {
	g := das.Geometry{Rows: 64, Cols: 64}
	b := withheld(t, g, das.Withholding{Pattern: das.PatternRows, Share: 0.5}, 1)
	s := mustSampler(t, g, 75, 1)
	hits, total := 0, 0
	var buf []int
	for v := range 400 {
		buf = s.Draw(v, buf)
		n := 0
		for _, c := range buf {
			r, _ := g.RowCol(c)
			if b.RowPresent(r) == 0 {
				n++
			}
		}
		if got := b.CountWithheld(buf); got != n {
			t.Fatalf("validator %d: CountWithheld = %d, want %d", v, got, n)
		}
		hits += n
		total += len(buf)
	}
	if share := float64(hits) / float64(total); math.Abs(share-0.5) > 0.02 {
		t.Errorf("%.3f of the samples hit withheld cells, want about 0.5", share)
	}
}

// TestSamplerAllocatesNothing checks that drawing into a buffer with room
// allocates nothing: it runs once per validator.
func TestSamplerAllocatesNothing(t *testing.T) {
	s := mustSampler(t, das.Geometry{Rows: 512, Cols: 512}, 75, 1)
	buf := make([]int, 0, 75)
	v := 0
	if a := testing.AllocsPerRun(100, func() { buf = s.Draw(v, buf); v++ }); a != 0 {
		t.Errorf("%v allocations per Draw, want 0", a)
	}
}

// TestSamplerValidate checks that a sample count outside 1..cells and a
// bad geometry are refused, naming the field.
func TestSamplerValidate(t *testing.T) {
	for _, tc := range []struct {
		g       das.Geometry
		samples int
		field   string
	}{
		{das.Geometry{Rows: 4, Cols: 4}, 0, "Samples"},
		{das.Geometry{Rows: 4, Cols: 4}, 17, "Samples"},
		{das.Geometry{Rows: 5, Cols: 4}, 1, "Rows"},
	} {
		_, err := das.NewSampler(tc.g, tc.samples, 1)
		if got := configField(t, err); got != tc.field {
			t.Errorf("NewSampler(%v, %d): field %q, want %q", tc.g, tc.samples, got, tc.field)
		}
	}
}
