package study_test

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-dht/go-dht/benchmarks/report"
	"github.com/go-dht/go-dht/benchmarks/study"
	"github.com/go-dht/go-dht/dht/dhttest"
)

// small is a study of 8 combinations that runs in a fraction of a second.
const small = `name: small
nodes: 300
alpha: [1, 3]
fast_error_rate: [0, 20]
termination: beta
repeats: 2
workload:
  type: retrieval
  segments: 5
  retrievers: 4
  samples: 3
`

func parse(t *testing.T, text string) *study.Study {
	t.Helper()
	s, err := study.Parse("small.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// readSummary returns the rows of summary.csv and runs.csv, one after
// the other, without the wall-clock columns (wall_s and wall_s_ci95).
func readSummary(t *testing.T, dir string) [][]string {
	t.Helper()
	return append(readRuns(t, dir, study.SummaryFile), readRuns(t, dir, study.RunsFile)...)
}

// readRuns returns the rows of DIR/name (runs.csv when name is empty)
// without the wall-clock columns.
func readRuns(t *testing.T, dir string, name ...string) [][]string {
	t.Helper()
	file := study.RunsFile
	if len(name) > 0 {
		file = name[0]
	}
	rows := dhttest.ReadCSVFile(t, filepath.Join(dir, file))
	var out [][]string
	for _, r := range rows {
		var kept []string
		for j, v := range r {
			if !strings.HasPrefix(rows[0][j], "wall_s") {
				kept = append(kept, v)
			}
		}
		out = append(out, kept)
	}
	return out
}

// A run writes one folder per combination with its parameters, CSVs and
// summary row, then the study's runs.csv (one row per combination, by
// index), its summary.csv (one row per grid point) and a chart per swept
// key; the same study gives the same figures again.
func TestRunWritesEveryCombination(t *testing.T) {
	s := parse(t, small)
	dir := t.TempDir()
	res, err := study.Run(context.Background(), s, study.Options{Out: dir, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.Ran != 8 || res.Skipped != 0 || res.Total != 8 {
		t.Fatalf("outcome %+v", res)
	}
	for _, c := range s.Combinations() {
		for _, f := range []string{"params.yaml", "summary.csv", "provides.csv", "retrievals.csv", "records.csv"} {
			if st, err := os.Stat(filepath.Join(dir, c.Name, f)); err != nil || st.Size() == 0 {
				t.Fatalf("%s/%s: %v", c.Name, f, err)
			}
		}
		params, _ := os.ReadFile(filepath.Join(dir, c.Name, "params.yaml"))
		if one, err := study.Parse("params.yaml", params); err != nil || one.Len() != 1 || !reflect.DeepEqual(one.Combination(0).Params, c.Params) {
			t.Fatalf("%s: params.yaml does not read back as the combination: %v", c.Name, err)
		}
	}
	if runs := dhttest.ReadCSVFile(t, filepath.Join(dir, study.RunsFile)); len(runs) != 9 || runs[1][0] != "0" || runs[8][0] != "7" {
		t.Fatalf("runs.csv has %d rows, want 8 and the header", len(runs))
	}
	if points := dhttest.ReadCSVFile(t, filepath.Join(dir, study.SummaryFile)); len(points) != 5 || points[1][0] != "0" || points[4][0] != "3" {
		t.Fatalf("summary.csv has %d rows, want 4 points and the header", len(points))
	}
	rows := readSummary(t, dir)
	for _, key := range []string{"alpha", "fast_error_rate"} {
		if st, err := os.Stat(filepath.Join(dir, "charts", key+".png")); err != nil || st.Size() < 1000 {
			t.Errorf("chart of %s: %v", key, err)
		}
	}
	again := t.TempDir()
	if _, err := study.Run(context.Background(), s, study.Options{Out: again, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(rows, readSummary(t, again), slices.Equal) {
		t.Fatal("the same study with 1 and 2 workers gave other figures")
	}
}

// A run stopped half way keeps every finished combination and no partial
// one; running again skips the finished ones and ends with the summary of
// an uninterrupted run.
func TestRunResumes(t *testing.T) {
	s := parse(t, small)
	ref := t.TempDir()
	if _, err := study.Run(context.Background(), s, study.Options{Out: ref}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	p := &stopAfter{n: 3, cancel: cancel}
	_, err := study.Run(ctx, s, study.Options{Out: dir, Workers: 1, Progress: p})
	if err == nil {
		t.Fatal("a cancelled run reported no error")
	}
	entries, _ := os.ReadDir(dir)
	done := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") && e.Name() != report.LockFile {
			t.Errorf("left behind: %s", e.Name())
		}
		if e.IsDir() && strings.HasPrefix(e.Name(), "c0") {
			done++
		}
	}
	if done != 3 {
		t.Fatalf("%d combination folders after stopping after 3", done)
	}
	if rows := dhttest.ReadCSVFile(t, filepath.Join(dir, study.RunsFile)); len(rows) != 4 {
		t.Fatalf("the stopped run's runs.csv has %d rows, want 3 and the header", len(rows))
	}
	res, err := study.Run(context.Background(), s, study.Options{Out: dir})
	if err != nil || res.Skipped != 3 || res.Ran != 5 {
		t.Fatalf("resume: %+v, %v", res, err)
	}
	if !slices.EqualFunc(readSummary(t, ref), readSummary(t, dir), slices.Equal) {
		t.Fatal("the resumed run's summary differs from an uninterrupted one")
	}
}

// stopAfter cancels a run after n combinations.
type stopAfter struct {
	n      int
	cancel func()
}

func (p *stopAfter) Start(int, int)          {}
func (p *stopAfter) Begin(study.Combination) {}
func (p *stopAfter) Finish()                 {}
func (p *stopAfter) Done(study.Combination, time.Duration, error) {
	if p.n--; p.n == 0 {
		p.cancel()
	}
}

// An output folder belongs to one study: another study, or a folder of
// other files, is refused before any work.
func TestRunRefusesAnotherStudy(t *testing.T) {
	dir := t.TempDir()
	if _, err := study.Run(context.Background(), parse(t, small), study.Options{Out: dir}); err != nil {
		t.Fatal(err)
	}
	other := parse(t, strings.Replace(small, "nodes: 300", "nodes: 301", 1))
	start := time.Now()
	if _, err := study.Run(context.Background(), other, study.Options{Out: dir}); err == nil || !strings.Contains(err.Error(), "another study") {
		t.Fatalf("another study into the same folder: %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Error("the refusal came after work")
	}
	busy := t.TempDir()
	os.WriteFile(filepath.Join(busy, "notes.txt"), []byte("mine"), 0o644)
	if _, err := study.Run(context.Background(), other, study.Options{Out: busy}); err == nil {
		t.Fatal("a folder of other files was accepted")
	}
}

// Shards run apart and merged give the summary of one run, apart from the
// wall-clock column.
func TestShardsMerge(t *testing.T) {
	s := parse(t, small)
	whole := t.TempDir()
	if _, err := study.Run(context.Background(), s, study.Options{Out: whole}); err != nil {
		t.Fatal(err)
	}
	var shards []string
	for i := range 3 {
		dir := t.TempDir()
		res, err := study.Run(context.Background(), s, study.Options{Out: dir, Shard: i, Shards: 3})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != len(s.Shard(i, 3)) {
			t.Fatalf("shard %d ran %d of %d", i, res.Total, len(s.Shard(i, 3)))
		}
		shards = append(shards, dir)
	}
	merged := filepath.Join(t.TempDir(), "merged")
	res, err := study.Merge(merged, shards...)
	if err != nil || res.Ran != 8 {
		t.Fatalf("merge: %+v, %v", res, err)
	}
	if !slices.EqualFunc(readSummary(t, whole), readSummary(t, merged), slices.Equal) {
		t.Fatal("the merged summary differs from the whole run's")
	}
	otherDir := t.TempDir()
	study.Run(context.Background(), parse(t, strings.Replace(small, "nodes: 300", "nodes: 302", 1)), study.Options{Out: otherDir})
	if _, err := study.Merge(filepath.Join(t.TempDir(), "m"), shards[0], otherDir); err == nil {
		t.Fatal("shards of two studies were merged")
	}
}

// A slot study writes its provides, samples, validators and load, and a
// chart of its distributions. Withholding nothing, the block is
// recoverable and declared available; withholding the minimal pattern, it
// is not recoverable and rejected: the summary says so beside the
// truth. With bandwidth from the classes, load.csv counts bytes and the
// summary the builder's upload and the busiest node's bytes.
func TestRunSlot(t *testing.T) {
	s := parse(t, `nodes: 400
termination: beta
workload:
  type: slot
  rows: 6
  cols: 6
  provides_in_flight: 36
  validators: 30
  samples: 4
  deadline: 4s
  sample_timeout: 1s
  withholding: [none, minimal]
  classes:
    - {name: home, share: 0.9, validators_per_node: 2, custody_rows: 1, upload: "fixed:50Mbit"}
    - {name: liar, share: 0.1, behaviour: malicious}
`)
	dir := t.TempDir()
	if _, err := study.Run(context.Background(), s, study.Options{Out: dir, NoRecords: true}); err != nil {
		t.Fatal(err)
	}
	c := s.Combination(0)
	for _, f := range []string{"samples.csv", "validators.csv", "load.csv", "provides.csv", "slot.png"} {
		if _, err := os.Stat(filepath.Join(dir, c.Name, f)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, c.Name, "records.csv")); err == nil {
		t.Error("records.csv written with NoRecords")
	}
	rows := readRuns(t, dir)
	get := func(row int, col string) string { return rows[row][slices.Index(rows[0], col)] }
	if get(1, "withholding") != "none" || get(1, "recoverable") != "1" || get(1, "available") != "1" ||
		get(1, "false_reject") != "0" || get(1, "withheld") != "0" {
		t.Fatalf("withholding none: %v", rows[1])
	}
	if get(2, "withholding") != "minimal" || get(2, "recoverable") != "0" || get(2, "available") != "0" ||
		get(2, "false_accept") != "0" || get(2, "withheld") != "16" {
		t.Fatalf("withholding minimal: %v", rows[2])
	}
	for _, col := range []string{"builder_upload_end_s", "sent_bytes_max", "recv_bytes_max", "custody_delivered", "completion_p50_s"} {
		if get(1, col) == "" {
			t.Errorf("%s empty with bandwidth, custody and every validator done", col)
		}
	}
	samples := dhttest.ReadCSVFile(t, filepath.Join(dir, c.Name, "samples.csv"))
	validators := dhttest.ReadCSVFile(t, filepath.Join(dir, c.Name, "validators.csv"))
	if n := get(1, "validators_run"); strconv.Itoa(len(validators)-1) != n || len(samples)-1 != 4*(len(validators)-1) {
		t.Fatalf("%d validators, %d samples; the summary says %s validators of 4 samples", len(validators)-1, len(samples)-1, n)
	}
	load := dhttest.ReadCSVFile(t, filepath.Join(dir, c.Name, "load.csv"))
	if load[1][slices.Index(load[0], "sent_bytes")] == "" {
		t.Fatalf("load.csv without bytes: %v", load[1])
	}
}

// A sweep of tables (eager against on-demand) runs: combinations that
// differ in how tables are held get networks of their own (issue 17,
// cause 9: they shared one and every run failed in Derive), and the two
// modes give the same figures, as the model says they must.
func TestRunSweepsTables(t *testing.T) {
	s := parse(t, `nodes: 300
tables: [eager, on-demand]
termination: beta
workload:
  segments: 4
  retrievers: 4
  samples: 2
`)
	if a, b := s.Combination(0).NetworkKey(), s.Combination(1).NetworkKey(); a == b {
		t.Errorf("eager and on-demand share network key %s", a)
	}
	dir := t.TempDir()
	if _, err := study.Run(context.Background(), s, study.Options{Out: dir, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	rows := readRuns(t, dir)
	tables := slices.Index(rows[0], "tables")
	if len(rows) != 3 || rows[1][tables] != "eager" || rows[2][tables] != "on-demand" {
		t.Fatalf("summary:\n%v", rows)
	}
	for i := tables + 1; i < len(rows[0]); i++ {
		if rows[1][i] != rows[2][i] {
			t.Errorf("%s: eager %s, on-demand %s", rows[0][i], rows[1][i], rows[2][i])
		}
	}
}

// damage breaks a finished combination folder in one of the ways a
// folder can break (issue 17, cause 13).
var damages = []struct {
	name string
	do   func(t *testing.T, folder string)
}{
	{"truncated retrievals.csv", func(t *testing.T, folder string) {
		path := filepath.Join(folder, "retrievals.csv")
		st, _ := os.Stat(path)
		if err := os.Truncate(path, st.Size()/2); err != nil {
			t.Fatal(err)
		}
	}},
	{"deleted records.csv", func(t *testing.T, folder string) {
		if err := os.Remove(filepath.Join(folder, "records.csv")); err != nil {
			t.Fatal(err)
		}
	}},
	{"hand-edited summary row", func(t *testing.T, folder string) {
		path := filepath.Join(folder, "summary.csv")
		data, _ := os.ReadFile(path)
		lines := strings.SplitAfter(string(data), "\n")
		row := []byte(lines[1])
		for i := len(row) - 1; i >= 0; i-- { // a digit of the last figures, same size
			if row[i] >= '1' && row[i] <= '8' {
				row[i]++
				break
			}
		}
		lines[1] = string(row)
		if err := os.WriteFile(path, []byte(strings.Join(lines, "")), 0o644); err != nil {
			t.Fatal(err)
		}
	}},
	{"no summary.csv", func(t *testing.T, folder string) {
		if err := os.Remove(filepath.Join(folder, "summary.csv")); err != nil {
			t.Fatal(err)
		}
	}},
}

// A finished combination is one that verifies: a run into a folder that
// holds damaged combinations (a truncated or deleted CSV, an edited
// summary row, no summary.csv) names each and runs it again, replacing
// the folder, and ends with the summary and files of an untouched run
// (issue 17, cause 13: they were taken as complete, and a folder without
// summary.csv made every later run fail with "rename ... file exists").
func TestRunRerunsCombinationsThatDoNotVerify(t *testing.T) {
	s := parse(t, small)
	ref := t.TempDir()
	if _, err := study.Run(context.Background(), s, study.Options{Out: ref}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := study.Run(context.Background(), s, study.Options{Out: dir}); err != nil {
		t.Fatal(err)
	}
	for i, d := range damages {
		d.do(t, filepath.Join(dir, s.Combination(i).Name))
	}
	res, err := study.Run(context.Background(), s, study.Options{Out: dir})
	if err != nil {
		t.Fatal(err)
	}
	if res.Ran != len(damages) || res.Skipped != 8-len(damages) {
		t.Errorf("outcome %+v: want the %d damaged combinations run again", res, len(damages))
	}
	for i, d := range damages {
		name := s.Combination(i).Name
		found := false
		for _, n := range res.Notes {
			found = found || strings.Contains(n, name)
		}
		if !found {
			t.Errorf("%s (%s) is not named in the notes %q", name, d.name, res.Notes)
		}
		for _, f := range []string{"retrievals.csv", "records.csv", "provides.csv", "params.yaml"} {
			got, _ := os.ReadFile(filepath.Join(dir, name, f))
			want, _ := os.ReadFile(filepath.Join(ref, name, f))
			if len(want) == 0 || string(got) != string(want) {
				t.Errorf("%s (%s): %s is not the untouched run's", name, d.name, f)
			}
		}
	}
	if !slices.EqualFunc(readSummary(t, ref), readSummary(t, dir), slices.Equal) {
		t.Fatal("the summary after the rerun differs from an untouched run's")
	}
	again, err := study.Run(context.Background(), s, study.Options{Out: dir})
	if err != nil || again.Ran != 0 || len(again.Notes) != 0 {
		t.Errorf("a third run: %+v, %v; want nothing to do", again, err)
	}
}

// Merge takes only combinations that verify: a damaged copy is named and
// skipped for a clean copy from another shard folder, and a combination
// with no clean copy anywhere is reported missing, by name, with an
// error, while the report of the others is written (issue 17, cause 13:
// merge took a tampered copy when a clean one was also given).
func TestMergeTakesOnlyCombinationsThatVerify(t *testing.T) {
	s := parse(t, small)
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if _, err := study.Run(context.Background(), s, study.Options{Out: dir}); err != nil {
			t.Fatal(err)
		}
	}
	for i, d := range damages {
		d.do(t, filepath.Join(a, s.Combination(i).Name))
	}
	merged := filepath.Join(t.TempDir(), "merged")
	res, err := study.Merge(merged, a, b)
	if err != nil || res.Ran != 8 {
		t.Fatalf("merge: %+v, %v", res, err)
	}
	for i := range damages {
		name := s.Combination(i).Name
		if !slices.ContainsFunc(res.Notes, func(n string) bool { return strings.Contains(n, filepath.Join(a, name)) }) {
			t.Errorf("the damaged %s is not named in %q", filepath.Join(a, name), res.Notes)
		}
		for _, f := range []string{"retrievals.csv", "records.csv", "summary.csv"} {
			got, _ := os.ReadFile(filepath.Join(merged, name, f))
			want, _ := os.ReadFile(filepath.Join(b, name, f))
			if len(want) == 0 || string(got) != string(want) {
				t.Errorf("%s/%s is not the clean copy", name, f)
			}
		}
	}
	if !slices.EqualFunc(readSummary(t, b), readSummary(t, merged), slices.Equal) {
		t.Fatal("the merged summary differs from the clean folder's")
	}

	// With only the damaged folder, the damaged combinations are missing.
	alone := filepath.Join(t.TempDir(), "alone")
	res, err = study.Merge(alone, a)
	if !errors.Is(err, study.ErrIncomplete) || res == nil || res.Ran != 8-len(damages) {
		t.Fatalf("merge of a damaged folder alone: %+v, %v; want ErrIncomplete", res, err)
	}
	for i := range damages {
		if name := s.Combination(i).Name; !strings.Contains(err.Error(), name) {
			t.Errorf("the error does not name the missing %s: %v", name, err)
		}
	}
	if rows := readRuns(t, alone); len(rows) != 1+8-len(damages) {
		t.Errorf("the partial report has %d rows", len(rows)-1)
	}
}

// A completion mark vouches only for files of its own folder: one that
// lists a path outside it, or leaves out summary.csv, does not verify.
func TestVerifyRefusesForeignMarks(t *testing.T) {
	s := parse(t, small)
	dir := t.TempDir()
	if _, err := study.Run(context.Background(), s, study.Options{Out: dir, Shard: 0, Shards: 8}); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, s.Combination(0).Name)
	if err := study.Verify(folder); err != nil {
		t.Fatalf("a fresh folder: %v", err)
	}
	path := filepath.Join(folder, study.MarkFile)
	mark, _ := os.ReadFile(path)
	for _, edit := range []struct{ old, new string }{{"name: params.yaml", "name: ../study.yaml"}, {"name: summary.csv", "name: other.csv"}} {
		os.WriteFile(path, []byte(strings.Replace(string(mark), edit.old, edit.new, 1)), 0o644)
		if err := study.Verify(folder); err == nil {
			t.Errorf("a mark with %q verifies", edit.new)
		}
	}
}

// The temporaries a killed run leaves, wherever it leaves them (a
// combination folder in progress, a summary file, a chart in charts/),
// are removed by the next run into the folder (issue 17, cause 18:
// charts/.*.png.tmp-* were never removed).
func TestRunRemovesTemporaries(t *testing.T) {
	s := parse(t, small)
	dir := t.TempDir()
	if _, err := study.Run(context.Background(), s, study.Options{Out: dir, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	plant := []string{".summary.csv.tmp-12", filepath.Join("charts", ".alpha.png.tmp-34"),
		filepath.Join(".c0003_alpha=1_fast_error_rate=20_seed=2.tmp-56", ".records.csv.tmp-78")}
	for _, p := range plant {
		path := filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := study.Run(context.Background(), s, study.Options{Out: dir}); err != nil {
		t.Fatal(err)
	}
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if strings.Contains(d.Name(), ".tmp-") {
			t.Errorf("left behind: %s", path)
		}
		return nil
	})
}

// Each combination's completion mark names the go-dht build that wrote
// it; resuming a folder whose combinations another build wrote says so,
// since a model that changed between the two builds would mix two models
// in one report (a doubtful case of issue 17: study.yaml records no
// version, and its identity stays the study's).
func TestRunNotesCombinationsOfAnotherBuild(t *testing.T) {
	s := parse(t, small)
	dir := t.TempDir()
	if _, err := study.Run(context.Background(), s, study.Options{Out: dir, Shard: 0, Shards: 4}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, s.Combination(0).Name, study.MarkFile)
	mark, _ := os.ReadFile(path)
	lines := strings.Split(string(mark), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "build: ") {
			lines[i] = "build: go-dht v9.9.9, go1.99"
		}
	}
	os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644)
	res, err := study.Run(context.Background(), s, study.Options{Out: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "go-dht v9.9.9") || !strings.Contains(res.Notes[0], "1 of the 2 complete") {
		t.Errorf("notes %q; want one naming the other build", res.Notes)
	}
}

// Every CSV a study writes, for each workload type (its summary, each
// combination's provides, retrievals, samples, validators, load,
// availability and records), names each column once, and every column of
// seconds (_s) holds numbers: a duration parameter too (gamma_s,
// deadline_s, every_s), never Go's 125µs or 1h0m0s.
func TestStudyCSVsHaveUniqueColumns(t *testing.T) {
	for name, src := range map[string]string{
		"retrieval":    "nodes: 300\ngamma: [0s, 125us]\ntermination: beta\nworkload: {segments: 6, retrievers: 4, samples: 3}\n",
		"slot":         "nodes: 300\nworkload: {type: slot, rows: 4, cols: 4, samples: 3, validators: 20, deadline: 2s, sample_start: [provided, 100ms]}\n",
		"availability": "nodes: 300\nchurn: 'exp:1h,1h'\nrefresh: 30m\nworkload: {type: availability, segments: 4, retrievers: 4, duration: 2h, every: 1h}\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if _, err := study.Run(context.Background(), parse(t, src), study.Options{Out: dir, Workers: 1}); err != nil {
				t.Fatal(err)
			}
			if n := dhttest.CheckCSVs(t, dir); n < 3 {
				t.Errorf("%d CSVs", n)
			}
			for file, cols := range map[string][]string{"summary.csv": {"gamma_s", "workload", "nodes"}, "runs.csv": {"gamma_s", "workload", "nodes", "seed"}} {
				rows := dhttest.ReadCSVFile(t, filepath.Join(dir, file))
				for _, col := range cols {
					if !slices.Contains(rows[0], col) {
						t.Errorf("%s lacks %s: %v", file, col, rows[0])
					}
				}
			}
		})
	}
}

// Over a sweep, a slot study draws the heat map of validator success it
// asks for over two swept keys (here the share of rows withheld and the
// samples per validator), beside a chart per swept key.
func TestRunSlotSweepHeatmap(t *testing.T) {
	s := parse(t, `nodes: 300
termination: beta
workload:
  type: slot
  rows: 8
  cols: 8
  provides_in_flight: 64
  validators: 20
  samples: [1, 4]
  withholding: rows
  withheld_share: [0, 0.25, 0.625]
charts:
  heatmap: [withheld_share, samples]
  metric: [success_share, false_accept]
`)
	dir := t.TempDir()
	res, err := study.Run(context.Background(), s, study.Options{Out: dir, NoRecords: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Files {
		if filepath.Dir(f) == filepath.Join(dir, "charts") {
			got = append(got, filepath.Base(f))
		}
	}
	for _, want := range []string{"heatmap_success_share_withheld_share_samples.png", "heatmap_false_accept_withheld_share_samples.png",
		"samples.png", "withheld_share.png"} {
		if !slices.Contains(got, want) {
			t.Errorf("charts %v lack %s", got, want)
		}
	}
	rows := readRuns(t, dir)
	col := func(name string) int { return slices.Index(rows[0], name) }
	for _, r := range rows[1:] {
		// 5 of 8 rows withheld cannot be rebuilt; 2 of 8 can.
		if want := map[string]string{"0": "1", "0.25": "1", "0.625": "0"}[r[col("withheld_share")]]; r[col("recoverable")] != want {
			t.Errorf("withheld_share %s: recoverable %s, want %s", r[col("withheld_share")], r[col("recoverable")], want)
		}
	}
}

// An availability point with no retrieval (every node has left for good,
// so none is online to retrieve) reports no found share and no delays:
// empty cells in availability.csv, not zeros, and found_share_mean is the
// mean over the points that had retrievals (the review found zeros, and
// means that counted them).
func TestAvailabilityPointsWithoutRetrievalsAreEmpty(t *testing.T) {
	s := parse(t, "nodes: 300\nleave_rate: 1\nworkload: {type: availability, segments: 2, retrievers: 4, duration: 12h, every: 1h}\n")
	dir := t.TempDir()
	if _, err := study.Run(context.Background(), s, study.Options{Out: dir, Workers: 1, NoRecords: true}); err != nil {
		t.Fatal(err)
	}
	combos := s.Combinations()
	if len(combos) != 1 {
		t.Fatalf("%d combinations, want 1", len(combos))
	}
	rows := dhttest.ReadCSVFile(t, filepath.Join(dir, combos[0].Name, "availability.csv"))
	col := func(name string) int {
		i := slices.Index(rows[0], name)
		if i < 0 {
			t.Fatalf("availability.csv lacks %s: %v", name, rows[0])
		}
		return i
	}
	lookups, found, p50, p90 := col("lookups"), col("found_share"), col("delay_p50_s"), col("delay_p90_s")
	var with, without int
	sum := 0.0
	for _, r := range rows[1:] {
		if r[lookups] == "0" {
			without++
			if r[found] != "" || r[p50] != "" || r[p90] != "" {
				t.Errorf("a point without retrievals: found %q, delays %q %q; want empty cells", r[found], r[p50], r[p90])
			}
			continue
		}
		with++
		v, err := strconv.ParseFloat(r[found], 64)
		if err != nil || r[p50] == "" {
			t.Errorf("a point with %s retrievals: found %q, delay p50 %q", r[lookups], r[found], r[p50])
		}
		sum += v
	}
	if with == 0 || without == 0 {
		t.Fatalf("%d points with retrievals, %d without; want both (nodes leave at 1 an hour)", with, without)
	}
	summary := readRuns(t, dir)
	got, err := strconv.ParseFloat(summary[1][slices.Index(summary[0], "found_share_mean")], 64)
	if err != nil || math.Abs(got-sum/float64(with)) > 1e-6 {
		t.Errorf("found_share_mean %v (%v), want the mean of the %d points with retrievals, %v", got, err, with, sum/float64(with))
	}
}
