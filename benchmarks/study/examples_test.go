package study_test

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-dht/go-dht/benchmarks/study"
	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/dht/workload"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/network/bandwidth"
	"github.com/go-dht/go-dht/routing"
)

// The team's study files parse, start with comments saying what they are
// for, and give the combinations they promise: das-research is the
// network of benchmarks' BenchmarkDASRetrievalStudy under the py-dht
// profile; withholding sweeps random withholding across the share where
// a block stops being recoverable, against the samples per validator,
// and draws its heat maps.
func TestExampleFiles(t *testing.T) {
	files, err := filepath.Glob("examples/*.yaml")
	if err != nil || len(files) != 5 {
		t.Fatalf("examples: %v, %v", files, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(data), "# ") {
			t.Errorf("%s does not start with a comment saying what it studies", f)
		}
		s, err := study.Load(f)
		if err != nil {
			t.Errorf("%s:\n%v", f, err)
			continue
		}
		if want := strings.TrimSuffix(filepath.Base(f), ".yaml"); s.Name != want {
			t.Errorf("%s: name %q, want %q", f, s.Name, want)
		}
	}

	das, err := study.Load("examples/das-research.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c := das.Combination(0)
	cfg, err := c.Params.Build()
	// The py-dht profile's defaults (dht.ProfileDefaults): its rule, the
	// closest fill and policy; beta k.
	want := dht.Config{
		Network: network.Config{
			Seed: 1, FastErrorRate: 10,
			ConnDelay: network.DelayRange{Min: 50 * ms, Max: 75 * ms},
			FastDelay: network.DelayRange{Min: 50 * ms, Max: 100 * ms},
			SlowDelay: network.Fixed(time.Second),
			Gamma:     125 * time.Microsecond,
			Sizes:     network.DefaultSizes,
		},
		Client:      dht.ClientConfig{K: 20, Alpha: 3, Beta: 20, StepsToStop: 3, Termination: lookup.PyDHT, Policy: routing.Closest},
		Profile:     dht.ProfilePyDHT,
		Nodes:       12000,
		Workers:     cfg.Workers,
		Growth:      dht.DefaultGrowth(),
		Fill:        dht.FillClosest,
		Maintenance: dht.Maintenance{JoinPeers: 3},
	}
	if err != nil || cfg != want || cfg.Effective() != want.Effective() || das.Len() != 1 {
		t.Errorf("das-research: %d combinations, Config() = %+v, %v\nwant %+v", das.Len(), cfg, err, want)
	}
	if w := c.Params.Workload; w.Type != study.Retrieval || w.Retrieval != (workload.Retrieval{Segments: 100, Retrievers: 100, Samples: 100, SegmentSize: 512}) {
		t.Errorf("das-research workload %+v", w)
	}

	ae, err := study.Load("examples/alpha-errors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	nets := map[string]bool{}
	for _, c := range ae.Combinations() {
		nets[c.NetworkKey()] = true
		if c.Params.Config.Profile != dht.ProfileGoDHT || c.Params.Config.Nodes != 10000 {
			t.Errorf("alpha-errors %s: %+v", c.Name, c.Params)
		}
	}
	if ae.Len() < 50 || ae.Len() > 150 || len(ae.Axes) != 4 || len(nets) != 1 {
		t.Errorf("alpha-errors: %d combinations on %d axes and %d networks; want about 100 on 4 axes and 1 network", ae.Len(), len(ae.Axes), len(nets))
	}

	slot, err := study.Load("examples/slot.yaml")
	if err != nil {
		t.Fatal(err)
	}
	gbit, _ := bandwidth.Parse("fixed:1Gbit")
	w := slot.Combination(0).Params.Workload
	cs := w.Slot.Classes
	w.Slot.Classes = nil
	if slot.Len() != 1 || w.Type != study.Slot || !reflect.DeepEqual(w.Slot, workload.Slot{Rows: 512, Cols: 512,
		ProvidesInFlight: 262144, Validators: 10000, Samples: 73, SegmentSize: 512, Deadline: 4 * time.Second, SampleStart: study.AfterProvides,
		Threshold: 0.9, BuilderUpload: gbit, BuilderDownload: gbit}) ||
		slot.Combination(0).Params.Config.Nodes != 10000 || len(cs) != 1 || cs[0].Upload.Unlimited() {
		t.Errorf("slot: %d combinations, workload %+v, classes %+v", slot.Len(), w, cs)
	}

	// PANDAS's parameters: 512 x 512 cells of 560 B, 75 samples, a 4 s
	// deadline, 20,000 nodes each a validator, 10 % adversarial, churn,
	// Ethereum's geography, a resourceful builder.
	pandas, err := study.Load("examples/pandas.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pc := pandas.Combination(0).Params
	pw := pc.Workload.Slot
	adversarial := 0.0
	for _, c := range pw.Classes {
		if c.Behaviour.String() != "honest" {
			adversarial += c.Share
		}
	}
	if pandas.Len() != 1 || pc.Config.Nodes != 20000 || pw.Validators != 20000 || pw.Rows != 512 || pw.Cols != 512 ||
		pw.SegmentSize != 560 || pw.Samples != 75 || pw.Deadline != 4*time.Second || pw.Threshold != 0.9 ||
		!pc.Config.Network.Churn.Enabled() || pc.Latency != "discv5" || pw.BuilderUpload.Unlimited() || pw.BuilderDownload.Unlimited() ||
		math.Abs(adversarial-0.1) > 1e-9 {
		t.Errorf("pandas: %d combinations, %+v", pandas.Len(), pc)
	}
	wh, err := study.Load("examples/withholding.yaml")
	if err != nil {
		t.Fatal(err)
	}
	shares := map[float64]bool{}
	for _, c := range wh.Combinations() {
		ws := c.Params.Workload.Slot
		if c.Params.Workload.Type != study.Slot || ws.Withholding.Pattern.String() != "random" || ws.Threshold != 0.9 || ws.Rows != 32 || ws.Cols != 32 {
			t.Errorf("withholding %s: %+v", c.Name, c.Params.Workload)
		}
		shares[ws.Withholding.Share] = true
	}
	// Random withholding of a 32 x 32 block is recoverable up to about
	// 62 % of the cells and not from about 68 %: the sweep holds both.
	if wh.Len() != 135 || wh.Repeats != 3 || !shares[0] || !shares[0.6] || !shares[0.7] ||
		!slices.Equal(wh.Charts.Heatmap, []string{"withheld_share", "samples"}) || !slices.Contains(wh.Charts.Metrics, "false_accept") {
		t.Errorf("withholding: %d combinations, %d repeats, shares %v, charts %+v", wh.Len(), wh.Repeats, shares, wh.Charts)
	}
}

// Load reads a file, and reports a missing one as the os error it is.
func TestLoad(t *testing.T) {
	if _, err := study.Load("examples/missing.yaml"); !os.IsNotExist(err) {
		t.Errorf("Load(missing) = %v", err)
	}
	path := filepath.Join(t.TempDir(), "my study.v2.yaml")
	if err := os.WriteFile(path, []byte("alpha: [1, 2]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := study.Load(path)
	if err != nil || s.Name != "my_study_v2" || s.File != path || string(s.Source) != "alpha: [1, 2]\n" {
		t.Errorf("Load = %+v, %v", s, err)
	}
}
