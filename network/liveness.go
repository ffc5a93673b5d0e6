package network

import (
	"math"
	"math/rand/v2"
	"sync"
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
}

type lives struct {
	shards [liveShards]struct {
		mu sync.Mutex // guards m and the lives in it
		m  map[uint32]*life
	}
}

// Online reports whether node id is online at simulated time at: with no
// churn and no departures, always; otherwise by the node's own draws.
func (n *Network) Online(id uint32, at time.Duration) bool {
	if !n.cfg.Dynamic() {
		return true
	}
	sh := &n.lives.shards[id%liveShards]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	l := sh.m[id]
	if l == nil || at < l.from {
		// First look, or a look back before the known period (a new run
		// from time 0): replay the node's draws from the start.
		if sh.m == nil {
			sh.m = map[uint32]*life{}
		}
		l = n.newLife(id)
		sh.m[id] = l
	}
	if at >= l.departs {
		return false
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
	return l.online
}

// newLife draws node id's state at time 0 and its departure.
func (n *Network) newLife(id uint32) *life {
	l := &life{rng: *rand.NewPCG(n.root^0x6c69766573, uint64(id)), departs: math.MaxInt64}
	r := rand.New(&l.rng)
	if rate := n.cfg.LeaveRate; rate > 0 {
		hours := r.ExpFloat64() / rate
		if hours < float64(math.MaxInt64/int64(time.Hour)) {
			l.departs = time.Duration(hours * float64(time.Hour))
		}
	}
	var remaining time.Duration
	l.online, remaining = n.cfg.Churn.Start(r)
	l.until = remaining // 0: never changes
	return l
}
