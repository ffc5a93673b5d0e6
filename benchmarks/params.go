package benchmarks

import (
	"errors"
	"flag"
	"fmt"
	"regexp"
	"runtime"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/crawler"
	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/dht/workload"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/network/churn"
	"github.com/go-dht/go-dht/network/latency"
	"github.com/go-dht/go-dht/routing"
)

// Params are the parameters of a benchmark run: one field per flag of the
// test binary (pass them after -args). Every CSV row repeats the ones that
// shape a network, so a report stands on its own.
type Params struct {
	N       int    // -n: network size
	K       int    // -k: bucket size
	Alpha   int    // -alpha: requests in flight during a lookup
	Beta    int    // -beta: peers a lookup returns; 0 means K
	Steps   int    // -steps: successful responses without progress that end a lookup
	Workers int    // -workers: goroutines that build routing tables
	Seed    uint64 // -seed: root of every random draw

	Termination lookup.Rule // -termination: the lookup's termination rule
	Profile     dht.Profile // -profile: godht (go-dht's model) or pydht (every py-dht rule)
	Tables      dht.Tables  // -tables: auto, eager or on-demand routing tables
	Fill        dht.Fill    // -fill: default (random; closest under pydht), random, closest or grown
	Growth      dht.Growth  // -grow-peers, -grow-interval: how a grown network grows

	Latency   string         // -latency: uniform, discv5, ipfs, aws, or a latency file
	Churn     churn.Model    // -churn: none, ipfs, exp:ON,OFF or weibull:SHAPE,SCALE
	LeaveRate float64        // -leave-rate: share of nodes leaving for good per hour
	Policy    routing.Policy // -policy: closest or oldest
	Refresh   time.Duration  // -refresh: bucket refresh period (0: none)
	Republish time.Duration  // -republish: republish period of BenchmarkChurn
	FailLimit int            // -fail-limit: failures in a row that remove a peer (0: never)

	FastErrorRate float64            // -fast-error-rate, %
	SlowErrorRate float64            // -slow-error-rate, %
	ConnDelay     network.DelayRange // -conn-delay
	FastDelay     network.DelayRange // -fast-delay
	SlowDelay     network.DelayRange // -slow-delay
	Gamma         time.Duration      // -gamma

	Tag       string // -tag: prefix of every report file
	Out       string // -out: report folder
	Overwrite bool   // -overwrite: replace report files that exist

	Segments          int  // -segments: segments provided per round (Provide) or before the retrievals (Retrieve)
	SegmentSize       int  // -segment-size: bytes per segment
	Lookups           int  // -lookups: lookups per round of the workload benchmarks
	ThroughputLookups int  // -throughput-lookups: lookups per round of BenchmarkLookupThroughput
	ScalingMax        int  // -scaling-max: largest network of the scale benchmarks
	Huge              bool // -huge: also run the 10^8-node sizes of the scale benchmarks

	CrawlInFlight int           // -crawl-inflight: W, the visits a crawl keeps in flight (BenchmarkCrawl)
	CrawlRetries  int           // -crawl-retries: retries of a failed visit
	CrawlTimeout  time.Duration // -crawl-timeout: how long a crawler waits for an attempt
	CrawlEdges    bool          // -crawl-edges: write the edges CSV of BenchmarkCrawl at every size
}

// DefaultParams returns the defaults: those of dht.DefaultConfig (10,000
// nodes, k = 20, alpha = 3, beta = k, 3 steps, no errors, 50ms-100ms
// connections, seed 1, one worker per core) and a workload of 1,000 lookups
// and 256 segments of 512 bytes per round.
func DefaultParams() Params {
	c := dht.DefaultConfig()
	return Params{
		N: c.Nodes, K: c.Client.K, Alpha: c.Client.Alpha, Steps: c.Client.StepsToStop,
		Workers: min(runtime.GOMAXPROCS(0), dht.MaxWorkers), Seed: c.Network.Seed,
		FastErrorRate: c.Network.FastErrorRate, SlowErrorRate: c.Network.SlowErrorRate,
		ConnDelay: c.Network.ConnDelay, FastDelay: c.Network.FastDelay, SlowDelay: c.Network.SlowDelay,
		Gamma: c.Network.Gamma,
		Tag:   "bench",
		// Out stays empty: the report goes to reports/<start time> at the
		// module root, a new folder for every run.
		Segments: 256, SegmentSize: 512, Lookups: 1000, ThroughputLookups: 20000,
		ScalingMax:    1_000_000,
		Latency:       "uniform",
		Policy:        c.Client.Policy,
		Growth:        c.Growth,
		Republish:     time.Hour,
		CrawlInFlight: crawler.DefaultInFlight, CrawlTimeout: crawler.DefaultTimeout,
	}
}

// RegisterFlags defines one flag per field on fs, with p's values as
// defaults.
func (p *Params) RegisterFlags(fs *flag.FlagSet) {
	p.RegisterNetworkFlags(fs)
	fs.StringVar(&p.Tag, "tag", p.Tag, "prefix of every report file (letters, digits, '.', '_', '-')")
	fs.StringVar(&p.Out, "out", p.Out, "report folder (default: reports/<start time> at the module root)")
	fs.BoolVar(&p.Overwrite, "overwrite", p.Overwrite, "replace report files that already exist")
	fs.IntVar(&p.Segments, "segments", p.Segments, "segments provided per round (Provide) and before the retrievals (Retrieve)")
	fs.IntVar(&p.SegmentSize, "segment-size", p.SegmentSize, "bytes per segment")
	fs.IntVar(&p.Lookups, "lookups", p.Lookups, "lookups per round of the workload benchmarks")
	fs.IntVar(&p.ThroughputLookups, "throughput-lookups", p.ThroughputLookups, "lookups per round of BenchmarkLookupThroughput")
	fs.IntVar(&p.ScalingMax, "scaling-max", p.ScalingMax, "largest network of BenchmarkNetworkScaling, BenchmarkLookupThroughput and BenchmarkIndexBuild; larger sizes are skipped")
	fs.BoolVar(&p.Huge, "huge", p.Huge, "also run the 10^8-node sizes of BenchmarkIndexBuild, BenchmarkNetworkScaling (on demand) and BenchmarkLookupThroughput (a few GiB of heap), whatever -scaling-max")
	fs.DurationVar(&p.Republish, "republish", p.Republish, "republish period of BenchmarkChurn's second run")
	fs.IntVar(&p.CrawlInFlight, "crawl-inflight", p.CrawlInFlight, "visits a crawl keeps in flight (W) in BenchmarkCrawl")
	fs.IntVar(&p.CrawlRetries, "crawl-retries", p.CrawlRetries, "retries of a failed visit in the crawl benchmarks")
	fs.DurationVar(&p.CrawlTimeout, "crawl-timeout", p.CrawlTimeout, "how long a crawler waits for an attempt, in the crawl benchmarks")
	fs.BoolVar(&p.CrawlEdges, "crawl-edges", p.CrawlEdges, "write the edges CSV of BenchmarkCrawl at every size (10^6 nodes: about 3x10^8 rows, 5 GB); by default only up to 100,000 nodes")
}

// RegisterNetworkFlags defines the flags that shape a network and its
// clients (-n, -k, -alpha, the links, latency, churn, tables, ...) on fs,
// with p's values as defaults: the flags every command that builds a
// network shares (dhtsim crawl).
func (p *Params) RegisterNetworkFlags(fs *flag.FlagSet) {
	fs.IntVar(&p.N, "n", p.N, "network size (nodes)")
	fs.IntVar(&p.K, "k", p.K, "bucket size k")
	fs.IntVar(&p.Alpha, "alpha", p.Alpha, "requests a lookup keeps in flight")
	fs.IntVar(&p.Beta, "beta", p.Beta, "closest peers a lookup returns and a provide stores on (0: k)")
	fs.IntVar(&p.Steps, "steps", p.Steps, "successful responses in a row without a closer peer that end a lookup")
	fs.IntVar(&p.Workers, "workers", p.Workers, "goroutines that build routing tables and run throughput lookups; the default is one per core")
	fs.Uint64Var(&p.Seed, "seed", p.Seed, "seed of the network and of the workload")
	fs.Var(choiceFlag[lookup.Rule]{&p.Termination, lookup.ParseRule}, "termination", "lookup termination rule: default (stale; pydht under -profile pydht), stale, pydht, beta or kclosest")
	fs.Var(choiceFlag[dht.Profile]{&p.Profile, dht.ParseProfile}, "profile", "model rules: godht (go-dht's own) or pydht (every py-dht rule, to reproduce py-dht's figures)")
	fs.Var(choiceFlag[dht.Tables]{&p.Tables, dht.ParseTables}, "tables", "routing tables: auto (eager up to 1,000,000 nodes), eager or on-demand")
	fs.Var(choiceFlag[dht.Fill]{&p.Fill, dht.ParseFill}, "fill", "how tables start: default (random; closest under -profile pydht), random (k random members per bucket), closest (py-dht's optimal tables) or grown (grown by joins)")
	fs.IntVar(&p.Growth.Peers, "grow-peers", p.Growth.Peers, "bootstrap peers a joining node knows (-fill grown)")
	fs.DurationVar(&p.Growth.Interval, "grow-interval", p.Growth.Interval, "simulated time between two joins (-fill grown)")
	fs.StringVar(&p.Latency, "latency", "uniform", "connection delays: uniform (-conn-delay), discv5, ipfs, aws (measured geographies), or a latency file (YAML)")
	fs.Var(choiceFlag[churn.Model]{&p.Churn, churn.Parse}, "churn", "node sessions: none, ipfs, exp:ON,OFF or weibull:SHAPE,SCALE")
	fs.Float64Var(&p.LeaveRate, "leave-rate", p.LeaveRate, "share of nodes that leave for good per simulated hour (0..1)")
	fs.Var(choiceFlag[routing.Policy]{&p.Policy, routing.ParsePolicy}, "policy", "bucket replacement policy of tables that change: closest or oldest")
	fs.DurationVar(&p.Refresh, "refresh", p.Refresh, "bucket refresh period under churn (0: no refresh)")
	fs.IntVar(&p.FailLimit, "fail-limit", p.FailLimit, "failures in a row that remove a peer from a table (0: never)")
	fs.Float64Var(&p.FastErrorRate, "fast-error-rate", p.FastErrorRate, "share of connection attempts refused at once, %")
	fs.Float64Var(&p.SlowErrorRate, "slow-error-rate", p.SlowErrorRate, "share of connection attempts that time out, %")
	fs.Var(delayFlag{&p.ConnDelay}, "conn-delay", "delay of an established connection: MIN-MAX, or one duration")
	fs.Var(delayFlag{&p.FastDelay}, "fast-delay", "delay of a refused attempt: MIN-MAX, or one duration")
	fs.Var(delayFlag{&p.SlowDelay}, "slow-delay", "delay of a timed-out attempt: MIN-MAX, or one duration")
	fs.DurationVar(&p.Gamma, "gamma", p.Gamma, "overhead each attempt adds to the load of both endpoints")
}

// CrawlOptions returns the options of a crawl with p's parameters from
// bootstrap.
func (p Params) CrawlOptions(bootstrap []uint32) crawler.Options {
	return crawler.Options{Bootstrap: bootstrap, InFlight: p.CrawlInFlight, Retries: p.CrawlRetries, Timeout: p.CrawlTimeout}
}

// delayFlag reads a network.DelayRange with network.ParseDelayRange.
type delayFlag struct{ r *network.DelayRange }

func (f delayFlag) String() string {
	if f.r == nil {
		return ""
	}
	return f.r.String()
}

func (f delayFlag) Set(s string) error {
	r, err := network.ParseDelayRange(s)
	if err != nil {
		return err
	}
	*f.r = r
	return nil
}

// choiceFlag reads one of a fixed set of names with parse.
type choiceFlag[T fmt.Stringer] struct {
	v     *T
	parse func(string) (T, error)
}

func (f choiceFlag[T]) String() string {
	if f.v == nil {
		return ""
	}
	return (*f.v).String()
}

func (f choiceFlag[T]) Set(s string) error {
	v, err := f.parse(s)
	if err != nil {
		return err
	}
	*f.v = v
	return nil
}

// BetaOrK returns beta, which defaults to k.
func (p Params) BetaOrK() int {
	if p.Beta == 0 {
		return p.K
	}
	return p.Beta
}

// Config returns the dht configuration of a network of n nodes built with
// p's parameters. A latency file that cannot be read is an error (Validate
// reports it first).
func (p Params) Config(n int) dht.Config {
	cfg, _ := p.config(n)
	return cfg
}

func (p Params) config(n int) (dht.Config, error) {
	model, err := latency.FromSpec(p.Latency, p.Seed)
	return dht.Config{
		Network: network.Config{
			Seed:          p.Seed,
			FastErrorRate: p.FastErrorRate, SlowErrorRate: p.SlowErrorRate,
			ConnDelay: p.ConnDelay, FastDelay: p.FastDelay, SlowDelay: p.SlowDelay,
			Gamma: p.Gamma, Latency: model, Churn: p.Churn, LeaveRate: p.LeaveRate,
		},
		Client: dht.ClientConfig{K: p.K, Alpha: p.Alpha, Beta: p.BetaOrK(), StepsToStop: p.Steps,
			Termination: p.Termination, Policy: p.Policy},
		Profile:     p.Profile,
		Tables:      p.Tables,
		Fill:        p.Fill,
		Growth:      p.Growth,
		Maintenance: dht.Maintenance{FailLimit: p.FailLimit, Refresh: p.Refresh},
		Nodes:       n,
		Workers:     p.Workers,
	}, err
}

// Row returns the parameters every rounds CSV row ends with, for a network
// of n nodes built with workers goroutines.
func (p Params) Row(n, workers int) RowParams {
	return RowParams{N: n, K: p.K, Alpha: p.Alpha, Beta: p.BetaOrK(), Workers: workers, Seed: p.Seed}
}

// ErrInvalidFlag is wrapped by every error of Validate.
var ErrInvalidFlag = errors.New("invalid flag")

var tagPattern = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// Bounds of the workload flags: each keeps a run's memory within reach of
// a laptop (results are kept per operation) and every count within an int
// on 32-bit platforms.
const (
	MaxSegments    = 1_000_000
	MaxSegmentSize = 1 << 20 // 1 MiB: a DAS cell is 512 B to a few KiB
	MaxLookups     = 10_000_000
	// MaxSegmentBytes bounds the segments a round holds at once.
	MaxSegmentBytes = 1 << 30
)

// flagOfCrawlField maps a field of crawler.Options to the flag that sets
// it.
var flagOfCrawlField = map[string]string{"InFlight": "crawl-inflight", "Retries": "crawl-retries", "Timeout": "crawl-timeout"}

// flagOfField maps a field of dht.Config (a network.ConfigError's Field)
// to the flag that sets it.
var flagOfField = map[string]string{
	"Nodes": "n", "Workers": "workers", "Profile": "profile",
	"Client.K": "k", "Client.Alpha": "alpha", "Client.Beta": "beta",
	"Client.StepsToStop": "steps", "Client.Termination": "termination",
	"Network.FastErrorRate": "fast-error-rate", "Network.SlowErrorRate": "slow-error-rate",
	"Network.FastErrorRate+SlowErrorRate": "fast-error-rate/-slow-error-rate",
	"Network.ConnDelay":                   "conn-delay", "Network.FastDelay": "fast-delay", "Network.SlowDelay": "slow-delay",
	"Network.Gamma": "gamma", "Network.Latency": "latency", "Network.Churn": "churn",
	"Network.LeaveRate": "leave-rate", "Tables": "tables", "Client.Policy": "policy",
	"Maintenance.Refresh": "refresh", "Maintenance.FailLimit": "fail-limit",
	"Fill": "fill", "Growth.Peers": "grow-peers", "Growth.Interval": "grow-interval",
}

// Validate reports the first invalid parameter, naming its flag and what it
// allows. The network parameters are checked by dht.Config.Validate, whose
// typed error names the field; the flag is found from the field.
func (p Params) Validate() error {
	if err := p.ValidateNetwork(); err != nil {
		return err
	}
	bad := func(flagName string, err error) error {
		return fmt.Errorf("%w -%s: %w", ErrInvalidFlag, flagName, err)
	}
	for _, f := range []struct {
		name    string
		v, most int
	}{
		{"segments", p.Segments, MaxSegments}, {"segment-size", p.SegmentSize, MaxSegmentSize},
		{"lookups", p.Lookups, MaxLookups}, {"throughput-lookups", p.ThroughputLookups, MaxLookups},
		{"scaling-max", p.ScalingMax, dht.MaxNodes},
	} {
		if f.v < 1 || f.v > f.most {
			return bad(f.name, fmt.Errorf("= %d, allowed 1..%d", f.v, f.most))
		}
	}
	if total := int64(p.Segments) * int64(p.SegmentSize); total > MaxSegmentBytes {
		return bad("segments/-segment-size", fmt.Errorf("%d x %d bytes = %d, allowed at most %d bytes of segments", p.Segments, p.SegmentSize, total, int64(MaxSegmentBytes)))
	}
	if p.Republish < workload.MinRepublish || p.Republish > 24*time.Hour {
		return bad("republish", fmt.Errorf("= %v, allowed %v..24h (the churn benchmarks measure a day)", p.Republish, workload.MinRepublish))
	}
	// Zero W and timeout would take the crawler's defaults: a flag set to
	// 0 is a mistake, not a request for them.
	if p.CrawlInFlight == 0 {
		return bad("crawl-inflight", fmt.Errorf("= 0, allowed 1..%d", crawler.MaxInFlight))
	}
	if p.CrawlTimeout == 0 {
		return bad("crawl-timeout", fmt.Errorf("= 0, allowed above 0, at most %v", network.MaxDelay))
	}
	if err := p.CrawlOptions([]uint32{0}).Validate(1); err != nil {
		var ce *network.ConfigError
		if errors.As(err, &ce) {
			if name, ok := flagOfCrawlField[ce.Field]; ok {
				return bad(name, err)
			}
		}
		return fmt.Errorf("%w: %w", ErrInvalidFlag, err)
	}
	if !tagPattern.MatchString(p.Tag) {
		return bad("tag", fmt.Errorf("%q, allowed: letters, digits, '.', '_', '-'", p.Tag))
	}
	return nil
}

// ValidateNetwork reports the first invalid parameter of those
// RegisterNetworkFlags defines, naming its flag and what it allows.
func (p Params) ValidateNetwork() error {
	bad := func(flagName string, err error) error {
		return fmt.Errorf("%w -%s: %w", ErrInvalidFlag, flagName, err)
	}
	if p.Beta < 0 {
		return bad("beta", fmt.Errorf("= %d, allowed 1..k, or 0 for k", p.Beta))
	}
	cfg, err := p.config(p.N)
	if err != nil {
		return bad("latency", err)
	}
	if err := cfg.Validate(); err != nil {
		var ce *network.ConfigError
		if errors.As(err, &ce) {
			if name, ok := flagOfField[ce.Field]; ok {
				return bad(name, err)
			}
		}
		return fmt.Errorf("%w: %w", ErrInvalidFlag, err)
	}
	return nil
}
