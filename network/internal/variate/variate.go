// Package variate draws from the continuous distributions that math/rand/v2
// lacks and that both the latency and the churn models need. It holds no
// state: every draw takes the caller's *rand.Rand, so a simulation stays
// reproducible from its seed.
package variate

import (
	"math"
	"math/rand/v2"
)

// Gamma returns a draw from the gamma distribution of the given shape
// (> 0) and scale 1; multiply by a scale to rescale it. It allocates
// nothing.
//
// The method is Marsaglia and Tsang's ("A simple method for generating
// gamma variables", ACM TOMS 26(3), 2000): a squeeze-and-reject on a cubed
// normal, accepting about 95% of candidates or more for shape >= 1. A shape
// below 1 is boosted: if G has shape a+1 and U is uniform on (0, 1), then
// G * U^(1/a) has shape a.
func Gamma(r *rand.Rand, shape float64) float64 {
	if shape < 1 {
		// 1 - Float64 is in (0, 1], so the power is never of zero.
		return Gamma(r, shape+1) * math.Pow(1-r.Float64(), 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := 1 - r.Float64() // (0, 1]: the log below is finite
		x2 := x * x
		// The squeeze accepts most candidates without a logarithm.
		if u < 1-0.0331*x2*x2 {
			return d * v
		}
		if math.Log(u) < 0.5*x2+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}

// GammaAbove returns a draw from the gamma distribution of the given shape
// (>= 1) and scale 1, conditioned on exceeding lower (>= 0). It serves the
// length-biased draws of a Weibull tail, whose shape is always above 1.
//
// Near the body (lower <= shape) it redraws until a draw exceeds lower,
// which happens with probability above 1/3. Further out it proposes
// lower + an exponential of rate beta = 1 - (shape-1)/lower, whose density
// falls no faster than the target's, and accepts with the ratio of the two,
// (y/lower)^(shape-1) * exp(-(1-beta)(y-lower)) <= 1; the acceptance rate
// rises towards 1 as lower grows.
func GammaAbove(r *rand.Rand, shape, lower float64) float64 {
	if lower <= shape {
		for {
			if g := Gamma(r, shape); g > lower {
				return g
			}
		}
	}
	beta := 1 - (shape-1)/lower
	for {
		y := lower + r.ExpFloat64()/beta
		if math.Log(1-r.Float64()) <= (shape-1)*math.Log(y/lower)-(1-beta)*(y-lower) {
			return y
		}
	}
}
