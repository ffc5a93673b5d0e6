package dht_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/dhttest"
	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/routing"
)

// keySpace returns the keys of every client of net, by id.
func keySpace(t testing.TB, net *dht.DHTNetwork) *routing.KeySpace {
	t.Helper()
	space := routing.NewKeySpace(net.Len())
	for id := range uint32(net.Len()) {
		space.Append(dhttest.Client(t, net, id).Key())
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

// Under the closest fill, the tables built by dht.New and by BootstrapAll,
// with 1, 2 or 8 workers, equal the tables built by adding every node one
// at a time under the Closest policy, for several seeds and k (1 and 20
// among them); one seed gives the same tables whatever the number of
// workers.
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
					cfg := dhttest.Config(n, 1)
					cfg.Network.Seed, cfg.Client.K, cfg.Client.Beta, cfg.Workers = seed, k, k, workers
					cfg.Fill = dht.FillClosest
					var net *dht.DHTNetwork
					if workers == 2 { // the two-step path: Spawn, then BootstrapAll
						var err error
						cfg.Workers = 1
						if net, err = dht.Spawn(cfg); err != nil {
							t.Fatal(err)
						}
						if got := dhttest.Client(t, net, 0).RoutingLen(); got != 0 {
							t.Fatalf("a spawned client holds %d peers before BootstrapAll", got)
						}
						if err := net.BootstrapAll(context.Background(), workers); err != nil {
							t.Fatal(err)
						}
					} else {
						net = dhttest.New(t, cfg)
					}
					if ref == nil {
						ref = net
						continue
					}
					for id := range uint32(n) {
						want, got := dhttest.Client(t, ref, id), dhttest.Client(t, net, id)
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
					c := dhttest.Client(t, ref, self)
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

// DHTNetwork.ClosestNodes is the network-wide truth: the nearest
// nodes by brute force over every client, sorted, without duplicates.
func TestClosestNodes(t *testing.T) {
	net := dhttest.New(t, dhttest.Config(1500, 1))
	all := dhttest.Peers(t, net)
	rng := rand.New(rand.NewPCG(4, 4))
	for i := range 200 {
		key := hashes.Key(rng.Uint64())
		if i%4 == 0 {
			key = all[rng.IntN(len(all))].Key // a node's own key
		}
		count := []int{1, 5, 20, 100, len(all) + 3}[i%5]
		want := dhttest.BruteClosest(all, key, count)
		if got := net.ClosestNodes(key, count); !slices.Equal(got, want) {
			t.Fatalf("ClosestNodes(%s, %d):\ngot  %v\nwant %v", key, count, got, want)
		}
	}
}
