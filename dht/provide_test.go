package dht_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/dhttest"
	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network"
)

// The stored share of a provide falls as errors rise, and at 100 % errors
// only the origin can store: the share is at most 1/beta. Peers that
// failed during the lookup count among the failed, so a 100 % share means
// every intended peer stored.
func TestStoredShareFallsWithErrors(t *testing.T) {
	for _, rule := range []lookup.Rule{lookup.Stale, lookup.Beta} {
		prev := 2.0
		for _, rate := range []float64{0, 50, 90, 100} {
			cfg := dhttest.Config(2000, 21)
			cfg.Client.Termination = rule
			cfg.Network.FastErrorRate = rate
			net := dhttest.New(t, cfg)
			share, n := 0.0, 0
			for i := range 32 {
				p, err := net.Provide(uint32(i*61), []byte(fmt.Sprintf("cell %d", i)), dht.ProvideOptions{})
				if err != nil {
					t.Fatal(err)
				}
				intended := map[uint32]bool{}
				for _, id := range append(slices.Clone(p.Stored), p.Failed...) {
					if intended[id] {
						t.Fatalf("peer %d both stored and failed, or twice", id)
					}
					intended[id] = true
				}
				if len(intended) > cfg.Client.Beta+cfg.Client.Beta {
					t.Fatalf("%d intended peers", len(intended))
				}
				share += p.StoredShare()
				n++
			}
			share /= float64(n)
			t.Logf("%v, %g%% fast errors: stored share %.3f", rule, rate, share)
			if share >= prev && rate > 0 {
				t.Errorf("%v: stored share %.3f at %g%% errors, not below %.3f at the rate before", rule, share, rate, prev)
			}
			if rate == 0 && share != 1 {
				t.Errorf("%v: stored share %.3f without errors, want 1", rule, share)
			}
			if rate == 100 && share > 1/float64(cfg.Client.Beta) {
				t.Errorf("%v: stored share %.3f at 100%% errors, want at most 1/beta", rule, share)
			}
			prev = share
		}
	}
}

// The stores of a provide start when its lookup ends, in parallel; the
// provide delay is the largest store cost; peers contacted are the
// lookup's attempts plus the remote stores.
func TestProvideStoresAfterLookup(t *testing.T) {
	cfg := noisy(1500, 22)
	net := dhttest.New(t, cfg)
	for i := range 30 {
		p, err := net.Provide(uint32(i*31), []byte(fmt.Sprintf("s %d", i)), dht.ProvideOptions{Op: uint64(i + 1), Start: time.Duration(i) * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		recs := dhttest.ByOp(dhttest.Records(t, net))[uint64(i+1)]
		if len(recs) != p.PeersContacted {
			t.Fatalf("%d records, %d peers contacted", len(recs), p.PeersContacted)
		}
		lookupEnd := p.Start + p.LookupDelay
		var last time.Duration
		stores := 0
		for _, r := range recs {
			if r.Request != network.StoreRequest {
				continue
			}
			stores++
			if r.Start != lookupEnd || r.Abandoned {
				t.Fatalf("store starts at %v, the lookup ended at %v", r.Start, lookupEnd)
			}
			last = max(last, r.End)
		}
		if stores != p.PeersContacted-p.Lookup.Attempts {
			t.Fatalf("%d stores, %d contacted, %d lookup attempts", stores, p.PeersContacted, p.Lookup.Attempts)
		}
		if stores > 0 && p.ProvideDelay != last-lookupEnd || p.OperationDelay != p.LookupDelay+p.ProvideDelay {
			t.Fatalf("provide delay %v, operation %v; last store ends %v after the lookup", p.ProvideDelay, p.OperationDelay, last-lookupEnd)
		}
	}
}

// A provide from a node among the beta closest stores on it at once, at no
// cost, and on the others over the network.
func TestProvideFromClosestNode(t *testing.T) {
	cfg := dhttest.Config(1000, 1)
	cfg.Client.Termination = lookup.KClosest
	net := dhttest.New(t, cfg)
	seg := []byte("held by its provider")
	key := hashes.SegmentKey(seg)
	from := net.ClosestNodes(key, cfg.Client.Beta)[3].ID
	p, err := net.Provide(from, seg, dht.ProvideOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Stored) != cfg.Client.Beta || !slices.Contains(p.Stored, from) || len(p.Failed) != 0 {
		t.Fatalf("stored on %v, failed %v; want the %d closest, origin %d included", p.Stored, p.Failed, cfg.Client.Beta, from)
	}
	if p.PeersContacted != p.Lookup.Attempts+cfg.Client.Beta-1 {
		t.Errorf("%d peers contacted, want %d lookup attempts + %d remote stores", p.PeersContacted, p.Lookup.Attempts, cfg.Client.Beta-1)
	}
	if p.ProvideDelay != 20*ms {
		t.Errorf("provide delay %v, want 2 x 10ms for the remote stores", p.ProvideDelay)
	}
}

// On the shared clock a store takes effect when it reaches its node: a
// retrieval that reaches a holder before the store does not find the
// value; one that starts after every store has ended does.
func TestStoreVisibleOnArrival(t *testing.T) {
	cfg := dhttest.Config(1000, 23)
	cfg.Client.Termination = lookup.Beta
	seg := []byte("timed cell")
	key := hashes.SegmentKey(seg)
	var holder uint32
	{ // Where does the segment go, and when does the provide end?
		net := dhttest.New(t, cfg)
		p, err := net.Provide(5, seg, dht.ProvideOptions{})
		if err != nil {
			t.Fatal(err)
		}
		holder = p.Stored[0]
		run := func(at time.Duration) bool {
			net := dhttest.New(t, cfg)
			r := net.NewRun()
			var found bool
			r.Provide(0, 5, seg, dht.ProvideOptions{Op: 1}, nil)
			r.Lookup(at, holder, key, dht.LookupOptions{Op: 2, StopOnFirstValue: true}, func(res dht.LookupResult) {
				found = res.Summary.ValueFound
			})
			if err := r.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			return found
		}
		// The holder looks in its own store when its lookup starts: before
		// the provide's lookup ends, nothing is there.
		if run(0) {
			t.Error("the value was visible before any store was sent")
		}
		if !run(p.OperationDelay) {
			t.Error("the value was not visible once the provide had ended")
		}
	}
	_ = rand.New
}

// A withholding node (SetWithholding) accepts a store but never returns
// the value: a retrieval that asks only it finds nothing, while honest
// holders serve it.
func TestWithholdingNodesKeepTheirValues(t *testing.T) {
	net := dhttest.New(t, dhttest.Config(500, 21))
	p, err := net.Provide(3, []byte("withheld"), dht.ProvideOptions{})
	if err != nil || len(p.Stored) < 2 {
		t.Fatalf("provide: %+v, %v", p, err)
	}
	all := map[uint32]bool{}
	for _, id := range p.Stored {
		all[id] = true
	}
	net.SetWithholding(func(id uint32) bool { return all[id] })
	res, err := net.Lookup(400, hashes.SegmentKeyString("withheld"), dht.LookupOptions{StopOnFirstValue: true})
	if err != nil || res.Summary.ValueFound {
		t.Fatalf("every holder withholds: found %v (%v)", res.Summary.ValueFound, err)
	}
	net.SetWithholding(func(id uint32) bool { return id == p.Stored[0] })
	res, err = net.Lookup(400, hashes.SegmentKeyString("withheld"), dht.LookupOptions{StopOnFirstValue: true})
	if err != nil || !res.Summary.ValueFound {
		t.Fatalf("one holder withholds: found %v (%v)", res.Summary.ValueFound, err)
	}
}

// Values given by custody (SetCustody) are served as stored ones: a
// retrieval finds a value that only the custody of the key's closest
// nodes holds, an origin that holds it finds it in its own store, and
// withholding nodes keep it as they keep stored values.
func TestCustodyValuesAreServedAsStored(t *testing.T) {
	net := dhttest.New(t, dhttest.Config(500, 22))
	key := hashes.SegmentKeyString("custody")
	holders := map[uint32]bool{}
	for _, p := range net.ClosestNodes(key, 20) {
		holders[p.ID] = true
	}
	holders[450] = true
	value := []byte("custody")
	net.SetCustody(func(id uint32, k hashes.Key) ([]byte, bool) {
		if k == key && holders[id] {
			return value, true
		}
		return nil, false
	})
	res, err := net.Lookup(400, key, dht.LookupOptions{StopOnFirstValue: true})
	if err != nil || !res.Summary.ValueFound || string(res.Value) != "custody" || res.Summary.LocalValue {
		t.Fatalf("retrieval of a custody value: %+v, %v", res.Summary, err)
	}
	res, err = net.Lookup(450, key, dht.LookupOptions{StopOnFirstValue: true})
	if err != nil || !res.Summary.LocalValue || res.Summary.Attempts != 0 {
		t.Fatalf("retrieval by a holder: %+v, %v; want found in its own custody", res.Summary, err)
	}
	net.SetWithholding(func(id uint32) bool { return holders[id] })
	if res, err = net.Lookup(400, key, dht.LookupOptions{StopOnFirstValue: true}); err != nil || res.Summary.ValueFound {
		t.Fatalf("every holder withholds: %+v, %v", res.Summary, err)
	}
	net.SetWithholding(nil)
	net.SetCustody(nil)
	if res, err = net.Lookup(400, key, dht.LookupOptions{StopOnFirstValue: true}); err != nil || res.Summary.ValueFound {
		t.Fatalf("custody removed: %+v, %v", res.Summary, err)
	}
}
