package dht

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/routing"
)

// Maintenance keeps routing tables alive as nodes come and go. Each part
// is optional: its zero value turns it off.
type Maintenance struct {
	// FailLimit removes a peer from a node's table once FailLimit of the
	// node's requests to it in a row failed (0: never). Under the Oldest
	// policy, a newcomer from the bucket's replacement cache takes its
	// place.
	FailLimit int
	// Refresh is the period of bucket refreshes (0: none, or
	// MinRefresh..MaxRefresh): every Refresh, every node online then looks
	// up a random key in each of its buckets (up to its deepest non-empty
	// one), and offers every peer that answers to its table.
	Refresh time.Duration
	// Joins is the number of new nodes per simulated hour. A new node
	// knows JoinPeers random nodes online when it joins, looks up its own
	// key from them, then refreshes every bucket of the table that gave it
	// (Kademlia's join), offering every peer that answers to its table;
	// every node that serves its first lookup offers the newcomer to its
	// own table.
	Joins     float64
	JoinPeers int
}

// Bounds of Maintenance.Refresh. A refresh costs a lookup per bucket of
// every node online: libp2p refreshes every 10 minutes, Kademlia every
// hour; below a minute, refreshes would outnumber every other request of a
// run (the review's 1ms ran out of memory). A year is the longest
// simulated time a study measures.
const (
	MinRefresh = time.Minute
	MaxRefresh = 365 * 24 * time.Hour
)

// Validate reports the first invalid field.
func (m Maintenance) Validate() error {
	if m.FailLimit < 0 || m.FailLimit > 255 {
		return invalid("Maintenance.FailLimit", m.FailLimit, "0..255 (0: never remove)")
	}
	if m.Refresh != 0 && (m.Refresh < MinRefresh || m.Refresh > MaxRefresh) {
		return invalid("Maintenance.Refresh", m.Refresh, "0 (no refresh) or %v..%v", MinRefresh, MaxRefresh)
	}
	if !(m.Joins >= 0 && m.Joins <= 1e6) {
		return invalid("Maintenance.Joins", m.Joins, "0..1e6 new nodes per hour")
	}
	if m.Joins > 0 && (m.JoinPeers < 1 || m.JoinPeers > 1000) {
		return invalid("Maintenance.JoinPeers", m.JoinPeers, "1..1000 when Joins > 0")
	}
	return nil
}

// Maintain runs the network's maintenance (Config.Maintenance) on the run
// from its current time until simulated time until: the refreshes and the
// joins are events of the run, interleaved with its operations.
func (r *Run) Maintain(until time.Duration) error {
	if r.maintained {
		return fmt.Errorf("dht: Maintain was called on this run already: a second call would run every refresh and join twice")
	}
	m := r.cfg.Maintenance
	if until < r.now {
		return fmt.Errorf("%w: maintenance until %v, the run is at %v", ErrPastStart, until, r.now)
	}
	r.maintained = true
	rng := rand.New(rand.NewPCG(r.cfg.Network.Seed, 0x6d61696e74))
	if m.Refresh > 0 {
		var refresh func()
		refresh = func() {
			r.refreshAll(rng)
			if next := r.now + m.Refresh; next <= until {
				r.At(next, refresh)
			}
		}
		if err := r.At(r.now+m.Refresh, refresh); err != nil {
			return err
		}
	}
	if m.Joins > 0 {
		var join func()
		join = func() {
			r.join(rng)
			next := r.now + time.Duration(rng.ExpFloat64()/m.Joins*float64(time.Hour))
			if next <= until {
				r.At(next, join)
			}
		}
		first := r.now + time.Duration(rng.ExpFloat64()/m.Joins*float64(time.Hour))
		if first <= until {
			return r.At(first, join)
		}
	}
	return nil
}

// refreshAll starts the bucket refreshes of every node online now. It
// watches the run's context: a network of 10^8 nodes takes a while.
func (r *Run) refreshAll(rng *rand.Rand) {
	for id := range uint32(r.net.Len()) {
		if id%4096 == 0 && r.ctx != nil {
			if err := r.ctx.Err(); err != nil {
				r.fail(err)
				return
			}
		}
		if r.net.links.Online(id, r.now) && r.net.bootstrapped(id) {
			r.refresh(id, rng)
		}
	}
}

// refresh starts a lookup of a random key in each bucket of node id's
// table, up to its deepest non-empty bucket; every peer that answers is
// offered to the table.
func (r *Run) refresh(id uint32, rng *rand.Rand) {
	n := r.net
	if !n.links.Online(id, r.now) {
		return // a node offline does nothing (a joiner may leave early)
	}
	local := n.space.Key(id)
	depth := 0
	c := &Client{id: id, key: local, net: n}
	c.readTable(func(t *routing.Table) { depth = len(t.BucketSizes()) })
	for b := range depth {
		p, err := r.check(lookupOp, r.now, id, keyAtPrefix(local, b, rng), 0)
		if err != nil {
			r.fail(err)
			return
		}
		r.scheduleWith(p, func(op *operation) { op.learn = true })
	}
}

// join adds a node that bootstraps by a lookup of its own key.
func (r *Run) join(rng *rand.Rand) {
	n := r.net
	c, err := n.AddNode()
	if err != nil {
		r.fail(err)
		return
	}
	n.links.Joined(c.id, r.now)
	st := n.nodes.getOrCreate(c.id)
	st.mu.Lock()
	t, err := n.ownTable(c.id, st)
	if err == nil {
		for range max(1, r.cfg.Maintenance.JoinPeers) * 8 {
			if t.Len() >= r.cfg.Maintenance.JoinPeers {
				break
			}
			if p := uint32(rng.IntN(n.Len() - 1)); n.links.Online(p, r.now) {
				t.Add(p)
			}
		}
	}
	st.mu.Unlock()
	if err != nil {
		r.fail(err)
		return
	}
	// Kademlia's join: a lookup of its own key, then a refresh of every
	// bucket of the table that lookup gave it.
	p, err := r.check(lookupOp, r.now, c.id, c.key, 0)
	if err != nil {
		r.fail(err)
		return
	}
	p.onLookup = func(LookupResult) { r.refresh(c.id, rng) }
	r.scheduleWith(p, func(op *operation) { op.learn, op.announce = true, true })
}

// keyAtPrefix returns a random key sharing exactly b leading bits with
// local: a key in local's bucket b.
func keyAtPrefix(local hashes.Key, b int, rng *rand.Rand) hashes.Key {
	low := uint64(1)<<(hashes.Bits-1-b) - 1
	return (local.FlipBit(b) &^ hashes.Key(low)) | hashes.Key(rng.Uint64()&low)
}

// learn offers peers that node id just heard of in an answer to its
// table, nearest to the key first (a node that hears of a peer offers it,
// as go-ethereum's lookups add the nodes they find; under the oldest
// policy a newcomer to a full bucket only waits in its replacement cache).
// Peers learned answer by answer, in the order answers arrive, spread over
// a bucket's range more than a lookup's final closest would: the first
// answers come from far from the key.
func (n *DHTNetwork) learn(id uint32, peers []routing.Peer) {
	if len(peers) == 0 {
		return
	}
	st := n.nodes.getOrCreate(id)
	st.mu.Lock()
	defer st.mu.Unlock()
	t, err := n.ownTable(id, st)
	if err != nil {
		return
	}
	for _, p := range peers {
		if p.ID != id {
			t.Add(p.ID)
		}
	}
}

// offer offers peer to node id's table.
func (n *DHTNetwork) offer(id, peer uint32) {
	st := n.nodes.getOrCreate(id)
	st.mu.Lock()
	defer st.mu.Unlock()
	if t, err := n.ownTable(id, st); err == nil {
		t.Add(peer)
	}
}

// noteOutcome counts the outcome of node id's request to peer for
// Maintenance.FailLimit: a success clears the peer's count; the FailLimit-th
// failure in a row removes it from id's table.
func (n *DHTNetwork) noteOutcome(id, peer uint32, failed bool) {
	limit := n.cfg.Maintenance.FailLimit
	if limit == 0 {
		return
	}
	st := n.nodes.get(id)
	if !failed && (st == nil || st.fails == nil) {
		return // nothing to clear
	}
	if st == nil {
		st = n.nodes.getOrCreate(id)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if !failed {
		delete(st.fails, peer)
		return
	}
	if st.fails == nil {
		st.fails = map[uint32]uint8{}
	}
	st.fails[peer]++
	if int(st.fails[peer]) < limit {
		return
	}
	delete(st.fails, peer)
	if t, err := n.ownTable(id, st); err == nil {
		t.Remove(peer)
	}
}
