package benchmarks

import (
	"io"
	"strings"
	"sync"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/crawler"
	"github.com/go-dht/go-dht/dht/workload"
	"github.com/go-dht/go-dht/network"
)

// Spec names a benchmark in the reports.
type Spec struct {
	// Bench is the name go test prints, e.g.
	// "BenchmarkNetworkScaling/n=10000/workers=2".
	Bench string
	// Group is the part of the system measured: hashes, routing, network,
	// workload, crawl or scale.
	Group string
	// Name is the reference's name of the benchmark (e.g.
	// "fast_threaded_bootstrap_network"), with the sub-benchmark appended.
	Name string
}

// SweepPoint names the parameters of one alpha-sweep sub-benchmark.
type SweepPoint struct {
	Alpha int
	Rule  string
}

// TimelineLookup is one lookup's requests, for the timeline chart.
type TimelineLookup struct {
	Op      uint64
	Reason  string
	Records []network.Record
}

// Sub returns the spec of the sub-benchmark sub (e.g. "n=1000") of s: its
// name gains "_n1000".
func (s Spec) Sub(sub string) Spec {
	return Spec{Bench: s.Bench + "/" + sub, Group: s.Group, Name: s.Name + "_" + strings.ReplaceAll(sub, "=", "")}
}

// File returns the report file name of s: <tag>_<group>_<name><suffix>.<ext>.
func (s Spec) File(tag, suffix, ext string) string {
	return tag + "_" + s.Group + "_" + s.Name + suffix + "." + ext
}

// Round is one timed iteration of a benchmark: the reference's columns.
type Round struct {
	Index int
	// Start is when the round began (its preparation included); Finish when
	// its timed task ended.
	Start, Finish time.Time
	// Prep is the untimed preparation of the round. The preparation a
	// benchmark shares between its rounds (building a network) counts in
	// the first round that follows it.
	Prep time.Duration
	// Duration is the timed task.
	Duration time.Duration
	// Failed says the task returned an error.
	Failed bool
}

// LookupOp is one lookup of a workload benchmark.
type LookupOp struct {
	Round   int
	Op      uint64        // the operation id, as in the records CSV
	Wall    time.Duration // wall-clock time of the call
	Summary dht.LookupSummary
}

// ProvideOp is one provide of a workload benchmark.
type ProvideOp struct {
	Round   int
	Op      uint64
	Wall    time.Duration
	Summary dht.ProvideSummary
}

// ScalePoint is what one size of BenchmarkNetworkScaling measured.
type ScalePoint struct {
	N, Workers int
	// Tables is the tables mode of the build: eager or on-demand.
	Tables string
	// LiveBytes is the heap the built network holds, averaged over rounds.
	LiveBytes float64
	// PeakBytes is the largest heap seen during a build, above the heap
	// live before it.
	PeakBytes float64
}

// Workload of a point of BenchmarkHopsScaling: hopsSegments segments
// provided from random nodes, hopsRetrievals retrievals of them and
// hopsLookups lookups for random keys from random nodes, all at alpha 1.
// HopsChart names hopsRetrievals, so they are not in a test file.
const hopsSegments, hopsRetrievals, hopsLookups = 30, 300, 300

// HopsPoint is what one point of BenchmarkHopsScaling measured: the hops
// of retrievals and of lookups for random keys, at alpha 1, on one network.
type HopsPoint struct {
	N, K int
	// Fill names the tables' fill: random, closest or grown.
	Fill string
	// Tables is eager or on-demand.
	Tables string
	// Retrieval hops and attempts, means over the retrievals, and the
	// share that found the value.
	RetrievalHops, RetrievalPeers, Found float64
	// Lookup hops, peers contacted and accuracy, means over the lookups
	// for random keys.
	LookupHops, LookupPeers, Accuracy float64
}

// GrowPoint is what one size of BenchmarkGrow measured.
type GrowPoint struct {
	N     int
	Stats dht.GrowthStats
	// Wall is the mean wall time of a growth; PeakBytes the largest heap
	// seen during one, above the heap live before it.
	Wall      time.Duration
	PeakBytes float64
	Health    dht.NetworkHealth
}

// ThroughputPoint is what one size of BenchmarkLookupThroughput measured.
type ThroughputPoint struct {
	N, Workers int
	Lookups    int
	Elapsed    time.Duration // timed wall time of all rounds
}

// CrawlRun is what a crawl benchmark measured in its last round (every
// round crawls the same network with the same options, and so gives the
// same crawl).
type CrawlRun struct {
	Summary crawler.Summary
	// Visits are the crawl's visits, in the order they ended, for the
	// visits CSV and the timeline chart; nil for a point of a sweep.
	Visits []crawler.Visit
	// Sweep says the crawl is a point of BenchmarkCrawlSweep.
	Sweep bool
}

// Result is everything one benchmark (or sub-benchmark) measured, over
// every run of its function (-count).
type Result struct {
	Spec Spec
	// Params are the parameters the benchmark ran with: the run's,
	// adjusted to it (the network's size and worker count, a sweep's
	// value, a study's own configuration). Every CSV row of the result
	// carries them.
	Params Params
	// RoundSeeds says round r ran with seed Params' + r (a new network
	// each round): the rows of round r carry that seed.
	RoundSeeds bool
	// Composite says the benchmark runs settings of its own, several of
	// them (BenchmarkAgainstMeasurements, whose CSV says each figure's):
	// its rows carry only what it takes from the flags, the seed and the
	// worker count.
	Composite bool

	Rounds []Round
	// BatchOps is the number of operations a round of a batched benchmark
	// times (hashes, routing), so that tables can show time per operation;
	// 0 when a round is one operation.
	BatchOps int

	Lookups []LookupOp
	// ValueLookups says the lookups look for stored values (retrievals):
	// finding the value is then their success.
	ValueLookups  bool
	Provides      []ProvideOp
	SetupProvides []ProvideOp // the provides that prepare the retrievals of BenchmarkRetrieve
	// Records writes the connection records CSV of the benchmark's network;
	// nil when it keeps none.
	Records func(io.Writer) error

	Scale      *ScalePoint
	Throughput *ThroughputPoint
	Hops       *HopsPoint
	Grow       *GrowPoint
	// Measured is what BenchmarkAgainstMeasurements set beside each
	// published figure.
	Measured []Measured
	// ErrorRate is the fast error rate of an error-sweep sub-benchmark.
	ErrorRate *float64
	// Sweep is the point of an alpha-sweep sub-benchmark.
	Sweep *SweepPoint
	// Timeline holds the requests of a few lookups, for the timeline
	// chart.
	Timeline []TimelineLookup
	// Model names the latency model of a BenchmarkLookupLatencyModels
	// sub-benchmark.
	Model string
	// Series is what a BenchmarkChurn sub-benchmark measured every
	// simulated hour; SeriesLabel names its line in the charts.
	Series      []workload.Point
	SeriesLabel string
	// Crawl is the crawl of a crawl benchmark.
	Crawl *CrawlRun
	// Metrics are figures a benchmark reports beyond the common ones, by
	// unit (e.g. "events/s"), for the summary CSV.
	Metrics map[string]float64

	// Errors are the failures of the benchmark, as it reported them.
	Errors []string

	pendingPrep time.Duration // shared preparation not yet given to a round
}

// SetMetric keeps a figure of the benchmark under its unit.
func (r *Result) SetMetric(unit string, v float64) {
	if r.Metrics == nil {
		r.Metrics = map[string]float64{}
	}
	r.Metrics[unit] = v
}

// AddPrep charges d of shared preparation to the next round.
func (r *Result) AddPrep(d time.Duration) { r.pendingPrep += d }

// AddRound records a round and returns it. Its Index follows the previous
// rounds, over every run of the benchmark.
func (r *Result) AddRound(start, taskStart, finish time.Time, failed bool) Round {
	rd := Round{
		Index: len(r.Rounds), Start: start, Finish: finish,
		Prep:     taskStart.Sub(start) + r.pendingPrep,
		Duration: finish.Sub(taskStart), Failed: failed,
	}
	r.pendingPrep = 0
	r.Rounds = append(r.Rounds, rd)
	return rd
}

// Suite collects the results of a run, in the order benchmarks started.
// It is safe for concurrent use; one Result is used by one benchmark at a
// time.
type Suite struct {
	mu       sync.Mutex // guards the fields below
	results  []*Result
	byBench  map[string]*Result
	finished map[*Result]bool
	cache    map[string]any // shared preparations (networks) by key
}

// NewSuite returns an empty suite.
func NewSuite() *Suite {
	return &Suite{byBench: map[string]*Result{}, finished: map[*Result]bool{}, cache: map[string]any{}}
}

// Result returns the result of spec, creating it on first use: further runs
// of the same benchmark (-count) add rounds to it.
func (s *Suite) Result(spec Spec, p Params) *Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.byBench[spec.Bench]; ok {
		return r
	}
	r := &Result{Spec: spec, Params: p}
	s.byBench[spec.Bench] = r
	s.results = append(s.results, r)
	return r
}

// Results returns every result, in the order benchmarks started.
func (s *Suite) Results() []*Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Result(nil), s.results...)
}

// Finish marks r finished: its benchmark measured all it measures.
func (s *Suite) Finish(r *Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.finished[r] = true
}

// Finished returns the finished results, in the order benchmarks started.
func (s *Suite) Finished() []*Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Result
	for _, r := range s.results {
		if s.finished[r] {
			out = append(out, r)
		}
	}
	return out
}

// Cached returns the value stored under key, building it with build on
// first use. Workload benchmarks keep their network here, so that every run
// (-count) adds to the same connection records, written once at the end.
func Cached[T any](s *Suite, key string, build func() (T, error)) (T, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.cache[key]; ok {
		return v.(T), true, nil
	}
	v, err := build()
	if err != nil {
		return v, false, err
	}
	s.cache[key] = v
	return v, false, nil
}
