package dht

import (
	"sync"
	"sync/atomic"

	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/routing"
)

// A node of a network costs its key and its place in the sorted index;
// anything more is allocated only for nodes that need it (nodeState). Its
// routing table is, in order:
//
//   - its own table, once it has one: a node added after BootstrapAll and
//     bootstrapped, or a table that changed (AddPeer, maintenance), which
//     starts as a copy of its optimal table;
//   - else its optimal table as of the last BootstrapAll: read from the
//     tables built eagerly then, or answered straight from that index
//     (Tables: on demand), which gives the same entries;
//   - else none: the node was never bootstrapped.

// nodeState is what a node holds beyond its key.
type nodeState struct {
	mu    sync.RWMutex // guards table and store
	table *routing.Table
	// store holds values by key. A value is never modified once stored:
	// several nodes may hold the same slice (the copies of one provide),
	// and every value handed to a caller is a copy.
	store map[hashes.Key][]byte
	// fails counts the failures in a row of the node's requests to each
	// peer (Maintenance.FailLimit); nil until one fails.
	fails map[uint32]uint8
}

// nodeShards spreads the states over independently locked maps, so that
// goroutines running lookups rarely wait on one another.
const nodeShards = 64

// nodeStates holds the states of the nodes that have one.
type nodeStates struct {
	shards [nodeShards]struct {
		mu sync.RWMutex // guards m
		m  map[uint32]*nodeState
	}
	// any is set once a state exists: until then get answers without a
	// lock (a throughput run of lookups never creates one, and two
	// goroutines taking one read lock contend on its counter).
	any atomic.Bool
	// dense holds a state for every id below its length, made up front
	// (makeDense) for a network whose every node will have one (a
	// growth): read without a lock or a map, it is never written again.
	dense []denseNode
}

// denseNode is a node's state beside the memory of its table. A request
// reads the state's lock, then the table's header, then its buckets: with
// the three side by side it costs one or two cache misses instead of
// three (a growth of 10^5 nodes serves 29 million requests, each at a
// node whose table the last request did not touch).
type denseNode struct {
	st     nodeState
	table  routing.Table
	bounds [routing.NumBuckets]uint16 // the table's (Table.PlaceBoundsIn)
}

// makeDense gives the nodes 0..n-1 a state each, before any is read.
func (s *nodeStates) makeDense(n int) {
	s.dense = make([]denseNode, n)
	s.any.Store(true)
}

// placeTable moves t into the memory kept for id's table beside its state
// (see denseNode) and returns where it now is; t itself when id has no
// dense state.
func (s *nodeStates) placeTable(id uint32, t *routing.Table) *routing.Table {
	if int(id) >= len(s.dense) {
		return t
	}
	d := &s.dense[id]
	d.table = *t
	d.table.PlaceBoundsIn(&d.bounds)
	return &d.table
}

// get returns the state of id, or nil.
func (s *nodeStates) get(id uint32) *nodeState {
	if !s.any.Load() {
		return nil
	}
	if int(id) < len(s.dense) {
		return &s.dense[id].st
	}
	sh := &s.shards[id%nodeShards]
	sh.mu.RLock()
	st := sh.m[id]
	sh.mu.RUnlock()
	return st
}

// getOrCreate returns the state of id, creating it.
func (s *nodeStates) getOrCreate(id uint32) *nodeState {
	if st := s.get(id); st != nil {
		return st
	}
	sh := &s.shards[id%nodeShards]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if st := sh.m[id]; st != nil {
		return st
	}
	if sh.m == nil {
		sh.m = map[uint32]*nodeState{}
	}
	st := &nodeState{}
	s.any.Store(true)
	sh.m[id] = st
	return st
}

// each calls f on every state, the dense ones first, then shard by shard
// with the shard locked.
func (s *nodeStates) each(f func(id uint32, st *nodeState)) {
	for id := range s.dense {
		f(uint32(id), &s.dense[id].st)
	}
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.RLock()
		for id, st := range sh.m {
			f(id, st)
		}
		sh.mu.RUnlock()
	}
}

// len returns the number of states.
func (s *nodeStates) len() int {
	n := len(s.dense)
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.RLock()
		n += len(sh.m)
		sh.mu.RUnlock()
	}
	return n
}

// bootstrap is what BootstrapAll gave the nodes: the tables of the nodes of
// an index, under a fill.
type bootstrap struct {
	ix   *routing.Index
	fill routing.Fill
	// eager holds every table, by id, when they were built eagerly or
	// grown; nil when they are read from ix on demand.
	eager []routing.Table
	// growth says what the growth did, for a grown network.
	growth *GrowthStats
}

// covers reports whether id got an optimal table from this bootstrap.
func (b *bootstrap) covers(id uint32) bool {
	return b != nil && uint(id) < uint(b.ix.Len())
}
