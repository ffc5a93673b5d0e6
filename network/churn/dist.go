package churn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/go-dht/go-dht/network/internal/variate"
)

// Dist is a distribution of period lengths: sessions (time online) or
// downtimes.
type Dist interface {
	// Sample draws one period length, at least 1ns so that simulated time
	// always moves, and at most MaxPeriod.
	Sample(r *rand.Rand) time.Duration
	// Mean returns the mean period length.
	Mean() time.Duration
	// String describes the distribution and its parameters.
	String() string
}

// ResidualSampler is a Dist that draws its equilibrium residual exactly:
// the time left in the period that covers a random instant of a long run.
// Such a period is length-biased (a period twice as long is twice as likely
// to be the one observed) and the instant falls uniformly within it, so the
// residual's density is (1 - F(x)) / Mean. Model.Start uses it to begin a
// simulation in steady state; Exponential, Weibull and *Empirical
// implement it.
type ResidualSampler interface {
	SampleResidual(r *rand.Rand) time.Duration
}

// MaxPeriod is the longest period a Dist of this package draws (100 years):
// longer draws are cut to it, so that a simulated clock never overflows.
const MaxPeriod = 100 * 365 * 24 * time.Hour

// period converts a length in ns to a Duration in [1ns, MaxPeriod].
func period(ns float64) time.Duration {
	if !(ns < float64(MaxPeriod)) { // NaN too
		return MaxPeriod
	}
	return max(time.Duration(ns), 1)
}

// Exponential is the exponential distribution of the given mean (> 0): a
// node leaves (or returns) at a constant rate, whatever its age.
type Exponential time.Duration

// Sample draws a period.
func (e Exponential) Sample(r *rand.Rand) time.Duration {
	return period(r.ExpFloat64() * float64(e))
}

// SampleResidual draws the residual: the distribution is memoryless, so the
// residual is a plain draw.
func (e Exponential) SampleResidual(r *rand.Rand) time.Duration { return e.Sample(r) }

// Mean returns the mean.
func (e Exponential) Mean() time.Duration { return time.Duration(e) }

// String returns "exp(MEAN)".
func (e Exponential) String() string { return "exp(" + time.Duration(e).String() + ")" }

// Weibull is the Weibull distribution with the given shape (> 0) and scale
// (> 0): P(length > x) = exp(-(x/Scale)^Shape). A shape below 1 makes
// young periods the likeliest to end: many short sessions and a few very
// long ones, as measured in peer-to-peer networks; shape 1 is exponential.
type Weibull struct {
	Shape float64
	Scale time.Duration
}

// Sample draws a period: Scale * E^(1/Shape) for E exponential of mean 1.
func (w Weibull) Sample(r *rand.Rand) time.Duration {
	return period(float64(w.Scale) * math.Pow(r.ExpFloat64(), 1/w.Shape))
}

// SampleResidual draws the residual: a length-biased period times a
// uniform fraction. With Y = (X/Scale)^Shape, a length-biased X has Y
// gamma-distributed with shape 1 + 1/Shape.
func (w Weibull) SampleResidual(r *rand.Rand) time.Duration {
	y := variate.Gamma(r, 1+1/w.Shape)
	return period(float64(w.Scale) * math.Pow(y, 1/w.Shape) * r.Float64())
}

// Mean returns Scale * Gamma(1 + 1/Shape).
func (w Weibull) Mean() time.Duration {
	return period(float64(w.Scale) * math.Gamma(1+1/w.Shape))
}

// String returns "weibull(SHAPE,SCALE)".
func (w Weibull) String() string {
	return "weibull(" + strconv.FormatFloat(w.Shape, 'g', -1, 64) + "," + w.Scale.String() + ")"
}

func (w Weibull) validate() error {
	if !(w.Shape >= minShape && w.Shape <= maxShape) {
		return fmt.Errorf("%w: Weibull shape %v, allowed %v..%v", ErrInvalidDist, w.Shape, minShape, maxShape)
	}
	if w.Scale < MinMean || w.Scale > maxMean {
		return fmt.Errorf("%w: Weibull scale %v, allowed %v..%v", ErrInvalidDist, w.Scale, MinMean, maxMean)
	}
	return nil
}

// The range of a Weibull shape: below 0.2 the mean is hundreds of times the
// scale and draws beyond MaxPeriod begin to matter.
const minShape, maxShape = 0.2, 10

// maxMean bounds a mean or a scale: a year.
const maxMean = 365 * 24 * time.Hour

// MinMean bounds a mean or a scale from below: a session or a downtime of
// one second on average is as short as a node's churn can sensibly be (a
// lookup takes about a second), and a simulation finds a node's state at a
// time by replaying its periods one by one, so its cost grows as the
// simulated time over the mean period (exp:1ns,1ns would take 10^9 draws
// per node per simulated second).
const MinMean = time.Second

// tail returns the mean of the Weibull conditioned on exceeding t (ns):
// Scale * integral over z >= 0 of (y_t + z)^(1/Shape) e^(-z), where
// y_t = (t/Scale)^Shape, by Simpson's rule on a range that holds all but a
// negligible part of the integral.
func (w Weibull) tailMean(t float64) float64 {
	a := 1 / w.Shape
	yt := math.Pow(t/float64(w.Scale), w.Shape)
	const steps = 20_000 // even
	top := 60 + 4*a
	h := top / steps
	f := func(z float64) float64 { return math.Pow(yt+z, a) * math.Exp(-z) }
	sum := f(0) + f(top)
	for i := 1; i < steps; i++ {
		sum += float64(2+2*(i%2)) * f(float64(i)*h)
	}
	return float64(w.Scale) * sum * h / 3
}

// Point is a point of an empirical CDF: the share P of periods that are at
// most X long.
type Point struct {
	X time.Duration
	P float64
}

// Empirical is a distribution given by points of its CDF. Between two
// points the CDF is linear (lengths are uniform); below the first point it
// rises linearly from (0, 0). Beyond the last point, the remaining mass
// 1 - P is either at the last X (a cap: no period is longer) or, with a
// tail, drawn from a Weibull conditioned on exceeding the last X. Build one
// with NewEmpirical.
type Empirical struct {
	name string
	x, p []float64 // the points, x in ns; a leading (0, 0) is implicit
	tail *Weibull  // nil: cap at the last point
	// tailMean is the mean length beyond the last point: the last x for a
	// cap, the conditioned Weibull's mean for a tail.
	tailMean float64
	mean     float64
	// biased[i] is the cumulative share, among length-biased draws, of the
	// segments up to and including segment i (from point i-1 to point i);
	// the rest is the tail's. It drives SampleResidual.
	biased []float64
}

// NewEmpirical returns the distribution with the given CDF points (X
// strictly increasing from >= 0, P non-decreasing in [0, 1]) and tail (nil
// for a cap; see Empirical). name is what String returns.
func NewEmpirical(name string, points []Point, tail *Weibull) (*Empirical, error) {
	if len(points) == 0 {
		return nil, fmt.Errorf("%w: empirical %s has no points", ErrInvalidDist, name)
	}
	e := &Empirical{name: name, tail: tail, x: make([]float64, len(points)), p: make([]float64, len(points))}
	var prevX time.Duration
	var prevP float64
	for i, pt := range points {
		if pt.X < 0 || (i > 0 && pt.X <= prevX) || !(pt.P >= prevP && pt.P <= 1) {
			return nil, fmt.Errorf("%w: empirical %s point %d (%v, %v): X must increase from >= 0, P must not decrease and stay in [0, 1]",
				ErrInvalidDist, name, i, pt.X, pt.P)
		}
		e.x[i], e.p[i] = float64(pt.X), pt.P
		prevX, prevP = pt.X, pt.P
	}
	last := e.x[len(e.x)-1]
	e.tailMean = last
	if tail != nil {
		if err := tail.validate(); err != nil {
			return nil, fmt.Errorf("empirical %s tail: %w", name, err)
		}
		e.tailMean = tail.tailMean(last)
	}
	// Segment i carries mass p[i]-p[i-1] spread uniformly over
	// [x[i-1], x[i]]; its share of the mean, and so of length-biased draws,
	// is that mass times the segment's midpoint.
	e.biased = make([]float64, len(e.x))
	var cum, x0, p0 float64
	for i := range e.x {
		cum += (e.p[i] - p0) * (x0 + e.x[i]) / 2
		e.biased[i] = cum
		x0, p0 = e.x[i], e.p[i]
	}
	e.mean = cum + (1-p0)*e.tailMean
	if !(e.mean > 0) {
		return nil, fmt.Errorf("%w: empirical %s has mean 0", ErrInvalidDist, name)
	}
	return e, nil
}

// search returns the first index i with v < s[i], or len(s).
func search(s []float64, v float64) int {
	lo, hi := 0, len(s)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if v < s[mid] {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// segment returns the bounds of segment i.
func (e *Empirical) segment(i int) (x0, p0, x1, p1 float64) {
	if i > 0 {
		x0, p0 = e.x[i-1], e.p[i-1]
	}
	return x0, p0, e.x[i], e.p[i]
}

// Sample draws a period by inverting the CDF.
func (e *Empirical) Sample(r *rand.Rand) time.Duration {
	u := r.Float64()
	i := search(e.p, u)
	if i == len(e.p) {
		return e.sampleTail(r)
	}
	x0, p0, x1, p1 := e.segment(i)
	// u < p1 and u >= p0, so p1 > p0.
	return period(x0 + (u-p0)/(p1-p0)*(x1-x0))
}

// sampleTail draws a length beyond the last point.
func (e *Empirical) sampleTail(r *rand.Rand) time.Duration {
	last := e.x[len(e.x)-1]
	if e.tail == nil {
		return period(last)
	}
	// Conditioned on X > last, (X/Scale)^Shape is (last/Scale)^Shape plus
	// an exponential of mean 1.
	w := e.tail
	y := math.Pow(last/float64(w.Scale), w.Shape) + r.ExpFloat64()
	return period(float64(w.Scale) * math.Pow(y, 1/w.Shape))
}

// SampleResidual draws the residual: a length-biased period, then a
// uniform fraction of it.
func (e *Empirical) SampleResidual(r *rand.Rand) time.Duration {
	var length float64
	v := r.Float64() * e.mean
	if i := search(e.biased, v); i < len(e.biased) {
		// Within a segment, a length-biased draw has density
		// proportional to x: invert its CDF (x^2 - x0^2)/(x1^2 - x0^2).
		x0, _, x1, _ := e.segment(i)
		length = math.Sqrt(x0*x0 + r.Float64()*(x1*x1-x0*x0))
	} else if last := e.x[len(e.x)-1]; e.tail == nil {
		length = last
	} else {
		// A length-biased Weibull has (X/Scale)^Shape gamma with shape
		// 1 + 1/Shape; conditioned on X > last, the gamma is conditioned
		// on exceeding (last/Scale)^Shape.
		w := e.tail
		y := variate.GammaAbove(r, 1+1/w.Shape, math.Pow(last/float64(w.Scale), w.Shape))
		length = float64(w.Scale) * math.Pow(y, 1/w.Shape)
	}
	return period(length * r.Float64())
}

// Mean returns the mean, tail included.
func (e *Empirical) Mean() time.Duration { return period(e.mean) }

// String returns the name given to NewEmpirical.
func (e *Empirical) String() string { return e.name }
