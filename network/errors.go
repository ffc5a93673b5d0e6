package network

import (
	"errors"
	"fmt"
)

// ErrInvalidConfig is wrapped by every configuration error.
var ErrInvalidConfig = errors.New("invalid configuration")

// ErrRecordsDiscarded is returned when records are asked of a network that
// was configured to discard them.
var ErrRecordsDiscarded = errors.New("network: connection records are discarded (Config.DiscardRecords)")

// ErrRecordsStreamed is returned when records are asked of a network that
// streams them to a writer as operations end: they are in that writer.
var ErrRecordsStreamed = errors.New("network: connection records are streamed (StreamRecords), not kept")

// ErrOpInUse is returned when an operation is started with the id of an
// operation that is still running: the two would share one random stream
// and write records under one (op, attempt) key.
var ErrOpInUse = errors.New("network: operation id in use")

// ConfigError is an invalid configuration value: which field, the value,
// and what is allowed. Tools find it with errors.As to map the field back
// to a flag or a study-file key; errors.Is(err, ErrInvalidConfig) holds.
type ConfigError struct {
	// Field names the field, as a path from the outermost configuration
	// (e.g. "Network.ConnDelay").
	Field string
	// Value is the rejected value, formatted.
	Value string
	// Allowed says what the field accepts, e.g. "1..1000".
	Allowed string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("%v: %s = %s, allowed %s", ErrInvalidConfig, e.Field, e.Value, e.Allowed)
}

// Unwrap makes errors.Is(err, ErrInvalidConfig) true.
func (e *ConfigError) Unwrap() error { return ErrInvalidConfig }

// Nest returns a copy of the error whose field is prefixed by parent, as
// an outer configuration reports a field of an inner one.
func (e *ConfigError) Nest(parent string) *ConfigError {
	c := *e
	c.Field = parent + "." + c.Field
	return &c
}

// invalid returns a *ConfigError.
func invalid(field string, value any, allowed string, args ...any) error {
	return &ConfigError{Field: field, Value: fmt.Sprint(value), Allowed: fmt.Sprintf(allowed, args...)}
}

// ErrorKind is the outcome of an attempt.
type ErrorKind uint8

// The outcomes of an attempt.
const (
	// NoError: the remote answered.
	NoError ErrorKind = iota
	// FastError: the connection was refused at once.
	FastError
	// SlowError: the connection timed out.
	SlowError
	// NodeNotFound: no node has that id; the attempt times out.
	NodeNotFound
	// Offline: the node exists but is offline; the attempt times out.
	Offline
	// Unreachable: the node cannot be dialled (undialable, Config.Reach):
	// the dial ends by the dial timeout.
	Unreachable
	// Flaky: a flaky node (Config.Reach) did not answer this attempt; it
	// times out.
	Flaky
	// Unresponsive: a node that never answers (SetSilent: e.g. a DAS
	// class of unresponsive nodes) let the attempt time out.
	Unresponsive
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
	case Offline:
		return "offline"
	case Unreachable:
		return "unreachable"
	case Flaky:
		return "flaky"
	case Unresponsive:
		return "unresponsive"
	}
	return fmt.Sprintf("ErrorKind(%d)", uint8(k))
}
