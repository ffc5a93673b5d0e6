package tests

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/dhttest"
	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/routing"
)

const ms = time.Millisecond

// config returns a network of n nodes with no errors and random delays.
func config(n int, seed uint64) dht.Config {
	cfg := dhttest.Config(n, seed)
	cfg.Network.ConnDelay = network.DelayRange{Min: 50 * ms, Max: 100 * ms}
	cfg.Network.FastDelay = network.Fixed(10 * ms)
	return cfg
}

// checkSummary checks the invariants every lookup summary holds:
// attempts = finished + abandoned, finished = successful + failed.
func checkSummary(t testing.TB, s dht.LookupSummary) {
	t.Helper()
	if s.Finished != s.Successful+s.Failed || s.Attempts != s.Finished+s.Abandoned || s.Hops > s.Successful ||
		(s.Successful > 0) != (s.Hops > 0) || s.Delay < 0 || s.Reason == lookup.Running {
		t.Fatalf("inconsistent lookup summary %+v", s)
	}
	if s.HasAccuracy() && (s.Accuracy < 0 || s.Accuracy > 1) {
		t.Fatalf("accuracy %v outside [0, 1]", s.Accuracy)
	}
}

// checkNetSummary checks attempts = successes + failures.
func checkNetSummary(t testing.TB, s network.Summary) {
	t.Helper()
	if s.Attempts != s.Successes+s.Failures || s.Failures != s.FastErrors+s.SlowErrors+s.NotFound {
		t.Fatalf("inconsistent network summary %+v", s)
	}
}

// With no errors and a rule that waits for the closest peers to answer
// (beta, k closest), a lookup from any node returns exactly the
// network-wide beta closest nodes (the origin included when it is among
// them), for many random keys and start nodes, whatever alpha.
func TestLookupFindsTrueClosest(t *testing.T) {
	lookups := 400
	if testing.Short() {
		lookups = 100
	}
	for _, tc := range []struct {
		n, k, alpha, beta, steps int
		rule                     lookup.Rule
	}{
		{1000, 20, 3, 20, 3, lookup.Beta},
		{1000, 10, 3, 10, 3, lookup.KClosest},
		{1000, 20, 1, 5, 3, lookup.Beta},
		{2000, 8, 5, 8, 2, lookup.KClosest},
		{1000, 5, 10, 5, 3, lookup.Beta},
	} {
		t.Run(fmt.Sprintf("n=%d/k=%d/alpha=%d/beta=%d/%v", tc.n, tc.k, tc.alpha, tc.beta, tc.rule), func(t *testing.T) {
			cfg := config(tc.n, uint64(tc.n+tc.k))
			cfg.Client = dht.ClientConfig{K: tc.k, Alpha: tc.alpha, Beta: tc.beta, StepsToStop: tc.steps, Termination: tc.rule}
			net := dhttest.New(t, cfg)
			all := dhttest.Peers(t, net)
			rng := rand.New(rand.NewPCG(uint64(tc.k), uint64(tc.beta)))
			originIncluded := 0
			for i := range lookups {
				from := uint32(rng.IntN(tc.n))
				key := hashes.Key(rng.Uint64())
				if i%10 == 0 { // the origin's own neighbourhood: it belongs in the result
					key = dhttest.Client(t, net, from).Key() ^ 0xff
				}
				res, err := net.Lookup(from, key, dht.LookupOptions{TrackAccuracy: true})
				if err != nil {
					t.Fatal(err)
				}
				checkSummary(t, res.Summary)
				want := dhttest.BruteClosest(all, key, tc.beta)
				if !slices.Equal(res.Closest, want) {
					t.Fatalf("lookup %d from %d for %s:\ngot  %v\nwant %v", i, from, key, res.Closest, want)
				}
				if res.Summary.Accuracy != 1 {
					t.Fatalf("lookup %d: accuracy %v with the exact result", i, res.Summary.Accuracy)
				}
				if slices.ContainsFunc(want, func(p routing.Peer) bool { return p.ID == from }) {
					originIncluded++
				}
			}
			if originIncluded == 0 {
				t.Error("no lookup had its origin among the closest nodes: that case went untested")
			}
		})
	}
}

// With a 20% fast error rate, the share of failed attempts over (at
// least) 1,000 finished attempts of lookups lies within 5 points of 20%;
// the network's counters agree with the lookups'.
func TestLookupFailureShare(t *testing.T) {
	cfg := config(1000, 5)
	cfg.Network.FastErrorRate = 20
	net := dhttest.New(t, cfg)
	rng := rand.New(rand.NewPCG(5, 5))
	failed, finished, attempts := 0, 0, 0
	for finished < 1000 {
		res, err := net.Lookup(uint32(rng.IntN(net.Len())), hashes.Key(rng.Uint64()), dht.LookupOptions{})
		if err != nil {
			t.Fatal(err)
		}
		checkSummary(t, res.Summary)
		failed += res.Summary.Failed
		finished += res.Summary.Finished
		attempts += res.Summary.Attempts
	}
	s := net.Summary()
	checkNetSummary(t, s)
	share := 100 * float64(failed) / float64(finished)
	t.Logf("%d of %d finished attempts failed: %.1f%%", failed, finished, share)
	if math.Abs(share-20) > 5 {
		t.Errorf("failure share %.1f%%, want 20%% +- 5", share)
	}
	// The network counts abandoned attempts too, by their drawn outcome.
	if s.Attempts != int64(attempts) || s.FastErrors != s.Failures || s.Failures < int64(failed) {
		t.Errorf("network summary %+v, lookups counted %d attempts, %d failed (all fast)", s, attempts, failed)
	}
}

// With 25% fast errors (N = 1,000, k = 10, alpha = 3) and the beta rule,
// the mean accuracy of 100 lookups is above 0.65: failed peers leave the
// result, but the lookup goes on until the closest that answer have.
func TestAccuracyUnderErrors(t *testing.T) {
	cfg := config(1000, 9)
	cfg.Network.FastErrorRate = 25
	cfg.Client = dht.ClientConfig{K: 10, Alpha: 3, Beta: 10, StepsToStop: 3, Termination: lookup.Beta}
	net := dhttest.New(t, cfg)
	rng := rand.New(rand.NewPCG(9, 9))
	sum, perfect, failed := 0.0, 0, 0
	for range 100 {
		res, err := net.Lookup(uint32(rng.IntN(net.Len())), hashes.Key(rng.Uint64()), dht.LookupOptions{TrackAccuracy: true})
		if err != nil {
			t.Fatal(err)
		}
		checkSummary(t, res.Summary)
		if !res.Summary.HasAccuracy() {
			t.Fatal("accuracy not computed")
		}
		sum += res.Summary.Accuracy
		failed += res.Summary.Failed
		if res.Summary.Accuracy == 1 {
			perfect++
		}
	}
	mean := sum / 100
	t.Logf("mean accuracy over 100 lookups with 25%% fast errors: %.3f (%d perfect, %d failed attempts)", mean, perfect, failed)
	if failed == 0 {
		t.Error("no attempt failed: the error rate was not applied")
	}
	if mean <= 0.65 {
		t.Errorf("mean accuracy %.3f, want above 0.65", mean)
	}
}

// Every lookup and provide summary adds up (attempts = finished +
// abandoned, finished = successful + failed), the network's counters equal
// the operations' attempts, and the records CSV has RecordsHeader and one
// row per attempt, failures and abandoned attempts matching the counts.
func TestSummariesAndRecords(t *testing.T) {
	cfg := config(500, 11)
	cfg.Network.FastErrorRate, cfg.Network.SlowErrorRate = 10, 10
	cfg.Network.Gamma = time.Millisecond
	net := dhttest.New(t, cfg)
	rng := rand.New(rand.NewPCG(11, 11))
	perOp, abandoned := 0, 0
	for i := range 60 {
		from := uint32(rng.IntN(net.Len()))
		if i%3 == 0 {
			p, err := net.Provide(from, []byte(fmt.Sprintf("cell %d", i)), dht.ProvideOptions{TrackAccuracy: true})
			if err != nil {
				t.Fatal(err)
			}
			checkSummary(t, p.Lookup)
			if p.PeersContacted < p.Lookup.Attempts || len(p.Stored) == 0 {
				t.Fatalf("provide: %d peers contacted, %d lookup attempts, %d stored", p.PeersContacted, p.Lookup.Attempts, len(p.Stored))
			}
			perOp += p.PeersContacted
			abandoned += p.Lookup.Abandoned
		} else {
			res, err := net.Lookup(from, hashes.Key(rng.Uint64()), dht.LookupOptions{StopOnFirstValue: i%2 == 0})
			if err != nil {
				t.Fatal(err)
			}
			checkSummary(t, res.Summary)
			perOp += res.Summary.Attempts
			abandoned += res.Summary.Abandoned
		}
		checkNetSummary(t, net.Summary())
	}
	s := net.Summary()
	if s.Nodes != 500 || s.Attempts != int64(perOp) || s.Failures == 0 || s.Successes == 0 {
		t.Fatalf("network summary %+v, operations made %d attempts", s, perOp)
	}
	var buf bytes.Buffer
	if err := net.WriteRecordsCSV(&buf); err != nil {
		t.Fatal(err)
	}
	if header, _, _ := strings.Cut(buf.String(), "\n"); header != network.RecordsHeader {
		t.Fatalf("CSV header %q, want %q", header, network.RecordsHeader)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows)-1 != int(s.Attempts) || len(dhttest.Records(t, net)) != int(s.Attempts) {
		t.Fatalf("%d CSV rows, %d attempts", len(rows)-1, s.Attempts)
	}
	fails, abandonedRows := int64(0), 0
	for i, row := range rows[1:] {
		if row[0] != strconv.Itoa(i) || len(row) != len(rows[0]) {
			t.Fatalf("row %d: %v", i, row)
		}
		if row[4] != "none" {
			fails++
		}
		if row[14] == "1" {
			abandonedRows++
		}
	}
	if fails != s.Failures || abandonedRows != abandoned {
		t.Errorf("%d failed rows, %d failures; %d abandoned rows, %d abandoned attempts", fails, s.Failures, abandonedRows, abandoned)
	}
}

// drive runs a fixed sequence of provides and lookups with op ids from
// opBase; with concurrency > 1 the calls of each phase run on that many
// goroutines at once. It returns every summary, formatted.
func drive(t testing.TB, net *dht.DHTNetwork, concurrency int) []string {
	t.Helper()
	const provides, lookups = 30, 90
	out := make([]string, provides+lookups)
	phase := func(count, opBase int, call func(i int, op uint64) string) {
		var wg sync.WaitGroup
		next := atomic.Int64{}
		for range concurrency {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1) - 1)
					if i >= count {
						return
					}
					out[opBase+i] = call(i, uint64(opBase+i+1))
				}
			}()
		}
		wg.Wait()
	}
	n := uint32(net.Len())
	phase(provides, 0, func(i int, op uint64) string {
		p, err := net.Provide(uint32(i*37)%n, []byte(fmt.Sprintf("block 9 cell %d", i)), dht.ProvideOptions{TrackAccuracy: true, Op: op})
		if err != nil {
			t.Error(err)
		}
		return fmt.Sprintf("%+v", p)
	})
	phase(lookups, provides, func(i int, op uint64) string {
		key := hashes.SegmentKeyString(fmt.Sprintf("block 9 cell %d", i%(provides+10))) // some never provided
		res, err := net.Lookup(uint32(i*101)%n, key, dht.LookupOptions{TrackAccuracy: true, StopOnFirstValue: i%2 == 0, Op: op})
		if err != nil {
			t.Error(err)
		}
		return fmt.Sprintf("%+v %v %q", res.Summary, res.Closest, res.Value)
	})
	return out
}

// Two networks built with the same seed and driven by the same calls
// write byte-identical records CSVs: with 1 or 8 workers, and with the
// calls run one by one or concurrently (with explicit op ids); another seed
// gives another CSV.
func TestReproducible(t *testing.T) {
	n := 1500
	if testing.Short() {
		n = 600
	}
	cfg := config(n, 13)
	cfg.Network.FastErrorRate, cfg.Network.SlowErrorRate = 10, 5
	cfg.Network.SlowDelay = network.DelayRange{Min: 500 * ms, Max: 2 * time.Second}

	run := func(workers, concurrency int, seed uint64) ([]byte, []string) {
		c := cfg
		c.Workers, c.Network.Seed = workers, seed
		net := dhttest.New(t, c)
		sums := drive(t, net, concurrency)
		checkNetSummary(t, net.Summary())
		return dhttest.RecordsCSV(t, net), sums
	}
	ref, refSums := run(1, 1, 13)
	if bytes.Count(ref, []byte("\n")) < 500 {
		t.Fatalf("only %d records: the runs are too small to compare", bytes.Count(ref, []byte("\n")))
	}
	for _, tc := range []struct{ workers, concurrency int }{{8, 1}, {1, 4}, {8, 8}} {
		got, sums := run(tc.workers, tc.concurrency, 13)
		if !bytes.Equal(got, ref) {
			t.Errorf("workers=%d concurrency=%d: records CSV differs (%d bytes, want %d)", tc.workers, tc.concurrency, len(got), len(ref))
		}
		if !slices.Equal(sums, refSums) {
			for i := range sums {
				if sums[i] != refSums[i] {
					t.Errorf("workers=%d concurrency=%d: call %d differs:\n%s\n%s", tc.workers, tc.concurrency, i, sums[i], refSums[i])
					break
				}
			}
		}
	}
	if other, _ := run(2, 1, 14); bytes.Equal(other, ref) {
		t.Error("seeds 13 and 14 write the same records CSV")
	}
	// Calls without op ids, one after the other, are numbered in order:
	// reproducible too.
	seq := func() []byte {
		net := dhttest.New(t, cfg)
		for i := range 50 {
			net.Lookup(uint32(i), hashes.Key(uint64(i)*0x9e3779b97f4a7c15), dht.LookupOptions{})
		}
		return dhttest.RecordsCSV(t, net)
	}
	if a, b := seq(), seq(); !bytes.Equal(a, b) {
		t.Error("two sequential runs without op ids differ")
	}
}

// Many goroutines run lookups and provides on one network while others
// add and bootstrap new nodes: no race (run with -race), and no lost
// record: records = network attempts = the sum of every operation's
// attempts.
func TestConcurrentUse(t *testing.T) {
	n, workers, each, added := 2000, 8, 60, 30
	if testing.Short() {
		n, workers, each, added = 500, 6, 20, 10
	}
	cfg := config(n, 14)
	cfg.Network.FastErrorRate, cfg.Network.SlowErrorRate = 10, 5
	cfg.Network.Gamma = 100 * time.Microsecond
	net := dhttest.New(t, cfg)
	var attempts atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 14))
			for i := range each {
				from := uint32(rng.IntN(net.Len())) // may be a node added meanwhile
				switch i % 3 {
				case 0:
					p, err := net.Provide(from, []byte(fmt.Sprintf("w%d cell %d", w, i)), dht.ProvideOptions{})
					if errors.Is(err, dht.ErrNotBootstrapped) {
						continue // a node added and not yet bootstrapped
					}
					if err != nil {
						t.Error(err)
						return
					}
					attempts.Add(int64(p.PeersContacted))
				default:
					key := hashes.SegmentKeyString(fmt.Sprintf("w%d cell %d", (w+1)%workers, i-1))
					res, err := net.Lookup(from, key, dht.LookupOptions{TrackAccuracy: i%2 == 0, StopOnFirstValue: true})
					if errors.Is(err, dht.ErrNotBootstrapped) {
						continue
					}
					if err != nil {
						t.Error(err)
						return
					}
					checkSummary(t, res.Summary)
					attempts.Add(int64(res.Summary.Attempts))
				}
			}
		}()
	}
	wg.Add(2)
	go func() { // growth
		defer wg.Done()
		for range added {
			c, err := net.AddNode()
			if err != nil {
				t.Error(err)
				return
			}
			if err := c.Bootstrap(); err != nil {
				t.Error(err)
				return
			}
			res, err := c.Lookup(c.Key()^1, dht.LookupOptions{TrackAccuracy: true})
			if err != nil {
				t.Error(err)
				return
			}
			attempts.Add(int64(res.Summary.Attempts))
		}
	}()
	go func() { // readers
		defer wg.Done()
		for range 20 {
			s := net.Summary()
			if s.Attempts != s.Successes+s.Failures {
				t.Errorf("summary %+v read during the run", s)
			}
			_, _ = net.Records()
			_ = net.ClosestNodes(12345, 5)
			time.Sleep(time.Millisecond)
		}
	}()
	wg.Wait()
	s := net.Summary()
	checkNetSummary(t, s)
	recs := dhttest.Records(t, net)
	t.Logf("%d attempts, %d records, %d nodes", s.Attempts, len(recs), s.Nodes)
	if s.Nodes != n+added || net.Len() != n+added {
		t.Errorf("%d nodes, want %d", s.Nodes, n+added)
	}
	if int64(len(recs)) != s.Attempts || s.Attempts != attempts.Load() {
		t.Errorf("%d records, %d network attempts, %d attempts counted by the operations", len(recs), s.Attempts, attempts.Load())
	}
	for id := n; id < n+added; id++ {
		if c := dhttest.Client(t, net, uint32(id)); c.RoutingLen() == 0 {
			t.Errorf("added node %d: no peers after Bootstrap", id)
		}
	}
}

// DHTNetwork is safe for concurrent use: BootstrapAll while nodes are being
// added gives the nodes it knows of their tables and leaves the others
// alone, without panicking.
func TestBootstrapAllDuringAddNode(t *testing.T) {
	net := dhttest.New(t, config(1000, 15))
	var wg sync.WaitGroup
	var panicked atomic.Bool
	wg.Add(2)
	go func() {
		defer wg.Done()
		for range 100 {
			if _, err := net.AddNode(); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		defer func() {
			if r := recover(); r != nil {
				panicked.Store(true)
				t.Errorf("BootstrapAll panics while nodes are added: %v", r)
			}
		}()
		for range 20 {
			if err := net.BootstrapAll(context.Background(), 2); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	wg.Wait()
	if panicked.Load() {
		// The panic may have left a client's lock held: stop here.
		t.FailNow()
	}
	if err := net.BootstrapAll(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	for id := range uint32(net.Len()) {
		if c := dhttest.Client(t, net, id); c.RoutingLen() == 0 {
			t.Fatalf("node %d has no peers after a final BootstrapAll", id)
		}
	}
}
