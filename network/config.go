package network

import (
	"fmt"
	"strings"
	"time"
)

// DelayRange is a range of simulated delays; a delay is drawn uniformly
// from [Min, Max]. The zero range means no delay.
type DelayRange struct {
	Min, Max time.Duration
}

// Fixed returns the range that always gives d.
func Fixed(d time.Duration) DelayRange { return DelayRange{Min: d, Max: d} }

// ParseDelayRange parses "10ms-100ms", or a single duration such as "50ms"
// for a fixed delay.
func ParseDelayRange(s string) (DelayRange, error) {
	lo, hi, ok := strings.Cut(s, "-")
	if !ok {
		hi = lo
	}
	min, err := time.ParseDuration(strings.TrimSpace(lo))
	if err != nil {
		return DelayRange{}, fmt.Errorf("delay range %q: %v (want MIN-MAX such as 10ms-100ms)", s, err)
	}
	max, err := time.ParseDuration(strings.TrimSpace(hi))
	if err != nil {
		return DelayRange{}, fmt.Errorf("delay range %q: %v (want MIN-MAX such as 10ms-100ms)", s, err)
	}
	r := DelayRange{Min: min, Max: max}
	return r, r.validate("delay range")
}

// String formats the range as ParseDelayRange reads it.
func (r DelayRange) String() string {
	if r.Min == r.Max {
		return r.Min.String()
	}
	return r.Min.String() + "-" + r.Max.String()
}

func (r DelayRange) validate(field string) error {
	if r.Min < 0 {
		return invalid(field, "min = %v, allowed >= 0", r.Min)
	}
	if r.Min > r.Max {
		return invalid(field, "min %v is above max %v", r.Min, r.Max)
	}
	return nil
}

// Config describes the links of a simulated network.
type Config struct {
	// NetworkID tells simulated networks apart; it is mixed into the
	// random streams, so two networks with one seed still differ.
	NetworkID int
	// Seed is the root of every random draw of the network.
	Seed uint64
	// FastErrorRate is the share of attempts refused at once, in percent
	// (0..100).
	FastErrorRate float64
	// SlowErrorRate is the share of attempts that time out, in percent
	// (0..100). FastErrorRate + SlowErrorRate is at most 100.
	SlowErrorRate float64
	// ConnDelay is the delay of an established connection.
	ConnDelay DelayRange
	// FastDelay is the delay spent on a refused attempt.
	FastDelay DelayRange
	// SlowDelay is the delay spent on a timed-out attempt, and on an
	// attempt to reach a node that does not exist.
	SlowDelay DelayRange
	// Gamma is the overhead each attempt adds to both of its endpoints'
	// accumulated load (>= 0).
	Gamma time.Duration
	// DiscardRecords keeps the counters but not one record per attempt,
	// for throughput runs that would otherwise hold millions of records.
	DiscardRecords bool
}

// Validate reports the first invalid field, naming it and its allowed range.
func (c Config) Validate() error {
	for _, f := range []struct {
		name string
		rate float64
	}{{"FastErrorRate", c.FastErrorRate}, {"SlowErrorRate", c.SlowErrorRate}} {
		if !(f.rate >= 0 && f.rate <= 100) {
			return invalid(f.name, "= %v%%, allowed 0..100", f.rate)
		}
	}
	if c.FastErrorRate+c.SlowErrorRate > 100 {
		return invalid("FastErrorRate+SlowErrorRate", "= %v%%, allowed at most 100", c.FastErrorRate+c.SlowErrorRate)
	}
	for _, f := range []struct {
		name string
		r    DelayRange
	}{{"ConnDelay", c.ConnDelay}, {"FastDelay", c.FastDelay}, {"SlowDelay", c.SlowDelay}} {
		if err := f.r.validate(f.name); err != nil {
			return err
		}
	}
	if c.Gamma < 0 {
		return invalid("Gamma", "= %v, allowed >= 0", c.Gamma)
	}
	return nil
}
