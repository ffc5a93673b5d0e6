// Package dhttest holds the fixtures that the tests of several packages
// share: small networks, brute-force ground truth, keys at a chosen common
// prefix length, and readers of the records. It is a test helper, as
// net/http/httptest is: nothing here belongs on a production path.
package dhttest

import (
	"bytes"
	"encoding/csv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/routing"
)

// Ms is a millisecond.
const Ms = time.Millisecond

// Config returns a network of n nodes with no errors, a constant one-way
// connection delay of 10ms, fast errors of 1ms, slow ones of 1s, k = 20,
// alpha = 3, beta = 20, 3 steps, 2 workers and the given seed.
func Config(n int, seed uint64) dht.Config {
	return dht.Config{
		Network: network.Config{
			Seed:      seed,
			ConnDelay: network.Fixed(10 * Ms),
			FastDelay: network.Fixed(Ms),
			SlowDelay: network.Fixed(time.Second),
		},
		Client:  dht.ClientConfig{K: 20, Alpha: 3, Beta: 20, StepsToStop: 3},
		Nodes:   n,
		Workers: 2,
	}
}

// New builds a network (dht.New) or fails the test.
func New(t testing.TB, cfg dht.Config) *dht.DHTNetwork {
	t.Helper()
	net, err := dht.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// Client returns client id of net or fails the test.
func Client(t testing.TB, net *dht.DHTNetwork, id uint32) *dht.Client {
	t.Helper()
	c, err := net.Client(id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Peers returns every node of net as a peer, by id.
func Peers(t testing.TB, net *dht.DHTNetwork) []routing.Peer {
	t.Helper()
	all := make([]routing.Peer, net.Len())
	for id := range all {
		all[id] = Client(t, net, uint32(id)).Peer()
	}
	return all
}

// BruteClosest returns the n peers nearest to target by sorting all of
// them: the ground truth, computed without the code under test.
func BruteClosest(peers []routing.Peer, target hashes.Key, n int) []routing.Peer {
	s := slices.Clone(peers)
	slices.SortFunc(s, func(a, b routing.Peer) int { return routing.ComparePeers(target, a, b) })
	return s[:max(0, min(n, len(s)))]
}

// KeyAtPrefix returns a random key that shares exactly i leading bits
// with k (0 <= i < 64; i = 64 returns k).
func KeyAtPrefix(k hashes.Key, i int, rng *rand.Rand) hashes.Key {
	if i >= hashes.Bits {
		return k
	}
	low := uint64(1)<<(hashes.Bits-1-i) - 1 // bits after the flipped one
	return (k.FlipBit(i) &^ hashes.Key(low)) | hashes.Key(rng.Uint64()&low)
}

// Records returns the kept records of net or fails the test.
func Records(t testing.TB, net *dht.DHTNetwork) []network.Record {
	t.Helper()
	recs, err := net.Records()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// RecordsCSV returns the records CSV of net or fails the test.
func RecordsCSV(t testing.TB, net *dht.DHTNetwork) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := net.WriteRecordsCSV(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// ReadCSV parses CSV data or fails the test.
func ReadCSV(t testing.TB, data []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// ReadCSVFile reads and parses a CSV file or fails the test.
func ReadCSVFile(t testing.TB, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return ReadCSV(t, data)
}

// ByOp groups records by operation, each in attempt order.
func ByOp(recs []network.Record) map[uint64][]network.Record {
	out := map[uint64][]network.Record{}
	for _, r := range recs {
		out[r.Op] = append(out[r.Op], r)
	}
	return out
}

// RetrievalStats is what Retrievals measured.
type RetrievalStats struct {
	// Found is the share of retrievals that found their value, in [0, 1].
	Found float64
	// Hops and Attempts are means over the retrievals.
	Hops, Attempts float64
}

// Retrievals provides segments segments, each from a random node, then
// retrieves each of them from retrievals random nodes in turn (stopping at
// the first value), every operation isolated, all drawn from seed: the
// retrieval workload of the tests of faithful defaults.
func Retrievals(t testing.TB, net *dht.DHTNetwork, segments, retrievals int, seed uint64) RetrievalStats {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 0x7265747269657665))
	keys := make([]hashes.Key, segments)
	for i := range keys {
		seg := []byte("segment " + string(rune('a'+i%26)) + " " + time.Duration(i).String())
		keys[i] = hashes.SegmentKey(seg)
		if _, err := net.Provide(uint32(rng.IntN(net.Len())), seg, dht.ProvideOptions{Op: uint64(i + 1)}); err != nil {
			t.Fatal(err)
		}
	}
	var s RetrievalStats
	for i := range retrievals {
		res, err := net.Lookup(uint32(rng.IntN(net.Len())), keys[i%segments],
			dht.LookupOptions{StopOnFirstValue: true, Op: uint64(segments + i + 1)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Summary.ValueFound {
			s.Found++
		}
		s.Hops += float64(res.Summary.Hops)
		s.Attempts += float64(res.Summary.Attempts)
	}
	n := float64(retrievals)
	s.Found, s.Hops, s.Attempts = s.Found/n, s.Hops/n, s.Attempts/n
	return s
}

// CheckCSVs reads every CSV under dir and fails the test for a header that
// names a column twice (pandas renames one, csv.DictReader drops one), and
// for a cell of a column ending in _s (seconds) that is neither empty nor
// a number. It returns the number of CSVs read.
func CheckCSVs(t testing.TB, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".csv") {
			return err
		}
		n++
		rows := ReadCSVFile(t, path)
		if len(rows) == 0 {
			t.Errorf("%s: empty", path)
			return nil
		}
		header := rows[0]
		for i, c := range header {
			if slices.Index(header, c) != i {
				t.Errorf("%s: column %s twice in %v", path, c, header)
			}
			if !strings.HasSuffix(c, "_s") {
				continue
			}
			for _, r := range rows[1:] {
				if _, err := strconv.ParseFloat(r[i], 64); r[i] != "" && err != nil {
					t.Errorf("%s: column %s holds %q, not seconds", path, c, r[i])
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
