package benchmarks

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/go-dht/go-dht/benchmarks/report"
	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/workload"
	"github.com/go-dht/go-dht/network/churn"
)

// latencyModels are the models of BenchmarkLookupLatencyModels.
var latencyModels = []string{"uniform", "discv5", "ipfs", "aws"}

// BenchmarkLookupLatencyModels runs the same -lookups lookups for random
// keys on a -n network under each latency model: uniform (-conn-delay) and
// the measured geographies of Ethereum's discv5 DHT, of IPFS, and of AWS's
// regions. It reports the simulated delay p50/p90/p99 (the data of the CDF
// chart) and the wall time per lookup, which shows what a regional draw
// costs.
func BenchmarkLookupLatencyModels(b *testing.B) {
	base := Spec{Bench: "BenchmarkLookupLatencyModels", Group: "workload", Name: "lookup_latency"}
	for _, model := range latencyModels {
		sub := "model=" + model
		b.Run(sub, func(b *testing.B) {
			p := env.p
			p.Latency = model
			if p.Config.Profile == dht.ProfilePyDHT && model != "uniform" {
				b.Skip("the py-dht profile has no geography")
			}
			r := workloadResult(base.Sub(sub), p)
			r.Model = model
			var net *dht.DHTNetwork
			timePrep(b, r, func() (err error) {
				net, err = newNetwork(p, p.Config.Nodes, p.Config.Workers, true)
				return err
			})
			runLookups(b, r, net, p, "lookup_latency", nil, 1, dht.LookupOptions{})
		})
	}
}

// churnSizes are the network sizes of BenchmarkChurn.
var churnSizes = []int{10_000, 100_000}

// BenchmarkChurn runs a network under IPFS churn (-churn, ipfs by default
// here) for 24 simulated hours: at hour 0 a builder provides 100 segments;
// every simulated hour, 100 nodes online then each look up one of them,
// and the tables of 100 online nodes are measured. Sub-benchmarks
// n=N/republish=R, without republish and with the builder providing again
// every -republish (1h by default); n=100000 runs when -scaling-max allows
// it. The network's
// maintenance comes from -fail-limit and -refresh. It reports the share
// found at the last hour, the replicas online, table health, and the wall
// time per simulated hour.
func BenchmarkChurn(b *testing.B) {
	base := Spec{Bench: "BenchmarkChurn", Group: "workload", Name: "churn"}
	for _, n := range churnSizes {
		size := fmt.Sprintf("n=%d", n)
		b.Run(size, func(b *testing.B) {
			if n > env.p.Bench.ScalingMax {
				b.Skipf("n=%d is above -scaling-max=%d", n, env.p.Bench.ScalingMax)
			}
			for _, republish := range []time.Duration{0, env.p.Bench.ChurnRepublish} {
				sub := fmt.Sprintf("republish=%v", republish)
				b.Run(sub, func(b *testing.B) { benchChurn(b, base.Sub(size).Sub(sub), n, republish) })
			}
		})
	}
}

const churnHours = 24

func benchChurn(b *testing.B, spec Spec, n int, republish time.Duration) {
	p := env.p
	if !p.Config.Network.Churn.Enabled() {
		var err error
		if p.Config.Network.Churn, err = churn.Parse("ipfs"); err != nil {
			b.Fatal(err)
		}
	}
	p.Bench.ChurnRepublish = republish // the row says what this run did: 0 is never
	r := env.s.Result(spec, p.With(n, p.Config.Workers))
	r.SeriesLabel = fmt.Sprintf("n=%s, republish every %s", report.FormatNumber(float64(n)), report.FormatDuration(republish.Seconds()))
	if republish == 0 {
		r.SeriesLabel = fmt.Sprintf("n=%s, no republish", report.FormatNumber(float64(n)))
	}
	cfg := p.NetConfig(n)
	cfg.Network.DiscardRecords = true
	w := workload.Availability{Segments: 100, Retrievers: 100, Samples: 1, SegmentSize: p.Bench.SegmentSize,
		Duration: churnHours * time.Hour, Every: time.Hour, Republish: republish, HealthNodes: 100}
	var net *dht.DHTNetwork
	runRounds(b, r, roundFuncs{
		prep: func(int) (err error) {
			net, err = dht.New(cfg)
			return err
		},
		task: func(round int) error {
			res, err := w.Run(context.Background(), net, p.Config.Network.Seed+uint64(round))
			if err != nil {
				return err
			}
			r.Series = res.Points
			return nil
		},
	})
	if len(r.Series) == 0 || b.N == 0 {
		return
	}
	last := r.Series[len(r.Series)-1]
	b.ReportMetric(100*last.Found, "found-24h-%")
	b.ReportMetric(last.Replicas, "replicas-online-24h")
	b.ReportMetric(100*last.TableOnline, "table-online-24h-%")
	b.ReportMetric(100*last.TableClosest, "table-closest-24h-%")
	perHour := b.Elapsed().Seconds() / float64(b.N) / churnHours
	b.ReportMetric(perHour*1e3, "wall-ms/sim-hour")
	r.SetMetric("wall-s/sim-hour", perHour)
}
