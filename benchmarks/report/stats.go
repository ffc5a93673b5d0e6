package report

import (
	"math"
	"slices"
)

// Quantile returns the q-quantile (0..1) of xs by linear interpolation
// between closest ranks, as pandas' quantile does (the reference's p90), or
// NaN for no values. xs need not be sorted.
func Quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return SortedQuantile(s, q)
}

// SortedQuantile is Quantile of values already sorted.
func SortedQuantile(s []float64, q float64) float64 {
	if len(s) == 0 {
		return math.NaN()
	}
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(s)-1)
	return s[lo] + (s[hi]-s[lo])*(pos-float64(lo))
}

// Mean returns the mean of xs, or NaN for no values.
func Mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

// Dist describes a distribution: its size, mean and the quantiles a study
// reports.
type Dist struct {
	N                        int
	Mean, P50, P90, P99, Max float64
}

// Describe returns the distribution of xs (NaN figures when empty).
func Describe(xs []float64) Dist {
	if len(xs) == 0 {
		nan := math.NaN()
		return Dist{Mean: nan, P50: nan, P90: nan, P99: nan, Max: nan}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return Dist{N: len(s), Mean: Mean(s), P50: SortedQuantile(s, 0.5), P90: SortedQuantile(s, 0.9),
		P99: SortedQuantile(s, 0.99), Max: s[len(s)-1]}
}

// StdDev returns the sample standard deviation of xs (n-1 in the
// denominator), or NaN for fewer than two values.
func StdDev(xs []float64) float64 {
	if len(xs) < 2 {
		return math.NaN()
	}
	m := Mean(xs)
	ss := 0.0
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	return math.Sqrt(ss / float64(len(xs)-1))
}

// CI95 returns the half-width of the 95 % confidence interval of the mean
// of xs, Student's t interval: t(0.975, n-1) s / sqrt(n), with s the
// sample standard deviation; NaN for fewer than two values. Repeats of a
// study differ only in their seed, so they are independent samples of the
// figure; the t interval is the one a researcher computes by hand
// (scipy.stats.t.interval, seaborn's errorbar=("ci", 95) up to its
// bootstrap).
func CI95(xs []float64) float64 {
	if len(xs) < 2 {
		return math.NaN()
	}
	return TQuantile(0.975, len(xs)-1) * StdDev(xs) / math.Sqrt(float64(len(xs)))
}

// TQuantile returns the p-quantile (0 < p < 1) of Student's t
// distribution with df degrees of freedom (df >= 1), by bisection on its
// distribution function, to about 1e-12.
func TQuantile(p float64, df int) float64 {
	if !(p > 0 && p < 1) || df < 1 {
		return math.NaN()
	}
	if p == 0.5 {
		return 0
	}
	if p < 0.5 {
		return -TQuantile(1-p, df)
	}
	lo, hi := 0.0, 1.0
	for tCDF(hi, df) < p {
		lo, hi = hi, hi*2
	}
	for range 200 {
		mid := (lo + hi) / 2
		if tCDF(mid, df) < p {
			lo = mid
		} else {
			hi = mid
		}
		if hi-lo <= 1e-13*hi {
			break
		}
	}
	return (lo + hi) / 2
}

// tCDF is Student's t distribution function at t >= 0:
// 1 - I_x(df/2, 1/2) / 2 with x = df / (df + t²).
func tCDF(t float64, df int) float64 {
	v := float64(df)
	return 1 - 0.5*regIncBeta(v/(v+t*t), v/2, 0.5)
}

// regIncBeta is the regularized incomplete beta function I_x(a, b), by
// its continued fraction (modified Lentz), using the symmetry
// I_x(a, b) = 1 - I_{1-x}(b, a) where the fraction converges slowly.
func regIncBeta(x, a, b float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	}
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	front := math.Exp(lab - la - lb + a*math.Log(x) + b*math.Log1p(-x))
	if x > (a+1)/(a+b+2) {
		return 1 - front*betaFraction(1-x, b, a)/b
	}
	return front * betaFraction(x, a, b) / a
}

// betaFraction evaluates the continued fraction of the incomplete beta
// function.
func betaFraction(x, a, b float64) float64 {
	const tiny = 1e-300
	c, d := 1.0, 1-(a+b)*x/(a+1)
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m <= 500; m++ {
		fm := float64(m)
		num := fm * (b - fm) * x / ((a + 2*fm - 1) * (a + 2*fm))
		d = 1 + num*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + num/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		num = -(a + fm) * (a + b + fm) * x / ((a + 2*fm) * (a + 2*fm + 1))
		d = 1 + num*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + num/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-15 {
			break
		}
	}
	return h
}
