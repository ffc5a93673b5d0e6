package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-dht/go-dht/benchmarks"
	"github.com/go-dht/go-dht/dht/crawler"
	"github.com/go-dht/go-dht/dht/dhttest"
)

// crawlCommand runs dhtsim crawl in the test's process and fails the test
// unless it succeeds.
func crawlCommand(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), append([]string{"crawl", "-progress", "none"}, args...), &stdout, &stderr); code != 0 {
		t.Fatalf("dhtsim crawl %v: status %d: %s", args, code, stderr.String())
	}
	return stdout.String()
}

// A sweep over W and the fast error rate writes, for every crawl, a
// folder with one visits row per node, the edges, the summary and the
// timeline chart; and across crawls, one summary row each and the sweep
// chart. Every crawl of a rate finds the same peers whatever W.
func TestCrawlCommandSweep(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	const n = 600
	crawlCommand(t, "-out", dir, "-n", "600", "-inflight", "1,10,125", "-fast-error-rates", "0,20", "-records")
	for _, rate := range []string{"0", "20"} {
		var reached []string
		for _, w := range []string{"1", "10", "125"} {
			sub := filepath.Join(dir, "W"+w+"_rate"+rate)
			visits := dhttest.ReadCSVFile(t, filepath.Join(sub, "visits.csv"))
			if got := strings.Join(visits[0], ","); got != crawler.VisitsHeader || len(visits) != n+1 {
				t.Fatalf("%s: header %q and %d rows, want %d", sub, got, len(visits)-1, n)
			}
			if edges := dhttest.ReadCSVFile(t, filepath.Join(sub, "edges.csv")); len(edges) < n {
				t.Errorf("%s: %d edges for %d nodes", sub, len(edges)-1, n)
			}
			if records := dhttest.ReadCSVFile(t, filepath.Join(sub, "records.csv")); len(records) != n+1 {
				t.Errorf("%s: %d records, want one per attempt (%d)", sub, len(records)-1, n)
			}
			// The summary names the crawl's own W and rate, not the
			// flags' lists.
			sum := dhttest.ReadCSVFile(t, filepath.Join(sub, "summary.csv"))
			if len(sum) != 2 || !slices.Equal(sum[0], benchmarks.CrawlHeader) ||
				sum[1][slices.Index(sum[0], "in_flight")] != w || sum[1][slices.Index(sum[0], "fast_error_rate")] != rate ||
				sum[1][slices.Index(sum[0], "nodes")] != "600" {
				t.Fatalf("%s: summary %v", sub, sum)
			}
			if _, err := os.Stat(filepath.Join(sub, "timeline.png")); err != nil {
				t.Error(err)
			}
			var ok []string
			for _, v := range visits[1:] {
				if v[4] == "ok" {
					ok = append(ok, v[0])
				}
			}
			slices.Sort(ok)
			got := strings.Join(ok, " ")
			if reached == nil {
				reached = []string{got}
			} else if got != reached[0] {
				t.Errorf("rate %s: W=%s reached other peers than W=1", rate, w)
			}
		}
		if rate == "20" && len(strings.Fields(reached[0])) == n {
			t.Errorf("at 20%% refused every peer answered")
		}
	}
	if rows := dhttest.ReadCSVFile(t, filepath.Join(dir, "crawls.csv")); len(rows) != 1+6 {
		t.Errorf("crawls.csv: %d rows, want 6", len(rows)-1)
	}
	if _, err := os.Stat(filepath.Join(dir, "sweep.png")); err != nil {
		t.Error(err)
	}
}

// The same flags give the same visits and edges, byte for byte; another
// seed gives others.
func TestCrawlCommandIsReproducible(t *testing.T) {
	read := func(dir, name string) string {
		data, err := os.ReadFile(filepath.Join(dir, "W125_rate5", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	var dirs []string
	for _, seed := range []string{"7", "7", "8"} {
		dir := filepath.Join(t.TempDir(), "out")
		crawlCommand(t, "-out", dir, "-n", "400", "-seed", seed, "-fast-error-rate", "5", "-churn", "exp:10m,10m", "-start", "30m")
		dirs = append(dirs, dir)
	}
	for _, name := range []string{"visits.csv", "edges.csv"} {
		if read(dirs[0], name) != read(dirs[1], name) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
		if read(dirs[0], name) == read(dirs[2], name) {
			t.Errorf("%s is the same with seeds 7 and 8", name)
		}
	}
}

// Bad flags stop the command with status 2 and an error naming the flag
// and what it allows, before any file is written.
func TestCrawlCommandBadInput(t *testing.T) {
	full := t.TempDir()
	os.WriteFile(filepath.Join(full, "crawls.csv"), []byte("x"), 0o644)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{}, []string{"-out is required"}},
		{[]string{"-inflight", "0"}, []string{"-inflight", "1..100000"}},
		{[]string{"-inflight", "1,200000"}, []string{"-inflight", "100000"}},
		{[]string{"-inflight", "ten"}, []string{"-inflight"}},
		{[]string{"-requests", "65"}, []string{"-requests", "64"}},
		{[]string{"-retries", "-1"}, []string{"-retries"}},
		{[]string{"-timeout", "-1s"}, []string{"-timeout"}},
		{[]string{"-bootstrap", "0"}, []string{"-bootstrap", "1.."}},
		{[]string{"-bootstrap", "20000"}, []string{"-bootstrap", "1..10000 (the network's nodes)"}},
		{[]string{"-alpha", "3"}, []string{"-alpha", "dhtsim crawl -h lists its flags"}},
		{[]string{"-edges", "some"}, []string{"-edges", "auto, all, none"}},
		{[]string{"-progress", "loud"}, []string{"-progress", "auto, bar, lines, none"}},
		{[]string{"-n", "0"}, []string{"-n"}},
		{[]string{"-fast-error-rates", "0,120"}, []string{"-fast-error-rate"}},
		{[]string{"-fast-error-rate", "5", "-fast-error-rates", "0,10"}, []string{"-fast-error-rate and -fast-error-rates"}},
		{[]string{"-churn", "sometimes"}, []string{"-churn"}},
		{[]string{"stray"}, []string{"unexpected arguments"}},
	} {
		dir := filepath.Join(t.TempDir(), "out")
		args := append([]string{"crawl"}, tc.args...)
		if len(tc.args) > 0 {
			args = append(args, "-out", dir)
		}
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code != 2 {
			t.Errorf("%v: status %d, want 2 (%s)", tc.args, code, stderr.String())
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr.String(), w) {
				t.Errorf("%v: error %q lacks %q", tc.args, stderr.String(), w)
			}
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("%v: the output folder was made before the flags were checked", tc.args)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"crawl", "-out", full, "-n", "100"}, &stdout, &stderr); code != 2 ||
		!strings.Contains(stderr.String(), "-overwrite") {
		t.Errorf("a folder with files: status %d, %s", code, stderr.String())
	}
}

// An interrupted sweep keeps the crawls it finished (their folders and
// their rows of crawls.csv) and leaves no part of the crawl it stopped.
func TestCrawlCommandInterrupted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for ctx.Err() == nil {
			if _, err := os.Stat(filepath.Join(dir, "crawls.csv")); err == nil {
				cancel()
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"crawl", "-progress", "none", "-out", dir, "-n", "30000", "-inflight", "1000,1"}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "interrupted") {
		t.Fatalf("status %d, %s", code, stderr.String())
	}
	if rows := dhttest.ReadCSVFile(t, filepath.Join(dir, "crawls.csv")); len(rows) != 2 {
		t.Errorf("crawls.csv: %d rows, want the finished crawl's", len(rows)-1)
	}
	if rows := dhttest.ReadCSVFile(t, filepath.Join(dir, "W1000_rate0", "visits.csv")); len(rows) != 30001 {
		t.Errorf("the finished crawl has %d visits", len(rows)-1)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "W1_rate0"))
	if len(entries) != 0 {
		t.Errorf("the stopped crawl left files: %v", entries)
	}
}

// A crawl killed with SIGKILL leaves its streamed files half written
// (.visits.csv.tmp-*, .edges.csv.tmp-*); the next crawl into the folder
// (-overwrite) removes them (issue 17, cause 18: they were never removed,
// 138 MB at 10^6 nodes).
func TestCrawlRemovesKilledCrawlsTemporaries(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	cmd := dhtsim(nil, "crawl", "-out", dir, "-n", "30000", "-edges", "all", "-progress", "none")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(time.Millisecond) {
		tmps, _ := filepath.Glob(filepath.Join(dir, "W*", ".edges.csv.tmp-*"))
		if len(tmps) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the crawl never started its edges")
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	crawlCommand(t, "-out", dir, "-n", "300", "-overwrite")
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if strings.Contains(d.Name(), ".tmp-") {
			t.Errorf("left behind: %s", path)
		}
		return nil
	})
}

// -overwrite replaces an earlier crawl's output: the folders of crawls
// the new sweep does not run are removed with it, so the folder holds one
// sweep (a doubtful case of issue 17: a larger earlier sweep's folders
// stayed beside the new crawls.csv). Other files are kept.
func TestCrawlOverwriteRemovesEarlierCrawls(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	crawlCommand(t, "-out", dir, "-n", "300", "-inflight", "1,10", "-fast-error-rates", "0,20")
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	crawlCommand(t, "-out", dir, "-n", "300", "-inflight", "10", "-overwrite")
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != ".lock W10_rate0 crawls.csv notes.txt" {
		t.Errorf("after -overwrite the folder holds %s", got)
	}
}

// A sweep that names one W or one error rate twice is refused before any
// work, naming the flag (a doubtful case of issue 17: -inflight 1,1 ran
// the same crawl twice into one folder).
func TestCrawlRefusesRepeatedSweepValues(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-inflight", "1,1"}, "-inflight"},
		{[]string{"-inflight", "10,125,10"}, "-inflight"},
		{[]string{"-fast-error-rates", "10,1e1"}, "-fast-error-rates"},
	} {
		var stdout, stderr bytes.Buffer
		args := append([]string{"crawl", "-out", t.TempDir(), "-n", "300", "-progress", "none"}, tc.args...)
		if code := run(context.Background(), args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), tc.want) || !strings.Contains(stderr.String(), "twice") {
			t.Errorf("%v: status %d, %q; want 2 naming %s", tc.args, code, stderr.String(), tc.want)
		}
	}
}
