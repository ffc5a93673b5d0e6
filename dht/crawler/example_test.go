package crawler_test

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/crawler"
	"github.com/go-dht/go-dht/network"
)

// Crawl a network of 1,000 nodes in which one connection attempt in ten is
// refused, from one bootstrap peer with 10 visits in flight, and print what
// it found against the ground truth. Every draw is seeded: the output is
// the same in every run.
func ExampleCrawl() {
	cfg := dht.DefaultConfig()
	cfg.Nodes = 1000
	cfg.Network.FastErrorRate = 10
	cfg.Network.ConnDelay = network.Fixed(50 * time.Millisecond) // a visit that connects costs 100ms
	net, err := dht.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	var visits bytes.Buffer
	s, err := crawler.Crawl(context.Background(), net,
		crawler.Options{Bootstrap: []uint32{0}, InFlight: 10, Retries: 1},
		crawler.Output{Visits: &visits})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("found %d of %d nodes (completeness %.2f), %d reached (%.3f of those online)\n",
		s.Found, s.Nodes, s.CompletenessStart(), s.Reachable, s.ReachedStart())
	fmt.Printf("%d visits, %d attempts: %d refused twice\n", s.Visited, s.Attempts, s.Refused)
	fmt.Printf("%d edges, at most %d visits in flight, %v of simulated time\n", s.Edges, s.MaxInFlight, s.Duration)
	lines := bytes.SplitN(visits.Bytes(), []byte("\n"), 3)
	fmt.Printf("%s\n%s\n", lines[0], lines[1])
	// Output:
	// found 1000 of 1000 nodes (completeness 1.00), 986 reached (0.986 of those online)
	// 1000 visits, 1106 attempts: 14 refused twice
	// 129173 edges, at most 10 visits in flight, 10.11s of simulated time
	// peer,via,start_s,end_s,outcome,attempts,slot,returned,learned,op,seed
	// 0,4294967295,0,0.1,ok,1,0,137,137,1,1
}
