package study

// ValidateRealism checks the realism keys of a grid point with the
// packages that read them; Parse calls it for every grid point after its
// own checks. It returns one *FileError per problem, with Key set to the
// study key at fault, Value and Allowed; Parse fills in File, Line, Column
// and Combination. A test may replace it; set it before any Parse (Parse
// reads it without a lock). Nil turns the realism checks off: latency
// files are then neither read nor checked (Parse reads each file a study
// names once, before the grid points, when ValidateRealism is set).
var ValidateRealism = checkRealism

// checkRealism finds nothing: the registry's parameters read and check
// every realism spec (churn, reach) when they are parsed, and Parse reads
// latency files (loadLatency). It stays the hook where a check that needs
// a whole grid point plugs in.
func checkRealism(Params) []*FileError { return nil }
