package benchmarks

import (
	"runtime"
	"testing"

	"github.com/go-dht/go-dht/dht"
)

// networkSink keeps the results of the network benchmarks alive.
var networkSink int

// networkResult registers a benchmark of the network group.
func networkResult(bench, name string, workers, batch int) *Result {
	p := env.p
	r := env.s.Result(Spec{Bench: bench, Group: "network", Name: name}, p.With(p.Config.Nodes, workers))
	r.BatchOps = batch
	return r
}

// BenchmarkNetworkInitialization spawns -n clients with their keys and no
// routing tables (dht.Spawn).
func BenchmarkNetworkInitialization(b *testing.B) {
	p := env.p
	r := networkResult("BenchmarkNetworkInitialization", "n_initialization", 1, p.Config.Nodes)
	runRounds(b, r, roundFuncs{task: func(int) error {
		net, err := spawn(p, p.Config.Nodes)
		if err == nil {
			networkSink += net.Len()
		}
		return err
	}})
	reportPerOp(b, "ns/node", p.Config.Nodes)
}

// spawnIndexed spawns a network and builds its sorted key index, which the
// first table request of a network builds (and FastBootstrap times).
func spawnIndexed(p Params) (*dht.DHTNetwork, error) {
	net, err := spawn(p, p.Config.Nodes)
	if err != nil {
		return nil, err
	}
	_, err = net.OptimalPeers(0)
	return net, err
}

// BenchmarkNetworkBootstrapNode computes the optimal routing peers of one
// random node of a spawned network (DHTNetwork.OptimalPeers): what its
// Bootstrap gives it. A round is one node, as in the reference.
func BenchmarkNetworkBootstrapNode(b *testing.B) {
	p := env.p
	r := networkResult("BenchmarkNetworkBootstrapNode", "bootstrap_node", 1, 0)
	var net *dht.DHTNetwork
	timePrep(b, r, func() (err error) {
		net, err = spawnIndexed(p)
		return err
	})
	runRounds(b, r, roundFuncs{task: func(round int) error {
		peers, err := net.OptimalPeers(uint32(pick(p.Config.Network.Seed, "bootstrap_node", round, p.Config.Nodes)))
		networkSink += len(peers)
		return err
	}})
}

// BenchmarkNetworkBootstrapNetwork computes the optimal routing peers of
// every node, one node at a time on one goroutine: -n optimal-table builds
// per round, the reference's way of bootstrapping a network. Each build
// reads O(k log N) keys of the sorted index, so a round grows as
// N·k·log N, where the reference's grew as N².
func BenchmarkNetworkBootstrapNetwork(b *testing.B) {
	p := env.p
	r := networkResult("BenchmarkNetworkBootstrapNetwork", "bootstrap_network", 1, p.Config.Nodes)
	var net *dht.DHTNetwork
	timePrep(b, r, func() (err error) {
		net, err = spawnIndexed(p)
		return err
	})
	runRounds(b, r, roundFuncs{task: func(int) error {
		for id := range p.Config.Nodes {
			peers, err := net.OptimalPeers(uint32(id))
			if err != nil {
				return err
			}
			networkSink += len(peers)
		}
		return nil
	}})
	reportPerOp(b, "ns/node", p.Config.Nodes)
}

// benchFastBootstrap times BootstrapAll (sorted index, then every optimal
// table, sharded over workers goroutines) on a freshly spawned network.
func benchFastBootstrap(b *testing.B, r *Result, workers int) {
	p := env.p
	var net *dht.DHTNetwork
	runRounds(b, r, roundFuncs{
		prep: func(int) (err error) {
			net = nil
			runtime.GC() // the previous round's network is garbage: collect it untimed
			net, err = spawn(p, p.Config.Nodes)
			return err
		},
		task: func(int) error { return bootstrap(net, workers) },
	})
	reportPerOp(b, "ns/node", p.Config.Nodes)
}

// BenchmarkNetworkFastBootstrap builds every routing table of a spawned
// network with one worker (DHTNetwork.BootstrapAll).
func BenchmarkNetworkFastBootstrap(b *testing.B) {
	benchFastBootstrap(b, networkResult("BenchmarkNetworkFastBootstrap", "fast_bootstrap_network", 1, env.p.Config.Nodes), 1)
}

// BenchmarkNetworkFastThreadedBootstrap builds every routing table of a
// spawned network with -workers workers.
func BenchmarkNetworkFastThreadedBootstrap(b *testing.B) {
	w := env.p.Config.Workers
	benchFastBootstrap(b, networkResult("BenchmarkNetworkFastThreadedBootstrap", "fast_threaded_bootstrap_network", w, env.p.Config.Nodes), w)
}
