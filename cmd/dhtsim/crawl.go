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
	"strconv"
	"strings"
	"time"

	"github.com/go-dht/go-dht/benchmarks"
	"github.com/go-dht/go-dht/benchmarks/report"
	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/crawler"
	"github.com/go-dht/go-dht/network"
)

// crawlEdgesAuto is the largest network whose edges CSV a crawl writes
// with -edges auto: 10^5 nodes give some 3 x 10^7 rows (about 0.5 GB);
// 10^6 nodes ten times more.
const crawlEdgesAuto = 100_000

// crawlFlags are the flags of dhtsim crawl beyond the network's.
type crawlFlags struct {
	out       string
	overwrite bool
	inFlight  []int
	rates     []float64
	requests  int
	retries   int
	timeout   time.Duration
	bootstrap int
	start     time.Duration
	edges     string
	records   bool
	progress  string
	noCharts  bool
}

// listFlag reads a comma-separated list of values with parse.
type listFlag[T any] struct {
	dst   *[]T
	parse func(string) (T, error)
}

func (f listFlag[T]) String() string {
	if f.dst == nil {
		return ""
	}
	parts := make([]string, len(*f.dst))
	for i, v := range *f.dst {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, ",")
}

func (f listFlag[T]) Set(s string) error {
	var vs []T
	for _, part := range strings.Split(s, ",") {
		v, err := f.parse(strings.TrimSpace(part))
		if err != nil {
			return err
		}
		vs = append(vs, v)
	}
	*f.dst = vs
	return nil
}

func crawlCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("crawl", stderr)
	p := benchmarks.DefaultParams()
	p.RegisterNetworkFlags(fs)
	cf := crawlFlags{
		inFlight: []int{crawler.DefaultInFlight}, requests: crawler.DefaultRequests,
		timeout: crawler.DefaultTimeout, bootstrap: 4, edges: "auto", progress: "auto",
	}
	fs.StringVar(&cf.out, "out", "", "output folder (required): one folder per crawl, crawls.csv and the charts")
	fs.BoolVar(&cf.overwrite, "overwrite", false, "write into an output folder that already holds files")
	fs.Var(listFlag[int]{&cf.inFlight, strconv.Atoi}, "inflight", fmt.Sprintf("W, the visits in flight: one value or a comma-separated sweep such as 1,10,125,1000 (1..%d)", crawler.MaxInFlight))
	fs.Var(listFlag[float64]{&cf.rates, func(s string) (float64, error) { return strconv.ParseFloat(s, 64) }}, "fast-error-rates",
		"fast error rates (%) of a sweep, comma-separated: one network per rate on the same tables (instead of -fast-error-rate)")
	fs.IntVar(&cf.requests, "requests", cf.requests, fmt.Sprintf("find-closest requests per visit, one per common prefix length 0..requests-1 (1..%d)", crawler.MaxRequests))
	fs.IntVar(&cf.retries, "retries", cf.retries, fmt.Sprintf("retries of a failed visit (0..%d)", crawler.MaxRetries))
	fs.DurationVar(&cf.timeout, "timeout", cf.timeout, "how long the crawler waits for an attempt")
	fs.IntVar(&cf.bootstrap, "bootstrap", cf.bootstrap, "bootstrap peers, drawn from the seed (1..n)")
	fs.DurationVar(&cf.start, "start", cf.start, "simulated time the crawl starts at: under churn, how long the network ran before")
	fs.StringVar(&cf.edges, "edges", cf.edges, fmt.Sprintf("edges CSV: auto (up to %d nodes), all or none", crawlEdgesAuto))
	fs.BoolVar(&cf.records, "records", false, "write records.csv, one row per connection attempt")
	fs.StringVar(&cf.progress, "progress", cf.progress, "progress display: auto (a bar on a terminal, lines otherwise), bar, lines or none")
	fs.BoolVar(&cf.noCharts, "no-charts", false, "skip the charts")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return fmt.Errorf("%w: unexpected arguments %q (every setting is a flag)", errUsage, pos)
	}
	explicit := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { explicit[f.Name] = true })
	if explicit["fast-error-rates"] && explicit["fast-error-rate"] {
		return fmt.Errorf("%w: -fast-error-rate and -fast-error-rates both set: give one rate or a sweep", errUsage)
	}
	if !explicit["fast-error-rates"] {
		cf.rates = []float64{p.FastErrorRate}
	}
	if err := validateCrawl(p, &cf); err != nil {
		return err
	}
	lock, err := claimOut(cf.out, cf.overwrite)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	if lock.Warning != "" {
		fmt.Fprintf(stderr, "dhtsim crawl: warning: %s\n", lock.Warning)
	}

	// The network of the first rate is built; the others derive from it
	// and share its tables.
	first := p
	first.FastErrorRate = cf.rates[0]
	base, err := dht.New(crawlConfig(first, cf))
	if err != nil {
		return err
	}
	boot, err := crawler.PickBootstrap(p.N, cf.bootstrap, p.Seed)
	if err != nil {
		return fmt.Errorf("%w: -bootstrap: %v", errUsage, err)
	}
	mode, _ := crawler.ParseProgressMode(progressMode(cf.progress))
	var done []crawler.Summary
	for _, rate := range cf.rates {
		net := base
		if rate != first.FastErrorRate {
			q := p
			q.FastErrorRate = rate
			if net, err = base.Derive(crawlConfig(q, cf)); err != nil {
				return err
			}
		}
		for _, w := range cf.inFlight {
			opts := crawler.Options{Bootstrap: boot, InFlight: w, Timeout: cf.timeout, Requests: cf.requests,
				Retries: cf.retries, Start: cf.start}
			name := fmt.Sprintf("W%d_rate%g", w, rate)
			fmt.Fprintf(stdout, "crawl %s: %d nodes, W = %d, fast error rate %g%%\n", name, p.N, w, rate)
			sum, err := crawlOne(ctx, net, opts, filepath.Join(cf.out, name), cf, crawler.NewProgress(stderr, mode))
			if err != nil {
				if ctx.Err() != nil {
					return fmt.Errorf("interrupted during crawl %s: the %d crawls finished are kept in %s", name, len(done), cf.out)
				}
				return fmt.Errorf("crawl %s: %w", name, err)
			}
			sum.WriteText(stdout)
			done = append(done, sum)
			// After every crawl, so that a killed sweep keeps the summary
			// of every crawl it finished.
			if err := network.WriteFileAtomic(filepath.Join(cf.out, "crawls.csv"), func(w io.Writer) error {
				return crawler.WriteSummaryCSV(w, done...)
			}); err != nil {
				return err
			}
		}
	}
	if len(done) > 1 && !cf.noCharts {
		if err := network.WriteFileAtomic(filepath.Join(cf.out, "sweep.png"), func(w io.Writer) error {
			return report.CrawlSweepChart(w, done)
		}); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%d crawls; summaries in %s\n", len(done), filepath.Join(cf.out, "crawls.csv"))
	return nil
}

// progressMode maps the -progress value of the study commands ("none")
// to the crawler's ("off").
func progressMode(s string) string {
	if s == "none" {
		return "off"
	}
	return s
}

// validateCrawl checks every flag before any work, naming the flag and
// what it allows.
func validateCrawl(p benchmarks.Params, cf *crawlFlags) error {
	if cf.out == "" {
		return fmt.Errorf("%w: -out is required", errUsage)
	}
	if err := p.ValidateNetwork(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	for _, rate := range cf.rates {
		q := p
		q.FastErrorRate = rate
		if err := q.ValidateNetwork(); err != nil {
			return fmt.Errorf("%w: -fast-error-rates: %v", errUsage, err)
		}
	}
	if cf.bootstrap < 1 || cf.bootstrap > p.N {
		return fmt.Errorf("%w: -bootstrap = %d, allowed 1..%d (the network's nodes)", errUsage, cf.bootstrap, p.N)
	}
	if err := noRepeats("-inflight", cf.inFlight, func(w int) string { return strconv.Itoa(w) }); err != nil {
		return err
	}
	if err := noRepeats("-fast-error-rates", cf.rates, func(r float64) string { return fmt.Sprintf("%g", r) }); err != nil {
		return err
	}
	for _, w := range cf.inFlight {
		opts := crawler.Options{Bootstrap: []uint32{0}, InFlight: w, Timeout: cf.timeout, Requests: cf.requests, Retries: cf.retries, Start: cf.start}
		if w == 0 {
			return fmt.Errorf("%w: -inflight = 0, allowed 1..%d", errUsage, crawler.MaxInFlight)
		}
		if err := opts.Validate(p.N); err != nil {
			return fmt.Errorf("%w: %s: %v", errUsage, crawlFlagOf(err), err)
		}
	}
	if cf.requests == 0 {
		return fmt.Errorf("%w: -requests = 0, allowed 1..%d", errUsage, crawler.MaxRequests)
	}
	if cf.timeout == 0 {
		return fmt.Errorf("%w: -timeout = 0, allowed above 0, at most %v", errUsage, network.MaxDelay)
	}
	if !slices.Contains([]string{"auto", "all", "none"}, cf.edges) {
		return fmt.Errorf("%w: -edges = %q, allowed auto, all, none", errUsage, cf.edges)
	}
	if _, err := crawler.ParseProgressMode(progressMode(cf.progress)); err != nil {
		return fmt.Errorf("%w: -progress = %q, allowed auto, bar, lines, none", errUsage, cf.progress)
	}
	return nil
}

// noRepeats refuses a sweep that names one value twice (in the form the
// crawl's folder name takes, so 10 and 1e1 are one): it would run one
// crawl twice into one folder.
func noRepeats[T any](flag string, vs []T, key func(T) string) error {
	seen := map[string]bool{}
	for _, v := range vs {
		k := key(v)
		if seen[k] {
			return fmt.Errorf("%w: %s: %s given twice; each value once", errUsage, flag, k)
		}
		seen[k] = true
	}
	return nil
}

// crawlFlagOf names the flag of a crawler.Options field in a
// network.ConfigError.
func crawlFlagOf(err error) string {
	var ce *network.ConfigError
	if errors.As(err, &ce) {
		switch ce.Field {
		case "InFlight":
			return "-inflight"
		case "Requests":
			return "-requests"
		case "Retries":
			return "-retries"
		case "Timeout":
			return "-timeout"
		case "Start":
			return "-start"
		}
	}
	return "crawl options"
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
		return nil, fmt.Errorf("%w: -out %s already holds files: pass -overwrite or choose another folder", errUsage, dir)
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
// records kept only when asked for.
func crawlConfig(p benchmarks.Params, cf crawlFlags) dht.Config {
	cfg := p.Config(p.N)
	cfg.Network.DiscardRecords = !cf.records
	return cfg
}

// crawlOne runs one crawl and writes its folder: summary.csv, visits.csv,
// edges.csv, records.csv and timeline.png. Every file appears whole or not
// at all.
func crawlOne(ctx context.Context, net *dht.DHTNetwork, opts crawler.Options, dir string, cf crawlFlags, progress crawler.Progress) (crawler.Summary, error) {
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
	if cf.edges == "all" || cf.edges == "auto" && net.Len() <= crawlEdgesAuto {
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
	write("summary.csv", func(w io.Writer) error { return crawler.WriteSummaryCSV(w, sum) })
	if cf.records {
		write("records.csv", net.WriteRecordsCSV)
	}
	if !cf.noCharts {
		write("timeline.png", func(w io.Writer) error { return report.CrawlTimelineChart(w, visits, sum) })
	}
	return sum, errors.Join(errs...)
}
