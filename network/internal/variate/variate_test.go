package variate

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGammaMoments checks that draws of shape a (scale 1) have mean a and
// variance a, for shapes below, at and above 1 (the boosted and the direct
// branch).
func TestGammaMoments(t *testing.T) {
	const n = 200_000
	r := rand.New(rand.NewPCG(1, 2))
	for _, shape := range []float64{0.1, 0.34, 0.5, 1, 2.5, 3.94, 20} {
		var sum, sq float64
		for range n {
			g := Gamma(r, shape)
			if !(g >= 0) || math.IsInf(g, 0) {
				t.Fatalf("shape %v: draw %v, want a finite value >= 0", shape, g)
			}
			sum += g
			sq += g * g
		}
		mean := sum / n
		variance := sq/n - mean*mean
		// The standard error of the mean is sqrt(a/n); 5 of them is a
		// failure, not noise.
		if se := math.Sqrt(shape / n); math.Abs(mean-shape) > 5*se {
			t.Errorf("shape %v: mean %.4f, want %.4f +- %.4f", shape, mean, shape, 5*se)
		}
		if math.Abs(variance-shape)/shape > 0.05 {
			t.Errorf("shape %v: variance %.4f, want %.4f within 5%%", shape, variance, shape)
		}
	}
}

// TestGammaAllocatesNothing checks that a draw does not allocate: it sits
// on the path of every simulated message.
func TestGammaAllocatesNothing(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	if a := testing.AllocsPerRun(1000, func() { Gamma(r, 0.5); Gamma(r, 2) }); a != 0 {
		t.Errorf("Gamma allocates %v times per draw, want 0", a)
	}
}

// TestGammaAboveMatchesConditionedGamma checks GammaAbove's mean against
// the mean of plain gamma draws that exceed the bound, on both of its
// branches (bound below and above the shape).
func TestGammaAboveMatchesConditionedGamma(t *testing.T) {
	const n = 100_000
	r := rand.New(rand.NewPCG(5, 6))
	for _, tc := range []struct{ shape, lower float64 }{
		{1, 0}, {3.94, 3.19}, {3.94, 6}, {1.5, 4}, {3, 8},
	} {
		var got, want, wantSq float64
		for range n {
			y := GammaAbove(r, tc.shape, tc.lower)
			if !(y > tc.lower) {
				t.Fatalf("shape %v lower %v: draw %v not above the bound", tc.shape, tc.lower, y)
			}
			got += y
		}
		got /= n
		var kept float64
		for kept < n {
			if g := Gamma(r, tc.shape); g > tc.lower {
				want += g
				wantSq += g * g
				kept++
			}
		}
		want /= n
		se := math.Sqrt((wantSq/n - want*want) / n)
		if math.Abs(got-want) > 6*se {
			t.Errorf("shape %v lower %v: mean %.4f, conditioned plain draws %.4f (+- %.4f)", tc.shape, tc.lower, got, want, se)
		}
	}
}
