package study

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/dht/workload"
	"github.com/go-dht/go-dht/network"
)

// values is everything one key can set: the study's name and repeats, and
// one combination's parameters.
type values struct {
	name    string
	repeats int
	p       Params
	w       Workload
}

// setter applies one parsed value.
type setter func(*values)

// keyDef describes one key of the format: how to read a value, how to
// write it back in canonical form, and its default.
type keyDef struct {
	// key is the key's path in the file: "alpha", "workload.samples".
	key string
	// listable keys may be given a list of values, to sweep.
	listable bool
	// types are the workload types a workload key belongs to; nil for the
	// other keys.
	types []WorkloadType
	// want says what the key accepts, for errors.
	want string
	// tag is the YAML tag of the canonical value: "" for numbers (plain),
	// "!!str" for strings, which the encoder quotes when needed.
	tag string
	// parse reads a scalar that is not null; the error it returns has no
	// position and no key (the caller adds them).
	parse func(n *yaml.Node) (setter, *FileError)
	// get formats the key's value of v canonically.
	get func(v *values) string
	// def returns the default, for a study with workload type t.
	def func(t WorkloadType) setter
}

// column is the key's name without the "workload." prefix: the name of its
// summary column and of its part in a combination's name. No workload key
// has the name of a model key (keyDefs' test checks it).
func (d *keyDef) column() string { return strings.TrimPrefix(d.key, "workload.") }

// belongs reports whether a workload key belongs to workload type t; every
// other key belongs to all.
func (d *keyDef) belongs(t WorkloadType) bool {
	if d.types == nil {
		return true
	}
	for _, u := range d.types {
		if u == t {
			return true
		}
	}
	return false
}

// field builds the keyDef of a key that sets the T that ptr points to.
func field[T any](key string, listable bool, want, tag string, ptr func(*values) *T,
	parse func(*yaml.Node) (T, *FileError), format func(T) string, def func(WorkloadType) T) keyDef {
	return keyDef{
		key: key, listable: listable, want: want, tag: tag,
		parse: func(n *yaml.Node) (setter, *FileError) {
			x, fe := parse(n)
			if fe != nil {
				return nil, fe
			}
			return func(v *values) { *ptr(v) = x }, nil
		},
		get: func(v *values) string { return format(*ptr(v)) },
		def: func(t WorkloadType) setter {
			x := def(t)
			return func(v *values) { *ptr(v) = x }
		},
	}
}

// workloadField is field for a workload key of the given types.
func workloadField[T any](key string, types []WorkloadType, want, tag string, ptr func(*values) *T,
	parse func(*yaml.Node) (T, *FileError), format func(T) string, def func(WorkloadType) T) keyDef {
	d := field(key, key != "workload.type", want, tag, ptr, parse, format, def)
	d.types = types
	return d
}

// always returns a default that does not depend on the workload type.
func always[T any](x T) func(WorkloadType) T { return func(WorkloadType) T { return x } }

var (
	all          = []WorkloadType{Retrieval, Slot, Availability}
	retrieval    = []WorkloadType{Retrieval, Availability}
	slot         = []WorkloadType{Slot}
	availability = []WorkloadType{Availability}
)

// keyDefs is every key but workload (the mapping), in canonical order: the
// order of Canonical, ParamsYAML and the summary columns.
var keyDefs = func() []keyDef {
	d := dht.DefaultConfig()
	const (
		anInt    = "an integer"
		aNumber  = "a number"
		aDur     = "a duration such as 125us, 50ms or 1s"
		aRange   = "a delay range MIN-MAX such as 50ms-100ms, or one duration such as 1s"
		str      = "!!str"
		plain    = ""
		nonNeg   = "a duration >= 0 such as 10m or 1h (0s: off)"
		aLatency = "uniform, discv5, ipfs, aws, or the path of a latency YAML file"
	)
	i, f, dur, rng := strconv.Itoa, formatFloat, time.Duration.String, network.DelayRange.String
	return []keyDef{
		field("name", false, fmt.Sprintf("letters, digits, '-' and '_' (at most %d)", MaxStudyNameLen), str, func(v *values) *string { return &v.name },
			parseName, identity, always("")),
		field("nodes", true, anInt, plain, func(v *values) *int { return &v.p.Nodes }, parseInt, i, always(d.Nodes)),
		field("k", true, anInt, plain, func(v *values) *int { return &v.p.K }, parseInt, i, always(d.Client.K)),
		field("alpha", true, anInt, plain, func(v *values) *int { return &v.p.Alpha }, parseInt, i, always(d.Client.Alpha)),
		// beta's default is 0, which reads as k.
		field("beta", true, anInt+" (0: k)", plain, func(v *values) *int { return &v.p.Beta }, parseInt, i, always(0)),
		field("steps", true, anInt, plain, func(v *values) *int { return &v.p.Steps }, parseInt, i, always(d.Client.StepsToStop)),
		field("termination", true, "default, "+strings.Join(lookup.Rules(), ", "), str, func(v *values) *lookup.Rule { return &v.p.Termination },
			parseRule, lookup.Rule.String, always(d.Client.Termination)),
		field("profile", true, strings.Join(profileNames(), ", "), str, func(v *values) *dht.Profile { return &v.p.Profile },
			parseProfile, dht.Profile.String, always(d.Profile)),
		field("fast_error_rate", true, aNumber+" (percent)", plain, func(v *values) *float64 { return &v.p.FastErrorRate },
			parseFloat, f, always(d.Network.FastErrorRate)),
		field("slow_error_rate", true, aNumber+" (percent)", plain, func(v *values) *float64 { return &v.p.SlowErrorRate },
			parseFloat, f, always(d.Network.SlowErrorRate)),
		field("conn_delay", true, aRange, str, func(v *values) *network.DelayRange { return &v.p.ConnDelay },
			parseDelayRange, rng, always(d.Network.ConnDelay)),
		field("fast_delay", true, aRange, str, func(v *values) *network.DelayRange { return &v.p.FastDelay },
			parseDelayRange, rng, always(d.Network.FastDelay)),
		field("slow_delay", true, aRange, str, func(v *values) *network.DelayRange { return &v.p.SlowDelay },
			parseDelayRange, rng, always(d.Network.SlowDelay)),
		field("gamma", true, aDur, str, func(v *values) *time.Duration { return &v.p.Gamma }, parseDuration, dur, always(d.Network.Gamma)),
		field("seed", false, "an integer in 0..18446744073709551615", plain, func(v *values) *uint64 { return &v.p.Seed },
			parseSeed, formatUint, always(d.Network.Seed)),
		field("repeats", false, fmt.Sprintf("an integer in 1..%d", MaxCombinations), plain, func(v *values) *int { return &v.repeats },
			parseRepeats, i, always(1)),
		field("latency", true, aLatency, str, func(v *values) *string { return &v.p.Latency }, parseLatency, identity, always("uniform")),
		field("churn", true, churnForms, str, func(v *values) *string { return &v.p.Churn }, parseChurn, identity, always("none")),
		field("policy", true, strings.Join(policies, ", "), str, func(v *values) *string { return &v.p.Policy },
			parsePolicy, identity, always(d.Client.Policy.String())),
		field("refresh", true, nonNeg, str, func(v *values) *time.Duration { return &v.p.Refresh }, parseNonNegDuration, dur, always(time.Duration(0))),
		field("republish", true, republishAllowed, str, func(v *values) *time.Duration { return &v.p.Republish }, parseNonNegDuration, dur, always(time.Duration(0))),
		field("fail_limit", true, fmt.Sprintf("an integer in 0..%d (0: never)", MaxFailLimit), plain, func(v *values) *int { return &v.p.FailLimit }, parseInt, i, always(0)),
		field("leave_rate", true, "a number in 0..1 (share of nodes per hour)", plain, func(v *values) *float64 { return &v.p.LeaveRate }, parseFloat, f, always(0.0)),
		field("joins", true, "a number >= 0 (new nodes per hour)", plain, func(v *values) *float64 { return &v.p.Joins }, parseFloat, f, always(0.0)),
		field("tables", true, "auto, eager, on-demand", str, func(v *values) *dht.Tables { return &v.p.Tables }, parseTables, dht.Tables.String, always(dht.TablesAuto)),
		field("fill", true, "default, random, closest, grown", str, func(v *values) *dht.Fill { return &v.p.Fill }, parseFill, dht.Fill.String, always(dht.FillDefault)),
		field("grow_peers", true, fmt.Sprintf("an integer in 1..%d", dht.MaxGrowthPeers), plain, func(v *values) *int { return &v.p.GrowPeers }, parseInt, i, always(d.Growth.Peers)),
		field("grow_interval", true, fmt.Sprintf("a duration in %v..%v", dht.MinGrowthInterval, dht.MaxGrowthInterval), str, func(v *values) *time.Duration { return &v.p.GrowInterval },
			parseDuration, dur, always(d.Growth.Interval)),

		workloadField("workload.type", all, "retrieval, slot, availability", str, func(v *values) *WorkloadType { return &v.w.Type },
			parseWorkloadType, WorkloadType.String, always(Retrieval)),
		workloadField("workload.segments", retrieval, anInt, plain, func(v *values) *int { return &v.w.Segments }, parseInt, i, always(100)),
		workloadField("workload.retrievers", retrieval, anInt, plain, func(v *values) *int { return &v.w.Retrievers }, parseInt, i, always(100)),
		workloadField("workload.rows", slot, anInt, plain, func(v *values) *int { return &v.w.Rows }, parseInt, i, always(512)),
		workloadField("workload.cols", slot, anInt, plain, func(v *values) *int { return &v.w.Cols }, parseInt, i, always(512)),
		workloadField("workload.provides_in_flight", slot, anInt, plain, func(v *values) *int { return &v.w.ProvidesInFlight },
			parseInt, i, always(64)),
		workloadField("workload.validators", slot, anInt, plain, func(v *values) *int { return &v.w.Validators }, parseInt, i, always(10000)),
		// 100 samples per retriever as in das-research; 73 per validator,
		// the samples of Ethereum's DAS proposal for a 512 x 512 block.
		workloadField("workload.samples", all, anInt, plain, func(v *values) *int { return &v.w.Samples }, parseInt, i,
			func(t WorkloadType) int { return map[WorkloadType]int{Retrieval: 100, Slot: 73, Availability: 1}[t] }),
		workloadField("workload.segment_size", all, anInt+" (bytes)", plain, func(v *values) *int { return &v.w.SegmentSize },
			parseInt, i, always(512)),
		workloadField("workload.deadline", slot, aDur, str, func(v *values) *time.Duration { return &v.w.Deadline },
			parseDuration, dur, always(4*time.Second)),
		workloadField("workload.sample_start", slot, sampleStartForms, str, func(v *values) *time.Duration { return &v.w.SampleStart },
			parseSampleStart, formatSampleStart, always(AfterProvides)),
		workloadField("workload.duration", availability, aDur, str, func(v *values) *time.Duration { return &v.w.Duration },
			parseDuration, dur, always(24*time.Hour)),
		workloadField("workload.every", availability, aDur, str, func(v *values) *time.Duration { return &v.w.Every },
			parseDuration, dur, always(time.Hour)),
		workloadField("workload.health_nodes", availability, anInt, plain, func(v *values) *int { return &v.w.HealthNodes }, parseInt, i, always(100)),
	}
}()

// keyIndex finds a keyDef by its path.
var keyIndex = func() map[string]int {
	m := make(map[string]int, len(keyDefs))
	for i, d := range keyDefs {
		m[d.key] = i
	}
	return m
}()

// The keys that are not parameters of a combination and are not in the
// summary columns.
const (
	nameKey    = "name"
	repeatsKey = "repeats"
	typeKey    = "workload.type"
)

func identity(s string) string { return s }

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func formatUint(u uint64) string { return strconv.FormatUint(u, 10) }

// profileNames lists every profile by name, as dht.ParseProfile reads them.
func profileNames() []string {
	var names []string
	for p := dht.Profile(0); ; p++ {
		if _, err := dht.ParseProfile(p.String()); err != nil {
			return names
		}
		names = append(names, p.String())
	}
}

// policies are the bucket replacement policies: keep the peers closest to
// the node's own key, or the oldest (Kademlia's least-recently-seen rule).
var policies = []string{"closest", "oldest"}

// bad returns a value error of class kind.
func bad(kind error, n *yaml.Node, allowed string, err error) *FileError {
	return &FileError{Kind: kind, Value: n.Value, Allowed: allowed, Err: err}
}

func parseInt(n *yaml.Node) (int, *FileError) {
	if n.ShortTag() != "!!int" {
		return 0, bad(ErrWrongType, n, "an integer", nil)
	}
	var v int64
	if err := n.Decode(&v); err != nil || v != int64(int(v)) {
		return 0, bad(ErrOutOfRange, n, fmt.Sprintf("an integer in %d..%d", math.MinInt, math.MaxInt), err)
	}
	return int(v), nil
}

func parseFloat(n *yaml.Node) (float64, *FileError) {
	if t := n.ShortTag(); t != "!!int" && t != "!!float" {
		return 0, bad(ErrWrongType, n, "a number", nil)
	}
	var v float64
	if err := n.Decode(&v); err != nil {
		return 0, bad(ErrOutOfRange, n, "a number that fits a float64", err)
	}
	return v, nil
}

func parseSeed(n *yaml.Node) (uint64, *FileError) {
	if n.ShortTag() != "!!int" {
		return 0, bad(ErrWrongType, n, "an integer", nil)
	}
	var v uint64
	if err := n.Decode(&v); err != nil {
		return 0, bad(ErrOutOfRange, n, "0..18446744073709551615", err)
	}
	return v, nil
}

func parseRepeats(n *yaml.Node) (int, *FileError) {
	v, fe := parseInt(n)
	if fe == nil && (v < 1 || v > MaxCombinations) {
		fe = bad(ErrOutOfRange, n, fmt.Sprintf("1..%d", MaxCombinations), nil)
	}
	return v, fe
}

func parseDuration(n *yaml.Node) (time.Duration, *FileError) {
	d, err := time.ParseDuration(n.Value)
	if err != nil {
		return 0, bad(ErrInvalidValue, n, "a duration such as 125us, 50ms or 1s", err)
	}
	return d, nil
}

// sampleStartForms says what workload.sample_start accepts.
const sampleStartForms = "provided (when the builder's last provide ends), or a duration >= 0 from the slot's start"

// parseSampleStart reads workload.sample_start: "provided" is
// AfterProvides.
func parseSampleStart(n *yaml.Node) (time.Duration, *FileError) {
	if n.Value == "provided" {
		return AfterProvides, nil
	}
	d, fe := parseDuration(n)
	if fe == nil && d < 0 {
		fe = bad(ErrOutOfRange, n, sampleStartForms, nil)
	}
	return d, fe
}

func formatSampleStart(d time.Duration) string {
	if d == AfterProvides {
		return "provided"
	}
	return d.String()
}

// republishAllowed says what republish accepts: workload.Availability's
// bounds.
var republishAllowed = fmt.Sprintf("0s (never) or a duration in %v..%v", workload.MinRepublish, workload.MaxRepublish)

func parseNonNegDuration(n *yaml.Node) (time.Duration, *FileError) {
	d, fe := parseDuration(n)
	if fe == nil && d < 0 {
		fe = bad(ErrOutOfRange, n, "a duration >= 0 (0s: off)", nil)
	}
	return d, fe
}

func parseDelayRange(n *yaml.Node) (network.DelayRange, *FileError) {
	r, err := network.ParseDelayRange(n.Value)
	if err != nil {
		// ParseDelayRange checks the bounds of a range itself; its typed
		// error says what they are.
		var ce *network.ConfigError
		if errors.As(err, &ce) {
			return r, bad(ErrOutOfRange, n, ce.Allowed, err)
		}
		return r, bad(ErrInvalidValue, n, "a delay range MIN-MAX such as 50ms-100ms, or one duration such as 1s", err)
	}
	return r, nil
}

func parseRule(n *yaml.Node) (lookup.Rule, *FileError) {
	r, err := lookup.ParseRule(n.Value)
	if err != nil {
		return r, bad(ErrInvalidValue, n, "default, "+strings.Join(lookup.Rules(), ", "), err)
	}
	return r, nil
}

func parseProfile(n *yaml.Node) (dht.Profile, *FileError) {
	p, err := dht.ParseProfile(n.Value)
	if err != nil {
		return p, bad(ErrInvalidValue, n, strings.Join(profileNames(), ", "), err)
	}
	return p, nil
}

func parseWorkloadType(n *yaml.Node) (WorkloadType, *FileError) {
	t, err := ParseWorkloadType(n.Value)
	if err != nil {
		return t, bad(ErrInvalidValue, n, "retrieval, slot, availability", err)
	}
	return t, nil
}

func parseFill(n *yaml.Node) (dht.Fill, *FileError) {
	f, err := dht.ParseFill(n.Value)
	if err != nil {
		return 0, bad(ErrInvalidValue, n, "default, random, closest, grown", err)
	}
	return f, nil
}

func parseTables(n *yaml.Node) (dht.Tables, *FileError) {
	t, err := dht.ParseTables(n.Value)
	if err != nil {
		return t, bad(ErrInvalidValue, n, "auto, eager, on-demand", err)
	}
	return t, nil
}

func parsePolicy(n *yaml.Node) (string, *FileError) {
	for _, p := range policies {
		if n.Value == p {
			return p, nil
		}
	}
	return "", bad(ErrInvalidValue, n, strings.Join(policies, ", "), nil)
}

func parseLatency(n *yaml.Node) (string, *FileError) {
	if strings.TrimSpace(n.Value) == "" {
		return "", bad(ErrInvalidValue, n, "uniform, discv5, ipfs, aws, or the path of a latency YAML file", nil)
	}
	return n.Value, nil
}

// MaxStudyNameLen bounds a study's name: a folder name, with room for a
// runner's prefixes and suffixes.
const MaxStudyNameLen = 64

var namePattern = regexp.MustCompile(fmt.Sprintf(`^[A-Za-z0-9_-]{1,%d}$`, MaxStudyNameLen))

func parseName(n *yaml.Node) (string, *FileError) {
	if !namePattern.MatchString(n.Value) {
		return "", bad(ErrInvalidValue, n, fmt.Sprintf("letters, digits, '-' and '_' (1 to %d of them)", MaxStudyNameLen), nil)
	}
	return n.Value, nil
}

// churnForms describes the churn models.
const churnForms = "none, ipfs, exp:ON,OFF (exponential sessions and absences with these means, e.g. exp:1h,30m) " +
	"or weibull:SHAPE,SCALE (Weibull sessions, e.g. weibull:0.5,1h)"

func parseChurn(n *yaml.Node) (string, *FileError) {
	s, err := canonicalChurn(n.Value)
	if err != nil {
		return "", bad(ErrInvalidValue, n, churnForms, err)
	}
	return s, nil
}

// canonicalChurn checks the syntax of a churn model and writes it in
// canonical form: durations as Go prints them, so that exp:60m,30m and
// exp:1h,30m are one value. It checks only the syntax and the signs: the
// churn package, when it exists, checks the rest through ValidateRealism.
func canonicalChurn(s string) (string, error) {
	if s == "none" || s == "ipfs" {
		return s, nil
	}
	model, args, ok := strings.Cut(s, ":")
	a, b, ok2 := strings.Cut(args, ",")
	if !ok || !ok2 || (model != "exp" && model != "weibull") {
		return "", fmt.Errorf("churn %q: want none, ipfs, exp:ON,OFF or weibull:SHAPE,SCALE", s)
	}
	second, err := time.ParseDuration(strings.TrimSpace(b))
	if err != nil || second <= 0 {
		return "", fmt.Errorf("churn %q: %q is not a duration > 0", s, b)
	}
	if model == "exp" {
		first, err := time.ParseDuration(strings.TrimSpace(a))
		if err != nil || first <= 0 {
			return "", fmt.Errorf("churn %q: %q is not a duration > 0", s, a)
		}
		return "exp:" + first.String() + "," + second.String(), nil
	}
	shape, err := strconv.ParseFloat(strings.TrimSpace(a), 64)
	if err != nil || !(shape > 0) || math.IsInf(shape, 0) {
		return "", fmt.Errorf("churn %q: shape %q is not a number > 0", s, a)
	}
	return "weibull:" + formatFloat(shape) + "," + second.String(), nil
}
