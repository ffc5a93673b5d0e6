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
	"strings"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/crawler"
	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/network"
)

func TestValidateNamesTheFlag(t *testing.T) {
	for _, tc := range []struct {
		flag string
		set  func(*Params)
	}{
		{"-n", func(p *Params) { p.N = 0 }},
		{"-n", func(p *Params) { p.N = math.MaxInt }},
		{"-k", func(p *Params) { p.K = 0 }},
		{"-k", func(p *Params) { p.K = 5000 }},
		{"-alpha", func(p *Params) { p.Alpha = 0 }},
		{"-alpha", func(p *Params) { p.Alpha = math.MaxInt / 8 }},
		{"-beta", func(p *Params) { p.Beta = -1 }},
		{"-beta", func(p *Params) { p.Beta = 21 }},
		{"-steps", func(p *Params) { p.Steps = 0 }},
		{"-workers", func(p *Params) { p.Workers = 0 }},
		{"-workers", func(p *Params) { p.Workers = math.MaxInt / 4 }},
		{"-termination", func(p *Params) { p.Profile, p.Termination = dht.ProfilePyDHT, lookup.Beta }},
		{"-fast-error-rate", func(p *Params) { p.FastErrorRate = 101 }},
		{"-fast-error-rate", func(p *Params) { p.FastErrorRate = math.NaN() }},
		{"-slow-error-rate", func(p *Params) { p.SlowErrorRate = -1 }},
		{"-fast-error-rate/-slow-error-rate", func(p *Params) { p.FastErrorRate, p.SlowErrorRate = 60, 50 }},
		{"-conn-delay", func(p *Params) { p.ConnDelay = network.DelayRange{Min: -time.Second} }},
		{"-conn-delay", func(p *Params) { p.ConnDelay = network.Fixed(50 * 365 * 24 * time.Hour) }},
		{"-gamma", func(p *Params) { p.Gamma = -time.Millisecond }},
		{"-gamma", func(p *Params) { p.Gamma = 1 << 60 }},
		{"-lookups", func(p *Params) { p.Lookups = 0 }},
		{"-lookups", func(p *Params) { p.Lookups = MaxLookups + 1 }},
		{"-segments", func(p *Params) { p.Segments = 0 }},
		{"-segment-size", func(p *Params) { p.SegmentSize = math.MaxInt / 8 }},
		{"-segments/-segment-size", func(p *Params) { p.Segments, p.SegmentSize = MaxSegments, MaxSegmentSize }},
		{"-scaling-max", func(p *Params) { p.ScalingMax = -1 }},
		{"-tag", func(p *Params) { p.Tag = "a/b" }},
		{"-crawl-inflight", func(p *Params) { p.CrawlInFlight = 0 }},
		{"-crawl-inflight", func(p *Params) { p.CrawlInFlight = crawler.MaxInFlight + 1 }},
		{"-crawl-retries", func(p *Params) { p.CrawlRetries = -1 }},
		{"-crawl-retries", func(p *Params) { p.CrawlRetries = 11 }},
		{"-crawl-timeout", func(p *Params) { p.CrawlTimeout = 0 }},
		{"-crawl-timeout", func(p *Params) { p.CrawlTimeout = 2 * time.Hour }},
	} {
		t.Run(tc.flag, func(t *testing.T) {
			p := DefaultParams()
			tc.set(&p)
			err := p.Validate()
			if !errors.Is(err, ErrInvalidFlag) || !strings.Contains(err.Error(), tc.flag) {
				t.Errorf("Validate() = %v, want an error naming %s", err, tc.flag)
			}
		})
	}
	if err := DefaultParams().Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
}

func TestDelayFlags(t *testing.T) {
	p := DefaultParams()
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	p.RegisterFlags(fs)
	if err := fs.Parse([]string{"-conn-delay", "10ms-20ms", "-slow-delay", "2s", "-beta", "7"}); err != nil {
		t.Fatal(err)
	}
	if want := (network.DelayRange{Min: 10 * time.Millisecond, Max: 20 * time.Millisecond}); p.ConnDelay != want {
		t.Errorf("conn delay %v, want %v", p.ConnDelay, want)
	}
	if p.SlowDelay != network.Fixed(2*time.Second) || p.BetaOrK() != 7 {
		t.Errorf("slow delay %v, beta %d", p.SlowDelay, p.BetaOrK())
	}
	for _, args := range [][]string{
		{"-fast-delay", "20ms-10ms"}, {"-conn-delay", "-5ms"}, {"-slow-delay", "2h"},
		{"-termination", "fastest"}, {"-profile", "python"},
	} {
		err := fs.Parse(args)
		if err == nil || !strings.Contains(err.Error(), args[0]) || !strings.Contains(err.Error(), args[1]) {
			t.Errorf("%v: %v, want an error naming the flag and the value", args, err)
		}
	}
	if err := fs.Parse([]string{"-termination", "beta", "-profile", "pydht"}); err != nil || p.Termination.String() != "beta" || p.Profile.String() != "pydht" {
		t.Errorf("-termination beta -profile pydht: %v, %v, %v", err, p.Termination, p.Profile)
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
