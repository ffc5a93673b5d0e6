package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-dht/go-dht/benchmarks/param"
)

// COMMAND -h (and help COMMAND) prints the command's usage line with its
// arguments and its own flags on stdout, and exits 0: run names STUDY,
// crawl lists no lookup flag (-alpha, -steps, -termination), check has no
// flag at all.
func TestHelpPrintsUsageAndExitsZero(t *testing.T) {
	for _, tc := range []struct {
		args      []string
		has, lack []string
	}{
		{[]string{"run", "-h"}, []string{"usage: dhtsim run STUDY.yaml -out DIR", "-out DIR", "-shard i/n", "-workers N", "-progress", "-no-records"},
			[]string{"-alpha", "-n N", "-tag"}},
		{[]string{"help", "run"}, []string{"usage: dhtsim run STUDY.yaml"}, nil},
		{[]string{"check", "-h"}, []string{"usage: dhtsim check STUDY.yaml"}, []string{"flags", "-out"}},
		{[]string{"merge", "--help"}, []string{"usage: dhtsim merge -out DIR SHARD_DIR...", "-out DIR"}, []string{"-workers"}},
		{[]string{"crawl", "-h"}, []string{"usage: dhtsim crawl -out DIR", "-n N", "-inflight N[,...]", "-fast-error-rates", "-latency", "-churn", "-timeout"},
			[]string{"-alpha", "-steps", "-termination", "-beta", "-lookups", "-crawl-inflight"}},
		{[]string{"params", "-help"}, []string{"usage: dhtsim params", "-markdown"}, nil},
		{[]string{"crawl", "-n", "50", "-h"}, []string{"usage: dhtsim crawl"}, nil},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		if code != 0 || stderr.Len() != 0 {
			t.Errorf("%v: status %d, stderr %q; want 0 and nothing", tc.args, code, stderr.String())
		}
		for _, s := range tc.has {
			if !strings.Contains(stdout.String(), s) {
				t.Errorf("%v: the help lacks %q:\n%s", tc.args, s, stdout.String())
			}
		}
		for _, s := range tc.lack {
			if strings.Contains(stdout.String(), s) {
				t.Errorf("%v: the help lists %q, which is not the command's:\n%s", tc.args, s, stdout.String())
			}
		}
	}
}

// Every flag of every dhtsim command is a parameter of the registry given
// there (its flag, or its list flag in dhtsim crawl): none is declared
// outside it.
func TestEveryFlagComesFromTheRegistry(t *testing.T) {
	for name, u := range map[string]param.Use{"run": param.RunCmd, "check": param.CheckCmd, "merge": param.MergeCmd, "crawl": param.Crawl, "params": param.ParamsCmd} {
		f := newFlags(name, u)
		f.fs.VisitAll(func(fl *flag.Flag) {
			if !slices.ContainsFunc(param.All(), func(p *param.Param) bool {
				return p.FlagFor(u) == fl.Name || u == param.Crawl && p.Use&param.Crawl != 0 && p.ListFlag == fl.Name
			}) {
				t.Errorf("dhtsim %s: flag -%s is no parameter of the registry", name, fl.Name)
			}
		})
		if _, ok := commands[name]; !ok {
			t.Errorf("no command %s", name)
		}
	}
}

// An error is printed once, naming the flag the user wrote and its value,
// without the usage and without a "usage:" prefix; every mistake of a
// command line comes at once, one a line; status 2.
func TestErrorsNameTheFlagOnce(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string // one per line of stderr
	}{
		{[]string{"crawl", "-conn-delay", "5ms-1ms", "-out", t.TempDir()}, []string{"dhtsim crawl: -conn-delay = 5ms-1ms: out of range; allowed MIN-MAX with MIN <= MAX"}},
		{[]string{"crawl", "-n", "0", "-k", "0", "-churn", "exp:1ns,1ns", "-out", t.TempDir()},
			[]string{"dhtsim crawl: -n = 0: out of range", "dhtsim crawl: -k = 0: out of range", "dhtsim crawl: -churn = exp:1ns,1ns: invalid value; allowed a duration from 1s"}},
		{[]string{"crawl", "-n", "100", "-bootstrap", "200", "-out", t.TempDir()}, []string{"dhtsim crawl: -bootstrap/-n = 200: out of range; allowed 1..100 (the network's nodes)"}},
		{[]string{"run", "study.yaml", "-workers", "0", "-out", t.TempDir()}, []string{"dhtsim run: -workers = 0: out of range; allowed an integer in 1..4096"}},
		{[]string{"crawl", "-alpha", "3"}, []string{"dhtsim crawl: flag provided but not defined: -alpha (dhtsim crawl -h lists its flags)"}},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
		if code != 2 || len(lines) != len(tc.want) {
			t.Errorf("%v: status %d, %d lines:\n%s\nwant 2 and %d lines", tc.args, code, len(lines), stderr.String(), len(tc.want))
			continue
		}
		for i, w := range tc.want {
			if !strings.HasPrefix(lines[i], w) {
				t.Errorf("%v: line %d = %q, want it to start %q", tc.args, i, lines[i], w)
			}
		}
		if strings.Contains(stderr.String(), "usage") || strings.Contains(stderr.String(), "Network.") || strings.Contains(stderr.String(), "Nodes") {
			t.Errorf("%v: %q shows the usage or a Go field", tc.args, stderr.String())
		}
	}
}

// check reports every mistake of a file at once: a value of the wrong
// type, one out of its range, a bound on two values and an unknown key,
// in one run; sample_start's error names the "provided" it allows.
func TestCheckReportsEveryMistakeAtOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(path, []byte("alpha: x\nnodes: 0\nk: 10\nbeta: 15\nnodez: 3\nworkload:\n  type: slot\n  sample_start: provide\n"), 0o644)
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"check", path}, &stdout, &stderr); code != 2 {
		t.Fatalf("status %d, want 2", code)
	}
	lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
	for i, w := range []string{"bad.yaml:1:8: alpha = x: wrong type", "bad.yaml:2:8: nodes = 0: out of range", "bad.yaml:4:7: beta = 15: out of range; allowed 1..K (10)",
		"bad.yaml:5:1: nodez: unknown key", "bad.yaml:8:17: workload.sample_start = provide: invalid value; allowed provided (when the builder's last provide ends)"} {
		if i >= len(lines) || !strings.Contains(lines[i], w) {
			t.Errorf("line %d: want %q in:\n%s", i, w, stderr.String())
		}
	}
	if len(lines) != 5 {
		t.Errorf("%d lines, want 5:\n%s", len(lines), stderr.String())
	}
}

// dhtsim params prints every parameter of the registry (its key, flags,
// default, range and where it is given); -markdown prints the README's
// table, the registry's.
func TestParamsPrintsTheRegistry(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"params"}, &stdout, &stderr); code != 0 {
		t.Fatalf("status %d: %s", code, stderr.String())
	}
	for _, p := range param.All() {
		if !strings.Contains(stdout.String(), "\n"+p.Key) && !strings.HasPrefix(stdout.String(), p.Key) {
			t.Errorf("params lacks %s", p.Key)
		}
	}
	for _, s := range []string{"alpha  -alpha", "default 3 (amino: 10)", "allowed an integer in 1..1000", "in study; benchmarks"} {
		if !strings.Contains(stdout.String(), s) {
			t.Errorf("params lacks %q", s)
		}
	}
	stdout.Reset()
	if code := run(context.Background(), []string{"params", "-markdown"}, &stdout, &stderr); code != 0 || stdout.String() != param.Markdown() {
		t.Errorf("params -markdown: status %d, not the registry's table", code)
	}
}
