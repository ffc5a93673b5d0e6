package bandwidth

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Rates are written in bits per second with a decimal unit; inside, a
// Spec holds bytes per second.
const (
	// MinRate and MaxRate bound every rate a spec names and every draw, in
	// bytes per second: 1 bit/s and 1 Tbit/s.
	MinRate = 1.0 / 8
	MaxRate = 1e12 / 8
	// MaxSigma bounds the sigma of a lognormal spec: at 3, one draw in a
	// thousand is 10^4 times off the median.
	MaxSigma = 3.0
)

// rateUnits are the units of a rate, in bits per second, largest first
// (so that "bit" is tried last: every other unit ends with it).
var rateUnits = []struct {
	name string
	bits float64
}{{"Tbit", 1e12}, {"Gbit", 1e9}, {"Mbit", 1e6}, {"kbit", 1e3}, {"Kbit", 1e3}, {"bit", 1}}

// The forms of a spec, for errors.
const (
	// Forms lists the specs Parse reads.
	Forms    = "unlimited, fixed:RATE, uniform:LOW-HIGH, lognormal:MEDIAN,SIGMA (such as fixed:100Mbit, uniform:10Mbit-1Gbit, lognormal:50Mbit,0.5)"
	rateForm = "a number and a unit of bit, kbit, Mbit, Gbit or Tbit (per second; /s may follow), from 1bit to 1Tbit, such as 100Mbit or 2.5Gbit/s"
)

// ErrInvalid is wrapped by every *SpecError.
var ErrInvalid = errors.New("invalid bandwidth")

// SpecError is a bandwidth spec Parse cannot read: the whole spec, the
// part of it that is wrong, what is wrong and what is allowed.
type SpecError struct {
	Spec    string // the whole spec, as given
	Part    string // the bad part; the whole spec if it has no known form
	Problem string // what is wrong with Part
	Allowed string // the forms or range allowed for Part
}

func (e *SpecError) Error() string {
	return fmt.Sprintf("bandwidth %q: %q %s; allowed: %s", e.Spec, e.Part, e.Problem, e.Allowed)
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *SpecError) Unwrap() error { return ErrInvalid }

type bandwidthKind uint8

const (
	unlimited bandwidthKind = iota
	fixedRate
	uniformRate
	lognormalRate
)

// Spec is the distribution of a rate (upload or download) over the
// nodes of a class. The zero value is unlimited: messages take no time to
// serialize. Parse reads one from a spec.
type Spec struct {
	kind bandwidthKind
	// a and b are, in bytes per second: the rate (fixed); the lowest and
	// highest rates (uniform); the median rate and, unitless, sigma
	// (lognormal).
	a, b float64
}

// Fixed returns the bandwidth of one rate, in bytes per second.
func Fixed(bytesPerSecond float64) Spec { return Spec{kind: fixedRate, a: bytesPerSecond} }

// Parse reads a bandwidth spec:
//
//   - unlimited: no limit (the zero Spec).
//   - fixed:RATE: every node has RATE, such as fixed:100Mbit.
//   - uniform:LOW-HIGH: uniform between LOW and HIGH (LOW <= HIGH), such as
//     uniform:10Mbit-100Mbit.
//   - lognormal:MEDIAN,SIGMA: MEDIAN x e^(SIGMA x N(0,1)), SIGMA in
//     0..3, such as lognormal:50Mbit,0.5; draws are held within 1bit..1Tbit.
//
// A RATE is a number and a decimal unit of bits per second: bit, kbit (or
// Kbit), Mbit, Gbit, Tbit, optionally followed by /s; from 1bit to 1Tbit.
// An error is a *SpecError naming the bad part.
func Parse(spec string) (Spec, error) {
	bad := func(part, problem, allowed string) (Spec, error) {
		return Spec{}, &SpecError{Spec: spec, Part: part, Problem: problem, Allowed: allowed}
	}
	kind, args, hasArgs := strings.Cut(strings.TrimSpace(spec), ":")
	switch kind {
	case "unlimited":
		if hasArgs {
			return bad(spec, "takes no parameters", Forms)
		}
		return Spec{}, nil
	case "fixed":
		if !hasArgs {
			return bad(spec, "needs a rate", "fixed:RATE, such as fixed:100Mbit")
		}
		rate, ok := parseRate(args)
		if !ok {
			return bad(args, "is not a rate", rateForm)
		}
		return Spec{kind: fixedRate, a: rate}, nil
	case "uniform":
		low, high, ok := strings.Cut(args, "-")
		if !hasArgs || !ok || strings.Contains(high, "-") {
			return bad(spec, "needs two rates", "uniform:LOW-HIGH, such as uniform:10Mbit-100Mbit (no negative exponent)")
		}
		lo, ok := parseRate(low)
		if !ok {
			return bad(low, "is not a rate", rateForm)
		}
		hi, ok := parseRate(high)
		if !ok {
			return bad(high, "is not a rate", rateForm)
		}
		if hi < lo {
			return bad(args, "has HIGH below LOW", "LOW <= HIGH")
		}
		return Spec{kind: uniformRate, a: lo, b: hi}, nil
	case "lognormal":
		median, sigma, ok := strings.Cut(args, ",")
		if !hasArgs || !ok || strings.Contains(sigma, ",") {
			return bad(spec, "needs a median and a sigma", "lognormal:MEDIAN,SIGMA, such as lognormal:50Mbit,0.5")
		}
		m, ok := parseRate(median)
		if !ok {
			return bad(median, "is not a rate", rateForm)
		}
		s, err := strconv.ParseFloat(strings.TrimSpace(sigma), 64)
		if err != nil || !(s >= 0 && s <= MaxSigma) {
			return bad(sigma, "is not a valid sigma", "a number 0..3 (the standard deviation of the rate's logarithm)")
		}
		return Spec{kind: lognormalRate, a: m, b: s}, nil
	}
	return bad(spec, "is not a bandwidth spec", Forms)
}

// parseRate reads a RATE into bytes per second.
func parseRate(s string) (float64, bool) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "/s")
	for _, u := range rateUnits {
		if num, ok := strings.CutSuffix(s, u.name); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
			if err != nil {
				return 0, false
			}
			bytes := v * u.bits / 8
			return bytes, bytes >= MinRate && bytes <= MaxRate // false for NaN too
		}
	}
	return 0, false
}

// formatRate writes bytes per second as a RATE that parseRate reads back
// to the same value: in the largest unit that keeps it exact.
func formatRate(bytes float64) string {
	bits := bytes * 8
	for _, u := range rateUnits {
		if bits < u.bits || u.name == "Kbit" {
			continue
		}
		s := strconv.FormatFloat(bits/u.bits, 'g', -1, 64)
		if v, err := strconv.ParseFloat(s, 64); err == nil && v*u.bits/8 == bytes {
			return s + u.name
		}
	}
	return strconv.FormatFloat(bits, 'g', -1, 64) + "bit"
}

// String returns the spec Parse reads back to b.
func (b Spec) String() string {
	switch b.kind {
	case fixedRate:
		return "fixed:" + formatRate(b.a)
	case uniformRate:
		return "uniform:" + formatRate(b.a) + "-" + formatRate(b.b)
	case lognormalRate:
		return "lognormal:" + formatRate(b.a) + "," + strconv.FormatFloat(b.b, 'g', -1, 64)
	}
	return "unlimited"
}

// Unlimited reports the zero Spec: no limit.
func (b Spec) Unlimited() bool { return b.kind == unlimited }

// Validate reports a Bandwidth built by hand (Fixed) outside the range of
// a spec.
func (b Spec) Validate() error {
	if b.kind == unlimited {
		return nil
	}
	if _, err := Parse(b.String()); err != nil {
		return err
	}
	return nil
}

// Sample draws a rate in bytes per second from r; +Inf when unlimited.
func (b Spec) Sample(r *rand.Rand) float64 {
	switch b.kind {
	case fixedRate:
		return b.a
	case uniformRate:
		return b.a + (b.b-b.a)*r.Float64()
	case lognormalRate:
		return min(max(b.a*math.Exp(b.b*r.NormFloat64()), MinRate), MaxRate)
	}
	return math.Inf(1)
}

// Mean returns the mean rate in bytes per second (+Inf when unlimited;
// the lognormal's e^(sigma^2/2) x median, before the bounds on draws).
func (b Spec) Mean() float64 {
	switch b.kind {
	case fixedRate:
		return b.a
	case uniformRate:
		return (b.a + b.b) / 2
	case lognormalRate:
		return b.a * math.Exp(b.b*b.b/2)
	}
	return math.Inf(1)
}

// MarshalText writes the spec (for YAML and JSON).
func (b Spec) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// UnmarshalText reads a spec (for YAML and JSON).
func (b *Spec) UnmarshalText(text []byte) error {
	v, err := Parse(string(text))
	if err == nil {
		*b = v
	}
	return err
}
