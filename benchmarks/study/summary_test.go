package study_test

import (
	"bytes"
	"context"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-dht/go-dht/benchmarks/study"
	"github.com/go-dht/go-dht/dht/dhttest"
)

// repeated is a study of 2 x 2 points, each run with 3 seeds.
const repeated = `name: repeated
nodes: 300
alpha: [1, 3]
termination: [stale, beta]
repeats: 3
seed: 7
workload:
  type: retrieval
  segments: 5
  retrievers: 4
  samples: 3
`

// t975 is t(0.975, df), the 95 % two-sided quantile of Student's t, as
// statistics tables print it.
var t975 = map[int]float64{1: 12.706204736, 2: 4.302652730, 3: 3.182446305}

// With repeats: 3, summary.csv has one row per grid point (its
// parameters without the seed), each figure M the mean of its three
// seeds' rows of runs.csv and M_ci95 the half-width of the 95 % t
// interval of that mean, computed here by hand with the t quantile of a
// printed table; runs.csv keeps the three rows.
func TestSummaryAggregatesRepeats(t *testing.T) {
	s := parse(t, repeated)
	dir := t.TempDir()
	if _, err := study.Run(context.Background(), s, study.Options{Out: dir, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	runs := dhttest.ReadCSVFile(t, filepath.Join(dir, study.RunsFile))
	sum := dhttest.ReadCSVFile(t, filepath.Join(dir, study.SummaryFile))
	if len(runs) != 1+12 || len(sum) != 1+4 {
		t.Fatalf("runs.csv has %d rows and summary.csv %d, want 12 and 4", len(runs)-1, len(sum)-1)
	}
	if slices.Contains(sum[0], "seed") || !slices.Contains(runs[0], "seed") {
		t.Fatalf("summary header %v keeps the seed, or runs header %v lacks it", sum[0], runs[0])
	}
	col := func(header []string, name string) int {
		i := slices.Index(header, name)
		if i < 0 {
			t.Fatalf("no column %s in %v", name, header)
		}
		return i
	}
	metrics := study.MetricColumns(study.Retrieval)
	for p, row := range sum[1:] {
		if row[col(sum[0], "point")] != strconv.Itoa(p) || row[col(sum[0], "runs")] != "3" {
			t.Fatalf("point %d: row %v", p, row)
		}
		// The point's runs are combinations 3p, 3p+1, 3p+2, seeds 7, 8, 9.
		mine := runs[1+3*p : 1+3*p+3]
		for r, run := range mine {
			if run[col(runs[0], "seed")] != strconv.Itoa(7+r) {
				t.Fatalf("point %d, run %d has seed %s", p, r, run[col(runs[0], "seed")])
			}
			for _, key := range []string{"alpha", "termination", "nodes"} {
				if run[col(runs[0], key)] != row[col(sum[0], key)] {
					t.Fatalf("point %d: %s %s in runs.csv, %s in summary.csv", p, key, run[col(runs[0], key)], row[col(sum[0], key)])
				}
			}
		}
		for _, m := range metrics {
			var xs []float64
			for _, run := range mine {
				x, err := strconv.ParseFloat(run[col(runs[0], m)], 64)
				if err != nil {
					t.Fatalf("%s = %q: %v", m, run[col(runs[0], m)], err)
				}
				xs = append(xs, x)
			}
			mean := (xs[0] + xs[1] + xs[2]) / 3
			sd := math.Sqrt(((xs[0]-mean)*(xs[0]-mean) + (xs[1]-mean)*(xs[1]-mean) + (xs[2]-mean)*(xs[2]-mean)) / 2)
			half := t975[2] * sd / math.Sqrt(3)
			gotMean, err1 := strconv.ParseFloat(row[col(sum[0], m)], 64)
			gotHalf, err2 := strconv.ParseFloat(row[col(sum[0], m+study.CI95Suffix)], 64)
			if err1 != nil || err2 != nil {
				t.Fatalf("point %d: %s = %q, %s_ci95 = %q", p, m, row[col(sum[0], m)], m, row[col(sum[0], m+study.CI95Suffix)])
			}
			if !near(gotMean, mean) || !near(gotHalf, half) {
				t.Errorf("point %d, %s: mean %v ± %v, want %v ± %v (values %v)", p, m, gotMean, gotHalf, mean, half, xs)
			}
		}
	}
	// The runs differ in their seeds: some interval is not zero.
	if !slices.ContainsFunc(sum[1:], func(r []string) bool { return r[col(sum[0], "delay_mean_s_ci95")] != "0" }) {
		t.Error("every delay interval is 0: the seeds made no difference")
	}
}

// near compares a figure read back from a CSV with one computed here, to
// the digits a CSV keeps.
func near(got, want float64) bool {
	return math.Abs(got-want) <= 1e-5*math.Max(math.Abs(want), 1e-9)
}

// With one seed a point has no interval: its _ci95 cells are empty and
// its figures are its run's.
func TestSummaryOfOneSeedHasNoInterval(t *testing.T) {
	s := parse(t, strings.Replace(repeated, "repeats: 3", "repeats: 1", 1))
	dir := t.TempDir()
	if _, err := study.Run(context.Background(), s, study.Options{Out: dir}); err != nil {
		t.Fatal(err)
	}
	runs := dhttest.ReadCSVFile(t, filepath.Join(dir, study.RunsFile))
	sum := dhttest.ReadCSVFile(t, filepath.Join(dir, study.SummaryFile))
	if len(sum) != len(runs) {
		t.Fatalf("%d summary rows for %d runs", len(sum)-1, len(runs)-1)
	}
	for i, h := range sum[0] {
		if !strings.HasSuffix(h, study.CI95Suffix) {
			continue
		}
		m := strings.TrimSuffix(h, study.CI95Suffix)
		for r := 1; r < len(sum); r++ {
			if sum[r][i] != "" {
				t.Errorf("point %d: %s = %q with one seed", r-1, h, sum[r][i])
			}
			if got, want := sum[r][slices.Index(sum[0], m)], runs[r][slices.Index(runs[0], m)]; got != want {
				t.Errorf("point %d: %s = %s, its run has %s", r-1, m, got, want)
			}
		}
	}
}

// checkPNG fails unless path is a PNG image of at least w x h pixels.
func checkPNG(t *testing.T, path string, w, h int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if b := img.Bounds(); b.Dx() < w || b.Dy() < h {
		t.Errorf("%s is %v, want at least %dx%d", path, b, w, h)
	}
}

// Each study gets its charts: a chart per swept key, the heat map it asks
// for, the distributions of a study of one point, and the availability
// workload's measurements over time.
func TestRunDrawsEveryChart(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		charts     []string
	}{
		{"sweep with a heat map", repeated + "charts:\n  heatmap: [alpha, termination]\n  metric: [found_share, hops_mean]\n",
			[]string{"alpha.png", "termination.png", "heatmap_found_share_alpha_termination.png", "heatmap_hops_mean_alpha_termination.png"}},
		{"one point", "nodes: 300\nrepeats: 2\nworkload:\n  segments: 5\n  retrievers: 4\n  samples: 3\n", []string{"distributions.png"}},
		{"one slot", "nodes: 300\nworkload:\n  type: slot\n  rows: 8\n  cols: 8\n  validators: 20\n  samples: 5\n  provides_in_flight: 64\n",
			[]string{"distributions.png"}},
		{"availability", "nodes: 300\nchurn: ipfs\nrepublish: [0s, 1h]\nworkload:\n  type: availability\n  segments: 3\n  retrievers: 3\n  duration: 3h\n  health_nodes: 10\n",
			[]string{"republish.png", "over_time.png"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := parse(t, tc.text)
			dir := t.TempDir()
			res, err := study.Run(context.Background(), s, study.Options{Out: dir})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Files {
				if filepath.Dir(f) == filepath.Join(dir, "charts") {
					got = append(got, filepath.Base(f))
				}
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tc.charts))
			if !slices.Equal(got, want) {
				t.Fatalf("charts %v, want %v", got, want)
			}
			for _, c := range got {
				checkPNG(t, filepath.Join(dir, "charts", c), 400, 300)
			}
		})
	}
}
