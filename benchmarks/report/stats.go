package report

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
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
// distribution with df degrees of freedom (df >= 1), NaN outside those
// ranges (gonum's distuv.StudentsT).
func TQuantile(p float64, df int) float64 {
	if !(p > 0 && p < 1) || df < 1 {
		return math.NaN()
	}
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(p)
}
