package study

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/go-dht/go-dht/benchmarks/param"
)

// keyDef is one key of the format: a parameter of the registry given in
// study files (param.Study), read with its form and range.
type keyDef struct {
	p *param.Param
	// key is the key's path in the file: "alpha", "workload.samples".
	key string
	// listable keys may be given a list of values, to sweep.
	listable bool
	// types are the workload types a workload key belongs to; nil for the
	// other keys.
	types []WorkloadType
	// tag is the YAML tag of the canonical value: "" for numbers (plain),
	// "!!str" for strings, which the encoder quotes when needed.
	tag string
	// composite keys take a YAML list of mappings as one value (a slot's
	// classes), and a list of such lists as a sweep (param.Mappings).
	composite bool
}

// name is the key's name without the "workload." prefix: its name in its
// mapping and its part of a combination's name. No workload key has the
// name of a model key (the registry's test checks it).
func (d *keyDef) name() string { return d.p.StudyKey() }

// belongs reports whether a workload key belongs to workload type t;
// every other key belongs to all.
func (d *keyDef) belongs(t WorkloadType) bool { return d.p.Belongs(t) }

// get formats the key's value in s canonically.
func (d *keyDef) get(s *Params) string { return d.p.String(s) }

// keyDefs is every key but workload (the mapping), in the registry's
// order: the order of Canonical, ParamsYAML and the summary columns.
var keyDefs = func() []keyDef {
	var defs []keyDef
	for _, p := range param.Of(param.Study) {
		tag := "!!str"
		if s := p.Scalar(); s == param.Integer || s == param.Number {
			tag = ""
		}
		var types []WorkloadType
		if p.IsWorkloadKey() {
			types = p.Types
			if types == nil {
				types = param.WorkloadTypes()
			}
		}
		defs = append(defs, keyDef{p: p, key: p.Key, listable: !p.Single, types: types, tag: tag, composite: p.Scalar() == param.Mappings})
	}
	return defs
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
// summary columns, and the workload's type.
const (
	nameKey    = "name"
	repeatsKey = "repeats"
	typeKey    = "workload.type"
	profileKey = "profile"
)

// bad returns a value error of class kind.
func bad(kind error, n *yaml.Node, allowed string, err error) *FileError {
	return &FileError{Kind: kind, Value: n.Value, Allowed: allowed, Err: err}
}

// parseValue reads a scalar of d that is not null: its YAML type must be
// the parameter's (an integer for a count, a number for a rate), then its
// form and range the parameter's. The error has no position and no key
// (the caller adds them).
func (d *keyDef) parseValue(n *yaml.Node) (any, *FileError) {
	p := d.p
	text := n.Value
	switch p.Scalar() {
	case param.Integer:
		if n.ShortTag() != "!!int" {
			return nil, bad(ErrWrongType, n, p.Allowed(), nil)
		}
		// YAML's forms of integers (0x0a, 2_000): decoded, then read in
		// decimal.
		var v int64
		if err := n.Decode(&v); err != nil {
			var u uint64
			if err := n.Decode(&u); err != nil {
				return nil, bad(ErrOutOfRange, n, p.Allowed(), err)
			}
			text = strconv.FormatUint(u, 10)
		} else {
			text = strconv.FormatInt(v, 10)
		}
	case param.Number:
		if t := n.ShortTag(); t != "!!int" && t != "!!float" {
			return nil, bad(ErrWrongType, n, p.Allowed(), nil)
		}
		var v float64
		if err := n.Decode(&v); err != nil || math.IsNaN(v) {
			return nil, bad(ErrOutOfRange, n, p.Allowed(), &param.ValueError{Param: p, Value: n.Value, Kind: ErrOutOfRange, Err: err, Allowed: p.Allowed()})
		}
		text = strconv.FormatFloat(v, 'g', -1, 64)
	}
	v, err := p.Parse(text)
	if err != nil {
		var ve *param.ValueError
		if !errors.As(err, &ve) {
			return nil, bad(ErrInvalidValue, n, p.Allowed(), err)
		}
		return nil, bad(ve.Kind, n, ve.Allowed, ve)
	}
	return v, nil
}

// MaxStudyNameLen bounds a study's name: a folder name, with room for a
// runner's prefixes and suffixes.
const MaxStudyNameLen = param.MaxStudyNameLen

// keyNames lists the keys allowed in a mapping: the top level (prefix "")
// or the workload, of type wtype when known.
func keyNames(prefix string, wtype *WorkloadType) []string {
	var names []string
	for i := range keyDefs {
		d := &keyDefs[i]
		if (d.types == nil) != (prefix == "") || wtype != nil && !d.belongs(*wtype) {
			continue
		}
		names = append(names, d.name())
	}
	if prefix == "" {
		names = append(names, "workload")
	}
	return names
}

// suggest says what an unknown key could have been.
func suggest(word, prefix string, wtype *WorkloadType) string {
	names := keyNames(prefix, wtype)
	allowed := "one of " + strings.Join(names, ", ")
	if word == "<<" {
		return allowed + " (merge keys are not supported: write each key)"
	}
	norm := strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(word))
	best, bestDist := "", 3
	for _, n := range names {
		if len(norm) > 2*len(n)+3 {
			continue // too far anyway; and a long key must not cost much
		}
		// Two edits on a short key make it another word.
		if d := editDistance(norm, n); d < bestDist && (d <= 1 || len(n) >= 4) {
			best, bestDist = n, d
		}
	}
	if best != "" {
		return allowed + " (did you mean " + best + "?)"
	}
	if prefix == "" {
		if _, ok := keyIndex["workload."+word]; ok {
			return allowed + " (" + word + " is a workload key: put it under workload:)"
		}
	}
	return allowed
}

// editDistance is the Levenshtein distance between two keys.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// describeKey is a short account of a key for errors: what it takes.
func describeKey(d *keyDef) string { return fmt.Sprintf("%s (%s)", d.key, d.p.Allowed()) }
