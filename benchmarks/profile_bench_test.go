package benchmarks

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/go-dht/go-dht/benchmarks/param"
	"github.com/go-dht/go-dht/dht"
)

// profileSizes are the network sizes of BenchmarkProfileThroughput.
var profileSizes = []size{{10_000, false}, {1_000_000, false}}

// profileLookups is the number of lookups a round of
// BenchmarkProfileThroughput runs.
const profileLookups = 5000

// BenchmarkProfileThroughput measures what each protocol profile's realism
// costs: lookups per second of wall time, for random keys from random
// nodes, at 10^4 and 10^6 nodes, with each profile's defaults (amino: QUIC
// connections kept 96 a node, 26 % of nodes undialable, a failing peer
// removed; discv5: sessions and 25 % undialable). Profiles whose
// operations share state (connections, tables that lose failing peers)
// run on one shared clock, a lookup starting every millisecond; go-dht's
// own runs isolated lookups on every worker, and also on one shared clock
// (godht-shared), the fair baseline of the shared-clock profiles.
func BenchmarkProfileThroughput(b *testing.B) {
	p := env.p
	base := Spec{Bench: "BenchmarkProfileThroughput", Group: "realism", Name: "profile_throughput"}
	type variant struct {
		name    string
		profile dht.Profile
		shared  bool
	}
	for _, v := range []variant{{"godht", dht.ProfileGoDHT, false}, {"godht-shared", dht.ProfileGoDHT, true},
		{"kademlia", dht.ProfileKademlia, false}, {"amino", dht.ProfileAmino, true}, {"discv5", dht.ProfileDiscv5, true}} {
		ps := "profile=" + v.name
		b.Run(ps, func(b *testing.B) {
			eachSize(b, p, profileSizes, func(b *testing.B, sz string, n int) {
				benchProfileThroughput(b, base.Sub(ps).Sub(sz), p, n, v.profile, v.shared)
			})
		})
	}
}

func benchProfileThroughput(b *testing.B, spec Spec, p Params, n int, profile dht.Profile, shared bool) {
	// The profile's defaults, the flags' seed: what the rows say.
	q := Params{param.Defaults(profile, param.Retrieval)}
	q.Config.Network.Seed = p.Config.Network.Seed
	q = q.With(n, p.Config.Workers)
	r := env.s.Result(spec, q)
	cfg := q.NetConfig(n)
	cfg.Network.DiscardRecords = true
	var net *dht.DHTNetwork
	timePrep(b, r, func() (err error) {
		net, err = dht.New(cfg)
		runtime.GC()
		return err
	})
	var tasks []dht.LookupTask
	var hops, peers, done int64
	runRounds(b, r, roundFuncs{
		prep: func(round int) error {
			tasks = DHTTasks(PlanLookups(RoundRand(q.Config.Network.Seed, "profile_throughput", round), n, profileLookups, nil, uint64(round*profileLookups+1)))
			return nil
		},
		task: func(int) error {
			collect := func(_ int, res dht.LookupResult) {
				hops += int64(res.Summary.Hops)
				peers += int64(res.Summary.Attempts)
				done++
			}
			if !shared {
				return net.LookupMany(context.Background(), tasks, q.Config.Workers, collect)
			}
			// One shared clock: a lookup starts every millisecond, so that
			// a few hundred are in flight at once, interleaved.
			run := net.NewRun()
			for i, t := range tasks {
				if err := run.Lookup(time.Duration(i)*time.Millisecond, t.Origin, t.Key, t.Options, func(res dht.LookupResult) { collect(i, res) }); err != nil {
					return err
				}
			}
			return run.Run(context.Background())
		},
	})
	runtime.KeepAlive(net)
	if b.N > 0 && done > 0 {
		lps := float64(b.N*profileLookups) / b.Elapsed().Seconds()
		r.SetMetric("lookups/s", lps)
		b.ReportMetric(lps, "lookups/s")
		b.ReportMetric(float64(hops)/float64(done), "hops/lookup")
		b.ReportMetric(float64(peers)/float64(done), "peers/lookup")
	}
}
