package benchmarks

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/crawler"
	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network/latency"
)

func q(xs []float64, p float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[int(p*float64(len(s)-1))]
}
func mean(xs []float64) float64 {
	t := 0.0
	for _, x := range xs {
		t += x
	}
	return t / float64(len(xs))
}

func TestZZAmino(t *testing.T) {
	t0 := time.Now()
	cfg := dht.ProfileDefaults(dht.ProfileAmino)
	cfg.Nodes = 20811
	lat, err := latency.FromSpec("ipfs", 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Network.Latency = lat
	cfg.Network.DiscardRecords = true
	net, err := dht.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("built", time.Since(t0))
	run := net.NewRun()
	rng := rand.New(rand.NewPCG(1, 1))
	var provD, stored, lhops []float64
	builder := uint32(1)
	for net.Links().Class(builder) != 0 {
		builder++
	}
	keys := []hashes.Key{}
	for i := 0; i < 50; i++ {
		seg := []byte(fmt.Sprintf("seg %d", i))
		keys = append(keys, hashes.SegmentKey(seg))
		run.Provide(time.Duration(i)*time.Second, builder, seg, dht.ProvideOptions{Op: uint64(i + 1)}, func(p dht.ProvideSummary) {
			provD = append(provD, p.OperationDelay.Seconds())
			stored = append(stored, float64(len(p.Stored)))
			lhops = append(lhops, float64(p.Lookup.Hops))
		})
	}
	if err := run.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	var fresh, warm, fhops []float64
	found := 0
	for i := 0; i < 300; i++ {
		o := uint32(rng.IntN(cfg.Nodes))
		for net.Links().Class(o) != 0 {
			o = uint32(rng.IntN(cfg.Nodes))
		}
		k := keys[i%50]
		at := run.Now() + time.Minute
		run.Lookup(at, o, k, dht.LookupOptions{StopOnFirstValue: true, Op: uint64(1000 + i)}, func(r dht.LookupResult) {
			fresh = append(fresh, r.Summary.Delay.Seconds())
			fhops = append(fhops, float64(r.Summary.Hops))
			if r.Summary.ValueFound {
				found++
			}
		})
		if err := run.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		// warm: same origin, a few lookups first then retrieval of another key
		for w := 0; w < 5; w++ {
			run.Lookup(run.Now()+time.Second, o, hashes.Key(rng.Uint64()), dht.LookupOptions{Op: uint64(100000 + i*10 + w)}, nil)
			run.Run(context.Background())
		}
		run.Lookup(run.Now()+time.Second, o, keys[(i+7)%50], dht.LookupOptions{StopOnFirstValue: true, Op: uint64(200000 + i)}, func(r dht.LookupResult) {
			warm = append(warm, r.Summary.Delay.Seconds())
		})
		run.Run(context.Background())
	}
	fmt.Printf("provide p50 %.2f p90 %.2f; stored p5 %.0f p50 %.0f p90 %.0f; provide-lookup hops p50 %.0f p90 %.0f\n", q(provD, .5), q(provD, .9), q(stored, .05), q(stored, .5), q(stored, .9), q(lhops, .5), q(lhops, .9))
	fmt.Printf("fresh retrieval mean %.3f p50 %.3f p90 %.3f found %d/300 hops %.2f; warm p50 %.3f mean %.3f\n", mean(fresh), q(fresh, .5), q(fresh, .9), found, mean(fhops), q(warm, .5), mean(warm))
	s, err := crawler.Crawl(context.Background(), net, crawler.Options{Bootstrap: []uint32{builder}, InFlight: 1000, Timeout: 15 * time.Second}, crawler.Output{})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("crawl %v found %d visited %d reachable %d failed %d\n", s.Duration, s.Found, s.Visited, s.Reachable, s.Failed)
	fmt.Println("total", time.Since(t0))
}
