package workload_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/dhttest"
	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/dht/workload"
	"github.com/go-dht/go-dht/network/churn"
)

const ms = time.Millisecond

// The retrieval study: the builder's provides run one after the other,
// every retriever looks up its samples one after the other, side by side
// with the others, and without errors every retrieval finds its segment.
func TestRetrieval(t *testing.T) {
	cfg := dhttest.Config(800, 51)
	cfg.Client.Termination = lookup.Beta
	net := dhttest.New(t, cfg)
	w := workload.Retrieval{Segments: 12, Retrievers: 7, Samples: 5, SegmentSize: 64}
	reset := false
	res, err := w.Run(context.Background(), net, 51, func() error {
		reset = net.Summary().Attempts == 0
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reset {
		t.Error("the metrics were not reset between the phases")
	}
	if len(res.Provides) != 12 || len(res.Retrievals) != 35 {
		t.Fatalf("%d provides, %d retrievals", len(res.Provides), len(res.Retrievals))
	}
	var end time.Duration
	for i, p := range res.Provides {
		if p.Origin != res.Builder || p.Start != end || len(p.Stored) != 20 {
			t.Fatalf("provide %d from %d starts at %v (previous ended %v), %d stored", i, p.Origin, p.Start, end, len(p.Stored))
		}
		end = p.Start + p.OperationDelay
	}
	perRetriever := map[uint32]time.Duration{}
	for _, r := range res.Retrievals {
		if r.Retriever == res.Builder || !r.Summary.ValueFound || r.Summary.Reason != lookup.ReasonValue {
			t.Fatalf("retrieval %+v", r)
		}
		if r.Summary.Start < perRetriever[r.Retriever] {
			t.Fatalf("retriever %d overlaps its own lookups", r.Retriever)
		}
		perRetriever[r.Retriever] = r.Summary.Start + r.Summary.Delay
	}
	again, _ := w.Run(context.Background(), dhttest.New(t, cfg), 51, nil)
	if fmt.Sprint(again.Retrievals) != fmt.Sprint(res.Retrievals) {
		t.Error("the same seed gave another study")
	}
	if _, err := (workload.Retrieval{Segments: 3, Retrievers: 1, Samples: 4, SegmentSize: 1}).Run(context.Background(), net, 1, nil); err == nil {
		t.Error("more samples than segments was accepted")
	}
}

// Under the py-dht profile the retrievals run one after the other, in
// py-dht's order: retriever by retriever.
func TestRetrievalPyDHTOrder(t *testing.T) {
	cfg := dhttest.Config(600, 52)
	cfg.Profile = dht.ProfilePyDHT
	net := dhttest.New(t, cfg)
	res, err := workload.Retrieval{Segments: 4, Retrievers: 3, Samples: 4, SegmentSize: 8}.Run(context.Background(), net, 52, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(res.Retrievals); i++ {
		a, b := res.Retrievals[i-1].Summary, res.Retrievals[i].Summary
		if b.Op != a.Op+1 || b.Start != a.Start+a.Delay {
			t.Fatalf("retrieval %d (op %d) starts at %v; the one before (op %d) ended at %v", i, b.Op, b.Start, a.Op, a.Start+a.Delay)
		}
	}
}

// Under churn with departures, segments provided at hour 0 become harder
// to find hour after hour; republishing every hour keeps them findable.
func TestAvailabilityRepublish(t *testing.T) {
	if testing.Short() {
		t.Skip("hours of simulated churn")
	}
	run := func(republish time.Duration) *workload.AvailabilityResult {
		cfg := dhttest.Config(800, 55)
		cfg.Client.Termination = lookup.Beta
		var err error
		if cfg.Network.Churn, err = churn.Parse("exp:1h,1h"); err != nil {
			t.Fatal(err)
		}
		cfg.Network.LeaveRate = 0.15
		cfg.Maintenance = dht.Maintenance{FailLimit: 2}
		w := workload.Availability{Segments: 20, Retrievers: 20, Samples: 3, SegmentSize: 16,
			Duration: 8 * time.Hour, Every: time.Hour, Republish: republish, HealthNodes: 30}
		res, err := w.Run(context.Background(), dhttest.New(t, cfg), 55)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Points) != 8 {
			t.Fatalf("%d points", len(res.Points))
		}
		return res
	}
	once, again := run(0), run(time.Hour)
	first, last := once.Points[0], once.Points[len(once.Points)-1]
	t.Logf("no republish: found %.2f at 1h, %.2f at 8h; replicas online %.1f, %.1f", first.Found, last.Found, first.Replicas, last.Replicas)
	r := again.Points[len(again.Points)-1]
	t.Logf("republish:    found %.2f at 8h; replicas online %.1f", r.Found, r.Replicas)
	if last.Replicas >= first.Replicas || last.Found > first.Found {
		t.Errorf("without republish, replicas online went %.1f -> %.1f and retrievals %.2f -> %.2f", first.Replicas, last.Replicas, first.Found, last.Found)
	}
	if r.Found <= last.Found || r.Replicas <= last.Replicas {
		t.Errorf("republishing did not help: found %.2f against %.2f, replicas %.1f against %.1f", r.Found, last.Found, r.Replicas, last.Replicas)
	}
	if math.IsNaN(last.TableOnline) || last.Online <= 0 || last.Online >= 0.6 {
		t.Errorf("point %+v", last)
	}
}

// With PeerRecord, every retrieval that found its value is followed by a
// lookup for the builder's key that ends when the builder answers, before
// the retriever's next sample starts; without it there is none.
func TestRetrievalPeerRecord(t *testing.T) {
	cfg := dhttest.Config(1000, 12)
	net := dhttest.New(t, cfg)
	w := workload.Retrieval{Segments: 5, Retrievers: 4, Samples: 5, SegmentSize: 64, PeerRecord: true}
	res, err := w.Run(context.Background(), net, 12, nil)
	if err != nil {
		t.Fatal(err)
	}
	byRetriever := map[uint32][]workload.Retrieved{}
	for _, r := range res.Retrievals {
		if !r.Summary.ValueFound || r.PeerRecord == nil || !r.PeerRecord.ValueFound {
			t.Fatalf("retrieval %+v: want the value and then the builder found", r)
		}
		byRetriever[r.Retriever] = append(byRetriever[r.Retriever], r)
	}
	for id, rs := range byRetriever {
		for i := 1; i < len(rs); i++ {
			prev := rs[i-1].PeerRecord
			if rs[i].Summary.Start != prev.Start+prev.Delay {
				t.Fatalf("retriever %d: sample %d starts at %v, the peer record before ended at %v", id, i, rs[i].Summary.Start, prev.Start+prev.Delay)
			}
		}
	}
	w.PeerRecord = false
	res, err = w.Run(context.Background(), dhttest.New(t, cfg), 12, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Retrievals {
		if r.PeerRecord != nil {
			t.Fatal("a peer record lookup without PeerRecord")
		}
	}
}

// Under churn no operation starts at an offline node (the review found
// 2,095 of 4,000 retrievals starting at offline origins): the builder
// provides, and a retriever retrieves, when it is online; a lookup asked of
// an offline node is refused with ErrOffline naming it.
func TestOperationsStartOnlyAtOnlineNodes(t *testing.T) {
	cfg := dhttest.Config(800, 13)
	m, err := churn.Parse("exp:10m,10m")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Network.Churn = m
	net := dhttest.New(t, cfg)
	w := workload.Retrieval{Segments: 10, Retrievers: 40, Samples: 10, SegmentSize: 64}
	res, err := w.Run(context.Background(), net, 13, nil)
	if err != nil {
		t.Fatal(err)
	}
	links := net.Links()
	for _, p := range res.Provides {
		if !links.Online(p.Origin, p.Start) {
			t.Fatalf("provide from node %d, offline at %v", p.Origin, p.Start)
		}
	}
	if len(res.Retrievals) == 0 {
		t.Fatal("no retrieval")
	}
	for _, r := range res.Retrievals {
		if !links.Online(r.Retriever, r.Summary.Start) {
			t.Fatalf("retrieval from node %d, offline at %v", r.Retriever, r.Summary.Start)
		}
	}
	var offline uint32
	for id := range uint32(800) {
		if !links.Online(id, 0) {
			offline = id
			break
		}
	}
	run := net.NewRun()
	if err := run.Lookup(0, offline, 42, dht.LookupOptions{}, nil); !errors.Is(err, dht.ErrOffline) {
		t.Fatalf("lookup from offline node %d: %v, want ErrOffline", offline, err)
	}
}

// Replicas online count every node that stored a segment, through a
// provide or a republish (the review found 8.55 reported against 10.55
// true holders: each provide's stored list replaced the holders while the
// old ones kept the value); a point without retrievals reports no found
// share (NaN), not 0.
func TestAvailabilityCountsEveryHolder(t *testing.T) {
	cfg := dhttest.Config(600, 14)
	m, err := churn.Parse("exp:30m,30m")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Network.Churn = m
	net := dhttest.New(t, cfg)
	w := workload.Availability{Segments: 5, Retrievers: 5, Samples: 2, SegmentSize: 32, Duration: 4 * time.Hour, Every: time.Hour,
		HealthNodes: 5, Republish: 30 * time.Minute}
	res, err := w.Run(context.Background(), net, 14)
	if err != nil {
		t.Fatal(err)
	}
	links := net.Links()
	for _, p := range res.Points {
		holders := make([]map[uint32]bool, 5)
		for i := range holders {
			holders[i] = map[uint32]bool{}
		}
		for _, pv := range res.Provides {
			if pv.Start+pv.OperationDelay > p.At {
				continue
			}
			for seg := range 5 {
				if pv.Key == res.Provides[seg].Key {
					for _, h := range pv.Stored {
						holders[seg][h] = true
					}
				}
			}
		}
		want := 0
		for _, hs := range holders {
			for h := range hs {
				if links.Online(h, p.At) {
					want++
				}
			}
		}
		if got := p.Replicas * 5; math.Abs(got-float64(want)) > 1e-9 {
			t.Fatalf("at %v: %.2f replicas online, every holder online gives %d", p.At, p.Replicas, want)
		}
		if p.Lookups == 0 && !math.IsNaN(p.Found) {
			t.Fatalf("at %v: no retrieval, found share %v", p.At, p.Found)
		}
	}
}
