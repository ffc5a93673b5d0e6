package network_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-dht/go-dht/network"
)

const ms = time.Millisecond

// directory holds n nodes, ids 0..n-1; any other id is not found.
type directory int

func (d directory) Len() int { return int(d) }

// newNetwork returns the links of a network of n nodes.
func newNetwork(t testing.TB, cfg network.Config, n int) *network.Network {
	t.Helper()
	net, err := network.New(cfg, directory(n))
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// newOp starts operation id or fails the test.
func newOp(t testing.TB, net *network.Network, id uint64) *network.Op {
	t.Helper()
	op, err := net.NewOp(id)
	if err != nil {
		t.Fatal(err)
	}
	return op
}

// attempt draws an attempt and records it the way package dht does, at
// simulated time at, and returns the record.
func attempt(op *network.Op, from, to uint32, at time.Duration) network.Record {
	a := op.Draw(from, to, at)
	cost := a.Base
	if a.Error == network.NoError {
		cost *= 2
	}
	r := network.Record{Start: at, End: at + cost, From: from, To: to, Via: from, Error: a.Error, BaseDelay: a.Base}
	op.AddRecord(r)
	return r
}

// runOps drives a network through a fixed mix of operations: some named,
// some numbered by the network, some attempts to missing nodes.
func runOps(t testing.TB, net *network.Network, ops, attempts int) {
	for i := range ops {
		id := uint64(0) // numbered by the network
		if i%2 == 1 {
			id = uint64(1000 + i)
		}
		op := newOp(t, net, id)
		for j := range attempts {
			attempt(op, uint32(i), uint32((i*7+j)%12), time.Duration(j)*ms) // ids 10, 11 do not exist
		}
		op.Close()
	}
}

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
		{"1.5s-1h", network.DelayRange{Min: 1500 * ms, Max: time.Hour}},
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
	for _, in := range []string{"", "abc", "10ms-", "-10ms", "-5ms", "10-20", "10ms-20ms-30ms", "10ms..20ms", "ms", "2h", "1ms-61m"} {
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
	for _, s := range []string{"10ms-100ms", "50ms", " 1s - 2s", "100ms-10ms", "-1ms", "1h2m3.5s-2562047h47m16.854775807s", "59m-1h", "0", "1e3ms", "--"} {
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

// Every invalid field is rejected by a *ConfigError naming it and what is
// allowed; delays and gamma are bounded so that no simulated sum can
// overflow.
func TestConfigValidate(t *testing.T) {
	valid := network.Config{
		Seed: 1, FastErrorRate: 10, SlowErrorRate: 5,
		ConnDelay: network.DelayRange{Min: 50 * ms, Max: 100 * ms},
		FastDelay: network.Fixed(10 * ms), SlowDelay: network.Fixed(time.Second), Gamma: ms,
	}
	for _, tc := range []struct {
		field string
		edit  func(*network.Config)
	}{
		{"FastErrorRate", func(c *network.Config) { c.FastErrorRate = -1 }},
		{"FastErrorRate", func(c *network.Config) { c.FastErrorRate = 100.5 }},
		{"FastErrorRate", func(c *network.Config) { c.FastErrorRate = math.NaN() }},
		{"FastErrorRate", func(c *network.Config) { c.FastErrorRate = math.Inf(1) }},
		{"SlowErrorRate", func(c *network.Config) { c.SlowErrorRate = -0.1 }},
		{"SlowErrorRate", func(c *network.Config) { c.SlowErrorRate = math.NaN() }},
		{"FastErrorRate+SlowErrorRate", func(c *network.Config) { c.FastErrorRate, c.SlowErrorRate = 60, 41 }},
		{"ConnDelay", func(c *network.Config) { c.ConnDelay = network.DelayRange{Min: 2 * ms, Max: ms} }},
		{"ConnDelay", func(c *network.Config) { c.ConnDelay = network.DelayRange{Min: -ms, Max: ms} }},
		{"ConnDelay", func(c *network.Config) { c.ConnDelay = network.Fixed(network.MaxDelay + 1) }},
		{"ConnDelay", func(c *network.Config) { c.ConnDelay = network.Fixed(1 << 62) }},
		{"FastDelay", func(c *network.Config) { c.FastDelay = network.Fixed(-ms) }},
		{"SlowDelay", func(c *network.Config) {
			c.SlowDelay = network.DelayRange{Min: time.Second, Max: 50 * 365 * 24 * time.Hour}
		}},
		{"Gamma", func(c *network.Config) { c.Gamma = -1 }},
		{"Gamma", func(c *network.Config) { c.Gamma = network.MaxGamma + 1 }},
		{"Gamma", func(c *network.Config) { c.Gamma = 1 << 60 }},
		{"ConnDelay", func(c *network.Config) {
			c.PyDHT, c.ConnDelay = true, network.DelayRange{Min: ms, Max: 1500 * time.Microsecond}
		}},
	} {
		cfg := valid
		tc.edit(&cfg)
		err := cfg.Validate()
		var ce *network.ConfigError
		if !errors.As(err, &ce) || ce.Field != tc.field || ce.Allowed == "" || !errors.Is(err, network.ErrInvalidConfig) {
			t.Errorf("%s: Validate() = %v, want a ConfigError for the field", tc.field, err)
			continue
		}
		if net, err := network.New(cfg, directory(1)); net != nil || !errors.As(err, &ce) {
			t.Errorf("%s: New() = %v, %v", tc.field, net, err)
		}
	}
	for name, cfg := range map[string]network.Config{
		"zero":              {},
		"valid":             valid,
		"all fast":          {FastErrorRate: 100},
		"fast+slow is 100":  {FastErrorRate: 50, SlowErrorRate: 50},
		"py-dht 60+60":      {FastErrorRate: 60, SlowErrorRate: 60, PyDHT: true},
		"largest":           {ConnDelay: network.Fixed(network.MaxDelay), Gamma: network.MaxGamma},
		"fixed zero delays": {ConnDelay: network.Fixed(0), FastDelay: network.Fixed(0), SlowDelay: network.Fixed(0)},
	} {
		if err := cfg.Validate(); err != nil {
			t.Errorf("%s: Validate() = %v, want nil", name, err)
		}
	}
}

func TestKindNames(t *testing.T) {
	for k, want := range map[network.ErrorKind]string{
		network.NoError: "none", network.FastError: "fast", network.SlowError: "slow",
		network.NodeNotFound: "not_found", network.Offline: "offline",
	} {
		if got := k.String(); got != want {
			t.Errorf("ErrorKind(%d).String() = %q, want %q", k, got, want)
		}
	}
	for k, want := range map[network.RequestKind]string{
		network.FindRequest: "find", network.StoreRequest: "store", network.CrawlRequest: "crawl",
	} {
		if got := k.String(); got != want {
			t.Errorf("RequestKind(%d).String() = %q, want %q", k, got, want)
		}
	}
}

// An attempt's outcome and base delay: refused, timed out, to a missing
// node (after the error draws, with the slow delay), or connected.
func TestDrawOutcomes(t *testing.T) {
	base := network.Config{Seed: 3, ConnDelay: network.Fixed(40 * ms), FastDelay: network.Fixed(7 * ms), SlowDelay: network.Fixed(900 * ms)}
	for _, tc := range []struct {
		name       string
		fast, slow float64
		to         uint32
		want       network.Attempt
	}{
		{"connected", 0, 0, 1, network.Attempt{Error: network.NoError, Base: 40 * ms}},
		{"fast", 100, 0, 1, network.Attempt{Error: network.FastError, Base: 7 * ms}},
		{"slow", 0, 100, 1, network.Attempt{Error: network.SlowError, Base: 900 * ms}},
		{"not found", 0, 0, 5, network.Attempt{Error: network.NodeNotFound, Base: 900 * ms}},
		{"fast before not found", 100, 0, 5, network.Attempt{Error: network.FastError, Base: 7 * ms}},
	} {
		cfg := base
		cfg.FastErrorRate, cfg.SlowErrorRate = tc.fast, tc.slow
		net := newNetwork(t, cfg, 3)
		op := newOp(t, net, 1)
		if got := op.Draw(0, tc.to, 0); got != tc.want {
			t.Errorf("%s: Draw = %+v, want %+v", tc.name, got, tc.want)
		}
		op.Close()
		s := net.Summary()
		fail := int64(0)
		if tc.want.Error != network.NoError {
			fail = 1
		}
		if s.Attempts != 1 || s.Failures != fail || s.Successes != 1-fail || s.Nodes != 3 {
			t.Errorf("%s: Summary = %+v", tc.name, s)
		}
	}
}

// Delays are drawn from their range, inclusive; under the py-dht profile
// in whole milliseconds.
func TestDelaysInRange(t *testing.T) {
	for _, py := range []bool{false, true} {
		net := newNetwork(t, network.Config{Seed: 5, PyDHT: py, ConnDelay: network.DelayRange{Min: 10 * ms, Max: 20 * ms}}, 2)
		distinct := map[time.Duration]bool{}
		for i := range uint64(50) {
			op := newOp(t, net, i+1)
			for range 20 {
				a := op.Draw(0, 1, 0)
				if a.Base < 10*ms || a.Base > 20*ms || py && a.Base%ms != 0 {
					t.Fatalf("py-dht %v: delay %v outside 10ms-20ms or not whole ms", py, a.Base)
				}
				distinct[a.Base] = true
			}
			op.Close()
		}
		if py && len(distinct) != 11 || !py && len(distinct) < 500 {
			t.Errorf("py-dht %v: %d distinct delays in 1000 draws", py, len(distinct))
		}
	}
}

// One draw decides the outcome under go-dht's rules: 20 % refused comes
// out within a few points of 20 %, and fast and slow rates split the
// failures in proportion.
func TestErrorShares(t *testing.T) {
	net := newNetwork(t, network.Config{Seed: 9, FastErrorRate: 10, SlowErrorRate: 30}, 2)
	op := newOp(t, net, 0)
	for range 4000 {
		op.Draw(0, 1, 0)
	}
	op.Close()
	s := net.Summary()
	if f, sl := float64(s.FastErrors)/40, float64(s.SlowErrors)/40; math.Abs(f-10) > 2 || math.Abs(sl-30) > 3 {
		t.Errorf("fast %.1f%% slow %.1f%% of 4000 attempts, want 10%% and 30%%", f, sl)
	}
	if s.Attempts != s.Successes+s.Failures || s.Failures != s.FastErrors+s.SlowErrors+s.NotFound+s.Offline {
		t.Errorf("summary does not add up: %+v", s)
	}
}

// py-dht's load counters: each use of an endpoint raises its overhead by
// gamma; Reset clears them; without gamma nothing is counted.
func TestUseEndpoint(t *testing.T) {
	net := newNetwork(t, network.Config{Seed: 1, Gamma: ms, PyDHT: true}, 3)
	op := newOp(t, net, 1)
	for i := 1; i <= 3; i++ {
		if got := op.UseEndpoint(2); got != time.Duration(i)*ms {
			t.Fatalf("use %d: overhead %v", i, got)
		}
	}
	op.Close()
	if net.Overhead(2) != 3*ms || net.Overhead(1) != 0 {
		t.Errorf("overheads %v, %v", net.Overhead(2), net.Overhead(1))
	}
	net.Reset()
	if net.Overhead(2) != 0 {
		t.Errorf("after Reset: %v", net.Overhead(2))
	}
	quiet := newNetwork(t, network.Config{Seed: 1}, 3)
	if got := newOp(t, quiet, 1).UseEndpoint(2); got != 0 || quiet.Overhead(2) != 0 {
		t.Errorf("without gamma: %v", got)
	}
}

// The records CSV has RecordsHeader and one row per record, every field
// in its documented column, exact to the nanosecond.
func TestRecordsCSVValues(t *testing.T) {
	net := newNetwork(t, network.Config{}, 8)
	op := newOp(t, net, 42)
	op.AddRecord(network.Record{Request: network.StoreRequest, Start: 2 * time.Second, End: 2*time.Second + 3500*time.Microsecond,
		From: 1, To: 5, Via: 3, Error: network.NoError, BaseDelay: 1500 * time.Microsecond,
		OriginOverhead: 250 * time.Microsecond, RemoteOverhead: 250 * time.Microsecond})
	i := op.AddRecord(network.Record{Start: 1, End: 3, From: 1, To: 7, Via: 1, Error: network.SlowError, BaseDelay: 2})
	op.RecordAt(i).Abandoned = true
	op.Close()
	var buf bytes.Buffer
	if err := net.WriteRecordsCSV(&buf); err != nil {
		t.Fatal(err)
	}
	want := network.RecordsHeader + "\n" +
		"0,2,1,5,none,0.0015,0.00025,0.00025,0.0005,0.0035,42,0,2.0035,3,0,store,0\n" +
		"1,0.000000001,1,7,slow,0.000000002,0,0,0,0.000000002,42,1,0.000000003,1,1,find,0\n"
	if buf.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", buf.String(), want)
	}
	if cols := strings.Count(network.RecordsHeader, ",") + 1; cols != 17 {
		t.Errorf("%d columns", cols)
	}
}

// Records are ordered by operation, then attempt, whatever the order in
// which operations closed; an operation's records appear when it closes,
// once.
func TestRecordsOrder(t *testing.T) {
	net := newNetwork(t, network.Config{Seed: 4}, 5)
	a, b, c := newOp(t, net, 30), newOp(t, net, 10), newOp(t, net, 20)
	auto := newOp(t, net, 0)
	if auto.ID()&network.AutoOpBit == 0 || a.ID() != 30 {
		t.Errorf("op ids: auto %d, named %d", auto.ID(), a.ID())
	}
	for i := range 3 {
		for _, op := range []*network.Op{a, b, c, auto} {
			attempt(op, uint32(i), uint32(i+1), time.Duration(i)*ms)
		}
	}
	c.Close()
	if recs, _ := net.Records(); len(recs) != 3 || net.Summary().Attempts != 3 {
		t.Fatalf("%d records, %d attempts after closing one op of 3 attempts", len(recs), net.Summary().Attempts)
	}
	auto.Close()
	a.Close()
	b.Close()
	b.Close() // a second Close does nothing
	recs, err := net.Records()
	if err != nil || len(recs) != 12 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	var got []string
	for _, r := range recs {
		got = append(got, fmt.Sprintf("%d/%d", r.Op, r.Attempt))
		if r.Start != time.Duration(r.Attempt)*ms || r.From != r.Attempt {
			t.Errorf("record %+v: fields of another attempt", r)
		}
	}
	a0 := auto.ID()
	want := []string{"10/0", "10/1", "10/2", "20/0", "20/1", "20/2", "30/0", "30/1", "30/2",
		fmt.Sprintf("%d/0", a0), fmt.Sprintf("%d/1", a0), fmt.Sprintf("%d/2", a0)}
	if !slices.Equal(got, want) {
		t.Errorf("records order %v, want %v", got, want)
	}
}

// Operation ids: a running operation's id cannot be started again; once it
// is closed, its id replays the same draws; ids with AutoOpBit are the
// network's own.
func TestOpIDs(t *testing.T) {
	cfg := network.Config{Seed: 8, FastErrorRate: 30, SlowErrorRate: 20, ConnDelay: network.DelayRange{Max: time.Second},
		FastDelay: network.DelayRange{Max: ms}, SlowDelay: network.DelayRange{Min: time.Second, Max: 2 * time.Second}}
	net := newNetwork(t, cfg, 4)
	op := newOp(t, net, 77)
	if _, err := net.NewOp(77); !errors.Is(err, network.ErrOpInUse) {
		t.Fatalf("second running op 77: %v, want ErrOpInUse", err)
	}
	if _, err := net.NewOp(network.AutoOpBit | 5); err == nil {
		t.Fatal("an id with AutoOpBit was accepted")
	}
	draws := func(op *network.Op) []network.Attempt {
		var out []network.Attempt
		for i := range 40 {
			out = append(out, op.Draw(0, uint32(i%4), 0))
		}
		op.Close()
		return out
	}
	first := draws(op)
	if again := draws(newOp(t, net, 77)); !slices.Equal(first, again) {
		t.Error("a closed op's id does not replay its draws")
	}
	other := cfg
	other.Seed = 9
	otherID := cfg
	otherID.NetworkID = 1
	for name, got := range map[string][]network.Attempt{
		"op id":      draws(newOp(t, net, 78)),
		"seed":       draws(newOp(t, newNetwork(t, other, 4), 77)),
		"network id": draws(newOp(t, newNetwork(t, otherID, 4), 77)),
	} {
		if slices.Equal(first, got) {
			t.Errorf("another %s gives the same draws", name)
		}
	}
}

// Streamed records: the header, the records kept so far, then each
// operation's records as it closes; none kept in memory.
func TestStreamRecords(t *testing.T) {
	net := newNetwork(t, network.Config{Seed: 2, FastErrorRate: 20}, 12)
	runOps(t, net, 4, 3)
	var kept bytes.Buffer
	if err := net.WriteRecordsCSV(&kept); err != nil {
		t.Fatal(err)
	}
	var streamed bytes.Buffer
	if err := net.StreamRecords(&streamed); err != nil {
		t.Fatal(err)
	}
	if err := net.StreamRecords(&streamed); err == nil {
		t.Error("streaming twice was accepted")
	}
	runOps(t, net, 4, 3)
	if err := net.FlushRecords(); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(streamed.Bytes(), kept.Bytes()) || bytes.Count(streamed.Bytes(), []byte("\n")) != 1+24 {
		t.Fatalf("stream:\n%s", streamed.String())
	}
	if _, err := net.Records(); !errors.Is(err, network.ErrRecordsStreamed) {
		t.Errorf("Records while streaming: %v", err)
	}
	if err := net.WriteRecordsCSV(io.Discard); !errors.Is(err, network.ErrRecordsStreamed) {
		t.Errorf("WriteRecordsCSV while streaming: %v", err)
	}
	// A failing writer: the error comes back from FlushRecords.
	bad := newNetwork(t, network.Config{Seed: 2}, 12)
	if err := bad.StreamRecords(failWriter{}); err != nil {
		t.Fatal(err)
	}
	runOps(t, bad, 2000, 3)
	if err := bad.FlushRecords(); err == nil {
		t.Error("FlushRecords hid a write error")
	}
}

// Extra columns close every streamed row, quoted as CSV requires.
func TestStreamRecordsWith(t *testing.T) {
	net := newNetwork(t, network.Config{Seed: 2}, 12)
	var out bytes.Buffer
	if err := net.StreamRecordsWith(&out, []string{"alpha", "conn_delay"}, []string{"3", "50ms,75ms"}); err != nil {
		t.Fatal(err)
	}
	runOps(t, net, 2, 2)
	net.FlushRecords()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if lines[0] != network.RecordsHeader+",alpha,conn_delay" || len(lines) != 5 {
		t.Fatalf("stream:\n%s", out.String())
	}
	for _, l := range lines[1:] {
		if !strings.HasSuffix(l, `,3,"50ms,75ms"`) {
			t.Fatalf("row %q lacks the extra columns", l)
		}
	}
	if err := net.StreamRecordsWith(&out, []string{"a"}, nil); err == nil {
		t.Error("mismatched columns accepted")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestReset(t *testing.T) {
	net := newNetwork(t, network.Config{Seed: 1, FastErrorRate: 50}, 6)
	runOps(t, net, 10, 5)
	if s := net.Summary(); s.Attempts != 50 {
		t.Fatalf("before Reset: %+v", s)
	}
	net.Reset()
	if s := net.Summary(); s != (network.Summary{Nodes: 6}) {
		t.Errorf("after Reset: Summary = %+v, want only the node count", s)
	}
	if r, err := net.Records(); len(r) != 0 || err != nil {
		t.Errorf("after Reset: %d records, %v", len(r), err)
	}
	runOps(t, net, 2, 5)
	if s := net.Summary(); s.Attempts != 10 {
		t.Errorf("counting after Reset: %+v", s)
	}
}

// A network that discards records keeps counting, and says so when asked
// for records instead of writing an empty file.
func TestDiscardRecords(t *testing.T) {
	net := newNetwork(t, network.Config{Seed: 1, FastErrorRate: 50, DiscardRecords: true}, 6)
	runOps(t, net, 10, 5)
	if s := net.Summary(); s.Attempts != 50 || s.Attempts != s.Successes+s.Failures {
		t.Errorf("Summary = %+v, want 50 attempts counted", s)
	}
	if _, err := net.Records(); !errors.Is(err, network.ErrRecordsDiscarded) {
		t.Errorf("Records: %v, want ErrRecordsDiscarded", err)
	}
	var buf bytes.Buffer
	if err := net.WriteRecordsCSV(&buf); !errors.Is(err, network.ErrRecordsDiscarded) || buf.Len() != 0 {
		t.Errorf("WriteRecordsCSV: %v, wrote %q", err, buf.String())
	}
	if err := net.StreamRecords(&buf); !errors.Is(err, network.ErrRecordsDiscarded) {
		t.Errorf("StreamRecords: %v", err)
	}
}

// WriteFileAtomic: a reader never sees a partial file; a failed write
// leaves the old file untouched and no temporary file behind.
func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "records.csv")
	net := newNetwork(t, network.Config{Seed: 1}, 12)
	runOps(t, net, 3, 2)
	if err := net.WriteRecordsFile(path); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(path)
	if !bytes.HasPrefix(first, []byte(network.RecordsHeader)) || bytes.Count(first, []byte("\n")) != 7 {
		t.Fatalf("file:\n%s", first)
	}
	boom := errors.New("boom")
	err := network.WriteFileAtomic(path, func(w io.Writer) error {
		w.Write([]byte("partial"))
		return boom
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), path) {
		t.Errorf("error %v, want the writer's, naming the path", err)
	}
	if again, _ := os.ReadFile(path); !bytes.Equal(again, first) {
		t.Error("a failed write changed the existing file")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files in the folder after a failed write, want 1", len(entries))
	}
	if err := network.WriteFileAtomic(filepath.Join(dir, "missing", "r.csv"), func(io.Writer) error { return nil }); err == nil {
		t.Error("writing into a missing directory: no error")
	}
}

// Operations on one network from many goroutines: no race (run with
// -race), no lost count or record.
func TestConcurrentOps(t *testing.T) {
	net := newNetwork(t, network.Config{Seed: 1, FastErrorRate: 10, SlowErrorRate: 10, ConnDelay: network.DelayRange{Max: ms}, Gamma: time.Microsecond, PyDHT: true}, 20)
	const goroutines, opsEach, attempts = 8, 50, 6
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range opsEach {
				op := newOp(t, net, uint64(g*opsEach+i+1))
				for j := range attempts {
					op.UseEndpoint(uint32(g))
					attempt(op, uint32(g), uint32((i+j)%25), 0)
				}
				op.Close()
				_ = net.Summary()
			}
		})
	}
	wg.Wait()
	s := net.Summary()
	recs, _ := net.Records()
	if s.Attempts != goroutines*opsEach*attempts || len(recs) != int(s.Attempts) || s.Attempts != s.Successes+s.Failures {
		t.Errorf("Summary %+v, %d records; want %d attempts", s, len(recs), goroutines*opsEach*attempts)
	}
	if got := net.Overhead(3); got != opsEach*attempts*time.Microsecond {
		t.Errorf("node 3 was used %v worth of gamma, want %d uses", got, opsEach*attempts)
	}
}

// seconds formats d as the CSV does.
func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) }

// Every operation id fits an int64, which is what CSV readers such as
// pandas load as an integer: automatic ids are 2^62 + n (above every
// named id, below 2^63), and a named id of 2^62 or more, 2^63 included,
// is refused.
func TestOpIDsFitInt64(t *testing.T) {
	net := newNetwork(t, network.Config{Seed: 8}, 4)
	for range 3 {
		op := newOp(t, net, 0)
		if id := op.ID(); id <= network.AutoOpBit || id > math.MaxInt64 {
			t.Errorf("automatic id %d: want above 2^62 and at most 2^63-1", id)
		}
		op.Close()
	}
	for _, id := range []uint64{network.AutoOpBit, network.AutoOpBit + 1, 1 << 63, math.MaxUint64} {
		if _, err := net.NewOp(id); err == nil {
			t.Errorf("named id %d was accepted; allowed 1..2^62-1", id)
		}
	}
	if op := newOp(t, net, network.AutoOpBit-1); op.ID() != network.AutoOpBit-1 {
		t.Errorf("largest named id: got %d", op.ID())
	}
}
