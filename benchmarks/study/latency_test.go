package study_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/go-dht/go-dht/benchmarks/study"
)

// writeFile writes text to dir/name and returns the path.
func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLatencyErrorsSayWhatAndWhere checks that a latency file a study names
// and cannot use is reported with what is wrong and where: the study file's
// line, the latency file's path, its line and key, and what is allowed (the
// review found a missing file, a negative share, a missing pair and an
// unknown distribution all printed as "invalid value").
func TestLatencyErrorsSayWhatAndWhere(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, latency string // the latency file's name and text; no text: not written
		says          []string
	}{
		{"missing.yaml", "", []string{"missing.yaml", "does not exist"}},
		{"share.yaml", "regions:\n  a: 1\n  b: -0.5\n", []string{"share.yaml line 3", "regions.b", "negative", ">= 0"}},
		{"pair.yaml", "regions: {a: 1, b: 1}\nlatencies:\n  a: {a: 1ms, b: 2ms}\n", []string{"pair.yaml line 2", "no latency for b -> b", "every pair"}},
		{"dist.yaml", "regions: {a: 1}\nlatencies:\n  a:\n    a: {dist: pareto}\n", []string{"dist.yaml line 4", "latencies.a.a.dist", "unknown distribution", "pareto", "lognormal"}},
		{"units.yaml", "regions: {a: 1}\nlatencies:\n  a:\n    a: {dist: lognormal, mu: 1000, sigma: 1}\n", []string{"units.yaml line 4", "latencies.a.a", "100% of its draws above 2h0m0s"}},
		{"zero.yaml", "->/dev/zero", []string{"/dev/zero", "is a device"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := tc.name
			switch {
			case strings.HasPrefix(tc.latency, "->"):
				spec = strings.TrimPrefix(tc.latency, "->")
			case tc.latency != "":
				writeFile(t, dir, tc.name, tc.latency)
			}
			path := writeFile(t, dir, "study-"+tc.name, "nodes: 1000\nalpha: [1, 2]\nlatency: "+spec+"\n")
			_, err := study.Load(path)
			if err == nil {
				t.Fatalf("Load accepted a study with latency %s", spec)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, path+":3:10: latency: ") || strings.Count(msg, "\n") != 0 {
				t.Errorf("want one error at the latency value (line 3, column 10): %s", msg)
			}
			for _, s := range tc.says {
				if !strings.Contains(msg, s) {
					t.Errorf("error does not say %q: %s", s, msg)
				}
			}
		})
	}
}

// TestLatencyPathRelativeToStudy checks that a relative latency path is
// read from the study file's folder, whatever the working directory, and
// that the study records it resolved: a combination's parameters name the
// file wherever they are read (the review's relative path was read from
// the working directory).
func TestLatencyPathRelativeToStudy(t *testing.T) {
	dir := t.TempDir()
	lat := writeFile(t, dir, "studies/data/lat.yaml", "regions: {a: 1}\nlatencies: {a: {a: 30ms}}\n")
	path := writeFile(t, dir, "studies/s.yaml", "nodes: 1000\nlatency: data/lat.yaml\n")
	if wd, _ := os.Getwd(); strings.HasPrefix(wd, dir) {
		t.Fatal("the test must run outside the study's folder")
	}
	s, err := study.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Combination(0)
	if c.Params.Latency != lat {
		t.Errorf("Params.Latency = %q, want the resolved path %q", c.Params.Latency, lat)
	}
	cfg, err := c.Params.Build()
	if err != nil || cfg.Network.Latency == nil || cfg.Network.Latency.MeanRTT(0, 0).Milliseconds() != 30 {
		t.Errorf("Config() = %v, %v; want the file's model (30ms)", cfg.Network.Latency, err)
	}
	if !strings.Contains(string(c.ParamsYAML()), lat) {
		t.Errorf("params.yaml does not record %s:\n%s", lat, c.ParamsYAML())
	}
	if runtime.GOOS != "windows" && !filepath.IsAbs(c.Params.Latency) {
		t.Errorf("the recorded path %q is not absolute", c.Params.Latency)
	}
}

// TestParseHonoursContext checks that parsing stops with the context's
// error, not Errors, when the context is done: reading latency files and
// validating a large grid take seconds that Ctrl-C should not wait for.
func TestParseHonoursContext(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "lat.yaml", "regions: {a: 1}\nlatencies: {a: {a: 30ms}}\n")
	path := writeFile(t, dir, "s.yaml", "nodes: 1000\nalpha: [1, 2, 3]\nlatency: lat.yaml\n")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if s, err := study.LoadContext(ctx, path); !errors.Is(err, context.Canceled) || s != nil {
		t.Errorf("LoadContext with its context done = %v, %v; want context.Canceled", s, err)
	}
	if _, err := study.LoadContext(context.Background(), path); err != nil {
		t.Error(err)
	}
}
