package latency

import (
	"errors"
	"fmt"
)

// ErrUnknownModel is returned by Builtin for a name that Names does not list.
var ErrUnknownModel = errors.New("latency: unknown model")

// ErrInvalidModel is wrapped by the errors of Uniform.Validate.
var ErrInvalidModel = errors.New("latency: invalid model")

// ErrInvalidFile is wrapped by every *FileError, so that errors.Is tells a
// bad latency file from a file that could not be read.
var ErrInvalidFile = errors.New("latency: invalid latency file")

// FileError is a mistake in a latency file (see Load): where it is, what is
// wrong and what would be accepted.
type FileError struct {
	// File is the path given to Load; empty for Parse.
	File string
	// Line is the 1-based line of the bad key or value; 0 when the text is
	// not YAML at all (the YAML parser's message then names the line).
	Line int
	// Key is the path of the bad entry, such as "latencies.eu.us.std";
	// empty for the file as a whole.
	Key string
	// Problem says what is wrong.
	Problem string
	// Allowed says what the entry may be, such as "a duration >= 0, such as
	// 10ms"; empty when there is nothing more to say than Problem.
	Allowed string
}

func (e *FileError) Error() string {
	where := "latency file"
	if e.File != "" {
		where += " " + e.File
	}
	if e.Line > 0 {
		where += fmt.Sprintf(" line %d", e.Line)
	}
	msg := where + ": "
	if e.Key != "" {
		msg += e.Key + ": "
	}
	msg += e.Problem
	if e.Allowed != "" {
		msg += "; allowed: " + e.Allowed
	}
	return msg
}

// Unwrap makes errors.Is(err, ErrInvalidFile) true.
func (e *FileError) Unwrap() error { return ErrInvalidFile }
