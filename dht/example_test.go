package dht_test

import (
	"fmt"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network"
)

// Spawn a network, provide a segment from one node, look it up from
// another, and print what the lookup and the network measured. Every draw
// is seeded, so the output is the same in every run and with any number of
// workers.
func Example() {
	cfg := dht.DefaultConfig()
	cfg.Nodes = 1000
	cfg.Workers = 2
	cfg.Network.ConnDelay = network.Fixed(50 * time.Millisecond) // one way: a request costs 100ms
	// The defaults: tables of k = 20 random members per bucket, and the
	// Kademlia paper's rule, a lookup ends when the 20 closest peers it
	// knows that did not fail have answered: a provide reaches the 20
	// closest nodes.
	net, err := dht.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}

	segment := []byte("block 1, cell 0")
	p, err := net.Provide(0, segment, dht.ProvideOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("provide: stored on %d peers, %d failed, delay %v + %v = %v\n",
		len(p.Stored), len(p.Failed), p.LookupDelay, p.ProvideDelay, p.OperationDelay)

	res, err := net.Lookup(500, hashes.SegmentKey(segment), dht.LookupOptions{TrackAccuracy: true, StopOnFirstValue: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := res.Summary
	fmt.Printf("lookup: value %q found %v, ended by %v\n", res.Value, s.ValueFound, s.Reason)
	fmt.Printf("lookup: %d attempts (%d ok, %d failed, %d abandoned), %d peers seen, %d hops, delay %v\n",
		s.Attempts, s.Successful, s.Failed, s.Abandoned, s.PeersSeen, s.Hops, s.Delay)

	sum := net.Summary()
	fmt.Printf("network: %d nodes, %d attempts = %d successes + %d failures\n",
		sum.Nodes, sum.Attempts, sum.Successes, sum.Failures)
	// Output:
	// provide: stored on 20 peers, 0 failed, delay 800ms + 100ms = 900ms
	// lookup: value "block 1, cell 0" found true, ended by value
	// lookup: 3 attempts (1 ok, 0 failed, 2 abandoned), 38 peers seen, 1 hops, delay 100ms
	// network: 1000 nodes, 48 attempts = 48 successes + 0 failures
}
