package network_test

import (
	"math"
	"testing"
	"time"

	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/network/reach"
)

// A first contact pays the transport's set-up, SetupRoundTrips round trips
// of the pair's delay; the next request between the two rides the open
// connection and pays none, whichever end sends it.
func TestSetupChargedOnFirstContact(t *testing.T) {
	for _, tr := range []network.Transport{network.TransportTCP, network.TransportQUIC, network.TransportUDPSession} {
		net := newNetwork(t, network.Config{Seed: 1, ConnDelay: network.Fixed(10 * time.Millisecond), Transport: tr}, 10)
		op, err := net.NewOp(1)
		if err != nil {
			t.Fatal(err)
		}
		first := op.Draw(1, 2, 0)
		if want := time.Duration(tr.SetupRoundTrips()) * 20 * time.Millisecond; first.Setup != want || first.Cost() != want+20*time.Millisecond {
			t.Fatalf("%v: first contact set-up %v, cost %v; want %v and %v", tr, first.Setup, first.Cost(), want, want+20*time.Millisecond)
		}
		if again := op.Draw(1, 2, time.Second); again.Setup != 0 || again.Cost() != 20*time.Millisecond {
			t.Fatalf("%v: second request set-up %v, cost %v; want an open connection", tr, again.Setup, again.Cost())
		}
		if back := op.Draw(2, 1, time.Second); back.Setup != 0 {
			t.Fatalf("%v: the reverse direction set up a connection again", tr)
		}
		if !net.Connected(1, 2) || !net.Connected(2, 1) || net.Connected(1, 3) {
			t.Fatalf("%v: connections %v %v %v", tr, net.Connected(1, 2), net.Connected(2, 1), net.Connected(1, 3))
		}
	}
}

// A node keeps at most Connections open connections, closing its least
// recently used: with a capacity of 1 and two peers asked in turn, every
// request pays the set-up; with a capacity of 2, only the first two.
func TestConnectionsEvictLeastRecentlyUsed(t *testing.T) {
	for _, tc := range []struct{ capacity, setups int }{{1, 6}, {2, 2}, {0, 2}} {
		net := newNetwork(t, network.Config{Seed: 1, ConnDelay: network.Fixed(time.Millisecond),
			Transport: network.TransportQUIC, Connections: tc.capacity}, 10)
		op, err := net.NewOp(1)
		if err != nil {
			t.Fatal(err)
		}
		setups := 0
		for i := range 6 {
			if op.Draw(0, uint32(1+i%2), time.Duration(i)*time.Second).Setup > 0 {
				setups++
			}
		}
		if setups != tc.setups {
			t.Errorf("capacity %d: %d set-ups in 6 alternating requests, want %d", tc.capacity, setups, tc.setups)
		}
		if tc.capacity == 1 && (net.Connected(0, 1) || !net.Connected(0, 2) || net.Connected(1, 0)) {
			t.Errorf("capacity 1: the evicted connection is still open at one end")
		}
	}
}

// An undialable node never answers: every attempt to it ends unreachable
// after the dial timeout, with no connection; a flaky node answers about
// its share of attempts; with no transport nothing is set up.
func TestReachabilityClasses(t *testing.T) {
	m := reach.Model{Undialable: 0.3, Flaky: 0.3, Answer: 0.5, DialTimeout: 5 * time.Second}
	net := newNetwork(t, network.Config{Seed: 3, ConnDelay: network.Fixed(time.Millisecond), SlowDelay: network.Fixed(time.Second), Reach: m}, 2000)
	var answered, flakyTries int
	for id := range uint32(2000) {
		op, err := net.NewOp(uint64(id) + 1)
		if err != nil {
			t.Fatal(err)
		}
		a := op.Draw(0, id, 0)
		switch net.Class(id) {
		case reach.Undialable:
			if a.Error != network.Unreachable || a.Cost() != 5*time.Second || a.Setup != 0 {
				t.Fatalf("undialable node %d: %+v", id, a)
			}
		case reach.Flaky:
			flakyTries++
			if a.Error == network.NoError {
				answered++
			} else if a.Error != network.Flaky || a.Cost() != time.Second {
				t.Fatalf("flaky node %d: %+v", id, a)
			}
		default:
			if a.Error != network.NoError || a.Setup != 0 {
				t.Fatalf("dialable node %d: %+v", id, a)
			}
		}
		op.Close()
	}
	if share := float64(answered) / float64(flakyTries); share < 0.4 || share > 0.6 {
		t.Errorf("flaky nodes answered %.2f of %d attempts, want about 0.5", share, flakyTries)
	}
	s := net.Summary()
	if s.Unreachable == 0 || s.Flaky == 0 || s.Failures != s.Unreachable+s.Flaky {
		t.Errorf("summary %+v", s)
	}
}

// The py-dht profile has no connections and no reachability classes.
func TestPyDHTRefusesConnections(t *testing.T) {
	for _, c := range []network.Config{
		{PyDHT: true, Transport: network.TransportTCP},
		{PyDHT: true, Reach: reach.Model{Undialable: 0.1, DialTimeout: time.Second}},
		{Transport: network.Transport(9)},
		{Connections: -1},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

// A silent node (SetSilent) answers nothing: attempts to it time out with
// outcome unresponsive; the others answer; nil silences no one.
func TestSilentNodesNeverAnswer(t *testing.T) {
	net := newNetwork(t, network.Config{Seed: 1, ConnDelay: network.Fixed(time.Millisecond), SlowDelay: network.Fixed(time.Second)}, 10)
	net.SetSilent(func(id uint32) bool { return id%2 == 1 })
	op, err := net.NewOp(1)
	if err != nil {
		t.Fatal(err)
	}
	for id := range uint32(10) {
		a := op.Draw(0, id, 0)
		if silent := id%2 == 1; silent != (a.Error == network.Unresponsive) || silent && a.Cost() != time.Second {
			t.Fatalf("node %d: %+v", id, a)
		}
	}
	net.SetSilent(nil)
	if a := op.Draw(0, 1, 0); a.Error != network.NoError {
		t.Fatalf("after SetSilent(nil): %+v", a)
	}
}

// A message of B bytes from a node of upload rate R takes B / R to leave
// it, then the link's delay; a second message from the same node waits for
// the first to leave; a receiver's download queues what arrives behind
// what it is receiving; bytes and messages are counted at both ends;
// UploadIdle says when a node's last byte left.
func TestTransferSerializesAndQueues(t *testing.T) {
	net := newNetwork(t, network.Config{Seed: 1}, 4)
	rates := map[uint32][2]float64{0: {1000, math.Inf(1)}, 1: {math.Inf(1), math.Inf(1)}, 2: {math.Inf(1), 500}, 3: {math.Inf(1), math.Inf(1)}}
	net.SetRates(func(id uint32) (float64, float64) { r := rates[id]; return r[0], r[1] })
	if !net.Bandwidth() {
		t.Fatal("bandwidth off with rates set")
	}
	// 500 bytes at 1000 B/s: 0.5 s, then 10 ms of link.
	if got := net.Transfer(0, 1, 500, 0, 10*time.Millisecond); got != 510*time.Millisecond {
		t.Fatalf("first message arrives at %v, want 510ms", got)
	}
	// The second leaves once the first has: 0.5 s + 0.25 s + 10 ms.
	if got := net.Transfer(0, 3, 250, 0, 10*time.Millisecond); got != 760*time.Millisecond {
		t.Fatalf("second message arrives at %v, want 760ms", got)
	}
	// Node 2 downloads 500 B/s: two messages of 100 B arriving at once
	// take 0.2 s and 0.4 s.
	a := net.Transfer(1, 2, 100, 0, 0)
	b := net.Transfer(3, 2, 100, 0, 0)
	if a != 200*time.Millisecond || b != 400*time.Millisecond {
		t.Fatalf("download queue: %v and %v, want 200ms and 400ms", a, b)
	}
	// Node 0's last byte left at 0.75 s; node 2 sent nothing.
	if got := net.UploadIdle(0); got != 750*time.Millisecond || net.UploadIdle(2) != 0 || net.UploadIdle(99) != 0 {
		t.Fatalf("node 0's upload idle from %v, want 750ms; node 2 %v, node 99 %v, want 0", got, net.UploadIdle(2), net.UploadIdle(99))
	}
	loads := net.Loads()
	if l := loads[0]; l.SentBytes != 750 || l.SentMsgs != 2 || l.RecvMsgs != 0 {
		t.Fatalf("node 0 load %+v", l)
	}
	if l := loads[2]; l.RecvBytes != 200 || l.RecvMsgs != 2 {
		t.Fatalf("node 2 load %+v", l)
	}
	off := newNetwork(t, network.Config{Seed: 1}, 4)
	if off.Bandwidth() || off.Transfer(0, 1, 1<<20, time.Second, time.Millisecond) != time.Second+time.Millisecond {
		t.Fatal("with bandwidth off a message takes its link's delay only")
	}
}
