package dht_test

import (
	"context"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/dhttest"
	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/network"
)

// timeoutNet is a network whose lookups take several round trips of
// 20-60 ms, so that a timeout can cut one short.
func timeoutNet(t *testing.T) *dht.DHTNetwork {
	cfg := dhttest.Config(2000, 91)
	cfg.Network.ConnDelay = network.DelayRange{Min: 20 * dhttest.Ms, Max: 60 * dhttest.Ms}
	return dhttest.New(t, cfg)
}

// runOne runs one lookup on a shared run starting at at and returns its
// result.
func runOne(t *testing.T, net *dht.DHTNetwork, at time.Duration, opts dht.LookupOptions) dht.LookupResult {
	t.Helper()
	run := net.NewRun()
	var got dht.LookupResult
	if err := run.Lookup(at, 7, 12345, opts, func(r dht.LookupResult) { got = r }); err != nil {
		t.Fatal(err)
	}
	if err := run.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return got
}

// A lookup whose timeout comes before its end ends at start + timeout,
// with reason timeout, its requests in flight abandoned (in its summary
// and its records, and Unanswered names their peers); a timeout after its
// natural end changes nothing.
func TestLookupTimeoutEndsItAtStartPlusTimeout(t *testing.T) {
	net := timeoutNet(t)
	start := time.Second
	whole := runOne(t, net, start, dht.LookupOptions{Op: 1})
	if whole.Summary.Delay < 100*time.Millisecond {
		t.Fatalf("the lookup takes %v: too short to cut", whole.Summary.Delay)
	}
	late := runOne(t, net, start, dht.LookupOptions{Op: 1, Timeout: whole.Summary.Delay + time.Millisecond})
	if !sameSummary(late.Summary, whole.Summary) {
		t.Fatalf("a timeout after the end changed the lookup:\n%+v\n%+v", late.Summary, whole.Summary)
	}

	net = timeoutNet(t)
	timeout := whole.Summary.Delay / 2
	cut := runOne(t, net, start, dht.LookupOptions{Op: 1, Timeout: timeout})
	s := cut.Summary
	if s.Reason != lookup.ReasonTimeout || s.Delay != timeout || s.Start != start {
		t.Fatalf("reason %v, start %v, delay %v; want timeout at %v + %v", s.Reason, s.Start, s.Delay, start, timeout)
	}
	if s.Abandoned == 0 || s.Attempts != s.Finished+s.Abandoned || s.Attempts >= whole.Summary.Attempts {
		t.Fatalf("summary %+v: want requests abandoned, fewer attempts than the whole lookup's %d", s, whole.Summary.Attempts)
	}
	if len(cut.Unanswered) != s.Abandoned {
		t.Fatalf("%d peers unanswered, %d requests abandoned", len(cut.Unanswered), s.Abandoned)
	}
	abandoned := 0
	for _, r := range dhttest.Records(t, net) {
		if r.Abandoned {
			if r.To != cut.Unanswered[abandoned] {
				t.Fatalf("abandoned request %d went to %d, Unanswered says %d", abandoned, r.To, cut.Unanswered[abandoned])
			}
			abandoned++
			if r.Start > start+timeout {
				t.Fatalf("record %+v started after the timeout", r)
			}
		}
	}
	if abandoned != s.Abandoned {
		t.Fatalf("%d records abandoned, the summary says %d", abandoned, s.Abandoned)
	}
}

// An operation is pooled: a lookup that ended before its timeout frees
// its operation, which the next lookup reuses; the old timeout must not
// end the new lookup, which gives what it gives alone.
func TestLookupTimeoutSparesTheNextUseOfItsOperation(t *testing.T) {
	net := timeoutNet(t)
	alone := runOne(t, net, 900*time.Millisecond, dht.LookupOptions{Op: 2})

	net = timeoutNet(t)
	run := net.NewRun()
	var first, second dht.LookupResult
	if err := run.Lookup(0, 7, 999, dht.LookupOptions{Op: 1, Timeout: time.Second}, func(r dht.LookupResult) { first = r }); err != nil {
		t.Fatal(err)
	}
	// Starts after the first ended, runs across the first's timeout at 1 s.
	if err := run.Lookup(900*time.Millisecond, 7, 12345, dht.LookupOptions{Op: 2}, func(r dht.LookupResult) { second = r }); err != nil {
		t.Fatal(err)
	}
	if err := run.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if first.Summary.Reason == lookup.ReasonTimeout || first.Summary.Delay >= 900*time.Millisecond {
		t.Fatalf("the first lookup %+v should end before the second starts", first.Summary)
	}
	if !sameSummary(second.Summary, alone.Summary) || second.Summary.Start+second.Summary.Delay <= time.Second {
		t.Fatalf("the second lookup %+v, alone %+v: want the same, across 1 s", second.Summary, alone.Summary)
	}
}

// A negative timeout, one that would pass the clock's end, and a timeout
// under the py-dht profile (which runs an operation to completion when it
// starts) are errors naming the timeout.
func TestLookupTimeoutRefused(t *testing.T) {
	net := dhttest.New(t, dhttest.Config(50, 1))
	run := net.NewRun()
	for _, d := range []time.Duration{-1, 1<<63 - 1} {
		if err := run.Lookup(0, 1, 5, dht.LookupOptions{Timeout: d}, nil); err == nil {
			t.Errorf("timeout %v accepted", d)
		}
	}
	cfg := dhttest.Config(50, 1)
	cfg.Profile = dht.ProfilePyDHT
	py := dhttest.New(t, cfg)
	if err := py.NewRun().Lookup(0, 1, 5, dht.LookupOptions{Timeout: time.Second}, nil); err == nil {
		t.Error("a timeout under the py-dht profile was accepted")
	}
}

// sameSummary compares two summaries, their accuracies (NaN when not
// tracked) aside.
func sameSummary(a, b dht.LookupSummary) bool {
	a.Accuracy, b.Accuracy = 0, 0
	return a == b
}

// A lookup that avoids peers (the peers an earlier attempt waited for in
// vain) never asks them, and still finds the closest others.
func TestLookupAvoidsPeers(t *testing.T) {
	net := timeoutNet(t)
	whole := runOne(t, net, 0, dht.LookupOptions{Op: 1})
	avoid := map[uint32]bool{}
	for _, r := range dhttest.Records(t, net)[:3] {
		avoid[r.To] = true // the first alpha peers asked
	}
	net = timeoutNet(t)
	res := runOne(t, net, 0, dht.LookupOptions{Op: 1, Avoid: func(id uint32) bool { return avoid[id] }})
	for _, r := range dhttest.Records(t, net) {
		if avoid[r.To] {
			t.Fatalf("avoided peer %d was asked", r.To)
		}
	}
	if res.Summary.Reason != whole.Summary.Reason || len(res.Closest) != len(whole.Closest) {
		t.Fatalf("avoiding 3 peers: %+v (%d closest), want it to end as without: %+v (%d)", res.Summary, len(res.Closest), whole.Summary, len(whole.Closest))
	}
}
