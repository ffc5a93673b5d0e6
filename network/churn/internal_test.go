package churn

import (
	"math"
	"testing"
	"time"
)

// TestTailMean checks the numerical mean of a Weibull beyond a point
// against closed forms: shape 1 is exponential, memoryless (t + Scale);
// shape 0.5 gives Scale (y^2 + 2y + 2) for y = sqrt(t/Scale), by parts.
func TestTailMean(t *testing.T) {
	h := float64(time.Hour)
	for _, tc := range []struct {
		w       Weibull
		at      float64
		want    float64
		comment string
	}{
		{Weibull{Shape: 1, Scale: time.Hour}, 0, h, "exponential from 0"},
		{Weibull{Shape: 1, Scale: time.Hour}, 5 * h, 6 * h, "exponential beyond 5h"},
		{Weibull{Shape: 0.5, Scale: time.Hour}, 4 * h, (4 + 4 + 2) * h, "shape 0.5 beyond 4h"},
		{Weibull{Shape: 0.5, Scale: time.Hour}, 0, 2 * h, "shape 0.5 from 0: the mean"},
	} {
		if got := tc.w.tailMean(tc.at); math.Abs(got-tc.want)/tc.want > 1e-6 {
			t.Errorf("%s: %v, want %v", tc.comment, time.Duration(got), time.Duration(tc.want))
		}
	}
}

// TestIPFSFiguresAsDocumented keeps the figures doc.go gives for the IPFS
// sessions true: the mean, the tail's share of sessions and its mean.
func TestIPFSFiguresAsDocumented(t *testing.T) {
	e, err := IPFSUptime()
	if err != nil {
		t.Fatal(err)
	}
	tailShare := 1 - e.p[len(e.p)-1]
	for _, c := range []struct {
		what      string
		got, want time.Duration
		tolerance time.Duration
	}{
		{"mean session", e.Mean(), 4*time.Hour + 55*time.Minute, time.Minute},
		{"mean session beyond 24h", time.Duration(e.tailMean), 63 * time.Hour, time.Hour},
		{"tail's part of the mean", time.Duration(tailShare * e.tailMean), 2 * e.Mean() / 3, 10 * time.Minute},
		{"first point", time.Duration(e.x[0]), 18 * time.Second, 0},
	} {
		if (c.got - c.want).Abs() > c.tolerance {
			t.Errorf("%s: %v, doc.go says %v", c.what, c.got, c.want)
		}
	}
	if math.Abs(tailShare-0.0496) > 1e-9 {
		t.Errorf("tail share %v, data 0.0496", tailShare)
	}
}
