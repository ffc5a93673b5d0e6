package dht

import (
	"slices"
	"time"

	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/routing"
)

// The py-dht profile runs an operation as py-dht's lookup_for_hash and
// provide_block_segment do (dht/dht.py of cortze/py-dht):
//
//   - the origin's gamma counter rises once per lookup, a remote's once per
//     request; an attempt costs 2 x base + both overheads when it connects,
//     its error delay + both overheads when it fails;
//   - requests go out until alpha are pending; then the pending one with
//     the smallest cost (ties: the earliest sent) is read, its cost is
//     added to the least loaded of alpha delay slots, its answer merged,
//     and one more request is sent, in turn;
//   - the lookup's delay is the fullest slot; requests still pending at
//     the end are never read (abandoned);
//   - a provide then stores on the Beta closest peers seen, each store
//     raising the origin's counter and the remote's, in parallel: its
//     delay is the largest store cost.
//
// This pipeline is not causal (an answer is read by its cost, not its
// arrival, and charged to a slot, not to a point in time): it exists to
// reproduce py-dht's figures. A record's times are where py-dht's slots
// put the request.

// pyPending is a request whose answer py-dht has not read yet.
type pyPending struct {
	cost   time.Duration
	peer   routing.Peer
	err    network.ErrorKind
	rec    int
	answer []routing.Peer
	value  []byte
	found  bool
}

// runPyDHT runs op to completion under the py-dht profile.
func (r *Run) runPyDHT(op *operation, seeds []routing.Peer) {
	link := &op.link
	alpha := r.cfg.Client.Alpha
	// py-dht's lookup does not read the origin's own store.
	op.value, op.localValue = nil, false
	op.lk.Start(lookupConfig(r.cfg, op), op.key, op.origin, seeds, false)
	originOverhead := link.UseEndpoint(op.origin.ID)
	op.slots = slices.Grow(op.slots[:0], alpha)[:alpha]
	clear(op.slots)
	l := &op.lk
	for {
		for len(op.pending) < alpha {
			cand, ok := l.Next()
			if !ok {
				break
			}
			r.pySend(op, cand.Peer, cand.Via, originOverhead)
		}
		if l.Done() || len(op.pending) == 0 {
			break
		}
		p := op.pending[0]
		last := len(op.pending) - 1
		copy(op.pending, op.pending[1:])
		op.pending[last] = pyPending{answer: p.answer} // its buffer, for the next request
		op.pending = op.pending[:last]
		s := leastLoaded(op.slots)
		start := op.start + op.slots[s]
		op.slots[s] += p.cost
		if rec := link.RecordAt(p.rec); rec != nil {
			rec.Start, rec.End = start, start+p.cost
		}
		if p.err == network.NoError {
			l.Answer(p.peer, p.answer, p.found)
			if p.found && op.value == nil {
				op.value = p.value
			}
		} else {
			l.Fail(p.peer)
		}
		if l.Done() {
			break
		}
	}
	// py-dht never reads what is still pending: abandoned, placed on the
	// least loaded slot.
	base := op.start + op.slots[leastLoaded(op.slots)]
	for _, p := range op.pending {
		if rec := link.RecordAt(p.rec); rec != nil {
			rec.Start, rec.End, rec.Abandoned = base, base+p.cost, true
		}
	}
	op.pending = op.pending[:0]
	op.lookupDone = true
	op.lookupEnd = op.start + slices.Max(op.slots)
	if op.kind == lookupOp {
		op.result().lres = op.lookupResult(r.net, op.lookupEnd)
		r.finish(op)
		return
	}
	r.pyStores(op)
}

// pySend sends a find request under the py-dht profile: the answer is read
// from the remote now (py-dht connects synchronously) and kept pending,
// sorted by cost, ties in the order sent (Python's stable sort).
func (r *Run) pySend(op *operation, to routing.Peer, via uint32, originOverhead time.Duration) {
	link := &op.link
	from := op.origin.ID
	remoteOverhead := link.UseEndpoint(to.ID)
	a := link.Draw(from, to.ID, op.start)
	cost := a.Base + originOverhead + remoteOverhead
	if a.Error == network.NoError {
		cost += a.Base
	}
	rec := link.AddRecord(network.Record{
		Request: network.FindRequest, From: from, To: to.ID, Via: via, Error: a.Error,
		BaseDelay: a.Base, OriginOverhead: originOverhead, RemoteOverhead: remoteOverhead,
	})
	// Grow by one, reusing the answer buffer left in the spare slot.
	n := len(op.pending)
	if n < cap(op.pending) {
		op.pending = op.pending[:n+1]
	} else {
		op.pending = append(op.pending, pyPending{})
	}
	buf := op.pending[n].answer
	i := n
	for i > 0 && op.pending[i-1].cost > cost {
		i--
	}
	copy(op.pending[i+1:], op.pending[i:n])
	p := pyPending{cost: cost, peer: to, err: a.Error, rec: rec, answer: buf[:0]}
	if a.Error == network.NoError && r.net.known(to.ID) {
		p.answer, p.value, p.found = r.net.findClosest(to, op.key, r.cfg.Client.K, p.answer)
	}
	op.pending[i] = p
}

// pyStores stores the segment on py-dht's targets, the Beta closest peers
// the lookup saw, in parallel.
func (r *Run) pyStores(op *operation) {
	link := &op.link
	from := op.origin.ID
	op.buf = op.lk.AppendSeen(op.buf[:0])
	var longest time.Duration
	for _, p := range op.buf {
		originOverhead := link.UseEndpoint(from)
		remoteOverhead := link.UseEndpoint(p.ID)
		a := link.Draw(from, p.ID, op.lookupEnd)
		cost := a.Base + originOverhead + remoteOverhead
		if a.Error == network.NoError {
			cost += a.Base
			if r.net.known(p.ID) {
				r.net.keep(p.ID, op.key, op.segment)
			}
			op.stored = append(op.stored, p.ID)
		} else {
			op.failed = append(op.failed, p.ID)
		}
		op.storeAttempts++
		link.AddRecord(network.Record{
			Request: network.StoreRequest, Start: op.lookupEnd, End: op.lookupEnd + cost,
			From: from, To: p.ID, Via: from, Error: a.Error,
			BaseDelay: a.Base, OriginOverhead: originOverhead, RemoteOverhead: remoteOverhead,
		})
		longest = max(longest, cost)
	}
	lres := op.lookupResult(r.net, op.lookupEnd)
	op.result().pres = ProvideSummary{
		Origin: from, Key: op.key, Op: link.ID(), Start: op.start,
		Lookup: lres.Summary, Stored: op.stored, Failed: op.failed,
		PeersContacted: lres.Summary.Attempts + op.storeAttempts,
		LookupDelay:    op.lookupEnd - op.start, ProvideDelay: longest,
		OperationDelay: op.lookupEnd - op.start + longest,
	}
	op.stored, op.failed = nil, nil
	r.finish(op)
}

// leastLoaded returns the first slot with the smallest load, as py-dht's
// alpha_delays.index(min(alpha_delays)).
func leastLoaded(slots []time.Duration) int {
	best := 0
	for i, d := range slots {
		if d < slots[best] {
			best = i
		}
	}
	return best
}
