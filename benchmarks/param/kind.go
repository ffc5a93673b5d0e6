package param

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/go-dht/go-dht/internal/cell"
	"github.com/go-dht/go-dht/network"
)

// Scalar is the form a value takes in a YAML study file.
type Scalar uint8

const (
	// Integer values are YAML integers (2000, 0x0a, 2_000).
	Integer Scalar = iota
	// Number values are YAML integers or floats.
	Number
	// Text values are any YAML scalar, read as text (50ms, ipfs, 0).
	Text
	// Switch values are on or off: flags only.
	Switch
	// Mappings values are a YAML list of mappings (a slot's classes), or
	// a word for none: a study reads the list as one value, and a list of
	// such lists as a sweep; their text is the list in flow style.
	Mappings
)

// kind is how the values of a parameter are read, checked and written:
// its form (parse), its range (check), its canonical text (format, which
// parse reads back) and its CSV cell.
type kind struct {
	// typ names the type for the docs: "integer", "duration", ...
	typ    string
	scalar Scalar
	// goType is the type of the values parse returns: the type of the
	// fields the parameter sets.
	goType reflect.Type
	// parse reads a value; its error says what is wrong with the form.
	parse func(s string) (any, error)
	// check reports whether a value of the right form is in range.
	check func(v any) bool
	// allowed says what the parameter accepts: form and range.
	allowed string
	// format writes a value canonically, as parse reads it.
	format func(v any) string
	// cell writes a value in a CSV cell; nil is format.
	cell func(v any) string
	// seconds says the CSV column holds seconds: its name ends in _s.
	seconds bool
}

func anyTrue(any) bool { return true }

// intIn reads an integer in lo..hi; allowed says so, with note when not
// empty.
func intIn(lo, hi int, note string) kind {
	allowed := fmt.Sprintf("an integer in %d..%d", lo, hi)
	if note != "" {
		allowed += " (" + note + ")"
	}
	return kind{
		typ: "integer", scalar: Integer, goType: reflect.TypeFor[int](), allowed: allowed,
		parse: func(s string) (any, error) {
			v, err := strconv.ParseInt(strings.TrimSpace(s), 0, 64)
			if errors.Is(err, strconv.ErrRange) || err == nil && int64(int(v)) != v {
				return nil, &boundError{allowed: allowed, err: fmt.Errorf("%s is too large", s)}
			}
			if err != nil {
				return nil, fmt.Errorf("not an integer")
			}
			return int(v), nil
		},
		check:  func(v any) bool { x := v.(int); return x >= lo && x <= hi },
		format: func(v any) string { return strconv.Itoa(v.(int)) },
	}
}

// seedKind reads any 64-bit unsigned integer.
func seedKind() kind {
	return kind{
		typ: "integer", scalar: Integer, goType: reflect.TypeFor[uint64](), allowed: "an integer in 0..18446744073709551615",
		parse: func(s string) (any, error) {
			t := strings.TrimSpace(s)
			v, err := strconv.ParseUint(t, 0, 64)
			if _, ierr := strconv.ParseInt(t, 0, 64); errors.Is(err, strconv.ErrRange) || err != nil && ierr == nil {
				return nil, &boundError{allowed: "an integer in 0..18446744073709551615", err: fmt.Errorf("%s is out of range", s)}
			}
			if err != nil {
				return nil, fmt.Errorf("not an integer")
			}
			return v, nil
		},
		check:  anyTrue,
		format: func(v any) string { return strconv.FormatUint(v.(uint64), 10) },
	}
}

// floatIn reads a number in lo..hi (NaN is not a number).
func floatIn(lo, hi float64, note string) kind {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	allowed := fmt.Sprintf("a number in %s..%s", f(lo), f(hi))
	if note != "" {
		allowed += " (" + note + ")"
	}
	return kind{
		typ: "number", scalar: Number, goType: reflect.TypeFor[float64](), allowed: allowed,
		parse: func(s string) (any, error) {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil || math.IsNaN(v) {
				return nil, fmt.Errorf("not a number")
			}
			return v, nil
		},
		check: func(v any) bool { x := v.(float64); return x >= lo && x <= hi },
		// Exact: a parameter is what the user typed, and rounding could
		// make two values of a sweep one.
		format: func(v any) string { return f(v.(float64)) },
	}
}

// durationIn reads a duration in lo..hi; with off, 0 too (the feature is
// off).
func durationIn(lo, hi time.Duration, off string) kind {
	allowed := fmt.Sprintf("a duration in %v..%v", lo, hi)
	if lo == 0 && off != "" {
		allowed += " (0s: " + off + ")"
	} else if off != "" {
		allowed = fmt.Sprintf("0s (%s), or a duration in %v..%v", off, lo, hi)
	}
	return kind{
		typ: "duration", scalar: Text, goType: reflect.TypeFor[time.Duration](), allowed: allowed, seconds: true,
		parse: func(s string) (any, error) {
			d, err := time.ParseDuration(strings.TrimSpace(s))
			if err != nil {
				return nil, fmt.Errorf("not a duration such as 125us, 50ms, 1s or 1h")
			}
			return d, nil
		},
		check: func(v any) bool {
			d := v.(time.Duration)
			return d >= lo && d <= hi || off != "" && d == 0
		},
		format: func(v any) string { return v.(time.Duration).String() },
		cell:   func(v any) string { return cell.Seconds(v.(time.Duration)) },
	}
}

// delayRangeKind reads a network.DelayRange.
func delayRangeKind() kind {
	return kind{
		typ: "delay range", scalar: Text, goType: reflect.TypeFor[network.DelayRange](),
		allowed: fmt.Sprintf("a delay range MIN-MAX such as 50ms-100ms, or one duration such as 1s, each in 0..%v", network.MaxDelay),
		parse: func(s string) (any, error) {
			r, err := network.ParseDelayRange(s)
			// ParseDelayRange checks the bounds of a range itself; its
			// typed error says what they are.
			var ce *network.ConfigError
			if errors.As(err, &ce) {
				return nil, &boundError{allowed: ce.Allowed, err: err}
			}
			if err != nil {
				return nil, err
			}
			return r, nil
		},
		check:  anyTrue, // ParseDelayRange checks the bounds
		format: func(v any) string { return v.(network.DelayRange).String() },
		// ASCII in a CSV: Go writes µs, which time.ParseDuration also
		// reads as us.
		cell: func(v any) string { return strings.ReplaceAll(v.(network.DelayRange).String(), "µs", "us") },
	}
}

// choice reads one of a fixed set of names with parse (the names are
// what parse accepts; the first error is replaced by a list of them).
func choice[T fmt.Stringer](names []string, parse func(string) (T, error)) kind {
	return kind{
		typ: "one of", scalar: Text, goType: reflect.TypeFor[T](), allowed: strings.Join(names, ", "),
		parse: func(s string) (any, error) {
			v, err := parse(strings.TrimSpace(s))
			if err != nil {
				return nil, fmt.Errorf("not one of %s", strings.Join(names, ", "))
			}
			return v, nil
		},
		// A value set by a program (not parsed) is one of the names.
		check:  func(v any) bool { _, err := parse(v.(T).String()); return err == nil },
		format: func(v any) string { return v.(T).String() },
	}
}

// spec reads a model spec of type T with parse, whose error says what is
// wrong; format is the spec's String.
func spec[T fmt.Stringer](typ, allowed string, parse func(string) (T, error)) kind {
	return kind{
		typ: typ, scalar: Text, goType: reflect.TypeFor[T](), allowed: allowed,
		parse: func(s string) (any, error) {
			v, err := parse(strings.TrimSpace(s))
			if err != nil {
				return nil, err
			}
			return v, nil
		},
		check:  anyTrue,
		format: func(v any) string { return v.(T).String() },
	}
}

// textKind reads text that valid accepts.
func textKind(typ, allowed string, valid func(string) bool) kind {
	return kind{
		typ: typ, scalar: Text, goType: reflect.TypeFor[string](), allowed: allowed,
		parse: func(s string) (any, error) {
			if !valid(s) {
				return nil, fmt.Errorf("not %s", allowed)
			}
			return s, nil
		},
		check:  func(v any) bool { return valid(v.(string)) },
		format: func(v any) string { return v.(string) },
	}
}

// switchKind reads a flag that is on or off.
func switchKind() kind {
	return kind{
		typ: "switch", scalar: Switch, goType: reflect.TypeFor[bool](), allowed: "true or false",
		parse: func(s string) (any, error) {
			v, err := strconv.ParseBool(strings.TrimSpace(s))
			if err != nil {
				return nil, fmt.Errorf("not true or false")
			}
			return v, nil
		},
		check:  anyTrue,
		format: func(v any) string { return strconv.FormatBool(v.(bool)) },
	}
}
