package cell

import (
	"math"
	"strconv"
	"testing"
	"time"
)

// Float keeps 6 significant digits and drops float noise, in the shortest
// form; NaN is empty.
func TestFloatKeepsSixSignificantDigits(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{0.8995000000000006, "0.8995"},
		{0.1 + 0.2, "0.3"},
		{187612.34, "187612"},
		{1234567, "1234570"},
		{0.000125, "0.000125"},
		{1.25e-5, "1.25e-05"},
		{2.0 / 3, "0.666667"},
		{-2.0 / 3, "-0.666667"},
		{100, "100"},
		{0, "0"},
		{1e21, "1e+21"},
		{math.NaN(), ""},
		{math.Inf(1), "+Inf"},
		{math.MaxFloat64, "1.79769e+308"},
	} {
		if got := Float(tc.v); got != tc.want {
			t.Errorf("Float(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

// Seconds writes a duration's nanoseconds exactly, as a decimal number of
// seconds, whatever its size.
func TestSecondsIsExact(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{125 * time.Microsecond, "0.000125"},
		{time.Hour, "3600"},
		{24*time.Hour + time.Nanosecond, "86400.000000001"},
		{1500 * time.Millisecond, "1.5"},
		{0, "0"},
		{-500 * time.Millisecond, "-0.5"},
		{math.MaxInt64, "9223372036.854775807"},
		{math.MinInt64, "-9223372036.854775808"},
	} {
		got := Seconds(tc.d)
		if got != tc.want {
			t.Errorf("Seconds(%v) = %q, want %q", tc.d, got, tc.want)
		}
		if back, err := strconv.ParseFloat(got, 64); err != nil || math.Abs(back-tc.d.Seconds()) > 1e-9*math.Max(1, math.Abs(back)) {
			t.Errorf("Seconds(%v) = %q reads back as %v (%v)", tc.d, got, back, err)
		}
	}
}
