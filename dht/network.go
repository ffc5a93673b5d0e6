package dht

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/routing"
)

// DHTNetwork is a simulated network of clients. It is safe for concurrent
// use.
type DHTNetwork struct {
	cfg   Config
	space *routing.KeySpace // key of every node, by id
	links *network.Network
	nodes nodeStates // per-node state, for the nodes that have one

	boot atomic.Pointer[bootstrap] // the last BootstrapAll; nil before
	// withholds says which nodes accept stores but never return a value
	// (SetWithholding); nil: none.
	withholds atomic.Pointer[func(uint32) bool]
	// custody gives nodes values beside their stores (SetCustody); nil:
	// none.
	custody atomic.Pointer[func(uint32, hashes.Key) ([]byte, bool)]
	idx     atomic.Pointer[routing.Index] // sorted keys of all nodes; nil after AddNode until rebuilt
	mu      sync.Mutex                    // serializes AddNode, index rebuilds and BootstrapAll
}

// The link layer learns the number of nodes from the network.
var _ network.Directory = (*DHTNetwork)(nil)

// New spawns cfg.Nodes clients and gives each its optimal routing table,
// with cfg.Workers goroutines.
func New(cfg Config) (*DHTNetwork, error) {
	n, err := Spawn(cfg)
	if err != nil {
		return nil, err
	}
	if err := n.BootstrapAll(context.Background(), n.cfg.Workers); err != nil {
		return nil, err
	}
	return n, nil
}

// Spawn creates cfg.Nodes clients, with ids 0..Nodes-1 and no routing
// table yet; BootstrapAll gives them one.
func Spawn(cfg Config) (*DHTNetwork, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.Effective()
	if err := checkMemory(cfg); err != nil {
		return nil, err
	}
	keys := hashes.NodeKeys(cfg.Network.Seed, cfg.Nodes, cfg.Workers)
	return newNetwork(cfg, routing.NewKeySpaceOf(keys))
}

// newNetwork returns a network of the nodes of space, with no state.
func newNetwork(cfg Config, space *routing.KeySpace) (*DHTNetwork, error) {
	n := &DHTNetwork{cfg: cfg, space: space}
	links, err := network.New(cfg.Network, n)
	if err != nil {
		return nil, err
	}
	n.links = links
	return n, nil
}

// shards cuts [0, n) into one run per worker.
func shards(n, workers int) [][2]int {
	workers = max(1, min(workers, n))
	out := make([][2]int, workers)
	for w := range out {
		out[w] = [2]int{w * n / workers, (w + 1) * n / workers}
	}
	return out
}

// BootstrapAll gives every node its routing table among the nodes of the
// network now, under the fill (Config.Fill): built from the sorted keys,
// eagerly (sharded over workers goroutines) or read on demand
// (Config.Tables), or grown by joins (FillGrown, on one goroutine). Tables
// a node changed since are dropped. Nodes added later keep what they have.
func (n *DHTNetwork) BootstrapAll(ctx context.Context, workers int) error {
	if err := n.usable(); err != nil {
		return err
	}
	if err := checkWorkers(workers); err != nil {
		return err
	}
	ix := n.index()
	b := &bootstrap{ix: ix, fill: n.routingFill()}
	switch {
	case n.cfg.Fill == FillGrown:
		tables, stats, err := n.grow(ctx, ix)
		if err != nil {
			return err
		}
		b.eager, b.growth = tables, &stats
		n.links.SetEpoch(stats.End)
	case n.cfg.Tables == TablesEager:
		tables, err := ix.BuildFilledTables(ctx, n.space, n.cfg.Client.K, b.fill, workers)
		if err != nil {
			return err
		}
		b.eager = tables
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.nodes.each(func(id uint32, st *nodeState) {
		if b.covers(id) {
			st.mu.Lock()
			st.table = nil
			st.mu.Unlock()
		}
	})
	n.boot.Store(b)
	return nil
}

// routingFill returns the fill of the tables built from the index: the
// random fill's draws are rooted at the network's seed. A grown network's
// nodes that bootstrap later (Client.Bootstrap) get random tables.
func (n *DHTNetwork) routingFill() routing.Fill {
	if n.cfg.Fill == FillClosest {
		return routing.ClosestFill()
	}
	return routing.RandomFill(n.cfg.Network.Seed)
}

// GrowthStats returns what the growth of a grown network did (Config.Fill
// = FillGrown), and false for any other network or before BootstrapAll.
func (n *DHTNetwork) GrowthStats() (GrowthStats, bool) {
	if b := n.boot.Load(); b != nil && b.growth != nil {
		return *b.growth, true
	}
	return GrowthStats{}, false
}

// index returns the sorted keys of all nodes, rebuilding them after nodes
// were added.
func (n *DHTNetwork) index() *routing.Index {
	if ix := n.idx.Load(); ix != nil {
		return ix
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if ix := n.idx.Load(); ix != nil {
		return ix
	}
	ix, err := routing.NewIndexParallel(context.Background(), n.space.Keys(), n.cfg.Workers)
	if err != nil {
		panic("dht: index build without a context to cancel failed: " + err.Error())
	}
	n.idx.Store(ix)
	return ix
}

// AddNode adds a client with the next id and no routing table; call its
// Bootstrap to give it one. Existing tables do not learn of it.
func (n *DHTNetwork) AddNode() (*Client, error) {
	if err := n.usable(); err != nil {
		return nil, err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.space.Len() >= MaxNodes {
		return nil, fmt.Errorf("dht: network is full at %d nodes", n.space.Len())
	}
	id := uint32(n.space.Len())
	key := hashes.NodeKey(n.cfg.Network.Seed, id)
	n.space.Append(key)
	n.idx.Store(nil)
	return &Client{id: id, key: key, net: n}, nil
}

// Derive returns a new network of the same nodes, sharing this one's keys,
// index and bootstrapped tables (which are never modified), with cfg's
// links and lookup parameters and no state: empty stores, no table of its
// own, fresh metrics. Tables depend only on the nodes, k, the seed, the
// fill (and a growth's parameters), so a study whose combinations differ in
// link or lookup parameters builds each network once. cfg must keep Nodes,
// Client.K, Network.Seed, Tables and Fill; a grown network's cfg must keep
// everything the growth read (Derive checks the growth's own parameters
// only: the caller that derives a grown network with other links or
// lookup rules gets tables grown under the first ones).
func (n *DHTNetwork) Derive(cfg Config) (*DHTNetwork, error) {
	if err := n.usable(); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.Effective()
	old := n.cfg
	if cfg.Nodes != old.Nodes || cfg.Client.K != old.Client.K || cfg.Network.Seed != old.Network.Seed || cfg.Tables != old.Tables || cfg.Fill != old.Fill {
		return nil, fmt.Errorf("dht: Derive: nodes %d, k %d, seed %d, tables %v and fill %v must stay %d, %d, %d, %v and %v",
			cfg.Nodes, cfg.Client.K, cfg.Network.Seed, cfg.Tables, cfg.Fill, old.Nodes, old.Client.K, old.Network.Seed, old.Tables, old.Fill)
	}
	if cfg.Fill == FillGrown && cfg.Growth != old.Growth {
		return nil, fmt.Errorf("dht: Derive: growth %+v must stay %+v", cfg.Growth, old.Growth)
	}
	n.mu.Lock()
	spawned := n.space.Keys()[:old.Nodes]
	n.mu.Unlock()
	if n.space.Len() != old.Nodes {
		return nil, fmt.Errorf("dht: Derive: the network has grown to %d nodes since it was spawned", n.space.Len())
	}
	d, err := newNetwork(cfg, routing.NewKeySpaceOf(spawned))
	if err != nil {
		return nil, err
	}
	if ix := n.idx.Load(); ix != nil {
		d.idx.Store(ix)
	}
	if b := n.boot.Load(); b != nil {
		d.boot.Store(b)
		if b.growth != nil {
			d.links.SetEpoch(b.growth.End)
		}
	}
	return d, nil
}

// usable reports ErrZeroValue for a network that was not built.
func (n *DHTNetwork) usable() error {
	if n == nil || n.space == nil || n.links == nil {
		return ErrZeroValue
	}
	return nil
}

// Config returns the network's configuration, with the rules its profile
// implies filled in.
func (n *DHTNetwork) Config() Config { return n.cfg }

// Len returns the number of clients.
func (n *DHTNetwork) Len() int {
	if n.usable() != nil {
		return 0
	}
	return n.space.Len()
}

// Client returns the client with the given id, or an error naming the
// valid range. A Client is a handle: two calls give two handles on one
// node.
func (n *DHTNetwork) Client(id uint32) (*Client, error) {
	if err := n.usable(); err != nil {
		return nil, err
	}
	if uint(id) >= uint(n.space.Len()) {
		return nil, unknownNode(id, n.space.Len())
	}
	return &Client{id: id, key: n.space.Key(id), net: n}, nil
}

// known reports whether id is a node of the network.
func (n *DHTNetwork) known(id uint32) bool { return uint(id) < uint(n.space.Len()) }

// Bootstrapped reports whether node id has a routing table (an unknown id
// has none).
func (n *DHTNetwork) Bootstrapped(id uint32) bool { return n.known(id) && n.bootstrapped(id) }

// bootstrapped reports whether node id has a routing table.
func (n *DHTNetwork) bootstrapped(id uint32) bool {
	if n.boot.Load().covers(id) {
		return true
	}
	st := n.nodes.get(id)
	if st == nil {
		return false
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.table != nil
}

// appendBootClosest appends the n entries of node id's table as of the
// last BootstrapAll nearest to target; nothing when it has none.
func (n *DHTNetwork) appendBootClosest(dst []routing.Peer, b *bootstrap, self routing.Peer, target hashes.Key, count int) []routing.Peer {
	if !b.covers(self.ID) {
		return dst
	}
	if b.eager != nil {
		return b.eager[self.ID].AppendClosest(dst, target, count)
	}
	return b.ix.AppendFilledClosest(dst, self.ID, self.Key, n.cfg.Client.K, b.fill, target, count)
}

// tableOf returns node id's routing table for reading: its own, or its
// table as of the last BootstrapAll (built now when tables are read on
// demand), or nil. Caller holds st.mu when st is not nil.
func (n *DHTNetwork) tableOf(id uint32, st *nodeState) *routing.Table {
	if st != nil && st.table != nil {
		return st.table
	}
	b := n.boot.Load()
	if !b.covers(id) {
		return nil
	}
	if b.eager != nil {
		return &b.eager[id]
	}
	t, err := b.ix.FilledTable(id, n.space.Key(id), n.cfg.Client.K, b.fill, n.space)
	if err != nil {
		panic("dht: table of a validated k failed: " + err.Error())
	}
	return t
}

// ownTable returns node id's own table, made from its bootstrapped table
// (or empty) the first time, to be changed. Caller holds st.mu for writing.
func (n *DHTNetwork) ownTable(id uint32, st *nodeState) (*routing.Table, error) {
	if st.table != nil {
		return st.table, nil
	}
	t := n.tableOf(id, st)
	if t != nil {
		// The copy resolves keys in this network's key space: a network
		// derived from another shares its tables, not its newcomers.
		t = t.CloneIn(n.space)
	} else {
		var err error
		if t, err = routing.NewTable(id, n.space.Key(id), n.cfg.Client.K, n.space); err != nil {
			return nil, err
		}
	}
	if err := t.SetPolicy(n.cfg.Client.Policy); err != nil {
		return nil, err
	}
	t = n.nodes.placeTable(id, t) // beside its state, if it has room there
	st.table = t
	return t, nil
}

// findClosest serves a find-closest request at node self (whose key the
// caller knows: looking it up in a key space of 10^7 keys would cost a
// cache miss per request): the count peers of its routing table nearest to
// key, appended to dst, and the value it stores under key.
func (n *DHTNetwork) findClosest(self routing.Peer, key hashes.Key, count int, dst []routing.Peer) ([]routing.Peer, []byte, bool) {
	var v []byte
	var ok bool
	if st := n.nodes.get(self.ID); st == nil {
		dst = n.appendBootClosest(dst, n.boot.Load(), self, key, count)
	} else {
		st.mu.RLock()
		if st.table != nil {
			dst = st.table.AppendClosest(dst, key, count)
		} else {
			dst = n.appendBootClosest(dst, n.boot.Load(), self, key, count)
		}
		v, ok = st.store[key]
		st.mu.RUnlock()
	}
	if !ok {
		if c := n.custody.Load(); c != nil {
			v, ok = (*c)(self.ID, key)
		}
	}
	if ok {
		if w := n.withholds.Load(); w != nil && (*w)(self.ID) {
			return dst, nil, false // it has the value and keeps it
		}
	}
	return dst, v, ok
}

// SetCustody gives nodes values beside their stores: custody(id, key)
// returns the value node id holds under key, if any, as a DAS slot's
// custody of rows and columns does (the slot delivers the lines itself
// and says which node holds which cell, when). A node serves such a value
// as it serves a stored one (a withholding node keeps it), and an origin
// that holds it finds it at once. custody runs whenever a request reaches
// a node and when a lookup starts, on the goroutine of the run: it may
// read the state of the workload that drives that run, and must be safe
// for concurrent use if lookups run in parallel (LookupMany). The value
// it returns must not be modified. nil removes it.
func (n *DHTNetwork) SetCustody(custody func(id uint32, key hashes.Key) ([]byte, bool)) {
	if custody == nil {
		n.custody.Store(nil)
		return
	}
	n.custody.Store(&custody)
}

// SetWithholding makes the nodes for which withholds is true accept stores
// but never return a stored value: they answer find requests with their
// closest peers only, as a DAS study's malicious class does. nil makes
// every node honest again. Set it before the operations it concerns;
// withholds must be a pure function of the id. (Nodes that answer nothing
// at all are the link layer's: Links().SetSilent.)
func (n *DHTNetwork) SetWithholding(withholds func(id uint32) bool) {
	if withholds == nil {
		n.withholds.Store(nil)
		return
	}
	n.withholds.Store(&withholds)
}

// answerFind serves a find request at node self under the profile's rule:
// the count closest peers of its table (findClosest), or under discv5 the
// nodes of the buckets at the three log distances around the key's that
// go-ethereum's lookup asks for (lookupDistances: d, d+1, d-1, with d the
// key's log distance from self; here the common prefix lengths b, b-1 and
// b+1), in that order, up to count, then sorted nearest to the key first as
// the client orders what it merges. go-ethereum shuffles each bucket's
// nodes; go-dht takes them in the table's order, which draws nothing.
func (n *DHTNetwork) answerFind(self routing.Peer, key hashes.Key, count int, dst []routing.Peer) ([]routing.Peer, []byte, bool) {
	if n.cfg.Profile != ProfileDiscv5 {
		return n.findClosest(self, key, count, dst)
	}
	b := hashes.CommonPrefixLen(self.Key, key)
	start := len(dst)
	st := n.nodes.get(self.ID)
	if st != nil {
		st.mu.RLock()
		defer st.mu.RUnlock()
	}
	boot := n.boot.Load()
	for _, d := range [3]int{b, b - 1, b + 1} {
		if d < 0 || d > hashes.Bits || len(dst)-start >= count {
			continue
		}
		switch {
		case st != nil && st.table != nil:
			dst = st.table.AppendBucket(dst, d)
		case boot.covers(self.ID) && boot.eager != nil:
			dst = boot.eager[self.ID].AppendBucket(dst, d)
		case boot.covers(self.ID):
			dst = boot.ix.AppendFilledBucket(dst, self.ID, self.Key, n.cfg.Client.K, boot.fill, d)
		}
		dst = dst[:min(len(dst), start+count)]
	}
	routing.SortByDistance(dst[start:], key)
	return dst, nil, false
}

// keep stores value, which nobody will modify, under key at node id.
func (n *DHTNetwork) keep(id uint32, key hashes.Key, value []byte) {
	st := n.nodes.getOrCreate(id)
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.store == nil {
		st.store = map[hashes.Key][]byte{}
	}
	st.store[key] = value
}

// value returns the value node id stores under key (the node's own: do not
// modify).
func (n *DHTNetwork) value(id uint32, key hashes.Key) ([]byte, bool) {
	st := n.nodes.get(id)
	if st == nil {
		return nil, false
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	v, ok := st.store[key]
	return v, ok
}

// StateNodes returns the number of nodes that hold state beyond their key
// (a store, or a table of their own): what a big network costs above its
// keys and index.
func (n *DHTNetwork) StateNodes() int { return n.nodes.len() }

// ClosestNodes returns the n nodes of the whole network nearest to key,
// nearest first: the ground truth a lookup is measured against.
func (n *DHTNetwork) ClosestNodes(key hashes.Key, count int) []routing.Peer {
	return n.index().Closest(key, count)
}

// OptimalPeers returns the peers of the optimal routing table of node id
// among the nodes of the network now, bucket by bucket: py-dht's
// bootstrap_node, the closest fill's table (what Bootstrap gives under
// FillClosest).
func (n *DHTNetwork) OptimalPeers(id uint32) ([]routing.Peer, error) {
	if !n.known(id) {
		return nil, unknownNode(id, n.Len())
	}
	t, err := n.index().OptimalTable(id, n.space.Key(id), n.cfg.Client.K, n.space)
	if err != nil {
		return nil, err
	}
	return t.Peers(), nil
}

// Links returns the network's link layer.
func (n *DHTNetwork) Links() *network.Network { return n.links }

// Summary returns the state of the network's links: nodes, attempts,
// successes and failures of every finished operation.
func (n *DHTNetwork) Summary() network.Summary {
	if n.usable() != nil {
		return network.Summary{}
	}
	return n.links.Summary()
}

// Records returns one record per connection attempt of every finished
// operation, in an order that does not depend on scheduling; an error when
// records are discarded or streamed.
func (n *DHTNetwork) Records() ([]network.Record, error) { return n.links.Records() }

// WriteRecordsCSV writes the connection records as CSV (see
// network.RecordsHeader).
func (n *DHTNetwork) WriteRecordsCSV(w io.Writer) error { return n.links.WriteRecordsCSV(w) }

// StreamRecords writes the records of every operation to w as it ends,
// instead of keeping them (see network.Network.StreamRecords); call
// FlushRecords at the end.
func (n *DHTNetwork) StreamRecords(w io.Writer) error { return n.links.StreamRecords(w) }

// StreamRecordsWith is StreamRecords with extra columns closing every row
// (see network.Network.StreamRecordsWith).
func (n *DHTNetwork) StreamRecordsWith(w io.Writer, columns, values []string) error {
	return n.links.StreamRecordsWith(w, columns, values)
}

// FlushRecords flushes streamed records.
func (n *DHTNetwork) FlushRecords() error { return n.links.FlushRecords() }

// ResetMetrics clears counters, kept records and py-dht's gamma counters,
// as py-dht's reset_network_metrics.
func (n *DHTNetwork) ResetMetrics() { n.links.Reset() }
