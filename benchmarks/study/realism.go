package study

import (
	"errors"
	"fmt"

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
	m, err := churn.Parse(p.Churn)
	if err == nil {
		err = m.Validate()
	}
	if err != nil {
		// The churn package says which part is wrong and what it allows.
		allowed := churnForms + " (" + err.Error() + ")"
		var se *churn.SpecError
		if errors.As(err, &se) && se.Part != p.Churn {
			allowed = fmt.Sprintf("%s (%q %s)", se.Allowed, se.Part, se.Problem)
		}
		errs = append(errs, &FileError{Key: "churn", Allowed: allowed, Err: err})
	}
	return errs
}
