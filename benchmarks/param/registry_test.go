package param

import (
	"errors"
	"flag"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/network/bandwidth"
	"github.com/go-dht/go-dht/network/churn"
	"github.com/go-dht/go-dht/network/reach"
)

// notParameters are the fields of the configurations that no parameter
// sets, each with the reason.
var notParameters = map[string]string{
	"Config.Network.NetworkID":      "tells apart networks one program builds with one seed (py-dht's networkid); no study or command builds two",
	"Config.Network.PyDHT":          "set from Profile by dht.Config.Effective",
	"Config.Network.DiscardRecords": "an output choice of each command: -no-records (dhtsim run), -records (dhtsim crawl); the benchmarks keep records where they write them",
	"Crawl.Options.Bootstrap":       "the bootstrap peers are drawn from the seed; bootstrap is their number",
	"Crawl.Options.Op":              "operation ids, which the program numbers",
}

// leafTypes are struct types that are one value of a parameter, not a
// configuration to walk into.
var leafTypes = []reflect.Type{reflect.TypeFor[network.DelayRange](), reflect.TypeFor[churn.Model](), reflect.TypeFor[reach.Model](),
	reflect.TypeFor[bandwidth.Spec]()}

// leaves returns the paths of the fields under t, prefixed by path.
func leaves(path string, t reflect.Type) []string {
	if t.Kind() != reflect.Struct || slices.Contains(leafTypes, t) {
		return []string{path}
	}
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.IsExported() {
			out = append(out, leaves(path+"."+f.Name, f.Type)...)
		}
	}
	if len(out) == 0 {
		return []string{path} // a value with no exported field is one value
	}
	return out
}

// Every field of dht.Config (nested structs included), of the workload
// configurations of dht/workload and of crawler.Options is set by a
// parameter of the registry, or is one of the listed exceptions: a field
// added to the configuration fails this test until it gets its entry.
func TestEveryConfigurationFieldHasAParameter(t *testing.T) {
	var fields []string
	fields = append(fields, leaves("Config", reflect.TypeFor[dht.Config]())...)
	for _, name := range workloadFields {
		f, _ := reflect.TypeFor[Workload]().FieldByName(name)
		fields = append(fields, leaves("Workload."+name, f.Type)...)
	}
	f, _ := reflect.TypeFor[CrawlOptions]().FieldByName("Options")
	fields = append(fields, leaves("Crawl.Options", f.Type)...)
	for _, path := range fields {
		ps := ByField(path) // a field a parameter sets, or builds (latency)
		why, excepted := notParameters[path]
		switch {
		case len(ps) == 0 && !excepted:
			t.Errorf("%s: no parameter sets it; add an entry to the registry (or an exception with its reason)", path)
		case len(ps) > 0 && excepted:
			t.Errorf("%s: set by %s, yet listed as no parameter's (%s)", path, ps[0].Key, why)
		case len(ps) > 1:
			t.Errorf("%s: set by %d parameters (%s and %s)", path, len(ps), ps[0].Key, ps[1].Key)
		}
	}
	for path := range notParameters {
		if !slices.Contains(fields, path) {
			t.Errorf("exception %s is no field of the configuration", path)
		}
	}
}

// Each parameter's field paths lead to fields of its values' type, and
// setting a value sets each of them: the registry's "how it sets the
// configuration" is what Set does.
func TestSetSetsTheDeclaredFields(t *testing.T) {
	for _, p := range registry {
		for i, path := range p.Fields {
			s := Defaults(dht.ProfileGoDHT, Retrieval)
			if ft := p.fieldType[i]; ft >= 0 {
				s.Workload.Type = WorkloadType(ft)
			}
			before := reflect.ValueOf(s).FieldByIndex(p.fields[i]).Interface()
			// A value of the field's type that differs from the default:
			// a zero value, or the default of another profile, or the
			// field's own value with a bit changed.
			v := otherValue(t, p, before)
			if v == nil {
				continue
			}
			p.Set(&s, v)
			if got := reflect.ValueOf(s).FieldByIndex(p.fields[i]).Interface(); !reflect.DeepEqual(got, v) {
				t.Errorf("%s: Set(%v) left %s = %v", p.Key, v, path, got)
			}
			if got := p.Get(&s); !reflect.DeepEqual(got, v) {
				t.Errorf("%s: Get after Set(%v) = %v", p.Key, v, got)
			}
		}
	}
}

// otherValue returns a valid value of p other than v, or nil when the
// test cannot make one.
func otherValue(t *testing.T, p *Param, v any) any {
	t.Helper()
	for _, s := range []string{"0", "1", "2", "3", "5", "7", "10ms", "2s", "1h", "true", "false", "oldest", "closest", "pydht", "godht",
		"stale", "beta", "eager", "grown", "tcp", "quic", "ipfs", "discv5", "slot", "availability", "x", "1/2", "bar", "all", "5ms-7ms"} {
		if x, err := p.Parse(s); err == nil && !reflect.DeepEqual(x, v) {
			return x
		}
	}
	t.Logf("%s: no other value to set", p.Key)
	return nil
}

// The default of every model parameter is its profile's
// (dht.ProfileDefaults): its value there under each profile, unless the
// parameter declares its own (beta: 0, which reads as k).
func TestDefaultsAreTheProfiles(t *testing.T) {
	for _, pr := range Profiles() {
		want := Settings{Config: dht.ProfileDefaults(pr)}
		got := Defaults(pr, Retrieval)
		for _, p := range registry {
			if !strings.HasPrefix(p.Fields[0], "Config.") || p.Default != "" || p.profileDefault != nil {
				continue
			}
			if g, w := p.Get(&got), p.Get(&want); !reflect.DeepEqual(g, w) {
				t.Errorf("profile %v: default of %s = %v, want the profile's %v", pr, p.Key, g, w)
			}
		}
	}
}

// Every default is in its parameter's range and reads back from its
// canonical text as itself.
func TestDefaultsParseBack(t *testing.T) {
	for _, pr := range Profiles() {
		for _, wt := range WorkloadTypes() {
			s := Defaults(pr, wt)
			for _, p := range registry {
				v := p.Get(&s)
				if !p.InRange(v) && p.Key != "out" && p.Key != "shard" {
					t.Errorf("%v/%v: default of %s, %v, is out of its range (%s)", pr, wt, p.Key, v, p.Allowed())
				}
				text := p.Format(v)
				back, err := p.kind.parse(text)
				if err != nil || !reflect.DeepEqual(back, v) {
					t.Errorf("%v/%v: %s's default %q reads back as %v (%v)", pr, wt, p.Key, text, back, err)
				}
			}
		}
	}
}

// Keys are snake_case, flags kebab-case, every flag names one parameter
// in each place, and no table of CSVs has a repeated column name.
func TestNamesAreUnique(t *testing.T) {
	for _, p := range registry {
		if strings.ToLower(p.Key) != p.Key || strings.ContainsAny(p.Key, "- ") {
			t.Errorf("key %q is not snake_case", p.Key)
		}
		for _, f := range []string{p.Flag, p.BenchFlag, p.ListFlag} {
			if strings.ToLower(f) != f || strings.ContainsAny(f, "_ ") {
				t.Errorf("%s: flag %q is not kebab-case", p.Key, f)
			}
		}
		if p.Doc == "" || p.Allowed() == "" {
			t.Errorf("%s: no doc or no range", p.Key)
		}
	}
	for _, u := range []Use{Bench, Crawl, RunCmd, CheckCmd, MergeCmd, ParamsCmd} {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		NewFlags(u).Register(fs) // the flag package panics on a name defined twice
	}
	for _, tb := range []Table{StudyTable, BenchOps, BenchRounds, CrawlTable} {
		names := ColumnNames(Columns(tb))
		for i, n := range names {
			if slices.Index(names, n) != i {
				t.Errorf("table %d: column %s twice", tb, n)
			}
		}
	}
}

// Durations are seconds in columns ending _s; a parameter's cell is its
// resolved value (beta 0 is k; the termination rule and the fill the
// profile's).
func TestCellsAreResolvedSeconds(t *testing.T) {
	s := Defaults(dht.ProfilePyDHT, Retrieval)
	s.Config.Network.Gamma = 125 * time.Microsecond
	cols := Columns(BenchOps)
	cells := map[string]string{}
	for i, c := range Cells(s, cols, "Lookup") {
		cells[cols[i].Column()] = c
		if cols[i].kind.seconds != strings.HasSuffix(cols[i].Column(), "_s") {
			t.Errorf("column %s of a %s", cols[i].Column(), cols[i].kind.typ)
		}
	}
	for col, want := range map[string]string{"gamma_s": "0.000125", "beta": "20", "termination": "pydht", "fill": "closest",
		"profile": "pydht", "lookups": "1000", "segments": "", "in_flight": ""} {
		if cells[col] != want {
			t.Errorf("cell %s = %q, want %q", col, cells[col], want)
		}
	}
}

// An explicit flag overrides the profile's default whatever the order of
// the flags; the others take the profile's.
func TestFlagsOverrideTheProfile(t *testing.T) {
	f := NewFlags(Bench)
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f.Register(fs)
	if err := fs.Parse([]string{"-termination", "stale", "-k", "8", "-profile", "pydht"}); err != nil {
		t.Fatal(err)
	}
	s := f.Settings()
	if s.Config.Profile != dht.ProfilePyDHT || s.Config.Client.K != 8 || s.Config.Client.Termination.String() != "stale" || s.Config.Client.Policy.String() != "closest" {
		t.Errorf("settings %+v: want pydht, k 8, termination stale (explicit), policy closest (the profile's)", s.Config.Client)
	}
}

// Each command has the flags of the parameters given there and no other:
// dhtsim crawl has no lookup flag.
func TestCommandsHaveTheirFlags(t *testing.T) {
	for _, tc := range []struct {
		u        Use
		has, not []string
	}{
		{Crawl, []string{"n", "k", "inflight", "fast-error-rates", "fast-error-rate", "latency", "churn", "out", "requests", "timeout", "workers"},
			[]string{"alpha", "steps", "termination", "beta", "crawl-inflight", "lookups", "tag"}},
		{Bench, []string{"n", "alpha", "termination", "crawl-inflight", "crawl-timeout", "lookups", "tag", "republish", "huge"},
			[]string{"inflight", "timeout", "shard", "progress"}},
		{RunCmd, []string{"out", "shard", "workers", "progress", "no-records"}, []string{"n", "alpha", "tag"}},
		{MergeCmd, []string{"out"}, []string{"workers", "shard"}},
		{CheckCmd, nil, []string{"out", "workers"}},
	} {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		NewFlags(tc.u).Register(fs)
		for _, name := range tc.has {
			if fs.Lookup(name) == nil {
				t.Errorf("%v: no flag -%s", tc.u, name)
			}
		}
		for _, name := range tc.not {
			if fs.Lookup(name) != nil {
				t.Errorf("%v: flag -%s, which does not apply there", tc.u, name)
			}
		}
	}
}

// Validate names the parameters at fault, every one at once: ranges,
// the model's bounds on values together (beta above k, the error rates'
// sum), and not a bound that depends on a value found wrong.
func TestValidateNamesTheParameters(t *testing.T) {
	s := Defaults(dht.ProfileGoDHT, Retrieval)
	s.Config.Client.Alpha = 0
	s.Config.Client.Beta = 30
	s.Config.Network.FastErrorRate, s.Config.Network.SlowErrorRate = 60, 50
	s.Bench.Lookups = 0
	var got []string
	for _, pr := range Validate(s, Bench) {
		got = append(got, strings.Join(pr.Keys(), "/")+": "+pr.Message(Bench))
	}
	// Ranges first, then the model's bounds in dht.Config.Validate's order.
	want := []string{"alpha", "lookups", "fast_error_rate/slow_error_rate", "beta"}
	if len(got) != len(want) {
		t.Fatalf("problems %q, want one each for %v", got, want)
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i], w+": -") {
			t.Errorf("problem %d = %q, want %s's, naming its flag", i, got[i], w)
		}
	}
	if !strings.Contains(got[2], "60 + 50 = 110") {
		t.Errorf("sum of the error rates: %q", got[2])
	}
	// With k wrong, beta is not checked against the default standing in
	// for it.
	s = Defaults(dht.ProfileGoDHT, Retrieval)
	s.Config.Client.K, s.Config.Client.Beta = 0, 30
	prs := Validate(s, Study)
	if len(prs) != 1 || prs[0].Params[0].Key != "k" || !errors.Is(prs[0].Kind, ErrOutOfRange) {
		t.Errorf("k 0, beta 30: %+v, want k's problem alone", prs)
	}
}

// update rewrites the README's table of parameters from the registry.
var update = flag.Bool("update", false, "rewrite the README's table of parameters (go test ./benchmarks/param -run README -update)")

// The README's table of parameters is the registry's (Markdown): regenerate
// it with go test ./benchmarks/param -run README -update, or print it with
// go run ./cmd/dhtsim params -markdown.
func TestREADMETableIsGenerated(t *testing.T) {
	const path = "../../README.md"
	const begin, end = "<!-- parameters: generated by dhtsim params -markdown; do not edit -->\n", "<!-- end of parameters -->\n"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md has no table of parameters between %q and %q", begin, end)
	}
	table := Markdown()
	if s[i+len(begin):j] == table {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(s[:i+len(begin)]+table+s[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's table of parameters is not the registry's: run go test ./benchmarks/param -run README -update")
}
