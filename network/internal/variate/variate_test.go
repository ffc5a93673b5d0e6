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
