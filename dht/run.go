package dht

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/network/clock"
	"github.com/go-dht/go-dht/routing"
)

// Run is one run of operations on a network, on one clock of simulated
// time. Operations start at the simulated times the caller gives and
// interleave: every request is an event when it reaches its remote (which
// answers with its state at that moment) and another when its answer or
// error comes back (which the operation merges then). With Gamma > 0, an
// attempt's overhead is Gamma times the number of other requests each
// endpoint has in flight when it starts (go-dht's load model).
//
// A Run is driven by one goroutine: Run processes events until none is
// left; callbacks (done functions, At) run on it and may schedule more
// work. The same network, seed and schedule give the same results and
// records in every run.
//
// Under the py-dht profile an operation runs to completion when it starts,
// as py-dht runs one operation at a time: its requests are placed on
// py-dht's alpha delay slots, not interleaved with other operations.
type Run struct {
	net *DHTNetwork
	cfg Config
	q   clock.Queue[event]
	now time.Duration
	// static says remote state cannot change during the run (one
	// operation alone, as DHTNetwork.Lookup runs it): a remote's answer is
	// read when the request is sent, which saves an event per request and
	// gives the same answer.
	static  bool
	load    map[uint32]int32 // requests in flight by node (go-dht load model)
	reqs    []request        // requests in flight, by slot
	free    []int32          // free slots of reqs
	timers  []func()         // At callbacks, by slot
	freeT   []int32
	expiry  []expiry // lookup timeouts (LookupOptions.Timeout), by slot
	freeX   []int32
	planned []planned // operations scheduled, by slot
	freeP   []int32
	events  uint64
	// started and finished count the operations, for progress reports.
	started, finished int
	err               error
	// ctx is the context of the Run or RunUntil call in progress: an
	// event that loops over every node (a refresh) watches it too.
	ctx context.Context
	// served counts the requests that reached each node (find and store),
	// once CountServed asked for it: the hot spots of a workload.
	served map[uint32]uint32
	// isolated runs one operation for a caller that reads its result
	// itself: the finished operation is kept in last, not released.
	isolated bool
	last     *operation
	freeOps  []*operation   // finished operations, for reuse
	scratch  []routing.Peer // an answer between findClosest and the lookup
	// keepOpen leaves the finished operation's link op open for the caller
	// to close (LookupMany hands records over in task order).
	keepOpen bool
	// maintained says Maintain was called: a second call is an error.
	maintained bool
	// bandwidth says messages have sizes and queue at each node's upload
	// and download (network.Network.Bandwidth): an answer's arrival is
	// known when the remote has sent it.
	bandwidth bool
}

type eventKind uint8

const (
	startEvent   eventKind = iota // an operation starts
	arriveEvent                   // a request reaches its remote
	replyEvent                    // an answer or error reaches the origin
	timerEvent                    // an At callback
	timeoutEvent                  // a lookup's timeout (LookupOptions.Timeout)
)

// expiry is a pending lookup timeout: the operation and the use of it
// (its gen) that the timeout is for.
type expiry struct {
	op  *operation
	gen uint64
}

// event is a value in the clock's queue: scheduling one allocates nothing.
type event struct {
	kind eventKind
	slot int32 // planned operation, request or timer slot
}

// request is a request in flight.
type request struct {
	op     *operation
	kind   network.RequestKind
	from   uint32
	to     routing.Peer
	rec    int // index of its record in op.link
	err    network.ErrorKind
	answer []routing.Peer // the remote's closest peers (find), in a static run
	// ids holds the answer's peer ids in a run with events between the
	// arrival and the reply: a quarter of the memory of peers with their
	// keys, which counts when a slot's 730,000 samples are in flight at
	// once. The keys are read back from the key space at the reply.
	ids   []uint32
	value []byte // the value the remote holds (find)
	// base and remoteOverhead are the link's one-way delay and the
	// remote's load overhead, for the reply with bandwidth on.
	base, remoteOverhead time.Duration
	found                bool
	abandoned            bool // the operation ended first: the answer is dropped
	loaded               bool // counted in Run.load
}

// NewRun returns a run on the network's shared clock, at simulated time 0.
func (n *DHTNetwork) NewRun() *Run {
	return &Run{net: n, cfg: n.cfg, bandwidth: n.links.Bandwidth()}
}

// CountServed makes the run count the requests that reach each node from
// now on (Served).
func (r *Run) CountServed() {
	if r.served == nil {
		r.served = map[uint32]uint32{}
	}
}

// Served returns the number of requests that reached each node since
// CountServed, by node id (nodes that served none are absent). Requests
// the py-dht profile runs are not counted: it has no arrival time.
func (r *Run) Served() map[uint32]uint32 { return r.served }

// Now returns the run's current simulated time.
func (r *Run) Now() time.Duration { return r.now }

// Events returns the number of events processed so far.
func (r *Run) Events() uint64 { return r.events }

// Lookup schedules a lookup for key from node from at simulated time at;
// done (which may be nil) receives its result when it ends. opts.Start is
// ignored: at is the start.
func (r *Run) Lookup(at time.Duration, from uint32, key hashes.Key, opts LookupOptions, done func(LookupResult)) error {
	p, err := r.check(lookupOp, at, from, key, opts.Op)
	if err != nil {
		return err
	}
	if t := opts.Timeout; t != 0 {
		switch _, ok := clock.Add(at, t); {
		case t < 0 || !ok:
			return fmt.Errorf("dht: lookup timeout %v: allowed 0 (none) or above 0, ending by %v", t, clock.MaxTime)
		case r.cfg.Profile == ProfilePyDHT:
			return fmt.Errorf("dht: lookup timeout %v: allowed 0 under the py-dht profile, which runs an operation to completion when it starts", t)
		}
	}
	p.trackAccuracy, p.stopOnValue, p.onLookup = opts.TrackAccuracy, opts.StopOnFirstValue || opts.StopOnNode, done
	p.findNode, p.timeout, p.avoid = opts.StopOnNode, opts.Timeout, opts.Avoid
	r.schedule(p)
	return nil
}

// Provide schedules a provide of segment from node from at simulated time
// at; done (which may be nil) receives its summary when its last store
// ends. The segment is copied: the caller may reuse its buffer.
func (r *Run) Provide(at time.Duration, from uint32, segment []byte, opts ProvideOptions, done func(ProvideSummary)) error {
	if !r.cfg.Profile.Stores() {
		return fmt.Errorf("%w: the %v profile", ErrNoStores, r.cfg.Profile)
	}
	p, err := r.check(provideOp, at, from, hashes.SegmentKey(segment), opts.Op)
	if err != nil {
		return err
	}
	p.trackAccuracy, p.onProvide = opts.TrackAccuracy, done
	p.segment = append([]byte(nil), segment...)
	r.schedule(p)
	return nil
}

// planned is an operation scheduled and not started yet. An operation's
// state (its lookup's buffers) is taken only when it starts, so that a run
// scheduling thousands of operations ahead holds state only for those in
// flight.
type planned struct {
	kind                       opKind
	origin                     routing.Peer
	key                        hashes.Key
	at                         time.Duration
	id                         uint64
	trackAccuracy, stopOnValue bool
	findNode                   bool
	segment                    []byte
	onLookup                   func(LookupResult)
	onProvide                  func(ProvideSummary)
	set                        func(*operation)
	timeout                    time.Duration     // LookupOptions.Timeout
	avoid                      func(uint32) bool // LookupOptions.Avoid
}

// scheduleWith schedules p and applies set to its operation when it
// starts (flags of maintenance lookups).
func (r *Run) scheduleWith(p planned, set func(*operation)) {
	p.set = set
	r.schedule(p)
}

// schedule keeps p until its start event.
func (r *Run) schedule(p planned) {
	r.q.Push(p.at, event{kind: startEvent, slot: putSlot(&r.planned, &r.freeP, p)})
}

// putSlot stores v in a free slot of *items, taken from *free, or in a
// new one at the end, and returns the slot: the event queue names its
// entries' payloads by slot.
func putSlot[T any](items *[]T, free *[]int32, v T) int32 {
	if k := len(*free); k > 0 {
		slot := (*free)[k-1]
		*free = (*free)[:k-1]
		(*items)[slot] = v
		return slot
	}
	*items = append(*items, v)
	return int32(len(*items) - 1)
}

// At schedules f at simulated time at, on the run's goroutine.
func (r *Run) At(at time.Duration, f func()) error {
	if err := r.checkStart(at); err != nil {
		return err
	}
	r.q.Push(at, event{kind: timerEvent, slot: r.timer(f)})
	return nil
}

// Every runs f at simulated times first, first+period, ... up to until,
// on the run's goroutine. Each run is scheduled when the previous one
// fires, so a long series costs one pending event, and it keeps the place
// that scheduling the whole series now would give it among the events of
// its time: before every event scheduled after the call to Every, after
// every event scheduled before.
func (r *Run) Every(first, period, until time.Duration, f func()) error {
	if period <= 0 {
		return fmt.Errorf("dht: Every: period %v, allowed > 0", period)
	}
	if err := r.checkStart(first); err != nil {
		return err
	}
	until = min(until, clock.MaxTime)
	if first > until {
		return nil
	}
	seq := r.q.Reserve()
	var tick func()
	tick = func() {
		at := r.now
		f()
		if next, ok := clock.Add(at, period); ok && next <= until {
			r.q.PushSeq(next, seq, event{kind: timerEvent, slot: r.timer(tick)})
		}
	}
	r.q.PushSeq(first, seq, event{kind: timerEvent, slot: r.timer(tick)})
	return nil
}

// timer stores f in a free timer slot and returns the slot.
func (r *Run) timer(f func()) int32 {
	var slot int32
	if k := len(r.freeT); k > 0 {
		slot, r.freeT = r.freeT[k-1], r.freeT[:k-1]
		r.timers[slot] = f
	} else {
		slot = int32(len(r.timers))
		r.timers = append(r.timers, f)
	}
	return slot
}

func (r *Run) checkStart(at time.Duration) error {
	if at < r.now || at > clock.MaxTime {
		return fmt.Errorf("%w: start %v, allowed %v..%v", ErrPastStart, at, r.now, clock.MaxTime)
	}
	return nil
}

// check checks an operation's arguments.
func (r *Run) check(kind opKind, at time.Duration, from uint32, key hashes.Key, id uint64) (planned, error) {
	if r == nil || r.net.usable() != nil {
		return planned{}, ErrZeroValue
	}
	if err := r.checkStart(at); err != nil {
		return planned{}, err
	}
	if !r.net.known(from) {
		return planned{}, unknownNode(from, r.net.Len())
	}
	if !r.net.bootstrapped(from) {
		return planned{}, fmt.Errorf("%w: node %d", ErrNotBootstrapped, from)
	}
	if !r.net.links.Online(from, at) {
		return planned{}, fmt.Errorf("%w: node %d at %v", ErrOffline, from, at)
	}
	if id >= network.AutoOpBit {
		return planned{}, fmt.Errorf("dht: operation id %d: allowed 1..%d, or 0 for an automatic id", id, uint64(network.AutoOpBit-1))
	}
	return planned{kind: kind, origin: routing.Peer{ID: from, Key: r.net.space.Key(from)}, key: key, at: at, id: id}, nil
}

// Run processes events until none is left, the context is done, or an
// error stops the run.
func (r *Run) Run(ctx context.Context) error {
	return r.run(ctx, clock.MaxTime)
}

// RunUntil processes the events up to simulated time t, then sets the
// clock to t (if it is later than now).
func (r *Run) RunUntil(ctx context.Context, t time.Duration) error {
	if err := r.run(ctx, t); err != nil {
		return err
	}
	r.now = max(r.now, t)
	return nil
}

func (r *Run) run(ctx context.Context, until time.Duration) error {
	r.ctx = ctx
	defer func() { r.ctx = nil }()
	report := progressOf(ctx)
	for r.err == nil && r.q.Len() > 0 && r.q.Next() <= until {
		if r.events&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if report != nil && r.events&(ProgressEvents-1) == 0 && r.events > 0 {
				report(r.progress())
			}
		}
		r.step()
	}
	if report != nil {
		report(r.progress())
	}
	return r.err
}

// step processes the next event.
func (r *Run) step() {
	at, ev := r.q.Pop()
	r.now = at
	r.events++
	switch ev.kind {
	case startEvent:
		p := r.planned[ev.slot]
		r.planned[ev.slot] = planned{}
		r.freeP = append(r.freeP, ev.slot)
		op := r.newOperation(p.kind, p.origin, p.key, p.at, p.id)
		op.trackAccuracy, op.stopOnValue, op.segment = p.trackAccuracy, p.stopOnValue, p.segment
		op.findNode, op.avoid = p.findNode, p.avoid
		op.onLookup, op.onProvide = p.onLookup, p.onProvide
		if p.set != nil {
			p.set(op)
		}
		r.started++
		if p.timeout > 0 {
			r.expireAt(p.at+p.timeout, op) // checked by Lookup: no overflow
		}
		r.startOp(op)
	case arriveEvent:
		req := &r.reqs[ev.slot]
		if r.served != nil {
			r.served[req.to.ID]++ // an abandoned request still reaches its remote
		}
		if !req.abandoned {
			r.serve(req)
		}
		if r.bandwidth {
			r.sendReply(ev.slot)
		}
	case replyEvent:
		r.reply(ev.slot)
	case timerEvent:
		f := r.timers[ev.slot]
		r.timers[ev.slot] = nil
		r.freeT = append(r.freeT, ev.slot)
		f()
	case timeoutEvent:
		x := r.expiry[ev.slot]
		r.expiry[ev.slot] = expiry{}
		r.freeX = append(r.freeX, ev.slot)
		// The operation may have ended (and been reused) since: only the
		// use the timeout is for, still in its lookup, is ended.
		if x.op.gen == x.gen && !x.op.lookupDone && x.op.lk.Expire() {
			r.endLookup(x.op)
		}
	}
}

// expireAt schedules the timeout of op's lookup at time at.
func (r *Run) expireAt(at time.Duration, op *operation) {
	slot := putSlot(&r.expiry, &r.freeX, expiry{op: op, gen: op.gen})
	r.q.Push(at, event{kind: timeoutEvent, slot: slot})
}

// fail stops the run with err (the first error wins).
func (r *Run) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// startOp starts an operation: its link op, its lookup's first requests.
func (r *Run) startOp(op *operation) {
	if err := r.net.links.StartOp(&op.link, op.opID); err != nil {
		r.fail(err)
		r.release(op)
		return
	}
	// The seeds go through the run's scratch buffer: the lookup copies
	// them, and an operation that kept them would hold k peers for as
	// long as it runs.
	var seeds []routing.Peer
	seeds, op.value, op.localValue = r.net.findClosest(op.origin, op.key, r.cfg.Client.K, r.scratch[:0])
	r.scratch = seeds
	op.lk.Start(lookupConfig(r.cfg, op), op.key, op.origin, seeds, op.localValue)
	if r.cfg.Profile == ProfilePyDHT {
		r.runPyDHT(op, seeds)
		return
	}
	r.pump(op)
}

// pump sends the requests the lookup asks for, then ends the lookup phase
// when the lookup is over.
func (r *Run) pump(op *operation) {
	for {
		c, ok := op.lk.Next()
		if !ok {
			break
		}
		r.send(op, network.FindRequest, c.Peer, c.Via)
	}
	if op.lk.Done() && !op.lookupDone {
		r.endLookup(op)
	}
}

// send starts a request of op to peer to at the current time: the link
// layer draws its outcome and delay, the load model its overheads.
func (r *Run) send(op *operation, kind network.RequestKind, to routing.Peer, via uint32) {
	from := op.origin.ID
	a := op.link.Draw(from, to.ID, r.now)
	var oo, ro time.Duration
	loaded := false
	if g := r.cfg.Network.Gamma; g > 0 {
		if r.load == nil {
			r.load = map[uint32]int32{}
		}
		oo = g * time.Duration(r.load[from])
		ro = g * time.Duration(r.load[to.ID])
		r.load[from]++
		r.load[to.ID]++
		loaded = true
	}
	cost := a.Cost() + oo + ro // the set-up and a round trip, or the error delay
	end, ok := clock.Add(r.now, cost)
	if !ok {
		r.fail(fmt.Errorf("%w: operation %d at %v", ErrTimeOverflow, op.link.ID(), r.now))
	}
	if r.bandwidth && a.Error == network.NoError {
		end = r.now // known when the answer is sent (sendReply)
	}
	rec := op.link.AddRecord(network.Record{
		Request: kind, Start: r.now, End: end, From: from, To: to.ID, Via: via, Error: a.Error,
		BaseDelay: a.Base, Setup: a.Setup, OriginOverhead: oo, RemoteOverhead: ro,
	})
	slot := r.newRequest()
	req := &r.reqs[slot]
	req.op, req.kind, req.from, req.to, req.rec, req.err, req.loaded = op, kind, from, to, rec, a.Error, loaded
	req.base, req.remoteOverhead = a.Base, ro
	switch {
	case a.Error != network.NoError:
		r.q.Push(end, event{kind: replyEvent, slot: slot})
	case r.bandwidth:
		// The request takes its place in the origin's upload and the
		// remote's download after the set-up; the answer is sized and
		// queued when the remote has it (serve).
		sizes := r.net.links.Sizes()
		size := sizes.FindRequestSize()
		if kind == network.StoreRequest {
			size = sizes.StoreSize(len(op.segment))
		}
		arrive := r.net.links.Transfer(from, to.ID, size, r.now+a.Setup+oo, a.Base)
		r.q.Push(arrive, event{kind: arriveEvent, slot: slot})
	case r.static:
		if r.served != nil {
			r.served[to.ID]++
		}
		r.serve(req)
		r.q.Push(end, event{kind: replyEvent, slot: slot})
	default:
		r.q.Push(r.now+a.Arrival(), event{kind: arriveEvent, slot: slot})
		r.q.Push(end, event{kind: replyEvent, slot: slot})
	}
	op.inflight = append(op.inflight, slot)
}

// sendReply queues the answer to a request that reached its remote (with
// bandwidth on): sized by what it carries, it leaves the remote's upload
// after the remote's overhead and arrives through the origin's download.
func (r *Run) sendReply(slot int32) {
	req := &r.reqs[slot]
	sizes := r.net.links.Sizes()
	size := sizes.AckSize()
	switch {
	case req.kind == network.StoreRequest:
	case req.abandoned:
		// The remote does not know its answer is no longer awaited: it
		// sends a full one, which takes its bandwidth all the same.
		size = sizes.AnswerSize(r.cfg.Client.K, 0)
	default:
		peers := len(req.ids)
		if r.static {
			peers = len(req.answer)
		}
		value := 0
		if req.found {
			value = len(req.value)
		}
		size = sizes.AnswerSize(peers, value)
	}
	done := r.net.links.Transfer(req.to.ID, req.from, size, r.now+req.remoteOverhead, req.base)
	if done < r.now || done > clock.MaxTime {
		r.fail(fmt.Errorf("%w: reply at %v", ErrTimeOverflow, r.now))
		done = r.now
	}
	if !req.abandoned {
		if rec := req.op.link.RecordAt(req.rec); rec != nil {
			rec.End = done
		}
	}
	r.q.Push(done, event{kind: replyEvent, slot: slot})
}

// newRequest returns a free request slot, reset but keeping its answer
// buffer.
func (r *Run) newRequest() int32 {
	var slot int32
	switch k := len(r.free); {
	case k > 0:
		slot, r.free = r.free[k-1], r.free[:k-1]
	case len(r.reqs) < cap(r.reqs):
		// A slot of an earlier use of this run: keep its answer buffer.
		slot = int32(len(r.reqs))
		r.reqs = r.reqs[:slot+1]
	default:
		slot = int32(len(r.reqs))
		r.reqs = append(r.reqs, request{})
	}
	req := &r.reqs[slot]
	*req = request{answer: req.answer[:0], ids: req.ids[:0]}
	return slot
}

// serve has the remote handle a request that reached it: a find-closest
// reads its table and store now; a store keeps the value now.
func (r *Run) serve(req *request) {
	id := req.to.ID
	if !r.net.known(id) {
		return
	}
	op := req.op
	switch req.kind {
	case network.FindRequest:
		if r.static {
			req.answer, req.value, req.found = r.net.answerFind(req.to, op.key, r.cfg.Client.K, req.answer[:0])
		} else {
			r.scratch, req.value, req.found = r.net.answerFind(req.to, op.key, r.cfg.Client.K, r.scratch[:0])
			if cap(req.ids) < len(r.scratch) {
				req.ids = make([]uint32, 0, max(len(r.scratch), r.cfg.Client.K))
			}
			for _, p := range r.scratch {
				req.ids = append(req.ids, p.ID)
			}
		}
		if op.announce {
			// Kademlia: a node that hears from a newcomer offers it to
			// its own table.
			r.net.offer(id, op.origin.ID)
		}
	case network.StoreRequest:
		r.net.keep(id, op.key, op.segment)
	}
}

// reply delivers the answer or error of a request to its operation.
func (r *Run) reply(slot int32) {
	req := &r.reqs[slot]
	if req.loaded {
		r.unload(req.from)
		r.unload(req.to.ID)
	}
	op := req.op
	if req.kind == network.FindRequest {
		// The origin learns how the request went even when its lookup no
		// longer waits for it: a timeout still marks the peer.
		r.net.noteOutcome(req.from, req.to.ID, req.err != network.NoError)
	}
	if req.abandoned {
		r.freeRequest(slot)
		return
	}
	for i, s := range op.inflight {
		if s == slot {
			op.inflight = append(op.inflight[:i], op.inflight[i+1:]...)
			break
		}
	}
	switch req.kind {
	case network.FindRequest:
		if req.err == network.NoError {
			answer := req.answer
			if !r.static {
				keys := r.net.space.Keys()
				r.scratch = r.scratch[:0]
				for _, id := range req.ids {
					r.scratch = append(r.scratch, routing.Peer{ID: id, Key: keys[id]})
				}
				answer = r.scratch
			}
			if op.findNode && req.to.Key == op.key {
				req.found = true // the node looked up answered: found
			}
			op.lk.Answer(req.to, answer, req.found)
			if op.learn {
				// The origin learns as it hears: the peers this answer
				// named first, in the order answers arrive.
				r.net.learn(op.origin.ID, op.lk.Fresh())
			}
			if req.found && op.value == nil {
				op.value = req.value
			}
		} else {
			op.lk.Fail(req.to)
		}
		r.freeRequest(slot)
		r.pump(op)
	case network.StoreRequest:
		if req.err == network.NoError {
			op.stored = append(op.stored, req.to.ID)
		} else {
			op.failed = append(op.failed, req.to.ID)
		}
		r.freeRequest(slot)
		if op.storing--; op.storing == 0 {
			r.endProvide(op)
		}
	}
}

func (r *Run) unload(id uint32) {
	if r.load[id]--; r.load[id] == 0 {
		delete(r.load, id)
	}
}

func (r *Run) freeRequest(slot int32) {
	r.reqs[slot].op = nil
	r.reqs[slot].value = nil
	r.free = append(r.free, slot)
}

// endLookup ends the lookup phase of op: requests still in flight are
// abandoned; a lookup is done, a provide sends its stores.
func (r *Run) endLookup(op *operation) {
	op.lookupDone = true
	op.lookupEnd = r.now
	var unanswered []uint32
	timedOut := op.kind == lookupOp && op.lk.Reason() == lookup.ReasonTimeout
	for _, slot := range op.inflight {
		req := &r.reqs[slot]
		req.abandoned = true
		if timedOut {
			unanswered = append(unanswered, req.to.ID)
		}
		if rec := op.link.RecordAt(req.rec); rec != nil {
			rec.Abandoned = true
			if r.bandwidth && req.err == network.NoError && rec.End == rec.Start {
				// Its answer's arrival is known only once the remote
				// sends it: the record ends when it was abandoned.
				rec.End = r.now
			}
		}
	}
	op.inflight = op.inflight[:0]
	if op.kind == lookupOp {
		op.result().lres = op.lookupResult(r.net, r.now)
		op.out.lres.Unanswered = unanswered
		r.finish(op)
		return
	}
	r.sendStores(op)
}

// sendStores sends the stores of a provide, in parallel, to the Beta
// closest peers that answered its lookup; the origin, when among them,
// stores at once.
func (r *Run) sendStores(op *operation) {
	origin := op.origin.ID
	if r.cfg.resultRule() == lookup.ResultAnswered {
		// The result holds only peers that answered: the intended peers
		// the lookup found failed count as failed stores.
		op.failed = op.intendedFailures(r.cfg.Client.Beta)
	}
	op.buf = op.lk.AppendResult(op.buf[:0])
	for _, p := range op.buf {
		if p.ID == origin {
			r.net.keep(origin, op.key, op.segment)
			op.stored = append(op.stored, origin)
			continue
		}
		op.storing++
		op.storeAttempts++
		r.send(op, network.StoreRequest, p, origin)
	}
	if op.storing == 0 {
		r.endProvide(op)
	}
}

// endProvide completes a provide once its last store has ended.
func (r *Run) endProvide(op *operation) {
	lres := op.lookupResult(r.net, op.lookupEnd)
	sortByDistance(op.stored, op.failed, op.key, r.net)
	op.result().pres = ProvideSummary{
		Origin: op.origin.ID, Key: op.key, Op: op.link.ID(), Start: op.start,
		Lookup: lres.Summary, Stored: op.stored, Failed: op.failed,
		PeersContacted: lres.Summary.Attempts + op.storeAttempts,
		LookupDelay:    op.lookupEnd - op.start, ProvideDelay: r.now - op.lookupEnd,
		OperationDelay: r.now - op.start,
	}
	op.stored, op.failed = nil, nil // handed to the summary
	r.finish(op)
}

// finish closes op's link operation (handing over its records), hands its
// result to its callback and returns it to the pool, unless the caller of
// an isolated run reads the result itself.
func (r *Run) finish(op *operation) {
	r.finished++
	if !r.keepOpen {
		op.link.Close()
	}
	if r.isolated {
		r.last = op
		return
	}
	switch op.kind {
	case lookupOp:
		if op.onLookup != nil {
			op.onLookup(op.out.lres)
		}
	case provideOp:
		if op.onProvide != nil {
			op.onProvide(op.out.pres)
		}
	}
	r.release(op)
}

// newOperation takes an operation from the run's free list, or from the
// pool: a run with many operations in flight keeps their buffers (the
// lookups' candidate lists) across them, where the pool would hand the
// garbage collector a fresh set every cycle.
func (r *Run) newOperation(kind opKind, origin routing.Peer, key hashes.Key, start time.Duration, id uint64) *operation {
	var op *operation
	if k := len(r.freeOps); k > 0 {
		op, r.freeOps = r.freeOps[k-1], r.freeOps[:k-1]
	} else {
		op = opPool.Get().(*operation)
	}
	op.reset(kind, origin, key, start, id)
	return op
}

// release returns a finished operation to the run's free list.
func (r *Run) release(op *operation) {
	op.clear()
	r.freeOps = append(r.freeOps, op)
}

// sortByDistance sorts two lists of node ids nearest to key first.
func sortByDistance(a, b []uint32, key hashes.Key, net *DHTNetwork) {
	keys := net.space.Keys()
	for _, ids := range [][]uint32{a, b} {
		slices.SortFunc(ids, func(x, y uint32) int {
			return routing.ComparePeers(key, routing.Peer{ID: x, Key: keys[x]}, routing.Peer{ID: y, Key: keys[y]})
		})
	}
}
