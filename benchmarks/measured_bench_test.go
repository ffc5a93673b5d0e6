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
	"github.com/go-dht/go-dht/network/reach"
)

// The settings of BenchmarkAgainstMeasurements, as close to each published
// measurement as the model goes.
const (
	// ipfsNodes is the IPFS DHT of RFM 19: 20,811 peers found per crawl.
	ipfsNodes = 20811
	// grownNodes is the grown network of the table-health figures, smaller
	// than the real one so that the benchmark stays within 2 minutes
	// (hours of joins take a few seconds per 5,000 nodes).
	grownNodes = 5000
	// discv5Nodes is about the discv5 networks' nodes verified by a crawl.
	discv5Nodes = 20000
	// Workload: provides of one builder, retrievals from fresh and from
	// warm origins, the warm-up lookups of a warm origin.
	measProvides, measRetrievals, measWarmups = 50, 300, 5
)

// BenchmarkAgainstMeasurements runs each profile in the setting of a
// published measurement of a real network and sets go-dht's figure beside
// the published one with its source: the amino profile on an IPFS-sized
// network (20,811 nodes, IPFS geography, ProbeLab's 26 % undialable) for
// retrieval and provide latencies, provider record holders, walk hops and
// a Nebula-style crawl; grown amino tables for ProbeLab's routing table
// health; the discv5 profile for Ethereum's discovery network. Figures the
// model was calibrated to are marked so. It prints the table of the
// README's "Against measurements" and writes it as CSV with a chart of the
// ratios.
func BenchmarkAgainstMeasurements(b *testing.B) {
	p := env.p
	spec := Spec{Bench: "BenchmarkAgainstMeasurements", Group: "realism", Name: "against_measurements"}
	r := env.s.Result(spec, p)
	// Each figure runs a setting of its own (its CSV row says which): the
	// rounds carry only the seed and the workers, from the flags.
	r.Composite = true
	var rows []Measured
	runRounds(b, r, roundFuncs{task: func(int) error {
		var err error
		rows, err = againstMeasurements(context.Background(), p.Config.Network.Seed, p.Config.Workers)
		return err
	}})
	r.Measured = rows
	for _, m := range rows {
		if !m.Calibrated {
			b.ReportMetric(m.Ratio(), m.ID+"-ratio")
		}
	}
}

// againstMeasurements runs every setting and returns the rows, in the order
// of publishedFigures.
func againstMeasurements(ctx context.Context, seed uint64, workers int) ([]Measured, error) {
	got := map[string]float64{}
	runs := map[string]string{}
	ipfsGeo, err := latency.FromSpec("ipfs", seed)
	if err != nil {
		return nil, err
	}
	// The IPFS DHT under the amino profile.
	cfg := dht.ProfileDefaults(dht.ProfileAmino)
	cfg.Nodes, cfg.Workers = ipfsNodes, workers
	cfg.Network.Seed, cfg.Network.Latency, cfg.Network.DiscardRecords = seed, ipfsGeo, true
	net, err := dht.New(cfg)
	if err != nil {
		return nil, err
	}
	amino := fmt.Sprintf("amino, %d nodes, ipfs geography, %v undialable (%v dial timeout), QUIC, 96 connections a node", ipfsNodes, cfg.Network.Reach.Undialable, cfg.Network.Reach.DialTimeout)
	if err := aminoWorkload(ctx, net, seed, got); err != nil {
		return nil, err
	}
	for _, id := range []string{"walk-fresh", "lookup-warm", "provide-p50", "provide-p90", "holders-p50", "holders-p5", "hops-p50"} {
		runs[id] = amino
	}
	// A Nebula-style crawl of it: 1,000 visits in flight, a 15 s timeout.
	boot, err := crawler.PickBootstrap(ipfsNodes, 4, seed)
	if err != nil {
		return nil, err
	}
	s, err := crawler.Crawl(ctx, net, crawler.Options{Bootstrap: boot, InFlight: 1000, Timeout: 15 * time.Second}, crawler.Output{})
	if err != nil {
		return nil, err
	}
	got["crawl-duration"] = s.Duration.Seconds()
	got["crawl-undialable"] = 100 * float64(s.Found-s.Reachable) / float64(s.Found)
	runs["crawl-duration"] = "amino, dht/crawler over the network above: W = 1,000, 16 requests a visit, 15 s timeout, 4 bootstrap peers"
	runs["crawl-undialable"] = runs["crawl-duration"]

	// Routing table health of a network grown by joins under amino's rules.
	gcfg := dht.ProfileDefaults(dht.ProfileAmino)
	gcfg.Nodes, gcfg.Workers, gcfg.Fill = grownNodes, workers, dht.FillGrown
	gcfg.Network.Seed, gcfg.Network.Latency, gcfg.Network.DiscardRecords = seed, ipfsGeo, true
	grown, err := dht.New(gcfg)
	if err != nil {
		return nil, err
	}
	h, err := grown.Health(ctx, dht.HealthOptions{Seed: seed})
	if err != nil {
		return nil, err
	}
	got["know-all-20"], got["know-under-18"] = 100*h.KnowAll, 100*h.KnowFewer
	got["unreachable-full"], got["unreachable-other"] = 100*h.UnreachableFull, 100*h.UnreachableOther
	for _, id := range []string{"know-all-20", "know-under-18", "unreachable-full", "unreachable-other"} {
		runs[id] = fmt.Sprintf("amino, %d nodes grown by joins (a join a second, no churn), ipfs geography and reachability; health at the growth's end", grownNodes)
	}

	// Ethereum's discovery network under the discv5 profile.
	dcfg := dht.ProfileDefaults(dht.ProfileDiscv5)
	dcfg.Nodes, dcfg.Workers = discv5Nodes, workers
	discv5Geo, err := latency.FromSpec("discv5", seed)
	if err != nil {
		return nil, err
	}
	dcfg.Network.Seed, dcfg.Network.Latency, dcfg.Network.DiscardRecords = seed, discv5Geo, true
	dnet, err := dht.New(dcfg)
	if err != nil {
		return nil, err
	}
	got["discv5-stale"] = 100 * staleShare(dnet)
	runs["discv5-stale"] = fmt.Sprintf("discv5, %d nodes, discv5 geography, 25 %% undialable: the share of table entries undialable", discv5Nodes)
	dboot, err := crawler.PickBootstrap(discv5Nodes, 4, seed)
	if err != nil {
		return nil, err
	}
	ds, err := crawler.Crawl(ctx, dnet, crawler.Options{Bootstrap: dboot, InFlight: 1000, Timeout: 3 * time.Second}, crawler.Output{})
	if err != nil {
		return nil, err
	}
	got["discv5-crawl"] = ds.Duration.Seconds()
	runs["discv5-crawl"] = "discv5, dht/crawler over the network above: W = 1,000, 16 requests a visit, 3 s timeout (Nebula's discv5 UDP timeout)"

	rows := make([]Measured, 0, len(publishedFigures))
	for _, pub := range publishedFigures {
		v, ok := got[pub.ID]
		if !ok {
			return nil, fmt.Errorf("no go-dht figure for %s", pub.ID)
		}
		rows = append(rows, Measured{Published: pub, GoDHT: v, Run: runs[pub.ID]})
	}
	return rows, nil
}

// staleShare is the share of the entries of a sample of tables that are
// undialable.
func staleShare(net *dht.DHTNetwork) float64 {
	entries, stale := 0, 0
	for id := uint32(0); id < uint32(net.Len()); id += 10 {
		c, err := net.Client(id)
		if err != nil {
			continue
		}
		for _, p := range c.RoutingPeers() {
			entries++
			if net.Links().Class(p.ID) == reach.Undialable {
				stale++
			}
		}
	}
	return float64(stale) / float64(max(1, entries))
}

// aminoWorkload runs the provides, retrievals and lookups of the IPFS
// setting on net's shared clock and fills got with their figures.
func aminoWorkload(ctx context.Context, net *dht.DHTNetwork, seed uint64, got map[string]float64) error {
	run := net.NewRun()
	rng := rand.New(rand.NewPCG(seed, 0x6d6561737572)) // "measur"
	dialable := func() uint32 {
		for {
			if id := uint32(rng.IntN(net.Len())); net.Links().Class(id) == reach.Dialable {
				return id
			}
		}
	}
	builder := dialable()
	var provide, stored, hops []float64
	keys := make([]hashes.Key, measProvides)
	op := uint64(1)
	for i := range keys {
		seg := []byte(fmt.Sprintf("record %d", i))
		keys[i] = hashes.SegmentKey(seg)
		if err := run.Provide(time.Duration(i)*time.Second, builder, seg, dht.ProvideOptions{Op: op}, func(p dht.ProvideSummary) {
			provide = append(provide, p.OperationDelay.Seconds())
			stored = append(stored, float64(len(p.Stored)))
			hops = append(hops, float64(p.Lookup.Hops))
		}); err != nil {
			return err
		}
		op++
	}
	if err := run.Run(ctx); err != nil {
		return err
	}
	// Retrievals, one at a time: from a fresh origin (no connection open
	// yet), then from the same origin warmed by a few lookups.
	var fresh, warm []float64
	for i := range measRetrievals {
		origin := dialable()
		retrieve := func(key hashes.Key, into *[]float64) error {
			err := run.Lookup(run.Now()+time.Second, origin, key, dht.LookupOptions{StopOnFirstValue: true, Op: op}, func(r dht.LookupResult) {
				if r.Summary.ValueFound { // RFM 7 and Parsec count successful retrievals
					*into = append(*into, r.Summary.Delay.Seconds())
				}
			})
			op++
			if err != nil {
				return err
			}
			return run.Run(ctx)
		}
		if err := retrieve(keys[i%measProvides], &fresh); err != nil {
			return err
		}
		for range measWarmups {
			if err := run.Lookup(run.Now()+time.Second, origin, hashes.Key(rng.Uint64()), dht.LookupOptions{Op: op}, nil); err != nil {
				return err
			}
			op++
			if err := run.Run(ctx); err != nil {
				return err
			}
		}
		if err := retrieve(keys[(i+7)%measProvides], &warm); err != nil {
			return err
		}
	}
	got["walk-fresh"] = mean(fresh)
	got["lookup-warm"] = quantile(warm, 0.5)
	got["provide-p50"], got["provide-p90"] = quantile(provide, 0.5), quantile(provide, 0.9)
	got["holders-p50"], got["holders-p5"] = quantile(stored, 0.5), quantile(stored, 0.05)
	got["hops-p50"] = quantile(hops, 0.5)
	return nil
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(max(1, len(xs)))
}

// quantile returns the q-quantile of xs (nearest rank).
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[int(q*float64(len(s)-1)+0.5)]
}
