package latency_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-dht/go-dht/network/latency"
)

// exampleFile is the example of the package documentation: every
// distribution family, pairs given one way only, and clipping.
const exampleFile = `name: three-regions
regions:
  eu: 0.5
  us: 0.4
  asia: 0.1
latencies:
  eu:
    eu: 10ms
    us: {dist: normal, mean: 80ms, std: 5ms}
    asia: {dist: lognormal, mean: 200ms, std: 40ms, max: 1s}
  us:
    us: {dist: gamma, shape: 4, scale: 5ms}
    asia: {dist: uniform, min: 150ms, max: 190ms}
  asia:
    asia: {dist: lognormal, mu: 3.4, sigma: 0.5}
`

func mustParse(t testing.TB, text string, seed uint64) latency.Model {
	t.Helper()
	m, err := latency.Parse([]byte(text), seed)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return m
}

// TestParseFile checks what a file gives: name, regions in file order,
// normalised shares, each pair's mean, and pairs given one way taken as
// symmetric.
func TestParseFile(t *testing.T) {
	m := mustParse(t, exampleFile, 1)
	if m.Name() != "three-regions" {
		t.Errorf("Name() = %q", m.Name())
	}
	if got := m.Regions(); !slices.Equal(got, []string{"eu", "us", "asia"}) {
		t.Errorf("Regions() = %v", got)
	}
	if got := m.Shares(); !slices.EqualFunc(got, []float64{0.5, 0.4, 0.1}, func(a, b float64) bool { return math.Abs(a-b) < 1e-12 }) {
		t.Errorf("Shares() = %v", got)
	}
	const eu, us, asia = 0, 1, 2
	lnMean := time.Duration(math.Exp(3.4+0.125) * 1e6)
	for _, tc := range []struct {
		from, to int
		want     time.Duration
	}{
		{eu, eu, 10 * time.Millisecond},
		{eu, us, 80 * time.Millisecond}, {us, eu, 80 * time.Millisecond},
		{eu, asia, 200 * time.Millisecond}, {asia, eu, 200 * time.Millisecond},
		{us, us, 20 * time.Millisecond},
		{us, asia, 170 * time.Millisecond}, {asia, us, 170 * time.Millisecond},
		{asia, asia, lnMean},
	} {
		if got := m.MeanRTT(tc.from, tc.to); (got - tc.want).Abs() > time.Microsecond {
			t.Errorf("MeanRTT(%d, %d) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
}

// TestFileDistributionMeans draws 20,000 RTTs of each pair of a file, one
// per distribution family (the lognormal both ways of giving it), and
// checks their mean and bounds: the test of the normal, lognormal and gamma
// samplers.
func TestFileDistributionMeans(t *testing.T) {
	const draws = 20_000
	m := mustParse(t, `regions: {a: 1, b: 1, c: 1, d: 1, e: 1}
latencies:
  a: {a: 7ms, b: {dist: uniform, min: 10ms, max: 20ms}, c: {dist: normal, mean: 50ms, std: 10ms},
      d: {dist: lognormal, mean: 100ms, std: 80ms}, e: {dist: lognormal, mu: 4, sigma: 0.8}}
  b: {b: {dist: gamma, shape: 0.5, scale: 40ms}, c: {dist: gamma, shape: 3, scale: 10ms},
      d: {dist: constant, value: 1s}, e: {dist: normal, mean: 40ms, std: 5ms, min: 38ms, max: 42ms}}
  c: {c: 1ms, d: 1ms, e: 1ms}
  d: {d: 1ms, e: 1ms}
  e: {e: 1ms}
`, 1)
	r := rand.New(rand.NewPCG(9, 9))
	for _, tc := range []struct {
		from, to string
		lo, hi   time.Duration // bounds of every RTT
		clipped  bool          // the mean is not MeanRTT: draws are clipped
	}{
		{"a", "a", 7 * time.Millisecond, 7 * time.Millisecond, false},
		{"a", "b", 10 * time.Millisecond, 20 * time.Millisecond, false},
		{"a", "c", 0, time.Second, false},
		{"a", "d", 0, time.Hour, false},
		{"a", "e", 0, time.Hour, false},
		{"b", "b", 0, time.Hour, false},
		{"b", "c", 0, time.Hour, false},
		{"b", "d", time.Second, time.Second, false},
		{"b", "e", 38 * time.Millisecond, 42 * time.Millisecond, true},
	} {
		a, from := nodeIn(t, m, tc.from)
		b, to := nodeIn(t, m, tc.to)
		var sum float64
		for range draws {
			rtt := 2 * m.Delay(r, a, b)
			// Halving rounds down to whole nanoseconds.
			if rtt < tc.lo-1 || rtt > tc.hi {
				t.Fatalf("%s-%s: RTT %v outside [%v, %v]", tc.from, tc.to, rtt, tc.lo, tc.hi)
			}
			sum += float64(rtt)
		}
		got, want := sum/draws, float64(m.MeanRTT(from, to))
		if tc.clipped {
			want = 40e6 // the normal is symmetric about 40ms, so is its clipping
		}
		if math.Abs(got-want)/want > 0.03 {
			t.Errorf("%s-%s: mean RTT of draws %v, want %v within 3%%", tc.from, tc.to, time.Duration(got), time.Duration(want))
		}
	}
}

// TestParseErrors checks that every mistake is a *FileError that wraps
// ErrInvalidFile and names the key, its line and what is allowed.
func TestParseErrors(t *testing.T) {
	const twoRegions = "regions: {a: 1, b: 1}\n"
	for _, tc := range []struct {
		name, text string
		line       int
		key        string
		problem    string // a part of the problem
		allowed    string // a part of what is allowed
	}{
		{"not yaml", "regions: [1,\n", 0, "", "yaml", ""},
		{"empty", "", 0, "", "empty", "regions and latencies"},
		{"not a mapping", "- a\n- b\n", 1, "", "not a mapping", "regions, latencies"},
		{"unknown top key", "regions: {a: 1}\nlatency: {}\n", 2, "latency", "unknown key", "name, regions, latencies"},
		{"no latencies", "regions: {a: 1}\n", 1, "latencies", "missing", ""},
		{"no regions", "latencies: {}\n", 1, "regions", "missing", ""},
		{"no region", "regions: {}\nlatencies: {}\n", 1, "regions", "0 regions", "1..1000"},
		{"negative share", "regions:\n  a: 1\n  b: -0.5\n", 3, "regions.b", "-0.5 is negative", ">= 0"},
		{"share not a number", "regions:\n  a: lots\n", 2, "regions.a", "not a finite number", ">= 0"},
		{"zero shares", "regions: {a: 0, b: 0}\nlatencies: {}\n", 1, "regions", "sum to 0", "positive"},
		{"duplicate region", "regions:\n  a: 1\n  a: 2\n", 3, "regions.a", "first on line 2", "once"},
		{"unknown from", twoRegions + "latencies:\n  a: {a: 1ms}\n  x: {a: 1ms}\n", 4, "latencies.x", "unknown region", "a, b"},
		{"unknown to", twoRegions + "latencies:\n  a:\n    a: 1ms\n    c: 2ms\n", 5, "latencies.a.c", "unknown region", "a, b"},
		{"missing pair", twoRegions + "latencies:\n  a: {a: 1ms, b: 2ms}\n", 2, "latencies", "b -> b", "every pair"},
		{"no unit", twoRegions + "latencies:\n  a:\n    a: 10\n", 4, "latencies.a.a", "not a duration", "such as 80ms"},
		{"negative duration", twoRegions + "latencies:\n  a:\n    a: -1ms\n", 4, "latencies.a.a", "negative", ">= 0"},
		{"no dist", twoRegions + "latencies:\n  a:\n    a: {mean: 1ms}\n", 4, "latencies.a.a.dist", "missing", "dist: constant"},
		{"unknown dist", twoRegions + "latencies:\n  a:\n    a: {dist: pareto}\n", 4, "latencies.a.a.dist", "pareto", "gamma"},
		{"unknown param", twoRegions + "latencies:\n  a:\n    a:\n      dist: normal\n      mean: 1ms\n      sd: 1ms\n", 7, "latencies.a.a.sd", "unknown parameter", "mean, std"},
		{"missing param", twoRegions + "latencies:\n  a:\n    a:\n      dist: normal\n      mean: 1ms\n", 5, "latencies.a.a.std", "missing", "normal takes"},
		{"uniform reversed", twoRegions + "latencies:\n  a:\n    a: {dist: uniform, min: 2ms,\n        max: 1ms}\n", 5, "latencies.a.a.max", "below min", "max >= min"},
		{"gamma shape", twoRegions + "latencies:\n  a:\n    a: {dist: gamma, shape: 0, scale: 1ms}\n", 4, "latencies.a.a.shape", "0 is not above 0", "> 0"},
		{"gamma scale", twoRegions + "latencies:\n  a:\n    a: {dist: gamma, shape: 1, scale: 0s}\n", 4, "latencies.a.a.scale", "is 0", "> 0"},
		{"lognormal mixed", twoRegions + "latencies:\n  a:\n    a: {dist: lognormal, mu: 1, std: 1ms}\n", 4, "latencies.a.a.std", "given with mu", "either"},
		{"lognormal sigma", twoRegions + "latencies:\n  a:\n    a: {dist: lognormal, mu: 1, sigma: -1}\n", 4, "latencies.a.a.sigma", "-1 is negative", ">= 0"},
		{"lognormal zero mean", twoRegions + "latencies:\n  a:\n    a: {dist: lognormal, mean: 0s, std: 1ms}\n", 4, "latencies.a.a.mean", "is 0", "> 0"},
		{"clip reversed", twoRegions + "latencies:\n  a:\n    a: {dist: normal, mean: 5ms, std: 1ms, min: 6ms, max: 4ms}\n", 4, "latencies.a.a.max", "below min", "max >= min"},
		{"latency a list", twoRegions + "latencies:\n  a:\n    a: [1ms]\n", 4, "latencies.a.a", "a list", "dist: constant"},
		{"name a mapping", "name: {x: 1}\n", 1, "name", "a mapping", "non-empty string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := latency.Parse([]byte(tc.text), 1)
			var fe *latency.FileError
			if !errors.As(err, &fe) || !errors.Is(err, latency.ErrInvalidFile) {
				t.Fatalf("Parse = %v, %v; want a *FileError", m, err)
			}
			if fe.Line != tc.line || fe.Key != tc.key || !strings.Contains(fe.Problem, tc.problem) || !strings.Contains(fe.Allowed, tc.allowed) {
				t.Errorf("got line %d key %q problem %q allowed %q\nwant line %d key %q problem ~%q allowed ~%q",
					fe.Line, fe.Key, fe.Problem, fe.Allowed, tc.line, tc.key, tc.problem, tc.allowed)
			}
		})
	}
}

// TestLoad checks that Load names the model after the file and puts the
// path into its errors.
func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "lab.yaml")
	if err := os.WriteFile(good, []byte("regions: {a: 1}\nlatencies: {a: {a: 3ms}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := latency.Load(good, 1)
	if err != nil {
		t.Fatal(err)
	}
	if m.Name() != "lab" || m.MeanRTT(0, 0) != 3*time.Millisecond {
		t.Errorf("Load: name %q, mean RTT %v; want lab, 3ms", m.Name(), m.MeanRTT(0, 0))
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("regions: {a: 1}\nlatencies: {a: {a: 3}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = latency.Load(bad, 1)
	if want := bad + " line 2: latencies.a.a: "; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Load(bad) = %v, want it to contain %q", err, want)
	}
	if _, err := latency.Load(filepath.Join(dir, "missing.yaml"), 1); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(missing) = %v, want os.ErrNotExist", err)
	}
}

// FuzzParse checks that any input gives a model or a *FileError, never a
// panic, and that a model's draws are finite and not negative.
func FuzzParse(f *testing.F) {
	f.Add(exampleFile)
	f.Add("regions: {a: 1}\nlatencies: {a: {a: {dist: gamma, shape: 0.01, scale: 1h}}}\n")
	f.Add("regions: {a: 1, b: 2}\nlatencies: {a: {b: &x 5ms}, b: {b: *x}}\n")
	f.Fuzz(func(t *testing.T, text string) {
		m, err := latency.Parse([]byte(text), 1)
		if err != nil {
			var fe *latency.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FileError", err)
			}
			return
		}
		r := rand.New(rand.NewPCG(1, 1))
		for id := range uint32(8) {
			if d := m.Delay(r, id, id+1); d < 0 {
				t.Fatalf("negative delay %v", d)
			}
		}
	})
}
