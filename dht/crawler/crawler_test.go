package crawler_test

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/crawler"
	"github.com/go-dht/go-dht/dht/dhttest"
	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/network/churn"
	"github.com/go-dht/go-dht/routing"
)

const ms = time.Millisecond

// crawlRun is what one crawl left: its summary, visits, and CSVs.
type crawlRun struct {
	sum                 crawler.Summary
	visits              []crawler.Visit
	visitsCSV, edgesCSV bytes.Buffer
}

// crawl runs a crawl of net with opts, keeping everything it outputs, or
// fails the test.
func crawl(t testing.TB, net *dht.DHTNetwork, opts crawler.Options) *crawlRun {
	t.Helper()
	r := &crawlRun{}
	sum, err := crawler.Crawl(context.Background(), net, opts, crawler.Output{
		Visits: &r.visitsCSV, Edges: &r.edgesCSV,
		OnVisit: func(v crawler.Visit) { r.visits = append(r.visits, v) },
	})
	if err != nil {
		t.Fatal(err)
	}
	r.sum = sum
	return r
}

// visitedSet returns the ids of the visited peers, sorted.
func visitedSet(visits []crawler.Visit) []uint32 {
	ids := make([]uint32, len(visits))
	for i, v := range visits {
		ids[i] = v.Peer
	}
	slices.Sort(ids)
	return ids
}

// maxOverlap returns the most visits in flight at once, from the visit
// records alone: intervals [Start, End), so a visit that ends when another
// starts does not overlap it.
func maxOverlap(visits []crawler.Visit) int {
	type edge struct {
		at    time.Duration
		delta int
	}
	var edges []edge
	for _, v := range visits {
		edges = append(edges, edge{v.Start, +1}, edge{v.End, -1})
	}
	// Ends before starts at the same time.
	slices.SortFunc(edges, func(a, b edge) int { return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.delta, b.delta)) })
	most, cur := 0, 0
	for _, e := range edges {
		cur += e.delta
		most = max(most, cur)
	}
	return most
}

// With no errors and no churn a crawl finds and visits every node, all
// reachable: completeness 1 at the start and at the end, no ghosts.
func TestCrawlFindsEveryNode(t *testing.T) {
	for _, n := range []int{1, 2, 50, 3000} {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			net := dhttest.New(t, dhttest.Config(n, 5))
			r := crawl(t, net, crawler.Options{Bootstrap: []uint32{uint32(n - 1)}, InFlight: 10})
			s := r.sum
			if s.Found != n || s.Visited != n || s.Reachable != n || s.Failed != 0 || s.Queued != 0 {
				t.Fatalf("found %d, visited %d, reachable %d, failed %d, queued %d; want %d, all reachable", s.Found, s.Visited, s.Reachable, s.Failed, s.Queued, n)
			}
			if s.CompletenessStart() != 1 || s.CompletenessEnd() != 1 || s.Ghosts != 0 || s.ReachedStart() != 1 || s.ReachedEnd() != 1 {
				t.Fatalf("completeness %v / %v, reached %v / %v, ghosts %d", s.CompletenessStart(), s.CompletenessEnd(), s.ReachedStart(), s.ReachedEnd(), s.Ghosts)
			}
			want := make([]uint32, n)
			for i := range want {
				want[i] = uint32(i)
			}
			if got := visitedSet(r.visits); !slices.Equal(got, want) {
				t.Fatalf("visited %d distinct peers of %d", len(slices.Compact(got)), n)
			}
			if r.visits[0].Peer != uint32(n-1) || r.visits[0].Via != crawler.Origin || r.visits[0].Start != 0 {
				t.Errorf("first visit %+v, want the bootstrap peer from Origin at 0", r.visits[0])
			}
		})
	}
}

// The edges a crawl records are exactly the entries of the tables it asked
// for: each answer is the visited peer's Closest(key, k) for a key at
// common prefix length i, for i = 0..Requests-1, and the visit's edges are
// the distinct peers of its answers, in the order first named.
func TestEdgesAreTheTablesAnswers(t *testing.T) {
	const n, requests = 1500, 12
	net := dhttest.New(t, dhttest.Config(n, 9))
	k := net.Config().Client.K
	want := map[uint32][]uint32{} // visited peer -> its edges, from the answers
	prefixes := map[uint32][]int{}
	var edgesCSV bytes.Buffer
	var visits []crawler.Visit
	sum, err := crawler.Crawl(context.Background(), net, crawler.Options{Bootstrap: []uint32{3, 77, 3}, InFlight: 40, Requests: requests},
		crawler.Output{
			Edges:   &edgesCSV,
			OnVisit: func(v crawler.Visit) { visits = append(visits, v) },
			OnAnswer: func(peer uint32, prefix int, key hashes.Key, answer []routing.Peer) {
				c := dhttest.Client(t, net, peer)
				if got := hashes.CommonPrefixLen(key, c.Key()); got != prefix {
					t.Fatalf("peer %d request %d: key shares %d bits with the peer", peer, prefix, got)
				}
				if truth := c.Closest(key, k); !slices.Equal(answer, truth) {
					t.Fatalf("peer %d request %d: answer %v, the table's closest %v", peer, prefix, answer, truth)
				}
				prefixes[peer] = append(prefixes[peer], prefix)
				for _, p := range answer {
					if !slices.Contains(want[peer], p.ID) {
						want[peer] = append(want[peer], p.ID)
					}
				}
			},
		})
	if err != nil {
		t.Fatal(err)
	}
	rows := dhttest.ReadCSV(t, edgesCSV.Bytes())
	if strings.Join(rows[0], ",") != crawler.EdgesHeader {
		t.Fatalf("edges header %v", rows[0])
	}
	got := map[uint32][]uint32{}
	for _, row := range rows[1:] {
		from, _ := strconv.ParseUint(row[0], 10, 32)
		to, _ := strconv.ParseUint(row[1], 10, 32)
		got[uint32(from)] = append(got[uint32(from)], uint32(to))
	}
	if int64(len(rows)-1) != sum.Edges {
		t.Errorf("%d edges in the CSV, the summary says %d", len(rows)-1, sum.Edges)
	}
	for _, v := range visits {
		if !slices.Equal(prefixes[v.Peer], []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}) {
			t.Fatalf("peer %d was asked prefixes %v", v.Peer, prefixes[v.Peer])
		}
		if !slices.Equal(got[v.Peer], want[v.Peer]) {
			t.Fatalf("peer %d: edges %v, its answers' distinct peers %v", v.Peer, got[v.Peer], want[v.Peer])
		}
		if int(v.Returned) != len(want[v.Peer]) {
			t.Fatalf("peer %d: returned %d, %d distinct peers", v.Peer, v.Returned, len(want[v.Peer]))
		}
		table := dhttest.Client(t, net, v.Peer).RoutingPeers()
		for _, to := range got[v.Peer] {
			if !slices.ContainsFunc(table, func(p routing.Peer) bool { return p.ID == to }) {
				t.Fatalf("edge %d -> %d is not an entry of %d's table", v.Peer, to, v.Peer)
			}
		}
	}
	// Every peer but the bootstrap ones (3 given, one twice) was learned
	// from exactly one visit.
	learned := 0
	for _, v := range visits {
		learned += int(v.Learned)
	}
	if learned != sum.Found-2 {
		t.Errorf("learned %d, found %d from 2 bootstrap peers", learned, sum.Found)
	}
}

// With W = 1 and constant delays the crawl is a sequence: each visit
// starts when the one before ended, an answered visit costs one round trip
// 2 x d, a refused one the fast delay, and the crawl takes exactly the sum
// of its visits' costs.
func TestSerialCrawlTakesTheSumOfItsVisits(t *testing.T) {
	const d, fast = 10 * ms, 3 * ms
	cfg := dhttest.Config(800, 2)
	cfg.Network.FastErrorRate = 20
	cfg.Network.FastDelay = network.Fixed(fast)
	net := dhttest.New(t, cfg)
	r := crawl(t, net, crawler.Options{Bootstrap: []uint32{0}, InFlight: 1, Start: time.Hour})
	var sum time.Duration
	prev := time.Hour
	for i, v := range r.visits {
		want := 2 * d
		if v.Outcome == crawler.Refused {
			want = fast
		}
		if v.Duration() != want || v.Start != prev || v.Slot != 0 {
			t.Fatalf("visit %d %+v: cost %v, start %v, want %v from %v in slot 0", i, v, v.Duration(), v.Start, want, prev)
		}
		prev = v.End
		sum += v.Duration()
	}
	s := r.sum
	if s.Duration != sum || s.Start != time.Hour || s.End != time.Hour+sum {
		t.Fatalf("duration %v from %v to %v; the visits cost %v", s.Duration, s.Start, s.End, sum)
	}
	if s.Refused == 0 || s.Reachable == 0 || s.MaxInFlight != 1 {
		t.Fatalf("refused %d, reachable %d, in flight %d: want both outcomes, one at a time", s.Refused, s.Reachable, s.MaxInFlight)
	}
}

// With W visits in flight the number in flight never exceeds W (checked
// from the visit records), the crawl visits the same peers with the same
// outcomes (each peer's draws are its own), and it is never slower than
// the serial crawl, nor faster than the serial crawl's time spread over W
// places.
func TestInFlightBoundAndSpeed(t *testing.T) {
	cfg := dhttest.Config(1200, 4)
	cfg.Network.ConnDelay = network.DelayRange{Min: 5 * ms, Max: 80 * ms}
	cfg.Network.FastErrorRate, cfg.Network.SlowErrorRate = 10, 5
	cfg.Network.SlowDelay = network.Fixed(300 * ms)
	net := dhttest.New(t, cfg)
	serial := crawl(t, net, crawler.Options{Bootstrap: []uint32{7}, InFlight: 1})
	var work time.Duration
	outcomes := map[uint32]crawler.Outcome{}
	for _, v := range serial.visits {
		work += v.Duration()
		outcomes[v.Peer] = v.Outcome
	}
	for _, w := range []int{1, 2, 3, 10, 125, 1000, 5000} {
		t.Run(fmt.Sprintf("W=%d", w), func(t *testing.T) {
			r := crawl(t, net, crawler.Options{Bootstrap: []uint32{7}, InFlight: w})
			got := maxOverlap(r.visits)
			if got > w || got != r.sum.MaxInFlight {
				t.Fatalf("%d visits in flight at once (summary: %d), W = %d", got, r.sum.MaxInFlight, w)
			}
			for _, v := range r.visits {
				if v.Slot < 0 || int(v.Slot) >= w {
					t.Fatalf("visit %+v holds slot %d of %d", v, v.Slot, w)
				}
				if outcomes[v.Peer] != v.Outcome {
					t.Fatalf("peer %d: %v, serially %v", v.Peer, v.Outcome, outcomes[v.Peer])
				}
			}
			if !slices.Equal(visitedSet(r.visits), visitedSet(serial.visits)) {
				t.Fatalf("visited %d peers, serially %d", len(r.visits), len(serial.visits))
			}
			if d := r.sum.Duration; d > serial.sum.Duration || d < work/time.Duration(w) {
				t.Fatalf("duration %v; serial %v, serial / W = %v", d, serial.sum.Duration, work/time.Duration(w))
			}
		})
	}
}

// Under fast errors a crawl reaches fewer peers and, when few tables
// name each node (k = 2 here; at k = 20 every node is named by hundreds),
// finds fewer: completeness falls. Retries raise both, and a failed visit
// has used every retry.
func TestErrorsLowerCompletenessRetriesRaiseIt(t *testing.T) {
	cfg := dhttest.Config(2000, 3)
	cfg.Client.K, cfg.Client.Beta = 2, 2
	boot := []uint32{1, 2, 3, 4, 5, 6, 7, 8}
	clean := crawl(t, dhttest.New(t, cfg), crawler.Options{Bootstrap: boot})
	cfg.Network.FastErrorRate = 85
	net := dhttest.New(t, cfg)
	bare := crawl(t, net, crawler.Options{Bootstrap: boot})
	retried := crawl(t, net, crawler.Options{Bootstrap: boot, Retries: 4})
	c0, c1, c2 := clean.sum.CompletenessStart(), bare.sum.CompletenessStart(), retried.sum.CompletenessStart()
	r0, r1, r2 := clean.sum.ReachedStart(), bare.sum.ReachedStart(), retried.sum.ReachedStart()
	if !(c0 == 1 && c1 < 0.99 && c2 > c1 && r0 == 1 && r1 < 0.2 && r2 > 2*r1) {
		t.Fatalf("completeness (found): %v without errors, %v with 85%% refused, %v with 4 retries; reached %v, %v, %v", c0, c1, c2, r0, r1, r2)
	}
	if bare.sum.Attempts != bare.sum.Visited || retried.sum.Attempts <= retried.sum.Visited {
		t.Errorf("attempts %d for %d visits without retries, %d for %d with", bare.sum.Attempts, bare.sum.Visited, retried.sum.Attempts, retried.sum.Visited)
	}
	attempts := 0
	for _, v := range retried.visits {
		attempts += int(v.Attempts)
		if v.Outcome != crawler.OK && v.Attempts != 5 || v.Outcome == crawler.OK && v.Attempts > 5 {
			t.Fatalf("visit %+v: %v after %d attempts, 1 + 4 retries allowed", v, v.Outcome, v.Attempts)
		}
	}
	if attempts != retried.sum.Attempts {
		t.Errorf("visits made %d attempts, the summary says %d", attempts, retried.sum.Attempts)
	}
	t.Logf("completeness %.3f -> %.3f with retries; reached %.3f -> %.3f", c1, c2, r1, r2)
}

// Under churn the nodes online at the start and at the end of a crawl
// differ, and so does the crawl's completeness against each: the summary
// says both, and its counts are the ground truth (recomputed here from
// the visits and the network's liveness). Visits of offline nodes end at
// min(slow delay, timeout); found peers offline at the end are ghosts.
func TestChurnCompletenessAtStartAndEnd(t *testing.T) {
	m, err := churn.Parse("exp:10m,30m")
	if err != nil {
		t.Fatal(err)
	}
	cfg := dhttest.Config(600, 11)
	cfg.Client.K, cfg.Client.Beta = 2, 2
	// The closest fill names each node in the tables of its few
	// neighbours only: a crawl misses some of the nodes online at one end
	// and not at the other, which this test needs.
	cfg.Fill = dht.FillClosest
	cfg.Network.Churn = m
	cfg.Network.ConnDelay = network.Fixed(500 * ms)
	cfg.Network.SlowDelay = network.Fixed(5 * time.Second)
	net := dhttest.New(t, cfg)
	// One visit at a time: the crawl lasts longer than a session.
	r := crawl(t, net, crawler.Options{Bootstrap: []uint32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, InFlight: 1, Timeout: 2 * time.Second})
	s := r.sum
	if s.Duration < 10*time.Minute {
		t.Fatalf("the crawl took %v", s.Duration)
	}
	var truth crawler.Summary
	found := map[uint32]crawler.Outcome{}
	for _, v := range r.visits {
		found[v.Peer] = v.Outcome
		if v.Outcome == crawler.Offline && v.Duration() != 2*time.Second {
			t.Fatalf("offline visit %+v lasted %v, want the timeout", v, v.Duration())
		}
	}
	for id := range uint32(600) {
		o, ok := found[id]
		if net.Links().Online(id, 0) {
			truth.OnlineStart++
			truth.FoundOnlineStart += b2i(ok)
			truth.ReachedOnlineStart += b2i(ok && o == crawler.OK)
		}
		if net.Links().Online(id, s.End) {
			truth.OnlineEnd++
			truth.FoundOnlineEnd += b2i(ok)
			truth.ReachedOnlineEnd += b2i(ok && o == crawler.OK)
		} else {
			truth.Ghosts += b2i(ok)
		}
	}
	if s.OnlineStart != truth.OnlineStart || s.OnlineEnd != truth.OnlineEnd || s.FoundOnlineStart != truth.FoundOnlineStart ||
		s.FoundOnlineEnd != truth.FoundOnlineEnd || s.ReachedOnlineStart != truth.ReachedOnlineStart ||
		s.ReachedOnlineEnd != truth.ReachedOnlineEnd || s.Ghosts != truth.Ghosts {
		t.Fatalf("summary %+v, ground truth %+v", s, truth)
	}
	if s.OnlineStart == s.OnlineEnd || s.CompletenessStart() == s.CompletenessEnd() || s.ReachedStart() == s.ReachedEnd() {
		t.Fatalf("online %d / %d, completeness %v / %v, reached %v / %v at the start / end", s.OnlineStart, s.OnlineEnd,
			s.CompletenessStart(), s.CompletenessEnd(), s.ReachedStart(), s.ReachedEnd())
	}
	if s.Offline == 0 || s.Ghosts == 0 {
		t.Fatalf("%d offline visits, %d ghosts", s.Offline, s.Ghosts)
	}
	var text bytes.Buffer
	if err := s.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		fmt.Sprintf("completeness %s (%d of the %d nodes online at the start), %s (%d of the %d online at the end)",
			pct(s.CompletenessStart()), s.FoundOnlineStart, s.OnlineStart, pct(s.CompletenessEnd()), s.FoundOnlineEnd, s.OnlineEnd),
		fmt.Sprintf("%s (%d of the %d online at the start), %s (%d of the %d online at the end)",
			pct(s.ReachedStart()), s.ReachedOnlineStart, s.OnlineStart, pct(s.ReachedEnd()), s.ReachedOnlineEnd, s.OnlineEnd),
		fmt.Sprintf("%d ghosts", s.Ghosts),
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the summary lacks %q:\n%s", want, text.String())
		}
	}
	t.Logf("\n%s", text.String())
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func pct(v float64) string { return strconv.FormatFloat(100*v, 'f', 2, 64) + " %" }

// Every attempt leaves one record, with the visit's operation (Op + the
// peer's id), from Origin to the peer, request kind crawl; a connection
// whose round trip exceeds the timeout is abandoned at the timeout, and a
// slow error is cut at the timeout too.
func TestRecords(t *testing.T) {
	cfg := dhttest.Config(700, 6)
	cfg.Network.ConnDelay = network.DelayRange{Min: 10 * ms, Max: 40 * ms}
	cfg.Network.SlowErrorRate = 10
	net := dhttest.New(t, cfg)
	const timeout, first = 60 * ms, 1000
	r := crawl(t, net, crawler.Options{Bootstrap: []uint32{9}, InFlight: 50, Timeout: timeout, Retries: 2, Op: first})
	recs := dhttest.Records(t, net)
	if len(recs) != r.sum.Attempts {
		t.Fatalf("%d records, %d attempts", len(recs), r.sum.Attempts)
	}
	byOp := dhttest.ByOp(recs)
	abandoned := 0
	for _, v := range r.visits {
		rs := byOp[first+uint64(v.Peer)]
		if len(rs) != int(v.Attempts) {
			t.Fatalf("visit %+v: %d records", v, len(rs))
		}
		for i, rec := range rs {
			if rec.Request != network.CrawlRequest || rec.From != crawler.Origin || rec.To != v.Peer || rec.Via != v.Via || rec.Attempt != uint32(i) {
				t.Fatalf("record %+v of visit %+v", rec, v)
			}
			if i > 0 && rec.Start != rs[i-1].End {
				t.Fatalf("retry %d of peer %d starts at %v, the attempt before ended at %v", i, v.Peer, rec.Start, rs[i-1].End)
			}
			if rec.End-rec.Start > timeout {
				t.Fatalf("record %+v lasts more than the timeout", rec)
			}
			if rec.Abandoned {
				abandoned++
				if rec.Error != network.NoError || 2*rec.BaseDelay <= timeout || rec.End-rec.Start != timeout {
					t.Fatalf("abandoned record %+v", rec)
				}
			}
		}
		if rs[0].Start != v.Start || rs[len(rs)-1].End != v.End {
			t.Fatalf("visit %+v, records from %v to %v", v, rs[0].Start, rs[len(rs)-1].End)
		}
	}
	if abandoned == 0 || r.sum.Timeouts == 0 {
		t.Fatalf("%d abandoned records, %d timeouts", abandoned, r.sum.Timeouts)
	}
}

// determinismFiles runs a crawl with errors, churn, retries and random
// delays on a new network of seed, with lookups running beside it when
// busy, and returns its visits, edges and records CSVs.
func determinismFiles(t *testing.T, seed uint64, busy bool) [3]string {
	t.Helper()
	m, _ := churn.Parse("exp:20m,10m")
	cfg := dhttest.Config(900, seed)
	cfg.Network.Churn = m
	cfg.Network.FastErrorRate, cfg.Network.SlowErrorRate = 10, 10
	cfg.Network.ConnDelay = network.DelayRange{Min: 20 * ms, Max: 200 * ms}
	cfg.Network.SlowDelay = network.DelayRange{Min: 200 * ms, Max: 3 * time.Second}
	net := dhttest.New(t, cfg)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	if busy {
		// Lookups on other goroutines, with operation ids far from the
		// crawl's, touch the same network and its liveness draws.
		for g := range 2 {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(g), 1))
				for op := uint64(1_000_000 + g*100_000); ; op++ {
					select {
					case <-stop:
						return
					default:
					}
					net.Lookup(uint32(rng.IntN(900)), hashes.Key(rng.Uint64()), dht.LookupOptions{Op: op, Start: time.Duration(rng.IntN(3600)) * time.Second})
				}
			})
		}
	}
	r := crawl(t, net, crawler.Options{Bootstrap: []uint32{5, 6}, InFlight: 30, Timeout: time.Second, Retries: 2, Start: 10 * time.Minute})
	close(stop)
	wg.Wait()
	var recs bytes.Buffer
	all := dhttest.Records(t, net)
	for _, rec := range all {
		if rec.Request == network.CrawlRequest {
			fmt.Fprintf(&recs, "%+v\n", rec)
		}
	}
	return [3]string{r.visitsCSV.String(), r.edgesCSV.String(), recs.String()}
}

// Same seed, same options: the same visits, edges and records, whatever
// runs beside the crawl; another seed gives another crawl.
func TestCrawlIsReproducible(t *testing.T) {
	a := determinismFiles(t, 21, false)
	b := determinismFiles(t, 21, true)
	for i, name := range []string{"visits", "edges", "records"} {
		if a[i] != b[i] {
			t.Errorf("%s differ between two crawls of seed 21", name)
		}
	}
	if c := determinismFiles(t, 22, false); c[0] == a[0] {
		t.Error("seeds 21 and 22 gave the same visits")
	}
}

// Invalid options are *network.ConfigError values naming the field and
// what it allows; zero fields take their defaults.
func TestOptionsValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  crawler.Options
		field string
	}{
		{"no bootstrap", crawler.Options{}, "Bootstrap"},
		{"unknown bootstrap", crawler.Options{Bootstrap: []uint32{1, 100}}, "Bootstrap[1]"},
		{"negative W", crawler.Options{Bootstrap: []uint32{1}, InFlight: -1}, "InFlight"},
		{"W too large", crawler.Options{Bootstrap: []uint32{1}, InFlight: crawler.MaxInFlight + 1}, "InFlight"},
		{"negative timeout", crawler.Options{Bootstrap: []uint32{1}, Timeout: -time.Second}, "Timeout"},
		{"timeout too long", crawler.Options{Bootstrap: []uint32{1}, Timeout: network.MaxDelay + 1}, "Timeout"},
		{"requests", crawler.Options{Bootstrap: []uint32{1}, Requests: 65}, "Requests"},
		{"negative retries", crawler.Options{Bootstrap: []uint32{1}, Retries: -1}, "Retries"},
		{"retries", crawler.Options{Bootstrap: []uint32{1}, Retries: 11}, "Retries"},
		{"op at the automatic ids", crawler.Options{Bootstrap: []uint32{1}, Op: network.AutoOpBit}, "Op"},
		{"op running into the automatic ids", crawler.Options{Bootstrap: []uint32{1}, Op: network.AutoOpBit - 50}, "Op"},
		{"negative start", crawler.Options{Bootstrap: []uint32{1}, Start: -1}, "Start"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.opts.Validate(100)
			var ce *network.ConfigError
			if !errors.As(err, &ce) || ce.Field != tc.field || !errors.Is(err, network.ErrInvalidConfig) {
				t.Fatalf("Validate = %v, want a ConfigError on %s", err, tc.field)
			}
		})
	}
	if err := crawler.DefaultOptions(0).Validate(1); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	d := crawler.Options{Bootstrap: []uint32{0}}.WithDefaults()
	if d.InFlight != crawler.DefaultInFlight || d.Requests != 16 || d.Timeout != crawler.DefaultTimeout || d.Op != 1 || d.Retries != 0 {
		t.Fatalf("defaults %+v", d)
	}
	net := dhttest.New(t, dhttest.Config(10, 1))
	if _, err := crawler.Crawl(context.Background(), net, crawler.Options{Bootstrap: []uint32{10}}, crawler.Output{}); !errors.Is(err, network.ErrInvalidConfig) {
		t.Fatalf("Crawl from an unknown node: %v", err)
	}
}

// A cancelled crawl stops with the context's error and a partial summary:
// its visits in flight are abandoned (their records say so), every
// operation is closed, and the same crawl runs again.
func TestCancel(t *testing.T) {
	net := dhttest.New(t, dhttest.Config(3000, 8))
	ctx, cancel := context.WithCancel(context.Background())
	visits := 0
	s, err := crawler.Crawl(ctx, net, crawler.Options{Bootstrap: []uint32{0}, InFlight: 20}, crawler.Output{
		OnVisit: func(crawler.Visit) {
			if visits++; visits == 1500 {
				cancel()
			}
		},
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if s.Visited < 1500 || s.Visited >= 3000 || s.Queued == 0 || s.Abandoned == 0 || s.Found != s.Visited+s.Queued+s.Abandoned {
		t.Fatalf("stopped crawl: found %d, visited %d, queued %d, abandoned %d", s.Found, s.Visited, s.Queued, s.Abandoned)
	}
	abandoned := 0
	for _, r := range dhttest.Records(t, net) {
		if r.Abandoned {
			abandoned++
		}
	}
	if abandoned != s.Abandoned || abandoned > 20 || len(dhttest.Records(t, net)) != s.Visited+abandoned {
		t.Fatalf("%d abandoned records of %d, %d visits", abandoned, len(dhttest.Records(t, net)), s.Visited)
	}
	if again := crawl(t, net, crawler.Options{Bootstrap: []uint32{0}, InFlight: 20}); again.sum.Visited != 3000 {
		t.Fatalf("the crawl after a cancelled one visited %d", again.sum.Visited)
	}
}

// A crawl whose operation ids a running operation holds stops with
// network.ErrOpInUse instead of sharing its random stream.
func TestOpInUse(t *testing.T) {
	net := dhttest.New(t, dhttest.Config(100, 8))
	op, err := net.Links().NewOp(1 + 42) // the visit of node 42 with the default Op
	if err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	if _, err := crawler.Crawl(context.Background(), net, crawler.Options{Bootstrap: []uint32{0}}, crawler.Output{}); !errors.Is(err, network.ErrOpInUse) {
		t.Fatalf("err = %v, want ErrOpInUse", err)
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// A CSV that cannot be written stops the crawl with its error.
func TestWriteErrorStopsTheCrawl(t *testing.T) {
	net := dhttest.New(t, dhttest.Config(3000, 8))
	for _, out := range []crawler.Output{{Visits: failWriter{}}, {Edges: failWriter{}}} {
		s, err := crawler.Crawl(context.Background(), net, crawler.Options{Bootstrap: []uint32{0}}, out)
		if err == nil || !strings.Contains(err.Error(), "disk full") || s.Visited == 3000 {
			t.Fatalf("err = %v after %d visits", err, s.Visited)
		}
	}
}

// The visits CSV has one row per visit, in the order visits end, with the
// columns of VisitsHeader; the summary CSV one row per crawl.
func TestCSVs(t *testing.T) {
	net := dhttest.New(t, dhttest.Config(300, 8))
	r := crawl(t, net, crawler.Options{Bootstrap: []uint32{0}, Op: 500})
	rows := dhttest.ReadCSV(t, r.visitsCSV.Bytes())
	if strings.Join(rows[0], ",") != crawler.VisitsHeader || len(rows)-1 != len(r.visits) {
		t.Fatalf("header %v, %d rows for %d visits", rows[0], len(rows)-1, len(r.visits))
	}
	for i, v := range r.visits {
		want := []string{strconv.Itoa(int(v.Peer)), strconv.FormatUint(uint64(v.Via), 10),
			strconv.FormatFloat(v.Start.Seconds(), 'f', -1, 64), strconv.FormatFloat(v.End.Seconds(), 'f', -1, 64),
			v.Outcome.String(), strconv.Itoa(int(v.Attempts)), strconv.Itoa(int(v.Slot)),
			strconv.Itoa(int(v.Returned)), strconv.Itoa(int(v.Learned)), strconv.Itoa(500 + int(v.Peer)), "8"}
		if !slices.Equal(rows[i+1], want) {
			t.Fatalf("row %d = %v, want %v", i+1, rows[i+1], want)
		}
	}
	var again bytes.Buffer
	if err := crawler.WriteVisitsCSV(&again, r.visits, 500, 8); err != nil || again.String() != r.visitsCSV.String() {
		t.Fatalf("WriteVisitsCSV differs from the streamed CSV (%v)", err)
	}
	var sum bytes.Buffer
	if err := crawler.WriteSummaryCSV(&sum, r.sum, r.sum); err != nil {
		t.Fatal(err)
	}
	srows := dhttest.ReadCSV(t, sum.Bytes())
	if len(srows) != 3 || !slices.Equal(srows[0], crawler.SummaryHeader) || len(srows[1]) != len(crawler.SummaryHeader) {
		t.Fatalf("summary CSV %v", srows)
	}
	col := func(name string) string { return srows[1][slices.Index(crawler.SummaryHeader, name)] }
	if col("found") != "300" || col("completeness_end") != "1" || col("churn") != "none" || col("seed") != "8" || col("k") != "20" {
		t.Fatalf("summary row %v", srows[1])
	}
}

// Outcome and progress-mode names read back.
func TestNames(t *testing.T) {
	for _, o := range crawler.Outcomes() {
		if got, err := crawler.ParseOutcome(o.String()); err != nil || got != o {
			t.Errorf("ParseOutcome(%q) = %v, %v", o, got, err)
		}
	}
	if _, err := crawler.ParseOutcome("lost"); err == nil {
		t.Error("ParseOutcome(lost) succeeded")
	}
	for _, m := range []crawler.ProgressMode{crawler.ProgressAuto, crawler.ProgressBar, crawler.ProgressLines, crawler.ProgressOff} {
		if got, err := crawler.ParseProgressMode(m.String()); err != nil || got != m {
			t.Errorf("ParseProgressMode(%q) = %v, %v", m, got, err)
		}
	}
}

// recorder keeps what a crawl reports.
type recorder struct {
	snaps []crawler.Snapshot
	sum   *crawler.Summary
}

func (r *recorder) Update(s crawler.Snapshot) { r.snaps = append(r.snaps, s) }
func (r *recorder) Finish(s crawler.Summary)  { r.sum = &s }

// A crawl reports snapshots whose counts add up (visited = ok + failed,
// found = visited + queued + in flight), and its summary once at the end.
func TestProgressSnapshots(t *testing.T) {
	net := dhttest.New(t, dhttest.Config(3000, 8))
	rec := &recorder{}
	s, err := crawler.Crawl(context.Background(), net, crawler.Options{Bootstrap: []uint32{0}, InFlight: 7},
		crawler.Output{Progress: rec, ProgressInterval: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.snaps) == 0 || rec.sum == nil || rec.sum.Found != s.Found {
		t.Fatalf("%d snapshots, summary %v", len(rec.snaps), rec.sum)
	}
	for _, sn := range rec.snaps {
		if sn.Visited != sn.OK+sn.Failed || sn.Found != sn.Visited+sn.Queued+sn.InFlight || sn.InFlight > 7 || sn.Done() > 1 {
			t.Fatalf("snapshot %+v", sn)
		}
	}
}

// The lines display prints the counters, the share of the peers found so
// far that were visited (it says so: the crawler knows no more of the
// network) and an ETA, at most one line per interval, and the summary at
// the end; Off shows nothing.
func TestLineProgress(t *testing.T) {
	var buf bytes.Buffer
	p := crawler.NewProgress(&buf, crawler.ProgressAuto) // a buffer is no terminal: lines
	p.Update(crawler.Snapshot{Found: 100, Visited: 40, OK: 30, Failed: 10, Queued: 50, InFlight: 10, Now: time.Minute, Wall: time.Second})
	p.Update(crawler.Snapshot{Found: 100, Visited: 41, OK: 31, Failed: 10, Queued: 49, InFlight: 10, Now: time.Minute, Wall: time.Second + ms})
	p.Finish(crawler.Summary{Found: 100, Visited: 100, Reachable: 90, Failed: 10, OnlineStart: 100, OnlineEnd: 100, FoundOnlineStart: 100, FoundOnlineEnd: 100})
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "visited 40 | ok 30 | failed 10 | queued 50 | 40.0 % of the 100 peers found so far | ETA 2s") ||
		!strings.Contains(lines[1], "found 100, visited 100 (90 ok, 10 failed)") {
		t.Fatalf("output:\n%s", buf.String())
	}
	if crawler.NewProgress(&buf, crawler.ProgressOff) != nil {
		t.Error("ProgressOff gave a display")
	}
	if crawler.IsTerminal(&buf) {
		t.Error("a buffer is a terminal")
	}
}

// A snapshot's ETA is the peers found and not visited at the mean wall
// time of a visit so far.
func TestSnapshotETA(t *testing.T) {
	s := crawler.Snapshot{Found: 1000, Visited: 250, Wall: 10 * time.Second}
	if s.ETA() != 30*time.Second || s.Done() != 0.25 {
		t.Fatalf("ETA %v, done %v", s.ETA(), s.Done())
	}
	if (crawler.Snapshot{}).ETA() != 0 || (crawler.Snapshot{}).Done() != 0 {
		t.Fatal("an empty snapshot has an ETA")
	}
	if !math.IsNaN((crawler.Summary{}).CompletenessStart()) {
		t.Fatal("completeness of no node online is not NaN")
	}
}

// PickBootstrap draws distinct ids of the network from the seed alone.
func TestPickBootstrap(t *testing.T) {
	a, err := crawler.PickBootstrap(1000, 10, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := crawler.PickBootstrap(1000, 10, 7)
	c, _ := crawler.PickBootstrap(1000, 10, 8)
	if !slices.Equal(a, b) || slices.Equal(a, c) || len(slices.Compact(slices.Sorted(slices.Values(a)))) != 10 {
		t.Fatalf("seed 7: %v and %v; seed 8: %v", a, b, c)
	}
	for _, id := range a {
		if id >= 1000 {
			t.Fatalf("id %d of 1000 nodes", id)
		}
	}
	if all, _ := crawler.PickBootstrap(5, 5, 1); len(all) != 5 {
		t.Fatalf("5 of 5: %v", all)
	}
	for _, bad := range [][2]int{{10, 0}, {10, 11}} {
		if _, err := crawler.PickBootstrap(bad[0], bad[1], 1); err == nil {
			t.Errorf("PickBootstrap(%d, %d) succeeded", bad[0], bad[1])
		}
	}
}
