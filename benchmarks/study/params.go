package study

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/dht/workload"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/network/churn"
	"github.com/go-dht/go-dht/network/latency"
	"github.com/go-dht/go-dht/routing"
)

// Params are the model parameters of one combination, typed. Each field is
// set by the study-file key named in its comment.
type Params struct {
	Nodes int // nodes: network size
	K     int // k: bucket size
	Alpha int // alpha: requests a lookup keeps in flight
	// Beta is the number of closest peers a lookup returns and a provide
	// stores on (beta). The file's 0 (or an absent key) is resolved to K
	// when the combination is built, so Beta is the value the model uses.
	Beta  int // beta
	Steps int // steps: stale answers in a row that end a lookup
	// Termination is the lookup's termination rule (termination). It is
	// the rule the model applies: the file's default (or an absent key)
	// reads as stale, or pydht under the py-dht profile, as
	// dht.Config.Effective reads it.
	Termination lookup.Rule
	Profile     dht.Profile // profile: godht or pydht

	FastErrorRate float64            // fast_error_rate: % of attempts refused at once
	SlowErrorRate float64            // slow_error_rate: % of attempts that time out
	ConnDelay     network.DelayRange // conn_delay: one-way delay of a connection
	FastDelay     network.DelayRange // fast_delay: delay of a refused attempt
	SlowDelay     network.DelayRange // slow_delay: delay of a timed-out attempt
	Gamma         time.Duration      // gamma: load overhead per request in flight
	// Seed is the root of every random draw of the combination: the file's
	// seed plus the combination's repeat.
	Seed uint64

	// The realism parameters are kept as the file gives them (in canonical
	// form) and read into models by Config.
	// Latency is uniform, discv5, ipfs, aws, or the path of a latency YAML
	// file (latency); Parse resolves a relative path against the study
	// file's folder and makes it absolute.
	Latency   string
	Churn     string        // churn: none, ipfs, exp:ON,OFF or weibull:SHAPE,SCALE
	Policy    string        // policy: bucket replacement policy, closest or oldest
	Refresh   time.Duration // refresh: bucket refresh period, 0 = off
	Republish time.Duration // republish: record republish period, 0 = off
	FailLimit int           // fail_limit: failures in a row that remove a peer from a table, 0 = never
	LeaveRate float64       // leave_rate: share of nodes leaving for good per simulated hour
	Joins     float64       // joins: new nodes per simulated hour, each bootstrapping by a lookup
	Tables    dht.Tables    // tables: auto, eager or on-demand routing tables
	// Fill is how routing tables start (fill): default (random; closest
	// under the py-dht profile), random, closest or grown.
	Fill         dht.Fill
	GrowPeers    int           // grow_peers: bootstrap peers of a joining node (fill grown)
	GrowInterval time.Duration // grow_interval: simulated time between two joins (fill grown)

	// latencyFile is the latency file Latency names, as Parse read it
	// (nil for a model of package latency, or Params built by hand):
	// Config builds the model from this content, whose digest the study's
	// Identity records, rather than from the file as it is now.
	latencyFile *latency.File
}

// Config returns the dht configuration of the combination and the result
// of its Validate: nil, or a *network.ConfigError naming the dht field.
// Workers is dht.DefaultConfig's (one per core): it is a property of the
// machine that runs the study, not of the study, and the runner may change
// it. Parse has already validated every combination of a study, so the
// error only reports Params built or edited by hand.
func (p Params) Config() (dht.Config, error) {
	cfg := p.config()
	if f := p.latencyFile; f != nil && f.Path == p.Latency {
		cfg.Network.Latency = f.Model(p.Seed)
	} else {
		model, err := latency.FromSpec(p.Latency, p.Seed)
		if err != nil {
			return cfg, err
		}
		cfg.Network.Latency = model
	}
	var err error
	if cfg.Network.Churn, err = churn.Parse(p.Churn); err != nil {
		return cfg, err
	}
	return cfg, cfg.Validate()
}

// config builds the dht configuration without validating it.
func (p Params) config() dht.Config {
	cfg := dht.DefaultConfig()
	cfg.Nodes = p.Nodes
	cfg.Profile = p.Profile
	cfg.Client = dht.ClientConfig{K: p.K, Alpha: p.Alpha, Beta: p.Beta, StepsToStop: p.Steps, Termination: p.Termination}
	cfg.Network = network.Config{
		Seed:          p.Seed,
		FastErrorRate: p.FastErrorRate, SlowErrorRate: p.SlowErrorRate,
		ConnDelay: p.ConnDelay, FastDelay: p.FastDelay, SlowDelay: p.SlowDelay,
		Gamma: p.Gamma,
	}
	cfg.Maintenance = dht.Maintenance{Refresh: p.Refresh, FailLimit: p.FailLimit, Joins: p.Joins}
	if p.Joins > 0 {
		cfg.Maintenance.JoinPeers = 3
	}
	cfg.Network.LeaveRate = p.LeaveRate
	cfg.Client.Policy, _ = routing.ParsePolicy(p.Policy) // checked when parsed
	cfg.Tables = p.Tables
	cfg.Fill = p.Fill
	cfg.Growth = dht.Growth{Peers: p.GrowPeers, Interval: p.GrowInterval}
	return cfg
}

// resolve fills in what the file leaves to the model: beta 0 is k, and the
// termination rule and the fill are the ones the profile applies
// (dht.Config.Effective, so that the rules are not restated here).
func (p *Params) resolve() {
	if p.Beta == 0 {
		p.Beta = p.K
	}
	e := p.config().Effective()
	p.Termination, p.Fill = e.Client.Termination, e.Fill
}

// NetworkKey identifies the built network (node keys and routing tables) a
// combination needs: two combinations with one NetworkKey can share one
// built network and differ only in link, lookup or workload parameters.
// Tables depend on nodes, k, the seed and the fill (read as the profile
// reads it), and on the bucket replacement policy once the realism package
// honours it (it is in the key already, so that no runner ever shares a
// network it should not); how they are held (tables, as the model
// resolves auto for the network's size) is part of the built network too,
// so eager and on-demand never share one. Link parameters (error rates,
// delays, gamma), the lookup's alpha, beta, steps and termination, and the
// profile are not in the key: a runner sharing a network applies them per
// combination. Grown tables depend on every model parameter (the joins
// ran under them): a grown network is shared only by combinations that
// differ in their workload alone.
func (p Params) NetworkKey() string {
	e := p.config().Effective()
	key := "nodes=" + strconv.Itoa(p.Nodes) + ",k=" + strconv.Itoa(p.K) +
		",seed=" + strconv.FormatUint(p.Seed, 10) + ",policy=" + p.Policy + ",fill=" + e.Fill.String() +
		",tables=" + e.Tables.String()
	if e.Fill == dht.FillGrown {
		key += fmt.Sprintf(",model=%+v", p)
	}
	return key
}

// WorkloadType is the kind of workload a study runs on each combination.
type WorkloadType uint8

// The workload types.
const (
	// Retrieval is das-research's DHT retrieval study: a builder provides
	// Segments segments, the metrics are reset, then Retrievers random
	// nodes other than the builder each look up Samples of the segments.
	Retrieval WorkloadType = iota
	// Slot is a DAS slot: a builder provides the Rows x Cols cells of a
	// block with ProvidesInFlight provides at once, then Validators nodes
	// each sample Samples random cells at once; a sample found after
	// Deadline counts as missed.
	Slot
	// Availability measures how long segments stay retrievable under
	// churn: a builder provides Segments segments at time 0 (again every
	// republish), then every Every until Duration, Retrievers online nodes
	// each look up Samples of them and the tables of HealthNodes online
	// nodes are measured.
	Availability
)

var workloadNames = [...]string{Retrieval: "retrieval", Slot: "slot", Availability: "availability"}

// String returns the type's name, as ParseWorkloadType reads it.
func (t WorkloadType) String() string {
	if int(t) < len(workloadNames) {
		return workloadNames[t]
	}
	return fmt.Sprintf("WorkloadType(%d)", uint8(t))
}

// ParseWorkloadType reads a workload type's name: retrieval or slot.
func ParseWorkloadType(s string) (WorkloadType, error) {
	for t, name := range workloadNames {
		if s == name {
			return WorkloadType(t), nil
		}
	}
	return 0, fmt.Errorf("workload type %q: allowed retrieval, slot, availability", s)
}

// Bounds of the workload keys. They keep one combination within a
// laptop's memory (results are kept per operation) and every count within
// an int on 32-bit platforms; the model's own bounds are dht's (see
// dht.Config.Validate).
const (
	// MaxSegments bounds workload.segments, as benchmarks.MaxSegments.
	MaxSegments = 1_000_000
	// MaxSegmentSize bounds workload.segment_size: 1 MiB, as
	// benchmarks.MaxSegmentSize (a DAS cell is 512 B to a few KiB).
	MaxSegmentSize = 1 << 20
	// MaxSegmentBytes bounds the bytes a builder provides: segments (or
	// rows x cols cells) times segment_size, as benchmarks.MaxSegmentBytes.
	MaxSegmentBytes = 1 << 30
	// MaxRows and MaxCols bound the block of a slot: 4096 x 4096 cells
	// (Ethereum's DAS plans 512 x 512 with 2D erasure coding).
	MaxRows, MaxCols = 4096, 4096
	// MaxRetrievers bounds workload.retrievers.
	MaxRetrievers = 1_000_000
	// MaxValidators bounds workload.validators.
	MaxValidators = 1_000_000
	// MaxProvidesInFlight bounds workload.provides_in_flight: every cell
	// of the largest block at once.
	MaxProvidesInFlight = MaxRows * MaxCols
	// AfterProvides is workload.sample_start's "provided".
	AfterProvides = workload.AfterProvides
	// MaxLookups bounds the lookups of one combination (retrievers or
	// validators times samples), as benchmarks.MaxLookups.
	MaxLookups = 10_000_000
	// MinDeadline and MaxDeadline bound workload.deadline.
	MinDeadline, MaxDeadline = time.Millisecond, time.Hour
	// MaxDuration bounds workload.duration and workload.every: a year of
	// simulated time.
	MaxDuration = 365 * 24 * time.Hour
	// MaxMeasurements bounds the measurements of an availability run.
	MaxMeasurements = 10_000
	// MaxFailLimit bounds fail_limit, as dht.Maintenance does.
	MaxFailLimit = 255
)

// Workload holds the workload parameters of one combination. Only the
// fields of its Type are set; the others are zero.
type Workload struct {
	Type WorkloadType // workload.type

	Segments   int // workload.segments (retrieval, availability): segments the builder provides
	Retrievers int // workload.retrievers (retrieval, availability): nodes that look segments up

	Rows             int           // workload.rows (slot): rows of the block
	Cols             int           // workload.cols (slot): columns of the block
	ProvidesInFlight int           // workload.provides_in_flight (slot): the builder's provides at once
	Validators       int           // workload.validators (slot): nodes that sample the block
	Deadline         time.Duration // workload.deadline (slot): when every sample must be back, from the slot's start
	// SampleStart is when the validators start sampling, from the slot's
	// start (workload.sample_start); AfterProvides: when the builder's last
	// provide ends.
	SampleStart time.Duration

	Duration    time.Duration // workload.duration (availability): simulated time measured
	Every       time.Duration // workload.every (availability): time between two measurements
	HealthNodes int           // workload.health_nodes (availability): tables measured each time

	Samples     int // workload.samples (all): lookups per retriever or validator
	SegmentSize int // workload.segment_size (all): bytes per segment or cell
}

// Validate reports the first invalid workload parameter, for a network of
// nodes nodes, as a *network.ConfigError whose Field is the study-file key
// (e.g. "workload.samples"; keys joined by "/" for a bound on several).
// The bounds are the Max constants of this package, samples at most the
// segments (retrieval) or cells (slot), retrievers at most nodes-1 (nodes
// other than the builder, as in das-research) and validators at most
// nodes.
func (w Workload) Validate(nodes int) error {
	if ps := w.problems(nodes); len(ps) > 0 {
		p := ps[0]
		return &network.ConfigError{Field: joinKeys(p.keys), Value: p.value, Allowed: p.allowed}
	}
	return nil
}

// problem is a value outside its bounds, found on typed values: the keys
// involved (the first one locates it), the value and what is allowed.
type problem struct {
	keys           []string
	value, allowed string
	kind, cause    error
}

// problems returns every bound the workload breaks, for a network of
// nodes nodes. A bound on several keys is checked only when each of them
// is within its own bounds, so that one bad value gives one error.
func (w Workload) problems(nodes int) []problem {
	var ps []problem
	ok := true
	bound := func(key string, v, lo, hi int) {
		if v < lo || v > hi {
			ps = append(ps, problem{keys: []string{key}, value: strconv.Itoa(v), allowed: fmt.Sprintf("%d..%d", lo, hi), kind: ErrOutOfRange})
			ok = false
		}
	}
	var cells int64
	if w.Type != Slot {
		bound("workload.segments", w.Segments, 1, MaxSegments)
		bound("workload.retrievers", w.Retrievers, 1, MaxRetrievers)
		cells = int64(w.Segments)
		if w.Type == Availability {
			bound("workload.health_nodes", w.HealthNodes, 0, MaxValidators)
			if w.Every <= 0 || w.Every > MaxDuration {
				ps = append(ps, problem{keys: []string{"workload.every"}, value: w.Every.String(), allowed: fmt.Sprintf("above 0 and at most %v", MaxDuration), kind: ErrOutOfRange})
				ok = false
			}
			if w.Duration <= 0 || w.Duration > MaxDuration {
				ps = append(ps, problem{keys: []string{"workload.duration"}, value: w.Duration.String(), allowed: fmt.Sprintf("above 0 and at most %v", MaxDuration), kind: ErrOutOfRange})
				ok = false
			}
		}
	} else {
		bound("workload.rows", w.Rows, 1, MaxRows)
		bound("workload.cols", w.Cols, 1, MaxCols)
		bound("workload.provides_in_flight", w.ProvidesInFlight, 1, MaxProvidesInFlight)
		bound("workload.validators", w.Validators, 1, MaxValidators)
		if w.Deadline < MinDeadline || w.Deadline > MaxDeadline {
			ps = append(ps, problem{keys: []string{"workload.deadline"}, value: w.Deadline.String(),
				allowed: fmt.Sprintf("%v..%v", MinDeadline, MaxDeadline), kind: ErrOutOfRange})
		}
		cells = int64(w.Rows) * int64(w.Cols)
	}
	bound("workload.samples", w.Samples, 1, math.MaxInt32)
	bound("workload.segment_size", w.SegmentSize, 1, MaxSegmentSize)
	if !ok {
		return ps
	}
	cross := func(keys []string, value string, allowed string, args ...any) {
		ps = append(ps, problem{keys: keys, value: value, allowed: fmt.Sprintf(allowed, args...), kind: ErrOutOfRange})
	}
	if w.Type == Availability && (w.Every > w.Duration || w.Duration/w.Every > MaxMeasurements) {
		cross([]string{"workload.every", "workload.duration"}, fmt.Sprintf("%v every %v", w.Duration, w.Every),
			"every <= duration, at most %d measurements", MaxMeasurements)
	}
	if int64(w.Samples) > cells {
		if w.Type != Slot {
			cross([]string{"workload.samples", "workload.segments"}, strconv.Itoa(w.Samples),
				"1..segments (%d): a retriever looks up distinct segments", cells)
		} else {
			cross([]string{"workload.samples", "workload.rows", "workload.cols"}, strconv.Itoa(w.Samples),
				"1..rows x cols (%d): a validator samples distinct cells", cells)
		}
	}
	if bytes := cells * int64(w.SegmentSize); bytes > MaxSegmentBytes {
		keys := []string{"workload.segments", "workload.segment_size"}
		if w.Type == Slot {
			keys = []string{"workload.rows", "workload.cols", "workload.segment_size"}
		}
		cross(keys, fmt.Sprintf("%d x %d B = %d B", cells, w.SegmentSize, bytes), "at most %d B provided by the builder", int64(MaxSegmentBytes))
	}
	operators, key, most := int64(w.Retrievers), "workload.retrievers", int64(nodes)-1
	why := "retrievers are nodes other than the builder"
	if w.Type == Slot {
		operators, key, most = int64(w.Validators), "workload.validators", int64(nodes)
		why = "validators are nodes"
	}
	if operators > most && nodes >= 1 {
		cross([]string{key, "nodes"}, strconv.FormatInt(operators, 10), "at most %d with nodes %d: %s", max(most, 0), nodes, why)
	}
	if lookups := operators * int64(w.Samples); lookups > MaxLookups {
		cross([]string{key, "workload.samples"}, fmt.Sprintf("%d x %d = %d lookups", operators, w.Samples, lookups), "at most %d lookups per combination", MaxLookups)
	}
	return ps
}

// joinKeys names several keys in one error: "fast_error_rate/slow_error_rate".
func joinKeys(keys []string) string {
	s := ""
	for i, k := range keys {
		if i > 0 {
			s += "/"
		}
		s += k
	}
	return s
}
