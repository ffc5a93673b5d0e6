package latency_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-dht/go-dht/network/latency"
)

// TestLatencyFileRTTBounded checks that a latency file cannot give an RTT
// beyond latency.MaxRTT (twice network.MaxDelay): a duration above it, or a
// distribution that would put more than 1% of its draws above it, is a
// *FileError naming the pair or field and the allowed range (the review
// ran lognormal mu 1000, whose every delay then wrapped to -2 ns, and a
// constant 1000h accepted where conn_delay is capped at 1h).
func TestLatencyFileRTTBounded(t *testing.T) {
	const head = "regions: {a: 1}\nlatencies:\n  a:\n    a: "
	for _, tc := range []struct {
		name, pair string
		key        string // the key the error names
		problem    string // a part of the problem
	}{
		{"constant 1000h", "1000h", "latencies.a.a", "above"},
		{"constant value 3h", "{dist: constant, value: 3h}", "latencies.a.a.value", "above"},
		{"lognormal mu 1000", "{dist: lognormal, mu: 1000, sigma: 1}", "latencies.a.a", "100% of its draws"},
		{"lognormal sigma 50", "{dist: lognormal, mu: 3, sigma: 50}", "latencies.a.a", "of its draws"},
		{"lognormal mean 3h", "{dist: lognormal, mean: 3h, std: 1ms}", "latencies.a.a.mean", "above"},
		{"normal mean 1h std 1h", "{dist: normal, mean: 1h, std: 1h}", "latencies.a.a", "of its draws"},
		{"gamma 2 x 1h", "{dist: gamma, shape: 2, scale: 1h}", "latencies.a.a", "of its draws"},
		{"gamma 1000 x 10s", "{dist: gamma, shape: 1000, scale: 10s}", "latencies.a.a", "of its draws"},
		{"uniform max 3h", "{dist: uniform, min: 0s, max: 3h}", "latencies.a.a.max", "above"},
		{"clip max 3h", "{dist: normal, mean: 10ms, std: 1ms, max: 3h}", "latencies.a.a.max", "above"},
		{"clip min 3h", "{dist: normal, mean: 10ms, std: 1ms, min: 3h}", "latencies.a.a.min", "above"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := latency.Parse([]byte(head+tc.pair+"\n"), 1)
			var fe *latency.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Parse accepted %s (err %v); want a *FileError", tc.pair, err)
			}
			if fe.Key != tc.key || fe.Line != 4 || !strings.Contains(fe.Problem, tc.problem) || !strings.Contains(fe.Allowed, "2h0m0s") {
				t.Errorf("got key %q line %d problem %q allowed %q; want key %q line 4, problem ~%q, allowed naming 2h0m0s",
					fe.Key, fe.Line, fe.Problem, fe.Allowed, tc.key, tc.problem)
			}
		})
	}
	// Distributions whose draws stay below the bound all but rarely are
	// models, and are accepted.
	for _, pair := range []string{
		"2h", "{dist: normal, mean: 1h, std: 10m}", "{dist: lognormal, mu: 15, sigma: 0.1}",
		"{dist: gamma, shape: 0.01, scale: 1h}", "{dist: uniform, min: 1h, max: 2h}",
	} {
		if _, err := latency.Parse([]byte(head+pair+"\n"), 1); err != nil {
			t.Errorf("Parse(%s): %v", pair, err)
		}
	}
}

// TestLatencyDrawsClippedAtBound checks that the rare draws of an accepted
// distribution beyond MaxRTT are clipped to it: no one-way delay exceeds
// MaxRTT/2, the bound on a connection's delay. The lognormal below puts
// about 0.3% of its draws above 2h.
func TestLatencyDrawsClippedAtBound(t *testing.T) {
	if latency.MaxRTT != 2*time.Hour {
		t.Fatalf("MaxRTT = %v; the documentation says 2h (twice network.MaxDelay)", latency.MaxRTT)
	}
	m := mustParse(t, "regions: {a: 1}\nlatencies: {a: {a: {dist: lognormal, mu: 15.1, sigma: 0.25}}}\n", 1)
	r := rand.New(rand.NewPCG(3, 3))
	clipped := 0
	for range 20_000 {
		d := m.Delay(r, 0, 1)
		if d > latency.MaxRTT/2 {
			t.Fatalf("one-way delay %v above MaxRTT/2 = %v", d, latency.MaxRTT/2)
		}
		if d == latency.MaxRTT/2 {
			clipped++
		}
	}
	if clipped == 0 {
		t.Errorf("no draw reached the bound; the test's distribution should put about 0.3%% there")
	}
}

// TestUniformModelBounded checks that a Uniform model's one-way delay is
// bounded like a connection delay: at most MaxRTT/2.
func TestUniformModelBounded(t *testing.T) {
	if err := (latency.Uniform{Max: latency.MaxRTT/2 + 1}).Validate(); !errors.Is(err, latency.ErrInvalidModel) {
		t.Errorf("Uniform{Max: 1h+1ns}.Validate() = %v, want ErrInvalidModel", err)
	}
	if err := (latency.Uniform{Max: latency.MaxRTT / 2}).Validate(); err != nil {
		t.Errorf("Uniform{Max: 1h}.Validate() = %v", err)
	}
}

// TestLatencyLoadHonoursContext checks that reading and parsing a latency
// file stop when the context is done (dhtsim check on Ctrl-C).
func TestLatencyLoadHonoursContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lab.yaml")
	if err := os.WriteFile(path, []byte(exampleFile), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if f, err := latency.LoadFile(ctx, path); !errors.Is(err, context.Canceled) {
		t.Errorf("LoadFile with its context done = %v, %v; want context.Canceled", f, err)
	}
	f, err := latency.LoadFile(context.Background(), path)
	if err != nil || f.Path != path || len(f.SHA256) != 64 || f.Model(1).Name() != "three-regions" {
		t.Errorf("LoadFile = %+v, %v", f, err)
	}
}

// TestAsymmetricRTTsByDirection documents the decision on asymmetric RTTs:
// a file may give the two directions of a pair apart, and the RTT of the
// ordered pair (from, to) is that of a request from a node of from to a
// node of to (Delay(from, to) is half of it); a pair given one way only is
// used both ways.
func TestAsymmetricRTTsByDirection(t *testing.T) {
	m := mustParse(t, "regions: {a: 1, b: 1, c: 1}\nlatencies:\n  a: {a: 1ms, b: 10ms, c: 30ms}\n  b: {a: 100ms, b: 1ms, c: 1ms}\n  c: {c: 1ms}\n", 1)
	a, ra := nodeIn(t, m, "a")
	b, rb := nodeIn(t, m, "b")
	c, rc := nodeIn(t, m, "c")
	r := rand.New(rand.NewPCG(1, 1))
	for _, tc := range []struct {
		from, to             uint32
		fromRegion, toRegion int
		oneWay               time.Duration
	}{
		{a, b, ra, rb, 5 * time.Millisecond},
		{b, a, rb, ra, 50 * time.Millisecond},
		{a, c, ra, rc, 15 * time.Millisecond},
		{c, a, rc, ra, 15 * time.Millisecond}, // given one way: used both ways
	} {
		if d := m.Delay(r, tc.from, tc.to); d != tc.oneWay {
			t.Errorf("Delay(%d, %d) = %v, want %v", tc.from, tc.to, d, tc.oneWay)
		}
		if got := m.MeanRTT(tc.fromRegion, tc.toRegion); got != 2*tc.oneWay {
			t.Errorf("MeanRTT(%d, %d) = %v, want %v", tc.fromRegion, tc.toRegion, got, 2*tc.oneWay)
		}
	}
}
