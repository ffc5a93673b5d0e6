package lookup_test

import (
	"testing"

	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/routing"
)

// The tests look up key 0 among peers whose id is their key, so a peer's
// distance to the key is its id: peer 3 is nearer than peer 5. The origin
// has key 1000.

const key = hashes.Key(0)

var origin = routing.Peer{ID: 1000, Key: 1000}

func p(id uint32) routing.Peer { return routing.Peer{ID: id, Key: hashes.Key(id)} }

func peers(ids ...uint32) []routing.Peer {
	out := make([]routing.Peer, len(ids))
	for i, id := range ids {
		out[i] = p(id)
	}
	return out
}

func cfg(rule lookup.Rule) lookup.Config {
	return lookup.Config{Alpha: 2, Beta: 2, K: 3, Steps: 2, Rule: rule}
}

func start(t *testing.T, c lookup.Config, seeds ...uint32) *lookup.Lookup {
	t.Helper()
	var l lookup.Lookup
	l.Start(c, key, origin, peers(seeds...), false)
	return &l
}

// next asks for the next request and checks it goes to want.
func next(t *testing.T, l *lookup.Lookup, want uint32) lookup.Candidate {
	t.Helper()
	c, ok := l.Next()
	if !ok {
		t.Fatalf("Next: nothing to ask (reason %v, %d in flight), want peer %d", l.Reason(), l.InFlight(), want)
	}
	if c.Peer.ID != want {
		t.Fatalf("Next asked peer %d, want %d", c.Peer.ID, want)
	}
	return c
}

func none(t *testing.T, l *lookup.Lookup) {
	t.Helper()
	if c, ok := l.Next(); ok {
		t.Fatalf("Next asked peer %d, want nothing", c.Peer.ID)
	}
}

func wantEnd(t *testing.T, l *lookup.Lookup, r lookup.Reason) {
	t.Helper()
	if l.Reason() != r {
		t.Fatalf("reason %v, want %v", l.Reason(), r)
	}
}

// The first requests go to the alpha closest table peers; no more than
// alpha are in flight; a failure frees a place, which goes to the next
// closest heard peer.
func TestFirstRequestsAreAlphaClosest(t *testing.T) {
	l := start(t, cfg(lookup.Stale), 5, 7, 9, 30) // a table answers nearest first
	c := next(t, l, 5)
	if c.Hop != 1 || c.Via != origin.ID || c.State != lookup.Waiting {
		t.Fatalf("table peer: %+v, want hop 1 via the origin, waiting", c)
	}
	next(t, l, 7)
	none(t, l) // alpha = 2 in flight
	l.Fail(p(5))
	next(t, l, 9)
	if a, ans, f := l.Counts(); a != 3 || ans != 0 || f != 1 || l.InFlight() != 2 {
		t.Fatalf("counts %d %d %d, %d in flight; want 3 attempts, 1 failed, 2 in flight", a, ans, f, l.InFlight())
	}
}

// An answer is merged when it arrives: a nearer peer it brings is asked
// before the farther peers of the table, at the answerer's hop + 1, via
// the answerer.
func TestAnswerBringsNearerPeerFirst(t *testing.T) {
	l := start(t, cfg(lookup.Stale), 5, 7, 9)
	next(t, l, 5)
	next(t, l, 7)
	l.Answer(p(7), peers(2, 9, 11), false)
	c := next(t, l, 2)
	if c.Hop != 2 || c.Via != 7 {
		t.Fatalf("peer 2: hop %d via %d, want hop 2 via 7", c.Hop, c.Via)
	}
	if l.Seen() != 5 {
		t.Fatalf("seen %d, want 5 (2, 5, 7, 9, 11)", l.Seen())
	}
	l.Answer(p(2), peers(1), false)
	c = next(t, l, 1)
	if c.Hop != 3 || c.Via != 2 {
		t.Fatalf("peer 1: hop %d via %d, want 3 via 2", c.Hop, c.Via)
	}
	if l.Hops() != 2 {
		t.Fatalf("hops %d, want 2 (peer 2 answered at hop 2)", l.Hops())
	}
}

// Stale: the lookup ends after Steps answers in a row that bring no new
// peer into the Beta closest non-failed candidates; an answer that does
// resets the count. Requests in flight at the end are abandoned.
func TestStaleRule(t *testing.T) {
	l := start(t, cfg(lookup.Stale), 5, 7, 9, 11)
	next(t, l, 5)
	next(t, l, 7)
	l.Answer(p(5), peers(20, 21), false) // nothing in the 2 closest: stale 1
	next(t, l, 9)
	l.Answer(p(7), peers(3), false) // 3 enters the 2 closest: reset
	next(t, l, 3)
	l.Answer(p(9), peers(22), false) // stale 1
	next(t, l, 11)
	if l.Done() {
		t.Fatal("ended after one stale answer")
	}
	l.Answer(p(3), nil, false) // stale 2 = Steps
	wantEnd(t, l, lookup.ReasonStale)
	none(t, l)
	if l.InFlight() != 1 {
		t.Fatalf("%d in flight at the end, want 1 (peer 11, abandoned)", l.InFlight())
	}
	res := l.AppendResult(nil)
	if len(res) != 2 || res[0].ID != 3 || res[1].ID != 5 {
		t.Fatalf("result %v, want the 2 closest that answered: 3, 5", res)
	}
}

// Failed peers do not hold a place among the Beta closest: a new peer that
// takes the place of a failed one is progress.
func TestStaleRuleIgnoresFailedPeers(t *testing.T) {
	l := start(t, cfg(lookup.Stale), 2, 3, 9)
	next(t, l, 2)
	next(t, l, 3)
	l.Fail(p(2))
	next(t, l, 9)
	l.Answer(p(3), peers(8), false) // 8 is 2nd among non-failed (3, 8): progress
	l.Answer(p(9), nil, false)      // stale 1
	if l.Done() {
		t.Fatalf("ended: %v", l.Reason())
	}
}

// PyDHT: the count resets only when an answer brings a new peer nearer
// than the farthest peer seen so far, and the lookup is starved as soon
// as no heard candidate is left, with answers still in flight.
func TestPyDHTRule(t *testing.T) {
	l := start(t, cfg(lookup.PyDHT), 5, 7, 9)
	next(t, l, 5)
	next(t, l, 7)
	l.Answer(p(5), peers(30), false) // 30 is farther than 9: stale 1
	next(t, l, 9)
	l.Answer(p(7), peers(8), false) // 8 < 30 and new: reset
	next(t, l, 8)
	l.Answer(p(9), peers(40), false) // stale 1
	next(t, l, 30)
	l.Answer(p(8), peers(50), false) // stale 2 = Steps
	wantEnd(t, l, lookup.ReasonPyDHT)

	c := cfg(lookup.PyDHT)
	c.Steps = 5
	l = start(t, c, 5, 7, 9)
	next(t, l, 5)
	next(t, l, 7)
	l.Answer(p(5), nil, false)
	next(t, l, 9)
	l.Answer(p(7), nil, false)
	// 9 is in flight, nothing is heard: py-dht stops and leaves it unread.
	none(t, l)
	wantEnd(t, l, lookup.ReasonStarved)
	if l.InFlight() != 1 {
		t.Fatalf("%d in flight, want 1 abandoned", l.InFlight())
	}
}

// Beta: the lookup ends when the Beta closest candidates not known to have
// failed have all answered; a failure can complete the condition.
func TestBetaRule(t *testing.T) {
	l := start(t, cfg(lookup.Beta), 3, 4, 9)
	next(t, l, 3)
	next(t, l, 4)
	l.Answer(p(3), nil, false)
	if l.Done() {
		t.Fatal("ended with peer 4 in flight")
	}
	next(t, l, 9)
	l.Fail(p(4)) // the 2 closest non-failed are now 3 and 9
	if l.Done() {
		t.Fatal("ended with peer 9 in flight")
	}
	l.Answer(p(9), nil, false)
	wantEnd(t, l, lookup.ReasonBeta)
	if a, ans, f := l.Counts(); a != 3 || ans != 2 || f != 1 {
		t.Fatalf("counts %d %d %d", a, ans, f)
	}
}

// KClosest: the lookup ends when the K closest candidates have all answered
// or failed; heard candidates farther away are not asked.
func TestKClosestRule(t *testing.T) {
	c := cfg(lookup.KClosest)
	c.Alpha = 3
	l := start(t, c, 1, 2, 3, 50, 60)
	next(t, l, 1)
	next(t, l, 2)
	next(t, l, 3)
	l.Answer(p(1), nil, false)
	l.Fail(p(2))
	if l.Done() {
		t.Fatal("ended with peer 3 in flight")
	}
	l.Answer(p(3), nil, false)
	wantEnd(t, l, lookup.ReasonKClosest)
	none(t, l)
}

// A lookup that stops at the first value ends on the answer that holds
// it, with the requests in flight abandoned; one that does not stop notes
// the value and goes on.
func TestStopOnValue(t *testing.T) {
	c := cfg(lookup.Stale)
	c.StopOnValue = true
	l := start(t, c, 5, 7)
	next(t, l, 5)
	next(t, l, 7)
	l.Answer(p(7), peers(1), true)
	wantEnd(t, l, lookup.ReasonValue)
	if !l.ValueFound() || l.InFlight() != 1 {
		t.Fatalf("value %v, %d in flight; want true, 1", l.ValueFound(), l.InFlight())
	}
	c.StopOnValue = false
	l = start(t, c, 5, 7)
	next(t, l, 5)
	l.Answer(p(5), peers(1), true)
	if l.Done() || !l.ValueFound() {
		t.Fatalf("done %v, value %v; want going on with the value noted", l.Done(), l.ValueFound())
	}
	next(t, l, 1)
}

// The origin's own store is checked first: a lookup that stops at the
// first value and whose origin holds it asks no one.
func TestLocalValue(t *testing.T) {
	c := cfg(lookup.Stale)
	c.StopOnValue = true
	var l lookup.Lookup
	l.Start(c, key, origin, peers(5), true)
	wantEnd(t, &l, lookup.ReasonValue)
	none(t, &l)
	if a, _, _ := l.Counts(); a != 0 || !l.ValueFound() {
		t.Fatalf("%d attempts, value %v", a, l.ValueFound())
	}
}

// With no heard candidate and nothing in flight, the lookup is starved;
// an empty table starves it at once. Under go-dht's rules a lookup with
// requests in flight waits for them instead.
func TestStarved(t *testing.T) {
	l := start(t, cfg(lookup.Stale))
	none(t, l)
	wantEnd(t, l, lookup.ReasonStarved)

	l = start(t, cfg(lookup.Stale), 5, 7)
	next(t, l, 5)
	next(t, l, 7)
	l.Fail(p(5))
	none(t, l) // 7 in flight: wait
	if l.Done() {
		t.Fatal("starved with a request in flight")
	}
	l.Fail(p(7))
	none(t, l)
	wantEnd(t, l, lookup.ReasonStarved)
	if res := l.AppendResult(nil); len(res) != 1 || res[0] != origin {
		t.Fatalf("result %v, want the origin alone (every peer failed)", res)
	}
}

// The result is the Beta closest candidates that answered, the origin
// among them when it is near; AppendSeen is py-dht's result: the Beta
// closest other than the origin, whatever their state.
func TestResults(t *testing.T) {
	near := routing.Peer{ID: 1000, Key: 4} // an origin near the key
	c := cfg(lookup.Stale)
	c.Beta = 3
	var l lookup.Lookup
	l.Start(c, key, near, peers(2, 6, 8), false)
	next(t, &l, 2)
	next(t, &l, 6)
	l.Fail(p(2))
	l.Answer(p(6), nil, false)
	got := l.AppendResult(nil)
	if len(got) != 2 || got[0] != near || got[1].ID != 6 {
		t.Fatalf("result %v, want the origin (key 4) then 6", got)
	}
	seen := l.AppendSeen(nil)
	if len(seen) != 3 || seen[0].ID != 2 || seen[1].ID != 6 || seen[2].ID != 8 {
		t.Fatalf("seen %v, want 2 6 8", seen)
	}
}

// Feeding an outcome for a peer that was not asked is a driver bug: it
// panics rather than corrupting the lookup.
func TestOutcomeOfUnaskedPeerPanics(t *testing.T) {
	l := start(t, cfg(lookup.Stale), 5)
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	l.Answer(p(5), nil, false)
}

// Start reuses the buffers of an earlier lookup and forgets its state.
func TestStartResets(t *testing.T) {
	l := start(t, cfg(lookup.Stale), 5, 7)
	next(t, l, 5)
	l.Answer(p(5), peers(1, 2, 3), true)
	l.Start(cfg(lookup.Beta), key, origin, peers(9), false)
	if l.Done() || l.Seen() != 1 || l.ValueFound() || l.InFlight() != 0 {
		t.Fatalf("after Start: done %v, seen %d, value %v, in flight %d", l.Done(), l.Seen(), l.ValueFound(), l.InFlight())
	}
	next(t, l, 9)
}

func TestParseRule(t *testing.T) {
	for _, name := range lookup.Rules() {
		r, err := lookup.ParseRule(name)
		if err != nil || r.String() != name {
			t.Errorf("ParseRule(%q) = %v, %v", name, r, err)
		}
	}
	if _, err := lookup.ParseRule("fastest"); err == nil {
		t.Error("ParseRule accepted an unknown rule")
	}
}

// go-libp2p-kad-dht's lookup: the beta rule (beta 3) ends it, requests in
// flight are kept, and the follow-up asks every never-asked candidate of
// the K closest not known to have failed, all at once, past alpha; their
// answers bring no new candidate; the lookup is done once nothing is in
// flight. Its result is the K closest not failed, asked or not, as they
// stood when the rule ended the lookup: kad-dht builds it then.
func TestFollowUpAsksTheUnaskedOfTheClosest(t *testing.T) {
	c := lookup.Config{Alpha: 2, Beta: 1, K: 4, Rule: lookup.Beta, FollowUp: 4, Result: lookup.ResultNotFailed}
	l := start(t, c, 3, 5, 7, 9, 11)
	next(t, l, 3)
	next(t, l, 5)
	l.Answer(p(3), peers(2, 6), false) // 2 is new and nearest: heard
	next(t, l, 2)
	l.Answer(p(2), nil, false) // the beta = 1 closest answered: the rule ends it
	if l.Reason() != lookup.ReasonBeta || !l.FollowingUp() || l.Done() {
		t.Fatalf("reason %v, following %v, done %v; want beta, following up", l.Reason(), l.FollowingUp(), l.Done())
	}
	// The K = 4 closest not failed are 2, 3, 5, 6: 6 was never asked; 5 is
	// still in flight and is waited for, not asked again.
	next(t, l, 6)
	none(t, l)
	l.Answer(p(6), peers(1), false) // a follow-up answer brings nothing
	if len(l.Fresh()) != 0 || l.Seen() != 7 {
		t.Fatalf("a follow-up answer merged peers: fresh %v, %d seen", l.Fresh(), l.Seen())
	}
	none(t, l)
	if l.Done() {
		t.Fatal("done with peer 5 in flight")
	}
	l.Fail(p(5))
	// 5 failed: the set is now 2, 3, 6, 7, and 7 was never asked.
	next(t, l, 7)
	l.Answer(p(7), nil, false)
	none(t, l)
	if !l.Done() {
		t.Fatal("not done with the follow-up over")
	}
	if got := l.AppendResult(nil); !samePeers(got, 2, 3, 5, 6) {
		t.Fatalf("result %v, want the 4 closest not failed when the rule ended the lookup: 2 3 5 6 (the follow-up changes nothing)", got)
	}
	if a, ans, f := l.Counts(); a != 5 || ans != 4 || f != 1 {
		t.Fatalf("counts %d %d %d, want 5 attempts, 4 answered, 1 failed", a, ans, f)
	}
}

// A lookup that ends at the value is not followed up (kad-dht's
// FindProviders with a count of 1 skips it).
func TestNoFollowUpAfterAValue(t *testing.T) {
	c := lookup.Config{Alpha: 1, Beta: 1, K: 4, Rule: lookup.Beta, FollowUp: 4, StopOnValue: true}
	l := start(t, c, 3, 5, 7)
	next(t, l, 3)
	l.Answer(p(3), nil, true)
	if !l.Done() || l.Reason() != lookup.ReasonValue {
		t.Fatalf("done %v, reason %v; want over at the value", l.Done(), l.Reason())
	}
	none(t, l)
}

// The result rules: the Beta closest that answered (go-dht), the K closest
// not failed (kad-dht), the K closest whatever their state (go-ethereum).
func TestResultRules(t *testing.T) {
	run := func(r lookup.ResultRule) []routing.Peer {
		c := lookup.Config{Alpha: 3, Beta: 2, K: 3, Rule: lookup.KClosest, Result: r}
		l := start(t, c, 3, 5, 7, 9)
		next(t, l, 3)
		next(t, l, 5)
		next(t, l, 7)
		l.Fail(p(3))
		l.Answer(p(5), nil, false)
		next(t, l, 9)
		l.Answer(p(9), nil, false)
		return l.AppendResult(nil)
	}
	for _, tc := range []struct {
		rule lookup.ResultRule
		want []uint32
	}{
		{lookup.ResultAnswered, []uint32{5, 9}},     // 7 in flight, 3 failed
		{lookup.ResultNotFailed, []uint32{5, 7, 9}}, // 7 waiting counts
		{lookup.ResultSeen, []uint32{3, 5, 7}},      // 3 failed counts
	} {
		if got := run(tc.rule); !samePeers(got, tc.want...) {
			t.Errorf("rule %d: result %v, want %v", tc.rule, got, tc.want)
		}
	}
}

func samePeers(got []routing.Peer, ids ...uint32) bool {
	if len(got) != len(ids) {
		return false
	}
	for i, id := range ids {
		if got[i].ID != id {
			return false
		}
	}
	return true
}

// Expire ends a running lookup with reason timeout: it asks nothing more,
// its requests in flight stay counted (abandoned), its result is what had
// answered by then, and a later Expire changes nothing.
func TestExpireEndsARunningLookup(t *testing.T) {
	l := start(t, cfg(lookup.Beta), 3, 5, 7)
	next(t, l, 3)
	next(t, l, 5)
	l.Answer(p(3), peers(9), false)
	next(t, l, 7)
	if !l.Expire() {
		t.Fatal("Expire of a running lookup reported nothing to end")
	}
	if !l.Done() || l.Reason() != lookup.ReasonTimeout || l.Reason().String() != "timeout" {
		t.Fatalf("done %v, reason %v; want done with timeout", l.Done(), l.Reason())
	}
	none(t, l)
	if l.InFlight() != 2 {
		t.Fatalf("%d in flight, want 5 and 7 abandoned", l.InFlight())
	}
	if a, ans, f := l.Counts(); a != 3 || ans != 1 || f != 0 {
		t.Fatalf("counts %d %d %d, want 3 attempts, 1 answered, 0 failed", a, ans, f)
	}
	if got := l.AppendResult(nil); !samePeers(got, 3, origin.ID) {
		t.Fatalf("result %v, want the peers that answered before the timeout: 3 and the origin", got)
	}
	if l.Expire() || l.Reason() != lookup.ReasonTimeout {
		t.Fatalf("a second Expire changed the lookup: reason %v", l.Reason())
	}
}

// Expire after the rule ended a lookup changes nothing; during a
// follow-up it cuts the follow-up short, keeping the rule's reason and the
// result frozen when the rule ended the lookup.
func TestExpireAfterTheRule(t *testing.T) {
	l := start(t, cfg(lookup.Beta), 3, 5)
	next(t, l, 3)
	next(t, l, 5)
	l.Answer(p(3), nil, false)
	l.Answer(p(5), nil, false)
	wantEnd(t, l, lookup.ReasonBeta)
	if l.Expire() || l.Reason() != lookup.ReasonBeta {
		t.Fatalf("Expire of a finished lookup changed it: reason %v", l.Reason())
	}

	c := lookup.Config{Alpha: 2, Beta: 1, K: 3, Rule: lookup.Beta, FollowUp: 3, Result: lookup.ResultNotFailed}
	l = start(t, c, 3, 5, 7)
	next(t, l, 3)
	next(t, l, 5)
	l.Answer(p(3), nil, false) // beta = 1 closest answered: the follow-up asks 7
	next(t, l, 7)
	if !l.FollowingUp() {
		t.Fatal("not following up")
	}
	if !l.Expire() {
		t.Fatal("Expire during a follow-up reported nothing to end")
	}
	if !l.Done() || l.FollowingUp() || l.Reason() != lookup.ReasonBeta {
		t.Fatalf("done %v, following %v, reason %v; want done, reason beta", l.Done(), l.FollowingUp(), l.Reason())
	}
	none(t, l)
	if got := l.AppendResult(nil); !samePeers(got, 3, 5, 7) {
		t.Fatalf("result %v, want the frozen 3 5 7", got)
	}
}

// Avoided peers are never candidates: neither as seeds nor from answers,
// so the lookup asks the others and its result leaves them out.
func TestAvoidedPeersAreNeverAsked(t *testing.T) {
	c := cfg(lookup.Beta)
	c.Avoid = func(id uint32) bool { return id == 3 || id == 6 }
	l := start(t, c, 3, 5, 7)
	next(t, l, 5)
	next(t, l, 7)
	l.Answer(p(5), peers(2, 6), false)
	next(t, l, 2)
	l.Answer(p(7), nil, false)
	l.Answer(p(2), nil, false)
	wantEnd(t, l, lookup.ReasonBeta)
	if got := l.AppendResult(nil); !samePeers(got, 2, 5) {
		t.Fatalf("result %v, want 2 5 (3 and 6 avoided)", got)
	}
	if l.Seen() != 3 {
		t.Fatalf("%d peers seen, want 3: 5, 7, 2", l.Seen())
	}
}
