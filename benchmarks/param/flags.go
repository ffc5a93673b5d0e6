package param

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/go-dht/go-dht/dht"
)

// Flags reads the flags of one command (the places u) into Settings: each
// parameter of u with a flag there, and the list flags of dhtsim crawl. A
// value is checked when it is read; a bad one does not stop the parse
// (the flag package would stop at the first and print the whole usage):
// Problems returns every one, naming the flag, the value and what the
// flag allows, with what Validate finds in the others. The defaults are
// the profile's, whatever the order of the flags (-profile pydht after
// -k 30 still keeps k 30).
type Flags struct {
	u     Use
	given map[*Param]any
	order []*Param
	lists map[*Param][]any
	// bad holds the messages of the values refused, and their parameters.
	bad    []string
	badFor []*Param
}

// NewFlags returns the flags of the places u (Bench, Crawl, RunCmd, ...).
func NewFlags(u Use) *Flags {
	return &Flags{u: u, given: map[*Param]any{}, lists: map[*Param][]any{}}
}

// FlagParams returns the parameters with a flag in the places of u, in
// the registry's order.
func FlagParams(u Use) []*Param {
	var ps []*Param
	for _, p := range registry {
		if p.FlagFor(u) != "" || u == Crawl && p.Use&Crawl != 0 && p.ListFlag != "" {
			ps = append(ps, p)
		}
	}
	return ps
}

// Register defines the flags on fs.
func (f *Flags) Register(fs *flag.FlagSet) {
	for _, p := range FlagParams(f.u) {
		if name := p.FlagFor(f.u); name != "" {
			fs.Var(flagValue{f: f, p: p, name: name}, name, usageLine(p, f.u))
		}
		if p.ListFlag != "" && f.u == Crawl {
			fs.Var(flagValue{f: f, p: p, name: p.ListFlag, list: true}, p.ListFlag, usageLine(p, f.u))
		}
	}
}

// Given reports whether p's flag (or its list flag) was given.
func (f *Flags) Given(p *Param) bool {
	_, one := f.given[p]
	_, list := f.lists[p]
	return one || list
}

// List returns the values of p's list flag, or nil when it was not
// given.
func (f *Flags) List(p *Param) []any { return f.lists[p] }

// Settings returns the defaults of the profile given (godht when none)
// with every flag given set.
func (f *Flags) Settings() Settings {
	profile := dht.ProfileGoDHT
	if v, ok := f.given[MustKey("profile")]; ok {
		profile = v.(dht.Profile)
	}
	s := Defaults(profile, Retrieval)
	for _, p := range f.order {
		p.Set(&s, f.given[p])
	}
	return s
}

// Problems returns every mistake of the flags, one message each: the
// values refused when they were read ("-n = 0: out of range; allowed
// ..."), then what Validate finds in the settings in the places u, those
// values left out.
func (f *Flags) Problems(s Settings) []string {
	msgs := slices.Clone(f.bad)
	for _, pr := range Validate(s, f.u, f.badFor...) {
		if m := pr.Message(f.u); !slices.Contains(msgs, m) {
			msgs = append(msgs, m)
		}
	}
	return msgs
}

// flagValue is the flag.Value of a parameter (or of its list flag).
type flagValue struct {
	f    *Flags
	p    *Param
	name string
	list bool
}

// String returns the default, as the flag package shows it.
func (v flagValue) String() string {
	if v.p == nil {
		return ""
	}
	return v.p.Format(v.p.DefaultFor(dht.ProfileGoDHT, Retrieval))
}

// IsBoolFlag lets a switch be given alone (-huge).
func (v flagValue) IsBoolFlag() bool { return v.p != nil && v.p.kind.scalar == Switch }

// Set reads a value, or a comma-separated list of them for a list flag.
// A value refused is kept for Problems, and the parse goes on.
func (v flagValue) Set(s string) error {
	if err := v.set(s); err != nil {
		v.f.bad = append(v.f.bad, fmt.Sprintf("-%s = %s: %v", v.name, quoteIfNeeded(s), err))
		v.f.badFor = append(v.f.badFor, v.p)
	}
	return nil
}

// set reads a value; its error says what the flag allows.
func (v flagValue) set(s string) error {
	if !v.list {
		x, err := v.p.Parse(s)
		if err != nil {
			return flagError(err)
		}
		if _, ok := v.f.given[v.p]; !ok {
			v.f.order = append(v.f.order, v.p)
		}
		v.f.given[v.p] = x
		return nil
	}
	var xs []any
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		x, err := v.p.Parse(part)
		if err != nil {
			return flagError(err)
		}
		// 10 and 1e1 are one value: one crawl twice into one folder.
		text := v.p.Format(x)
		if seen[text] {
			return fmt.Errorf("%s given twice; each value once", text)
		}
		seen[text] = true
		xs = append(xs, x)
	}
	v.f.lists[v.p] = xs
	return nil
}

// flagError rewrites a ValueError for a message that names the flag and
// the value: its class, and what is allowed (the narrowest account: the
// part of a spec that is wrong, the bound it breaks), as a study's errors
// say it.
func flagError(err error) error {
	var ve *ValueError
	if !errors.As(err, &ve) {
		return err
	}
	return fmt.Errorf("%v; allowed %s", ve.Kind, ve.Allowed)
}

// usageLine is a flag's line of help in the places u: the doc, what the
// flag allows and its default (per profile when they differ); a switch
// says only what it does.
func usageLine(p *Param, u Use) string {
	s := p.Doc
	if d, ok := p.UseDoc[u]; ok {
		s = d
	}
	if p.kind.scalar == Switch {
		return s
	}
	s += " (" + p.Allowed()
	if def := defaultText(p); def != "" {
		s += "; default " + def
	}
	return s + ")"
}

// PrintFlags writes the flags of the places u, one per parameter: the
// flag and its type, then its doc, range and default.
func PrintFlags(w io.Writer, u Use) {
	for _, p := range FlagParams(u) {
		names := []string{}
		if name := p.FlagFor(u); name != "" {
			names = append(names, "-"+name+" "+argName(p))
		}
		if p.ListFlag != "" && u == Crawl {
			names = append(names, "-"+p.ListFlag+" "+argName(p)+"[,...]")
		}
		fmt.Fprintf(w, "  %s\n    \t%s\n", strings.TrimSpace(strings.Join(names, ", ")), usageLine(p, u))
	}
}

// argName names a flag's argument in the help.
func argName(p *Param) string {
	switch p.kind.scalar {
	case Switch:
		return ""
	case Integer:
		return "N"
	case Number:
		return "X"
	}
	switch p.kind.typ {
	case "duration":
		return "DURATION"
	case "delay range":
		return "MIN-MAX"
	case "one of":
		return "NAME"
	case "path":
		return "DIR"
	case "shard":
		return "i/n"
	}
	return "SPEC"
}

// quoteIfNeeded quotes a value that would not print as itself: empty, with
// spaces or commas at its ends, or with control characters.
func quoteIfNeeded(v string) string {
	if v == "" || strings.TrimSpace(v) != v || strings.ContainsFunc(v, func(r rune) bool { return r < ' ' }) {
		return strconv.Quote(v)
	}
	return v
}
