package bandwidth_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/go-dht/go-dht/network/bandwidth"
)

// Each form reads back as itself and gives its rates in bytes per second;
// a bad spec is a *SpecError naming its bad part.
func TestParse(t *testing.T) {
	for spec, mean := range map[string]float64{"unlimited": math.Inf(1), "fixed:8Mbit": 1e6, "uniform:8Mbit-24Mbit/s": 2e6, "fixed:1Gbit": 125e6} {
		s, err := bandwidth.Parse(spec)
		if err != nil || s.Mean() != mean {
			t.Fatalf("%s: %v mean %v, %v; want mean %v", spec, s, s.Mean(), err, mean)
		}
		if back, err := bandwidth.Parse(s.String()); err != nil || back != s {
			t.Fatalf("%s: %q reads back as %v, %v", spec, s.String(), back, err)
		}
	}
	for _, bad := range []string{"", "fast", "fixed", "fixed:0bit", "fixed:2Tbit", "uniform:5Mbit-1Mbit", "lognormal:1Mbit,9", "unlimited:1"} {
		_, err := bandwidth.Parse(bad)
		var se *bandwidth.SpecError
		if !errors.As(err, &se) || !errors.Is(err, bandwidth.ErrInvalid) {
			t.Errorf("Parse(%q) = %v, want a *SpecError", bad, err)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	ln, _ := bandwidth.Parse("lognormal:80Mbit,0.5")
	for range 1000 {
		if v := ln.Sample(r); v < bandwidth.MinRate || v > bandwidth.MaxRate {
			t.Fatalf("lognormal draw %v out of bounds", v)
		}
	}
}
