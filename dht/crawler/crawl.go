package crawler

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/network/clock"
	"github.com/go-dht/go-dht/routing"
)

// Output says where a crawl's results go besides its Summary. Every field
// is optional; callbacks run on the crawl's goroutine, in the order of the
// clock.
type Output struct {
	// Visits receives the visits CSV (VisitsHeader, then a row per visit as
	// it ends).
	Visits io.Writer
	// Edges receives the edges CSV (EdgesHeader, then a row per distinct
	// peer of each visit's answers, as the visit ends).
	Edges io.Writer
	// OnVisit receives every visit as it ends.
	OnVisit func(Visit)
	// OnAnswer receives every answer of a visit that connected, as the
	// visit ends: the visited peer, the common prefix length i of the
	// request, its key and the peers of the answer, nearest first (which
	// may be reused after the call: copy to keep).
	OnAnswer func(peer uint32, prefix int, key hashes.Key, answer []routing.Peer)
	// Progress receives a snapshot of the crawl every ProgressInterval of
	// wall time, and its summary at the end.
	Progress Progress
	// ProgressInterval is the wall time between two snapshots; 0 means
	// DefaultProgressInterval.
	ProgressInterval time.Duration
}

// DefaultProgressInterval is the default wall time between two progress
// snapshots: often enough for a live display, rare enough to cost
// nothing.
const DefaultProgressInterval = 200 * time.Millisecond

// Crawl crawls net from opts.Bootstrap on a clock of simulated time and
// returns its summary. Visits, edges, answers and progress go to out as
// the crawl runs. A cancelled context stops the crawl: the summary then
// holds what was done so far (visits in flight are abandoned) and the
// error is the context's. An invalid option is a *network.ConfigError.
func Crawl(ctx context.Context, net *dht.DHTNetwork, opts Options, out Output) (Summary, error) {
	opts = opts.WithDefaults()
	if err := opts.Validate(net.Len()); err != nil {
		return Summary{}, err
	}
	c := newCrawl(net, opts, out)
	c.run(ctx)
	s := c.summary()
	if out.Progress != nil {
		out.Progress.Finish(s)
	}
	return s, c.err
}

// crawl is the state of one crawl. One goroutine owns it.
type crawl struct {
	net   *dht.DHTNetwork
	links *network.Network
	opts  Options
	out   Output
	k     int
	n     int

	q     clock.Queue[int32] // visit ends, by slot
	now   time.Duration
	slots []slot
	free  []int32 // free slots, the last freed on top

	// queue holds every peer found, in the order found; the peers from
	// head on wait for a visit.
	queue []entry
	head  int
	found []uint64 // bit per node
	// reached marks the nodes whose visit ended ok.
	reached []uint64
	// stamp holds, per node, 1 + the id of the last visited peer whose
	// answers named it: a visit's edges are distinct without a set per
	// visit.
	stamp []uint32

	onlineStart []uint64 // bit per node, under churn only

	// counters
	ended     int // visits ended
	abandoned int // visits in flight when the crawl stopped
	byOutcome [numOutcomes]int
	attempts  int
	edges     int64
	inFlight  int
	maxFlight int
	events    uint64

	vcsv *VisitsCSV
	ecsv *EdgesCSV

	wallStart    time.Time
	lastProgress time.Time
	err          error
}

// entry is a peer found, with the peer whose answer introduced it.
type entry struct{ peer, via uint32 }

// slot is a place in flight: the visit that holds it.
type slot struct {
	op       network.Op // the visit's operation; closed when the visit ends
	peer     uint32
	via      uint32
	start    time.Duration
	attempts uint8
	outcome  Outcome // of the attempt in flight
	rec      int     // index of the attempt's record in op
}

func newCrawl(net *dht.DHTNetwork, opts Options, out Output) *crawl {
	n := net.Len()
	c := &crawl{
		net: net, links: net.Links(), opts: opts, out: out,
		k: net.Config().Client.K, n: n,
		found: make([]uint64, (n+63)/64), reached: make([]uint64, (n+63)/64),
		stamp: make([]uint32, n),
		now:   opts.Start,
	}
	if out.ProgressInterval <= 0 {
		c.out.ProgressInterval = DefaultProgressInterval
	}
	seed := net.Config().Network.Seed
	if out.Visits != nil {
		c.vcsv = NewVisitsCSV(out.Visits, opts.Op, seed)
	}
	if out.Edges != nil {
		c.ecsv = NewEdgesCSV(out.Edges)
	}
	return c
}

// run crawls until nothing is queued or in flight, the context is done or
// an error stops it.
func (c *crawl) run(ctx context.Context) {
	c.wallStart = time.Now()
	c.lastProgress = c.wallStart
	if c.links.Config().Dynamic() {
		// The nodes online at the start, read before any attempt: a node's
		// state is a function of its own draws and the time, but reading
		// it in time order spares replays.
		c.onlineStart = make([]uint64, len(c.found))
		for id := range c.n {
			if c.links.Online(uint32(id), c.opts.Start) {
				c.onlineStart[id/64] |= 1 << (id % 64)
			}
		}
	}
	for _, id := range c.opts.Bootstrap {
		c.discover(id, Origin)
	}
	c.fill()
	for c.err == nil && c.q.Len() > 0 {
		if c.events&1023 == 0 {
			if err := ctx.Err(); err != nil {
				c.err = err
				break
			}
			c.progress()
		}
		c.step()
	}
	if c.err != nil {
		c.abandon()
	}
	c.flush()
}

// step processes the next visit end.
func (c *crawl) step() {
	at, s := c.q.Pop()
	c.now = at
	c.events++
	sl := &c.slots[s]
	if sl.outcome != OK && int(sl.attempts) <= c.opts.Retries {
		c.attempt(s) // a retry keeps the visit's place
		return
	}
	c.end(s)
	c.fill()
}

// discover queues peer, introduced by via, unless it was found before.
func (c *crawl) discover(peer, via uint32) bool {
	w, bit := peer/64, uint64(1)<<(peer%64)
	if c.found[w]&bit != 0 {
		return false
	}
	c.found[w] |= bit
	c.queue = append(c.queue, entry{peer: peer, via: via})
	return true
}

// fill starts visits while places are free and peers wait.
func (c *crawl) fill() {
	for c.err == nil && c.inFlight < c.opts.InFlight && c.head < len(c.queue) {
		e := c.queue[c.head]
		c.head++
		c.start(e)
	}
}

// start starts the visit of e.peer now, in a free place.
func (c *crawl) start(e entry) {
	var s int32
	if k := len(c.free); k > 0 {
		s, c.free = c.free[k-1], c.free[:k-1]
	} else {
		s = int32(len(c.slots))
		c.slots = append(c.slots, slot{})
	}
	sl := &c.slots[s]
	if err := c.links.StartOp(&sl.op, c.opts.Op+uint64(e.peer)); err != nil {
		c.fail(fmt.Errorf("crawler: visit of node %d: %w", e.peer, err))
		c.free = append(c.free, s)
		return
	}
	sl.peer, sl.via, sl.start, sl.attempts = e.peer, e.via, c.now, 0
	c.inFlight++
	c.maxFlight = max(c.maxFlight, c.inFlight)
	c.attempt(s)
}

// attempt draws an attempt of the visit in slot s at the current time and
// schedules its end (see the package doc for the model).
func (c *crawl) attempt(s int32) {
	sl := &c.slots[s]
	a := sl.op.Draw(Origin, sl.peer, c.now)
	sl.attempts++
	c.attempts++
	cost, abandoned := a.Cost(), false
	switch a.Error {
	case network.NoError:
		sl.outcome = OK // the set-up, then a round trip
	case network.FastError:
		sl.outcome = Refused
	case network.Offline:
		sl.outcome = Offline
	default: // slow error, no such node, undialable, a flaky node silent
		sl.outcome = Timeout
	}
	if cost > c.opts.Timeout {
		if sl.outcome == OK {
			// The answers would come too late: the crawler gives up.
			sl.outcome, abandoned = Timeout, true
		}
		cost = c.opts.Timeout
	}
	end, ok := clock.Add(c.now, cost)
	if !ok {
		c.fail(fmt.Errorf("%w: visit of node %d at %v", dht.ErrTimeOverflow, sl.peer, c.now))
	}
	sl.rec = sl.op.AddRecord(network.Record{
		Request: network.CrawlRequest, Start: c.now, End: end, From: Origin, To: sl.peer, Via: sl.via,
		Error: a.Error, BaseDelay: a.Base, Setup: a.Setup, Abandoned: abandoned,
	})
	c.q.Push(end, s)
}

// end ends the visit in slot s: its answers, if it connected, then its
// visit record; its place becomes free.
func (c *crawl) end(s int32) {
	sl := &c.slots[s]
	v := Visit{Peer: sl.peer, Via: sl.via, Start: sl.start, End: c.now, Outcome: sl.outcome, Attempts: sl.attempts, Slot: s}
	if sl.outcome == OK {
		c.reached[sl.peer/64] |= 1 << (sl.peer % 64)
		v.Returned, v.Learned = c.answer(sl)
	}
	sl.op.Close()
	c.free = append(c.free, s)
	c.inFlight--
	c.ended++
	c.byOutcome[v.Outcome]++
	c.edges += int64(v.Returned)
	if c.vcsv != nil {
		if err := c.vcsv.Write(v); err != nil {
			c.fail(fmt.Errorf("crawler: visits CSV: %w", err))
		}
	}
	if c.out.OnVisit != nil {
		c.out.OnVisit(v)
	}
}

// answer reads the answers of the visit in sl, which connected: for each
// common prefix length i, the k peers of its table nearest to a key that
// shares exactly i leading bits with its key. It streams the visit's
// edges and queues the peers found first here.
func (c *crawl) answer(sl *slot) (returned, learned uint32) {
	client, err := c.net.Client(sl.peer)
	if err != nil {
		// Draw connects only to nodes of the network.
		panic("crawler: a visit connected to an unknown node: " + err.Error())
	}
	local := client.Key()
	// A peer is visited once, so its id (+1: 0 is "never") marks the peers
	// its answers named.
	mark := sl.peer + 1
	for i := range c.opts.Requests {
		key := keyAtPrefix(local, i, sl.op.Uint64())
		ans := client.Closest(key, c.k)
		if c.out.OnAnswer != nil {
			c.out.OnAnswer(sl.peer, i, key, ans)
		}
		for _, p := range ans {
			if int64(p.ID) >= int64(c.n) || c.stamp[p.ID] == mark {
				continue // a node added since the crawl started, or named before
			}
			c.stamp[p.ID] = mark
			returned++
			if c.ecsv != nil {
				if err := c.ecsv.Write(sl.peer, p.ID); err != nil {
					c.fail(fmt.Errorf("crawler: edges CSV: %w", err))
				}
			}
			if c.discover(p.ID, sl.peer) {
				learned++
			}
		}
	}
	return returned, learned
}

// keyAtPrefix returns a key that shares exactly i (< 64) leading bits with
// k, its bits after bit i taken from r.
func keyAtPrefix(k hashes.Key, i int, r uint64) hashes.Key {
	low := uint64(1)<<(hashes.Bits-1-i) - 1 // the bits after the flipped one
	return k.FlipBit(i)&^hashes.Key(low) | hashes.Key(r&low)
}

// abandon ends the visits in flight when the crawl stops early: their
// attempts count, marked abandoned, but the visits do not.
func (c *crawl) abandon() {
	busy := make([]bool, len(c.slots))
	for i := range busy {
		busy[i] = true
	}
	for _, s := range c.free {
		busy[s] = false
	}
	for s, b := range busy {
		if !b {
			continue
		}
		sl := &c.slots[s]
		if r := sl.op.RecordAt(sl.rec); r != nil {
			r.Abandoned = true
		}
		sl.op.Close()
		c.free = append(c.free, int32(s))
		c.abandoned++
	}
	c.inFlight = 0
	c.q.Reset()
}

// flush flushes the CSV streams.
func (c *crawl) flush() {
	if c.vcsv != nil {
		if err := c.vcsv.Flush(); err != nil {
			c.fail(fmt.Errorf("crawler: visits CSV: %w", err))
		}
	}
	if c.ecsv != nil {
		if err := c.ecsv.Flush(); err != nil {
			c.fail(fmt.Errorf("crawler: edges CSV: %w", err))
		}
	}
}

// progress hands a snapshot to the progress reporter when the interval
// has passed since the last one.
func (c *crawl) progress() {
	if c.out.Progress == nil {
		return
	}
	now := time.Now()
	if now.Sub(c.lastProgress) < c.out.ProgressInterval {
		return
	}
	c.lastProgress = now
	c.out.Progress.Update(c.snapshot(now))
}

// snapshot returns the state of the crawl now.
func (c *crawl) snapshot(wall time.Time) Snapshot {
	return Snapshot{
		Found: len(c.queue), Visited: c.ended, OK: c.byOutcome[OK], Failed: c.ended - c.byOutcome[OK],
		Queued: len(c.queue) - c.head, InFlight: c.inFlight,
		Now: c.now - c.opts.Start, Wall: wall.Sub(c.wallStart),
	}
}

// fail stops the crawl with err (the first error wins).
func (c *crawl) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}
