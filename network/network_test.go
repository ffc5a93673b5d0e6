package network_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/routing"
)

// node is a Handler that answers with a fixed peer and keeps a store.
type node struct {
	id    uint32
	mu    sync.Mutex
	store map[hashes.Key][]byte
}

func (n *node) HandleFindClosest(key hashes.Key, dst []routing.Peer) ([]routing.Peer, []byte, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	v, ok := n.store[key]
	return append(dst, routing.Peer{ID: n.id, Key: key}), v, ok
}

func (n *node) HandleStore(key hashes.Key, value []byte) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.store == nil {
		n.store = map[hashes.Key][]byte{}
	}
	n.store[key] = value
}

func (n *node) HandleRetrieve(key hashes.Key) ([]byte, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	v, ok := n.store[key]
	return v, ok
}

// directory holds nodes 0..len-1; any other id is not found.
type directory []*node

func newDirectory(n int) directory {
	d := make(directory, n)
	for i := range d {
		d[i] = &node{id: uint32(i)}
	}
	return d
}

func (d directory) Node(id uint32) (network.Handler, bool) {
	if int(id) >= len(d) {
		return nil, false
	}
	return d[id], true
}

func (d directory) Len() int { return len(d) }

// newNetwork returns the links of a network of n nodes.
func newNetwork(t testing.TB, cfg network.Config, n int) *network.Network {
	t.Helper()
	net, err := network.New(cfg, newDirectory(n))
	if err != nil {
		t.Fatal(err)
	}
	return net
}

const ms = time.Millisecond

func TestParseDelayRange(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want network.DelayRange
	}{
		{"10ms-100ms", network.DelayRange{Min: 10 * ms, Max: 100 * ms}},
		{"50ms", network.Fixed(50 * ms)},
		{" 10ms - 20ms ", network.DelayRange{Min: 10 * ms, Max: 20 * ms}},
		{"0s", network.DelayRange{}},
		{"0", network.DelayRange{}},
		{"1s-1s", network.Fixed(time.Second)},
		{"1.5s-2h", network.DelayRange{Min: 1500 * ms, Max: 2 * time.Hour}},
		{"250us-1ms", network.DelayRange{Min: 250 * time.Microsecond, Max: ms}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := network.ParseDelayRange(tc.in)
			if err != nil || got != tc.want {
				t.Fatalf("ParseDelayRange(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			}
			back, err := network.ParseDelayRange(got.String())
			if err != nil || back != got {
				t.Fatalf("ParseDelayRange(String() = %q) = %+v, %v; want %+v", got.String(), back, err, got)
			}
		})
	}
	for _, in := range []string{"", "abc", "10ms-", "-10ms", "10-20", "10ms-20ms-30ms", "10ms..20ms", "ms"} {
		if r, err := network.ParseDelayRange(in); err == nil {
			t.Errorf("ParseDelayRange(%q) = %+v, want an error", in, r)
		} else if !strings.Contains(err.Error(), strconv.Quote(in)) {
			t.Errorf("ParseDelayRange(%q) error %q does not quote the input", in, err)
		}
	}
	// A well-formed range out of order is an invalid configuration.
	if _, err := network.ParseDelayRange("100ms-10ms"); !errors.Is(err, network.ErrInvalidConfig) {
		t.Errorf("ParseDelayRange(100ms-10ms) error = %v, want ErrInvalidConfig", err)
	}
}

func TestDelayRangeString(t *testing.T) {
	for _, tc := range []struct {
		r    network.DelayRange
		want string
	}{
		{network.DelayRange{}, "0s"},
		{network.Fixed(50 * ms), "50ms"},
		{network.DelayRange{Min: 10 * ms, Max: time.Second}, "10ms-1s"},
	} {
		if got := tc.r.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.r, got, tc.want)
		}
	}
}

// FuzzParseDelayRange: whatever it accepts is a valid range that prints
// back to itself.
func FuzzParseDelayRange(f *testing.F) {
	for _, s := range []string{"10ms-100ms", "50ms", " 1s - 2s", "100ms-10ms", "-1ms", "1h2m3.5s-2562047h47m16.854775807s", "0", "1e3ms", "--"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := network.ParseDelayRange(s)
		if err != nil {
			return
		}
		if r.Min < 0 || r.Min > r.Max {
			t.Fatalf("ParseDelayRange(%q) accepted invalid range %+v", s, r)
		}
		if err := (network.Config{ConnDelay: r}).Validate(); err != nil {
			t.Fatalf("ParseDelayRange(%q) = %+v, which Config.Validate rejects: %v", s, r, err)
		}
		back, err := network.ParseDelayRange(r.String())
		if err != nil || back != r {
			t.Fatalf("ParseDelayRange(%q) = %+v, String %q parses to %+v, %v", s, r, r.String(), back, err)
		}
	})
}

// Item 12: every invalid field of the links' configuration is rejected
// with an error that wraps ErrInvalidConfig and names the field.
func TestConfigValidate(t *testing.T) {
	valid := network.Config{
		Seed: 1, FastErrorRate: 10, SlowErrorRate: 5,
		ConnDelay: network.DelayRange{Min: 50 * ms, Max: 100 * ms},
		FastDelay: network.Fixed(10 * ms), SlowDelay: network.Fixed(time.Second), Gamma: ms,
	}
	for _, tc := range []struct {
		name, field string
		edit        func(*network.Config)
	}{
		{"fast rate negative", "FastErrorRate", func(c *network.Config) { c.FastErrorRate = -1 }},
		{"fast rate above 100", "FastErrorRate", func(c *network.Config) { c.FastErrorRate = 100.5 }},
		{"fast rate NaN", "FastErrorRate", func(c *network.Config) { c.FastErrorRate = math.NaN() }},
		{"fast rate infinite", "FastErrorRate", func(c *network.Config) { c.FastErrorRate = math.Inf(1) }},
		{"slow rate negative", "SlowErrorRate", func(c *network.Config) { c.SlowErrorRate = -0.1 }},
		{"slow rate above 100", "SlowErrorRate", func(c *network.Config) { c.SlowErrorRate = 101 }},
		{"slow rate NaN", "SlowErrorRate", func(c *network.Config) { c.SlowErrorRate = math.NaN() }},
		{"fast plus slow above 100", "FastErrorRate+SlowErrorRate", func(c *network.Config) { c.FastErrorRate, c.SlowErrorRate = 60, 41 }},
		{"conn delay min above max", "ConnDelay", func(c *network.Config) { c.ConnDelay = network.DelayRange{Min: 2 * ms, Max: ms} }},
		{"conn delay negative", "ConnDelay", func(c *network.Config) { c.ConnDelay = network.DelayRange{Min: -ms, Max: ms} }},
		{"fast delay negative", "FastDelay", func(c *network.Config) { c.FastDelay = network.Fixed(-ms) }},
		{"fast delay min above max", "FastDelay", func(c *network.Config) { c.FastDelay = network.DelayRange{Min: ms, Max: 0} }},
		{"slow delay negative", "SlowDelay", func(c *network.Config) { c.SlowDelay = network.DelayRange{Min: -time.Second, Max: -ms} }},
		{"slow delay min above max", "SlowDelay", func(c *network.Config) { c.SlowDelay = network.DelayRange{Min: 2 * time.Second, Max: time.Second} }},
		{"gamma negative", "Gamma", func(c *network.Config) { c.Gamma = -1 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := valid
			tc.edit(&cfg)
			err := cfg.Validate()
			if !errors.Is(err, network.ErrInvalidConfig) {
				t.Fatalf("Validate() = %v, want ErrInvalidConfig", err)
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Errorf("error %q does not name %s", err, tc.field)
			}
			net, err := network.New(cfg, newDirectory(1))
			if net != nil || !errors.Is(err, network.ErrInvalidConfig) {
				t.Errorf("New() = %v, %v; want nil, ErrInvalidConfig", net, err)
			}
		})
	}
	for name, cfg := range map[string]network.Config{
		"zero":              {},
		"valid":             valid,
		"all fast":          {FastErrorRate: 100},
		"all slow":          {SlowErrorRate: 100},
		"fast+slow is 100":  {FastErrorRate: 50, SlowErrorRate: 50},
		"fixed zero delays": {ConnDelay: network.Fixed(0), FastDelay: network.Fixed(0), SlowDelay: network.Fixed(0)},
	} {
		if err := cfg.Validate(); err != nil {
			t.Errorf("%s: Validate() = %v, want nil", name, err)
		}
	}
}

func TestErrorKindString(t *testing.T) {
	for k, want := range map[network.ErrorKind]string{
		network.NoError: "none", network.FastError: "fast", network.SlowError: "slow", network.NodeNotFound: "not_found",
	} {
		if got := k.String(); got != want {
			t.Errorf("ErrorKind(%d).String() = %q, want %q", k, got, want)
		}
	}
}

// A failed attempt is a *ConnError that matches its kind with errors.Is
// and carries its delay; a successful one reaches the remote handler.
func TestConnectOutcomes(t *testing.T) {
	base := network.Config{
		Seed: 3, ConnDelay: network.Fixed(40 * ms), FastDelay: network.Fixed(7 * ms), SlowDelay: network.Fixed(900 * ms),
	}
	for _, tc := range []struct {
		name      string
		fast      float64
		slow      float64
		to        uint32
		kind      network.ErrorKind
		sentinel  error
		wantDelay time.Duration
	}{
		{"connected", 0, 0, 1, network.NoError, nil, 40 * ms},
		{"fast", 100, 0, 1, network.FastError, network.ErrFast, 7 * ms},
		{"slow", 0, 100, 1, network.SlowError, network.ErrSlow, 900 * ms},
		// The directory lacks id 5: node not found, with the slow delay.
		{"not found", 0, 0, 5, network.NodeNotFound, network.ErrNodeNotFound, 900 * ms},
		// The error draws come first: an unknown node can still refuse fast.
		{"fast before not found", 100, 0, 5, network.FastError, network.ErrFast, 7 * ms},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base
			cfg.FastErrorRate, cfg.SlowErrorRate = tc.fast, tc.slow
			net := newNetwork(t, cfg, 3)
			op := net.NewOp(1)
			conn, err := op.Connect(0, tc.to, 3*ms)
			op.Close()
			sentinels := []error{network.ErrFast, network.ErrSlow, network.ErrNodeNotFound}
			if tc.sentinel == nil {
				if err != nil {
					t.Fatalf("Connect: %v", err)
				}
				if conn.Delay != tc.wantDelay {
					t.Errorf("Conn.Delay = %v, want %v", conn.Delay, tc.wantDelay)
				}
				key := hashes.SegmentKeyString("v")
				conn.Store(key, []byte("v"))
				if v, ok := conn.Retrieve(key); !ok || string(v) != "v" {
					t.Errorf("Retrieve after Store = %q, %v", v, ok)
				}
				peers, v, ok := conn.FindClosest(key, nil)
				if len(peers) != 1 || peers[0].ID != tc.to || !ok || string(v) != "v" {
					t.Errorf("FindClosest = %v, %q, %v; want the remote's answer", peers, v, ok)
				}
			} else {
				var ce *network.ConnError
				if !errors.As(err, &ce) {
					t.Fatalf("Connect error = %v, want a *ConnError", err)
				}
				if ce.Kind != tc.kind || ce.From != 0 || ce.To != tc.to || ce.Delay != tc.wantDelay {
					t.Errorf("ConnError = %+v, want kind %v from 0 to %d delay %v", *ce, tc.kind, tc.to, tc.wantDelay)
				}
				for _, s := range sentinels {
					if got := errors.Is(err, s); got != (s == tc.sentinel) {
						t.Errorf("errors.Is(%v, %v) = %v", err, s, got)
					}
				}
				if !strings.Contains(err.Error(), tc.sentinel.Error()) {
					t.Errorf("error %q does not say %q", err, tc.sentinel)
				}
			}
			recs := net.Records()
			if len(recs) != 1 {
				t.Fatalf("%d records, want 1", len(recs))
			}
			r := recs[0]
			if r.Error != tc.kind || r.From != 0 || r.To != tc.to || r.Time != 3*ms || r.BaseDelay != tc.wantDelay ||
				r.TotalDelay != tc.wantDelay || r.TotalOverhead != 0 || r.Op != 1 || r.Attempt != 0 {
				t.Errorf("record = %+v", r)
			}
			s := net.Summary()
			wantFail := int64(0)
			if tc.sentinel != nil {
				wantFail = 1
			}
			if s.Attempts != 1 || s.Failures != wantFail || s.Successes != 1-wantFail || s.Nodes != 3 {
				t.Errorf("Summary = %+v", s)
			}
		})
	}
}

// Delays are drawn from their range, inclusive, and a fixed range always
// gives its value.
func TestDelaysInRange(t *testing.T) {
	net := newNetwork(t, network.Config{Seed: 5, SlowErrorRate: 30, ConnDelay: network.DelayRange{Min: 10 * ms, Max: 20 * ms}, SlowDelay: network.Fixed(time.Second)}, 2)
	for op := range uint64(50) {
		o := net.NewOp(op + 1)
		for range 20 {
			o.Connect(0, 1, 0)
		}
		o.Close()
	}
	distinct := map[time.Duration]bool{}
	for _, r := range net.Records() {
		switch r.Error {
		case network.NoError:
			if r.BaseDelay < 10*ms || r.BaseDelay > 20*ms {
				t.Fatalf("connection delay %v outside 10ms-20ms", r.BaseDelay)
			}
			distinct[r.BaseDelay] = true
		case network.SlowError:
			if r.BaseDelay != time.Second {
				t.Fatalf("slow delay %v, want 1s", r.BaseDelay)
			}
		default:
			t.Fatalf("unexpected outcome %v", r.Error)
		}
	}
	if len(distinct) < 100 {
		t.Errorf("%d distinct connection delays in ~700 draws: not drawn from the range", len(distinct))
	}
}

// Item 5: with a 20% fast error rate, the failure share over 1,000 attempts
// lies within 5 points of 20%.
func TestFastErrorShare(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4} {
		net := newNetwork(t, network.Config{Seed: seed, FastErrorRate: 20, ConnDelay: network.Fixed(ms)}, 100)
		for i := range 100 {
			op := net.NewOp(0) // numbered by the network
			for j := range 10 {
				op.Connect(uint32(i), uint32((i+j+1)%100), 0)
			}
			op.Close()
		}
		s := net.Summary()
		share := 100 * float64(s.Failures) / float64(s.Attempts)
		t.Logf("seed %d: %d of %d attempts failed (%.1f%%)", seed, s.Failures, s.Attempts, share)
		if s.Attempts != 1000 || s.FastErrors != s.Failures || s.SlowErrors != 0 || s.NotFound != 0 {
			t.Fatalf("seed %d: Summary = %+v, want 1000 attempts, only fast errors", seed, s)
		}
		if math.Abs(share-20) > 5 {
			t.Errorf("seed %d: failure share %.1f%%, want 20%% +- 5", seed, share)
		}
	}
	// Fast and slow rates split the failures in proportion.
	net := newNetwork(t, network.Config{Seed: 9, FastErrorRate: 10, SlowErrorRate: 30}, 2)
	op := net.NewOp(0)
	for range 2000 {
		op.Connect(0, 1, 0)
	}
	op.Close()
	s := net.Summary()
	if f, sl := float64(s.FastErrors)/20, float64(s.SlowErrors)/20; math.Abs(f-10) > 3 || math.Abs(sl-30) > 4 {
		t.Errorf("fast %.1f%% slow %.1f%% of 2000 attempts, want 10%% and 30%%", f, sl)
	}
}

// Item 8: every attempt raises both endpoints' accumulated overhead by
// gamma, both accumulated values are added to the attempt's delay, and
// Reset clears them. Expected values are computed by hand.
func TestGammaOverhead(t *testing.T) {
	const gamma = ms
	net := newNetwork(t, network.Config{Seed: 1, ConnDelay: network.Fixed(10 * ms), SlowDelay: network.Fixed(100 * ms), Gamma: gamma}, 3)
	type attempt struct {
		from, to                 uint32
		origin, remote, total    time.Duration // overheads and total delay
		kind                     network.ErrorKind
		overhead0, overhead1, o2 time.Duration // accumulated afterwards
	}
	steps := []attempt{
		{0, 1, 1 * ms, 1 * ms, 12 * ms, network.NoError, 1 * ms, 1 * ms, 0},
		{0, 2, 2 * ms, 1 * ms, 13 * ms, network.NoError, 2 * ms, 1 * ms, 1 * ms},
		{1, 2, 2 * ms, 2 * ms, 14 * ms, network.NoError, 2 * ms, 2 * ms, 2 * ms},
		{2, 0, 3 * ms, 3 * ms, 16 * ms, network.NoError, 3 * ms, 2 * ms, 3 * ms},
		// A failed attempt counts too: node 7 does not exist (slow delay).
		{1, 7, 3 * ms, 1 * ms, 104 * ms, network.NodeNotFound, 3 * ms, 3 * ms, 3 * ms},
	}
	check := func(t *testing.T, steps []attempt, opID uint64) {
		t.Helper()
		// Two operations share the overheads: the load is the node's, not
		// the operation's.
		ops := []*network.Op{net.NewOp(opID), net.NewOp(opID + 1)}
		for i, s := range steps {
			conn, err := ops[i%2].Connect(s.from, s.to, 0)
			var got time.Duration
			if err != nil {
				var ce *network.ConnError
				if !errors.As(err, &ce) || ce.Kind != s.kind {
					t.Fatalf("step %d: error %v, want kind %v", i, err, s.kind)
				}
				got = ce.Delay
			} else {
				got = conn.Delay
			}
			if got != s.total {
				t.Errorf("step %d (%d->%d): delay %v, want %v", i, s.from, s.to, got, s.total)
			}
			for id, want := range []time.Duration{s.overhead0, s.overhead1, s.o2} {
				if o := net.Overhead(uint32(id)); o != want {
					t.Errorf("step %d: Overhead(%d) = %v, want %v", i, id, o, want)
				}
			}
		}
		ops[0].Close()
		ops[1].Close()
		var recs []network.Record
		for _, r := range net.Records() {
			if r.Op == opID || r.Op == opID+1 {
				recs = append(recs, r)
			}
		}
		if len(recs) != len(steps) {
			t.Fatalf("%d records, want %d", len(recs), len(steps))
		}
		for _, r := range recs {
			s := steps[2*int(r.Attempt)+int(r.Op-opID)]
			if r.From != s.from || r.To != s.to || r.OriginOverhead != s.origin || r.RemoteOverhead != s.remote ||
				r.TotalOverhead != s.origin+s.remote || r.TotalDelay != s.total || r.BaseDelay != s.total-s.origin-s.remote {
				t.Errorf("record %+v, want overheads %v + %v, total %v", r, s.origin, s.remote, s.total)
			}
		}
	}
	check(t, steps, 10)
	if got := net.Overhead(7); got != ms {
		t.Errorf("Overhead(7) of the missing node = %v, want 1ms", got)
	}

	net.Reset()
	for id := range uint32(8) {
		if o := net.Overhead(id); o != 0 {
			t.Errorf("after Reset: Overhead(%d) = %v", id, o)
		}
	}
	// After the reset the same sequence gives the same delays again.
	check(t, steps, 20)
}

// With gamma = 0 the overheads stay zero.
func TestNoGamma(t *testing.T) {
	net := newNetwork(t, network.Config{ConnDelay: network.Fixed(ms)}, 2)
	op := net.NewOp(0)
	for range 10 {
		if c, err := op.Connect(0, 1, 0); err != nil || c.Delay != ms {
			t.Fatalf("Connect = %v, %v; want a 1ms connection", c.Delay, err)
		}
	}
	op.Close()
	if net.Overhead(0) != 0 || net.Overhead(1) != 0 {
		t.Errorf("overheads %v %v with gamma 0", net.Overhead(0), net.Overhead(1))
	}
}

// runOps drives a network through a fixed mix of operations.
func runOps(net *network.Network, ops, attempts int) {
	for i := range ops {
		op := net.NewOp(uint64(i%3) * 1000) // some named, some numbered by the network
		for j := range attempts {
			op.Connect(uint32(i), uint32((i*7+j)%12), time.Duration(j)*ms) // ids 10, 11 do not exist
		}
		op.Close()
	}
}

// Item 11: attempts = successes + failures in every summary, and the
// records CSV has RecordsHeader and one row per attempt, with the record's
// fields in the documented columns.
func TestSummaryAndRecordsCSV(t *testing.T) {
	for _, cfg := range []network.Config{
		{Seed: 1},
		{Seed: 2, FastErrorRate: 20, SlowErrorRate: 10, ConnDelay: network.DelayRange{Min: ms, Max: 9 * ms}, SlowDelay: network.Fixed(time.Second), Gamma: 100 * time.Microsecond},
		{Seed: 3, FastErrorRate: 100},
	} {
		t.Run(fmt.Sprintf("seed=%d", cfg.Seed), func(t *testing.T) {
			net := newNetwork(t, cfg, 10)
			runOps(net, 30, 7)
			s := net.Summary()
			if s.Attempts != 210 || s.Attempts != s.Successes+s.Failures || s.Failures != s.FastErrors+s.SlowErrors+s.NotFound {
				t.Fatalf("Summary = %+v, want 210 attempts = successes + failures", s)
			}
			if cfg.FastErrorRate < 100 && s.NotFound == 0 {
				t.Errorf("no attempt reached a missing node: %+v", s)
			}
			var buf bytes.Buffer
			if err := net.WriteRecordsCSV(&buf); err != nil {
				t.Fatal(err)
			}
			header, _, _ := strings.Cut(buf.String(), "\n")
			if header != network.RecordsHeader {
				t.Fatalf("header %q, want %q", header, network.RecordsHeader)
			}
			rows, err := csv.NewReader(&buf).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			recs := net.Records()
			if len(rows)-1 != int(s.Attempts) || len(recs) != int(s.Attempts) {
				t.Fatalf("%d rows, %d records for %d attempts", len(rows)-1, len(recs), s.Attempts)
			}
			cols := strings.Split(network.RecordsHeader, ",")
			counts := map[string]int64{}
			for i, row := range rows[1:] {
				if len(row) != len(cols) {
					t.Fatalf("row %d has %d columns, want %d", i, len(row), len(cols))
				}
				r := recs[i]
				want := []string{
					strconv.Itoa(i), seconds(r.Time), strconv.Itoa(int(r.From)), strconv.Itoa(int(r.To)), r.Error.String(),
					seconds(r.BaseDelay), seconds(r.OriginOverhead), seconds(r.RemoteOverhead), seconds(r.TotalOverhead), seconds(r.TotalDelay),
					strconv.FormatUint(r.Op, 10), strconv.Itoa(int(r.Attempt)),
				}
				if !slices.Equal(row, want) {
					t.Fatalf("row %d = %v, want %v", i, row, want)
				}
				if r.TotalDelay != r.BaseDelay+r.TotalOverhead || r.TotalOverhead != r.OriginOverhead+r.RemoteOverhead {
					t.Fatalf("record %d does not add up: %+v", i, r)
				}
				counts[row[4]]++
			}
			if counts["none"] != s.Successes || counts["fast"] != s.FastErrors || counts["slow"] != s.SlowErrors || counts["not_found"] != s.NotFound {
				t.Errorf("error column counts %v, summary %+v", counts, s)
			}
		})
	}
}

// seconds formats d as the CSV does: seconds, shortest exact decimal.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

func TestRecordsCSVValues(t *testing.T) {
	net := newNetwork(t, network.Config{ConnDelay: network.Fixed(1500 * time.Microsecond), Gamma: 250 * time.Microsecond}, 2)
	op := net.NewOp(42)
	op.Connect(1, 0, 2*time.Second)
	op.Close()
	var buf bytes.Buffer
	if err := net.WriteRecordsCSV(&buf); err != nil {
		t.Fatal(err)
	}
	want := network.RecordsHeader + "\n0,2,1,0,none,0.0015,0.00025,0.00025,0.0005,0.002,42,0\n"
	if buf.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", buf.String(), want)
	}
}

// Records are ordered by operation, then attempt, whatever the order in
// which operations closed; an operation's records appear when it closes,
// once.
func TestRecordsOrder(t *testing.T) {
	net := newNetwork(t, network.Config{Seed: 4}, 5)
	a, b, c := net.NewOp(30), net.NewOp(10), net.NewOp(20)
	auto := net.NewOp(0)
	if auto.ID() < 1<<63 || a.ID() != 30 {
		t.Errorf("op ids: auto %d, named %d", auto.ID(), a.ID())
	}
	for i := range 3 {
		for _, op := range []*network.Op{a, b, c, auto} {
			op.Connect(uint32(i), uint32(i+1), time.Duration(i)*ms)
		}
	}
	c.Close()
	if n := len(net.Records()); n != 3 {
		t.Fatalf("%d records after closing one op of 3 attempts", n)
	}
	if s := net.Summary(); s.Attempts != 3 {
		t.Fatalf("Summary counts %d attempts of open ops", s.Attempts)
	}
	auto.Close()
	a.Close()
	b.Close()
	b.Close() // a second Close does nothing
	recs := net.Records()
	if len(recs) != 12 || net.Summary().Attempts != 12 {
		t.Fatalf("%d records, %d attempts; want 12", len(recs), net.Summary().Attempts)
	}
	var got []string
	for _, r := range recs {
		got = append(got, fmt.Sprintf("%d/%d", r.Op, r.Attempt))
	}
	a0 := auto.ID()
	want := []string{"10/0", "10/1", "10/2", "20/0", "20/1", "20/2", "30/0", "30/1", "30/2",
		fmt.Sprintf("%d/0", a0), fmt.Sprintf("%d/1", a0), fmt.Sprintf("%d/2", a0)}
	if !slices.Equal(got, want) {
		t.Errorf("records order %v, want %v", got, want)
	}
	for _, r := range recs {
		if r.Time != time.Duration(r.Attempt)*ms || r.From != r.Attempt {
			t.Errorf("record %+v: fields of another attempt", r)
		}
	}
}

// The draws of an operation depend on the seed, the network id and the
// operation's id only.
func TestOpDeterminism(t *testing.T) {
	cfg := network.Config{Seed: 8, FastErrorRate: 30, SlowErrorRate: 20, ConnDelay: network.DelayRange{Max: time.Second},
		FastDelay: network.DelayRange{Max: ms}, SlowDelay: network.DelayRange{Min: time.Second, Max: 2 * time.Second}}
	draws := func(cfg network.Config, opID uint64, before int) []network.Record {
		net := newNetwork(t, cfg, 4)
		runOps(net, before, 3) // unrelated operations first
		op := net.NewOp(opID)
		for i := range 40 {
			op.Connect(0, uint32(i%4), 0)
		}
		op.Close()
		var out []network.Record
		for _, r := range net.Records() {
			if r.Op == opID {
				out = append(out, r)
			}
		}
		return out
	}
	ref := draws(cfg, 77, 0)
	if again := draws(cfg, 77, 5); !slices.Equal(ref, again) {
		t.Error("the same op id gives other draws after unrelated operations")
	}
	other := cfg
	other.Seed = 9
	otherID := cfg
	otherID.NetworkID = 1
	for name, recs := range map[string][]network.Record{
		"op id":      draws(cfg, 78, 0),
		"seed":       draws(other, 77, 0),
		"network id": draws(otherID, 77, 0),
	} {
		for i := range recs {
			recs[i].Op = 77
		}
		if slices.Equal(ref, recs) {
			t.Errorf("another %s gives the same draws", name)
		}
	}
}

func TestReset(t *testing.T) {
	net := newNetwork(t, network.Config{Seed: 1, FastErrorRate: 50, Gamma: ms}, 6)
	runOps(net, 10, 5)
	if s := net.Summary(); s.Attempts != 50 || len(net.Records()) != 50 {
		t.Fatalf("before Reset: %+v, %d records", s, len(net.Records()))
	}
	net.Reset()
	if s := net.Summary(); s != (network.Summary{Nodes: 6}) {
		t.Errorf("after Reset: Summary = %+v, want only the node count", s)
	}
	if r := net.Records(); len(r) != 0 {
		t.Errorf("after Reset: %d records", len(r))
	}
	for id := range uint32(12) {
		if o := net.Overhead(id); o != 0 {
			t.Errorf("after Reset: Overhead(%d) = %v", id, o)
		}
	}
	var buf bytes.Buffer
	if err := net.WriteRecordsCSV(&buf); err != nil || buf.String() != network.RecordsHeader+"\n" {
		t.Errorf("after Reset: CSV %q, %v; want the header alone", buf.String(), err)
	}
	runOps(net, 2, 5)
	if s := net.Summary(); s.Attempts != 10 {
		t.Errorf("counting after Reset: %+v", s)
	}
}

func TestDiscardRecords(t *testing.T) {
	net := newNetwork(t, network.Config{Seed: 1, FastErrorRate: 50, DiscardRecords: true}, 6)
	runOps(net, 10, 5)
	if s := net.Summary(); s.Attempts != 50 || s.Attempts != s.Successes+s.Failures {
		t.Errorf("Summary = %+v, want 50 attempts counted", s)
	}
	if r := net.Records(); len(r) != 0 {
		t.Errorf("%d records kept with DiscardRecords", len(r))
	}
}

func TestWriteRecordsFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "records.csv")
	net := newNetwork(t, network.Config{Seed: 1}, 4)
	runOps(net, 3, 2)
	if err := net.WriteRecordsFile(path, false); err != nil {
		t.Fatal(err)
	}
	first, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	net.WriteRecordsCSV(&want)
	if !bytes.Equal(first, want.Bytes()) {
		t.Fatalf("file holds %q, WriteRecordsCSV %q", first, want.Bytes())
	}

	runOps(net, 3, 2) // more records
	err = net.WriteRecordsFile(path, false)
	if !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), path) {
		t.Errorf("writing over an existing file: error %v, want fs.ErrExist naming the path", err)
	}
	if again, _ := os.ReadFile(path); !bytes.Equal(again, first) {
		t.Error("a refused write changed the existing file")
	}
	if err := net.WriteRecordsFile(path, true); err != nil {
		t.Fatalf("overwrite: %v", err)
	}
	if after, _ := os.ReadFile(path); bytes.Equal(after, first) || bytes.Count(after, []byte("\n")) != 13 {
		t.Errorf("overwrite left %d lines, want header + 12 rows", bytes.Count(after, []byte("\n")))
	}
	if err := net.WriteRecordsFile(filepath.Join(dir, "missing", "r.csv"), true); err == nil {
		t.Error("writing into a missing directory: no error")
	}
}

// WriteFile leaves nothing behind when the writer fails.
func TestWriteFileFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.csv")
	boom := errors.New("boom")
	err := network.WriteFile(path, false, func(w io.Writer) error {
		w.Write([]byte("partial"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("error %v, want the writer's", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a failed write left %s behind: %v", path, err)
	}
}

// Operations on one network from many goroutines: no race (run with
// -race), no lost count or record.
func TestConcurrentOps(t *testing.T) {
	net := newNetwork(t, network.Config{Seed: 1, FastErrorRate: 10, SlowErrorRate: 10, ConnDelay: network.DelayRange{Max: ms}, Gamma: time.Microsecond}, 20)
	const goroutines, opsEach, attempts = 8, 50, 6
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range opsEach {
				op := net.NewOp(uint64(g*opsEach + i + 1))
				for j := range attempts {
					op.Connect(uint32(g), uint32((i+j)%25), 0)
				}
				op.Close()
				_ = net.Summary()
				_ = net.Overhead(uint32(g))
			}
		}()
	}
	wg.Wait()
	s := net.Summary()
	recs := net.Records()
	if s.Attempts != goroutines*opsEach*attempts || len(recs) != int(s.Attempts) || s.Attempts != s.Successes+s.Failures {
		t.Errorf("Summary %+v, %d records; want %d attempts", s, len(recs), goroutines*opsEach*attempts)
	}
	// Each node was involved in attempts; the overheads add up to 2 gamma
	// per attempt.
	var total time.Duration
	for id := range uint32(25) {
		total += net.Overhead(id)
	}
	if want := 2 * time.Duration(s.Attempts) * time.Microsecond; total != want {
		t.Errorf("overheads add up to %v, want %v", total, want)
	}
}
