package lookup

import (
	"fmt"
	"math"
	"slices"

	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/routing"
)

// Rule is a termination rule (see the package documentation).
type Rule uint8

// The termination rules. Default, the zero value, is the rule of the
// configuration's profile: Beta under go-dht's own model, the Kademlia
// paper's (dht.Config reads it as PyDHT under the py-dht profile). A Lookup
// started with Default runs Beta.
const (
	Default Rule = iota
	Stale
	PyDHT
	Beta
	KClosest
)

var ruleNames = [...]string{Default: "default", Stale: "stale", PyDHT: "pydht", Beta: "beta", KClosest: "kclosest"}

// String returns the rule's name, as ParseRule reads it.
func (r Rule) String() string {
	if int(r) < len(ruleNames) {
		return ruleNames[r]
	}
	return fmt.Sprintf("Rule(%d)", uint8(r))
}

// Rules returns the names of the four rules (Default, which stands for
// one of them, left out).
func Rules() []string { return slices.Clone(ruleNames[1:]) }

// ParseRule reads a rule's name: default, stale, pydht, beta or kclosest.
func ParseRule(s string) (Rule, error) {
	for r, name := range ruleNames {
		if s == name {
			return Rule(r), nil
		}
	}
	return 0, fmt.Errorf("termination rule %q: allowed default, stale, pydht, beta, kclosest", s)
}

// Valid reports whether r is Default or one of the four rules.
func (r Rule) Valid() bool { return r <= KClosest }

// Reason says why a lookup ended.
type Reason uint8

// The reasons a lookup ends; Running while it goes on.
const (
	Running Reason = iota
	ReasonStale
	ReasonPyDHT
	ReasonBeta
	ReasonKClosest
	ReasonValue
	ReasonStarved
	// ReasonTimeout ends a lookup that its caller's timeout cut short
	// (Expire): its requests in flight are abandoned.
	ReasonTimeout
)

var reasonNames = [...]string{Running: "running", ReasonStale: "stale", ReasonPyDHT: "pydht",
	ReasonBeta: "beta", ReasonKClosest: "kclosest", ReasonValue: "value", ReasonStarved: "starved",
	ReasonTimeout: "timeout"}

// String returns the reason's name as the lookups CSV writes it.
func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("Reason(%d)", uint8(r))
}

// reasonOf is the reason a rule ends with.
var reasonOf = [...]Reason{Stale: ReasonStale, PyDHT: ReasonPyDHT, Beta: ReasonBeta, KClosest: ReasonKClosest}

// State is the state of a candidate.
type State uint8

// The states of a candidate.
const (
	Heard State = iota
	Waiting
	Answered
	Failed
)

var stateNames = [...]string{Heard: "heard", Waiting: "waiting", Answered: "answered", Failed: "failed"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// Candidate is a peer the lookup knows of.
type Candidate struct {
	Peer routing.Peer
	// Via is the id of the peer whose answer introduced this one.
	Via uint32
	// Hop is 0 for the origin, 1 for its table peers, h+1 for peers
	// introduced by a peer at hop h (at most 65,535: a lookup of more hops
	// than that would be a broken network). 16 bits keep a candidate in 24
	// bytes: a DAS slot holds millions of lookups at once.
	Hop   uint16
	State State
}

// Config holds a lookup's parameters. The caller validates them (package
// dht does): Alpha, Beta, K and Steps are at least 1.
type Config struct {
	// Alpha is the number of requests in flight at most.
	Alpha int
	// Beta is the size of the result.
	Beta int
	// K is the size of the k-closest set of the KClosest rule.
	K int
	// Steps is the number of stale answers in a row that ends a lookup
	// under the Stale and PyDHT rules.
	Steps int
	// Rule is the termination rule.
	Rule Rule
	// StopOnValue ends the lookup at the first answer that carries a
	// value.
	StopOnValue bool
	// FollowUp, when above 0, follows the lookup up once its rule ends it
	// (or it starves), as go-libp2p-kad-dht does: every candidate among
	// the FollowUp closest not known to have failed that was never asked
	// is asked, all at once, and the lookup is over when every request in
	// flight has come back. Their answers mark their peers answered but
	// bring no new candidate. A lookup that ends at a value is not
	// followed up.
	FollowUp int
	// Result says which candidates make the result (AppendResult).
	Result ResultRule
	// Avoid, when not nil, names peers the lookup never takes as
	// candidates: the seeds and answers that hold them are merged without
	// them (a retry that skips the peers an earlier attempt waited for in
	// vain).
	Avoid func(id uint32) bool
}

// ResultRule says which candidates make a lookup's result.
type ResultRule uint8

// The result rules.
const (
	// ResultAnswered is the Beta closest candidates that answered (go-dht,
	// the Kademlia paper): the peers the lookup can vouch for.
	ResultAnswered ResultRule = iota
	// ResultNotFailed is the K closest candidates not known to have
	// failed, asked or not (go-libp2p-kad-dht's result: peers heard of,
	// waiting or queried; its follow-up then asks the unasked ones).
	ResultNotFailed
	// ResultSeen is the K closest candidates whatever their state
	// (go-ethereum's: nodes that failed stay in the result).
	ResultSeen
)

// Lookup is the state of one lookup. The zero Lookup is unusable: call
// Start. A Lookup may be reused: Start resets it and keeps its buffers.
type Lookup struct {
	cfg      Config
	key      hashes.Key
	origin   routing.Peer
	cands    []Candidate    // nearest to key first
	inserts  []int32        // merge buffer: where new peers go
	newPeers []routing.Peer // merge buffer: the new peers
	heard    int            // no heard candidate before this index

	inFlight, attempts, answered, failed int
	hops                                 int
	// following says the lookup is over by its rule but its follow-up
	// (Config.FollowUp) still runs.
	following bool
	// frozen is the result as it stood when the rule ended a lookup that
	// follows up: go-libp2p-kad-dht builds its result then, and the
	// follow-up does not change it.
	frozen     []routing.Peer
	stale      int    // stale answers in a row
	farthest   uint64 // PyDHT: largest distance seen, origin excluded
	valueFound bool
	reason     Reason
}

// Start begins a lookup for key from origin, whose routing table gave
// seeds (its closest peers to key, nearest first). localValue says the
// origin holds the value itself: a lookup that stops at the first value is
// then over before it asks anyone.
func (l *Lookup) Start(cfg Config, key hashes.Key, origin routing.Peer, seeds []routing.Peer, localValue bool) {
	if cfg.Rule == Default {
		cfg.Rule = Beta
	}
	*l = Lookup{cfg: cfg, key: key, origin: origin, cands: l.cands[:0], inserts: l.inserts[:0], newPeers: l.newPeers[:0]}
	if cfg.FollowUp > 0 {
		l.frozen = l.frozen[:0] // kept empty but not nil: frozen at the end
	}
	l.cands = append(l.cands, Candidate{Peer: origin, Via: origin.ID, State: Answered})
	l.merge(seeds, 1, origin.ID)
	l.valueFound = localValue
	if localValue && cfg.StopOnValue {
		l.end(ReasonValue)
		return
	}
	l.checkRule()
}

// Key returns the key looked up.
func (l *Lookup) Key() hashes.Key { return l.key }

// Origin returns the node that runs the lookup.
func (l *Lookup) Origin() routing.Peer { return l.origin }

// Next returns the next candidate to ask, the closest heard one, and marks
// it waiting. ok is false when there is nothing to ask now: the lookup is
// over, Alpha requests are in flight, or no candidate is heard (then the
// lookup is starved once nothing is in flight either; under the PyDHT rule
// at once). During a follow-up it hands out every unasked candidate of the
// follow-up set, whatever is in flight, and ends the follow-up once none
// is left and nothing is in flight.
func (l *Lookup) Next() (c Candidate, ok bool) {
	if l.following {
		return l.nextFollowUp()
	}
	if l.reason != Running || l.inFlight >= l.cfg.Alpha {
		return Candidate{}, false
	}
	for l.heard < len(l.cands) && l.cands[l.heard].State != Heard {
		l.heard++
	}
	if l.heard == len(l.cands) {
		if l.inFlight == 0 || l.cfg.Rule == PyDHT {
			l.end(ReasonStarved)
			if l.following {
				return l.nextFollowUp()
			}
		}
		return Candidate{}, false
	}
	cand := &l.cands[l.heard]
	cand.State = Waiting
	l.inFlight++
	l.attempts++
	return *cand, true
}

// nextFollowUp hands out the next unasked candidate of the follow-up set:
// the FollowUp closest candidates not known to have failed.
func (l *Lookup) nextFollowUp() (Candidate, bool) {
	n := 0
	for i := range l.cands {
		if n == l.cfg.FollowUp {
			break
		}
		switch l.cands[i].State {
		case Failed:
			continue
		case Heard:
			l.cands[i].State = Waiting
			l.inFlight++
			l.attempts++
			return l.cands[i], true
		}
		n++
	}
	if l.inFlight == 0 {
		l.following = false
	}
	return Candidate{}, false
}

// Answer feeds the answer of peer p, which must be waiting: its closest
// peers to the key (nearest first, as a routing table answers) and whether
// it holds the value. The peers are copied; the caller may reuse the slice.
func (l *Lookup) Answer(p routing.Peer, peers []routing.Peer, value bool) {
	i := l.waiting(p)
	cand := &l.cands[i]
	cand.State = Answered
	hop := cand.Hop
	l.inFlight--
	l.answered++
	l.hops = max(l.hops, int(hop))
	if l.reason != Running {
		// An answer that arrives after the end (during a follow-up)
		// changes nothing but its peer's state.
		l.inserts = l.inserts[:0]
		return
	}
	improved, closer := l.merge(peers, min(hop, math.MaxUint16-1)+1, p.ID)
	if value {
		l.valueFound = true
		if l.cfg.StopOnValue {
			l.end(ReasonValue)
			return
		}
	}
	switch l.cfg.Rule {
	case Stale, PyDHT:
		fresh := improved
		if l.cfg.Rule == PyDHT {
			fresh = closer
		}
		if fresh {
			l.stale = 0
		} else if l.stale++; l.stale >= l.cfg.Steps {
			l.end(reasonOf[l.cfg.Rule])
			return
		}
	}
	l.checkRule()
}

// Fail feeds the failure of the request to peer p, which must be waiting:
// its place in flight is free again.
func (l *Lookup) Fail(p routing.Peer) {
	i := l.waiting(p)
	l.cands[i].State = Failed
	l.inFlight--
	l.failed++
	if l.reason == Running {
		l.checkRule()
	}
}

// search returns the index of the first candidate from lo on that is not
// nearer to the key than p, and whether it is p. The peers of an answer
// come nearest first and land close to one another, so it gallops from lo
// (1, 2, 4, ... ahead) before it bisects. (Hand-written: the closure of
// slices.BinarySearchFunc allocated on every call.)
func (l *Lookup) search(lo int, p routing.Peer) (int, bool) {
	d := uint64(p.Key ^ l.key)
	before := func(i int) bool {
		c := l.cands[i].Peer
		cd := uint64(c.Key ^ l.key)
		return cd < d || cd == d && c.ID < p.ID
	}
	hi := len(l.cands)
	for step := 1; lo+step-1 < hi; step *= 2 {
		if !before(lo + step - 1) {
			hi = lo + step - 1
			break
		}
		lo += step
	}
	for lo < hi {
		if mid := int(uint(lo+hi) >> 1); before(mid) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, lo < len(l.cands) && l.cands[lo].Peer == p
}

// waiting returns the index of candidate p, which must be waiting.
func (l *Lookup) waiting(p routing.Peer) int {
	i, found := l.search(0, p)
	if !found || l.cands[i].State != Waiting {
		panic(fmt.Sprintf("lookup: outcome for peer %d, which was not asked", p.ID))
	}
	return i
}

// checkRule ends the lookup when a state-based rule (Beta, KClosest) holds.
// When every candidate has answered or failed before the rule's set is
// full (a network smaller than Beta or K), nothing is left to ask: the
// lookup is starved, and says so.
func (l *Lookup) checkRule() {
	switch l.cfg.Rule {
	case Beta:
		live := 0
		for i := range l.cands {
			if live == l.cfg.Beta {
				break
			}
			switch l.cands[i].State {
			case Failed:
				continue
			case Answered:
				live++
			default:
				return
			}
		}
		if live < l.cfg.Beta {
			l.end(ReasonStarved)
			return
		}
		l.end(ReasonBeta)
	case KClosest:
		for i := range l.cands[:min(l.cfg.K, len(l.cands))] {
			if s := l.cands[i].State; s != Answered && s != Failed {
				return
			}
		}
		if len(l.cands) < l.cfg.K {
			l.end(ReasonStarved)
			return
		}
		l.end(ReasonKClosest)
	}
}

// Expire ends the lookup at its caller's timeout: a running lookup ends
// with ReasonTimeout; a follow-up that still runs is cut short, the
// lookup keeping the reason its rule ended it with (and the result it had
// then). Requests in flight stay counted in InFlight: they are abandoned.
// It reports whether the lookup was still going (a lookup already Done is
// left as it is).
func (l *Lookup) Expire() bool {
	switch {
	case l.reason == Running:
		l.reason = ReasonTimeout
		return true
	case l.following:
		l.following = false
		return true
	}
	return false
}

// end ends the lookup with reason r; a lookup with a follow-up that its
// rule or starvation ends goes on with the follow-up.
func (l *Lookup) end(r Reason) {
	l.reason = r
	l.following = l.cfg.FollowUp > 0 && r != ReasonValue
	if l.following {
		l.frozen = l.appendResult(l.frozen[:0])
	}
}

// merge adds peers (nearest to key first) to the candidates at the given
// hop, introduced by via, skipping peers already known. It reports whether
// a new peer entered the Beta closest candidates not known to have failed
// (the Stale rule's progress), and whether a new peer is nearer than the
// farthest peer seen before this answer (the PyDHT rule's progress).
//
// Late in a lookup most peers of an answer are known already and the new
// ones land far down the list, so the merge finds the new peers by binary
// search, then moves only the candidates after the first insertion, from
// the back, in place.
func (l *Lookup) merge(peers []routing.Peer, hop uint16, via uint32) (improved, closer bool) {
	ins := l.inserts[:0] // for each new peer, its index among the old candidates
	lo := 0
	for _, p := range peers {
		if l.cfg.Avoid != nil && l.cfg.Avoid(p.ID) {
			continue
		}
		i, found := l.search(lo, p)
		lo = i
		if found {
			continue
		}
		// Peers within one answer are distinct and sorted; a duplicate
		// would be a broken table, and is skipped all the same.
		if n := len(ins); n > 0 && l.newPeers[n-1] == p {
			continue
		}
		ins = append(ins, int32(i))
		l.newPeers = append(l.newPeers[:len(ins)-1], p)
	}
	l.inserts = ins
	if len(ins) == 0 {
		return false, false
	}
	// The nearest new peer ranks first among the new ones: it is progress
	// when fewer than Beta live candidates precede it.
	live := 0
	for i := range l.cands[:int(ins[0])] {
		if l.cands[i].State != Failed {
			if live++; live >= l.cfg.Beta {
				break
			}
		}
	}
	improved = live < l.cfg.Beta
	for j := range ins {
		d := uint64(l.newPeers[j].Key ^ l.key)
		closer = closer || d < l.farthest
	}
	for j := range ins {
		l.farthest = max(l.farthest, uint64(l.newPeers[j].Key^l.key))
	}
	// Grow by the new peers and merge from the back.
	n, m := len(l.cands), len(ins)
	if n+m > cap(l.cands) {
		// Room for this answer and one more of K peers, not twice the
		// list: a DAS slot holds millions of lookups at once, each with a
		// few dozen candidates.
		grown := make([]Candidate, n, n+m+l.cfg.K)
		copy(grown, l.cands)
		l.cands = grown
	}
	l.cands = l.cands[:n+m]
	k, i := n+m-1, n-1
	for j := m - 1; j >= 0; j-- {
		for i >= int(ins[j]) {
			l.cands[k] = l.cands[i]
			k--
			i--
		}
		l.cands[k] = Candidate{Peer: l.newPeers[j], Hop: hop, Via: via}
		k--
	}
	l.heard = min(l.heard, int(ins[0]))
	return improved, closer
}

// Fresh returns the peers the last Answer (or Start) merged that the
// lookup did not know before, nearest to the key first: what the origin
// learned from that answer. The slice is the lookup's own: read it before
// the next call.
func (l *Lookup) Fresh() []routing.Peer { return l.newPeers[:len(l.inserts)] }

// Done reports whether the lookup is over, its follow-up included.
func (l *Lookup) Done() bool { return l.reason != Running && !l.following }

// FollowingUp reports whether the lookup's rule has ended it and its
// follow-up runs.
func (l *Lookup) FollowingUp() bool { return l.following }

// Reason returns why the lookup ended, or Running.
func (l *Lookup) Reason() Reason { return l.reason }

// InFlight returns the number of requests asked and not yet answered or
// failed; once the lookup is over, they are abandoned.
func (l *Lookup) InFlight() int { return l.inFlight }

// Counts returns the requests the lookup made: attempts (every Next),
// answered, failed. Attempts - answered - failed are in flight (abandoned
// once it is over).
func (l *Lookup) Counts() (attempts, answered, failed int) {
	return l.attempts, l.answered, l.failed
}

// Hops returns the largest hop of a peer that answered.
func (l *Lookup) Hops() int { return l.hops }

// ValueFound reports whether an answer (or the origin's own store) held
// the value.
func (l *Lookup) ValueFound() bool { return l.valueFound }

// Seen returns the number of peers the lookup learned of, the origin not
// included.
func (l *Lookup) Seen() int { return len(l.cands) - 1 }

// Candidates returns the candidates, nearest first. The slice is the
// lookup's own: read it before the next call.
func (l *Lookup) Candidates() []Candidate { return l.cands }

// AppendResult appends the result to dst, nearest first, as Config.Result
// says: the Beta closest candidates that answered (ResultAnswered), or the
// K closest not known to have failed (ResultNotFailed), or the K closest
// whatever their state (ResultSeen); the origin among them when it is that
// close. A lookup that follows up (Config.FollowUp) keeps the result it
// had when its rule ended it: the follow-up does not change it (a peer of
// it may then have failed).
func (l *Lookup) AppendResult(dst []routing.Peer) []routing.Peer {
	if l.cfg.FollowUp > 0 && l.reason != Running && l.reason != ReasonValue {
		return append(dst, l.frozen...)
	}
	return l.appendResult(dst)
}

// appendResult appends the result as the candidates stand now.
func (l *Lookup) appendResult(dst []routing.Peer) []routing.Peer {
	size := l.cfg.Beta
	if l.cfg.Result != ResultAnswered {
		size = l.cfg.K
	}
	n := 0
	for i := range l.cands {
		if n == size {
			break
		}
		switch st := l.cands[i].State; {
		case st == Answered,
			l.cfg.Result == ResultNotFailed && st != Failed,
			l.cfg.Result == ResultSeen:
			dst = append(dst, l.cands[i].Peer)
			n++
		}
	}
	return dst
}

// AppendSeen appends the Beta closest candidates other than the origin,
// whatever their state, to dst, nearest first: py-dht's result, which
// keeps peers that failed or were never asked.
func (l *Lookup) AppendSeen(dst []routing.Peer) []routing.Peer {
	n := 0
	for i := range l.cands {
		if n == l.cfg.Beta {
			break
		}
		if l.cands[i].Peer.ID != l.origin.ID {
			dst = append(dst, l.cands[i].Peer)
			n++
		}
	}
	return dst
}
