package param

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/crawler"
	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/dht/workload"
	"github.com/go-dht/go-dht/dht/workload/das"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/network/bandwidth"
	"github.com/go-dht/go-dht/network/churn"
	"github.com/go-dht/go-dht/network/latency"
	"github.com/go-dht/go-dht/network/reach"
	"github.com/go-dht/go-dht/routing"
)

// Bounds of the workload and run parameters. They keep one combination or
// benchmark round within a laptop's memory (results are kept per
// operation) and every count within an int on 32-bit platforms; the
// model's own bounds are dht's (dht.Config.Validate).
const (
	// MaxSegments bounds the segments a builder provides.
	MaxSegments = 1_000_000
	// MaxSegmentSize bounds a segment: 1 MiB (a DAS cell is 512 B to a
	// few KiB).
	MaxSegmentSize = 1 << 20
	// MaxSegmentBytes bounds the bytes a builder provides (or a round of
	// BenchmarkProvide holds): segments (or rows x cols cells) times the
	// segment size.
	MaxSegmentBytes = 1 << 30
	// MaxRows and MaxCols bound the block of a slot: 4096 x 4096 cells
	// (Ethereum's DAS plans 512 x 512 with 2D erasure coding).
	MaxRows, MaxCols = 4096, 4096
	// MaxRetrievers bounds workload.retrievers.
	MaxRetrievers = 1_000_000
	// MaxValidators bounds workload.validators and workload.health_nodes.
	MaxValidators = 1_000_000
	// MaxProvidesInFlight bounds workload.provides_in_flight: every cell
	// of the largest block at once.
	MaxProvidesInFlight = MaxRows * MaxCols
	// MaxLookups bounds the lookups of one combination (retrievers or
	// validators times samples) and of a benchmark round.
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
	// MaxJoins bounds joins: new nodes per simulated hour, as
	// dht.Maintenance does.
	MaxJoins = 1e6
	// MaxJoinPeers bounds join_peers, as dht.Maintenance does.
	MaxJoinPeers = 1000
	// MaxCombinations bounds the combinations of a study, repeats
	// included: a grid larger than that is far more likely a mistake (one
	// list too many) than a plan, and it would be found only after hours.
	MaxCombinations = 100_000
	// MaxStudyNameLen bounds a study's name: a folder name, with room for
	// a runner's prefixes and suffixes.
	MaxStudyNameLen = 64
	// MaxChurnRepublish bounds the republish period of BenchmarkChurn,
	// which measures a day.
	MaxChurnRepublish = 24 * time.Hour
	// AfterProvides is workload.sample_start's "provided".
	AfterProvides = workload.AfterProvides
)

// The sets of places and types parameters are given in.
const (
	everywhere = Study | Bench | Crawl // a model parameter that shapes the network or its links
	lookups    = Study | Bench         // a model parameter of lookups and maintenance
	studyOnly  = Study
	benchOnly  = Bench
	crawlOnly  = Crawl
)

var (
	retrievalTypes = []WorkloadType{Retrieval, Availability}
	slotType       = []WorkloadType{Slot}
	availability   = []WorkloadType{Availability}
)

// Benchmarks of the suite that bench parameters apply to.
var (
	lookupBenches  = []string{"Lookup", "Retrieve", "LookupErrorSweep", "LookupAlphaSweep", "LookupLatencyModels", "Engine"}
	segmentBenches = []string{"Provide", "Retrieve"}
	crawlBenches   = []string{"Crawl", "CrawlSweep"}
)

// profileNames lists every profile by name, as dht.ParseProfile reads them.
func profileNames() []string {
	var names []string
	for p := dht.Profile(0); ; p++ {
		if _, err := dht.ParseProfile(p.String()); err != nil {
			return names
		}
		names = append(names, p.String())
	}
}

// Profiles lists every profile, as dht.ParseProfile reads them.
func Profiles() []dht.Profile {
	var ps []dht.Profile
	for _, name := range profileNames() {
		p, _ := dht.ParseProfile(name)
		ps = append(ps, p)
	}
	return ps
}

var (
	namePattern = regexp.MustCompile(fmt.Sprintf(`^[A-Za-z0-9_-]{1,%d}$`, MaxStudyNameLen))
	tagPattern  = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
)

// sampleStartKind reads workload.sample_start: "provided" (AfterProvides)
// or a duration >= 0 from the slot's start. Its CSV cell is seconds, empty
// for provided.
func sampleStartKind() kind {
	k := durationIn(0, MaxDuration, "")
	k.allowed = fmt.Sprintf("provided (when the builder's last provide ends), or a duration in 0s..%v from the slot's start", MaxDuration)
	parse := k.parse
	k.parse = func(s string) (any, error) {
		if strings.TrimSpace(s) == "provided" {
			return AfterProvides, nil
		}
		return parse(s)
	}
	check := k.check
	k.check = func(v any) bool { return v.(time.Duration) == AfterProvides || check(v) }
	k.format = func(v any) string {
		if v.(time.Duration) == AfterProvides {
			return "provided"
		}
		return v.(time.Duration).String()
	}
	cellOf := k.cell
	k.cell = func(v any) string {
		if v.(time.Duration) == AfterProvides {
			return ""
		}
		return cellOf(v)
	}
	return k
}

// latencyKind reads a latency spec: a model's name or a file's path
// (which Build and a study read).
func latencyKind() kind {
	return textKind("latency", "uniform, "+strings.Join(latency.Names(), ", ")+", or the path of a latency YAML file",
		func(s string) bool { return strings.TrimSpace(s) != "" })
}

func bandwidthKind() kind {
	k := spec("bandwidth", bandwidth.Forms, bandwidth.Parse)
	parse := k.parse
	k.parse = func(s string) (any, error) {
		v, err := parse(s)
		// The bandwidth package says which part is wrong and what it
		// allows.
		var se *bandwidth.SpecError
		if errors.As(err, &se) && se.Part != strings.TrimSpace(s) {
			return nil, &detailError{allowed: fmt.Sprintf("%s (%q %s)", se.Allowed, se.Part, se.Problem), err: err}
		}
		return v, err
	}
	return k
}

func churnKind() kind {
	k := spec("churn", churnForms, func(s string) (churn.Model, error) {
		m, err := churn.Parse(s)
		if err == nil {
			err = m.Validate()
		}
		return m, err
	})
	parse := k.parse
	k.parse = func(s string) (any, error) {
		v, err := parse(s)
		// The churn package says which part is wrong and what it allows.
		var se *churn.SpecError
		if errors.As(err, &se) && se.Part != strings.TrimSpace(s) {
			return nil, &detailError{allowed: fmt.Sprintf("%s (%q %s)", se.Allowed, se.Part, se.Problem), err: err}
		}
		return v, err
	}
	return k
}

// churnForms says what churn accepts.
const churnForms = "none, ipfs, exp:ON,OFF (mean durations, such as exp:30m,10m), weibull:SHAPE,SCALE (such as weibull:0.5,30m), " +
	"ipfs-mix, or mix:CORE,SPEC (a stable core share and the churn of the others, such as mix:0.5,exp:30m,30m); durations 1s..8760h"

// choices lists the names of n values of a type whose String and parse
// agree, from its zero value up.
func choices[T ~uint8](n int) []string {
	var names []string
	for i := range n {
		names = append(names, fmt.Sprint(T(i)))
	}
	return names
}

func ruleKind() kind {
	return choice(append([]string{"default"}, lookup.Rules()...), lookup.ParseRule)
}

// registry is every parameter, in the order of the docs, the study's
// canonical form and the CSV columns: the study's name, the model
// (network, links, lookups, the seed and the study's repeats, realism,
// tables, maintenance), the workload, the benchmark suite's, the
// crawl's, then the commands' output options.
var registry = build([]Param{
	// The study file's name.
	{Key: "name", Use: studyOnly, Fields: []string{"Study.Name"}, Default: "study", DefaultDoc: "the study file's name", Single: true, Output: true,
		SingleWhy: "one value for the whole study",
		Doc:       "the study's name (default: the file's name)",
		kind:      textKind("name", fmt.Sprintf("letters, digits, '-' and '_' (1 to %d of them)", MaxStudyNameLen), namePattern.MatchString)},

	// The model.
	{Key: "profile", Flag: "profile", Use: everywhere, Fields: []string{"Config.Profile"},
		Doc:  "model rules and the defaults of the other parameters: godht (go-dht's own model), pydht (every py-dht rule, to reproduce py-dht's figures), kademlia (the paper's), amino (go-libp2p-kad-dht, the IPFS DHT) or discv5 (go-ethereum); a parameter set explicitly overrides the profile's default",
		kind: choice(profileNames(), dht.ParseProfile)},
	{Key: "nodes", Flag: "n", Unit: "nodes", Use: everywhere, Fields: []string{"Config.Nodes"},
		Doc:  "network size",
		kind: intIn(1, dht.MaxNodes, "")},
	{Key: "k", Flag: "k", Unit: "peers", Use: everywhere, Fields: []string{"Config.Client.K"},
		Doc:  "bucket size, and the peers a find-closest answer holds",
		kind: intIn(1, routing.MaxK, "")},
	{Key: "alpha", Flag: "alpha", Unit: "requests", Use: lookups, Fields: []string{"Config.Client.Alpha"},
		Doc:  "requests a lookup keeps in flight",
		kind: intIn(1, dht.MaxAlpha, "")},
	// A profile whose beta is its k leaves beta to k (0): k set
	// explicitly carries beta with it. amino's 3 (its rule's count of
	// closest reachable peers queried) is its own.
	{Key: "beta", Flag: "beta", Unit: "peers", Use: lookups, Fields: []string{"Config.Client.Beta"}, Depends: []string{"k"},
		profileDefault: func(c dht.Config) any {
			if c.Client.Beta == c.Client.K {
				return 0
			}
			return c.Client.Beta
		},
		AllowedNote: ", or 0 for k",
		Doc:         "closest peers a lookup returns and a provide stores on (amino: closest reachable peers queried that end a lookup; 0: k)",
		kind:        intIn(0, routing.MaxK, "0: k; at most k")},
	{Key: "steps", Flag: "steps", Unit: "answers", Use: lookups, Fields: []string{"Config.Client.StepsToStop"},
		Doc:  "answers in a row without a closer peer that end a lookup (stale and pydht rules)",
		kind: intIn(1, dht.MaxSteps, "")},
	{Key: "termination", Flag: "termination", Use: lookups, Fields: []string{"Config.Client.Termination"},
		Doc:  "lookup termination rule: default (the profile's), stale, pydht, beta (the Kademlia paper's) or kclosest",
		kind: ruleKind()},
	{Key: "fast_error_rate", Flag: "fast-error-rate", ListFlag: "fast-error-rates", Unit: "%", Use: everywhere,
		Fields: []string{"Config.Network.FastErrorRate"},
		Doc:    "share of connection attempts refused at once (dhtsim crawl: -fast-error-rates sweeps a list, one network each on the same tables)",
		kind:   floatIn(0, 100, "percent")},
	{Key: "slow_error_rate", Flag: "slow-error-rate", Unit: "%", Use: everywhere, Fields: []string{"Config.Network.SlowErrorRate"},
		Doc:  "share of connection attempts that time out",
		kind: floatIn(0, 100, "percent")},
	{Key: "conn_delay", Flag: "conn-delay", Use: everywhere, Fields: []string{"Config.Network.ConnDelay"},
		Doc:  "one-way delay of a connection (latency uniform): a request costs a round trip",
		kind: delayRangeKind()},
	{Key: "fast_delay", Flag: "fast-delay", Use: everywhere, Fields: []string{"Config.Network.FastDelay"},
		Doc:  "delay of a refused attempt",
		kind: delayRangeKind()},
	{Key: "slow_delay", Flag: "slow-delay", Use: everywhere, Fields: []string{"Config.Network.SlowDelay"},
		Doc:  "delay of an attempt that times out, or reaches an offline node",
		kind: delayRangeKind()},
	{Key: "gamma", Flag: "gamma", Use: everywhere, Fields: []string{"Config.Network.Gamma"},
		Doc:  "load overhead an attempt adds per request in flight at each endpoint (py-dht: per use of an endpoint)",
		kind: durationIn(0, network.MaxGamma, "none")},
	{Key: "seed", Flag: "seed", Use: everywhere, Fields: []string{"Config.Network.Seed"}, Single: true,
		SingleWhy: "one value: repeats runs the seeds seed, seed+1, ...",
		Doc:       "root of every random draw of the network and the workload",
		kind:      seedKind()},
	{Key: "repeats", Unit: "seeds", Use: studyOnly, Fields: []string{"Study.Repeats"}, Default: "1", Single: true, Output: true,
		SingleWhy: "one value for the whole study",
		Doc:       "seeds each point of the grid runs with: seed, seed+1, ...",
		kind:      intIn(1, MaxCombinations, "")},

	{Key: "latency", Flag: "latency", Use: everywhere, Fields: []string{"Latency"}, Builds: "Config.Network.Latency", Default: "uniform",
		Doc:  "connection delays: uniform (conn_delay), discv5, ipfs, aws (measured geographies) or a latency YAML file (a study reads a relative path from its folder)",
		kind: latencyKind()},
	{Key: "churn", Flag: "churn", Use: everywhere, Fields: []string{"Config.Network.Churn"},
		Doc:  "node sessions: none, ipfs, exp:ON,OFF, weibull:SHAPE,SCALE, ipfs-mix or mix:CORE,SPEC",
		kind: churnKind()},
	{Key: "leave_rate", Flag: "leave-rate", Unit: "share/h", Use: everywhere, Fields: []string{"Config.Network.LeaveRate"},
		Doc:  "share of the nodes that leave for good per simulated hour",
		kind: floatIn(0, 1, "share of nodes per hour")},
	{Key: "transport", Flag: "transport", Use: everywhere, Fields: []string{"Config.Network.Transport"},
		Doc:  "connection set-up on a first contact: none, tcp (4 round trips), quic (2) or udp-session (1)",
		kind: choice(choices[network.Transport](4), network.ParseTransport)},
	{Key: "connections", Flag: "connections", Unit: "connections", Use: everywhere, Fields: []string{"Config.Network.Connections"},
		Doc:  "open connections a node keeps, the least recently used closed first (0: no bound)",
		kind: intIn(0, network.MaxConnections, "0: no bound")},
	{Key: "reach", Flag: "reach", Use: everywhere, Fields: []string{"Config.Network.Reach"},
		Doc:  "nodes that cannot be dialled or answer only sometimes: none, ipfs, ipfs-2023, discv5, or undialable:SHARE[,flaky:SHARE,answer:P],timeout:DURATION",
		kind: spec("reachability", reach.Forms, reach.Parse)},
	{Key: "upload", Flag: "upload", Use: everywhere, Fields: []string{"Config.Network.Upload"},
		Doc:  "distribution of the nodes' upload rates (bits per second), each node drawing its own: unlimited (no bandwidth: messages take no time to send), fixed:RATE, uniform:LOW-HIGH or lognormal:MEDIAN,SIGMA",
		kind: bandwidthKind()},
	{Key: "download", Flag: "download", Use: everywhere, Fields: []string{"Config.Network.Download"},
		Doc:  "distribution of the nodes' download rates, as upload",
		kind: bandwidthKind()},
	{Key: "header_bytes", Flag: "header-bytes", Unit: "bytes", Use: everywhere, Fields: []string{"Config.Network.Sizes.Header"},
		Doc:  fmt.Sprintf("framing of every message, with bandwidth on (0: %d)", network.DefaultSizes.Header),
		kind: intIn(0, network.MaxMessagePart, fmt.Sprintf("0: %d", network.DefaultSizes.Header))},
	{Key: "key_bytes", Flag: "key-bytes", Unit: "bytes", Use: everywhere, Fields: []string{"Config.Network.Sizes.Key"},
		Doc:  fmt.Sprintf("a key's bytes in a message, with bandwidth on (0: %d)", network.DefaultSizes.Key),
		kind: intIn(0, network.MaxMessagePart, fmt.Sprintf("0: %d", network.DefaultSizes.Key))},
	{Key: "peer_record_bytes", Flag: "peer-record-bytes", Unit: "bytes", Use: everywhere, Fields: []string{"Config.Network.Sizes.PeerRecord"},
		Doc:  fmt.Sprintf("one peer of an answer (its id and addresses), with bandwidth on (0: %d)", network.DefaultSizes.PeerRecord),
		kind: intIn(0, network.MaxMessagePart, fmt.Sprintf("0: %d", network.DefaultSizes.PeerRecord))},
	{Key: "policy", Flag: "policy", Use: everywhere, Fields: []string{"Config.Client.Policy"},
		Doc:  "bucket replacement policy of tables that change (maintenance, a grown fill): closest (py-dht's) or oldest (Kademlia's, with a replacement cache)",
		kind: choice([]string{"closest", "oldest"}, routing.ParsePolicy)},
	{Key: "tables", Flag: "tables", Use: everywhere, Fields: []string{"Config.Tables"},
		Doc:  "how routing tables are held: auto (eager up to 1,000,000 nodes), eager or on-demand; the results are the same",
		kind: choice(choices[dht.Tables](3), dht.ParseTables)},
	{Key: "fill", Flag: "fill", Use: everywhere, Fields: []string{"Config.Fill"},
		Doc:  "how tables start: default (the profile's), random (k random members per bucket), closest (py-dht's optimal tables) or grown (by joins)",
		kind: choice(choices[dht.Fill](4), dht.ParseFill)},
	{Key: "grow_peers", Flag: "grow-peers", Unit: "peers", Use: everywhere, Fields: []string{"Config.Growth.Peers"},
		Doc:  "bootstrap peers a joining node knows (fill grown)",
		kind: intIn(1, dht.MaxGrowthPeers, "")},
	{Key: "grow_interval", Flag: "grow-interval", Use: everywhere, Fields: []string{"Config.Growth.Interval"}, Depends: []string{"nodes"},
		Doc:  "simulated time between two joins (fill grown)",
		kind: durationIn(dht.MinGrowthInterval, dht.MaxGrowthInterval, "")},
	{Key: "refresh", Flag: "refresh", Use: lookups, Fields: []string{"Config.Maintenance.Refresh"}, HonouredBy: availability,
		Doc:  "bucket refresh period: every node online refreshes each bucket by a lookup (a study: availability workload only)",
		kind: durationIn(dht.MinRefresh, dht.MaxRefresh, "no refresh")},
	{Key: "fail_limit", Flag: "fail-limit", Unit: "failures", Use: lookups, Fields: []string{"Config.Maintenance.FailLimit"},
		Doc:  "failed requests in a row that remove a peer from a table (0: never)",
		kind: intIn(0, MaxFailLimit, "0: never")},
	{Key: "joins", Unit: "nodes/h", Use: studyOnly, Fields: []string{"Config.Maintenance.Joins"}, HonouredBy: availability,
		Doc:  "new nodes per simulated hour, each joining by a lookup of its own key (availability workload)",
		kind: floatIn(0, MaxJoins, "new nodes per hour")},
	{Key: "join_peers", Unit: "peers", Use: studyOnly, Fields: []string{"Config.Maintenance.JoinPeers"}, Default: "3", HonouredBy: availability,
		Doc:  "nodes online a joining node knows when it joins (joins)",
		kind: intIn(1, MaxJoinPeers, "")},
	{Key: "workers", Flag: "workers", Unit: "goroutines", Use: Bench | Crawl | RunCmd, Fields: []string{"Config.Workers"}, Wall: true,
		DefaultDoc: "one per core",
		UseDoc:     map[Use]string{RunCmd: "combinations run at once, and goroutines that build each network"},
		Doc:        "goroutines that build tables (and run throughput lookups); dhtsim run runs this many combinations at once",
		kind:       intIn(1, dht.MaxWorkers, "")},
	{Key: "republish", Use: studyOnly, Fields: []string{"Workload.Availability.Republish"}, Default: "0s", HonouredBy: availability,
		Doc:  "the builder provides every segment again with this period (availability workload)",
		kind: durationIn(workload.MinRepublish, workload.MaxRepublish, "never")},

	// The workload of a study.
	{Key: "workload.type", Col: "workload", Use: studyOnly, Fields: []string{"Workload.Type"}, Default: "retrieval", Single: true,
		SingleWhy: "one value for the whole study",
		Doc:       "the workload: retrieval (das-research's), slot (a DAS slot) or availability (under churn, over time)",
		kind:      choice(workloadNames[:], ParseWorkloadType)},
	{Key: "workload.segments", Unit: "segments", Use: studyOnly, Types: retrievalTypes, Default: "100",
		Fields: []string{"Workload.Retrieval.Segments", "Workload.Availability.Segments"},
		Doc:    "segments the builder provides",
		kind:   intIn(1, MaxSegments, "")},
	{Key: "workload.retrievers", Unit: "nodes", Use: studyOnly, Types: retrievalTypes, Default: "100",
		Fields: []string{"Workload.Retrieval.Retrievers", "Workload.Availability.Retrievers"},
		Doc:    "nodes that look segments up (other than the builder; availability: online nodes at each measurement)",
		kind:   intIn(1, MaxRetrievers, "")},
	{Key: "workload.rows", Unit: "cells", Use: studyOnly, Types: slotType, Default: "512", Fields: []string{"Workload.Slot.Rows"},
		Doc:  "rows of the slot's block (even: the extension of rows/2 rows of data)",
		kind: evenIn(MaxRows)},
	{Key: "workload.cols", Unit: "cells", Use: studyOnly, Types: slotType, Default: "512", Fields: []string{"Workload.Slot.Cols"},
		Doc:  "columns of the slot's block (even: the extension of cols/2 columns of data)",
		kind: evenIn(MaxCols)},
	{Key: "workload.provides_in_flight", Unit: "provides", Use: studyOnly, Types: slotType, Default: "64",
		Fields: []string{"Workload.Slot.ProvidesInFlight"},
		Doc:    "the builder's provides in flight at once",
		kind:   intIn(1, MaxProvidesInFlight, "")},
	{Key: "workload.validators", Unit: "nodes", Use: studyOnly, Types: slotType, Default: "10000", Depends: []string{"nodes"},
		Fields: []string{"Workload.Slot.Validators"},
		Doc:    "distinct nodes that sample the block",
		kind:   intIn(1, MaxValidators, "")},
	// 100 samples per retriever as in das-research; 73 per validator, the
	// samples of Ethereum's DAS proposal for a 512 x 512 block.
	{Key: "workload.samples", Unit: "lookups", Use: studyOnly, Default: "100", TypeDefaults: map[WorkloadType]string{Slot: "73", Availability: "1"},
		Fields: []string{"Workload.Retrieval.Samples", "Workload.Slot.Samples", "Workload.Availability.Samples"},
		Doc:    "lookups per retriever or validator, each for a distinct segment or cell",
		kind:   intIn(1, 1<<31-1, "")},
	{Key: "workload.segment_size", Unit: "bytes", Use: studyOnly, Default: "512",
		Fields: []string{"Workload.Retrieval.SegmentSize", "Workload.Slot.SegmentSize", "Workload.Availability.SegmentSize"},
		Doc:    "bytes per segment or cell",
		kind:   intIn(1, MaxSegmentSize, "")},
	{Key: "workload.peer_record", Use: studyOnly, Types: []WorkloadType{Retrieval}, Default: "false", Fields: []string{"Workload.Retrieval.PeerRecord"},
		Doc:  "follow each retrieval that found its value with a lookup of the provider's peer record (go-libp2p-kad-dht's FindPeer)",
		kind: switchKind()},
	{Key: "workload.deadline", Use: studyOnly, Types: slotType, Default: "4s", Fields: []string{"Workload.Slot.Deadline"},
		Doc:  "when every sample of a validator must be back, from the slot's start",
		kind: durationIn(MinDeadline, MaxDeadline, "")},
	{Key: "workload.sample_start", Use: studyOnly, Types: slotType, Default: "provided", Fields: []string{"Workload.Slot.SampleStart"},
		Doc:  "when validators start sampling: provided (once the builder's provides have ended: provided_share of them), or a time from the slot's start (CSV: empty for provided)",
		kind: sampleStartKind()},
	{Key: "workload.provided_share", Unit: "share", Use: studyOnly, Types: slotType, Default: "0", Fields: []string{"Workload.Slot.ProvidedShare"},
		Doc:  "with sample_start provided, the share of the builder's provides that must have ended when sampling starts (0: all of them)",
		kind: floatIn(0, 1, "0: all")},
	{Key: "workload.sample_timeout", Use: studyOnly, Types: slotType, Default: "0s", Fields: []string{"Workload.Slot.SampleTimeout"},
		Doc:  "how long a sample's lookup may run: one that has not found its cell is abandoned and the sample tried again, skipping the peers it waited for, until the deadline (0s: one lookup per sample)",
		kind: durationIn(0, MaxDeadline, "one lookup per sample, no retry")},
	{Key: "workload.withholding", Use: studyOnly, Types: slotType, Default: "none", Fields: []string{"Workload.Slot.Withholding.Pattern"},
		Doc:  "cells the builder withholds: none, random (a share of the cells), rows, cols (a share of the rows, columns), minimal (the smallest unrecoverable pattern)",
		kind: choice(choices[das.Pattern](5), das.ParsePattern)},
	{Key: "workload.withheld_share", Unit: "share", Use: studyOnly, Types: slotType, Default: "0", Fields: []string{"Workload.Slot.Withholding.Share"},
		Doc:  "share of the cells (random), rows (rows) or columns (cols) withheld; 0 for none and minimal",
		kind: floatIn(0, 1, "")},
	{Key: "workload.threshold", Unit: "share", Use: studyOnly, Types: slotType, Default: "0.9", Fields: []string{"Workload.Slot.Threshold"},
		Doc:  "share of the validators present that must succeed for the block to be declared available (das-research: 0.9)",
		kind: thresholdKind()},
	{Key: "workload.classes", Use: studyOnly, Types: slotType, Default: NoClasses, Fields: []string{"Workload.Slot.Classes"},
		Doc:  "node classes: none, or a list of mappings of name, share, validators_per_node, custody_rows, custody_cols, behaviour (honest, unresponsive, malicious), upload, download",
		kind: classesKind()},
	{Key: "workload.builder_upload", Use: studyOnly, Types: slotType, Default: "unlimited", Fields: []string{"Workload.Slot.BuilderUpload"},
		Doc:  "the builder's upload rate whatever its class (unlimited: its class's), a bandwidth spec",
		kind: bandwidthKind()},
	{Key: "workload.builder_download", Use: studyOnly, Types: slotType, Default: "unlimited", Fields: []string{"Workload.Slot.BuilderDownload"},
		Doc:  "the builder's download rate whatever its class (unlimited: its class's), a bandwidth spec",
		kind: bandwidthKind()},
	{Key: "workload.duration", Use: studyOnly, Types: availability, Default: "24h", Fields: []string{"Workload.Availability.Duration"},
		Doc:  "simulated time measured",
		kind: durationIn(time.Nanosecond, MaxDuration, "")},
	{Key: "workload.every", Use: studyOnly, Types: availability, Default: "1h", Fields: []string{"Workload.Availability.Every"},
		Doc:  "simulated time between two measurements",
		kind: durationIn(time.Nanosecond, MaxDuration, "")},
	{Key: "workload.health_nodes", Unit: "nodes", Use: studyOnly, Types: availability, Default: "100", Depends: []string{"nodes"},
		Fields: []string{"Workload.Availability.HealthNodes"},
		Doc:    "online nodes whose tables are measured each time",
		kind:   intIn(0, MaxValidators, "")},

	// The benchmark suite's workload.
	{Key: "lookups", Flag: "lookups", Unit: "lookups", Use: benchOnly, Fields: []string{"Bench.Lookups"}, Default: "1000", Benchmarks: lookupBenches,
		Doc:  "lookups per round of the workload benchmarks",
		kind: intIn(1, MaxLookups, "")},
	{Key: "segments", Flag: "segments", Unit: "segments", Use: benchOnly, Fields: []string{"Bench.Segments"}, Default: "256", Benchmarks: segmentBenches,
		Doc:  "segments provided per round (Provide) and before the retrievals (Retrieve)",
		kind: intIn(1, MaxSegments, "")},
	{Key: "segment_size", Flag: "segment-size", Unit: "bytes", Use: benchOnly, Fields: []string{"Bench.SegmentSize"}, Default: "512",
		Benchmarks: []string{"Provide", "Retrieve", "Churn", "HashSegmentKey"},
		Doc:        "bytes per segment",
		kind:       intIn(1, MaxSegmentSize, "")},
	{Key: "throughput_lookups", Flag: "throughput-lookups", Unit: "lookups", Use: benchOnly, Fields: []string{"Bench.ThroughputLookups"},
		Default: "20000", Benchmarks: []string{"LookupThroughput", "LookupShared"},
		Doc:  "lookups per round of LookupThroughput and LookupShared",
		kind: intIn(1, MaxLookups, "")},
	{Key: "churn_republish", Flag: "republish", Use: benchOnly, Fields: []string{"Bench.ChurnRepublish"}, Default: "1h", Benchmarks: []string{"Churn"},
		Doc:  "republish period of Churn's second run (its first never republishes)",
		kind: durationIn(workload.MinRepublish, MaxChurnRepublish, "")},
	{Key: "scaling_max", Flag: "scaling-max", Unit: "nodes", Use: benchOnly, Fields: []string{"Bench.ScalingMax"}, Default: "1000000", Output: true,
		Doc:  "largest network of the scale, throughput, crawl and churn benchmarks; larger sizes are skipped",
		kind: intIn(1, dht.MaxNodes, "")},
	{Key: "huge", Flag: "huge", Use: benchOnly, Fields: []string{"Bench.Huge"}, Default: "false", Output: true,
		Doc:  "also run the 10^8-node sizes of IndexBuild, NetworkScaling (on demand) and LookupThroughput (a few GiB of heap), whatever scaling_max",
		kind: switchKind()},
	{Key: "slot", Flag: "slot", Use: benchOnly, Fields: []string{"Bench.Slot"}, Default: "false", Output: true, Benchmarks: []string{"Slot"},
		Doc:  "run Slot: the DAS slot of benchmarks/study/examples/pandas.yaml at 10,000 and 20,000 nodes (minutes and several GiB each)",
		kind: switchKind()},
	{Key: "tag", Flag: "tag", Use: benchOnly, Fields: []string{"Bench.Tag"}, Default: "bench", Output: true,
		Doc:  "prefix of every report file",
		kind: textKind("name", "letters, digits, '.', '_', '-'", tagPattern.MatchString)},

	// The crawl.
	{Key: "in_flight", BenchFlag: "crawl-inflight", ListFlag: "inflight", Unit: "visits", Use: Bench | Crawl,
		Fields: []string{"Crawl.Options.InFlight"}, Default: strconv.Itoa(crawler.DefaultInFlight), Benchmarks: crawlBenches,
		Doc:  "W, the visits a crawl keeps in flight (dhtsim crawl -inflight: a comma-separated list sweeps it)",
		kind: intIn(1, crawler.MaxInFlight, "")},
	{Key: "requests", Flag: "requests", BenchFlag: "crawl-requests", Unit: "requests", Use: Bench | Crawl,
		Fields: []string{"Crawl.Options.Requests"}, Default: strconv.Itoa(crawler.DefaultRequests), Benchmarks: crawlBenches,
		Doc:  "find-closest requests of a visit, one per common prefix length 0..requests-1",
		kind: intIn(1, crawler.MaxRequests, "")},
	{Key: "retries", Flag: "retries", BenchFlag: "crawl-retries", Unit: "retries", Use: Bench | Crawl,
		Fields: []string{"Crawl.Options.Retries"}, Default: "0", Benchmarks: crawlBenches,
		Doc:  "retries of a failed visit",
		kind: intIn(0, crawler.MaxRetries, "")},
	{Key: "timeout", Flag: "timeout", BenchFlag: "crawl-timeout", Use: Bench | Crawl,
		Fields: []string{"Crawl.Options.Timeout"}, Default: crawler.DefaultTimeout.String(), Benchmarks: crawlBenches,
		Doc:  "how long the crawler waits for an attempt",
		kind: durationIn(time.Nanosecond, network.MaxDelay, "")},
	{Key: "bootstrap", Flag: "bootstrap", BenchFlag: "crawl-bootstrap", Unit: "peers", Use: Bench | Crawl,
		Fields: []string{"Crawl.Bootstrap"}, Default: "4", Benchmarks: crawlBenches, Depends: []string{"nodes"},
		Doc:  "bootstrap peers of a crawl, drawn from the seed (at most nodes)",
		kind: intIn(1, dht.MaxNodes, "")},
	{Key: "start", Flag: "start", Use: crawlOnly, Fields: []string{"Crawl.Options.Start"}, Default: "0s",
		Doc:  "simulated time the crawl starts at: under churn, how long the network ran before",
		kind: durationIn(0, MaxDuration, "")},

	// Where and how results are written.
	{Key: "out", Flag: "out", Use: Bench | Crawl | RunCmd | MergeCmd, Fields: []string{"Run.Out"}, Output: true,
		Doc: "output folder: of the study (run, merge; required), of the crawls (required), of the benchmark report (default reports/<start time> at the module root)",
		UseDoc: map[Use]string{
			RunCmd:   "the study's output folder (required): one folder per combination, summary.csv, charts/; a run into it again resumes",
			MergeCmd: "the merged report's folder (required)",
			Crawl:    "the crawls' output folder (required): one folder per crawl, crawls.csv and the sweep's chart",
			Bench:    "report folder (default: a new folder reports/<start time> at the module root)",
		},
		kind: textKind("path", "a folder's path", func(string) bool { return true })},
	{Key: "overwrite", Flag: "overwrite", Use: Bench | Crawl, Fields: []string{"Run.Overwrite"}, Default: "false", Output: true,
		Doc:  "write into an output folder that holds files: the benchmarks replace files of the same name; a crawl first removes the earlier sweep's output",
		kind: switchKind()},
	{Key: "progress", Flag: "progress", Use: Crawl | RunCmd, Fields: []string{"Run.Progress"}, Default: "auto", Output: true,
		Doc:  "progress report: auto (a bar on a terminal, lines otherwise), bar, lines or none",
		kind: textKind("one of", "auto, bar, lines, none", func(s string) bool { return slices.Contains([]string{"auto", "bar", "lines", "none"}, s) })},
	{Key: "shard", Flag: "shard", Use: RunCmd, Fields: []string{"Run.Shard"}, Output: true,
		Doc:  "run every n-th combination: i/n (default: from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT when set)",
		kind: textKind("shard", "i/n with 0 <= i < n, such as 2/8", validShard)},
	{Key: "no_records", Flag: "no-records", Use: RunCmd, Fields: []string{"Run.NoRecords"}, Default: "false", Output: true,
		Doc:  "skip records.csv (one row per connection attempt), which dominates the output of large studies",
		kind: switchKind()},
	{Key: "records", Flag: "records", Use: crawlOnly, Fields: []string{"Crawl.Records"}, Default: "false", Output: true,
		Doc:  "write records.csv, one row per connection attempt",
		kind: switchKind()},
	{Key: "edges", Flag: "edges", Use: crawlOnly, Fields: []string{"Crawl.Edges"}, Default: "auto", Output: true,
		Doc:  fmt.Sprintf("the edges CSV: auto (up to %d nodes), all or none", EdgesAuto),
		kind: textKind("one of", "auto, all, none", func(s string) bool { return slices.Contains([]string{"auto", "all", "none"}, s) })},
	{Key: "crawl_edges", Flag: "crawl-edges", Use: benchOnly, Fields: []string{"Bench.CrawlEdges"}, Default: "false", Output: true,
		Doc:  "write the edges CSV of Crawl at every size (10^6 nodes: about 3 x 10^8 rows, 5 GB); by default only up to 100,000 nodes",
		kind: switchKind()},
	{Key: "no_charts", Flag: "no-charts", Use: crawlOnly, Fields: []string{"Crawl.NoCharts"}, Default: "false", Output: true,
		Doc:  "skip the charts",
		kind: switchKind()},
	{Key: "markdown", Flag: "markdown", Use: ParamsCmd, Fields: []string{"Run.Markdown"}, Default: "false", Output: true,
		Doc:  "print the table of parameters in Markdown, as the README has it",
		kind: switchKind()},
})

// EdgesAuto is the largest network whose edges CSV a crawl writes with
// edges auto: 10^5 nodes give some 3 x 10^7 rows (about 0.5 GB).
const EdgesAuto = 100_000

// validShard accepts "i/n" with 0 <= i < n, or "" (no shard).
func validShard(s string) bool {
	if s == "" {
		return true
	}
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	return ok && err1 == nil && err2 == nil && i >= 0 && n >= 1 && i < n
}

// build checks the registry and resolves its fields: a path that names
// no field, or a field of another type than the parameter's values, is a
// bug of this file, found by any test.
func build(ps []Param) []*Param {
	out := make([]*Param, len(ps))
	seen := map[string]bool{}
	for i := range ps {
		p := &ps[i]
		if seen[p.Key] {
			panic("param: key " + p.Key + " declared twice")
		}
		seen[p.Key] = true
		if len(p.Fields) == 0 {
			panic("param: " + p.Key + " sets no field")
		}
		for _, path := range p.Fields {
			idx, t, err := indexPath(path)
			if err != nil {
				panic("param: " + p.Key + ": " + err.Error())
			}
			if t != p.kind.goType {
				panic(fmt.Sprintf("param: %s: field %s is a %s, its values are %s", p.Key, path, t, p.kind.goType))
			}
			p.fields = append(p.fields, idx)
			ft := -1
			for wt, name := range workloadFields {
				if strings.HasPrefix(path, "Workload."+name+".") {
					ft = wt
				}
			}
			p.fieldType = append(p.fieldType, ft)
		}
		out[i] = p
	}
	return out
}

// All returns every parameter, in the registry's order.
func All() []*Param { return slices.Clone(registry) }

// byKey finds a parameter by its key.
var byKey = func() map[string]*Param {
	m := make(map[string]*Param, len(registry))
	for _, p := range registry {
		m[p.Key] = p
	}
	return m
}()

// ByKey returns the parameter of a key.
func ByKey(key string) (*Param, bool) {
	p, ok := byKey[key]
	return p, ok
}

// MustKey returns the parameter of a key; it panics for a key that is
// not in the registry (a bug of the caller).
func MustKey(key string) *Param {
	p, ok := ByKey(key)
	if !ok {
		panic("param: no parameter " + key)
	}
	return p
}

// Of returns the parameters given in the places of u, in order.
func Of(u Use) []*Param {
	var ps []*Param
	for _, p := range registry {
		if p.Use&u != 0 {
			ps = append(ps, p)
		}
	}
	return ps
}

// ByField returns the parameters that set the field at path of Settings
// ("Config.Client.K"), or build it (Builds).
func ByField(path string) []*Param {
	var ps []*Param
	for _, p := range registry {
		if slices.Contains(p.Fields, path) || p.Builds == path {
			ps = append(ps, p)
		}
	}
	return ps
}
