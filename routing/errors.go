package routing

import "errors"

// ErrInvalidK is returned for a bucket size outside [1, MaxK].
var ErrInvalidK = errors.New("routing: invalid k")

// ErrInvalidWorkers is returned for a worker count below 1.
var ErrInvalidWorkers = errors.New("routing: invalid workers")
