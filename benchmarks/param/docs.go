package param

import (
	"fmt"
	"io"
	"strings"

	"github.com/go-dht/go-dht/dht"
)

// defaultText is p's default for the docs: go-dht's own profile's, then
// the profiles whose default differs ("beta (pydht: pydht; discv5:
// kclosest)"). The termination rule and the fill show as the profile
// reads them.
func defaultText(p *Param) string {
	if p.DefaultDoc != "" {
		return p.DefaultDoc
	}
	if p.Key == "profile" {
		return dht.ProfileGoDHT.String() // the profile is no profile's default
	}
	var texts, names []string
	for _, pr := range Profiles() {
		t := Retrieval
		if len(p.Types) > 0 {
			t = p.Types[0]
		}
		d := Defaults(pr, t)
		d = d.resolveRules()
		texts = append(texts, typeDefaults(p, &d))
		names = append(names, pr.String())
	}
	// go-dht's own profile's, then the profiles that differ.
	var others []string
	for i := range texts[1:] {
		if texts[i+1] != texts[0] {
			others = append(others, names[i+1]+": "+texts[i+1])
		}
	}
	if len(others) == 0 {
		return texts[0]
	}
	return texts[0] + " (" + strings.Join(others, "; ") + ")"
}

// typeDefaults writes p's default in d, with the defaults of other
// workload types when they differ ("100 (slot: 73, availability: 1)").
func typeDefaults(p *Param, d *Settings) string {
	s := p.Format(p.Get(d))
	var others []string
	for _, t := range WorkloadTypes() {
		if t == d.Workload.Type || !p.Belongs(t) || !p.IsWorkloadKey() || p.Single {
			continue
		}
		e := *d
		e.Workload.Type = t
		if o := p.Format(p.Get(&e)); o != s {
			others = append(others, t.String()+": "+o)
		}
	}
	if len(others) > 0 {
		s += " (" + strings.Join(others, ", ") + ")"
	}
	if p.Key == "beta" && s == "0" {
		s = "0 (k)"
	}
	return s
}

// resolveRules writes out the termination rule and the fill as the
// profile reads them (default is the profile's).
func (s Settings) resolveRules() Settings {
	e := s.Config.Effective()
	s.Config.Client.Termination, s.Config.Fill = e.Client.Termination, e.Fill
	return s
}

// where says where p is given and what it applies to, for the docs.
func where(p *Param) string {
	var parts []string
	for _, n := range useNames {
		if p.Use&n.u == 0 {
			continue
		}
		part := n.name
		switch {
		case n.u == Study && p.Types != nil:
			part += " (" + typeList(p.Types) + ")"
		case n.u == Study && p.HonouredBy != nil:
			part += " (" + typeList(p.HonouredBy) + " only)"
		case n.u == Bench && p.Benchmarks != nil:
			part += " (" + strings.Join(p.Benchmarks, ", ") + ")"
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, "; ")
}

func typeList(ts []WorkloadType) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.String()
	}
	return strings.Join(names, ", ")
}

// flagsText lists p's flags, for the docs.
func flagsText(p *Param) []string {
	var fs []string
	if p.Flag != "" {
		fs = append(fs, "-"+p.Flag)
	}
	if p.BenchFlag != "" {
		fs = append(fs, "-"+p.BenchFlag+" (benchmarks)")
	}
	if p.ListFlag != "" {
		fs = append(fs, "-"+p.ListFlag+" (dhtsim crawl, a list)")
	}
	return fs
}

// typeText names p's type and unit.
func typeText(p *Param) string {
	if p.Unit != "" {
		return p.kind.typ + " (" + p.Unit + ")"
	}
	return p.kind.typ
}

// Markdown returns the table of every parameter, in Markdown: the
// README's, which a test keeps equal to it (dhtsim params -markdown
// prints it).
func Markdown() string {
	var b strings.Builder
	b.WriteString("| key | flag | type | default | allowed | where | what |\n|---|---|---|---|---|---|---|\n")
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	code := func(s string) string {
		if s == "" {
			return ""
		}
		return "`" + s + "`"
	}
	for _, p := range registry {
		var flags []string
		for _, f := range flagsText(p) {
			name, note, _ := strings.Cut(f, " ")
			flags = append(flags, code(name)+strings.TrimSuffix(" "+note, " "))
		}
		def := defaultText(p)
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", code(p.Key), cell(strings.Join(flags, ", ")), cell(typeText(p)),
			cell(code(def)), cell(p.Allowed()), cell(where(p)), cell(p.Doc))
	}
	return b.String()
}

// WriteText writes every parameter for a terminal (dhtsim params): its
// key and flags, type, default (per profile), range, where it is given,
// and its doc.
func WriteText(w io.Writer) error {
	for _, p := range registry {
		head := p.Key
		if fs := flagsText(p); len(fs) > 0 {
			head += "  " + strings.Join(fs, ", ")
		}
		def := defaultText(p)
		if def == "" {
			def = "none"
		}
		if _, err := fmt.Fprintf(w, "%s\n    %s\n    type %s; default %s\n    allowed %s\n    in %s\n", head, p.Doc, typeText(p), def, p.Allowed(), where(p)); err != nil {
			return err
		}
	}
	return nil
}

// ProfileDefault returns p's default under profile pr, canonically, for
// a study of workload type t.
func ProfileDefault(p *Param, pr dht.Profile, t WorkloadType) string {
	return p.Format(p.DefaultFor(pr, t))
}
