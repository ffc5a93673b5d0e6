package dht_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/routing"
)

const ms = time.Millisecond

// testConfig is a small network with constant delays and no errors.
func testConfig(nodes int) dht.Config {
	return dht.Config{
		Network: network.Config{
			Seed:      1,
			ConnDelay: network.Fixed(10 * ms),
			FastDelay: network.Fixed(ms),
			SlowDelay: network.Fixed(time.Second),
		},
		Client:  dht.ClientConfig{K: 20, Alpha: 3, Beta: 20, StepsToStop: 3},
		Nodes:   nodes,
		Workers: 2,
	}
}

func newNet(t testing.TB, cfg dht.Config) *dht.DHTNetwork {
	t.Helper()
	net, err := dht.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return net
}

func client(t testing.TB, net *dht.DHTNetwork, id uint32) *dht.Client {
	t.Helper()
	c, err := net.Client(id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// keySpace returns the keys of every client of net, by id.
func keySpace(t testing.TB, net *dht.DHTNetwork) *routing.KeySpace {
	t.Helper()
	space := routing.NewKeySpace(net.Len())
	for id := range uint32(net.Len()) {
		space.Append(client(t, net, id).Key())
	}
	return space
}

// incrementalPeers builds the table of node self by adding every node of
// the network one at a time, in the order given, and returns its peers
// bucket by bucket (as Client.RoutingPeers does) and its summary.
func incrementalPeers(t testing.TB, space *routing.KeySpace, self uint32, k int, order []uint32) ([]routing.Peer, string) {
	t.Helper()
	tab, err := routing.NewTable(self, space.Key(self), k, space)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range order {
		tab.Add(id)
	}
	return tab.Peers(), tab.Summary()
}

// Item 1: the tables built by dht.New and by BootstrapAll, with 1, 2 or 8
// workers, equal the tables built by adding every node one at a time, for
// several seeds and k (1 and 20 among them); one seed gives the same tables
// whatever the number of workers.
func TestTablesEqualIncremental(t *testing.T) {
	n := 2000
	if testing.Short() {
		n = 600
	}
	for _, seed := range []uint64{1, 2, 3} {
		for _, k := range []int{1, 7, 20} {
			t.Run(fmt.Sprintf("seed=%d/k=%d", seed, k), func(t *testing.T) {
				var ref *dht.DHTNetwork
				for _, workers := range []int{1, 2, 8} {
					cfg := testConfig(n)
					cfg.Network.Seed, cfg.Client.K, cfg.Workers = seed, k, workers
					var net *dht.DHTNetwork
					if workers == 2 { // the two-step path: Spawn, then BootstrapAll
						var err error
						cfg.Workers = 1
						if net, err = dht.Spawn(cfg); err != nil {
							t.Fatal(err)
						}
						if got := client(t, net, 0).RoutingLen(); got != 0 {
							t.Fatalf("a spawned client holds %d peers before BootstrapAll", got)
						}
						if err := net.BootstrapAll(context.Background(), workers); err != nil {
							t.Fatal(err)
						}
					} else {
						net = newNet(t, cfg)
					}
					if ref == nil {
						ref = net
						continue
					}
					for id := range uint32(n) {
						want, got := client(t, ref, id), client(t, net, id)
						if want.Key() != got.Key() || !slices.Equal(want.RoutingPeers(), got.RoutingPeers()) {
							t.Fatalf("workers=%d: node %d has another table than with 1 worker:\n%s\n%s",
								workers, id, want.RoutingSummary(), got.RoutingSummary())
						}
					}
				}
				space := keySpace(t, ref)
				rng := rand.New(rand.NewPCG(seed, uint64(k)))
				order := make([]uint32, n)
				for i := range order {
					order[i] = uint32(i)
				}
				for range 8 {
					self := uint32(rng.IntN(n))
					rng.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
					wantPeers, wantSummary := incrementalPeers(t, space, self, k, order)
					c := client(t, ref, self)
					if got := c.RoutingPeers(); !slices.Equal(got, wantPeers) || c.RoutingSummary() != wantSummary {
						t.Fatalf("node %d:\nwant %s\ngot  %s", self, wantSummary, c.RoutingSummary())
					}
					if c.RoutingLen() != len(wantPeers) {
						t.Fatalf("node %d: RoutingLen %d, want %d", self, c.RoutingLen(), len(wantPeers))
					}
					opt, err := ref.OptimalPeers(self)
					if err != nil || !slices.Equal(opt, wantPeers) {
						t.Fatalf("node %d: OptimalPeers differs from the incremental table (err %v)", self, err)
					}
					// Bootstrap of one client gives the same table again.
					if err := c.Bootstrap(); err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(c.RoutingPeers(), wantPeers) {
						t.Fatalf("node %d: Bootstrap gives another table", self)
					}
				}
			})
		}
	}
}

// Item 3: DHTNetwork.ClosestNodes is the network-wide truth: the nearest
// nodes by brute force over every client, sorted, without duplicates.
func TestClosestNodes(t *testing.T) {
	net := newNet(t, testConfig(1500))
	var all []routing.Peer
	for id := range uint32(net.Len()) {
		all = append(all, routing.Peer{ID: id, Key: client(t, net, id).Key()})
	}
	rng := rand.New(rand.NewPCG(4, 4))
	for i := range 200 {
		key := hashes.Key(rng.Uint64())
		if i%4 == 0 {
			key = all[rng.IntN(len(all))].Key // a node's own key
		}
		count := []int{1, 5, 20, 100, len(all) + 3}[i%5]
		want := slices.Clone(all)
		slices.SortFunc(want, func(a, b routing.Peer) int { return routing.ComparePeers(key, a, b) })
		want = want[:min(count, len(want))]
		if got := net.ClosestNodes(key, count); !slices.Equal(got, want) {
			t.Fatalf("ClosestNodes(%s, %d):\ngot  %v\nwant %v", key, count, got, want)
		}
	}
}

// Item 12: every invalid field is rejected with an error that names it.
func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		field    string
		sentinel error
		edit     func(*dht.Config)
	}{
		{"K", dht.ErrInvalidConfig, func(c *dht.Config) { c.Client.K = 0 }},
		{"K", dht.ErrInvalidConfig, func(c *dht.Config) { c.Client.K = -3 }},
		{"K", dht.ErrInvalidConfig, func(c *dht.Config) { c.Client.K = routing.MaxK + 1 }},
		{"Alpha", dht.ErrInvalidConfig, func(c *dht.Config) { c.Client.Alpha = 0 }},
		{"Alpha", dht.ErrInvalidConfig, func(c *dht.Config) { c.Client.Alpha = -1 }},
		{"Beta", dht.ErrInvalidConfig, func(c *dht.Config) { c.Client.Beta = 0 }},
		{"Beta", dht.ErrInvalidConfig, func(c *dht.Config) { c.Client.Beta = -1 }},
		{"StepsToStop", dht.ErrInvalidConfig, func(c *dht.Config) { c.Client.StepsToStop = 0 }},
		{"StepsToStop", dht.ErrInvalidConfig, func(c *dht.Config) { c.Client.StepsToStop = -2 }},
		{"Nodes", dht.ErrInvalidConfig, func(c *dht.Config) { c.Nodes = 0 }},
		{"Nodes", dht.ErrInvalidConfig, func(c *dht.Config) { c.Nodes = -1 }},
		{"Workers", dht.ErrInvalidConfig, func(c *dht.Config) { c.Workers = 0 }},
		{"Workers", dht.ErrInvalidConfig, func(c *dht.Config) { c.Workers = -4 }},
		{"FastErrorRate", network.ErrInvalidConfig, func(c *dht.Config) { c.Network.FastErrorRate = -1 }},
		{"FastErrorRate", network.ErrInvalidConfig, func(c *dht.Config) { c.Network.FastErrorRate = 100.01 }},
		{"FastErrorRate", network.ErrInvalidConfig, func(c *dht.Config) { c.Network.FastErrorRate = math.NaN() }},
		{"SlowErrorRate", network.ErrInvalidConfig, func(c *dht.Config) { c.Network.SlowErrorRate = 200 }},
		{"SlowErrorRate", network.ErrInvalidConfig, func(c *dht.Config) { c.Network.SlowErrorRate = math.NaN() }},
		{"FastErrorRate+SlowErrorRate", network.ErrInvalidConfig, func(c *dht.Config) { c.Network.FastErrorRate, c.Network.SlowErrorRate = 70, 31 }},
		{"ConnDelay", network.ErrInvalidConfig, func(c *dht.Config) { c.Network.ConnDelay = network.DelayRange{Min: 2 * ms, Max: ms} }},
		{"ConnDelay", network.ErrInvalidConfig, func(c *dht.Config) { c.Network.ConnDelay = network.Fixed(-ms) }},
		{"FastDelay", network.ErrInvalidConfig, func(c *dht.Config) { c.Network.FastDelay = network.DelayRange{Min: -ms} }},
		{"SlowDelay", network.ErrInvalidConfig, func(c *dht.Config) { c.Network.SlowDelay = network.DelayRange{Min: 2 * time.Second, Max: time.Second} }},
		{"Gamma", network.ErrInvalidConfig, func(c *dht.Config) { c.Network.Gamma = -ms }},
	} {
		cfg := testConfig(10)
		tc.edit(&cfg)
		err := cfg.Validate()
		if !errors.Is(err, tc.sentinel) {
			t.Errorf("%s: Validate() = %v, want %v", tc.field, err, tc.sentinel)
			continue
		}
		if !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: error %q does not name the field", tc.field, err)
		}
		if net, err := dht.New(cfg); net != nil || !errors.Is(err, tc.sentinel) {
			t.Errorf("%s: New() = %v, %v", tc.field, net, err)
		}
		if net, err := dht.Spawn(cfg); net != nil || !errors.Is(err, tc.sentinel) {
			t.Errorf("%s: Spawn() = %v, %v", tc.field, net, err)
		}
	}
	if err := testConfig(10).Validate(); err != nil {
		t.Errorf("valid config: %v", err)
	}
	if err := dht.DefaultConfig().Validate(); err != nil {
		t.Errorf("DefaultConfig: %v", err)
	}
	net := newNet(t, testConfig(10))
	for _, w := range []int{0, -1} {
		if err := net.BootstrapAll(context.Background(), w); !errors.Is(err, dht.ErrInvalidConfig) || !strings.Contains(err.Error(), "workers") {
			t.Errorf("BootstrapAll(workers=%d) = %v, want ErrInvalidConfig naming workers", w, err)
		}
	}
}

// Item 12: the package's sentinel is wrapped by every configuration
// error, the link layer's fields included (dht/errors.go: "ErrInvalidConfig
// is wrapped by every configuration error"), so that a caller of dht.New
// needs one errors.Is.
func TestConfigErrorsWrapDHTSentinel(t *testing.T) {
	cfg := testConfig(10)
	cfg.Network.FastErrorRate = -1
	if _, err := dht.New(cfg); !errors.Is(err, dht.ErrInvalidConfig) {
		t.Errorf("New with FastErrorRate -1: error %v does not wrap dht.ErrInvalidConfig", err)
	}
}

// Item 12: an unknown node id is an error, not a panic.
func TestUnknownNode(t *testing.T) {
	net := newNet(t, testConfig(30))
	c := client(t, net, 3)
	for _, id := range []uint32{30, 31, 1000, math.MaxUint32} {
		for name, call := range map[string]func() error{
			"Client":       func() error { _, err := net.Client(id); return err },
			"Lookup":       func() error { _, err := net.Lookup(id, 1, dht.LookupOptions{}); return err },
			"Provide":      func() error { _, err := net.Provide(id, []byte("x"), dht.ProvideOptions{}); return err },
			"OptimalPeers": func() error { _, err := net.OptimalPeers(id); return err },
			"AddPeer":      func() error { _, err := c.AddPeer(id); return err },
		} {
			t.Run(fmt.Sprintf("%s(%d)", name, id), func(t *testing.T) {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("panic: %v", r)
					}
				}()
				err := call()
				if !errors.Is(err, dht.ErrUnknownNode) {
					t.Fatalf("error = %v, want ErrUnknownNode", err)
				}
				if !strings.Contains(err.Error(), fmt.Sprint(id)) {
					t.Errorf("error %q does not name id %d", err, id)
				}
			})
		}
	}
	if s := net.Summary(); s.Attempts != 0 {
		t.Errorf("failed calls made %d attempts", s.Attempts)
	}
}

func TestStoreRetrieve(t *testing.T) {
	net := newNet(t, testConfig(10))
	c := client(t, net, 2)
	seg := []byte("cell 7")
	key := c.Store(seg)
	if key != hashes.SegmentKey(seg) {
		t.Errorf("Store returned %s, want the segment key %s", key, hashes.SegmentKey(seg))
	}
	if v, err := c.Retrieve(key); err != nil || string(v) != "cell 7" {
		t.Errorf("Retrieve = %q, %v", v, err)
	}
	if _, err := client(t, net, 3).Retrieve(key); !errors.Is(err, dht.ErrNotStored) {
		t.Errorf("Retrieve on another node: %v, want ErrNotStored", err)
	}
}

// A client spawned without a table answers with no peers rather than
// panicking, and its lookups end at once.
func TestEmptyTable(t *testing.T) {
	cfg := testConfig(50)
	net, err := dht.Spawn(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := client(t, net, 4)
	if c.RoutingLen() != 0 || c.RoutingSummary() != "" || len(c.RoutingPeers()) != 0 {
		t.Errorf("spawned client: %d peers, summary %q", c.RoutingLen(), c.RoutingSummary())
	}
	res, err := net.Lookup(4, 99, dht.LookupOptions{TrackAccuracy: true})
	if err != nil || res.Summary.Attempts != 0 || len(res.Closest) != 1 || res.Closest[0].ID != 4 {
		t.Errorf("lookup from an empty table: %+v, %v; want only the origin", res, err)
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("Closest on a client without a table panics: %v", r)
			}
		}()
		if got := c.Closest(99, 3); len(got) != 0 {
			t.Errorf("Closest on an empty table = %v", got)
		}
	}()
}

// Item 6: a segment provided by one node is found by a lookup from another;
// stopping on the first value ends the lookup early and says so.
func TestProvideThenLookup(t *testing.T) {
	net := newNet(t, testConfig(1000))
	rng := rand.New(rand.NewPCG(6, 6))
	for i := range 10 {
		seg := []byte(fmt.Sprintf("block 3 cell %d", i))
		key := hashes.SegmentKey(seg)
		provider := uint32(rng.IntN(net.Len()))
		buf := slices.Clone(seg)
		p, err := net.Provide(provider, buf, dht.ProvideOptions{})
		if err != nil {
			t.Fatal(err)
		}
		copy(buf, "XXXXXXX") // the caller may reuse its buffer
		if p.Key != key || p.Origin != provider || len(p.Stored) != 20 || len(p.Failed) != 0 {
			t.Fatalf("Provide: key %s origin %d, %d stored, %d failed", p.Key, p.Origin, len(p.Stored), len(p.Failed))
		}
		// The segment lives on the 20 closest nodes of the network.
		var truth []uint32
		for _, q := range net.ClosestNodes(key, 20) {
			truth = append(truth, q.ID)
		}
		if !slices.Equal(p.Stored, truth) {
			t.Fatalf("stored on %v, want the closest nodes %v", p.Stored, truth)
		}
		for _, id := range p.Stored {
			if v, err := client(t, net, id).Retrieve(key); err != nil || !slices.Equal(v, seg) {
				t.Fatalf("node %d holds %q, %v; want %q", id, v, err, seg)
			}
		}
		// Look it up from a node that does not hold it.
		from := uint32(rng.IntN(net.Len()))
		for slices.Contains(p.Stored, from) {
			from = uint32(rng.IntN(net.Len()))
		}
		stop, err := net.Lookup(from, key, dht.LookupOptions{StopOnFirstValue: true})
		if err != nil {
			t.Fatal(err)
		}
		full, err := net.Lookup(from, key, dht.LookupOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !stop.Summary.ValueFound || !slices.Equal(stop.Value, seg) || !stop.Summary.StoppedOnValue {
			t.Fatalf("lookup with stop: found %v value %q stopped %v", stop.Summary.ValueFound, stop.Value, stop.Summary.StoppedOnValue)
		}
		if !full.Summary.ValueFound || !slices.Equal(full.Value, seg) || full.Summary.StoppedOnValue {
			t.Fatalf("lookup without stop: found %v value %q stopped %v", full.Summary.ValueFound, full.Value, full.Summary.StoppedOnValue)
		}
		if stop.Summary.Attempts >= full.Summary.Attempts {
			t.Errorf("segment %d from node %d: %d attempts with stop on first value, %d without; want fewer",
				i, from, stop.Summary.Attempts, full.Summary.Attempts)
		}
		// A holder finds it locally, with no attempt at all.
		own, _ := net.Lookup(p.Stored[0], key, dht.LookupOptions{StopOnFirstValue: true})
		if !own.Summary.StoppedOnValue || own.Summary.Attempts != 0 || own.Summary.Delay != 0 || !slices.Equal(own.Value, seg) {
			t.Errorf("lookup from a holder: %+v", own.Summary)
		}
	}
	// A key nobody stores is not found.
	res, _ := net.Lookup(0, hashes.SegmentKeyString("never provided"), dht.LookupOptions{StopOnFirstValue: true})
	if res.Summary.ValueFound || res.Summary.StoppedOnValue || res.Value != nil {
		t.Errorf("lookup of a missing key: %+v", res.Summary)
	}
}

// Item 7: with a constant delay d and no errors, a lookup takes exactly
// ceil(Finished/alpha) * 2d; a provide adds the largest store delay, 2d.
func TestConstantDelay(t *testing.T) {
	const d = 7 * ms
	for _, alpha := range []int{1, 3, 5} {
		t.Run(fmt.Sprintf("alpha=%d", alpha), func(t *testing.T) {
			cfg := testConfig(1000)
			cfg.Network.ConnDelay = network.Fixed(d)
			cfg.Client.Alpha = alpha
			net := newNet(t, cfg)
			rng := rand.New(rand.NewPCG(7, uint64(alpha)))
			for i := range 60 {
				from := uint32(rng.IntN(net.Len()))
				res, err := net.Lookup(from, hashes.Key(rng.Uint64()), dht.LookupOptions{})
				if err != nil {
					t.Fatal(err)
				}
				s := res.Summary
				if s.Finished != s.Attempts || s.Successful != s.Finished || s.Failed != 0 {
					t.Fatalf("summary %+v: want every attempt finished and successful", s)
				}
				want := time.Duration((s.Finished+alpha-1)/alpha) * 2 * d
				if s.Delay != want {
					t.Fatalf("lookup %d: delay %v for %d requests, want ceil(%d/%d)*2*%v = %v", i, s.Delay, s.Finished, s.Finished, alpha, d, want)
				}

				p, err := net.Provide(from, []byte(fmt.Sprintf("seg %d", i)), dht.ProvideOptions{})
				if err != nil {
					t.Fatal(err)
				}
				ls := p.Lookup
				if want := time.Duration((ls.Finished+alpha-1)/alpha) * 2 * d; p.LookupDelay != want || ls.Delay != want {
					t.Fatalf("provide %d: lookup delay %v (summary %v), want %v", i, p.LookupDelay, ls.Delay, want)
				}
				wantProvide := 2 * d
				if len(p.Stored) == 1 && p.Stored[0] == from {
					wantProvide = 0 // only the origin stored it, locally
				}
				if p.ProvideDelay != wantProvide || p.OperationDelay != p.LookupDelay+p.ProvideDelay {
					t.Fatalf("provide %d: provide delay %v, operation %v; want %v and lookup+provide", i, p.ProvideDelay, p.OperationDelay, wantProvide)
				}
				remote := len(p.Stored)
				if slices.Contains(p.Stored, from) {
					remote--
				}
				if p.PeersContacted != ls.Attempts+remote {
					t.Fatalf("provide %d: %d peers contacted, want %d lookup attempts + %d stores", i, p.PeersContacted, ls.Attempts, remote)
				}
			}
		})
	}
}

// Item 7 (general form): with random delays and errors, every attempt
// starts on the least loaded of the alpha slots, and the lookup takes as
// long as its fullest slot; the stores of a provide start when the lookup
// ends. Checked against the attempt records.
func TestDelaySlots(t *testing.T) {
	cfg := testConfig(800)
	cfg.Network.FastErrorRate, cfg.Network.SlowErrorRate = 15, 10
	cfg.Network.ConnDelay = network.DelayRange{Min: 5 * ms, Max: 80 * ms}
	cfg.Network.FastDelay = network.DelayRange{Min: ms, Max: 3 * ms}
	cfg.Network.SlowDelay = network.DelayRange{Min: 500 * ms, Max: time.Second}
	cfg.Client.Alpha = 3
	net := newNet(t, cfg)
	cost := func(r network.Record) time.Duration {
		if r.Error == network.NoError {
			return 2 * r.TotalDelay
		}
		return r.TotalDelay
	}
	rng := rand.New(rand.NewPCG(8, 8))
	for i := range 40 {
		net.ResetMetrics()
		from := uint32(rng.IntN(net.Len()))
		p, err := net.Provide(from, []byte(fmt.Sprintf("slots %d", i)), dht.ProvideOptions{Op: uint64(i + 1)})
		if err != nil {
			t.Fatal(err)
		}
		recs := net.Records()
		if len(recs) != p.PeersContacted {
			t.Fatalf("%d records for %d peers contacted", len(recs), p.PeersContacted)
		}
		slots := make([]time.Duration, cfg.Client.Alpha)
		for _, r := range recs[:p.Lookup.Attempts] {
			best := 0
			for s := range slots {
				if slots[s] < slots[best] {
					best = s
				}
			}
			if r.Time != slots[best] {
				t.Fatalf("provide %d attempt %d starts at %v, the least loaded slot is at %v", i, r.Attempt, r.Time, slots[best])
			}
			slots[best] += cost(r)
		}
		if want := slices.Max(slots); p.LookupDelay != want {
			t.Fatalf("provide %d: lookup delay %v, fullest slot %v", i, p.LookupDelay, want)
		}
		var storeMax time.Duration
		for _, r := range recs[p.Lookup.Attempts:] {
			if r.Time != p.LookupDelay {
				t.Fatalf("store attempt starts at %v, want the end of the lookup %v", r.Time, p.LookupDelay)
			}
			storeMax = max(storeMax, cost(r))
		}
		if p.ProvideDelay != storeMax || p.OperationDelay != p.LookupDelay+storeMax {
			t.Fatalf("provide %d: provide delay %v, operation %v; largest store %v", i, p.ProvideDelay, p.OperationDelay, storeMax)
		}
	}
}

// Item 8: gamma overhead through a lookup, computed by hand. With alpha = 1,
// a lookup's attempts run one after the other from the origin, each to a
// peer it contacts once: attempt i (from 0) sees origin overhead
// (i+1)*gamma and remote overhead gamma, so it costs 2*(d + (i+2)*gamma).
func TestGammaThroughLookup(t *testing.T) {
	const d, gamma = 10 * ms, ms
	cfg := testConfig(500)
	cfg.Network.ConnDelay = network.Fixed(d)
	cfg.Network.Gamma = gamma
	cfg.Client.Alpha = 1
	net := newNet(t, cfg)
	for round := range 2 {
		res, err := net.Lookup(9, hashes.SegmentKeyString("gamma"), dht.LookupOptions{})
		if err != nil {
			t.Fatal(err)
		}
		f := res.Summary.Finished
		if f < 2 {
			t.Fatalf("only %d requests", f)
		}
		var want time.Duration
		for i, r := range net.Records() {
			origin := time.Duration(i+1) * gamma
			if r.OriginOverhead != origin || r.RemoteOverhead != gamma || r.TotalOverhead != origin+gamma || r.TotalDelay != d+origin+gamma {
				t.Fatalf("round %d attempt %d: %+v, want overheads %v + %v", round, i, r, origin, gamma)
			}
			want += 2 * (d + time.Duration(i+2)*gamma)
		}
		if res.Summary.Delay != want {
			t.Errorf("round %d: lookup delay %v, want %v", round, res.Summary.Delay, want)
		}
		if got := net.Links().Overhead(9); got != time.Duration(f)*gamma {
			t.Errorf("round %d: origin overhead %v, want %d*gamma", round, got, f)
		}
		net.ResetMetrics()
		if got := net.Links().Overhead(9); got != 0 {
			t.Errorf("after ResetMetrics: origin overhead %v", got)
		}
		if s := net.Summary(); s.Attempts != 0 || len(net.Records()) != 0 {
			t.Errorf("after ResetMetrics: %+v", s)
		}
		// The same lookup after a reset costs the same again (next round).
	}
}

// Item 10: accuracy strictly between 0 and 1 in a constructed case. Node
// "origin" knows two of the four true closest nodes to the key and two far
// nodes; every other table is empty, so no response brings a new peer and
// the lookup can only return what the origin knew. Exactly 2 of the true 4
// are in the result: accuracy 0.5.
func TestAccuracyFractionalHandBuilt(t *testing.T) {
	cfg := testConfig(200)
	cfg.Client.Beta, cfg.Client.StepsToStop = 4, 10
	net, err := dht.Spawn(cfg) // no tables
	if err != nil {
		t.Fatal(err)
	}
	key := hashes.SegmentKeyString("accuracy")
	truth := net.ClosestNodes(key, 4)
	far := net.ClosestNodes(^key, 3) // the three farthest nodes from key
	origin := client(t, net, far[0].ID)
	for _, id := range []uint32{truth[0].ID, truth[1].ID, far[1].ID, far[2].ID} {
		if changed, err := origin.AddPeer(id); err != nil || !changed {
			t.Fatalf("AddPeer(%d) = %v, %v", id, changed, err)
		}
	}
	res := origin.Lookup(key, dht.LookupOptions{TrackAccuracy: true})
	s := res.Summary
	t.Logf("accuracy %v, result %v", s.Accuracy, res.Closest)
	if !s.HasAccuracy() || s.Accuracy != 0.5 {
		t.Fatalf("accuracy %v, want 0.5", s.Accuracy)
	}
	if s.Attempts != 4 || s.Successful != 4 || s.PeersSeen != 4 {
		t.Errorf("summary %+v: want the 4 known peers contacted, no other seen", s)
	}
	want := []uint32{truth[0].ID, truth[1].ID}
	var got []uint32
	for _, p := range res.Closest[:2] {
		got = append(got, p.ID)
	}
	if !slices.Equal(got, want) || len(res.Closest) != 4 {
		t.Errorf("result %v, want the two known true closest first, 4 peers", res.Closest)
	}
	if res := origin.Lookup(key, dht.LookupOptions{}); res.Summary.HasAccuracy() || !math.IsNaN(res.Summary.Accuracy) {
		t.Errorf("untracked accuracy = %v, want NaN", res.Summary.Accuracy)
	}
}

// Item 10, second construction: a node added with AddNode and never
// bootstrapped is unknown to every table. Looking up its own key, the
// network-wide truth holds it (at distance 0) plus beta-1 old nodes; the
// lookup finds those old nodes (item 4) but cannot find it: accuracy is
// exactly (beta-1)/beta.
func TestAccuracyFractionalAddedNode(t *testing.T) {
	cfg := testConfig(1000)
	net := newNet(t, cfg)
	added, err := net.AddNode()
	if err != nil {
		t.Fatal(err)
	}
	if added.ID() != 1000 || net.Len() != 1001 || net.Summary().Nodes != 1001 {
		t.Fatalf("AddNode: id %d, Len %d", added.ID(), net.Len())
	}
	for _, from := range []uint32{0, 17, 500, 999} {
		res, err := net.Lookup(from, added.Key(), dht.LookupOptions{TrackAccuracy: true})
		if err != nil {
			t.Fatal(err)
		}
		want := float64(cfg.Client.Beta-1) / float64(cfg.Client.Beta)
		if res.Summary.Accuracy != want {
			t.Errorf("from %d: accuracy %v, want %v", from, res.Summary.Accuracy, want)
		}
		if slices.ContainsFunc(res.Closest, func(p routing.Peer) bool { return p.ID == added.ID() }) {
			t.Errorf("from %d: the lookup found the node nobody knows", from)
		}
	}
	// Once bootstrapped, the added node has the optimal table of the grown
	// network.
	if err := added.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	order := make([]uint32, net.Len())
	for i := range order {
		order[i] = uint32(i)
	}
	want, _ := incrementalPeers(t, keySpace(t, net), added.ID(), cfg.Client.K, order)
	opt, err := net.OptimalPeers(added.ID())
	if err != nil || !slices.Equal(added.RoutingPeers(), want) || !slices.Equal(opt, want) {
		t.Errorf("added node after Bootstrap: %d peers, OptimalPeers %d (%v), want %d", added.RoutingLen(), len(opt), err, len(want))
	}
}

// A provide from a node that is itself among the beta closest stores the
// segment locally, at no cost, and on the others over the network.
func TestProvideFromClosestNode(t *testing.T) {
	cfg := testConfig(1000)
	cfg.Network.ConnDelay = network.Fixed(5 * ms)
	net := newNet(t, cfg)
	seg := []byte("held by its provider")
	key := hashes.SegmentKey(seg)
	closest := net.ClosestNodes(key, cfg.Client.Beta)
	from := closest[3].ID
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
	if v, err := client(t, net, from).Retrieve(key); err != nil || !slices.Equal(v, seg) {
		t.Errorf("the provider holds %q, %v", v, err)
	}
	if p.ProvideDelay != 10*ms {
		t.Errorf("provide delay %v, want 2 * 5ms for the remote stores", p.ProvideDelay)
	}
}
