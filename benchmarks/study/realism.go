package study

import (
	"sync"

	"github.com/go-dht/go-dht/network/churn"
	"github.com/go-dht/go-dht/network/latency"
)

// ValidateRealism checks the realism keys of a grid point (latency,
// churn, ...) with the packages that read them; Parse calls it for every
// grid point after its own checks. It returns one *FileError per problem,
// with Key set to the study key at fault, Value and Allowed; Parse fills
// in File, Line, Column and Combination. A test may replace it; set it
// before any Parse (Parse reads it without a lock).
var ValidateRealism = checkRealism

// latencyErrs caches what loading a latency spec gave: a study checks it
// at every grid point, and a file is read once.
var latencyErrs sync.Map // spec -> error (nil when it loads)

// checkRealism checks that the latency spec names a model that loads and
// that the churn spec is one the churn package reads.
func checkRealism(p Params) []*FileError {
	var errs []*FileError
	err, ok := latencyErrs.Load(p.Latency)
	if !ok {
		_, err = latency.FromSpec(p.Latency, p.Seed)
		latencyErrs.Store(p.Latency, err)
	}
	if err, _ := err.(error); err != nil {
		errs = append(errs, &FileError{Key: "latency", Allowed: "uniform, discv5, ipfs, aws, or the path of a latency YAML file that loads", Err: err})
	}
	if _, err := churn.Parse(p.Churn); err != nil {
		errs = append(errs, &FileError{Key: "churn", Allowed: churnForms, Err: err})
	}
	return errs
}
