package study_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/go-dht/go-dht/benchmarks/study"
)

// Parse never panics; what it rejects is Errors of FileErrors with a
// class; what it accepts expands to combinations whose Config validates,
// whose workload validates, and whose params.yaml reads back the same.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("examples/*.yaml")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, src := range []string{
		"", "{}", "- 1", "alpha: [1, 3]\nk: [20, 10]\nbeta: 15\n", "fast_error_rate: [50, 60]\nslow_error_rate: 50\n",
		"workload:\n  type: slot\n  rows: [1, 2]\n  cols: 2\n  samples: 3\n  validators: 5\n",
		"profile: pydht\nconn_delay: [1ms-2ms, 1500us]\ntermination: [stale, pydht]\n",
		"a: &x [1, 2]\nalpha: *x\nk: *x\n", "alpha: &a [1, *a]\n", "<<: {alpha: 3}\n",
		"churn: ['exp:1h,30m', 'weibull:0.5,1h', none]\nlatency: [uniform, ' x ']\n",
		"seed: 18446744073709551615\nrepeats: 1\n", "repeats: 100000\n", "nodes: 0x10\nk: 0o17\nalpha: 1_0\n",
		"name: x\nname: y\n", "? [a]\n: 1\n", "gamma: !!str 1ms\nalpha: !!int \"3\"\n",
	} {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := study.Parse("fuzz.yaml", data)
		if err != nil {
			var errs study.Errors
			if s != nil || !errors.As(err, &errs) || len(errs) == 0 || !errors.Is(err, study.ErrInvalidStudy) {
				t.Fatalf("Parse() = %v, %v", s, err)
			}
			for _, e := range errs {
				if e.Kind == nil || e.File != "fuzz.yaml" || e.Line < 0 || e.Column < 0 || e.Error() == "" {
					t.Fatalf("malformed error %#v", e)
				}
			}
			return
		}
		n := s.Len()
		if n < 1 || n > study.MaxCombinations || n != s.Points()*s.Repeats {
			t.Fatalf("%d combinations", n)
		}
		// Every combination for small grids, a sample of large ones.
		step := max(1, n/50)
		for i := 0; i < n; i += step {
			c := s.Combination(i)
			cfg, err := c.Params.Build()
			if err == nil {
				err = cfg.Validate()
			}
			if err != nil {
				t.Fatalf("combination %d (%s): Build() = %v", i, c.Name, err)
			}
			if err := validateWorkload(c); err != nil {
				t.Fatalf("combination %d (%s): workload: %v", i, c.Name, err)
			}
			if len(c.Name) > study.MaxNameBytes || c.Index != i {
				t.Fatalf("combination %d: name %q, index %d", i, c.Name, c.Index)
			}
			one, err := study.Parse("params.yaml", c.ParamsYAML())
			if err != nil || one.Len() != 1 || !reflect.DeepEqual(one.Combination(0).Params, c.Params) {
				t.Fatalf("combination %d: params.yaml\n%s\ngives %v", i, c.ParamsYAML(), err)
			}
		}
		back, err := study.Parse("canonical.yaml", s.Canonical())
		if err != nil || back.Len() != n || string(back.Canonical()) != string(s.Canonical()) {
			t.Fatalf("canonical form\n%s\ngives %v", s.Canonical(), err)
		}
	})
}

// validateWorkload checks a combination's workload with its own Validate
// (package workload's), against the network's size.
func validateWorkload(c study.Combination) error {
	w, n := c.Params.Workload, c.Params.Config.Nodes
	switch w.Type {
	case study.Slot:
		return w.Slot.Validate(n)
	case study.Availability:
		return w.Availability.Validate(n)
	}
	return w.Retrieval.Validate(n)
}
