package dht_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/dhttest"
	"github.com/go-dht/go-dht/routing"
)

func TestZZGrowTime(t *testing.T) {
	for _, n := range []int{30000} {
		cfg := dht.DefaultConfig()
		cfg.Nodes, cfg.Fill, cfg.Client.Policy, cfg.Network.DiscardRecords = n, dht.FillGrown, routing.Oldest, true
		t0 := time.Now()
		net := dhttest.New(t, cfg)
		st, _ := net.GrowthStats()
		fmt.Println(n, time.Since(t0), st)
	}
}
