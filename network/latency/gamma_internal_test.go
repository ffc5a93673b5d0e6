package latency

import (
	"math"
	"testing"
)

// TestGammaCDF checks the incomplete gamma function Load bounds gamma
// distributions with against closed forms (shape 1: 1 - e^-x; shape 2:
// 1 - e^-x (1 + x)) and published quantiles, on both sides of its
// series/continued-fraction switch.
func TestGammaCDF(t *testing.T) {
	for _, tc := range []struct{ shape, x, want, tol float64 }{
		{1, 0.5, 1 - math.Exp(-0.5), 1e-12},
		{1, 4.605170186, 0.99, 1e-9},
		{2, 1, 1 - 2*math.Exp(-1), 1e-12},
		{2, 6.638352067, 0.99, 1e-9},
		{0.5, 6.634896601 / 2, 0.99, 1e-9}, // chi-square, 1 degree of freedom: p99 6.634897
		{5, 23.20925116 / 2, 0.99, 1e-8},   // chi-square, 10 degrees of freedom: p99 23.209251
		{0.01, 2, 1 - 0.01*0.04890051, 2e-4},
	} {
		if got := gammaCDF(tc.shape, tc.x); math.Abs(got-tc.want) > tc.tol {
			t.Errorf("gammaCDF(%v, %v) = %v, want %v", tc.shape, tc.x, got, tc.want)
		}
	}
}

// TestGammaCDFLargeShapes checks gammaCDF at large shapes against the
// Wilson-Hilferty approximation ((X/shape)^(1/3) is nearly normal, of mean
// 1 - 1/(9 shape) and variance 1/(9 shape)), within 1e-4 from shape 100
// up: latency files may give gamma pairs of any shape.
func TestGammaCDFLargeShapes(t *testing.T) {
	for _, shape := range []float64{101, 300, 1000, 5000} {
		for _, z := range []float64{-3, -1, 0, 1, 2.3263, 3} {
			x := shape + z*math.Sqrt(shape)
			v := 1 / (9 * shape)
			approx := math.Erfc(-((math.Cbrt(x/shape)-(1-v))/math.Sqrt(v))/math.Sqrt2) / 2
			if got := gammaCDF(shape, x); math.Abs(got-approx) > 1e-4 {
				t.Errorf("shape %v, x %v: gammaCDF %v, Wilson-Hilferty %v", shape, x, got, approx)
			}
		}
	}
}
