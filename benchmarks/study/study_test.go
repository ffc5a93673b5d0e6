package study_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-dht/go-dht/benchmarks/param"
	"github.com/go-dht/go-dht/benchmarks/study"
	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/dht/workload"
	"github.com/go-dht/go-dht/network"
)

const ms = time.Millisecond

// mustParse parses src as the file name and fails the test on an error.
func mustParse(t *testing.T, name, src string) *study.Study {
	t.Helper()
	s, err := study.Parse(name, []byte(src))
	if err != nil {
		t.Fatalf("Parse(%s):\n%v", name, err)
	}
	return s
}

// A key left out takes its profile's default (dht.ProfileDefaults: under
// go-dht's own, dht.DefaultConfig's values; beta k, as the model reads 0;
// termination beta and fill random, as go-dht's profile reads default),
// and the workload's defaults depend on its type. The study's name
// defaults to the file name without its extension.
func TestDefaults(t *testing.T) {
	d := dht.DefaultConfig()
	for _, tc := range []struct {
		file, src string
		typ       study.WorkloadType
		check     func(w param.Workload) bool
	}{
		{"runs/defaults.yaml", "{}", study.Retrieval, func(w param.Workload) bool {
			return w.Retrieval == workload.Retrieval{Segments: 100, Retrievers: 100, Samples: 100, SegmentSize: 512}
		}},
		{"defaults.yml", "# comment only, and a mapping\nworkload: {}\n", study.Retrieval, func(w param.Workload) bool {
			return w.Retrieval == workload.Retrieval{Segments: 100, Retrievers: 100, Samples: 100, SegmentSize: 512}
		}},
		{"defaults", "workload:\n  type: slot\n", study.Slot, func(w param.Workload) bool {
			return reflect.DeepEqual(w.Slot, workload.Slot{Rows: 512, Cols: 512, ProvidesInFlight: 64,
				Validators: 10000, Samples: 73, SegmentSize: 512, Deadline: 4 * time.Second, SampleStart: study.AfterProvides,
				Threshold: 0.9})
		}},
	} {
		wantParams := param.Defaults(dht.ProfileGoDHT, tc.typ).Resolve()
		wantParams.Study = param.StudyOptions{Name: "defaults", Repeats: 1}
		s := mustParse(t, tc.file, tc.src)
		if s.Name != "defaults" || s.Len() != 1 || s.Points() != 1 || s.Repeats != 1 || s.Seed != 1 || len(s.Axes) != 0 {
			t.Errorf("%s: name %q, %d combinations, %d points, %d repeats, seed %d, axes %v",
				tc.file, s.Name, s.Len(), s.Points(), s.Repeats, s.Seed, s.Axes)
		}
		c := s.Combination(0)
		if !reflect.DeepEqual(c.Params, wantParams) || c.Params.Workload.Type != tc.typ || !tc.check(c.Params.Workload) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.file, c.Params, wantParams)
		}
		if c.Params.Config.Client.Termination != lookup.Beta || c.Params.Config.Fill != dht.FillRandom || c.Params.Config.Client.Beta != 20 {
			t.Errorf("%s: termination %v, fill %v, beta %d; want beta, random, 20 (resolved)", tc.file,
				c.Params.Config.Client.Termination, c.Params.Config.Fill, c.Params.Config.Client.Beta)
		}
		cfg, err := c.Params.Build()
		if err != nil || cfg.Nodes != d.Nodes || cfg.Client != d.Effective().Client || cfg.Network != d.Network || cfg.Profile != d.Profile {
			t.Errorf("%s: Config() = %+v, %v; want dht.DefaultConfig()", tc.file, cfg, err)
		}
	}
}

// Every listable key takes one value or a list: one value sets the field
// of every combination, a list of two values is an axis whose values are
// written canonically and set the field of their combinations, and a list
// of one value is that value.
func TestScalarAndList(t *testing.T) {
	withoutRealism(t) // made-up latency paths: the syntax is under test
	for _, tc := range []struct {
		key    string
		a, b   string // YAML values
		ca, cb string // their canonical forms
		get    func(c study.Combination) any
		wa, wb any
	}{
		{"nodes", "200", "2_000", "200", "2000", func(c study.Combination) any { return c.Params.Config.Nodes }, 200, 2000},
		{"k", "8", "16", "8", "16", func(c study.Combination) any { return c.Params.Config.Client.K }, 8, 16},
		{"alpha", "1", "0x0a", "1", "10", func(c study.Combination) any { return c.Params.Config.Client.Alpha }, 1, 10},
		{"beta", "0", "5", "0", "5", func(c study.Combination) any { return c.Params.Config.Client.Beta }, 20, 5},
		{"steps", "1", "5", "1", "5", func(c study.Combination) any { return c.Params.Config.Client.StepsToStop }, 1, 5},
		{"termination", "beta", "kclosest", "beta", "kclosest", func(c study.Combination) any { return c.Params.Config.Client.Termination }, lookup.Beta, lookup.KClosest},
		{"profile", "godht", "pydht", "godht", "pydht", func(c study.Combination) any { return c.Params.Config.Profile }, dht.ProfileGoDHT, dht.ProfilePyDHT},
		{"fast_error_rate", "0.5", "10", "0.5", "10", func(c study.Combination) any { return c.Params.Config.Network.FastErrorRate }, 0.5, 10.0},
		{"slow_error_rate", "1e1", "20", "10", "20", func(c study.Combination) any { return c.Params.Config.Network.SlowErrorRate }, 10.0, 20.0},
		{"conn_delay", "50ms-75ms", "'1s'", "50ms-75ms", "1s", func(c study.Combination) any { return c.Params.Config.Network.ConnDelay },
			network.DelayRange{Min: 50 * ms, Max: 75 * ms}, network.Fixed(time.Second)},
		{"fast_delay", "0", "10ms - 20ms", "0s", "10ms-20ms", func(c study.Combination) any { return c.Params.Config.Network.FastDelay },
			network.DelayRange{}, network.DelayRange{Min: 10 * ms, Max: 20 * ms}},
		{"slow_delay", "2s", "500ms", "2s", "500ms", func(c study.Combination) any { return c.Params.Config.Network.SlowDelay }, network.Fixed(2 * time.Second), network.Fixed(500 * ms)},
		{"gamma", "125us", "1ms", "125µs", "1ms", func(c study.Combination) any { return c.Params.Config.Network.Gamma }, 125 * time.Microsecond, ms},
		{"latency", "ipfs", "/data/lat eu.yaml", "ipfs", "/data/lat eu.yaml", func(c study.Combination) any { return c.Params.Latency }, "ipfs", "/data/lat eu.yaml"},
		{"churn", "none", `"exp:60m, 30m"`, "none", "exp:1h0m0s,30m0s", func(c study.Combination) any { return c.Params.Config.Network.Churn.String() }, "none", "exp:1h0m0s,30m0s"},
		{"churn", "ipfs", `"weibull:0.50,1h"`, "ipfs", "weibull:0.5,1h0m0s", func(c study.Combination) any { return c.Params.Config.Network.Churn.String() }, "ipfs", "weibull:0.5,1h0m0s"},
		{"policy", "closest", "oldest", "closest", "oldest", func(c study.Combination) any { return c.Params.Config.Client.Policy.String() }, "closest", "oldest"},
		{"refresh", "0", "10m", "0s", "10m0s", func(c study.Combination) any { return c.Params.Config.Maintenance.Refresh }, time.Duration(0), 10 * time.Minute},
		{"republish", "1h", "30m", "1h0m0s", "30m0s", func(c study.Combination) any { return c.Params.Workload.Availability.Republish }, time.Hour, 30 * time.Minute},
		{"workload.segments", "100", "200", "100", "200", func(c study.Combination) any { return c.Params.Workload.Retrieval.Segments }, 100, 200},
		{"workload.retrievers", "10", "20", "10", "20", func(c study.Combination) any { return c.Params.Workload.Retrieval.Retrievers }, 10, 20},
		{"workload.samples", "10", "20", "10", "20", func(c study.Combination) any { return c.Params.Workload.Retrieval.Samples }, 10, 20},
		{"workload.segment_size", "64", "4096", "64", "4096", func(c study.Combination) any { return c.Params.Workload.Retrieval.SegmentSize }, 64, 4096},
		{"workload.rows", "16", "32", "16", "32", func(c study.Combination) any { return c.Params.Workload.Slot.Rows }, 16, 32},
		{"workload.cols", "16", "32", "16", "32", func(c study.Combination) any { return c.Params.Workload.Slot.Cols }, 16, 32},
		{"workload.provides_in_flight", "1", "8", "1", "8", func(c study.Combination) any { return c.Params.Workload.Slot.ProvidesInFlight }, 1, 8},
		{"workload.validators", "10", "100", "10", "100", func(c study.Combination) any { return c.Params.Workload.Slot.Validators }, 10, 100},
		{"workload.deadline", "2s", "1500ms", "2s", "1.5s", func(c study.Combination) any { return c.Params.Workload.Slot.Deadline }, 2 * time.Second, 1500 * ms},
	} {
		t.Run(tc.key+"="+tc.ca, func(t *testing.T) {
			file := func(v string) string {
				key, ok := strings.CutPrefix(tc.key, "workload.")
				if !ok {
					if tc.key == "refresh" || tc.key == "republish" {
						return tc.key + ": " + v + "\nworkload:\n  type: availability\n"
					}
					return tc.key + ": " + v + "\n"
				}
				typ := "retrieval"
				switch key {
				case "rows", "cols", "provides_in_flight", "validators", "deadline":
					typ = "slot"
				}
				return "workload:\n  type: " + typ + "\n  " + key + ": " + v + "\n"
			}
			for _, src := range []string{file(tc.a), file("[" + tc.a + "]")} {
				s := mustParse(t, "scalar.yaml", src)
				if s.Len() != 1 || len(s.Axes) != 0 {
					t.Fatalf("%q: %d combinations, axes %v; want 1 and none", src, s.Len(), s.Axes)
				}
				if got := tc.get(s.Combination(0)); got != tc.wa {
					t.Errorf("%q: got %v (%T), want %v (%T)", src, got, got, tc.wa, tc.wa)
				}
			}
			src := file("[" + tc.a + ", " + tc.b + "]")
			if strings.Contains(tc.b, " ") && !strings.ContainsAny(tc.b, `"'`) {
				src = file("\n    - " + tc.a + "\n    - " + tc.b) // a block list keeps spaces
				if !strings.HasPrefix(tc.key, "workload.") {
					src = tc.key + ":\n  - " + tc.a + "\n  - " + tc.b + "\n"
				}
			}
			s := mustParse(t, "list.yaml", src)
			want := []study.Axis{{Key: tc.key, Values: []string{tc.ca, tc.cb}}}
			got := s.Axes
			for i := range got {
				got[i].Line, got[i].Column = 0, 0
				got[i].CSVColumn, got[i].Cells = "", nil // TestAxisCells checks them
			}
			if s.Len() != 2 || !reflect.DeepEqual(got, want) {
				t.Fatalf("%q: %d combinations, axes %+v; want 2, %+v", src, s.Len(), got, want)
			}
			for i, w := range []any{tc.wa, tc.wb} {
				c := s.Combination(i)
				if g := tc.get(c); g != w {
					t.Errorf("%q: combination %d: got %v, want %v", src, i, g, w)
				}
				if len(c.Swept) != 1 || c.Swept[0] != (study.Setting{Key: tc.key, Value: want[0].Values[i]}) {
					t.Errorf("%q: combination %d: swept %v", src, i, c.Swept)
				}
			}
		})
	}
}

// The combinations are the cartesian product of the axes in file order,
// the first axis slowest, with the repeats innermost; Index, Point, Repeat
// and Seed follow, and scalars are the same in every combination.
func TestCombinationOrder(t *testing.T) {
	s := mustParse(t, "order.yaml", `
k: [10, 20, 30]
nodes: 500
alpha: [1, 3]
fast_error_rate: [0, 10]
seed: 40
repeats: 2
`)
	if s.Len() != 24 || s.Points() != 12 {
		t.Fatalf("%d combinations, %d points; want 24, 12", s.Len(), s.Points())
	}
	cs := s.Combinations()
	i := 0
	for _, k := range []int{10, 20, 30} {
		for _, alpha := range []int{1, 3} {
			for _, rate := range []float64{0, 10} {
				for r := range 2 {
					c := cs[i]
					p := c.Params
					if c.Index != i || c.Point != i/2 || c.Repeat != r || p.Config.Client.K != k || p.Config.Client.Alpha != alpha ||
						p.Config.Network.FastErrorRate != rate || p.Config.Network.Seed != uint64(40+r) || p.Config.Nodes != 500 {
						t.Errorf("combination %d = {Index %d Point %d Repeat %d k %d alpha %d rate %v seed %d nodes %d}; want k %d alpha %d rate %v repeat %d",
							i, c.Index, c.Point, c.Repeat, p.Config.Client.K, p.Config.Client.Alpha, p.Config.Network.FastErrorRate, p.Config.Network.Seed, p.Config.Nodes, k, alpha, rate, r)
					}
					if !reflect.DeepEqual(c, s.Combination(i)) {
						t.Errorf("Combinations()[%d] differs from Combination(%d)", i, i)
					}
					i++
				}
			}
		}
	}
	var keys []string
	for _, a := range s.Axes {
		keys = append(keys, fmt.Sprintf("%s@%d:%d", a.Key, a.Line, a.Column))
	}
	if got := strings.Join(keys, " "); got != "k@2:1 alpha@4:1 fast_error_rate@5:1" {
		t.Errorf("axes %s", got)
	}
}

// The workload's axes take the place of the workload mapping in the order
// of the file.
func TestWorkloadAxesOrder(t *testing.T) {
	s := mustParse(t, "w.yaml", `
alpha: [1, 2]
workload:
  samples: [5, 6]
  segments: [10, 20]
k: [10, 20]
`)
	var keys []string
	for _, a := range s.Axes {
		keys = append(keys, a.Key)
	}
	if got := strings.Join(keys, " "); got != "alpha workload.samples workload.segments k" {
		t.Errorf("axes %s", got)
	}
	if c := s.Combination(1); c.Params.Config.Client.Alpha != 1 || c.Params.Workload.Retrieval.Samples != 5 || c.Params.Workload.Retrieval.Segments != 10 || c.Params.Config.Client.K != 20 {
		t.Errorf("combination 1 = %+v", c.Params)
	}
}

// Repeat r of a point runs with seed + r; the repeats share everything
// else, including the network key.
func TestRepeatsAndSeeds(t *testing.T) {
	s := mustParse(t, "r.yaml", "seed: 18446744073709551613\nrepeats: 3\n")
	cs := s.Combinations()
	if len(cs) != 3 {
		t.Fatalf("%d combinations", len(cs))
	}
	for r, c := range cs {
		want := uint64(18446744073709551613) + uint64(r)
		if c.Params.Config.Network.Seed != want || c.Point != 0 || c.Repeat != r || c.Name != fmt.Sprintf("c%04d_seed=%d", r, want) {
			t.Errorf("repeat %d: seed %d, point %d, repeat %d, name %s", r, c.Params.Config.Network.Seed, c.Point, c.Repeat, c.Name)
		}
		p := c.Params
		p.Config.Network.Seed = cs[0].Params.Config.Network.Seed
		if !reflect.DeepEqual(p, cs[0].Params) {
			t.Errorf("repeat %d differs from repeat 0 beyond its seed", r)
		}
	}
	if cs[0].NetworkKey() == cs[1].NetworkKey() {
		t.Errorf("two seeds share network key %s", cs[0].NetworkKey())
	}
}

// Combination names: the index padded to the digits of the last, each axis
// with its value, the seed; the same for the same file, unique, safe as a
// folder name on any system, and at most MaxNameBytes long.
func TestCombinationNames(t *testing.T) {
	withoutRealism(t) // made-up latency paths: the syntax is under test
	for _, tc := range []struct {
		src   string
		index int
		want  string
	}{
		{"alpha: [1, 3]\nfast_error_rate: [0, 10]\nrepeats: 2\n", 7, "c0007_alpha=3_fast_error_rate=10_seed=2"},
		{"gamma: [125us, 1ms]\nconn_delay: [50ms-75ms, 1s]\n", 1, "c0001_gamma=125us_conn_delay=1s_seed=1"},
		{"churn: [none, 'exp:1h,30m']\nlatency: [uniform, '/my data/lat:eu.yaml']\n", 3, "c0003_churn=exp_1h0m0s_30m0s_latency=_my_data_lat_eu.yaml_seed=1"},
		{"workload:\n  samples: [1, 2]\n", 0, "c0000_samples=1_seed=1"},
		{"alpha: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nk: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nsteps: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nseed: 5\nrepeats: 11\n",
			10999, "c10999_alpha=10_k=10_steps=10_seed=15"},
		{"latency: ['/data/" + strings.Repeat("a", 300) + "', b]\n", 0, "c0000_latency=" + strings.Repeat("a", 64) + "_seed=1"},
	} {
		s := mustParse(t, "names.yaml", tc.src)
		if got := s.Combination(tc.index).Name; got != tc.want {
			t.Errorf("%q: name %d = %s, want %s", tc.src, tc.index, got, tc.want)
		}
	}

	// A grid whose names must be cut: many axes with long values.
	var src strings.Builder
	for _, key := range []string{"latency", "churn", "conn_delay", "fast_delay", "slow_delay", "gamma", "refresh", "republish", "policy"} {
		switch key {
		case "latency":
			fmt.Fprintf(&src, "%s: [%s, %s]\n", key, strings.Repeat("x", 60), strings.Repeat("y", 60))
		case "churn":
			fmt.Fprintf(&src, "%s: ['exp:1h1m1s,2h2m2s', 'weibull:0.523456,1h1m1s']\n", key)
		case "policy":
			fmt.Fprintf(&src, "%s: [closest, oldest]\n", key)
		case "gamma":
			fmt.Fprintf(&src, "%s: [111ms, 333ms]\n", key)
		case "refresh", "republish":
			fmt.Fprintf(&src, "%s: [111m, 333m]\n", key)
		default:
			fmt.Fprintf(&src, "%s: [111ms-222ms, 333ms-444ms]\n", key)
		}
	}
	src.WriteString("workload:\n  type: availability\n") // the only workload that refreshes and republishes
	for _, text := range []string{src.String(), "alpha: [1, 3]\nfast_error_rate: [0, 10, 20]\nrepeats: 4\n"} {
		a, b := mustParse(t, "n.yaml", text), mustParse(t, "n.yaml", text)
		seen := map[string]bool{}
		for i := range a.Len() {
			name := a.Combination(i).Name
			if name != b.Combination(i).Name {
				t.Errorf("name %d differs between two parses", i)
			}
			if seen[name] {
				t.Errorf("name %s twice", name)
			}
			seen[name] = true
			if len(name) > study.MaxNameBytes || strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+=-") != "" {
				t.Errorf("name %q (%d bytes) is not a safe folder name", name, len(name))
			}
			if !strings.HasPrefix(name, fmt.Sprintf("c%04d_", i)) || !strings.Contains(name, "_seed=") {
				t.Errorf("name %q lacks its index or seed", name)
			}
		}
	}
}

// Combinations that differ only in link or lookup parameters share a
// network key; nodes, k, seed, policy and tables each change it, and auto
// shares the network of the mode it resolves to.
func TestNetworkKey(t *testing.T) {
	s := mustParse(t, "nk.yaml", "alpha: [1, 3]\nfast_error_rate: [0, 10]\ntermination: [stale, beta]\ngamma: [0s, 1ms]\nconn_delay: [1ms, 2ms]\nworkload:\n  samples: [1, 2]\n")
	keys := map[string]bool{}
	for _, c := range s.Combinations() {
		keys[c.NetworkKey()] = true
	}
	if len(keys) != 1 {
		t.Errorf("%d network keys for combinations that differ in links and lookups: %v", len(keys), keys)
	}
	for _, key := range []string{"nodes: [200, 300]", "k: [10, 20]", "seed: 1\nrepeats: 2", "policy: [closest, oldest]", "tables: [eager, on-demand]"} {
		s := mustParse(t, "nk.yaml", key+"\n")
		if a, b := s.Combination(0).NetworkKey(), s.Combination(1).NetworkKey(); a == b {
			t.Errorf("%s: one network key %s", key, a)
		}
	}
	if s := mustParse(t, "nk.yaml", "nodes: 300\ntables: [auto, eager]\n"); s.Combination(0).NetworkKey() != s.Combination(1).NetworkKey() {
		t.Error("auto at 300 nodes (eager) and eager have two network keys")
	}
}

// The summary columns are fixed, one per parameter, and every row has one
// value per column, empty for the workload keys of the other type.
func TestSummary(t *testing.T) {
	cols := study.SummaryColumns()
	seen := map[string]bool{}
	for _, c := range cols {
		if seen[c] {
			t.Errorf("column %s twice", c)
		}
		seen[c] = true
	}
	for _, c := range []string{"nodes", "alpha", "seed", "latency", "workload", "samples", "rows", "deadline_s", "gamma_s"} {
		if !seen[c] {
			t.Errorf("no column %s in %v", c, cols)
		}
	}
	if seen["name"] || seen["repeats"] {
		t.Errorf("columns %v hold study keys", cols)
	}
	for _, tc := range []struct{ src, empty, full string }{
		{"workload:\n  type: retrieval\n", "rows", "segments"},
		{"workload:\n  type: slot\n", "segments", "rows"},
	} {
		row := mustParse(t, "sum.yaml", "seed: 9\nrepeats: 2\n"+tc.src).Combination(1).SummaryRow()
		if len(row) != len(cols) {
			t.Fatalf("%d values for %d columns", len(row), len(cols))
		}
		v := map[string]string{}
		for i, c := range cols {
			v[c] = row[i]
		}
		if v[tc.empty] != "" || v[tc.full] == "" || v["seed"] != "10" || v["conn_delay"] != "50ms-100ms" || v["beta"] != "20" {
			t.Errorf("%s: row %v", tc.src, v)
		}
	}
}

// ParamsYAML is a study file of one combination with the same parameters:
// parsed, it gives one combination with equal Params and Workload, and it
// is its own canonical form.
func TestParamsYAMLRoundTrip(t *testing.T) {
	withoutRealism(t) // made-up latency paths: the syntax is under test
	// Between them, the every-key studies give a list to every key
	// that takes one.
	srcs := map[string]string{
		"every-key-1": `
name: every-key
nodes: [50, 60]
k: [4, 8]
alpha: [1, 2]
beta: [0, 3]
steps: [1, 2]
termination: [stale, kclosest]
fast_error_rate: [0, 12.5]
slow_error_rate: [0, 7]
seed: 3
repeats: 2
workload:
  type: retrieval
  segments: [10, 20]
  retrievers: [1, 5]
  samples: [1, 8]
`,
		"every-key-2": `
conn_delay: [0, 1ms-2ms]
fast_delay: [3ms, 1s]
slow_delay: [1s, 2s-3s]
gamma: [0, 125us]
latency: [uniform, "1", "a: b"]
churn: [none, "exp:1h,1m", "weibull:2,3s"]
`,
		"every-key-3": `
profile: [godht, pydht]
policy: [closest, oldest]
workload:
  type: slot
  rows: [2, 4]
  cols: [4, 6]
  provides_in_flight: [1, 2]
  validators: [1, 5]
  samples: [1, 8]
  segment_size: [1, 1024]
  deadline: [1ms, 1h0m0s]
`,
		"every-key-5": `
upload: [unlimited, "fixed:100Mbit"]
download: [unlimited, "uniform:10Mbit-1Gbit"]
workload:
  type: slot
  rows: 8
  cols: 8
  validators: 5
  samples: 3
  sample_start: provided
  provided_share: [0, 0.5]
  sample_timeout: [0s, 500ms]
  withholding: [none, minimal]
  threshold: [0.5, 0.9]
  classes: [none, [{name: a, share: 1, validators_per_node: 2, custody_rows: 1}]]
`,
		"every-key-6": `
workload:
  type: slot
  rows: 8
  cols: 8
  validators: 5
  samples: 3
  sample_start: [provided, 1s]
  withholding: [random, rows, cols]
  withheld_share: [0, 0.25, 0.5]
  builder_upload: [unlimited, "fixed:500Mbit"]
  builder_download: "fixed:1Gbit"
  classes:
    - - {name: home, share: 0.8, validators_per_node: 1, custody_cols: 2, upload: "lognormal:50Mbit,0.5", download: "fixed:1Gbit"}
      - {name: mute, share: 0.1, behaviour: unresponsive}
      - {name: liar, share: 0.1, behaviour: malicious}
    - - {name: all, share: 1, validators_per_node: 3}
`,
		"every-key-4": `
nodes: 60
refresh: [0s, 1h]
republish: [0s, 90m]
joins: [0, 2.5]
fail_limit: [0, 3]
leave_rate: [0, 0.01]
tables: [eager, on-demand]
workload:
  type: availability
  segments: [2, 4]
  retrievers: [1, 5]
  samples: [1, 2]
  duration: [1h, 2h]
  every: [10m, 1h]
  health_nodes: [0, 7]
`,
	}
	for _, name := range []string{"das-research", "alpha-errors", "slot", "withholding"} {
		s, err := study.Load("examples/" + name + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		srcs[name] = string(s.Source)
	}
	for name, src := range srcs {
		s := mustParse(t, name+".yaml", src)
		stride := max(1, s.Len()/150) // 150 or so per study keep the test fast
		for i := 0; i < s.Len(); i += stride {
			c := s.Combination(i)
			y := c.ParamsYAML()
			one, err := study.Parse("params.yaml", y)
			if err != nil {
				t.Fatalf("%s: combination %d: params.yaml does not parse:\n%s\n%v", name, i, y, err)
			}
			got := one.Combination(0)
			if one.Len() != 1 || !reflect.DeepEqual(got.Params, c.Params) || one.Name != s.Name {
				t.Fatalf("%s: combination %d: params.yaml gives %d combinations, %+v; want %+v",
					name, i, one.Len(), got.Params, c.Params)
			}
			if string(one.Canonical()) != string(y) {
				t.Fatalf("%s: combination %d: params.yaml is not canonical:\n%s\nvs\n%s", name, i, y, one.Canonical())
			}
		}
	}
}

// Canonical forgets comments, quoting, spelling and the order of the keys
// with one value, but keeps the order of the axes, which numbers the
// combinations; parsed, it gives the same combinations.
func TestCanonical(t *testing.T) {
	a := mustParse(t, "a.yaml", "# a study\nalpha: [1, 3]\nnodes: 1_000\ngamma: 1000us\nworkload:\n  samples: [1, 2]\n  type: retrieval\nk: [10, 20]\n")
	b := mustParse(t, "b.yaml", "name: a\nnodes: 1000 # same\ngamma: \"1ms\"\nalpha:\n  - 1\n  - 3\nworkload: {samples: [1, 2]}\nk: [10, 20]\nrepeats: 1\n")
	c := mustParse(t, "a.yaml", "workload:\n  samples: [1, 2]\nalpha: [1, 3]\nnodes: 1000\ngamma: 1ms\nk: [10, 20]\n")
	if string(a.Canonical()) != string(b.Canonical()) {
		t.Errorf("one study, two canonical forms:\n%s\nvs\n%s", a.Canonical(), b.Canonical())
	}
	if string(a.Canonical()) == string(c.Canonical()) {
		t.Errorf("axes in another order, one canonical form:\n%s", a.Canonical())
	}
	back := mustParse(t, "a.yaml", string(a.Canonical()))
	if !reflect.DeepEqual(back.Combinations(), a.Combinations()) || !reflect.DeepEqual(back.Axes, axesAt(back.Axes, a.Axes)) {
		t.Errorf("the canonical form gives other combinations")
	}
	if string(back.Canonical()) != string(a.Canonical()) {
		t.Errorf("the canonical form of the canonical form differs")
	}
}

// axesAt returns want with the positions of got, to compare axes of two
// files.
func axesAt(got, want []study.Axis) []study.Axis {
	out := make([]study.Axis, len(want))
	for i := range want {
		out[i] = want[i]
		if i < len(got) {
			out[i].Line, out[i].Column = got[i].Line, got[i].Column
		}
	}
	return out
}

// Shard i of n holds the indices equal to i modulo n: the shards partition
// the combinations.
func TestShards(t *testing.T) {
	s := mustParse(t, "sh.yaml", "alpha: [1, 2, 3]\nrepeats: 5\n")
	for n := 1; n <= 7; n++ {
		seen := map[int]int{}
		for i := range n {
			for _, c := range s.Shard(i, n) {
				seen[c.Index]++
				if !study.InShard(c.Index, i, n) || c.Index%n != i {
					t.Errorf("combination %d in shard %d/%d", c.Index, i, n)
				}
			}
		}
		for i := range s.Len() {
			if seen[i] != 1 {
				t.Errorf("n=%d: combination %d in %d shards", n, i, seen[i])
			}
		}
	}
	if study.InShard(3, 0, 0) || study.InShard(-1, 0, 1) {
		t.Error("InShard true for n = 0 or a negative index")
	}
}

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		s    string
		i, n int
		ok   bool
	}{
		{"0/1", 0, 1, true}, {"3/4", 3, 4, true}, {"007/010", 7, 10, true},
		{"4/4", 0, 0, false}, {"0/0", 0, 0, false}, {"-1/4", 0, 0, false}, {"+1/4", 0, 0, false},
		{"1/ 4", 0, 0, false}, {"1", 0, 0, false}, {"", 0, 0, false}, {"a/b", 0, 0, false}, {"1/2/3", 0, 0, false},
		{"1/99999999999999999999999", 0, 0, false},
	} {
		i, n, err := study.ParseShard(tc.s)
		if tc.ok != (err == nil) || i != tc.i || n != tc.n || err != nil && !errors.Is(err, study.ErrShard) {
			t.Errorf("ParseShard(%q) = %d, %d, %v", tc.s, i, n, err)
		}
	}
}

func TestShardFromEnv(t *testing.T) {
	for _, tc := range []struct {
		env      map[string]string
		i, n     int
		ok, fail bool
	}{
		{env: nil},
		{env: map[string]string{"SLURM_ARRAY_TASK_COUNT": "4"}},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4"}, i: 2, n: 4, ok: true},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "8", "SLURM_ARRAY_TASK_COUNT": "8", "SLURM_ARRAY_TASK_MIN": "1"}, i: 7, n: 8, ok: true},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "14", "SLURM_ARRAY_TASK_COUNT": "8", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "2"}, i: 7, n: 8, ok: true},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4"}, fail: true},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "2"}, fail: true},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "4"}, fail: true},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"}, fail: true},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_STEP": "2"}, fail: true},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "1"}, fail: true}, // --array=1,5,7
	} {
		i, n, ok, err := study.ShardFromEnv(func(k string) string { return tc.env[k] })
		if i != tc.i || n != tc.n || ok != tc.ok || (err != nil) != tc.fail || err != nil && !errors.Is(err, study.ErrShard) {
			t.Errorf("%v: ShardFromEnv() = %d, %d, %v, %v", tc.env, i, n, ok, err)
		}
	}
}

// withoutRealism turns off the checks of the realism packages for a test
// that writes made-up latency paths.
func withoutRealism(t *testing.T) {
	saved := study.ValidateRealism
	study.ValidateRealism = nil
	t.Cleanup(func() { study.ValidateRealism = saved })
}

// The realism keys are read by the packages that interpret them: a
// latency file that does not exist, or a churn model out of range, is an
// error at its line.
func TestRealismChecked(t *testing.T) {
	_, err := study.Parse("realism.yaml", []byte("latency: [uniform, no-such-file.yaml]\nchurn: 'weibull:0.01,1h'\n"))
	if err == nil || !strings.Contains(err.Error(), "realism.yaml:1:") || !strings.Contains(err.Error(), "no-such-file.yaml") ||
		!strings.Contains(err.Error(), "realism.yaml:2:") {
		t.Fatalf("error %v, want the missing latency file at line 1 and the churn shape at line 2", err)
	}
	if _, err := study.Parse("ok.yaml", []byte("latency: [uniform, aws, discv5, ipfs]\nchurn: [none, ipfs, 'exp:30m,10m']\n")); err != nil {
		t.Fatal(err)
	}
}

// An axis names its column in the study's CSVs and the cells of its
// values there, which a reader of summary.csv matches rows against: a
// duration in seconds (gamma_s), the workload type's column workload.
func TestAxisCells(t *testing.T) {
	s := mustParse(t, "cells.yaml", "gamma: [125us, 1ms]\nalpha: [1, 2]\nworkload:\n  samples: [1, 2]\n")
	want := []study.Axis{
		{Key: "gamma", Values: []string{"125µs", "1ms"}, CSVColumn: "gamma_s", Cells: []string{"0.000125", "0.001"}},
		{Key: "alpha", Values: []string{"1", "2"}, CSVColumn: "alpha", Cells: []string{"1", "2"}},
		{Key: "workload.samples", Values: []string{"1", "2"}, CSVColumn: "samples", Cells: []string{"1", "2"}},
	}
	for i := range s.Axes {
		s.Axes[i].Line, s.Axes[i].Column = 0, 0
	}
	if !reflect.DeepEqual(s.Axes, want) {
		t.Errorf("axes %+v, want %+v", s.Axes, want)
	}
	cols := study.SummaryColumns()
	for _, a := range want {
		if !slices.Contains(cols, a.CSVColumn) {
			t.Errorf("%s is no column of %v", a.CSVColumn, cols)
		}
	}
}
