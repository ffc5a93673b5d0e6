package param

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/go-dht/go-dht/dht"
)

// Use is a set of the places a parameter is given: study files, the
// benchmark suite's flags, and the flags of each dhtsim command.
type Use uint16

// The places a parameter can be given.
const (
	// Study: a key of study files (dhtsim run and check read them).
	Study Use = 1 << iota
	// Bench: a flag of the benchmark suite (go test -bench ./benchmarks/
	// -args ..., scripts/bench.sh -- ...).
	Bench
	// Crawl: a flag of dhtsim crawl.
	Crawl
	// RunCmd, CheckCmd, MergeCmd and ParamsCmd: flags of the dhtsim
	// commands run, check, merge and params.
	RunCmd
	CheckCmd
	MergeCmd
	ParamsCmd
)

// useNames name the places, in the docs' order.
var useNames = []struct {
	u    Use
	name string
}{
	{Study, "study"}, {Bench, "benchmarks"}, {Crawl, "dhtsim crawl"}, {RunCmd, "dhtsim run"},
	{CheckCmd, "dhtsim check"}, {MergeCmd, "dhtsim merge"}, {ParamsCmd, "dhtsim params"},
}

// String lists the places of u, comma-separated.
func (u Use) String() string {
	var names []string
	for _, n := range useNames {
		if u&n.u != 0 {
			names = append(names, n.name)
		}
	}
	return strings.Join(names, ", ")
}

// Param is one parameter: a model, workload or run parameter, declared
// once. Its key, flags, type, unit, defaults, range and doc make the
// study keys, the flags of the benchmarks and of dhtsim, the CSV columns,
// the README's table and dhtsim params; its Fields say which fields of
// the configuration (Settings) it sets.
type Param struct {
	// Key is the parameter's snake_case name: its study key (a path such
	// as "workload.samples" for a workload key), its CSV column (without
	// the "workload." prefix, with "_s" for durations), and its name in
	// errors of study files.
	Key string
	// Flag is its kebab-case flag ("fast-error-rate"), in every command
	// of Use that takes flags; empty for none.
	Flag string
	// BenchFlag is the benchmark suite's flag when it differs from Flag:
	// the suite's flags share one namespace (crawl-inflight, not
	// inflight).
	BenchFlag string
	// ListFlag is the flag of dhtsim crawl that takes a comma-separated
	// list of values, swept one crawl each (inflight, fast-error-rates).
	ListFlag string
	// Unit says what a value counts or measures ("%", "nodes"); empty
	// when the type says it (durations, names).
	Unit string
	// Doc is one line: what the parameter does.
	Doc string
	// UseDoc is the doc of the parameter's flag in a place where it says
	// more than Doc (-out of dhtsim run: the study's folder, required).
	UseDoc map[Use]string
	// Use says where the parameter is given.
	Use Use
	// Types are the workload types a workload key (Key "workload.*")
	// belongs to; nil for the other keys.
	Types []WorkloadType
	// HonouredBy lists the workload types that honour a model key (the
	// others refuse a value other than its default); nil for all.
	HonouredBy []WorkloadType
	// Benchmarks lists the benchmarks (names without "Benchmark") a
	// parameter of the suite applies to; nil for every benchmark. A
	// benchmark's CSV rows leave the others' columns empty.
	Benchmarks []string
	// Fields are the paths, in Settings, of the fields the parameter sets
	// ("Config.Client.Alpha"); a workload key sets the field of each of
	// its types.
	Fields []string
	// Builds is the path of a field that Settings.Build makes from the
	// parameter's value (latency: the model of Config.Network.Latency):
	// a configuration error about it names the parameter.
	Builds string
	// Default is the default when it is not read from the profile's
	// defaults (dht.ProfileDefaults): for the fields outside Config, and
	// for a Config field whose default is not the profile's (beta: 0, k).
	Default string
	// profileDefault, when set, derives the default from the profile's
	// configuration (beta: 0, which reads as k, when the profile's beta
	// is its k).
	profileDefault func(dht.Config) any
	// TypeDefaults are the defaults of a workload key that differ by
	// workload type.
	TypeDefaults map[WorkloadType]string
	// Depends lists the keys whose values bound this one (beta: k): when
	// one of them is wrong, this one is not checked against it.
	Depends []string
	// Single says a study key takes one value, never a list (name, seed,
	// repeats, workload.type): SingleWhy says why.
	Single    bool
	SingleWhy string
	// Output says the parameter chooses where and how results are
	// written, not what they are: it is never a CSV column.
	Output bool
	// Wall says the parameter changes only the wall time (workers): it is
	// a column of the benchmarks' rounds and summary CSVs, not of the
	// operations' CSVs, which do not depend on it, nor of studies.
	Wall bool
	// DefaultDoc is the default as the docs say it, when its value
	// depends on the machine (workers: one per core).
	DefaultDoc string
	// Col overrides the CSV column's name (workload.type's is workload).
	Col string
	// AllowedNote is added to what a configuration error allows (beta:
	// ", or 0 for k").
	AllowedNote string

	kind   kind
	fields [][]int // Fields, as reflect indices
	// fieldType is the workload type of each field ("Workload.Slot...");
	// -1 for a field outside Workload.
	fieldType []int
}

// Type names the parameter's type: integer, number, duration, delay
// range, one of, ...
func (p *Param) Type() string { return p.kind.typ }

// Scalar says what form its values take in a YAML study file.
func (p *Param) Scalar() Scalar { return p.kind.scalar }

// Allowed says what the parameter accepts: its form and range.
func (p *Param) Allowed() string { return p.kind.allowed }

// Column is the parameter's CSV column: its key without "workload.", and
// "_s" for a duration, whose cells are seconds.
func (p *Param) Column() string {
	if p.Col != "" {
		return p.Col
	}
	c := strings.TrimPrefix(p.Key, "workload.")
	if p.kind.seconds {
		c += "_s"
	}
	return c
}

// StudyKey is the key's name in its mapping of a study file: the key
// without "workload.".
func (p *Param) StudyKey() string { return strings.TrimPrefix(p.Key, "workload.") }

// IsWorkloadKey says the key belongs under workload: in a study file.
func (p *Param) IsWorkloadKey() bool { return strings.HasPrefix(p.Key, "workload.") }

// Belongs reports whether a workload key belongs to workload type t;
// every other key belongs to all.
func (p *Param) Belongs(t WorkloadType) bool { return p.Types == nil || slices.Contains(p.Types, t) }

// Honoured reports whether workload type t honours the parameter.
func (p *Param) Honoured(t WorkloadType) bool {
	return p.HonouredBy == nil || slices.Contains(p.HonouredBy, t)
}

// AppliesTo reports whether the parameter applies to benchmark bench (a
// name without "Benchmark", sub-benchmarks cut off).
func (p *Param) AppliesTo(bench string) bool {
	return p.Benchmarks == nil || slices.Contains(p.Benchmarks, bench)
}

// FlagFor returns the parameter's flag in the places of u (the
// benchmark suite's when u is Bench), or "" when it has none there.
func (p *Param) FlagFor(u Use) string {
	if p.Use&u == 0 {
		return ""
	}
	if u == Bench && p.BenchFlag != "" {
		return p.BenchFlag
	}
	return p.Flag
}

// ValueError is a value a parameter does not accept: its form (it does
// not parse) or its range.
type ValueError struct {
	Param *Param
	Value string
	// Kind is ErrInvalidValue (form) or ErrOutOfRange.
	Kind error
	// Err is the reason the value does not parse, if given.
	Err error
	// Allowed is what is allowed: the parameter's Allowed, or a narrower
	// account of the bound the value breaks (a delay range: MIN <= MAX).
	Allowed string
}

func (e *ValueError) Error() string {
	s := fmt.Sprintf("%s = %q: %v", e.Param.Key, e.Value, e.Kind)
	if e.Err != nil {
		s += " (" + e.Err.Error() + ")"
	}
	return s + "; allowed " + e.Allowed
}

// boundError is a parse error that is a bound, not a form: the value is
// out of range, and allowed says what the bound allows.
type boundError struct {
	allowed string
	err     error
}

func (e *boundError) Error() string { return e.err.Error() }

// detailError is a parse error of a value's form with a narrower account
// of what is allowed (the part of a churn spec that is wrong).
type detailError struct {
	allowed string
	err     error
}

func (e *detailError) Error() string { return e.err.Error() }

// Unwrap returns the class of the error.
func (e *ValueError) Unwrap() error { return e.Kind }

// Parse reads a value of the parameter: it must have the parameter's
// form (else ErrInvalidValue) and be in its range (else ErrOutOfRange).
// The value is of the type of the fields the parameter sets.
func (p *Param) Parse(s string) (any, error) {
	v, err := p.kind.parse(s)
	var be *boundError
	var de *detailError
	switch {
	case errors.As(err, &be):
		return nil, &ValueError{Param: p, Value: s, Kind: ErrOutOfRange, Err: be.err, Allowed: be.allowed}
	case errors.As(err, &de):
		return nil, &ValueError{Param: p, Value: s, Kind: ErrInvalidValue, Err: de.err, Allowed: de.allowed}
	case err != nil:
		return nil, &ValueError{Param: p, Value: s, Kind: ErrInvalidValue, Err: err, Allowed: p.Allowed()}
	case !p.kind.check(v):
		return nil, &ValueError{Param: p, Value: s, Kind: ErrOutOfRange, Allowed: p.Allowed()}
	}
	return v, nil
}

// Format writes a value canonically, as Parse reads it.
func (p *Param) Format(v any) string { return p.kind.format(v) }

// Cell writes a value in a CSV cell: seconds for a duration, the
// canonical text otherwise.
func (p *Param) Cell(v any) string {
	if p.kind.cell != nil {
		return p.kind.cell(v)
	}
	return p.kind.format(v)
}

// InRange reports whether a value of the right type is in range.
func (p *Param) InRange(v any) bool { return p.kind.check(v) }

// Get returns the parameter's value in s: the field of s's workload type
// for a workload key.
func (p *Param) Get(s *Settings) any {
	i := p.fieldFor(s.Workload.Type)
	return reflect.ValueOf(s).Elem().FieldByIndex(p.fields[i]).Interface()
}

// Set sets the parameter's fields in s to v, which must be of the
// parameter's type (Parse's): every field, but for a workload key only
// the field of s's workload type (the others keep their defaults, so that
// a study and the params.yaml of its combination give equal Settings).
func (p *Param) Set(s *Settings, v any) {
	x := reflect.ValueOf(v)
	for i, idx := range p.fields {
		if ft := p.fieldType[i]; p.IsWorkloadKey() && ft >= 0 && ft != int(s.Workload.Type) {
			continue
		}
		reflect.ValueOf(s).Elem().FieldByIndex(idx).Set(x)
	}
}

// String returns the parameter's value in s, canonically.
func (p *Param) String(s *Settings) string { return p.Format(p.Get(s)) }

// fieldFor returns the index of the field read for workload type t.
func (p *Param) fieldFor(t WorkloadType) int {
	for i, ft := range p.fieldType {
		if ft == int(t) {
			return i
		}
	}
	return 0
}
