package report_test

import (
	"math"
	"slices"
	"testing"

	"gonum.org/v1/plot"

	"github.com/go-dht/go-dht/benchmarks/report"
)

// tTable holds t(0.975, df), the 95 % two-sided quantiles of Student's t
// distribution, as printed in statistics tables (and by
// scipy.stats.t.ppf(0.975, df)).
var tTable = map[int]float64{
	1: 12.706204736, 2: 4.302652730, 3: 3.182446305, 4: 2.776445105, 5: 2.570581836,
	9: 2.262157163, 10: 2.228138852, 29: 2.045229642, 100: 1.983971519, 1000: 1.962339081,
}

// TQuantile matches the printed table of Student's t to nine digits, and
// is symmetric about 0.
func TestTQuantileMatchesTable(t *testing.T) {
	for df, want := range tTable {
		if got := report.TQuantile(0.975, df); math.Abs(got-want) > 1e-8*want {
			t.Errorf("t(0.975, %d) = %.10f, want %.10f", df, got, want)
		}
		if got := report.TQuantile(0.025, df); math.Abs(got+want) > 1e-8*want {
			t.Errorf("t(0.025, %d) = %.10f, want %.10f", df, got, -want)
		}
	}
	if !math.IsNaN(report.TQuantile(0.975, 0)) || !math.IsNaN(report.TQuantile(1, 3)) {
		t.Error("a quantile out of the domain is not NaN")
	}
}

// CI95 is t(0.975, n-1) s / sqrt(n), computed here by hand from the
// table; a single value has no interval.
func TestCI95IsTheTInterval(t *testing.T) {
	for _, xs := range [][]float64{{1, 2, 3}, {0.5, 0.9}, {10, 12, 9, 11, 15}} {
		n := float64(len(xs))
		mean := 0.0
		for _, x := range xs {
			mean += x / n
		}
		ss := 0.0
		for _, x := range xs {
			ss += (x - mean) * (x - mean)
		}
		want := tTable[len(xs)-1] * math.Sqrt(ss/(n-1)) / math.Sqrt(n)
		if got := report.CI95(xs); math.Abs(got-want) > 1e-8*want {
			t.Errorf("CI95(%v) = %v, want %v", xs, got, want)
		}
	}
	if !math.IsNaN(report.CI95([]float64{3})) || !math.IsNaN(report.CI95(nil)) {
		t.Error("one value has an interval")
	}
}

// Tick labels read as a person writes them: 1,000 rather than 1000 or
// 1e+03, 1 h and 10 min rather than 1h0m0s.
func TestHumanLabels(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{report.FormatNumber(1000), "1,000"}, {report.FormatNumber(250000), "250,000"}, {report.FormatNumber(-12345), "-12,345"},
		{report.FormatNumber(2.5), "2.5"}, {report.FormatNumber(0), "0"}, {report.FormatNumber(0.125), "0.125"},
		{report.FormatDuration(3600), "1 h"}, {report.FormatDuration(600), "10 min"}, {report.FormatDuration(0.05), "50 ms"},
		{report.FormatDuration(1000), "16.7 min"}, {report.FormatDuration(125e-6), "125 µs"}, {report.FormatDuration(86400 * 2), "2 d"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// tickLabels returns the labels of the labelled ticks of tk over
// [lo, hi].
func tickLabels(tk plot.Ticker, lo, hi float64) []string {
	var out []string
	for _, t := range tk.Ticks(lo, hi) {
		if t.Label != "" {
			out = append(out, t.Label)
		}
	}
	return out
}

// Ticks fall on round values, every one labelled: at most six on a
// linear axis (steps of 1, 2, 2.5 or 5 times a power of ten), at round
// durations in one unit on a time axis, at hours a clock divides into on
// an axis in hours, and at 1 ms, 1 s, 1 min, 1 h on a log axis of
// durations.
func TestTicksAreRound(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  []string
		want []string
	}{
		{"linear 0..10000", tickLabels(report.NiceTicks{}, 0, 10000), []string{"0", "2,000", "4,000", "6,000", "8,000", "10,000"}},
		{"linear 0..1", tickLabels(report.NiceTicks{}, 0, 1), []string{"0", "0.2", "0.4", "0.6", "0.8", "1"}},
		{"linear 0..100", tickLabels(report.NiceTicks{}, 0, 100), []string{"0", "20", "40", "60", "80", "100"}},
		{"duration 0..1 d", tickLabels(report.DurationTicks{}, 0, 86400), []string{"0", "6 h", "12 h", "18 h", "24 h"}},
		{"duration 0..1 h", tickLabels(report.DurationTicks{}, 0, 3600), []string{"0", "15 min", "30 min", "45 min", "60 min"}},
		{"duration 0..0.4 s", tickLabels(report.DurationTicks{}, 0, 0.4), []string{"0", "100 ms", "200 ms", "300 ms", "400 ms"}},
		{"hours 0..24", tickLabels(report.HourTicks, 0, 24), []string{"0", "6", "12", "18", "24"}},
		{"log durations 0.01..5000 s", tickLabels(report.LogTicks{Durations: true}, 0.01, 5000), []string{"10 ms", "100 ms", "1 s", "10 s", "1 min", "10 min", "1 h"}},
		{"log counts 500..200000", tickLabels(report.LogTicks{}, 500, 200000), []string{"1,000", "10,000", "100,000"}},
	} {
		if !slices.Equal(tc.got, tc.want) {
			t.Errorf("%s: labels %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

// The empirical distribution is a staircase that rises at each distinct
// value from the share below it to the share at it, in percent.
func TestCDFIsAStaircase(t *testing.T) {
	got := report.CDF([]float64{3, 1, 2, 2, math.NaN()}, 10)
	want := [][2]float64{{10, 0}, {10, 25}, {20, 25}, {20, 75}, {30, 75}, {30, 100}}
	if len(got) != len(want) {
		t.Fatalf("CDF = %v", got)
	}
	for i, w := range want {
		if got[i].X != w[0] || got[i].Y != w[1] {
			t.Fatalf("point %d = (%v, %v), want %v", i, got[i].X, got[i].Y, w)
		}
	}
	many := make([]float64, 10*report.MaxCDFPoints)
	for i := range many {
		many[i] = float64(i)
	}
	pts := report.CDF(many, 1)
	if len(pts) > 2*report.MaxCDFPoints+2 || pts[len(pts)-1].X != many[len(many)-1] || pts[len(pts)-1].Y != 100 {
		t.Errorf("a sampled CDF has %d points, ends at (%v, %v)", len(pts), pts[len(pts)-1].X, pts[len(pts)-1].Y)
	}
}
