package dht

import (
	"errors"
	"math"
	"sync"
	"time"

	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/routing"
)

// LookupOptions tune one lookup.
type LookupOptions struct {
	// TrackAccuracy computes the lookup's accuracy against the network-wide
	// ground truth; otherwise Accuracy is NaN.
	TrackAccuracy bool
	// StopOnFirstValue ends the lookup as soon as a peer returns the value.
	StopOnFirstValue bool
	// Op names the operation for reproducible concurrent runs (see
	// network.Network.NewOp); 0 lets the network number it.
	Op uint64
}

// LookupSummary is what a lookup measured.
type LookupSummary struct {
	Origin uint32
	Key    hashes.Key
	// Attempts counts connection attempts; Finished the requests that
	// completed (successfully or not); Successful and Failed split them.
	Attempts, Finished, Successful, Failed int
	// PeersSeen counts the distinct peers the lookup learned of.
	PeersSeen int
	// Hops is the largest hop of a peer that answered (see the package doc).
	Hops int
	// Delay is the simulated time the lookup took.
	Delay time.Duration
	// ValueFound says whether a peer returned a value for the key.
	ValueFound bool
	// StoppedOnValue says the lookup ended early because it found the value.
	StoppedOnValue bool
	// Accuracy is the share of the result among the network's true Beta
	// closest nodes, in [0, 1]; NaN when not tracked.
	Accuracy float64
}

// HasAccuracy reports whether the accuracy was computed.
func (s LookupSummary) HasAccuracy() bool { return !math.IsNaN(s.Accuracy) }

// LookupResult is the outcome of a lookup.
type LookupResult struct {
	// Closest holds the Beta closest peers seen, nearest first, leaving out
	// those that failed to answer: a peer the lookup could not reach is
	// not one it can vouch for (nor one a provide should pick).
	Closest []routing.Peer
	// Value is the value a peer returned for the key, if any.
	Value   []byte
	Summary LookupSummary
}

// Lookup searches the network for the peers closest to key and for the
// value stored under it.
func (c *Client) Lookup(key hashes.Key, opts LookupOptions) LookupResult {
	l := c.startLookup(key, opts.StopOnFirstValue, opts.Op)
	defer l.release()
	for l.Step() {
	}
	return l.result(opts.TrackAccuracy)
}

// candidate states.
const (
	untried uint8 = iota
	answered
	failed
)

type candidate struct {
	peer  routing.Peer
	hop   uint32
	state uint8
}

// lookup is the state of one lookup between two steps.
type lookup struct {
	c           *Client
	key         hashes.Key
	stopOnValue bool
	op          network.Op // owned: started with the lookup, closed by release
	beta        int
	stepsToStop int

	cands   []candidate     // every peer seen, nearest to key first
	scratch []candidate     // merge buffer, swapped with cands
	resp    []routing.Peer  // response buffer
	slots   []time.Duration // accumulated delay of each of the alpha slots
	stale   int             // successful responses in a row with no closer peer
	done    bool

	value []byte
	sum   LookupSummary
}

// lookupPool recycles lookup states and their buffers: a lookup then
// allocates nothing but its result.
var lookupPool = sync.Pool{New: func() any { return new(lookup) }}

// startLookup takes a lookup state from the pool and starts operation op
// (0: numbered by the network) for it.
func (c *Client) startLookup(key hashes.Key, stopOnValue bool, op uint64) *lookup {
	cfg := c.net.cfg.Client
	l := lookupPool.Get().(*lookup)
	c.net.links.StartOp(&l.op, op)
	l.c, l.key, l.stopOnValue = c, key, stopOnValue
	l.beta, l.stepsToStop = cfg.Beta, cfg.StepsToStop
	l.cands, l.scratch, l.resp = l.cands[:0], l.scratch[:0], l.resp[:0]
	if cap(l.slots) < cfg.Alpha {
		l.slots = make([]time.Duration, cfg.Alpha)
	}
	l.slots = l.slots[:cfg.Alpha]
	clear(l.slots)
	l.stale, l.done, l.value = 0, false, nil
	l.sum = LookupSummary{Origin: c.id, Key: key, Accuracy: math.NaN()}

	// The origin is a candidate like any other, already answered: its own
	// table gives the first peers, and it belongs in the result when it is
	// among the closest nodes to key.
	l.cands = append(l.cands, candidate{peer: routing.Peer{ID: c.id, Key: c.key}, state: answered})
	c.mu.RLock()
	l.resp = c.table.AppendClosest(l.resp, key, max(cfg.K, cfg.Beta))
	value, found := c.store[key]
	c.mu.RUnlock()
	l.merge(l.resp, 1)
	if found {
		l.sum.ValueFound, l.value = true, value
		if stopOnValue {
			l.sum.StoppedOnValue, l.done = true, true
		}
	}
	return l
}

// release closes the lookup's operation and returns the state to the pool.
func (l *lookup) release() {
	l.op.Close()
	l.c, l.value = nil, nil
	lookupPool.Put(l)
}

// Step sends one request to the closest untried peer and reports whether the
// lookup goes on.
func (l *lookup) Step() bool {
	if l.done {
		return false
	}
	i := l.nextUntried()
	if i < 0 {
		l.done = true
		return false
	}
	cand := &l.cands[i]
	slot := l.leastLoadedSlot()
	l.sum.Attempts++
	conn, err := l.op.Connect(l.c.id, cand.peer.ID, l.slots[slot])
	var cost time.Duration
	if err != nil {
		cost = failedDelay(err)
		cand.state = failed
		l.sum.Failed++
	} else {
		cost = 2 * conn.Delay // the connection, then the request over it
		cand.state = answered
		hop := cand.hop
		l.sum.Successful++
		l.sum.Hops = max(l.sum.Hops, int(hop))
		var value []byte
		var found bool
		l.resp, value, found = conn.FindClosest(l.key, l.resp[:0])
		if l.merge(l.resp, hop+1) {
			l.stale = 0
		} else {
			l.stale++
		}
		if found && !l.sum.ValueFound {
			l.sum.ValueFound, l.value = true, value
		}
		if found && l.stopOnValue {
			l.sum.StoppedOnValue = true
			l.done = true
		}
		if l.stale >= l.stepsToStop {
			l.done = true
		}
	}
	l.slots[slot] += cost
	l.sum.Finished++
	return !l.done
}

// failedDelay returns the simulated time a failed attempt took. The link
// layer fails only with *network.ConnError; anything else is a broken
// invariant.
func failedDelay(err error) time.Duration {
	var ce *network.ConnError
	if !errors.As(err, &ce) {
		panic("dht: link layer returned a foreign error: " + err.Error())
	}
	return ce.Delay
}

// nextUntried returns the index of the closest untried candidate, or -1.
func (l *lookup) nextUntried() int {
	for i := range l.cands {
		if l.cands[i].state == untried {
			return i
		}
	}
	return -1
}

func (l *lookup) leastLoadedSlot() int {
	best := 0
	for s, d := range l.slots {
		if d < l.slots[best] {
			best = s
		}
	}
	return best
}

// merge adds peers (sorted nearest to key first, as tables answer) to the
// candidates at the given hop, skipping peers already seen. It reports
// whether a new peer entered the Beta closest candidates that have not
// failed.
func (l *lookup) merge(peers []routing.Peer, hop uint32) bool {
	out := l.scratch[:0]
	improved := false
	live := 0 // candidates in out that have not failed
	i, j := 0, 0
	for i < len(l.cands) || j < len(peers) {
		var c int
		switch {
		case j == len(peers):
			c = -1
		case i == len(l.cands):
			c = 1
		default:
			c = routing.ComparePeers(l.key, l.cands[i].peer, peers[j])
		}
		switch {
		case c > 0:
			if live < l.beta {
				improved = true
			}
			out = append(out, candidate{peer: peers[j], hop: hop})
			live++
			j++
		default: // c < 0, or c == 0: seen before
			if l.cands[i].state != failed {
				live++
			}
			out = append(out, l.cands[i])
			i++
			if c == 0 {
				j++
			}
		}
	}
	l.cands, l.scratch = out, l.cands
	return improved
}

// result finishes the lookup's summary.
func (l *lookup) result(trackAccuracy bool) LookupResult {
	for _, d := range l.slots {
		l.sum.Delay = max(l.sum.Delay, d)
	}
	l.sum.PeersSeen = len(l.cands) - 1 // all but the origin
	closest := make([]routing.Peer, 0, min(l.beta, len(l.cands)))
	for _, cand := range l.cands {
		if len(closest) == l.beta {
			break
		}
		if cand.state != failed {
			closest = append(closest, cand.peer)
		}
	}
	if trackAccuracy {
		l.sum.Accuracy = accuracy(closest, l.c.net.ClosestNodes(l.key, l.beta))
	}
	return LookupResult{Closest: closest, Value: l.value, Summary: l.sum}
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
