package study_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/go-dht/go-dht/benchmarks/param"
	"github.com/go-dht/go-dht/benchmarks/study"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/routing"
)

// want is one expected error: its class, key and place, and words its
// message must hold.
type want struct {
	kind      error
	key       string
	line, col int
	says      []string
}

// parseErrors parses src and returns its errors, failing the test if it
// parses.
func parseErrors(t *testing.T, src string) study.Errors {
	t.Helper()
	s, err := study.Parse("bad.yaml", []byte(src))
	if err == nil {
		t.Fatalf("Parse accepted:\n%s\ncanonical:\n%s", src, s.Canonical())
	}
	var errs study.Errors
	if !errors.As(err, &errs) || s != nil {
		t.Fatalf("Parse() = %v, %v; want a nil study and Errors", s, err)
	}
	if !errors.Is(err, study.ErrInvalidStudy) {
		t.Errorf("errors.Is(err, ErrInvalidStudy) is false")
	}
	return errs
}

// checkErrors compares errs with ws, in order.
func checkErrors(t *testing.T, errs study.Errors, ws []want) {
	t.Helper()
	if len(errs) != len(ws) {
		t.Fatalf("%d errors, want %d:\n%v", len(errs), len(ws), errs)
	}
	for i, w := range ws {
		e := errs[i]
		if e.Kind != w.kind || e.Key != w.key || e.Line != w.line || e.Column != w.col || e.File != "bad.yaml" {
			t.Errorf("error %d = {%v %q %d:%d}, want {%v %q %d:%d}: %v", i, e.Kind, e.Key, e.Line, e.Column, w.kind, w.key, w.line, w.col, e)
		}
		if !errors.Is(errs, w.kind) {
			t.Errorf("errors.Is(errs, %v) is false", w.kind)
		}
		msg := e.Error()
		place := fmt.Sprintf("bad.yaml:%d:%d: ", w.line, w.col)
		if w.col == 0 {
			place = fmt.Sprintf("bad.yaml:%d: ", w.line)
		}
		if !strings.HasPrefix(msg, place) && w.line > 0 {
			t.Errorf("error %d does not start with its place: %s", i, msg)
		}
		for _, s := range w.says {
			if !strings.Contains(msg, s) {
				t.Errorf("error %d does not say %q: %s", i, s, msg)
			}
		}
	}
}

// Each class of error names the key, its line and column, the bad value
// and what is allowed, and is found with errors.Is.
func TestErrorClasses(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		want []want
	}{
		{"syntax", "nodes: 1000\nalpha: [1, 2\n", []want{{study.ErrSyntax, "", 2, 0, []string{"did not find expected"}}}},
		// yaml.v3 loses a context on line 1, and reports where it stopped.
		{"syntax on line 1", "alpha: [1, 2\n", []want{{study.ErrSyntax, "", 2, 0, []string{"did not find expected"}}}},
		{"syntax: indentation", "alpha: 1\n  k: 2\n", []want{{study.ErrSyntax, "", 2, 0, []string{"mapping values are not allowed"}}}},
		{"syntax: unclosed mapping", "nodes: 1000\nworkload:\n  type: slot\n k: 3\n", []want{{study.ErrSyntax, "", 4, 0, []string{"did not find expected key"}}}},
		{"syntax: tab", "nodes: 1000\n\talpha: 3\n", []want{{study.ErrSyntax, "", 2, 0, []string{"tab character"}}}},
		{"empty file", "# nothing\n", []want{{study.ErrSyntax, "", 0, 0, []string{"empty file"}}}},
		{"two documents", "nodes: 10\n---\nnodes: 20\n", []want{{study.ErrSyntax, "", 2, 1, []string{"second YAML document"}}}},
		{"not a mapping", "- nodes: 10\n", []want{{study.ErrWrongType, "", 1, 1, []string{"a mapping of keys"}}}},
		{"unknown key", "nodes: 1000\n\nalfa: 3\n", []want{{study.ErrUnknownKey, "alfa", 3, 1, []string{"did you mean alpha?"}}}},
		{"unknown key, flag spelling", "fast-error-rate: 3\n", []want{{study.ErrUnknownKey, "fast-error-rate", 1, 1, []string{"did you mean fast_error_rate?"}}}},
		{"workload key at the top", "segments: 3\n", []want{{study.ErrUnknownKey, "segments", 1, 1, []string{"put it under workload:"}}}},
		{"unknown workload key", "workload:\n  tpye: slot\n", []want{{study.ErrUnknownKey, "workload.tpye", 2, 3, []string{"did you mean type?"}}}},
		{"duplicate key", "alpha: 3\nk: 20\nalpha: 5\n", []want{{study.ErrDuplicateKey, "alpha", 3, 1, []string{"first at line 1"}}}},
		{"duplicate workload key", "workload:\n  samples: 3\n  samples: 4\n", []want{{study.ErrDuplicateKey, "workload.samples", 3, 3, []string{"first at line 2"}}}},
		{"wrong type: string for an integer", "nodes: ten\n", []want{{study.ErrWrongType, "nodes", 1, 8, []string{"nodes = ten", "an integer"}}}},
		{"wrong type: float for an integer", "k: 2.5\n", []want{{study.ErrWrongType, "k", 1, 4, []string{"an integer"}}}},
		{"wrong type: quoted number", "alpha: \"3\"\n", []want{{study.ErrWrongType, "alpha", 1, 8, nil}}},
		{"wrong type: string for a number", "fast_error_rate: 10%\n", []want{{study.ErrWrongType, "fast_error_rate", 1, 18, []string{"a number"}}}},
		{"wrong type: mapping", "alpha: {a: 1}\n", []want{{study.ErrWrongType, "alpha", 1, 8, []string{"{...}"}}}},
		{"wrong type: null", "alpha:\n", []want{{study.ErrWrongType, "alpha", 1, 7, []string{"null", "remove the key for the default, 3"}}}},
		{"wrong type: null, slot default", "workload:\n  type: slot\n  samples:\n", []want{{study.ErrWrongType, "workload.samples", 3, 11, []string{"the default, 73"}}}},
		{"wrong type: list in a list", "alpha: [[1, 2], 3]\n", []want{{study.ErrWrongType, "alpha", 1, 9, []string{"[...]"}}}},
		{"wrong type: workload", "workload: retrieval\n", []want{{study.ErrWrongType, "workload", 1, 11, []string{"a mapping"}}}},
		{"not listable: seed", "seed: [1, 2]\n", []want{{study.ErrNotListable, "seed", 1, 7, []string{"repeats"}}}},
		{"not listable: repeats", "repeats: [1, 2]\n", []want{{study.ErrNotListable, "repeats", 1, 10, nil}}},
		{"not listable: name", "name: [a, b]\n", []want{{study.ErrNotListable, "name", 1, 7, nil}}},
		{"not listable: workload type", "workload:\n  type: [retrieval, slot]\n", []want{{study.ErrNotListable, "workload.type", 2, 9, nil}}},
		{"not listable: workload", "workload: [{type: slot}]\n", []want{{study.ErrNotListable, "workload", 1, 11, nil}}},
		{"empty list", "k: 20\nalpha: []\n", []want{{study.ErrEmptyList, "alpha", 2, 8, []string{"alpha = []"}}}},
		{"duplicate value", "alpha: [1, 3, 1]\n", []want{{study.ErrDuplicateValue, "alpha", 1, 15, []string{"also at line 1, column 9"}}}},
		{"duplicate value, canonically", "refresh:\n  - 1h\n  - 60m\n", []want{{study.ErrDuplicateValue, "refresh", 3, 5, []string{"1h0m0s is also at line 2"}}}},
		{"same combination: default is pydht under py-dht", "profile: pydht\nalpha: [1, 2]\ntermination: [pydht, default]\n",
			[]want{{study.ErrDuplicateValue, "termination", 3, 22, []string{"here it reads as pydht"}}}},
		{"same combination: beta 0 is k", "k: [20, 30]\nbeta: [0, 20]\n", []want{{study.ErrDuplicateValue, "beta", 2, 11,
			[]string{"beta = 20", "here it reads as 0", "in combination c0001_k=20_beta=20_seed=1"}}}},
		{"alias reported where used", "workload: &w {type: slot}\nlatency: *w\n", []want{{study.ErrWrongType, "latency", 2, 10, []string{"{...}"}}}},
		{"merge key", "<<: {alpha: 3}\n", []want{{study.ErrUnknownKey, "<<", 1, 1, []string{"merge keys are not supported"}}}},
		{"unknown anchor", "alpha: *a\n", []want{{study.ErrSyntax, "", 0, 0, []string{"unknown anchor"}}}},
		{"invalid value: rule", "termination: fastest\n", []want{{study.ErrInvalidValue, "termination", 1, 14, []string{"default, stale, pydht, beta, kclosest"}}}},
		{"out of range: stale under py-dht", "profile: pydht\ntermination: stale\n", []want{{study.ErrOutOfRange, "termination", 2, 14, []string{"pydht under the py-dht profile"}}}},
		{"invalid value: profile", "profile: py-dht\n", []want{{study.ErrInvalidValue, "profile", 1, 10, []string{"godht, pydht"}}}},
		{"invalid value: duration", "gamma: 125\n", []want{{study.ErrInvalidValue, "gamma", 1, 8, []string{"a duration"}}}},
		{"invalid value: delay range", "conn_delay: [50ms-75ms, fast]\n", []want{{study.ErrInvalidValue, "conn_delay", 1, 25, []string{"MIN-MAX"}}}},
		{"out of range: delay range", "conn_delay: 75ms-50ms\n", []want{{study.ErrOutOfRange, "conn_delay", 1, 13, []string{"MIN <= MAX"}}}},
		{"invalid value: churn", "churn: [none, 'exp:1h']\n", []want{{study.ErrInvalidValue, "churn", 1, 15, []string{"exp:ON,OFF"}}}},
		{"invalid value: churn shape", "churn: weibull:-1,1h\n", []want{{study.ErrInvalidValue, "churn", 1, 8, nil}}},
		{"invalid value: policy", "policy: newest\n", []want{{study.ErrInvalidValue, "policy", 1, 9, []string{"closest, oldest"}}}},
		{"invalid value: latency", "latency: ' '\n", []want{{study.ErrInvalidValue, "latency", 1, 10, nil}}},
		{"invalid value: name", "name: my study\n", []want{{study.ErrInvalidValue, "name", 1, 7, []string{"letters, digits"}}}},
		{"invalid value: workload type", "workload:\n  type: block\n  rows: 4\n", []want{{study.ErrInvalidValue, "workload.type", 2, 9, []string{"retrieval, slot"}}}},
		{"out of range: negative refresh", "refresh: -1m\n", []want{{study.ErrOutOfRange, "refresh", 1, 10, []string{"0s (no refresh), or a duration in 1m0s..8760h0m0s"}}}},
		{"out of range: repeats", "repeats: 0\n", []want{{study.ErrOutOfRange, "repeats", 1, 10, []string{"1..100000"}}}},
		{"out of range: seed", "seed: -1\n", []want{{study.ErrOutOfRange, "seed", 1, 7, nil}}},
		{"out of range: seed + repeats", "seed: 18446744073709551615\nrepeats: 2\n", []want{{study.ErrOutOfRange, "seed", 1, 7, []string{"repeats 2"}}}},
		{"out of range: integer", "nodes: 99999999999999999999\n", []want{{study.ErrWrongType, "nodes", 1, 8, nil}}},
		{"workload key of the other type", "workload:\n  type: retrieval\n  rows: 3\n", []want{{study.ErrWrongWorkload, "workload.rows", 3, 3, []string{"rows is a slot key"}}}},
		{"workload key of the other type, type last", "workload:\n  deadline: 3s\n  type: retrieval\n", []want{{study.ErrWrongWorkload, "workload.deadline", 2, 3, nil}}},
		{"workload key of the default type", "workload:\n  validators: 3\n", []want{{study.ErrWrongWorkload, "workload.validators", 2, 3, []string{"type retrieval"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkErrors(t, parseErrors(t, tc.src), tc.want)
		})
	}
}

// A value out of range is found by dht.Config.Validate and reported at
// the line of the key's value, for a list at the line and column of the
// element, with dht's *network.ConfigError reachable through errors.As.
func TestModelBounds(t *testing.T) {
	for _, tc := range []struct {
		name, src, field string
		want             want
	}{
		{"nodes", "nodes: 0\n", "", want{study.ErrOutOfRange, "nodes", 1, 8, []string{"nodes = 0", "1..1073741824"}}},
		{"alpha in a list", "k: 20\nalpha:\n  - 3\n  - 0\n", "", want{study.ErrOutOfRange, "alpha", 4, 5, []string{"alpha = 0", "1..1000"}}},
		{"alpha in a flow list", "alpha: [3, 1001]\n", "", want{study.ErrOutOfRange, "alpha", 1, 12, nil}},
		{"k", "k: 0\n", "", want{study.ErrOutOfRange, "k", 1, 4, nil}},
		{"beta above k", "k: 10\nbeta: 11\n", "Client.Beta", want{study.ErrOutOfRange, "beta", 2, 7, []string{"1..K (10), or 0 for k"}}},
		{"negative beta", "beta: -1\n", "", want{study.ErrOutOfRange, "beta", 1, 7, nil}},
		{"steps", "steps: [3, 0]\n", "", want{study.ErrOutOfRange, "steps", 1, 12, nil}},
		{"termination under py-dht", "profile: pydht\ntermination: beta\n", "Client.Termination",
			want{study.ErrOutOfRange, "termination", 2, 14, []string{"pydht under the py-dht profile"}}},
		{"error rate", "slow_error_rate: 101\n", "", want{study.ErrOutOfRange, "slow_error_rate", 1, 18, []string{"0..100"}}},
		{"NaN error rate", "fast_error_rate: .nan\n", "", want{study.ErrOutOfRange, "fast_error_rate", 1, 18, nil}},
		{"delay above an hour", "slow_delay: 2h\n", "", want{study.ErrOutOfRange, "slow_delay", 1, 13, []string{"0..1h0m0s"}}},
		{"sub-millisecond delay under py-dht", "profile: pydht\nfast_delay: 1500us\n", "Network.FastDelay",
			want{study.ErrOutOfRange, "fast_delay", 2, 13, []string{"whole milliseconds"}}},
		{"gamma", "gamma: 2s\n", "", want{study.ErrOutOfRange, "gamma", 1, 8, []string{"0s..1s"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := parseErrors(t, tc.src)
			checkErrors(t, errs, []want{tc.want})
			// A bound on values together wraps dht's ConfigError for its
			// field; a value out of its own range, the registry's
			// ValueError for its key.
			var ce *network.ConfigError
			var ve *param.ValueError
			if tc.field != "" && (!errors.As(errs, &ce) || ce.Field != tc.field) {
				t.Errorf("errors.As found %v, want a ConfigError for %s", ce, tc.field)
			}
			if tc.field == "" && tc.name != "delay above an hour" && (!errors.As(errs, &ve) || ve.Param.Key != tc.want.key) {
				t.Errorf("errors.As found %v, want a ValueError for %s", ve, tc.want.key)
			}
		})
	}
}

// A bound on two keys (the error rates' sum, under go-dht's rules) names
// both, with both terms, at the first one's value in the combination that
// breaks it; under the py-dht profile the sum is not bounded.
func TestCrossFieldBounds(t *testing.T) {
	errs := parseErrors(t, "fast_error_rate: [10, 60]\nslow_error_rate: 50\n")
	checkErrors(t, errs, []want{{study.ErrOutOfRange, "fast_error_rate/slow_error_rate", 1, 23,
		[]string{"fast_error_rate/slow_error_rate = 60 + 50 = 110", "at most 100"}}})
	if keys := strings.Split(errs[0].Key, "/"); len(keys) != 2 {
		t.Errorf("keys %v", keys)
	}
	// Left out, fast_error_rate has no line: the error is at slow's.
	checkErrors(t, parseErrors(t, "profile: godht\nslow_error_rate: [100, 101]\n"), []want{
		{study.ErrOutOfRange, "slow_error_rate", 2, 24, nil}})
	if _, err := study.Parse("ok.yaml", []byte("profile: pydht\nfast_error_rate: 60\nslow_error_rate: 50\n")); err != nil {
		t.Errorf("py-dht profile, 60 + 50: %v", err)
	}

	// beta 15 is above k only in the combinations where k is 10: the error
	// names the first of them.
	errs = parseErrors(t, "k: [20, 10]\nalpha: [1, 2]\nbeta: 15\n")
	checkErrors(t, errs, []want{{study.ErrOutOfRange, "beta", 3, 7, []string{"in combination c0002_k=10_alpha=1_seed=1"}}})
	if errs[0].Combination != "c0002_k=10_alpha=1_seed=1" {
		t.Errorf("combination %q", errs[0].Combination)
	}
	// A value out of range whatever the other keys are names no
	// combination: its line says all.
	errs = parseErrors(t, "k: [20, 10]\nalpha: [0, 2]\n")
	checkErrors(t, errs, []want{{study.ErrOutOfRange, "alpha", 2, 9, nil}})
	if errs[0].Combination != "" {
		t.Errorf("combination %q for a value bad in every combination", errs[0].Combination)
	}
	// beta left to k reads as k: a bad k is one error, not two.
	checkErrors(t, parseErrors(t, "k: 0\n"), []want{{study.ErrOutOfRange, "k", 1, 4, nil}})
}

// Workload keys have their own bounds, alone and together, at their lines.
func TestWorkloadBounds(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []want
	}{
		{"rows", "workload:\n  type: slot\n  rows: [512, 4097]\n", []want{{study.ErrOutOfRange, "workload.rows", 3, 15, []string{"an even integer in 2..4096"}}}},
		{"validators", "workload:\n  type: slot\n  validators: 0\n", []want{{study.ErrOutOfRange, "workload.validators", 3, 15, []string{"1..1000000"}}}},
		{"deadline", "workload:\n  type: slot\n  deadline: 500us\n", []want{{study.ErrOutOfRange, "workload.deadline", 3, 13, []string{"1ms..1h0m0s"}}}},
		{"segment size", "workload:\n  segment_size: 2000000\n", []want{{study.ErrOutOfRange, "workload.segment_size", 2, 17, []string{"1..1048576"}}}},
		{"provides in flight", "workload:\n  type: slot\n  provides_in_flight: 16777217\n", []want{{study.ErrOutOfRange, "workload.provides_in_flight", 3, 23, nil}}},
		{"retrievers", "workload:\n  retrievers: -3\n", []want{{study.ErrOutOfRange, "workload.retrievers", 2, 15, nil}}},
		{"samples above segments", "workload:\n  segments: [200, 50]\n  samples: 100\n",
			[]want{{study.ErrOutOfRange, "workload.samples/workload.segments", 3, 12, []string{"1..segments (50)", "in combination c0001_segments=50_seed=1"}}}},
		{"samples above cells", "workload:\n  type: slot\n  rows: 2\n  cols: 2\n  validators: 10\n",
			[]want{{study.ErrOutOfRange, "workload.samples/workload.rows/workload.cols", 3, 9, []string{"workload.samples/workload.rows/workload.cols = 73", "1..rows x cols (4)"}}}},
		{"retrievers above nodes", "nodes: 50\nworkload:\n  retrievers: 50\n",
			[]want{{study.ErrOutOfRange, "workload.retrievers/nodes", 3, 15, []string{"at most 49 with nodes 50"}}}},
		{"validators above nodes, default", "nodes: 500\nworkload:\n  type: slot\n",
			[]want{{study.ErrOutOfRange, "workload.validators/nodes", 1, 8, []string{"validators/nodes = 10000", "at most 500"}}}},
		{"bytes", "workload:\n  segments: 1000000\n  segment_size: 2048\n  samples: 1\n",
			[]want{{study.ErrOutOfRange, "workload.segments/workload.segment_size", 2, 13, []string{"1000000 x 2048 B"}}}},
		{"lookups", "nodes: 100000\nworkload:\n  type: slot\n  validators: 100000\n  samples: 101\n",
			[]want{{study.ErrOutOfRange, "workload.validators/workload.samples", 4, 15, []string{"100000 x 101 = 10100000 lookups"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkErrors(t, parseErrors(t, tc.src), tc.want)
		})
	}
}

// More than MaxCombinations combinations, repeats included, is an error
// naming the swept keys and the product; exactly MaxCombinations is not.
func TestTooManyCombinations(t *testing.T) {
	ten := func(from int) string {
		var v []string
		for i := range 10 {
			v = append(v, fmt.Sprint(from+i))
		}
		return "[" + strings.Join(v, ", ") + "]"
	}
	grid := "nodes: " + ten(1000) + "\nk: " + ten(11) + "\nalpha: " + ten(1) + "\nsteps: " + ten(1) + "\nworkload:\n  samples: " + ten(1) + "\n"
	errs := parseErrors(t, grid+"repeats: 2\n")
	checkErrors(t, errs, []want{{study.ErrTooManyCombinations, "nodes x k x alpha x steps x workload.samples", 1, 1,
		[]string{"10 x 10 x 10 x 10 x 10 values x 2 repeats = 200000 combinations", "at most 100000"}}})
	checkErrors(t, parseErrors(t, "repeats: 100000\nalpha: [1, 2]\n"), []want{{study.ErrTooManyCombinations, "alpha", 2, 1, []string{"= 200000"}}})
	// A product that overflows an int64 is still counted right.
	var huge strings.Builder
	for _, key := range []string{"nodes", "k", "alpha", "beta", "steps", "latency", "policy"} {
		huge.WriteString(key + ": [" + strings.Repeat("1, ", 0))
		var v []string
		for i := range 600 {
			v = append(v, fmt.Sprint(i+1))
		}
		if key == "policy" {
			v = []string{"closest", "oldest"}
		}
		huge.WriteString(strings.Join(v, ", ") + "]\n")
	}
	checkErrors(t, parseErrors(t, huge.String()), []want{{study.ErrTooManyCombinations, "nodes x k x alpha x beta x steps x latency x policy", 1, 1,
		[]string{"= 93312000000000000 combinations"}}})

	if testing.Short() {
		t.Skip("validating 100,000 combinations")
	}
	s, err := study.Parse("max.yaml", []byte(grid))
	if err != nil || s.Len() != study.MaxCombinations {
		t.Fatalf("a grid of exactly MaxCombinations: %v", err)
	}
}

// A file with many errors reports them all, in file order, one per line
// of the message.
func TestAllErrors(t *testing.T) {
	errs := parseErrors(t, `
workload:
  type: retrieval
  rows: 4
k: [20, 20]
alfa: 3
gamma: 1
alpha: []
steps: x
steps: 4
`)
	checkErrors(t, errs, []want{
		{study.ErrWrongWorkload, "workload.rows", 4, 3, nil},
		{study.ErrDuplicateValue, "k", 5, 9, nil},
		{study.ErrUnknownKey, "alfa", 6, 1, nil},
		{study.ErrInvalidValue, "gamma", 7, 8, nil},
		{study.ErrEmptyList, "alpha", 8, 8, nil},
		{study.ErrWrongType, "steps", 9, 8, nil},
		{study.ErrDuplicateKey, "steps", 10, 1, nil},
	})
	if lines := strings.Split(errs.Error(), "\n"); len(lines) != len(errs) {
		t.Errorf("%d lines for %d errors:\n%v", len(lines), len(errs), errs)
	}
	// Keys and types wrong do not hide the bounds: the bounds are checked
	// when every value could be read.
	checkErrors(t, parseErrors(t, "alfa: 3\nnodes: 0\nalpha: 0\nk: 20\nk: 30\n"), []want{
		{study.ErrUnknownKey, "alfa", 1, 1, nil},
		{study.ErrOutOfRange, "nodes", 2, 8, nil},
		{study.ErrOutOfRange, "alpha", 3, 8, nil},
		{study.ErrDuplicateKey, "k", 5, 1, nil},
	})
}

// The realism hook's errors are placed at the line of the key's value in
// the combination that fails, and reported once.
func TestValidateRealismHook(t *testing.T) {
	old := study.ValidateRealism
	defer func() { study.ValidateRealism = old }()
	lab := writeFile(t, t.TempDir(), "lab.yaml", "regions: {a: 1}\nlatencies: {a: {a: 3ms}}\n")
	calls := 0
	study.ValidateRealism = func(p study.Params) []*study.FileError {
		calls++
		var errs []*study.FileError
		if p.Latency == lab {
			errs = append(errs, &study.FileError{Key: "latency", Allowed: "a latency file of another lab"})
		}
		if p.Config.Client.Policy == routing.Oldest && p.Config.Maintenance.Refresh == 0 {
			errs = append(errs, &study.FileError{Key: "policy/refresh", Value: "oldest, 0s", Allowed: "a refresh with the oldest policy", Kind: study.ErrOutOfRange})
		}
		return errs
	}
	errs := parseErrors(t, "alpha: [1, 2]\nlatency: [uniform, "+lab+"]\npolicy: oldest\n")
	checkErrors(t, errs, []want{
		{study.ErrInvalidValue, "latency", 2, 20, []string{"latency = " + lab, "a latency file of another lab"}},
		{study.ErrOutOfRange, "policy/refresh", 3, 9, []string{"oldest, 0s"}},
	})
	for _, e := range errs {
		if e.Combination != "" {
			t.Errorf("%v: names a combination, though it fails in every one that has its value", e)
		}
	}
	if calls != 4 {
		t.Errorf("the hook ran %d times for 4 points", calls)
	}
}

// A file larger than MaxFileSize is refused before it is parsed.
func TestFileTooLarge(t *testing.T) {
	big := "# " + strings.Repeat("x", study.MaxFileSize) + "\nnodes: 10\n"
	checkErrors(t, parseErrors(t, big), []want{{study.ErrSyntax, "", 0, 0, []string{"larger than"}}})
}

// refresh, joins and republish are honoured only by the availability
// workload (the only one that runs maintenance and republishes): set
// outside it they are refused, naming the key and the workload type that
// uses it, instead of being ignored (issue 17, cause 10). Off (0) they
// pass everywhere.
func TestMaintenanceKeysOnlyWhereHonoured(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		want []want
	}{
		{"refresh in a retrieval", "refresh: 1h\n", []want{{study.ErrWrongWorkload, "refresh", 1, 10,
			[]string{"refresh = 1h", "availability", "retrieval", "0s"}}}},
		{"joins in a slot", "joins: 20\nworkload:\n  type: slot\n  rows: 4\n  cols: 4\n  samples: 2\n  validators: 10\n", []want{{study.ErrWrongWorkload, "joins", 1, 8,
			[]string{"joins = 20", "availability", "slot"}}}},
		{"one republish of a list", "republish: [0s, 1h]\n", []want{{study.ErrWrongWorkload, "republish", 1, 17,
			[]string{"republish = 1h", "availability"}}}},
		{"all three", "refresh: 10m\nrepublish: 1h\njoins: 2\n", []want{
			{study.ErrWrongWorkload, "refresh", 1, 10, nil},
			{study.ErrWrongWorkload, "republish", 2, 12, nil},
			{study.ErrWrongWorkload, "joins", 3, 8, nil},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { checkErrors(t, parseErrors(t, tc.src), tc.want) })
	}
	for _, ok := range []string{
		"refresh: 0s\nrepublish: 0s\njoins: 0\n",
		"nodes: 1000\nrefresh: 1h\nrepublish: 1h\njoins: 2\nworkload:\n  type: availability\n  segments: 4\n  retrievers: 4\n",
	} {
		if _, err := study.Parse("ok.yaml", []byte(ok)); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

// The warnings a runner records in params.yaml read back as a list of
// sentences that Parse ignores; any other value under warnings is refused.
func TestWarningsKeyIsAListOfSentences(t *testing.T) {
	s, err := study.Parse("params.yaml", []byte("alpha: 10\ntermination: stale\nwarnings:\n  - a sentence\n"))
	if err != nil || s.Combination(0).Params.Config.Client.Alpha != 10 || strings.Contains(string(s.Canonical()), "warnings") {
		t.Fatalf("warnings not ignored: %v", err)
	}
	if len(s.Combination(0).Warnings()) != 1 {
		t.Errorf("warnings of alpha 10 >= steps 3 under stale: %q", s.Combination(0).Warnings())
	}
	checkErrors(t, parseErrors(t, "warnings: 3\n"), []want{{study.ErrWrongType, "warnings", 1, 11, []string{"a list of sentences"}}})
}

// The DAS keys of a slot: every mistake at once, each at its value (a
// class's mistake at the class's key or value), naming the key and what
// it allows; a misspelt class key gets a suggestion. Values that do not
// read come first (the form); then, in a file whose values all read,
// every bound.
func TestSlotDASKeyErrors(t *testing.T) {
	errs := parseErrors(t, `workload:
  type: slot
  rows: 8
  cols: 8
  validators: 5
  samples: 3
  withholding: hidden
  provided_share: 2
  sample_timeout: -1s
  classes:
    - {name: home, share: 1, uplaod: "fixed:1Mbit"}
`)
	checkErrors(t, errs, []want{
		{study.ErrInvalidValue, "workload.withholding", 7, 16, []string{"none, random, rows, cols, minimal"}},
		{study.ErrOutOfRange, "workload.provided_share", 8, 19, []string{"0..1"}},
		{study.ErrOutOfRange, "workload.sample_timeout", 9, 19, []string{"0s..1h0m0s"}},
		{study.ErrUnknownKey, "workload.classes", 11, 30, []string{"did you mean upload?"}},
	})
	errs = parseErrors(t, `workload:
  type: slot
  classes:
    - {name: home, share: 0.5}
    - {name: away, share: 0.5, download: "fast"}
`)
	checkErrors(t, errs, []want{
		{study.ErrInvalidValue, "workload.classes", 5, 42, []string{"download: fast", "unlimited, fixed:RATE"}},
	})
	errs = parseErrors(t, `upload: "fixed:10Mbit"
workload:
  type: slot
  rows: 8
  cols: 8
  validators: 5
  samples: 3
  threshold: 0
  withholding: none
  withheld_share: 0.3
  classes:
    - {name: home, share: 0.7, validators_per_node: 1, custody_cols: 20, upload: "fixed:1Mbit"}
    - {name: mute, share: 0.3, behaviour: unresponsive, validators_per_node: 1}
`)
	checkErrors(t, errs, []want{
		{study.ErrOutOfRange, "workload.threshold", 8, 14, []string{"above 0 and at most 1"}},
		{study.ErrOutOfRange, "workload.withheld_share/workload.withholding", 10, 19, []string{"0 with pattern none"}},
		{study.ErrOutOfRange, "workload.classes", 12, 5, []string{"Classes[home].CustodyCols = 20", "0..cols (8)"}},
		{study.ErrOutOfRange, "workload.classes", 12, 5, []string{"Classes[mute].ValidatorsPerNode = 1", "not honest"}},
		{study.ErrOutOfRange, "workload.classes/upload/download", 12, 5, []string{"not both"}},
	})
	errs = parseErrors(t, `workload:
  type: slot
  classes:
    - {name: home, share: 0.5}
    - {name: home, share: 0.6}
`)
	checkErrors(t, errs, []want{
		{study.ErrOutOfRange, "workload.classes", 4, 5, []string{"Classes[home].Name", "unique"}},
	})
}
