package dht

import (
	"math"
	"slices"
	"sync"
	"time"

	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/routing"
)

// LookupOptions tune one lookup.
type LookupOptions struct {
	// TrackAccuracy computes the lookup's accuracy against the network-wide
	// ground truth; otherwise Accuracy is NaN. A lookup that stops at the
	// first value is after the value, not the closest peers: it has no
	// accuracy (NaN) whatever TrackAccuracy says.
	TrackAccuracy bool
	// StopOnFirstValue ends the lookup as soon as a peer returns the value
	// (a retrieval).
	StopOnFirstValue bool
	// StopOnNode looks up a node rather than a value: the key is a node's
	// key, and the lookup ends, value found, when that node answers it
	// (go-ethereum's Resolve, go-libp2p-kad-dht's FindPeer; a retrieval
	// under the discv5 profile). A node that never answers (undialable,
	// offline) is not found.
	StopOnNode bool
	// Op names the operation, 1..network.AutoOpBit-1: its random draws
	// depend only on the seed and this id, and its records carry it. 0
	// lets the network number it (from network.AutoOpBit + 1 up, below
	// 2^63: every id fits an int64).
	Op uint64
	// Start is the simulated time the operation starts, from the start of
	// the run. An isolated call (DHTNetwork.Lookup) runs alone on a clock
	// of its own, which starts at 0.
	Start time.Duration
	// Timeout, when above 0, ends the lookup at Start + Timeout if it is
	// still going: its reason is then timeout (a follow-up still running
	// is cut short, the lookup keeping its rule's reason), its requests in
	// flight are abandoned (LookupResult.Unanswered names their peers),
	// and its delay is Timeout. 0: no timeout. Not under the py-dht
	// profile, which runs an operation to completion when it starts.
	Timeout time.Duration
	// Avoid, when not nil, names peers the lookup never asks nor counts
	// among its candidates: a retry that skips the peers an earlier
	// attempt waited for in vain (LookupResult.Unanswered). It runs on the
	// run's goroutine whenever an answer is merged.
	Avoid func(id uint32) bool
}

// LookupSummary is what a lookup measured.
type LookupSummary struct {
	Origin uint32
	Key    hashes.Key
	// Op is the operation id, as in the records CSV.
	Op uint64
	// Start is when the lookup started, in simulated time from the start
	// of its run.
	Start time.Duration
	// Attempts counts requests sent. Finished counts those whose answer or
	// failure arrived before the lookup ended, split into Successful and
	// Failed; Abandoned = Attempts - Finished were still in flight.
	Attempts, Finished, Successful, Failed, Abandoned int
	// PeersSeen counts the distinct peers the lookup learned of.
	PeersSeen int
	// Hops is the largest hop of a peer that answered: peers of the
	// origin's table are at hop 1.
	Hops int
	// Delay is the simulated time from the start to the end of the lookup
	// (the termination; abandoned requests do not extend it).
	Delay time.Duration
	// ValueFound says whether a peer, or the origin itself, had the value;
	// LocalValue says the origin had it in its own store.
	ValueFound, LocalValue bool
	// Reason says why the lookup ended.
	Reason lookup.Reason
	// Accuracy is the share of the network's true closest nodes found in
	// the result, as many as the result holds (Beta; K under the amino and
	// discv5 profiles), in [0, 1]; NaN when not tracked, and for a lookup that
	// stops at the first value (a retrieval: found and hops say how it
	// went).
	Accuracy float64
}

// HasAccuracy reports whether the accuracy was computed.
func (s LookupSummary) HasAccuracy() bool { return !math.IsNaN(s.Accuracy) }

// LookupResult is the outcome of a lookup.
type LookupResult struct {
	// Closest holds the Beta closest peers that answered, nearest first
	// (the origin among them when it is that close). Under the py-dht
	// profile, py-dht's result: the Beta closest peers seen, whatever
	// their state, the origin left out.
	Closest []routing.Peer
	// Value is a copy of the value a peer returned for the key, if any.
	Value   []byte
	Summary LookupSummary
	// Unanswered lists, for a lookup that ended with reason timeout, the
	// peers whose requests were still in flight then (abandoned), in the
	// order they were asked; nil otherwise.
	Unanswered []uint32
}

// ProvideOptions tune one provide.
type ProvideOptions struct {
	// TrackAccuracy computes the accuracy of the provide's lookup.
	TrackAccuracy bool
	// Op names the operation (see LookupOptions.Op).
	Op uint64
	// Start is when the provide starts (see LookupOptions.Start).
	Start time.Duration
}

// ProvideSummary is what a provide measured.
type ProvideSummary struct {
	Origin uint32
	Key    hashes.Key
	Op     uint64
	Start  time.Duration
	// Lookup summarizes the lookup for the segment's key.
	Lookup LookupSummary
	// Stored lists the peers that stored the segment, nearest to the key
	// first. Failed lists the intended peers that did not: store targets
	// whose store failed, and peers among the Beta closest the lookup
	// contacted that failed to answer it (under the py-dht profile, store
	// failures only, as py-dht counts them). So a stored share of 100 %
	// means every intended peer stored.
	Stored, Failed []uint32
	// PeersContacted counts the attempts of the lookup and of the stores.
	PeersContacted int
	// LookupDelay is the lookup's simulated delay; ProvideDelay runs from
	// the lookup's end to the last store's end; OperationDelay is their
	// sum.
	LookupDelay, ProvideDelay, OperationDelay time.Duration
}

// StoredShare is the share of intended peers that stored the segment, in
// [0, 1]; NaN when there were none.
func (s ProvideSummary) StoredShare() float64 {
	n := len(s.Stored) + len(s.Failed)
	if n == 0 {
		return math.NaN()
	}
	return float64(len(s.Stored)) / float64(n)
}

// opKind is what an operation does.
type opKind uint8

const (
	lookupOp opKind = iota
	provideOp
)

// operation is the state of one lookup or provide on a run. It is pooled:
// a lookup allocates only its result.
type operation struct {
	kind          opKind
	origin        routing.Peer
	key           hashes.Key
	start         time.Duration
	opID          uint64 // as requested; the link op holds the id in use
	trackAccuracy bool
	stopOnValue   bool
	// findNode says the lookup's value is the node whose key it looks
	// up: its own answer holds it.
	findNode bool
	avoid    func(uint32) bool // LookupOptions.Avoid
	// learn offers every peer that answered to the origin's table when
	// the lookup ends (refresh and join lookups); announce has every
	// remote that serves the lookup offer the origin to its own table (a
	// joining node's lookup).
	learn, announce bool
	link            network.Op
	lk              lookup.Lookup
	buf             []routing.Peer // seeds, then targets
	value           []byte         // value found (a node's own: copied for the caller)
	localValue      bool
	inflight        []int32 // slots of the requests in flight
	lookupDone      bool
	lookupEnd       time.Duration

	// provide
	segment        []byte // immutable copy shared by every node that stores it
	storing        int
	stored, failed []uint32
	storeAttempts  int

	// py-dht pipeline
	slots   []time.Duration
	pending []pyPending

	onLookup  func(LookupResult)
	onProvide func(ProvideSummary)
	// out holds the result once the operation ends: apart, because a
	// slot has hundreds of thousands of operations in flight at once.
	out *opResult
	// gen tells the uses of a pooled operation apart: clear raises it, so
	// that a timeout scheduled for one use never ends the next.
	gen uint64
}

// opResult is the result of a finished operation.
type opResult struct {
	lres LookupResult
	pres ProvideSummary
}

// result returns op's result, made on first use.
func (op *operation) result() *opResult {
	if op.out == nil {
		op.out = new(opResult)
	}
	return op.out
}

var opPool = sync.Pool{New: func() any { return new(operation) }}

// reset makes op a new operation, keeping its buffers.
func (op *operation) reset(kind opKind, origin routing.Peer, key hashes.Key, start time.Duration, id uint64) {
	*op = operation{
		kind: kind, origin: origin, key: key, start: start, opID: id,
		link: op.link, lk: op.lk, gen: op.gen,
		buf: op.buf[:0], inflight: op.inflight[:0], slots: op.slots[:0], pending: op.pending[:0],
	}
}

// clear drops what op refers to; results already handed out stay valid.
// A timeout still pending for this use no longer applies.
func (op *operation) clear() {
	op.gen++
	op.value, op.segment = nil, nil
	op.onLookup, op.onProvide, op.avoid = nil, nil, nil
	if op.out != nil {
		*op.out = opResult{}
	}
	op.stored, op.failed = nil, nil
}

// release returns op to the pool.
func (op *operation) release() {
	op.clear()
	opPool.Put(op)
}

// lookupConfig returns the lookup parameters of op under cfg, with the
// profile's follow-up and result rule.
func lookupConfig(cfg Config, op *operation) lookup.Config {
	c := cfg.Client
	return lookup.Config{Alpha: c.Alpha, Beta: c.Beta, K: c.K, Steps: c.StepsToStop,
		Rule: c.Termination, StopOnValue: op.stopOnValue, FollowUp: cfg.followUp(), Result: cfg.resultRule(),
		Avoid: op.avoid}
}

// summary builds the lookup's summary once it is over, at simulated time
// end.
func (op *operation) summary(end time.Duration) LookupSummary {
	attempts, answered, failed := op.lk.Counts()
	return LookupSummary{
		Origin: op.origin.ID, Key: op.key, Op: op.link.ID(), Start: op.start,
		Attempts: attempts, Finished: answered + failed, Successful: answered, Failed: failed,
		Abandoned: attempts - answered - failed,
		PeersSeen: op.lk.Seen(), Hops: op.lk.Hops(), Delay: end - op.start,
		ValueFound: op.lk.ValueFound(), LocalValue: op.localValue, Reason: op.lk.Reason(),
		Accuracy: math.NaN(),
	}
}

// lookupResult builds the result of a finished lookup.
func (op *operation) lookupResult(net *DHTNetwork, end time.Duration) LookupResult {
	res := LookupResult{Summary: op.summary(end)}
	beta := net.cfg.Client.Beta
	if net.cfg.Profile == ProfilePyDHT {
		res.Closest = op.lk.AppendSeen(make([]routing.Peer, 0, beta))
	} else {
		res.Closest = op.lk.AppendResult(make([]routing.Peer, 0, max(beta, net.cfg.Client.K)))
	}
	if op.value != nil {
		res.Value = slices.Clone(op.value)
	}
	if op.trackAccuracy && !op.stopOnValue {
		res.Summary.Accuracy = accuracy(res.Closest, net.ClosestNodes(op.key, net.cfg.resultSize()))
	}
	return res
}

// accuracy returns the share of truth found in got.
func accuracy(got, truth []routing.Peer) float64 {
	if len(truth) == 0 {
		return 1
	}
	hits := 0
	for _, t := range truth {
		for _, g := range got {
			if g.ID == t.ID {
				hits++
				break
			}
		}
	}
	return float64(hits) / float64(len(truth))
}

// intendedFailures returns the peers among the Beta closest the lookup
// contacted (answered or failed) that failed to answer it: a provide meant
// to store on them.
func (op *operation) intendedFailures(beta int) []uint32 {
	var out []uint32
	n := 0
	for _, c := range op.lk.Candidates() {
		if n == beta {
			break
		}
		switch c.State {
		case lookup.Answered:
			n++
		case lookup.Failed:
			n++
			out = append(out, c.Peer.ID)
		}
	}
	return out
}
