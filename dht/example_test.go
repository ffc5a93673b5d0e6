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
	cfg.Network.ConnDelay = network.Fixed(50 * time.Millisecond)
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
	fmt.Printf("lookup: value %q found %v, stopped on it %v\n", res.Value, s.ValueFound, s.StoppedOnValue)
	fmt.Printf("lookup: %d attempts (%d ok, %d failed), %d peers seen, %d hops, delay %v, accuracy %.2f\n",
		s.Attempts, s.Successful, s.Failed, s.PeersSeen, s.Hops, s.Delay, s.Accuracy)

	sum := net.Summary()
	fmt.Printf("network: %d nodes, %d attempts = %d successes + %d failures\n",
		sum.Nodes, sum.Attempts, sum.Successes, sum.Failures)
	// Output:
	// provide: stored on 20 peers, 0 failed, delay 200ms + 100ms = 300ms
	// lookup: value "block 1, cell 0" found true, stopped on it true
	// lookup: 2 attempts (2 ok, 0 failed), 41 peers seen, 2 hops, delay 100ms, accuracy 1.00
	// network: 1000 nodes, 26 attempts = 26 successes + 0 failures
}
