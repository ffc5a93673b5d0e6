package das

import (
	"errors"
	"fmt"

	"github.com/go-dht/go-dht/network"
)

// ErrGeometry is returned when two blocks of different geometries meet.
var ErrGeometry = errors.New("das: blocks of different geometries")

// ErrInvalidSpec is wrapped by every *SpecError.
var ErrInvalidSpec = errors.New("das: invalid spec")

// SpecError is a text that a parser of this package (ParseBandwidth,
// ParsePattern, ParseBehaviour) cannot read: the whole text, the part of it
// that is wrong, what is wrong and what is allowed.
type SpecError struct {
	// What names the kind of text: "bandwidth", "withholding pattern",
	// "behaviour".
	What    string
	Spec    string // the whole text, as given
	Part    string // the bad part; the whole text if it has no known form
	Problem string // what is wrong with Part
	Allowed string // the forms or range allowed for Part
}

func (e *SpecError) Error() string {
	return fmt.Sprintf("%s %q: %q %s; allowed: %s", e.What, e.Spec, e.Part, e.Problem, e.Allowed)
}

// Unwrap makes errors.Is(err, ErrInvalidSpec) true.
func (e *SpecError) Unwrap() error { return ErrInvalidSpec }

// invalid returns a *network.ConfigError.
func invalid(field string, value any, allowed string, args ...any) error {
	return &network.ConfigError{Field: field, Value: fmt.Sprint(value), Allowed: fmt.Sprintf(allowed, args...)}
}
