package network

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zeebo/xxh3"

	"github.com/go-dht/go-dht/network/reach"
)

// Directory is what the link layer knows of the nodes: which ids exist.
type Directory interface {
	// Len returns the number of nodes; ids are 0..Len()-1.
	Len() int
}

// Network is the link layer of one simulated network. It is safe for
// concurrent use.
type Network struct {
	cfg  Config
	dir  Directory
	root uint64 // seed of every operation's random stream

	nextOp atomic.Uint64 // ids of operations that did not name one

	mu       sync.Mutex // guards the fields below
	counts   counts
	active   map[uint64]struct{} // ids of running operations that named their id
	overhead map[uint32]int64    // py-dht profile: uses of each endpoint since Reset
	sink     recordSink

	lives   lives        // when nodes are online (churn, departures); its own locks
	epoch   atomic.Int64 // the time of the lives at the network's time 0 (SetEpoch)
	conns   conns        // open connections (Config.Transport); its own lock
	classes reach.Classifier
	silent  atomic.Pointer[func(uint32) bool]               // SetSilent
	rates   atomic.Pointer[func(uint32) (float64, float64)] // SetRates
	tr      transfers                                       // bandwidth state; its own lock
}

// counts are the attempt counters of a network or of one operation.
type counts struct {
	attempts, successes, fast, slow, notFound, offline, unreachable, flaky, unresponsive int64
}

func (c *counts) add(o counts) {
	c.attempts += o.attempts
	c.successes += o.successes
	c.fast += o.fast
	c.slow += o.slow
	c.notFound += o.notFound
	c.offline += o.offline
	c.unreachable += o.unreachable
	c.flaky += o.flaky
	c.unresponsive += o.unresponsive
}

// New returns the link layer of a network whose nodes dir knows.
func New(cfg Config, dir Directory) (*Network, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var buf [16]byte
	binary.LittleEndian.PutUint64(buf[:8], cfg.Seed)
	binary.LittleEndian.PutUint64(buf[8:], uint64(int64(cfg.NetworkID)))
	n := &Network{cfg: cfg, dir: dir, root: xxh3.Hash(buf[:]),
		active: map[uint64]struct{}{}, overhead: map[uint32]int64{},
		classes: reach.NewClassifier(cfg.Reach, cfg.Seed)}
	n.conns.limit = cfg.Connections
	if cfg.DiscardRecords {
		n.sink.mode = discardRecords
	}
	return n, nil
}

// Config returns the network's configuration.
func (n *Network) Config() Config { return n.cfg }

// AutoOpBit marks operation ids the network chose itself, so that they
// never collide with ids chosen by callers, which must stay below it
// (1..AutoOpBit-1). Automatic ids are AutoOpBit + n for the n-th operation
// that named none: from 2^62 up, below 2^63, so that every id fits an
// int64 (CSV readers such as pandas read larger integers as floats or
// not at all).
const AutoOpBit = 1 << 62

// StartOp starts operation id into o, which the caller owns (so that a
// pooled Op keeps its record buffer). A non-zero id below AutoOpBit names
// the operation: its random draws depend only on the network's seed and
// the id, so callers running operations concurrently get the same results
// in every run by naming them. It is an error to start an id that a running
// operation holds (ErrOpInUse); starting the id of a finished operation
// replays its draws. With id 0 the network numbers operations in the order
// they start, from AutoOpBit + 1 up. o must be new or closed.
func (n *Network) StartOp(o *Op, id uint64) error {
	if id >= AutoOpBit {
		return fmt.Errorf("network: operation id %d: allowed 1..%d, or 0 for an automatic id", id, uint64(AutoOpBit-1))
	}
	named := id != 0
	if named {
		n.mu.Lock()
		_, busy := n.active[id]
		if !busy {
			n.active[id] = struct{}{}
		}
		n.mu.Unlock()
		if busy {
			return fmt.Errorf("%w: %d", ErrOpInUse, id)
		}
	} else {
		// 2^62 automatic ids below 2^63: numbering a million operations a
		// second, a network would take 146,000 years to run out.
		id = AutoOpBit + n.nextOp.Add(1)
	}
	*o = Op{net: n, id: id, named: named, rng: *rand.NewPCG(n.root, id), rnd: o.rnd, records: o.records[:0]}
	return nil
}

// NewOp is StartOp into a new Op.
func (n *Network) NewOp(id uint64) (*Op, error) {
	o := &Op{}
	if err := n.StartOp(o, id); err != nil {
		return nil, err
	}
	return o, nil
}

// Op is one operation's view of the network: its random stream, its
// attempt counters and the records it has not yet handed to the network.
// An Op is not safe for concurrent use.
type Op struct {
	net     *Network
	id      uint64
	named   bool
	rng     rand.PCG
	rnd     *rand.Rand // over rng, for draws of other packages (latency)
	counts  counts
	records []Record
	closed  bool
}

// ID returns the operation's id.
func (o *Op) ID() uint64 { return o.id }

// Rand returns a generator over the operation's random stream, for draws
// that belong to the operation but not to the link layer (e.g. a random key
// to refresh).
func (o *Op) Rand() *rand.Rand { return o.rand() }

// Uint64 draws from the operation's random stream.
func (o *Op) Uint64() uint64 { return o.rng.Uint64() }

// Attempt is what the link layer decides when an attempt starts.
type Attempt struct {
	// Error is the outcome; NoError means the remote will answer.
	Error ErrorKind
	// Base is the delay drawn for the outcome: for a connection, its
	// one-way delay (a request over it is a round trip: 2 x Base); for a
	// failed attempt, the whole error delay.
	Base time.Duration
	// Setup is the connection set-up before the request: the transport's
	// round trips of the pair's delay on a first contact, 0 over an open
	// connection or for a failed attempt.
	Setup time.Duration
}

// Cost returns what the attempt costs its origin before overheads: the
// set-up and a round trip when the remote answers, the error delay
// otherwise.
func (a Attempt) Cost() time.Duration {
	if a.Error == NoError {
		return a.Setup + 2*a.Base
	}
	return a.Base
}

// Arrival returns when, after its start, the request reaches the remote
// (after the set-up and one way); meaningful when the remote answers.
func (a Attempt) Arrival() time.Duration { return a.Setup + a.Base }

// Draw decides the outcome and the base delay of an attempt from node from
// to node to that starts at simulated time at, from the operation's random
// stream, and counts it. The error draws come first, then whether the node
// exists, then whether it is online at that time.
func (o *Op) Draw(from, to uint32, at time.Duration) Attempt {
	cfg := &o.net.cfg
	o.counts.attempts++
	var a Attempt
	if cfg.PyDHT {
		// py-dht draws a fast error, then, independently, a slow one.
		switch {
		case o.percent() < cfg.FastErrorRate:
			a.Error = FastError
		case o.percent() < cfg.SlowErrorRate:
			a.Error = SlowError
		}
	} else {
		// One draw: [0, fast) refused, [fast, fast+slow) timed out.
		switch roll := o.percent(); {
		case roll < cfg.FastErrorRate:
			a.Error = FastError
		case roll < cfg.FastErrorRate+cfg.SlowErrorRate:
			a.Error = SlowError
		}
	}
	if a.Error == NoError {
		switch {
		case int64(to) >= int64(o.net.dir.Len()):
			a.Error = NodeNotFound
		case !o.net.Online(to, at):
			a.Error = Offline
		default:
			// Reachability: a class from the node's id; a flaky node's
			// answer is a draw of the operation's, only for flaky nodes,
			// so that a model without them draws what it drew before.
			switch o.net.classes.Class(to) {
			case reach.Undialable:
				a.Error = Unreachable
			case reach.Flaky:
				if o.percent() >= 100*cfg.Reach.Answer {
					a.Error = Flaky
				}
			}
			if s := o.net.silent.Load(); a.Error == NoError && s != nil && (*s)(to) {
				a.Error = Unresponsive
			}
		}
	}
	switch a.Error {
	case NoError:
		if cfg.Latency != nil {
			// The models of package latency stay within MaxDelay; a model
			// of one's own is held to it here.
			a.Base = min(max(cfg.Latency.Delay(o.rand(), from, to), 0), MaxDelay)
		} else {
			a.Base = o.delay(cfg.ConnDelay)
		}
		o.counts.successes++
	case FastError:
		a.Base = o.delay(cfg.FastDelay)
		o.counts.fast++
	case SlowError:
		a.Base = o.delay(cfg.SlowDelay)
		o.counts.slow++
	case NodeNotFound:
		a.Base = o.delay(cfg.SlowDelay)
		o.counts.notFound++
	case Offline:
		a.Base = o.delay(cfg.SlowDelay)
		o.counts.offline++
	case Unreachable:
		a.Base = cfg.Reach.DialTimeout
		o.counts.unreachable++
	case Flaky:
		a.Base = o.delay(cfg.SlowDelay)
		o.counts.flaky++
	case Unresponsive:
		a.Base = o.delay(cfg.SlowDelay)
		o.counts.unresponsive++
	}
	if a.Error == NoError && cfg.Transport != TransportNone && !o.net.conns.use(from, to) {
		a.Setup = time.Duration(cfg.Transport.SetupRoundTrips()) * 2 * a.Base
	}
	return a
}

// SetSilent makes the nodes for which silent is true answer nothing: every
// attempt to them times out (after SlowDelay) with outcome Unresponsive,
// as a DAS study's unresponsive class of nodes does. nil makes every node
// answer again. Set it before the operations it concerns; silent must be a
// pure function of the id.
func (n *Network) SetSilent(silent func(id uint32) bool) {
	if silent == nil {
		n.silent.Store(nil)
		return
	}
	n.silent.Store(&silent)
}

// Connected reports whether nodes a and b have an open connection.
func (n *Network) Connected(a, b uint32) bool { return n.conns.connected(a, b) }

// Class returns the reachability class of node id (Config.Reach).
func (n *Network) Class(id uint32) reach.Class { return n.classes.Class(id) }

// rand returns a generator over the operation's stream, made once per Op
// (a pooled Op keeps it: its stream lives in the Op itself).
func (o *Op) rand() *rand.Rand {
	if o.rnd == nil {
		o.rnd = rand.New(&o.rng)
	}
	return o.rnd
}

// percent draws a number in [0, 100).
func (o *Op) percent() float64 {
	return float64(o.rng.Uint64()>>11) * 0x1p-53 * 100
}

// delay draws a delay from r: uniform over [Min, Max], in whole
// milliseconds under the py-dht profile.
func (o *Op) delay(r DelayRange) time.Duration {
	if r.Max <= r.Min {
		return r.Min
	}
	unit := time.Duration(1)
	if o.net.cfg.PyDHT {
		unit = time.Millisecond
	}
	span := uint64((r.Max - r.Min) / unit)
	// Multiply-shift maps a 64-bit draw onto [0, span]; its bias is below
	// 2^-40 for any span of simulated delays.
	hi, _ := bits.Mul64(o.rng.Uint64(), span+1)
	return r.Min + time.Duration(hi)*unit
}

// UseEndpoint raises the py-dht load counter of node id and returns its
// overhead: Gamma times the number of times it was used since Reset, this
// use included. This is py-dht's OverheadTracker; go-dht's own load model
// lives with the clock that knows what is in flight (package dht).
func (o *Op) UseEndpoint(id uint32) time.Duration {
	n := o.net
	if n.cfg.Gamma == 0 {
		return 0
	}
	n.mu.Lock()
	n.overhead[id]++
	c := n.overhead[id]
	n.mu.Unlock()
	return time.Duration(c) * n.cfg.Gamma
}

// AddRecord keeps the record of one attempt, filling in its Op and
// Attempt, and returns its index among the operation's records (for
// RecordAt), or -1 when records are discarded.
func (o *Op) AddRecord(r Record) int {
	if o.net.sink.mode == discardRecords {
		return -1
	}
	r.Op = o.id
	r.Attempt = uint32(len(o.records))
	o.records = append(o.records, r)
	return len(o.records) - 1
}

// RecordAt returns record i of the operation (from AddRecord), to complete
// it before Close (its times, or that it was abandoned); nil for -1.
func (o *Op) RecordAt(i int) *Record {
	if i < 0 {
		return nil
	}
	return &o.records[i]
}

// Close hands the operation's counts and records to the network and frees
// its id. Further calls do nothing.
func (o *Op) Close() {
	if o.closed {
		return
	}
	o.closed = true
	n := o.net
	n.mu.Lock()
	n.counts.add(o.counts)
	if o.named {
		delete(n.active, o.id)
	}
	n.sink.add(o.records)
	n.mu.Unlock()
	o.records = o.records[:0]
}

// Overhead returns the py-dht load overhead of a node: Gamma times its
// uses since Reset.
func (n *Network) Overhead(id uint32) time.Duration {
	n.mu.Lock()
	defer n.mu.Unlock()
	return time.Duration(n.overhead[id]) * n.cfg.Gamma
}

// Summary is the state of a network's links.
type Summary struct {
	Nodes      int
	Attempts   int64
	Successes  int64
	Failures   int64
	FastErrors int64
	SlowErrors int64
	NotFound   int64
	Offline    int64
	// Unreachable counts dials of undialable nodes, Flaky the attempts a
	// flaky node did not answer (Config.Reach), Unresponsive the attempts
	// to silent nodes (SetSilent).
	Unreachable  int64
	Flaky        int64
	Unresponsive int64
}

// Summary counts nodes and the attempts of every closed operation.
func (n *Network) Summary() Summary {
	n.mu.Lock()
	c := n.counts
	n.mu.Unlock()
	return Summary{
		Nodes: n.dir.Len(), Attempts: c.attempts, Successes: c.successes,
		Failures:   c.fast + c.slow + c.notFound + c.offline + c.unreachable + c.flaky + c.unresponsive,
		FastErrors: c.fast, SlowErrors: c.slow, NotFound: c.notFound, Offline: c.offline,
		Unreachable: c.unreachable, Flaky: c.flaky, Unresponsive: c.unresponsive,
	}
}

// Reset clears counters, kept records and load counters: it marks the end
// of a batch of work, as py-dht's reset_network_metrics. Records already
// streamed stay in their writer.
func (n *Network) Reset() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.counts = counts{}
	n.sink.reset()
	clear(n.overhead)
}
