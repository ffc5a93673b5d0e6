package study

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/go-dht/go-dht/benchmarks/param"
)

// ErrInvalidStudy is matched by errors.Is for every error Parse reports
// about the file (each *FileError, and so the Errors that holds them).
var ErrInvalidStudy = errors.New("invalid study")

// The classes of *FileError: its Kind is one of them, and errors.Is finds
// it through Errors.
var (
	// ErrSyntax: the file is not one YAML document, or is too large.
	ErrSyntax = errors.New("YAML syntax error")
	// ErrUnknownKey: a key the format does not have (the error suggests the
	// nearest one).
	ErrUnknownKey = errors.New("unknown key")
	// ErrDuplicateKey: a key given twice in one mapping; the error points at
	// the second and names the line of the first.
	ErrDuplicateKey = errors.New("duplicate key")
	// ErrWrongType: a list or mapping where a value is wanted, a missing
	// value, or a value of the wrong type (a string for a count).
	ErrWrongType = errors.New("wrong type")
	// ErrNotListable: a list for a key that cannot be swept (name, seed,
	// repeats, workload, workload.type).
	ErrNotListable = errors.New("cannot be a list")
	// ErrEmptyList: a list with no value.
	ErrEmptyList = errors.New("empty list")
	// ErrDuplicateValue: a list that holds one value twice, or two values
	// that the model reads alike in a combination (beta 0 and beta k):
	// two names for one combination.
	ErrDuplicateValue = errors.New("value repeated in the list")
	// ErrInvalidValue: a value of the right type that is none of the
	// allowed forms (an unknown rule, a malformed duration or churn model):
	// param.ErrInvalidValue.
	ErrInvalidValue = param.ErrInvalidValue
	// ErrOutOfRange: a value outside the bounds of its parameter, of the
	// model (found by dht.Config.Validate) or of the workload, alone or
	// together with other values of its combination: param.ErrOutOfRange.
	ErrOutOfRange = param.ErrOutOfRange
	// ErrWrongWorkload: a workload key that belongs to another workload
	// type than the study's, or a model key set that only another workload
	// type honours (refresh, republish and joins: availability):
	// param.ErrWrongWorkload.
	ErrWrongWorkload = param.ErrWrongWorkload
	// ErrTooManyCombinations: the lists and repeats expand to more than
	// MaxCombinations combinations.
	ErrTooManyCombinations = errors.New("too many combinations")
	// ErrLatencyFile: a latency file the study names cannot be used: it
	// does not exist, cannot be read, is not a regular file of bounded
	// size, or is not a valid latency file. Err is the error of package
	// latency, which says what is wrong and where in the latency file
	// (its line and key), and the message prints it.
	ErrLatencyFile = errors.New("latency file refused")
)

// ErrIncomplete is wrapped by Merge's error when some combinations of the
// study are in none of the shard folders given, or in none that verifies.
var ErrIncomplete = errors.New("combinations missing")

// ErrShard is wrapped by the errors of ParseShard and ShardFromEnv.
var ErrShard = errors.New("invalid shard")

// FileError is one error in a study file: where it is, which key, the bad
// value and what is allowed.
type FileError struct {
	// File is the name given to Parse (the path given to Load).
	File string
	// Line and Column locate the value (or the key, for key errors), from
	// 1. For a list, they locate the element. Both are 0 when the error has
	// no place in the file: a default value, or a syntax error whose
	// column yaml does not report (Column only).
	Line, Column int
	// Key is the key's path ("alpha", "workload.samples"); a bound on
	// several keys names them all, joined by "/"
	// ("fast_error_rate/slow_error_rate"), and Line locates the first one
	// set in the file. Empty for a syntax error.
	Key string
	// Value is the rejected value as written (a list shows as "[...]"), or
	// a short account of it (e.g. "60 + 50 = 110").
	Value string
	// Allowed says what the key accepts.
	Allowed string
	// Kind is the class of the error: ErrUnknownKey, ErrOutOfRange, ...
	Kind error
	// Combination names the combination in which the value is out of
	// range, for a bound that depends on other swept keys; empty
	// otherwise.
	Combination string
	// Err is the underlying error, if any: the *network.ConfigError of
	// dht.Config.Validate, or the error of a parse function.
	Err error
}

// Error formats the error as file:line:column: key = value: kind; allowed
// ..., on one line.
func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
		if e.Column > 0 {
			b.WriteString(":" + strconv.Itoa(e.Column))
		}
	}
	b.WriteString(": ")
	kind, value := "error", e.Value
	if e.Kind != nil {
		kind = e.Kind.Error()
	}
	if e.Kind == ErrLatencyFile && e.Err != nil {
		// The latency file's error names the file and says what is wrong
		// and where; the class would say less.
		kind, value = e.Err.Error(), ""
	}
	switch {
	case e.Key == "":
		b.WriteString(kind)
		if value != "" {
			b.WriteString(": " + value)
		}
	default:
		b.WriteString(e.Key)
		if value != "" {
			b.WriteString(" = " + quoteIfNeeded(value))
		}
		if e.Line == 0 && e.Kind == ErrOutOfRange {
			b.WriteString(" (default)")
		}
		b.WriteString(": " + kind)
	}
	if e.Allowed != "" {
		b.WriteString("; allowed " + e.Allowed)
	}
	if e.Combination != "" {
		b.WriteString(" (in combination " + e.Combination + ")")
	}
	return b.String()
}

// Unwrap returns the error's class and its underlying error, so that
// errors.Is(err, ErrOutOfRange) and errors.As(err, &configError) work.
func (e *FileError) Unwrap() []error {
	var errs []error
	for _, err := range []error{e.Kind, e.Err} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// Is makes errors.Is(err, ErrInvalidStudy) true for every FileError.
func (e *FileError) Is(target error) bool { return target == ErrInvalidStudy }

// quoteIfNeeded quotes a value that would not print as itself: empty, with
// surrounding spaces or with control characters.
func quoteIfNeeded(v string) string {
	if v == "" || strings.TrimSpace(v) != v || strings.ContainsFunc(v, unicode.IsControl) {
		return strconv.Quote(v)
	}
	return v
}

// Errors is every error Parse found in a file, in the order of the file
// (line, then column; errors with no line last). It prints one error per
// line.
type Errors []*FileError

// maxPrinted bounds the errors Error prints: a file that is not a study at
// all should not flood the terminal. Every error stays in the slice.
const maxPrinted = 50

// Error prints one error per line, at most maxPrinted of them.
func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i == maxPrinted {
			fmt.Fprintf(&b, "\n(and %d more errors)", len(es)-maxPrinted)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap returns the errors, for errors.Is and errors.As.
func (es Errors) Unwrap() []error {
	errs := make([]error, len(es))
	for i, e := range es {
		errs[i] = e
	}
	return errs
}
