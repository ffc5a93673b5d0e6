package benchmarks

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/network/churn"
	"github.com/go-dht/go-dht/network/latency"
)

func TestZZHealth(t *testing.T) {
	for _, ch := range []string{"none", "ipfs-mix"} {
		t0 := time.Now()
		cfg := dht.ProfileDefaults(dht.ProfileAmino)
		cfg.Nodes = 5000
		cfg.Fill = dht.FillGrown
		lat, _ := latency.FromSpec("ipfs", 1)
		cfg.Network.Latency = lat
		cfg.Network.Churn, _ = churn.Parse(ch)
		cfg.Network.DiscardRecords = true
		net, err := dht.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := net.GrowthStats()
		h, _ := net.Health(context.Background(), dht.HealthOptions{})
		fmt.Println(ch, time.Since(t0), st.End, st.Deferred, h)
		for b, bh := range h.Buckets {
			if b < 14 {
				fmt.Printf(" b%d %.1f/%.1f u%.2f", b, bh.Entries, bh.Expected, bh.Unreachable)
			}
		}
		fmt.Println()
	}
}
