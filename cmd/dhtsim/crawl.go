package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/go-dht/go-dht/benchmarks"
	"github.com/go-dht/go-dht/benchmarks/param"
	"github.com/go-dht/go-dht/benchmarks/report"
	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/crawler"
	"github.com/go-dht/go-dht/network"
)

// crawlCmd builds a network from the flags (the registry's parameters of
// dhtsim crawl: the network's, the crawl's options and the output's) and
// crawls it once per value of -fast-error-rates and of -inflight.
func crawlCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("crawl", param.Crawl)
	pos, err := f.parse(args, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("unexpected arguments %q (every setting is a flag)", pos)
	}
	s, rates, inFlights, err := crawlSettings(f)
	if err != nil {
		return err
	}
	lock, err := claimOut(s.Run.Out, s.Run.Overwrite)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	if lock.Warning != "" {
		fmt.Fprintf(stderr, "dhtsim crawl: warning: %s\n", lock.Warning)
	}

	// The network of the first rate is built; the others derive from it
	// and share its tables.
	first := s
	first.Config.Network.FastErrorRate = rates[0]
	base, err := dht.New(crawlConfig(first))
	if err != nil {
		return err
	}
	nodes, seed := s.Config.Nodes, s.Config.Network.Seed
	boot, err := crawler.PickBootstrap(nodes, s.Crawl.Bootstrap, seed)
	if err != nil {
		return usagef("-bootstrap: %v", err)
	}
	mode, _ := crawler.ParseProgressMode(progressMode(s.Run.Progress))
	var done []benchmarks.CrawlRow
	var sums []crawler.Summary
	for _, rate := range rates {
		net := base
		q := s
		q.Config.Network.FastErrorRate = rate
		if rate != rates[0] {
			if net, err = base.Derive(crawlConfig(q)); err != nil {
				return err
			}
		}
		for _, w := range inFlights {
			q.Crawl.Options.InFlight = w
			opts := q.Crawl.Options
			opts.Bootstrap = boot
			name := fmt.Sprintf("W%d_rate%g", w, rate)
			fmt.Fprintf(stdout, "crawl %s: %d nodes, W = %d, fast error rate %g%%\n", name, nodes, w, rate)
			sum, err := crawlOne(ctx, net, opts, filepath.Join(s.Run.Out, name), q, crawler.NewProgress(stderr, mode))
			if err != nil {
				if ctx.Err() != nil {
					return fmt.Errorf("interrupted during crawl %s: the %d crawls finished are kept in %s", name, len(done), s.Run.Out)
				}
				return fmt.Errorf("crawl %s: %w", name, err)
			}
			sum.WriteText(stdout)
			done = append(done, benchmarks.CrawlRow{Summary: sum, Params: q})
			sums = append(sums, sum)
			// After every crawl, so that a killed sweep keeps the summary
			// of every crawl it finished.
			if err := network.WriteFileAtomic(filepath.Join(s.Run.Out, "crawls.csv"), func(w io.Writer) error {
				return benchmarks.WriteCrawlSummaries(w, done...)
			}); err != nil {
				return err
			}
		}
	}
	if len(done) > 1 && !s.Crawl.NoCharts {
		if err := network.WriteFileAtomic(filepath.Join(s.Run.Out, "sweep.png"), func(w io.Writer) error {
			return report.CrawlSweepChart(w, sums)
		}); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%d crawls; summaries in %s\n", len(done), filepath.Join(s.Run.Out, "crawls.csv"))
	return nil
}

// crawlSettings returns the flags' settings and the sweep: the fast error
// rates and the W of the crawls, each checked (every problem at once,
// naming the flags) before any work.
func crawlSettings(f *cmdFlags) (param.Settings, []float64, []int, error) {
	s := f.f.Settings()
	rate, inflight := param.MustKey("fast_error_rate"), param.MustKey("in_flight")
	if isSet(f, "fast-error-rate") && f.f.List(rate) != nil {
		return s, nil, nil, usagef("-fast-error-rate and -fast-error-rates both set: give one rate or a sweep")
	}
	rates := []float64{s.Config.Network.FastErrorRate}
	if l := f.f.List(rate); l != nil {
		rates = rates[:0]
		for _, v := range l {
			rates = append(rates, v.(float64))
		}
	}
	inFlights := []int{s.Crawl.Options.InFlight}
	if l := f.f.List(inflight); l != nil {
		inFlights = inFlights[:0]
		for _, v := range l {
			inFlights = append(inFlights, v.(int))
		}
	}
	var msgs []string
	for _, r := range rates {
		for _, w := range inFlights {
			q := s
			q.Config.Network.FastErrorRate, q.Crawl.Options.InFlight = r, w
			for _, m := range f.f.Problems(q) {
				if !slices.Contains(msgs, m) {
					msgs = append(msgs, m)
				}
			}
		}
	}
	if err := mistakes(msgs); err != nil {
		return s, nil, nil, err
	}
	if s.Run.Out == "" {
		return s, nil, nil, usagef("-out is required: the crawls' output folder")
	}
	return s, rates, inFlights, nil
}

// isSet reports whether the flag name was given on the command line.
func isSet(f *cmdFlags, name string) bool {
	set := false
	f.fs.Visit(func(fl *flag.Flag) { set = set || fl.Name == name })
	return set
}

// progressMode maps the -progress value of the study commands ("none")
// to the crawler's ("off").
func progressMode(s string) string {
	if s == "none" {
		return "off"
	}
	return s
}

// crawlFolder matches the folder of one crawl of a sweep: W<w>_rate<r>.
var crawlFolder = regexp.MustCompile(`^W[0-9]+_rate[^/]*$`)

// claimOut makes the output folder and takes its lock (one process
// writes there at a time). A folder that holds files is refused unless
// overwrite, so that a crawl never mixes with an earlier one; with
// overwrite, the earlier crawls' output (their W*_rate* folders,
// crawls.csv, sweep.png) and what a killed crawl left half written are
// removed first, so that the folder holds one sweep. Other files are kept.
func claimOut(dir string, overwrite bool) (*report.Lock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	lock, err := report.LockDir(dir, strings.Join(os.Args, " "))
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		lock.Unlock()
		return nil, err
	}
	entries = slices.DeleteFunc(entries, func(e os.DirEntry) bool { return e.Name() == report.LockFile })
	if len(entries) > 0 && !overwrite {
		lock.Unlock()
		return nil, usagef("-out %s already holds files: pass -overwrite or choose another folder", dir)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() && crawlFolder.MatchString(name) || !e.IsDir() && (name == "crawls.csv" || name == "sweep.png") {
			if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
				lock.Unlock()
				return nil, err
			}
		}
	}
	if err := report.RemoveTemporaries(dir); err != nil {
		lock.Unlock()
		return nil, err
	}
	return lock, nil
}

// crawlConfig is the network configuration of a crawl: the flags', with
// records kept only when asked for (-records).
func crawlConfig(s param.Settings) dht.Config {
	cfg, _ := s.Build() // the latency spec was checked with the flags
	cfg.Network.DiscardRecords = !s.Crawl.Records
	return cfg
}

// crawlOne runs one crawl and writes its folder: summary.csv, visits.csv,
// edges.csv, records.csv and timeline.png. Every file appears whole or not
// at all.
func crawlOne(ctx context.Context, net *dht.DHTNetwork, opts crawler.Options, dir string, s param.Settings, progress crawler.Progress) (crawler.Summary, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return crawler.Summary{}, err
	}
	net.ResetMetrics()
	var visits []crawler.Visit
	out := crawler.Output{OnVisit: func(v crawler.Visit) { visits = append(visits, v) }, Progress: progress}
	var streamed []*report.File
	stream := func(name string) (io.Writer, error) {
		f, err := report.CreateFile(filepath.Join(dir, name))
		if err == nil {
			streamed = append(streamed, f)
		}
		return f, err
	}
	abort := func() {
		for _, f := range streamed {
			f.Abort()
		}
	}
	var err error
	if out.Visits, err = stream("visits.csv"); err != nil {
		return crawler.Summary{}, err
	}
	if e := s.Crawl.Edges; e == "all" || e == "auto" && net.Len() <= param.EdgesAuto {
		if out.Edges, err = stream("edges.csv"); err != nil {
			abort()
			return crawler.Summary{}, err
		}
	}
	sum, err := crawler.Crawl(ctx, net, opts, out)
	if err != nil {
		abort()
		return sum, err
	}
	var errs []error
	for _, f := range streamed {
		errs = append(errs, f.Close())
	}
	write := func(name string, fill func(io.Writer) error) {
		errs = append(errs, network.WriteFileAtomic(filepath.Join(dir, name), fill))
	}
	write("summary.csv", func(w io.Writer) error {
		return benchmarks.WriteCrawlSummaries(w, benchmarks.CrawlRow{Summary: sum, Params: s})
	})
	if s.Crawl.Records {
		write("records.csv", net.WriteRecordsCSV)
	}
	if !s.Crawl.NoCharts {
		write("timeline.png", func(w io.Writer) error { return report.CrawlTimelineChart(w, visits, sum) })
	}
	return sum, errors.Join(errs...)
}
