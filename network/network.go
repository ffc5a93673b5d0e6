package network

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zeebo/xxh3"

	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/routing"
)

// Handler is a node as the link layer reaches it: the requests a remote can
// serve over an established connection.
type Handler interface {
	// HandleFindClosest appends the handler's k closest peers to key to
	// dst, and returns the value stored under key, if any.
	HandleFindClosest(key hashes.Key, dst []routing.Peer) (peers []routing.Peer, value []byte, found bool)
	// HandleStore stores value under key.
	HandleStore(key hashes.Key, value []byte)
	// HandleRetrieve returns the value stored under key.
	HandleRetrieve(key hashes.Key) (value []byte, found bool)
}

// Directory finds nodes by id.
type Directory interface {
	// Node returns the node with the given id, or false when there is none.
	Node(id uint32) (Handler, bool)
	// Len returns the number of nodes.
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
	overhead map[uint32]time.Duration // accumulated gamma overhead by node
	records  []Record
}

// counts are the attempt counters of a network or of one operation.
type counts struct {
	attempts, successes, fast, slow, notFound int64
}

func (c *counts) add(o counts) {
	c.attempts += o.attempts
	c.successes += o.successes
	c.fast += o.fast
	c.slow += o.slow
	c.notFound += o.notFound
}

// New returns the link layer of a network whose nodes dir resolves.
func New(cfg Config, dir Directory) (*Network, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var buf [16]byte
	binary.LittleEndian.PutUint64(buf[:8], cfg.Seed)
	binary.LittleEndian.PutUint64(buf[8:], uint64(int64(cfg.NetworkID)))
	return &Network{cfg: cfg, dir: dir, root: xxh3.Hash(buf[:]), overhead: map[uint32]time.Duration{}}, nil
}

// Config returns the network's configuration.
func (n *Network) Config() Config { return n.cfg }

// autoOpBit marks operation ids the network chose itself, so that they never
// collide with ids chosen by callers (which stay below it).
const autoOpBit = 1 << 63

// NewOp starts an operation. A non-zero id names it: the random draws and
// records of an operation depend only on the seed and its id, so callers
// running operations concurrently get the same results in every run by
// naming them. With id 0 the network numbers operations in the order they
// start. Call Close when the operation is over.
func (n *Network) NewOp(id uint64) *Op {
	o := &Op{}
	n.StartOp(o, id)
	return o
}

// StartOp is NewOp into an Op the caller owns, such as a pooled one: it
// keeps o's record buffer for reuse. o must be closed (or new).
func (n *Network) StartOp(o *Op, id uint64) {
	if id == 0 {
		id = autoOpBit | n.nextOp.Add(1)
	}
	*o = Op{net: n, id: id, rng: *rand.NewPCG(n.root, id), records: o.records[:0]}
}

// Op is one operation's view of the network: its random stream, its attempt
// counter and the records it has not yet handed to the network. An Op is not
// safe for concurrent use.
type Op struct {
	net     *Network
	id      uint64
	rng     rand.PCG
	counts  counts
	records []Record
	closed  bool
}

// ID returns the operation's id.
func (o *Op) ID() uint64 { return o.id }

// Conn is an established connection.
type Conn struct {
	remote Handler
	// Delay is the total delay of the connection, overheads included; every
	// request over it costs Delay again.
	Delay time.Duration
}

// FindClosest asks the remote for its closest peers to key (appended to
// dst) and for the value stored under it. It costs c.Delay.
func (c Conn) FindClosest(key hashes.Key, dst []routing.Peer) ([]routing.Peer, []byte, bool) {
	return c.remote.HandleFindClosest(key, dst)
}

// Store asks the remote to store value under key. It costs c.Delay.
func (c Conn) Store(key hashes.Key, value []byte) { c.remote.HandleStore(key, value) }

// Retrieve asks the remote for the value stored under key. It costs c.Delay.
func (c Conn) Retrieve(key hashes.Key) ([]byte, bool) { return c.remote.HandleRetrieve(key) }

// Connect attempts a connection from one node to another. at is the
// simulated time, from the start of the operation, when the attempt starts;
// it goes into the record. A failed attempt returns a *ConnError carrying its
// kind and delay.
func (o *Op) Connect(from, to uint32, at time.Duration) (Conn, error) {
	cfg := &o.net.cfg
	o.counts.attempts++
	kind := NoError
	var base time.Duration
	var remote Handler
	// One draw decides the outcome: [0, fast) fast, [fast, fast+slow) slow.
	roll := float64(o.rng.Uint64()>>11) * 0x1p-53 * 100
	switch {
	case roll < cfg.FastErrorRate:
		kind, base = FastError, o.delay(cfg.FastDelay)
		o.counts.fast++
	case roll < cfg.FastErrorRate+cfg.SlowErrorRate:
		kind, base = SlowError, o.delay(cfg.SlowDelay)
		o.counts.slow++
	default:
		var ok bool
		if remote, ok = o.net.dir.Node(to); !ok {
			kind, base = NodeNotFound, o.delay(cfg.SlowDelay)
			o.counts.notFound++
		} else {
			base = o.delay(cfg.ConnDelay)
			o.counts.successes++
		}
	}
	var fromLoad, toLoad time.Duration
	if cfg.Gamma > 0 {
		fromLoad, toLoad = o.net.raiseOverhead(from, to)
	}
	total := base + fromLoad + toLoad
	if !cfg.DiscardRecords {
		o.records = append(o.records, Record{
			Op: o.id, Attempt: uint32(o.counts.attempts - 1), Time: at, From: from, To: to, Error: kind,
			BaseDelay: base, OriginOverhead: fromLoad, RemoteOverhead: toLoad,
			TotalOverhead: fromLoad + toLoad, TotalDelay: total,
		})
	}
	if kind != NoError {
		return Conn{}, &ConnError{Kind: kind, From: from, To: to, Delay: total}
	}
	return Conn{remote: remote, Delay: total}, nil
}

// delay draws a delay from r.
func (o *Op) delay(r DelayRange) time.Duration {
	if r.Max <= r.Min {
		return r.Min
	}
	// Multiply-shift maps a 64-bit draw onto [0, span]; its bias is below
	// 2^-40 for any span of simulated delays.
	hi, _ := bits.Mul64(o.rng.Uint64(), uint64(r.Max-r.Min)+1)
	return r.Min + time.Duration(hi)
}

// Close hands the operation's counts and records to the network. Further
// calls do nothing.
func (o *Op) Close() {
	if o.closed {
		return
	}
	o.closed = true
	n := o.net
	n.mu.Lock()
	n.counts.add(o.counts)
	n.records = append(n.records, o.records...)
	n.mu.Unlock()
	o.records = o.records[:0]
}

// raiseOverhead adds gamma to both endpoints' accumulated overhead and
// returns the new values.
func (n *Network) raiseOverhead(from, to uint32) (time.Duration, time.Duration) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.overhead[from] += n.cfg.Gamma
	n.overhead[to] += n.cfg.Gamma
	return n.overhead[from], n.overhead[to]
}

// Overhead returns the accumulated gamma overhead of a node.
func (n *Network) Overhead(id uint32) time.Duration {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.overhead[id]
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
}

// Summary counts nodes and the attempts of every closed operation.
func (n *Network) Summary() Summary {
	n.mu.Lock()
	c := n.counts
	n.mu.Unlock()
	return Summary{
		Nodes: n.dir.Len(), Attempts: c.attempts, Successes: c.successes,
		Failures: c.fast + c.slow + c.notFound, FastErrors: c.fast, SlowErrors: c.slow, NotFound: c.notFound,
	}
}

// Reset clears counters, records and accumulated overheads: it marks the end
// of a batch of concurrent work.
func (n *Network) Reset() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.counts = counts{}
	n.records = nil
	clear(n.overhead)
}
