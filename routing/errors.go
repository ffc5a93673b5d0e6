package routing

import "errors"

// ErrInvalidK is returned for a bucket size outside [1, MaxK].
var ErrInvalidK = errors.New("routing: invalid k")

// ErrInvalidWorkers is returned for a worker count below 1.
var ErrInvalidWorkers = errors.New("routing: invalid workers")

// ErrInvalidPolicy is returned for a replacement policy other than Closest
// and Oldest, or a name other than "closest" and "oldest".
var ErrInvalidPolicy = errors.New("routing: invalid replacement policy")

// ErrInvalidCacheSize is returned for a replacement cache size outside
// [0, MaxReplacementCacheSize].
var ErrInvalidCacheSize = errors.New("routing: invalid replacement cache size")
