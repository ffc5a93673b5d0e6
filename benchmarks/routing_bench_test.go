package benchmarks

import (
	"testing"

	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/routing"
)

// routingBatch is the number of queries a round of BenchmarkRoutingClosestToHash,
// BenchmarkRoutingOptimalClosest and BenchmarkRoutingGetRoutingNodes runs:
// one takes a microsecond or less.
const routingBatch = 1000

// routingSink keeps the results of the routing benchmarks alive.
var routingSink int

// keySpace returns the key space of a network of n nodes.
func keySpace(seed uint64, n int) *routing.KeySpace {
	keys := make([]hashes.Key, n)
	for i := range keys {
		keys[i] = hashes.NodeKey(seed, uint32(i))
	}
	space := routing.NewKeySpace(n)
	space.AppendMany(keys)
	return space
}

// routingResult registers a benchmark of the routing group.
func routingResult(bench, name string, batch int) *Result {
	p := env.p
	r := env.s.Result(Spec{Bench: bench, Group: "routing", Name: name}, p.With(p.Config.Nodes, 1))
	r.BatchOps = batch
	return r
}

// routingNode returns the key space of a network of -n nodes and the node
// of it, drawn from the seed, that the routing benchmarks query.
func routingNode(p Params) (*routing.KeySpace, uint32) {
	return keySpace(p.Config.Network.Seed, p.Config.Nodes), uint32(RoundRand(p.Config.Network.Seed, "routing_self", 0).IntN(p.Config.Nodes))
}

// optimalTable returns the optimal table of the node of routingNode: what a
// bootstrapped node holds.
func optimalTable(p Params) (*routing.Table, error) {
	space, self := routingNode(p)
	return routing.NewIndex(space.Keys()).OptimalTable(self, space.Key(self), p.Config.Client.K, space)
}

// BenchmarkRoutingNewDiscoveredNode offers every node of a network of -n
// nodes, in a random order, to the empty routing table of one of them
// (routing.Table.Add): insertions while buckets fill, then the "closest"
// replacement policy once they are full. A round is -n Adds; ns/add is per
// call.
func BenchmarkRoutingNewDiscoveredNode(b *testing.B) {
	p := env.p
	r := routingResult("BenchmarkRoutingNewDiscoveredNode", "new_discv_node", p.Config.Nodes)
	var space *routing.KeySpace
	var order []int
	var self uint32
	timePrep(b, r, func() error {
		space = keySpace(p.Config.Network.Seed, p.Config.Nodes)
		rng := RoundRand(p.Config.Network.Seed, "new_discv_node", 0)
		self = uint32(rng.IntN(p.Config.Nodes))
		order = rng.Perm(p.Config.Nodes)
		return nil
	})
	runRounds(b, r, roundFuncs{task: func(int) error {
		t, err := routing.NewTable(self, space.Key(self), p.Config.Client.K, space)
		if err != nil {
			return err
		}
		for _, id := range order {
			t.Add(uint32(id))
		}
		routingSink += t.Len()
		return nil
	}})
	reportPerOp(b, "ns/add", p.Config.Nodes)
}

// BenchmarkRoutingClosestToHash asks the optimal table of a node for its k
// closest peers to random keys (routing.Table.AppendClosest into a reused
// buffer, as a node serving find-closest requests does).
func BenchmarkRoutingClosestToHash(b *testing.B) {
	p := env.p
	r := routingResult("BenchmarkRoutingClosestToHash", "closest_to_hash", routingBatch)
	var table *routing.Table
	var targets []hashes.Key
	timePrep(b, r, func() (err error) {
		table, err = optimalTable(p)
		targets = randomKeys(p.Config.Network.Seed, "closest_to_hash", routingBatch)
		return err
	})
	dst := make([]routing.Peer, 0, p.Config.Client.K)
	runRounds(b, r, roundFuncs{task: func(int) error {
		for _, key := range targets {
			dst = table.AppendClosest(dst[:0], key, p.Config.Client.K)
		}
		routingSink += len(dst)
		return nil
	}})
	reportPerOp(b, "ns/query", routingBatch)
}

// BenchmarkRoutingOptimalClosest asks the node of
// BenchmarkRoutingClosestToHash for its k closest peers to the same random
// keys, read from the network's sorted key index without building its
// table (routing.Index.AppendOptimalClosest, into a reused buffer): how a
// node of a network too large to hold every table answers find-closest
// requests. The answers are those of BenchmarkRoutingClosestToHash, so
// ns/query compares the two directly.
func BenchmarkRoutingOptimalClosest(b *testing.B) {
	p := env.p
	r := routingResult("BenchmarkRoutingOptimalClosest", "optimal_closest", routingBatch)
	var ix *routing.Index
	var self uint32
	var local hashes.Key
	var targets []hashes.Key
	timePrep(b, r, func() error {
		var space *routing.KeySpace
		space, self = routingNode(p)
		local = space.Key(self)
		ix = routing.NewIndex(space.Keys())
		targets = randomKeys(p.Config.Network.Seed, "closest_to_hash", routingBatch)
		return routing.ValidateK(p.Config.Client.K) // AppendOptimalClosest reads a bad k as an empty table
	})
	dst := make([]routing.Peer, 0, p.Config.Client.K)
	runRounds(b, r, roundFuncs{task: func(int) error {
		for _, key := range targets {
			dst = ix.AppendOptimalClosest(dst[:0], self, local, p.Config.Client.K, key, p.Config.Client.K)
		}
		routingSink += len(dst)
		return nil
	}})
	reportPerOp(b, "ns/query", routingBatch)
}

// BenchmarkRoutingGetRoutingNodes lists every peer of the optimal table of
// a node, bucket by bucket (routing.Table.Peers).
func BenchmarkRoutingGetRoutingNodes(b *testing.B) {
	p := env.p
	r := routingResult("BenchmarkRoutingGetRoutingNodes", "retrieve_rt", routingBatch)
	var table *routing.Table
	timePrep(b, r, func() (err error) {
		table, err = optimalTable(p)
		return err
	})
	runRounds(b, r, roundFuncs{task: func(int) error {
		for range routingBatch {
			routingSink += len(table.Peers())
		}
		return nil
	}})
	reportPerOp(b, "ns/call", routingBatch)
}
