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
