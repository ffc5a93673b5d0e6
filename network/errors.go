package network

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalidConfig is wrapped by every configuration error.
var ErrInvalidConfig = errors.New("network: invalid configuration")

// Sentinels for the kinds of failed attempt; a *ConnError matches its kind
// with errors.Is.
var (
	ErrFast         = errors.New("fast error: connection refused")
	ErrSlow         = errors.New("slow error: connection timed out")
	ErrNodeNotFound = errors.New("node not found")
)

// ErrorKind is the outcome of an attempt.
type ErrorKind uint8

// The outcomes of an attempt.
const (
	NoError ErrorKind = iota
	FastError
	SlowError
	NodeNotFound
)

// String returns the name used in the records CSV.
func (k ErrorKind) String() string {
	switch k {
	case NoError:
		return "none"
	case FastError:
		return "fast"
	case SlowError:
		return "slow"
	case NodeNotFound:
		return "not_found"
	}
	return fmt.Sprintf("ErrorKind(%d)", uint8(k))
}

// ConnError is a failed attempt: its kind and the simulated time it took.
type ConnError struct {
	Kind     ErrorKind
	From, To uint32
	Delay    time.Duration
}

func (e *ConnError) Error() string {
	return fmt.Sprintf("connect %d -> %d: %v after %v", e.From, e.To, e.sentinel(), e.Delay)
}

func (e *ConnError) sentinel() error {
	switch e.Kind {
	case FastError:
		return ErrFast
	case SlowError:
		return ErrSlow
	default:
		return ErrNodeNotFound
	}
}

// Is makes errors.Is(err, ErrFast) (and the other kinds) true.
func (e *ConnError) Is(target error) bool { return target == e.sentinel() }

func invalid(field string, format string, args ...any) error {
	return fmt.Errorf("%w: %s %s", ErrInvalidConfig, field, fmt.Sprintf(format, args...))
}
