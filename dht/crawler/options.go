package crawler

import (
	"fmt"
	"math"
	"time"

	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/network/clock"
)

// Origin is the id the crawler's attempts come from: no node has it (a
// network holds at most dht.MaxNodes = 2^30 nodes).
const Origin uint32 = math.MaxUint32

// Bounds of the options.
const (
	// MaxInFlight bounds the visits in flight.
	MaxInFlight = 100_000
	// MaxRequests bounds the requests of a visit: one per common prefix
	// length of a 64-bit key.
	MaxRequests = 64
	// MaxRetries bounds the retries of a failed visit.
	MaxRetries = 10
)

// Defaults of the options a zero Options leaves unset.
const (
	// DefaultInFlight is Bitcoin Core's bound on its connections, the
	// issue's example of a bounded crawler.
	DefaultInFlight = 125
	// DefaultRequests asks for common prefix lengths 0..15, as Nebula
	// does.
	DefaultRequests = 16
	// DefaultTimeout is far above the round trip of a connection under
	// the delays of go-dht's defaults and latency models (well under a
	// second): the crawler gives up on attempts that fail, not on slow
	// peers.
	DefaultTimeout = 10 * time.Second
	// DefaultOp is the first operation id of a crawl's visits.
	DefaultOp = 1
)

// Options configure a crawl. Zero InFlight, Requests, Timeout and Op take
// their defaults (WithDefaults); Retries and Start have no default but 0.
type Options struct {
	// Bootstrap are the peers the crawl starts from, visited in this
	// order (duplicates are visited once). At least one; every id a node
	// of the network.
	Bootstrap []uint32
	// InFlight is W, the most visits in flight at once (1..MaxInFlight).
	InFlight int
	// Timeout is how long the crawler waits for an attempt: a connection
	// whose round trip exceeds it, or an error delay longer than it, ends
	// the attempt at Timeout (0 < Timeout <= network.MaxDelay).
	Timeout time.Duration
	// Requests is the number of find-closest requests of a visit, one per
	// common prefix length 0..Requests-1 with the peer's key
	// (1..MaxRequests).
	Requests int
	// Retries is the number of times a failed visit is tried again
	// (0..MaxRetries).
	Retries int
	// Op is the operation id of the visit of node 0; the visit of node id
	// uses Op + id, so a crawl of a network of n nodes names operations
	// Op..Op+n-1, which must stay below network.AutoOpBit and not be used
	// by operations running at the same time on the network.
	Op uint64
	// Start is the simulated time the crawl starts at (0..clock.MaxTime):
	// under churn, how long the network has run before the crawl.
	Start time.Duration
}

// DefaultOptions returns the defaults with the given bootstrap peers.
func DefaultOptions(bootstrap ...uint32) Options {
	return Options{Bootstrap: bootstrap}.WithDefaults()
}

// WithDefaults returns o with its unset (zero) InFlight, Requests, Timeout
// and Op set to their defaults: the one place defaults are filled in.
func (o Options) WithDefaults() Options {
	if o.InFlight == 0 {
		o.InFlight = DefaultInFlight
	}
	if o.Requests == 0 {
		o.Requests = DefaultRequests
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Op == 0 {
		o.Op = DefaultOp
	}
	return o
}

// Validate reports the first invalid field of o, with its defaults filled
// in, for a network of nodes nodes, as a *network.ConfigError naming the
// field and what it allows (errors.Is(err, network.ErrInvalidConfig)).
func (o Options) Validate(nodes int) error {
	o = o.WithDefaults()
	if len(o.Bootstrap) == 0 {
		return invalid("Bootstrap", "[]", "at least one node id")
	}
	for i, id := range o.Bootstrap {
		if int64(id) >= int64(nodes) {
			return invalid(fmt.Sprintf("Bootstrap[%d]", i), id, "a node id, 0..%d", nodes-1)
		}
	}
	if o.InFlight < 1 || o.InFlight > MaxInFlight {
		return invalid("InFlight", o.InFlight, "1..%d", MaxInFlight)
	}
	if o.Timeout <= 0 || o.Timeout > network.MaxDelay {
		return invalid("Timeout", o.Timeout, "above 0, at most %v", network.MaxDelay)
	}
	if o.Requests < 1 || o.Requests > MaxRequests {
		return invalid("Requests", o.Requests, "1..%d", MaxRequests)
	}
	if o.Retries < 0 || o.Retries > MaxRetries {
		return invalid("Retries", o.Retries, "0..%d", MaxRetries)
	}
	if last := o.Op + uint64(max(nodes, 1)) - 1; o.Op >= network.AutoOpBit || last >= network.AutoOpBit || last < o.Op {
		return invalid("Op", o.Op, "1..%d, so that Op + %d nodes - 1 stays below network.AutoOpBit", uint64(network.AutoOpBit)-uint64(max(nodes, 1)), nodes)
	}
	if o.Start < 0 || o.Start > clock.MaxTime {
		return invalid("Start", o.Start, "0..%v", clock.MaxTime)
	}
	return nil
}

// invalid returns a *network.ConfigError.
func invalid(field string, value any, allowed string, args ...any) error {
	return &network.ConfigError{Field: field, Value: fmt.Sprint(value), Allowed: fmt.Sprintf(allowed, args...)}
}
