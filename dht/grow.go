package dht

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/routing"
)

// Growth describes how a network grown by joins (Config.Fill = FillGrown)
// grows its routing tables: node 0 starts alone; node i joins at simulated
// time i x Interval, knowing Peers nodes drawn from the seed among those
// already in and online; it looks up its own key, then refreshes each bucket
// it could fill (a lookup for a random key in every bucket that is not full,
// up to the bucket of the farthest of the K closest peers its own lookup
// found: deeper buckets hold only nodes nearer than that peer, which that
// lookup found already), as the Kademlia paper and go-libp2p-kad-dht join.
// Every node that hears of a peer offers it to its table under the policy
// (Client.Policy): the remote of every request offers the requester, and a
// lookup's origin offers every peer its answers named (failed ones left
// out) when it ends.
//
// The growth runs on a clock of its own, on a link layer of its own with
// the network's links: its counts and records are not the network's. Its
// operations are named from GrowthOps up. Nodes live the same lives
// (churn) in both, and the network's time 0 is when the growth ended
// (network.SetEpoch): each node starts in the session or downtime it was
// in then, and its table holds what the growth left it. The grown tables
// are what the network's nodes start from.
type Growth struct {
	// Peers is the number of nodes already in that a joining node knows
	// (its bootstrap peers), 1..1000.
	Peers int
	// Interval is the simulated time between two joins, 1ms..1h. Joins
	// overlap when it is shorter than a join's lookups.
	Interval time.Duration
}

// DefaultGrowth returns the growth of DefaultConfig: 4 bootstrap peers, a
// join every second.
func DefaultGrowth() Growth { return Growth{Peers: 4, Interval: time.Second} }

// withDefaults gives the zero fields of g DefaultGrowth's values.
func (g Growth) withDefaults() Growth {
	d := DefaultGrowth()
	if g.Peers == 0 {
		g.Peers = d.Peers
	}
	if g.Interval == 0 {
		g.Interval = d.Interval
	}
	return g
}

// Bounds of Growth.
const (
	MaxGrowthPeers    = 1000
	MinGrowthInterval = time.Millisecond
	MaxGrowthInterval = time.Hour
)

// Validate reports the first invalid field of a growth of n nodes.
func (g Growth) Validate(n int) error {
	if g.Peers < 1 || g.Peers > MaxGrowthPeers {
		return invalid("Growth.Peers", g.Peers, "1..%d", MaxGrowthPeers)
	}
	if g.Interval < MinGrowthInterval || g.Interval > MaxGrowthInterval {
		return invalid("Growth.Interval", g.Interval, "%v..%v", MinGrowthInterval, MaxGrowthInterval)
	}
	// The last join must happen within the clock's range.
	if end := time.Duration(n) * g.Interval; end/g.Interval != time.Duration(n) || end > maxGrowthSpan {
		return invalid("Growth.Interval", g.Interval, "at most %v / Nodes (%d joins must fit %v of simulated time)", maxGrowthSpan, n, maxGrowthSpan)
	}
	return nil
}

// maxGrowthSpan bounds the simulated time a growth's joins spread over.
const maxGrowthSpan = 10 * 365 * 24 * time.Hour

// GrowthOps is the first operation id of a growth's lookups: their draws
// come from streams no operation of the grown network names (those are
// below it, or automatic).
const GrowthOps = 1 << 60

// GrowthStats is what the growth of a grown network did.
type GrowthStats struct {
	// Joins is the number of nodes that joined (every node but node 0).
	Joins int
	// Lookups counts the joins' lookups: own-key lookups and refreshes.
	Lookups int
	// Attempts counts their requests.
	Attempts int64
	// Deferred counts the joins that waited for their node to come
	// online (under churn); Gone the nodes that left for good before
	// their turn and never joined.
	Deferred, Gone int
	// End is the simulated time the last lookup ended, from the start of
	// the growth.
	End time.Duration
	// Events is the number of events the growth's clock processed.
	Events uint64
}

// grow grows every node's table by joins, on a network of its own that
// shares this one's keys, and returns the tables.
func (n *DHTNetwork) grow(ctx context.Context, ix *routing.Index) ([]routing.Table, GrowthStats, error) {
	cfg := n.cfg
	// Its own link layer: the same links and lives, no records.
	cfg.Network.DiscardRecords = true
	g := &DHTNetwork{cfg: cfg, space: n.space}
	g.nodes.makeDense(n.Len()) // every node will hold a table
	links, err := network.New(cfg.Network, g)
	if err != nil {
		return nil, GrowthStats{}, err
	}
	g.links = links
	g.idx.Store(ix)

	run := g.NewRun()
	gw := &grower{run: run, net: g, rng: rand.New(rand.NewPCG(cfg.Network.Seed, 0x67726f7768)), growth: cfg.Growth}
	nodes := uint32(n.Len())
	for id := range nodes {
		if err := run.At(time.Duration(id)*cfg.Growth.Interval, func() { gw.join(id) }); err != nil {
			return nil, GrowthStats{}, err
		}
	}
	if err := run.Run(ctx); err != nil {
		return nil, GrowthStats{}, err
	}
	if gw.err != nil {
		return nil, GrowthStats{}, gw.err
	}
	tables := make([]routing.Table, nodes)
	for id := range nodes {
		st := g.nodes.get(id)
		if st == nil || st.table == nil {
			// It left for good before its turn: an empty table.
			t, err := routing.NewTable(id, n.space.Key(id), cfg.Client.K, n.space)
			if err != nil {
				return nil, GrowthStats{}, err
			}
			tables[id] = *t
			continue
		}
		tables[id] = *st.table
		// Its bounds lived beside the growth's node state: give them
		// memory of their own, so that the grown tables do not keep the
		// growth's states alive.
		tables[id].PlaceBoundsIn(nil)
	}
	sum := g.links.Summary()
	gw.stats.Attempts = sum.Attempts
	gw.stats.End = gw.end
	gw.stats.Events = run.Events()
	return tables, gw.stats, nil
}

// grower runs the joins of a growth on its run.
type grower struct {
	run    *Run
	net    *DHTNetwork
	rng    *rand.Rand
	growth Growth
	joined []uint32 // nodes in, in order of joining
	ops    uint64   // operations named so far
	stats  GrowthStats
	end    time.Duration
	err    error
}

// join has node id join now, or once it is online.
func (gw *grower) join(id uint32) {
	r, g := gw.run, gw.net
	if online, until := g.links.OnlineUntil(id, r.now); !online {
		// Under churn a node joins when it is next online.
		if until == 0 {
			gw.stats.Gone++ // left for good: it never joins
			return
		}
		gw.stats.Deferred++
		if err := r.At(max(until, r.now+1), func() { gw.join(id) }); err != nil {
			gw.fail(err)
		}
		return
	}
	st := g.nodes.getOrCreate(id)
	st.mu.Lock()
	t, err := g.ownTable(id, st)
	if err == nil {
		// Its bootstrap peers: nodes already in, drawn from the seed,
		// online now; a few tries each, as a node would try its list.
		for tries := 0; len(gw.joined) > 0 && t.Len() < gw.growth.Peers && tries < 8*gw.growth.Peers; tries++ {
			if p := gw.joined[gw.rng.IntN(len(gw.joined))]; g.links.Online(p, r.now) {
				t.Add(p)
			}
		}
	}
	st.mu.Unlock()
	if err != nil {
		gw.fail(err)
		return
	}
	gw.joined = append(gw.joined, id)
	if len(gw.joined) == 1 {
		return // the first node has no one to ask
	}
	gw.stats.Joins++
	gw.lookup(id, g.space.Key(id), func(res LookupResult) { gw.refresh(id, res.Closest) })
}

// refresh starts a lookup for a random key in every bucket of node id's
// table that is not full, up to the bucket of the farthest of the K closest
// peers its own lookup found (closest, nearest first); to its deepest
// non-empty bucket when it found fewer.
func (gw *grower) refresh(id uint32, closest []routing.Peer) {
	g := gw.net
	local := g.space.Key(id)
	var sizes []int
	st := g.nodes.get(id)
	st.mu.RLock()
	sizes = st.table.BucketSizes()
	st.mu.RUnlock()
	k := g.cfg.Client.K
	if len(closest) >= k {
		sizes = sizes[:min(len(sizes), hashes.CommonPrefixLen(local, closest[k-1].Key)+1)]
	}
	for b, size := range sizes {
		if size < k {
			gw.lookup(id, keyAtPrefix(local, b, gw.rng), nil)
		}
	}
}

// lookup starts a lookup of the growth now from node id: every remote it
// asks offers id to its table, and id offers every peer its answers named
// when it ends; then next runs with its result, if any.
func (gw *grower) lookup(id uint32, key hashes.Key, next func(LookupResult)) {
	r := gw.run
	if !gw.net.links.Online(id, r.now) {
		return // it went offline meanwhile: its join goes no further
	}
	gw.ops++
	p, err := r.check(lookupOp, r.now, id, key, GrowthOps+gw.ops)
	if err != nil {
		gw.fail(err)
		return
	}
	gw.stats.Lookups++
	p.onLookup = func(res LookupResult) {
		gw.end = max(gw.end, r.now)
		if next != nil {
			next(res)
		}
	}
	r.scheduleWith(p, func(op *operation) { op.learn, op.announce = true, true })
}

// fail stops the growth with err.
func (gw *grower) fail(err error) {
	if gw.err == nil {
		gw.err = err
	}
	gw.run.fail(err)
}
