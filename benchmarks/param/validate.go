package param

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/network/latency"
)

// The classes of errors about values; errors.Is finds them.
var (
	// ErrInvalidValue: a value that does not have the parameter's form
	// (an unknown rule, a malformed duration).
	ErrInvalidValue = errors.New("invalid value")
	// ErrOutOfRange: a value outside the parameter's range, alone or with
	// other values (beta above k).
	ErrOutOfRange = errors.New("out of range")
	// ErrWrongWorkload: a study key set that its workload type does not
	// honour (refresh outside the availability workload).
	ErrWrongWorkload = errors.New("key of another workload type")
)

// Problem is a value, or a set of values, that the model or a workload
// does not accept.
type Problem struct {
	// Params are the parameters at fault; the first is the one to point
	// at. Empty for a configuration error no parameter sets (a bug).
	Params []*Param
	// Value is the rejected value, or an account of the values ("60 + 50
	// = 110").
	Value string
	// Allowed says what is allowed.
	Allowed string
	// Kind is ErrOutOfRange or ErrWrongWorkload.
	Kind error
	// Err is the underlying error: a *network.ConfigError of
	// dht.Config.Validate, or nil.
	Err error
}

// Keys returns the keys of the problem's parameters.
func (pr Problem) Keys() []string {
	keys := make([]string, len(pr.Params))
	for i, p := range pr.Params {
		keys[i] = p.Key
	}
	return keys
}

// Message writes the problem for a command line in the places of u,
// naming each parameter by its flag there (by its key when it has none):
// "-beta = 30: out of range; allowed 1..K (20), or 0 for k".
func (pr Problem) Message(u Use) string {
	var names []string
	for _, p := range pr.Params {
		if f := p.FlagFor(u); f != "" {
			names = append(names, "-"+f)
		} else {
			names = append(names, p.Key)
		}
	}
	s := strings.Join(names, "/")
	if pr.Value != "" {
		s += " = " + pr.Value
	}
	kind := ErrOutOfRange
	if pr.Kind != nil {
		kind = pr.Kind
	}
	s += ": " + kind.Error()
	if pr.Allowed != "" {
		s += "; allowed " + pr.Allowed
	}
	return s
}

// Validate returns every problem of s for the places of u: each value
// out of its range (for the parameters given there), then what the
// model (dht.Config.Validate), a crawl (crawler.Options.Validate), the
// benchmark suite or a study's workload refuse in the values together.
// A parameter in unread (a study value that could not be read, for which
// s holds the default) is not reported, nor any bound on it or that
// depends on it (Param.Depends): the default standing in for it could
// make errors of its own.
func Validate(s Settings, u Use, unread ...*Param) []Problem {
	return validate(s, u, true, unread)
}

// ValidateTogether is Validate without the check of each value against
// its range: for values that Parse read, which checked it (a study's
// grid points, each made of values read once).
func ValidateTogether(s Settings, u Use, unread ...*Param) []Problem {
	return validate(s, u, false, unread)
}

func validate(s Settings, u Use, ranges bool, unread []*Param) []Problem {
	v := &validator{s: s, u: u, bad: map[*Param]bool{}}
	for _, p := range unread {
		v.bad[p] = true
	}
	if v.bad[MustKey("profile")] || v.bad[MustKey("workload.type")] {
		return nil // every default depends on the profile, every workload bound on the type
	}
	if ranges {
		v.ranges()
	} else {
		for p := range v.bad {
			v.repair(p)
		}
	}
	v.model()
	if u&(Bench|Crawl) != 0 {
		v.crawl()
	}
	if u&Bench != 0 {
		v.bench()
	}
	if u&Study != 0 {
		v.workload()
		v.honoured()
	}
	return v.out
}

// validator collects the problems of one Settings. bad holds the
// parameters found wrong (or unread): later checks leave them, and those
// that depend on them, out.
type validator struct {
	s   Settings
	u   Use
	bad map[*Param]bool
	out []Problem
	// defaults are the defaults of s's profile and workload type, once
	// asked for.
	defaults *Settings
}

// defaultOf returns p's default under s's profile (godht's for an unknown
// profile, which has no defaults) and workload type.
func (v *validator) defaultOf(p *Param) any {
	if v.defaults == nil {
		pr := v.s.Config.Profile
		if !MustKey("profile").InRange(pr) {
			pr = dht.ProfileGoDHT
		}
		d := Defaults(pr, v.s.Workload.Type)
		v.defaults = &d
	}
	return p.Get(v.defaults)
}

// given reports whether p is a parameter of the places checked, and of
// the study's workload type.
func (v *validator) given(p *Param) bool {
	return p.Use&v.u != 0 && (v.u&Study == 0 || p.Belongs(v.s.Workload.Type))
}

// blocked reports whether a problem of ps would repeat or follow from a
// problem found already.
func (v *validator) blocked(ps []*Param) bool {
	for _, p := range ps {
		if v.bad[p] {
			return true
		}
		for _, d := range p.Depends {
			if v.bad[MustKey(d)] {
				return true
			}
		}
	}
	return false
}

// add records a problem unless it is blocked, and marks its parameters
// bad.
func (v *validator) add(pr Problem) {
	if v.blocked(pr.Params) {
		return
	}
	if pr.Kind == nil {
		pr.Kind = ErrOutOfRange
	}
	v.out = append(v.out, pr)
	for _, p := range pr.Params {
		v.bad[p] = true
	}
}

// repair sets p to its default, so that a later check does not trip on
// its bad value.
func (v *validator) repair(p *Param) { p.Set(&v.s, v.defaultOf(p)) }

// ranges checks each value against its parameter's range.
func (v *validator) ranges() {
	for _, p := range registry {
		if !v.given(p) {
			continue
		}
		if v.bad[p] {
			v.repair(p)
			continue
		}
		if x := p.Get(&v.s); !p.InRange(x) {
			v.add(Problem{Params: []*Param{p}, Value: p.Format(x), Allowed: p.Allowed()})
			v.repair(p)
		}
	}
}

// maxRepairs bounds the rounds of model: one per field and more would
// mean a repair that does not repair.
const maxRepairs = 64

// model returns every error dht.Config.Validate finds, by validating,
// repairing the field it names, and validating again: Validate stops at
// the first error, and a user should see them all at once.
func (v *validator) model() {
	seen := map[string]bool{}
	for range maxRepairs {
		cfg, err := v.config()
		if err != nil {
			lat := MustKey("latency")
			v.add(Problem{Params: []*Param{lat}, Value: v.s.Latency, Allowed: lat.Allowed(), Err: err})
			v.s.Latency = "uniform"
			continue
		}
		err = cfg.Validate()
		if err == nil {
			return
		}
		var ce *network.ConfigError
		if !errors.As(err, &ce) {
			// dht's Validate returns only typed errors; an untyped one is
			// reported whole rather than lost.
			v.out = append(v.out, Problem{Value: err.Error(), Kind: ErrOutOfRange, Err: err})
			return
		}
		var ps []*Param
		for _, f := range strings.Split(ce.Field, "+") {
			if i := strings.LastIndex(ce.Field, "."); i >= 0 && !strings.Contains(f, ".") {
				f = ce.Field[:i+1] + f // "Network.FastErrorRate+SlowErrorRate"
			}
			ps = append(ps, ByField("Config."+f)...)
		}
		if len(ps) == 0 || seen[ce.Field] {
			// A field no parameter sets, or one its repair did not
			// repair: a bug, reported as Validate names it.
			v.out = append(v.out, Problem{Value: ce.Field + " = " + ce.Value, Allowed: ce.Allowed, Kind: ErrOutOfRange, Err: err})
			return
		}
		seen[ce.Field] = true
		value := ce.Value
		if ps[0].Builds == "Config."+ce.Field {
			value = ps[0].String(&v.s) // the spec the user wrote, not the model built
		}
		if len(ps) == 2 { // the sum of the error rates: show both terms
			value = fmt.Sprintf("%s + %s = %s", ps[0].String(&v.s), ps[1].String(&v.s), ce.Value)
		}
		v.add(Problem{Params: ps, Value: value, Allowed: ce.Allowed + ps[0].AllowedNote, Err: err})
		for _, p := range ps {
			v.repair(p)
		}
	}
}

// config builds the configuration to validate. A latency file that a
// study did not read (Settings.LatencyFile nil, its checks turned off)
// stands as a built-in model: only that there is a geography matters to
// dht.Config.Validate.
func (v *validator) config() (dht.Config, error) {
	t := v.s
	if spec := t.Latency; spec != "uniform" && spec != "" && !slices.Contains(latency.Names(), spec) &&
		(t.LatencyFile == nil || t.LatencyFile.Path != spec) && v.u&Study != 0 {
		t.Latency = latency.Names()[0]
	}
	return t.Build()
}

// crawl checks the crawl's options against the network.
func (v *validator) crawl() {
	s := &v.s
	nodes := s.Config.Nodes
	o := s.Crawl.Options
	o.Bootstrap = []uint32{0}
	if err := o.Validate(nodes); err != nil {
		var ce *network.ConfigError
		if errors.As(err, &ce) {
			if ps := ByField("Crawl.Options." + ce.Field); len(ps) > 0 {
				v.add(Problem{Params: ps, Value: ce.Value, Allowed: ce.Allowed, Err: err})
			}
		}
	}
	if b := MustKey("bootstrap"); v.given(b) && s.Crawl.Bootstrap > nodes {
		v.add(Problem{Params: []*Param{b, MustKey("nodes")}, Value: strconv.Itoa(s.Crawl.Bootstrap),
			Allowed: fmt.Sprintf("1..%d (the network's nodes)", nodes)})
	}
}

// bench checks the suite's parameters together.
func (v *validator) bench() {
	b := v.s.Bench
	if total := int64(b.Segments) * int64(b.SegmentSize); total > MaxSegmentBytes {
		v.add(Problem{Params: []*Param{MustKey("segments"), MustKey("segment_size")},
			Value:   fmt.Sprintf("%d x %d bytes = %d", b.Segments, b.SegmentSize, total),
			Allowed: fmt.Sprintf("at most %d bytes of segments", int64(MaxSegmentBytes))})
	}
}

// workload checks a study's workload parameters together, and against
// the network's size.
func (v *validator) workload() {
	s := &v.s
	w := s.Workload
	key := MustKey
	cross := func(keys []string, value, allowed string, args ...any) {
		ps := make([]*Param, len(keys))
		for i, k := range keys {
			ps[i] = key(k)
		}
		v.add(Problem{Params: ps, Value: value, Allowed: fmt.Sprintf(allowed, args...)})
	}
	nodes := s.Config.Nodes
	var cells int64
	var samples, size, operators int
	switch w.Type {
	case Retrieval:
		r := w.Retrieval
		cells, samples, size, operators = int64(r.Segments), r.Samples, r.SegmentSize, r.Retrievers
	case Availability:
		a := w.Availability
		cells, samples, size, operators = int64(a.Segments), a.Samples, a.SegmentSize, a.Retrievers
		if a.Every > a.Duration || a.Duration/a.Every > MaxMeasurements {
			cross([]string{"workload.every", "workload.duration"}, fmt.Sprintf("%v every %v", a.Duration, a.Every),
				"every <= duration, at most %d measurements", MaxMeasurements)
		}
		if a.HealthNodes > nodes {
			cross([]string{"workload.health_nodes", "nodes"}, strconv.Itoa(a.HealthNodes),
				"at most %d with nodes %d: the measured tables are nodes'", nodes, nodes)
		}
	case Slot:
		sl := w.Slot
		cells, samples, size, operators = int64(sl.Rows)*int64(sl.Cols), sl.Samples, sl.SegmentSize, sl.Validators
	}
	if int64(samples) > cells {
		if w.Type != Slot {
			cross([]string{"workload.samples", "workload.segments"}, strconv.Itoa(samples),
				"1..segments (%d): a retriever looks up distinct segments", cells)
		} else {
			cross([]string{"workload.samples", "workload.rows", "workload.cols"}, strconv.Itoa(samples),
				"1..rows x cols (%d): a validator samples distinct cells", cells)
		}
	}
	if bytes := cells * int64(size); bytes > MaxSegmentBytes {
		keys := []string{"workload.segments", "workload.segment_size"}
		if w.Type == Slot {
			keys = []string{"workload.rows", "workload.cols", "workload.segment_size"}
		}
		cross(keys, fmt.Sprintf("%d x %d B = %d B", cells, size, bytes), "at most %d B provided by the builder", int64(MaxSegmentBytes))
	}
	opKey, most := "workload.retrievers", int64(nodes)-1
	why := "retrievers are nodes other than the builder"
	if w.Type == Slot {
		opKey, most = "workload.validators", int64(nodes)
		why = "validators are nodes"
	}
	if int64(operators) > most && nodes >= 1 {
		cross([]string{opKey, "nodes"}, strconv.Itoa(operators), "at most %d with nodes %d: %s", max(most, 0), nodes, why)
	}
	if n := int64(operators) * int64(samples); n > MaxLookups {
		cross([]string{opKey, "workload.samples"}, fmt.Sprintf("%d x %d = %d lookups", operators, samples, n),
			"at most %d lookups per combination", MaxLookups)
	}
	if w.Type == Slot {
		v.slot()
	}
}

// honoured refuses a study key set to another value than its default
// under a workload type that ignores it: a sweep of it would give
// identical combinations under different names.
func (v *validator) honoured() {
	t := v.s.Workload.Type
	for _, p := range registry {
		if p.Use&Study == 0 || p.Honoured(t) {
			continue
		}
		def := v.defaultOf(p)
		if p.Format(p.Get(&v.s)) == p.Format(def) {
			continue
		}
		var owners []string
		for _, o := range p.HonouredBy {
			owners = append(owners, o.String())
		}
		v.add(Problem{Params: []*Param{p}, Kind: ErrWrongWorkload,
			Allowed: fmt.Sprintf("%s (its default) under workload type %s: %s is honoured only by workload type %s",
				p.Format(def), t, p.Key, strings.Join(owners, ", "))})
	}
}
