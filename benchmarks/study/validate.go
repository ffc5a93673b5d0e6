package study

import (
	"strings"

	"github.com/go-dht/go-dht/benchmarks/param"
)

// pointProblems returns every problem of a grid point's parameters that
// its values give together (param.ValidateTogether: the model's bounds,
// the workload's, keys its workload type does not honour; each value's
// own range was checked when it was read), leaving out the keys whose
// value could not be read (unread), which a default stands in for.
func pointProblems(p Params, unread []*param.Param) []problem {
	var ps []problem
	for _, pr := range param.ValidateTogether(p, param.Study, unread...) {
		keys := pr.Keys()
		if len(keys) == 0 {
			// A configuration error no parameter sets: a bug, reported
			// whole rather than lost.
			keys = []string{"dht"}
		}
		ps = append(ps, problem{keys: keys, value: pr.Value, allowed: pr.Allowed, kind: pr.Kind, cause: pr.Err})
	}
	return ps
}

// problem is a value outside its bounds, found on typed values: the keys
// involved (the first one locates it), the value and what is allowed.
type problem struct {
	keys           []string
	value, allowed string
	kind, cause    error
}

// joinKeys names several keys in one error: "fast_error_rate/slow_error_rate".
func joinKeys(keys []string) string { return strings.Join(keys, "/") }
