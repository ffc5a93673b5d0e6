package network_test

import (
	"math"
	"testing"
	"time"

	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/network/churn"
	"github.com/go-dht/go-dht/network/latency"
)

func churned(t *testing.T, spec string, n int) *network.Network {
	t.Helper()
	m, err := churn.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	return newNetwork(t, network.Config{Seed: 3, Churn: m, SlowDelay: network.Fixed(time.Second), ConnDelay: network.Fixed(ms)}, n)
}

// In steady state the share of nodes online is mean-on / (mean-on +
// mean-off), from time 0 on, within 2 points.
func TestOnlineShare(t *testing.T) {
	for _, spec := range []string{"exp:30m,10m", "weibull:0.5,30m"} {
		net := churned(t, spec, 20000)
		m, _ := churn.Parse(spec)
		want := m.OnlineShare()
		for _, at := range []time.Duration{0, time.Hour, 6 * time.Hour, 24 * time.Hour} {
			on := 0
			for id := range uint32(20000) {
				if net.Online(id, at) {
					on++
				}
			}
			if got := float64(on) / 20000; math.Abs(got-want) > 0.02 {
				t.Errorf("%s at %v: %.3f online, want %.3f", spec, at, got, want)
			}
		}
	}
}

// An attempt to an offline node times out; the same node answers again
// once it is back; its state does not depend on the order of the looks.
func TestOfflineTimesOutAndReturns(t *testing.T) {
	net := churned(t, "exp:10m,10m", 200)
	var id uint32
	var down, up time.Duration
	found := false
	for cand := range uint32(200) {
		for m := time.Duration(0); m < 3*time.Hour && !found; m += time.Minute {
			if !net.Online(cand, m) && net.Online(cand, m+40*time.Minute) {
				id, down, up, found = cand, m, m+40*time.Minute, true
			}
		}
		if found {
			break
		}
	}
	if !found {
		t.Fatal("no node went down and came back in 3 hours")
	}
	op := newOp(t, net, 1)
	if a := op.Draw(0, id, down); a.Error != network.Offline || a.Base != time.Second {
		t.Fatalf("attempt to an offline node: %+v, want offline after the slow delay", a)
	}
	if a := op.Draw(0, id, up); a.Error != network.NoError {
		t.Fatalf("attempt to the node back online: %+v", a)
	}
	op.Close()
	if s := net.Summary(); s.Offline != 1 || s.Failures != 1 {
		t.Fatalf("summary %+v", s)
	}
	// A fresh network asked in another order agrees.
	other := churned(t, "exp:10m,10m", 200)
	if other.Online(id, up) != true || other.Online(id, down) != false {
		t.Fatal("the answer depends on the order of the questions")
	}
}

// A node that leaves for good never answers again.
func TestDepartures(t *testing.T) {
	net := newNetwork(t, network.Config{Seed: 4, LeaveRate: 0.5}, 5000)
	gone := 0
	for id := range uint32(5000) {
		if !net.Online(id, 2*time.Hour) {
			gone++
			for _, later := range []time.Duration{3 * time.Hour, 100 * time.Hour} {
				if net.Online(id, later) {
					t.Fatalf("node %d is back after leaving", id)
				}
			}
		}
	}
	// Exponential departures at 0.5 per hour: 1 - e^-1 of the nodes are
	// gone after 2 hours.
	if share, want := float64(gone)/5000, 1-math.Exp(-1); math.Abs(share-want) > 0.03 {
		t.Fatalf("%.3f gone after 2 h, want %.3f", share, want)
	}
}

// With a latency model, a connection's delay is the model's draw for the
// regions of its nodes: the mean between two regions is half their mean
// RTT.
func TestLatencyModelDraws(t *testing.T) {
	m, err := latency.Builtin("aws", 5)
	if err != nil {
		t.Fatal(err)
	}
	net := newNetwork(t, network.Config{Seed: 5, Latency: m}, 5000)
	// Two nodes in different regions.
	var a, b uint32 = 0, 1
	for m.Region(b) == m.Region(a) {
		b++
	}
	op := newOp(t, net, 1)
	var sum time.Duration
	const draws = 20000
	for range draws {
		sum += op.Draw(a, b, 0).Base
	}
	op.Close()
	mean, want := sum/draws, m.MeanRTT(m.Region(a), m.Region(b))/2
	if math.Abs(float64(mean-want))/float64(want) > 0.05 {
		t.Fatalf("mean one-way delay %v between %s and %s, want %v", mean, m.Regions()[m.Region(a)], m.Regions()[m.Region(b)], want)
	}
	if err := (network.Config{Latency: m, PyDHT: true}).Validate(); err == nil {
		t.Error("a latency model under the py-dht profile was accepted")
	}
}
