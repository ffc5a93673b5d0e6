package study

// ValidateRealism is where the realism packages (latency models, churn,
// bucket policies, refresh and republish), which this branch does not have
// yet, plug in their checks of the keys latency, churn, policy, refresh
// and republish. Parse calls it, when it is not nil, with the Params of
// every grid point (Seed is the study's seed), after its own checks: the
// syntax of churn, the names of policy, durations >= 0, a non-empty
// latency.
//
// It returns one *FileError per problem, with Key set to the study key at
// fault ("latency", or keys joined by "/" for a bound on several), Value
// and Allowed, and optionally Kind (ErrInvalidValue when nil) and Err.
// Parse fills in File, Line, Column (of the key's value in that
// combination) and Combination, and reports each distinct error once. A
// Value left empty is filled with the key's value.
//
// It is called once per grid point, up to MaxCombinations times: cache
// any costly work (reading a latency file) by value. Set it once, before
// any Parse, e.g. in the init function of the package that runs studies:
// Parse reads it without a lock.
var ValidateRealism func(p Params) []*FileError
