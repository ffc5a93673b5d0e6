package study

import (
	"strings"

	"github.com/go-dht/go-dht/benchmarks/param"
	"github.com/go-dht/go-dht/dht"
)

// Params are every parameter of one combination: the registry's Settings
// (package param), which hold the model (Config, and the latency spec
// Latency), the workload (Workload: its type and the configuration of
// each type, workload.Retrieval, workload.Slot, workload.Availability)
// and the study's name and repeats. A combination's Params are resolved:
// beta is k when the file leaves it to k (0), and the termination rule and
// the fill are the ones the profile applies, as the model reads them.
type Params = param.Settings

// WorkloadType is the kind of workload a study runs on each combination
// (param.WorkloadType).
type WorkloadType = param.WorkloadType

// The workload types.
const (
	// Retrieval is das-research's DHT retrieval study: a builder provides
	// segments, the metrics are reset, then retrievers random nodes other
	// than the builder each look up samples of the segments.
	Retrieval = param.Retrieval
	// Slot is a DAS slot: a builder provides the rows x cols cells of a
	// block with provides_in_flight provides at once, then validators
	// nodes each sample samples random cells at once; a sample found after
	// deadline counts as missed.
	Slot = param.Slot
	// Availability measures how long segments stay retrievable under
	// churn: a builder provides segments at time 0 (again every
	// republish), then every every until duration, retrievers online
	// nodes each look up samples of them and the tables of health_nodes
	// online nodes are measured.
	Availability = param.Availability
)

// ParseWorkloadType reads a workload type's name.
func ParseWorkloadType(s string) (WorkloadType, error) { return param.ParseWorkloadType(s) }

// Bounds of the workload keys (package param's). They keep one
// combination within a laptop's memory (results are kept per operation)
// and every count within an int on 32-bit platforms; the model's own
// bounds are dht's (see dht.Config.Validate).
const (
	MaxSegments         = param.MaxSegments
	MaxSegmentSize      = param.MaxSegmentSize
	MaxSegmentBytes     = param.MaxSegmentBytes
	MaxRows, MaxCols    = param.MaxRows, param.MaxCols
	MaxRetrievers       = param.MaxRetrievers
	MaxValidators       = param.MaxValidators
	MaxProvidesInFlight = param.MaxProvidesInFlight
	AfterProvides       = param.AfterProvides
	MaxLookups          = param.MaxLookups
	MinDeadline         = param.MinDeadline
	MaxDeadline         = param.MaxDeadline
	MaxDuration         = param.MaxDuration
	MaxMeasurements     = param.MaxMeasurements
	MaxFailLimit        = param.MaxFailLimit
)

// networkKey identifies the built network (node keys and routing tables)
// a combination needs: two combinations with one key can share one built
// network and differ only in link, lookup or workload parameters. Tables
// depend on nodes, k, the seed and the fill (read as the profile reads
// it), and on the bucket replacement policy once the realism package
// honours it (it is in the key already, so that no runner ever shares a
// network it should not); how they are held (tables, as the model
// resolves auto for the network's size) is part of the built network too,
// so eager and on-demand never share one. Link parameters (error rates,
// delays, gamma), the lookup's alpha, beta, steps and termination, and the
// profile are not in the key: a runner sharing a network applies them per
// combination. Grown tables depend on every model parameter (the joins
// ran under them): a grown network is shared only by combinations that
// differ in their workload alone.
func networkKey(p Params) string {
	e := p.Config.Effective()
	key := "nodes=" + param.MustKey("nodes").String(&p) + ",k=" + param.MustKey("k").String(&p) +
		",seed=" + param.MustKey("seed").String(&p) + ",policy=" + param.MustKey("policy").String(&p) +
		",fill=" + e.Fill.String() + ",tables=" + e.Tables.String()
	if e.Fill == dht.FillGrown {
		var model []string
		for i := range keyDefs {
			if d := &keyDefs[i]; d.types == nil && d.key != nameKey && d.key != repeatsKey {
				model = append(model, d.key+"="+d.get(&p))
			}
		}
		key += ",model=" + strings.Join(model, ",")
	}
	return key
}
