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

	clients atomic.Pointer[[]*Client] // every client, by id; replaced whole on growth

	mu  sync.Mutex                    // serializes AddNode and index rebuilds
	idx atomic.Pointer[routing.Index] // sorted keys of all nodes; nil after AddNode until rebuilt
}

// The link layer finds clients through the network.
var _ network.Directory = (*DHTNetwork)(nil)

// New spawns cfg.Nodes clients and builds every optimal routing table with
// cfg.Workers goroutines.
func New(cfg Config) (*DHTNetwork, error) {
	n, err := Spawn(cfg)
	if err != nil {
		return nil, err
	}
	if err := n.BootstrapAll(context.Background(), cfg.Workers); err != nil {
		return nil, err
	}
	return n, nil
}

// Spawn creates cfg.Nodes clients, with ids 0..Nodes-1 and empty routing
// tables; BootstrapAll fills them.
func Spawn(cfg Config) (*DHTNetwork, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.Effective()
	n := &DHTNetwork{cfg: cfg, space: routing.NewKeySpace(cfg.Nodes)}
	links, err := network.New(cfg.Network, n)
	if err != nil {
		return nil, err
	}
	n.links = links
	keys := make([]hashes.Key, cfg.Nodes)
	block := make([]Client, cfg.Nodes) // one allocation for every client
	clients := make([]*Client, cfg.Nodes)
	for i := range block {
		id := uint32(i)
		keys[i] = hashes.NodeKey(cfg.Network.Seed, id)
		block[i] = Client{id: id, key: keys[i], net: n}
		clients[i] = &block[i]
	}
	n.space.AppendMany(keys)
	n.clients.Store(&clients)
	return n, nil
}

// BootstrapAll gives every client its optimal routing table, built from the
// sorted keys of all nodes and sharded over workers goroutines. The tables
// do not depend on the number of workers.
func (n *DHTNetwork) BootstrapAll(ctx context.Context, workers int) error {
	if err := checkWorkers(workers); err != nil {
		return err
	}
	ix := n.index()
	tables, err := ix.BuildTables(ctx, n.space, n.cfg.Client.K, workers)
	if err != nil {
		return err
	}
	// Nodes added since the index was taken keep their own tables.
	clients := *n.clients.Load()
	for i := range tables {
		c := clients[i]
		c.mu.Lock()
		c.table = &tables[i]
		c.mu.Unlock()
	}
	return nil
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
	ix := routing.NewIndex(n.space.Keys())
	n.idx.Store(ix)
	return ix
}

// AddNode adds a client with the next id and an empty routing table; call
// its Bootstrap to fill it. Existing tables do not learn of it.
func (n *DHTNetwork) AddNode() (*Client, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	old := *n.clients.Load()
	if len(old) >= MaxNodes {
		return nil, fmt.Errorf("dht: network is full at %d nodes", len(old))
	}
	id := uint32(len(old))
	c := &Client{id: id, key: hashes.NodeKey(n.cfg.Network.Seed, id), net: n}
	n.space.Append(c.key)
	grown := append(old, c)
	n.clients.Store(&grown)
	n.idx.Store(nil)
	return c, nil
}

// Config returns the network's configuration, with the rules its profile
// implies filled in.
func (n *DHTNetwork) Config() Config { return n.cfg }

// Len returns the number of clients.
func (n *DHTNetwork) Len() int { return len(*n.clients.Load()) }

// Client returns the client with the given id, or an error naming the
// valid range.
func (n *DHTNetwork) Client(id uint32) (*Client, error) {
	clients := *n.clients.Load()
	if uint(id) >= uint(len(clients)) {
		return nil, unknownNode(id, len(clients))
	}
	return clients[id], nil
}

// clientOrNil returns the client with the given id, or nil.
func (n *DHTNetwork) clientOrNil(id uint32) *Client {
	clients := *n.clients.Load()
	if uint(id) >= uint(len(clients)) {
		return nil
	}
	return clients[id]
}

// Links returns the network's link layer.
func (n *DHTNetwork) Links() *network.Network { return n.links }

// ClosestNodes returns the n nodes of the whole network nearest to key,
// nearest first: the ground truth a lookup is measured against.
func (n *DHTNetwork) ClosestNodes(key hashes.Key, count int) []routing.Peer {
	return n.index().Closest(key, count)
}

// OptimalPeers returns the peers of the optimal routing table of node id,
// bucket by bucket: what its Bootstrap would give it.
func (n *DHTNetwork) OptimalPeers(id uint32) ([]routing.Peer, error) {
	c, err := n.Client(id)
	if err != nil {
		return nil, err
	}
	t, err := n.index().OptimalTable(id, c.key, n.cfg.Client.K, n.space)
	if err != nil {
		return nil, err
	}
	return t.Peers(), nil
}

// Summary returns the state of the network's links: nodes, attempts,
// successes and failures of every finished operation.
func (n *DHTNetwork) Summary() network.Summary { return n.links.Summary() }

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

// FlushRecords flushes streamed records.
func (n *DHTNetwork) FlushRecords() error { return n.links.FlushRecords() }

// ResetMetrics clears counters, kept records and py-dht's gamma counters,
// as py-dht's reset_network_metrics.
func (n *DHTNetwork) ResetMetrics() { n.links.Reset() }
