package study

import (
	"github.com/go-dht/go-dht/network/churn"
)

// ValidateRealism checks the realism keys of a grid point (churn, ...) with
// the packages that read them; Parse calls it for every grid point after
// its own checks. It returns one *FileError per problem, with Key set to
// the study key at fault, Value and Allowed; Parse fills in File, Line,
// Column and Combination. A test may replace it; set it before any Parse
// (Parse reads it without a lock). Nil turns the realism checks off:
// latency files are then neither read nor checked (Parse reads each file
// a study names once, before the grid points, when ValidateRealism is set).
var ValidateRealism = checkRealism

// checkRealism checks that the churn spec is one the churn package reads
// and accepts. Latency files are read by Parse (loadLatency); the other
// latency specs are the models of package latency, which always load.
func checkRealism(p Params) []*FileError {
	var errs []*FileError
	if _, err := churn.Parse(p.Churn); err != nil {
		errs = append(errs, &FileError{Key: "churn", Allowed: churnForms, Err: err})
	}
	return errs
}
