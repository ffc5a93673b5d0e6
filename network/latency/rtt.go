package latency

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mathext"

	"github.com/go-dht/go-dht/network/internal/variate"
)

// family is the kind of a pair's RTT distribution.
type family uint8

const (
	constant family = iota
	uniform
	normal
	lognormal
	gamma
)

// rtt is the round-trip-time distribution of one ordered pair of regions.
// Every figure is in milliseconds, the unit of the measured data, and a
// draw is computed in float64 so that no parameter is rounded to whole
// nanoseconds before sampling.
type rtt struct {
	family family
	// a and b are the family's parameters: constant: the value a;
	// uniform: [a, b]; normal: mean a, standard deviation b; lognormal: mu a
	// and sigma b of the logarithm of the RTT in ms; gamma: shape a, scale b.
	a, b float64
	// shift is added to every draw: a lognormal RTT fitted to measurements
	// starts at the measured minimum rather than at 0.
	shift float64
	// lo and hi clip every draw; lo is at least 0, hi may be +Inf.
	lo, hi float64
	// mean is the distribution's mean before clipping: the data's mean
	// RTT for a measured pair.
	mean float64
}

// draw returns one RTT in ms. It allocates nothing.
func (d *rtt) draw(r *rand.Rand) float64 {
	var x float64
	switch d.family {
	case constant:
		x = d.a
	case uniform:
		x = d.a + (d.b-d.a)*r.Float64()
	case normal:
		x = d.a + d.b*r.NormFloat64()
	case lognormal:
		x = math.Exp(d.a + d.b*r.NormFloat64())
	case gamma:
		x = d.b * variate.Gamma(r, d.a)
	}
	return min(max(x+d.shift, d.lo), d.hi)
}

func (d *rtt) String() string {
	var s string
	switch d.family {
	case constant:
		return fmt.Sprintf("constant %.3gms", d.a)
	case uniform:
		return fmt.Sprintf("uniform %.3gms..%.3gms", d.a, d.b)
	case normal:
		s = fmt.Sprintf("normal mean %.3gms std %.3gms", d.a, d.b)
	case lognormal:
		s = fmt.Sprintf("lognormal mu %.4g sigma %.4g", d.a, d.b)
		if d.shift != 0 {
			s += fmt.Sprintf(" + %.3gms", d.shift)
		}
	case gamma:
		s = fmt.Sprintf("gamma shape %.4g scale %.3gms", d.a, d.b)
	}
	return s + fmt.Sprintf(", clipped to [%.3gms, %.3gms]", d.lo, d.hi)
}

// lognormalParams returns mu and sigma of the lognormal distribution with
// the given mean (> 0) and standard deviation (>= 0).
func lognormalParams(mean, std float64) (mu, sigma float64) {
	s2 := math.Log1p((std / mean) * (std / mean))
	return math.Log(mean) - s2/2, math.Sqrt(s2)
}

// stats are the summary statistics of a set of RTT measurements, in ms, as
// the RIPE Atlas data gives them per country pair.
type stats struct {
	count, mean, std, min, max float64
}

// pool returns the statistics of the union of the measurements that each
// of ss summarises: the count-weighted mixture, whose variance is the mean
// of the second moments less the square of the mean.
func pool(ss []stats) stats {
	p := stats{min: math.Inf(1), max: math.Inf(-1)}
	var sum, sumSq float64
	for _, s := range ss {
		p.count += s.count
		sum += s.count * s.mean
		sumSq += s.count * (s.std*s.std + s.mean*s.mean)
		p.min = min(p.min, s.min)
		p.max = max(p.max, s.max)
	}
	p.mean = sum / p.count
	p.std = math.Sqrt(max(0, sumSq/p.count-p.mean*p.mean))
	return p
}

// fromStats returns the distribution of a measured pair: the measured
// minimum plus a lognormal whose mean and standard deviation are those of
// the data above the minimum, clipped to the measured maximum. Starting at
// the minimum keeps the floor that propagation sets and puts no mass below
// it, while mean and standard deviation stay those of the data. A pair with
// one measurement, no spread, or a mean not above its minimum (rounding in
// the data) is constant at its mean.
func fromStats(s stats) rtt {
	if s.count <= 1 || !(s.std > 0) || !(s.mean > s.min) {
		return rtt{family: constant, a: s.mean, hi: math.Inf(1), mean: s.mean}
	}
	mu, sigma := lognormalParams(s.mean-s.min, s.std)
	return rtt{family: lognormal, a: mu, b: sigma, shift: s.min, lo: s.min, hi: s.max, mean: s.mean}
}

// shareAbove returns the share of d's draws above x ms before any clipping
// (min, max, MaxRTT): what Load bounds to refuse a distribution whose
// draws would routinely exceed MaxRTT.
func (d *rtt) shareAbove(x float64) float64 {
	step := func(v float64) float64 {
		if v > x {
			return 1
		}
		return 0
	}
	switch d.family {
	case constant:
		return step(d.a)
	case uniform:
		if d.b <= x {
			return 0
		}
		if d.a >= x || d.b == d.a {
			return 1
		}
		return (d.b - x) / (d.b - d.a)
	case normal:
		if d.b == 0 {
			return step(d.a)
		}
		return math.Erfc((x-d.a)/(d.b*math.Sqrt2)) / 2
	case lognormal:
		x -= d.shift
		if x <= 0 {
			return 1
		}
		if d.b == 0 {
			return step(math.Exp(d.a))
		}
		return math.Erfc((math.Log(x)-d.a)/(d.b*math.Sqrt2)) / 2
	case gamma:
		return 1 - gammaCDF(d.a, x/d.b)
	}
	return 0
}

// gammaCDF returns P(X <= x) for X gamma-distributed with the given shape
// and scale 1: the regularized lower incomplete gamma function P(shape, x)
// (gonum's mathext.GammaIncReg). Load needs it only to tell whether about
// 1% of draws lie above a bound.
func gammaCDF(shape, x float64) float64 {
	switch {
	case !(x > 0):
		return 0
	case math.IsInf(x, 1):
		return 1
	}
	return mathext.GammaIncReg(shape, x)
}
