package benchmarks

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-dht/go-dht/benchmarks/param"
	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/crawler"
	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/network"
)

// Validate names the flag of every invalid parameter and its value
// (-beta = -1, not a Go field), and what the flag allows.
func TestValidateNamesTheFlag(t *testing.T) {
	for _, tc := range []struct {
		flag string
		set  func(*Params)
	}{
		{"-n", func(p *Params) { p.Config.Nodes = 0 }},
		{"-n", func(p *Params) { p.Config.Nodes = math.MaxInt }},
		{"-k", func(p *Params) { p.Config.Client.K = 0 }},
		{"-k", func(p *Params) { p.Config.Client.K = 5000 }},
		{"-alpha", func(p *Params) { p.Config.Client.Alpha = 0 }},
		{"-alpha", func(p *Params) { p.Config.Client.Alpha = math.MaxInt / 8 }},
		{"-beta", func(p *Params) { p.Config.Client.Beta = -1 }},
		{"-beta", func(p *Params) { p.Config.Client.Beta = 21 }},
		{"-steps", func(p *Params) { p.Config.Client.StepsToStop = 0 }},
		{"-workers", func(p *Params) { p.Config.Workers = 0 }},
		{"-workers", func(p *Params) { p.Config.Workers = math.MaxInt / 4 }},
		{"-termination", func(p *Params) { p.Config.Profile, p.Config.Client.Termination = dht.ProfilePyDHT, lookup.Beta }},
		{"-fast-error-rate", func(p *Params) { p.Config.Network.FastErrorRate = 101 }},
		{"-fast-error-rate", func(p *Params) { p.Config.Network.FastErrorRate = math.NaN() }},
		{"-slow-error-rate", func(p *Params) { p.Config.Network.SlowErrorRate = -1 }},
		{"-fast-error-rate/-slow-error-rate", func(p *Params) { p.Config.Network.FastErrorRate, p.Config.Network.SlowErrorRate = 60, 50 }},
		{"-conn-delay", func(p *Params) { p.Config.Network.ConnDelay = network.DelayRange{Min: -time.Second} }},
		{"-conn-delay", func(p *Params) { p.Config.Network.ConnDelay = network.Fixed(50 * 365 * 24 * time.Hour) }},
		{"-gamma", func(p *Params) { p.Config.Network.Gamma = -time.Millisecond }},
		{"-gamma", func(p *Params) { p.Config.Network.Gamma = 1 << 60 }},
		{"-lookups", func(p *Params) { p.Bench.Lookups = 0 }},
		{"-lookups", func(p *Params) { p.Bench.Lookups = MaxLookups + 1 }},
		{"-segments", func(p *Params) { p.Bench.Segments = 0 }},
		{"-segment-size", func(p *Params) { p.Bench.SegmentSize = math.MaxInt / 8 }},
		{"-segments/-segment-size", func(p *Params) { p.Bench.Segments, p.Bench.SegmentSize = MaxSegments, MaxSegmentSize }},
		{"-scaling-max", func(p *Params) { p.Bench.ScalingMax = -1 }},
		{"-tag", func(p *Params) { p.Bench.Tag = "a/b" }},
		{"-crawl-inflight", func(p *Params) { p.Crawl.Options.InFlight = 0 }},
		{"-crawl-inflight", func(p *Params) { p.Crawl.Options.InFlight = crawler.MaxInFlight + 1 }},
		{"-crawl-retries", func(p *Params) { p.Crawl.Options.Retries = -1 }},
		{"-crawl-retries", func(p *Params) { p.Crawl.Options.Retries = 11 }},
		{"-crawl-timeout", func(p *Params) { p.Crawl.Options.Timeout = 0 }},
		{"-crawl-timeout", func(p *Params) { p.Crawl.Options.Timeout = 2 * time.Hour }},
	} {
		t.Run(tc.flag, func(t *testing.T) {
			p := DefaultParams()
			tc.set(&p)
			err := p.Validate()
			if !errors.Is(err, ErrInvalidFlag) || !strings.Contains(err.Error(), tc.flag+" = ") {
				t.Errorf("Validate() = %v, want an error naming %s and its value", err, tc.flag)
			}
		})
	}
	if err := DefaultParams().Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
}

// parseFlags parses args as the suite's flags and returns what they read.
func parseFlags(t *testing.T, args ...string) (Params, error) {
	t.Helper()
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	read := RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return read()
}

// The suite's flags read delay ranges, rules and profiles; a bad value is
// refused naming the flag and the value, every bad value of a command line
// at once, and -profile's defaults give way to the flags set.
func TestDelayFlags(t *testing.T) {
	p, err := parseFlags(t, "-conn-delay", "10ms-20ms", "-slow-delay", "2s", "-beta", "7")
	if err != nil {
		t.Fatal(err)
	}
	if want := (network.DelayRange{Min: 10 * time.Millisecond, Max: 20 * time.Millisecond}); p.Config.Network.ConnDelay != want {
		t.Errorf("conn delay %v, want %v", p.Config.Network.ConnDelay, want)
	}
	if p.Config.Network.SlowDelay != network.Fixed(2*time.Second) || p.BetaOrK() != 7 {
		t.Errorf("slow delay %v, beta %d", p.Config.Network.SlowDelay, p.BetaOrK())
	}
	bad := [][]string{
		{"-fast-delay", "20ms-10ms"}, {"-conn-delay", "-5ms"}, {"-slow-delay", "2h"},
		{"-termination", "fastest"}, {"-profile", "python"}, {"-beta", "-1"}, {"-n", "ten"},
	}
	var all []string
	for _, args := range bad {
		_, err := parseFlags(t, args...)
		if !errors.Is(err, ErrInvalidFlag) || !strings.Contains(err.Error(), args[0]) || !strings.Contains(err.Error(), args[1]) {
			t.Errorf("%v: %v, want an error naming the flag and the value", args, err)
		}
		all = append(all, args...)
	}
	if _, err := parseFlags(t, all...); err == nil || strings.Count(err.Error(), "\n")+1 != len(bad) {
		t.Errorf("%d bad flags at once gave %v; want one line each", len(bad), err)
	}
	p, err = parseFlags(t, "-termination", "beta", "-profile", "pydht", "-k", "8")
	if p.Config.Client.Termination.String() != "beta" || p.Config.Profile.String() != "pydht" || p.Config.Client.K != 8 ||
		p.Config.Client.Policy.String() != "closest" || err == nil || !strings.Contains(err.Error(), "-termination = beta") {
		t.Errorf("-termination beta -profile pydht -k 8: %v, %+v; want the flags' values, py-dht's policy, and -termination refused under py-dht", err, p.Config.Client)
	}
}

// Integers a user can type that once passed validation and panicked or
// gave garbage after the network was built: each stops the run at once
// with status 2 and an error naming its flag and range.
func TestHugeFlagsStopBeforeWork(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report")
	for _, args := range [][]string{
		{"-workers", "2305843009213693952"},
		{"-alpha", "1125899906842624"},
		{"-segment-size", "1125899906842624"},
		{"-n", "4294967296"},
		{"-lookups", "1000000000000"},
	} {
		code, text := runSelf(t, append([]string{"-test.run=^$", "-test.bench=BenchmarkProvide", "-out", out}, args...)...)
		if code != 2 || !strings.Contains(text, args[0]) || !strings.Contains(text, "allowed") || strings.Contains(text, "BenchmarkProvide") {
			t.Errorf("%v: exit %d, output %q; want 2 and an error naming the flag and its range, before any work", args, code, text)
		}
	}
}

// runSelf runs this test binary with args and returns its exit code and
// output.
func runSelf(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), out.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, out.String()
}

// TestMainChecksFlagsFirst runs the test binary with a bad flag: it must
// stop with status 2 and an error naming the flag, before any work; and
// without benchmarks it must write no report.
func TestMainChecksFlagsFirst(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report")
	code, text := runSelf(t, "-test.run=^$", "-test.bench=.", "-k", "0", "-out", out)
	if code != 2 || !strings.Contains(text, "-k") {
		t.Errorf("bad -k: exit %d, output %q; want 2 and an error naming -k", code, text)
	}
	code, text = runSelf(t, "-test.run=^$", "-out", out)
	if code != 0 {
		t.Errorf("no benchmark: exit %d, output %q", code, text)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("no benchmark ran, yet %s exists (%v)", out, err)
	}
}

// Every flag of the benchmark suite (the test binary's, but go test's
// own -test.*) is a parameter of the registry given to the suite.
func TestEveryBenchFlagComesFromTheRegistry(t *testing.T) {
	n := 0
	flag.CommandLine.VisitAll(func(f *flag.Flag) {
		if strings.HasPrefix(f.Name, "test.") {
			return
		}
		n++
		if !slices.ContainsFunc(param.All(), func(p *param.Param) bool { return p.FlagFor(param.Bench) == f.Name }) {
			t.Errorf("flag -%s is no parameter of the registry", f.Name)
		}
	})
	if want := len(param.FlagParams(param.Bench)); n != want {
		t.Errorf("%d flags, want the registry's %d", n, want)
	}
}
