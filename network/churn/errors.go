package churn

import (
	"errors"
	"fmt"
)

// ErrInvalidSpec is wrapped by every *SpecError.
var ErrInvalidSpec = errors.New("churn: invalid spec")

// ErrInvalidDist is wrapped by the errors of NewEmpirical and
// Model.Validate.
var ErrInvalidDist = errors.New("churn: invalid distribution")

// SpecError is a churn spec that Parse cannot read: the spec, the part of
// it that is wrong, what is wrong and what is allowed.
type SpecError struct {
	Spec    string // the whole spec, as given
	Part    string // the bad part, such as "-10m"; the whole spec if it has no known form
	Problem string // what is wrong with Part
	Allowed string // the form or range allowed for Part
}

func (e *SpecError) Error() string {
	return fmt.Sprintf("churn spec %q: %q %s; allowed: %s", e.Spec, e.Part, e.Problem, e.Allowed)
}

// Unwrap makes errors.Is(err, ErrInvalidSpec) true.
func (e *SpecError) Unwrap() error { return ErrInvalidSpec }
