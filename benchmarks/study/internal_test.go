package study

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/go-dht/go-dht/benchmarks/param"
	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/routing"
)

// Every field dht.Config.Validate can name maps to study keys, and the
// repairs let a grid point's validation find every bad field of a
// configuration, not only the first, without inventing errors (beta is not
// checked against a k found wrong).
func TestValidateModel(t *testing.T) {
	base := func() Params { return param.Defaults(dht.ProfileGoDHT, Retrieval).Resolve() }
	for _, tc := range []struct {
		name string
		edit func(*Params)
		want []string // keys of the problems, in order
	}{
		{"valid", func(p *Params) {}, nil},
		{"nodes", func(p *Params) { p.Config.Nodes = 0 }, []string{"nodes"}},
		{"k", func(p *Params) { p.Config.Client.K = routing.MaxK + 1 }, []string{"k"}},
		{"k, beta from k", func(p *Params) { p.Config.Client.K, p.Config.Client.Beta = 0, 0 }, []string{"k"}},
		{"k and beta", func(p *Params) { p.Config.Client.K, p.Config.Client.Beta = 0, -1 }, []string{"k"}},
		{"beta above k", func(p *Params) { p.Config.Client.Beta = 30 }, []string{"beta"}},
		{"alpha", func(p *Params) { p.Config.Client.Alpha = dht.MaxAlpha + 1 }, []string{"alpha"}},
		{"steps", func(p *Params) { p.Config.Client.StepsToStop = 0 }, []string{"steps"}},
		{"termination", func(p *Params) { p.Config.Profile, p.Config.Client.Termination = dht.ProfilePyDHT, lookup.KClosest }, []string{"termination"}},
		{"profile", func(p *Params) { p.Config.Profile = 9 }, []string{"profile"}},
		{"rates", func(p *Params) { p.Config.Network.FastErrorRate, p.Config.Network.SlowErrorRate = math.NaN(), -1 }, []string{"fast_error_rate", "slow_error_rate"}},
		{"sum", func(p *Params) { p.Config.Network.FastErrorRate, p.Config.Network.SlowErrorRate = 70, 31 }, []string{"fast_error_rate", "slow_error_rate"}},
		{"delays", func(p *Params) {
			n := &p.Config.Network
			n.ConnDelay, n.FastDelay, n.SlowDelay = network.Fixed(-1), network.Fixed(2*time.Hour), network.DelayRange{Min: 2, Max: 1}
		}, []string{"conn_delay", "fast_delay", "slow_delay"}},
		{"gamma", func(p *Params) { p.Config.Network.Gamma = -1 }, []string{"gamma"}},
		{"many", func(p *Params) {
			p.Config.Nodes, p.Config.Client.Alpha, p.Config.Client.StepsToStop, p.Config.Network.Gamma = -1, 0, 0, time.Hour
		}, []string{"gamma", "alpha", "steps", "nodes"}},
	} {
		p := base()
		tc.edit(&p)
		var got []string
		for _, pr := range pointProblems(p, nil) {
			got = append(got, pr.keys...)
			if pr.kind != ErrOutOfRange || pr.cause == nil || pr.allowed == "" {
				t.Errorf("%s: problem %+v", tc.name, pr)
			}
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s: keys %v, want %v", tc.name, got, tc.want)
		}
	}
}

// The key table: every key is a parameter of the registry given in study
// files (and every such parameter a key), paths are unique, no workload
// key's name is the name of a model key, and every default, written
// canonically and read back from YAML, is itself.
func TestKeyDefs(t *testing.T) {
	if ps := param.Of(param.Study); len(ps) != len(keyDefs) {
		t.Errorf("%d keys for %d parameters of study files", len(keyDefs), len(ps))
	}
	for i := range keyDefs {
		if p, ok := param.ByKey(keyDefs[i].key); !ok || p != keyDefs[i].p || p.Use&param.Study == 0 {
			t.Errorf("key %s is not the registry's parameter of study files", keyDefs[i].key)
		}
	}
	names := map[string]string{}
	for i := range keyDefs {
		d := &keyDefs[i]
		if other, dup := names[d.name()]; dup {
			t.Errorf("%s and %s share the name %s", d.key, other, d.name())
		}
		names[d.name()] = d.key
		if keyIndex[d.key] != i {
			t.Errorf("keyIndex[%s] = %d, want %d", d.key, keyIndex[d.key], i)
		}
		for _, typ := range param.WorkloadTypes() {
			if !d.belongs(typ) || d.key == nameKey {
				continue // name's default is the file name
			}
			text := param.ProfileDefault(d.p, dht.ProfileGoDHT, typ)
			n := &yaml.Node{Kind: yaml.ScalarNode, Tag: d.tag, Value: text}
			if d.tag == "" {
				var doc yaml.Node
				if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
					t.Fatalf("%s: %v", d.key, err)
				}
				n = doc.Content[0]
			}
			v, fe := d.parseValue(n)
			if fe != nil {
				t.Errorf("%s: default %q does not parse: %v", d.key, text, fe)
				continue
			}
			if got := d.p.Format(v); got != text {
				t.Errorf("%s: default %q reads back as %q", d.key, text, got)
			}
		}
	}
}

// safe leaves a canonical value of a sweep readable and makes any other
// string a safe name.
func TestSafe(t *testing.T) {
	for in, want := range map[string]string{
		"50ms-75ms":             "50ms-75ms",
		"125µs":                 "125us",
		"1.5e-05":               "1.5e-05",
		"exp:1h0m0s,30m0s":      "exp_1h0m0s_30m0s",
		"../../etc/passwd":      ".._.._etc_passwd",
		"a b\tc\n":              "a_b_c_",
		"日本":                    "__",
		strings.Repeat("x", 99): strings.Repeat("x", maxValueBytes),
	} {
		if got := safe(in); got != want {
			t.Errorf("safe(%q) = %q, want %q", in, got, want)
		}
	}
}

// failingFile is a streamFile whose writes fail once limit bytes are
// written, and whose Close returns closeErr.
type failingFile struct {
	limit, written  int
	closeErr        error
	closed, aborted bool
}

var errDiskFull = errors.New("disk full")

func (f *failingFile) Write(b []byte) (int, error) {
	if f.written+len(b) > f.limit {
		return 0, errDiskFull
	}
	f.written += len(b)
	return len(b), nil
}

func (f *failingFile) Close() error { f.closed = true; return f.closeErr }
func (f *failingFile) Abort()       { f.aborted = true }

// The records of a combination are written as its operations end; a
// write that fails (mid-stream, at the last flush, or at close) reaches
// runWorkload's caller, which then drops the combination, and the file is
// aborted rather than put in place (issue 17, cause 6: these errors were
// dropped by deferred calls).
func TestRecordsWriteErrorReachesTheCaller(t *testing.T) {
	s, err := Parse("w.yaml", []byte("nodes: 200\ntermination: beta\nworkload: {segments: 4, retrievers: 3, samples: 2}\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := s.Combination(0)
	closeErr := errors.New("close failed")
	for _, tc := range []struct {
		name string
		file *failingFile
		want error
	}{
		{"a write fails", &failingFile{limit: 100}, errDiskFull},
		{"close fails", &failingFile{limit: 1 << 30, closeErr: closeErr}, closeErr},
		{"every write succeeds", &failingFile{limit: 1 << 30}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := c.Params.Build()
			if err != nil {
				t.Fatal(err)
			}
			net, err := dht.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ms, err := runWorkload(context.Background(), net, c, t.TempDir(), tc.file)
			if !errors.Is(err, tc.want) || (err == nil) != (ms != nil) {
				t.Fatalf("runWorkload = %d metrics, %v; want error %v", len(ms), err, tc.want)
			}
			if tc.want == errDiskFull && (tc.file.closed || !tc.file.aborted) {
				t.Errorf("after a failed write: closed %v, aborted %v; want aborted", tc.file.closed, tc.file.aborted)
			}
			if tc.want == nil && (!tc.file.closed || tc.file.aborted || tc.file.written == 0) {
				t.Errorf("a good write: closed %v, aborted %v, %d bytes", tc.file.closed, tc.file.aborted, tc.file.written)
			}
		})
	}
}
