package network

import (
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// Whether a node is online at a simulated time is a pure function of the
// network's seed, the node's id and the time: each node draws its sessions
// and downtimes from a random stream of its own, starting in steady state
// at time 0 (churn.Model.Start), and its permanent departure, if any, from
// the same stream. So a node's state never depends on what else ran, and
// nothing is kept for a node until an attempt reaches it.

// liveShards spreads the lives over independently locked maps.
const liveShards = 64

// life is what is known of one node's sessions: the period that holds
// from..until, and its random stream for the periods after.
type life struct {
	rng         rand.PCG
	online      bool
	from, until time.Duration // until == 0: never changes
	departs     time.Duration // the node leaves for good then; MaxInt64 never
	// ahead is the furthest period replayed so far, kept when a look back
	// (a new run from time 0) restarts the replay: the draws are the same,
	// so once the replay reaches it, it jumps there instead of drawing the
	// periods again. A node then costs one draw per period of the longest
	// time looked at, however many runs look back.
	ahead *life
}

type lives struct {
	shards [liveShards]struct {
		mu sync.Mutex // guards m and the lives in it
		m  map[uint32]*life
	}
	mu    sync.Mutex // guards joins
	joins map[uint32]time.Duration
	// anyJoin is set once a node has joined: until then joined answers
	// without taking mu, which every attempt would otherwise contend on.
	anyJoin atomic.Bool
}

// SetEpoch makes the network's time 0 the time epoch of its nodes' lives:
// a network grown by joins starts where its growth ended, with every node
// in the session or downtime it had then. Call it before any operation.
func (n *Network) SetEpoch(epoch time.Duration) { n.epoch.Store(int64(max(0, epoch))) }

// Epoch returns the time of the nodes' lives at the network's time 0.
func (n *Network) Epoch() time.Duration { return time.Duration(n.epoch.Load()) }

// lifeTime returns the time of the nodes' lives at the network's time at.
func (n *Network) lifeTime(at time.Duration) time.Duration {
	e := time.Duration(n.epoch.Load())
	if e == 0 {
		return at
	}
	if at > math.MaxInt64-e {
		return math.MaxInt64
	}
	return at + e
}

// Joined records that node id joined the network at simulated time at: it
// is offline before, and starts a session then (not in steady state).
func (n *Network) Joined(id uint32, at time.Duration) {
	at = n.lifeTime(at)
	n.lives.mu.Lock()
	if n.lives.joins == nil {
		n.lives.joins = map[uint32]time.Duration{}
	}
	n.lives.joins[id] = at
	n.lives.anyJoin.Store(true)
	n.lives.mu.Unlock()
	sh := &n.lives.shards[id%liveShards]
	sh.mu.Lock()
	delete(sh.m, id)
	sh.mu.Unlock()
}

// joined returns when node id joined, if it joined after the start.
func (n *Network) joined(id uint32) (time.Duration, bool) {
	if !n.lives.anyJoin.Load() {
		return 0, false
	}
	n.lives.mu.Lock()
	defer n.lives.mu.Unlock()
	at, ok := n.lives.joins[id]
	return at, ok
}

// Online reports whether node id is online at simulated time at: with no
// churn and no departures, always; otherwise by the node's own draws.
func (n *Network) Online(id uint32, at time.Duration) bool {
	online, _ := n.OnlineUntil(id, at)
	return online
}

// OnlineUntil reports whether node id is online at simulated time at, and
// until when it stays so: the network's time its state next changes, or
// 0 when it never does (no churn, a core node, or a node gone for good).
func (n *Network) OnlineUntil(id uint32, at time.Duration) (bool, time.Duration) {
	e := time.Duration(n.epoch.Load())
	at = n.lifeTime(at)
	if !n.cfg.Dynamic() {
		if born, ok := n.joined(id); ok {
			if at < born {
				return false, born - e
			}
		}
		return true, 0
	}
	sh := &n.lives.shards[id%liveShards]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	l := sh.m[id]
	if l == nil || at < l.from {
		// First look, or a look back before the known period (a new run
		// from time 0): replay the node's draws from the start, keeping
		// the furthest period known to jump to.
		if sh.m == nil {
			sh.m = map[uint32]*life{}
		}
		old := l
		l = n.newLife(id)
		if old != nil {
			l.ahead = old
			if old.ahead != nil && old.ahead.from > old.from {
				l.ahead = old.ahead
			}
			old.ahead = nil
		}
		sh.m[id] = l
	}
	if at >= l.departs {
		return false, 0
	}
	if a := l.ahead; a != nil && at >= a.from {
		*l = *a // the same draws, replayed already
	}
	r := rand.New(&l.rng)
	for l.until != 0 && at >= l.until {
		l.online = !l.online
		l.from = l.until
		next := n.cfg.Churn.Next(r, l.online)
		if next <= 0 {
			l.until = 0
			break
		}
		l.until += next
	}
	until := l.until
	if l.departs < math.MaxInt64 && (until == 0 || l.departs < until) && l.online {
		until = l.departs
	}
	if until != 0 {
		until -= e
	}
	return l.online, until
}

// newLife draws node id's state at time 0 (or when it joined) and its
// departure.
func (n *Network) newLife(id uint32) *life {
	l := &life{rng: *rand.NewPCG(n.root^0x6c69766573, uint64(id)), departs: math.MaxInt64}
	r := rand.New(&l.rng)
	born, joined := n.joined(id)
	if rate := n.cfg.LeaveRate; rate > 0 {
		hours := r.ExpFloat64() / rate
		if hours < float64((math.MaxInt64-born)/time.Hour) {
			l.departs = born + time.Duration(hours*float64(time.Hour))
		}
	}
	if joined {
		// A newcomer is offline until it joins, then starts a session.
		l.online, l.from = false, 0
		l.until = born
		if born == 0 {
			l.online, l.until = true, n.cfg.Churn.Next(r, true)
		}
		return l
	}
	var remaining time.Duration
	l.online, remaining = n.cfg.Churn.Start(r)
	l.until = remaining // 0: never changes
	return l
}
