package report_test

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-dht/go-dht/benchmarks/report"
	"github.com/go-dht/go-dht/dht/crawler"
)

// Quantiles interpolate between closest ranks, as pandas' quantile does
// (py-dht's and das-research's p90).
func TestQuantileAsPandas(t *testing.T) {
	xs := []float64{4, 1, 3, 2}
	for _, tc := range []struct{ q, want float64 }{{0, 1}, {0.5, 2.5}, {0.9, 3.7}, {1, 4}} {
		if got := report.Quantile(xs, tc.q); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("Quantile(%v) = %v, want %v", tc.q, got, tc.want)
		}
	}
	if !math.IsNaN(report.Quantile(nil, 0.5)) || !math.IsNaN(report.Mean(nil)) {
		t.Error("the quantile or mean of nothing is not NaN")
	}
	d := report.Describe([]float64{5, 1, 4, 2, 3})
	if d.N != 5 || d.Mean != 3 || d.P50 != 3 || d.Max != 5 || math.Abs(d.P90-4.6) > 1e-12 {
		t.Errorf("Describe = %+v", d)
	}
	if d := report.Describe(nil); d.N != 0 || !math.IsNaN(d.P50) {
		t.Errorf("Describe(nil) = %+v", d)
	}
}

// A streamed CSV appears only when closed, whole; an aborted one never.
func TestCSVFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rows.csv")
	f, err := report.CreateCSV(path, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]string{"1", "x,y"})
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the file is visible before Close")
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != "a,b\n1,\"x,y\"\n" {
		t.Fatalf("file %q", data)
	}
	g, _ := report.CreateCSV(filepath.Join(dir, "gone.csv"), []string{"a"})
	g.Write([]string{"1"})
	g.Abort()
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("%d files after an abort, want 1", len(entries))
	}
}

// Numbers print exactly, and an unmeasured figure is an empty cell.
func TestFormats(t *testing.T) {
	if report.Float(math.NaN()) != "" || report.Float(0.1) != "0.1" || report.Percent(0.5) != "50.0 %" || report.Human(0.0015) != "1.500 ms" {
		t.Errorf("%q %q %q %q", report.Float(math.NaN()), report.Float(0.1), report.Percent(0.5), report.Human(0.0015))
	}
	if report.IDs([]uint32{3, 1}) != "3;1" {
		t.Errorf("IDs = %q", report.IDs([]uint32{3, 1}))
	}
}

// A streamed file appears only when closed, whole; an aborted one never.
func TestFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "edges.csv")
	f, err := report.CreateFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("from,to\n1,2\n"))
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the file is visible before Close")
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != "from,to\n1,2\n" {
		t.Fatalf("file %q", data)
	}
	g, _ := report.CreateFile(filepath.Join(dir, "gone.csv"))
	g.Write([]byte("x"))
	g.Abort()
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("%d files after an abort, want 1", len(entries))
	}
}

// The crawl charts draw PNGs of a readable size, sampling a timeline of
// more visits than a page shows, and refuse to draw nothing.
func TestCrawlCharts(t *testing.T) {
	var visits []crawler.Visit
	for i := range 5 * report.MaxTimelineBars {
		start := time.Duration(i) * time.Millisecond
		visits = append(visits, crawler.Visit{Peer: uint32(i), Start: start, End: start + 150*time.Millisecond,
			Outcome: crawler.Outcomes()[i%4], Attempts: 1})
	}
	s := crawler.Summary{Nodes: len(visits), K: 20, Options: crawler.DefaultOptions(0)}
	for _, tc := range []struct {
		name string
		draw func(w *bytes.Buffer) error
	}{
		{"timeline", func(w *bytes.Buffer) error { return report.CrawlTimelineChart(w, visits, s) }},
		{"timeline of one visit", func(w *bytes.Buffer) error { return report.CrawlTimelineChart(w, visits[:1], s) }},
		{"sweep", func(w *bytes.Buffer) error {
			var crawls []crawler.Summary
			for _, rate := range []float64{0, 30} {
				for _, w := range []int{1, 10, 125} {
					c := s
					c.Options.InFlight, c.Network.FastErrorRate = w, rate
					c.Duration = time.Duration(1000/w) * time.Second
					c.OnlineStart, c.FoundOnlineStart, c.ReachedOnlineStart = 100, 100, 100-int(rate)
					crawls = append(crawls, c)
				}
			}
			return report.CrawlSweepChart(w, crawls)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.draw(&buf); err != nil {
				t.Fatal(err)
			}
			cfg, err := png.DecodeConfig(&buf)
			if err != nil || cfg.Width < 400 || cfg.Height < 300 {
				t.Fatalf("%dx%d, %v", cfg.Width, cfg.Height, err)
			}
		})
	}
	if report.CrawlTimelineChart(io.Discard, nil, s) == nil || report.CrawlSweepChart(io.Discard, nil) == nil {
		t.Error("a chart of no crawl was drawn")
	}
}

// One process at a time holds a folder: a second LockDir is refused with
// ErrLocked, naming the holder's pid and what it does; once unlocked, the
// folder can be locked again (the lock file stays, the lock does not).
func TestLockDirExcludesAndNamesHolder(t *testing.T) {
	dir := t.TempDir()
	first, err := report.LockDir(dir, "dhtsim run first.yaml")
	if err != nil || first.Warning != "" {
		t.Fatalf("LockDir: %v (warning %q)", err, first.Warning)
	}
	_, err = report.LockDir(dir, "dhtsim run second.yaml")
	if !errors.Is(err, report.ErrLocked) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) ||
		!strings.Contains(err.Error(), "first.yaml") {
		t.Fatalf("a second lock: %v; want ErrLocked naming the holder", err)
	}
	if err := first.Unlock(); err != nil {
		t.Fatal(err)
	}
	again, err := report.LockDir(dir, "dhtsim run third.yaml")
	if err != nil {
		t.Fatalf("after Unlock: %v", err)
	}
	again.Unlock()
	if _, err := os.Stat(filepath.Join(dir, report.LockFile)); err != nil {
		t.Errorf("the lock file: %v", err)
	}
}
