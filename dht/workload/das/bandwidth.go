package das

import (
	"errors"

	"github.com/go-dht/go-dht/network/bandwidth"
)

// Bounds of a rate, in bytes per second (package network/bandwidth).
const (
	MinRate  = bandwidth.MinRate
	MaxRate  = bandwidth.MaxRate
	MaxSigma = bandwidth.MaxSigma
)

// Bandwidth is the distribution of a rate (upload or download) over the
// nodes of a class: a network/bandwidth Spec. The zero value is
// unlimited.
type Bandwidth = bandwidth.Spec

// Fixed returns the bandwidth of one rate, in bytes per second.
func Fixed(bytesPerSecond float64) Bandwidth { return bandwidth.Fixed(bytesPerSecond) }

// ParseBandwidth reads a bandwidth spec (see bandwidth.Parse); an error is
// a *SpecError naming the bad part.
func ParseBandwidth(spec string) (Bandwidth, error) {
	b, err := bandwidth.Parse(spec)
	var se *bandwidth.SpecError
	if errors.As(err, &se) {
		return b, &SpecError{What: "bandwidth", Spec: se.Spec, Part: se.Part, Problem: se.Problem, Allowed: se.Allowed}
	}
	return b, err
}
