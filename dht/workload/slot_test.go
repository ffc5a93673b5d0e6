package workload_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/dhttest"
	"github.com/go-dht/go-dht/dht/workload"
	"github.com/go-dht/go-dht/dht/workload/das"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/network/churn"
)

// slotOut is what a slot streamed and returned.
type slotOut struct {
	res      *workload.SlotResult
	provides []dht.ProvideSummary
	samples  []workload.Sample
}

// runSlot runs w on net and keeps what it streams.
func runSlot(t *testing.T, w workload.Slot, net *dht.DHTNetwork, seed uint64) slotOut {
	t.Helper()
	var o slotOut
	res, err := w.Run(context.Background(), net, seed, workload.SlotOutput{
		Provide: func(p dht.ProvideSummary) error { o.provides = append(o.provides, p); return nil },
		Sample:  func(s workload.Sample) error { o.samples = append(o.samples, s); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	o.res = res
	return o
}

// slotNet is a network of n nodes, 5-40 ms one-way delays, no errors.
func slotNet(t *testing.T, n int, seed uint64) *dht.DHTNetwork {
	cfg := dhttest.Config(n, seed)
	cfg.Network.ConnDelay = network.DelayRange{Min: 5 * ms, Max: 40 * ms}
	return dhttest.New(t, cfg)
}

func foundShare(samples []workload.Sample) float64 {
	found := 0
	for _, s := range samples {
		if s.Found {
			found++
		}
	}
	return float64(found) / float64(len(samples))
}

func successShare(res *workload.SlotResult) float64 {
	return float64(res.Verdict.Succeeded) / float64(len(res.Validators))
}

// A slot: every cell is provided with the given number in flight, then
// the validators sample; with a generous deadline and no errors they all
// succeed and the block is declared available, as it is; with a tight
// deadline none succeeds; the served counts add up.
func TestSlot(t *testing.T) {
	w := workload.Slot{Rows: 8, Cols: 8, ProvidesInFlight: 5, Validators: 40, Samples: 6, SegmentSize: 32,
		Deadline: time.Hour, SampleStart: workload.AfterProvides}
	net := slotNet(t, 1000, 53)
	o := runSlot(t, w, net, 53)
	res := o.res
	if len(o.provides) != 64 || res.Provides != 64 || len(o.samples) != 240 || res.Samples != 240 || len(res.Validators) != 40 {
		t.Fatalf("%d provides, %d samples, %d validators", len(o.provides), len(o.samples), len(res.Validators))
	}
	// At most 5 provides in flight at any time.
	for _, p := range o.provides {
		inFlight := 0
		for _, q := range o.provides {
			if q.Start <= p.Start && p.Start < q.Start+q.OperationDelay {
				inFlight++
			}
		}
		if inFlight > 5 {
			t.Fatalf("%d provides in flight at %v", inFlight, p.Start)
		}
	}
	if res.SampleStart != res.ProvidesEnd {
		t.Fatalf("sampling started at %v, the provides ended at %v", res.SampleStart, res.ProvidesEnd)
	}
	for _, v := range res.Validators {
		if !v.Success || !v.Completed || v.Found != 6 {
			t.Fatalf("validator %+v failed without errors and with an hour to spare", v)
		}
	}
	if !res.Verdict.Available || !res.Truth.Recoverable || res.FalseAccept() || res.FalseReject() || res.Withheld != 0 {
		t.Fatalf("verdict %+v, truth %+v", res.Verdict, res.Truth)
	}
	if res.SamplesFound != 240 || res.Lookups != 240 || len(res.SampleDelays) != 240 {
		t.Fatalf("%d found, %d lookups, %d delays: want 240 each", res.SamplesFound, res.Lookups, len(res.SampleDelays))
	}
	var served uint64
	for _, n := range res.Served {
		served += uint64(n)
	}
	if s := net.Summary(); served != uint64(s.Successes) {
		t.Fatalf("%d requests served, %d attempts connected", served, s.Successes)
	}
	if res.Loads != nil {
		t.Fatal("loads with bandwidth off")
	}
	w.Deadline = res.ProvidesEnd // before any sample returns
	tight := runSlot(t, w, slotNet(t, 1000, 53), 53).res
	for _, v := range tight.Validators {
		if v.Success || !v.Completed {
			t.Fatalf("validator %+v succeeded before its samples returned, or did not complete after", v)
		}
	}
	if tight.Verdict.Available || !tight.FalseReject() {
		t.Fatalf("tight deadline: verdict %+v, want a false reject", tight.Verdict)
	}
	// Sampling at the slot's start, before the cells are provided: most
	// samples find nothing.
	w.Deadline, w.SampleStart = time.Hour, 0
	early := runSlot(t, w, slotNet(t, 1000, 53), 53)
	if f := foundShare(early.samples); f > 0.5 {
		t.Fatalf("%.2f of the samples found cells sampled before they were provided", f)
	}
}

// Withholding nothing (any pattern with share 0) and no errors: the block
// is recoverable, every validator succeeds, no false reject, whatever the
// seed.
func TestSlotNoWithholdingNoFalseReject(t *testing.T) {
	var tally das.Tally
	for _, wh := range []das.Withholding{{}, {Pattern: das.PatternRandom}, {Pattern: das.PatternRows}, {Pattern: das.PatternCols}} {
		for seed := uint64(1); seed <= 2; seed++ {
			w := workload.Slot{Rows: 8, Cols: 8, ProvidesInFlight: 16, Validators: 30, Samples: 8, SegmentSize: 32,
				Deadline: time.Hour, SampleStart: workload.AfterProvides, Withholding: wh, SampleTimeout: time.Second}
			res := runSlot(t, w, slotNet(t, 600, seed), seed).res
			if res.Withheld != 0 || !res.Truth.Recoverable || res.FalseReject() || successShare(res) != 1 {
				t.Fatalf("%v, seed %d: withheld %d, truth %+v, verdict %+v", wh, seed, res.Withheld, res.Truth, res.Verdict)
			}
			tally.Add(res.Verdict)
		}
	}
	if tally.FalseRejectRate() != 0 || !math.IsNaN(tally.FalseAcceptRate()) {
		t.Fatalf("tally %+v: false reject rate %v, false accept rate %v (no unrecoverable block: NaN)", tally, tally.FalseRejectRate(), tally.FalseAcceptRate())
	}
}

// The minimal unrecoverable pattern: the truth is unrecoverable; a sample
// of a withheld cell is never found (tried again until the deadline), one
// of a present cell is; a validator succeeds exactly when it drew no
// withheld cell. With 6 samples few do, and the block is rejected: no
// false accept. With 1 sample and a threshold of 0.5, most validators miss
// the withheld cells and the block is falsely accepted: the false accept
// rate over several slots says so.
func TestSlotUnrecoverableWithholdingIsRejected(t *testing.T) {
	w := workload.Slot{Rows: 8, Cols: 8, ProvidesInFlight: 16, Validators: 40, Samples: 6, SegmentSize: 32,
		Deadline: 4 * time.Second, SampleStart: workload.AfterProvides, SampleTimeout: 500 * ms,
		Withholding: das.Withholding{Pattern: das.PatternMinimal}}
	o := runSlot(t, w, slotNet(t, 600, 7), 7)
	res := o.res
	if res.Withheld != 25 || res.Truth.Recoverable || res.Provides != 64-25 || len(o.provides) != 39 {
		t.Fatalf("withheld %d, truth %+v, %d provides", res.Withheld, res.Truth, res.Provides)
	}
	block, _ := das.NewBlock(w.Geometry())
	if err := w.Withholding.Apply(block, 7); err != nil {
		t.Fatal(err)
	}
	missed := make([]bool, len(res.Validators))
	for _, s := range o.samples {
		withheld := block.Withheld(s.Cell)
		if s.Found == withheld {
			t.Fatalf("sample %+v of a cell withheld %v", s, withheld)
		}
		if withheld {
			missed[s.Validator] = true
			end := s.Last.Start + s.Last.Delay
			if s.Lookups < 2 || end > w.Deadline || end < w.Deadline-w.SampleTimeout-time.Second {
				t.Fatalf("sample of a withheld cell %+v: want lookups until the deadline %v", s, w.Deadline)
			}
		}
	}
	for v, val := range res.Validators {
		if val.Success == missed[v] {
			t.Fatalf("validator %d %+v: success %v, drew a withheld cell %v", v, val, val.Success, missed[v])
		}
	}
	if res.Verdict.Available || res.FalseAccept() {
		t.Fatalf("verdict %+v on an unrecoverable block", res.Verdict)
	}

	var tally das.Tally
	w.Samples, w.Threshold = 1, 0.5
	for seed := uint64(1); seed <= 3; seed++ {
		r := runSlot(t, w, slotNet(t, 600, seed), seed).res
		tally.Add(r.Verdict)
	}
	if tally.Recoverable != 0 || tally.FalseAccepts == 0 || tally.FalseAcceptRate() != float64(tally.FalseAccepts)/3 {
		t.Fatalf("1 sample per validator, threshold 0.5: tally %+v, false accept rate %v; want false accepts", tally, tally.FalseAcceptRate())
	}
}

// Adversarial classes lower sample success as the model says, with
// provides that store on beta = 3 nodes: malicious nodes accept stores and
// serve nothing, so a cell whose 3 holders are all malicious (one in 8 at
// a share of 0.5) is never found; unresponsive nodes answer nothing, so
// provides store on the responsive ones (every cell is found) but lookups
// wait out their timeouts: samples are slower, and fewer validators make
// a 1 s deadline. Adversarial nodes run no validator.
func TestSlotAdversarialClassesLowerSampleSuccess(t *testing.T) {
	honest := das.Class{Name: "honest", Share: 1, ValidatorsPerNode: 1}
	half := func(b das.Behaviour) das.Classes {
		h := honest
		h.Share = 0.5
		return das.Classes{h, {Name: "bad", Share: 0.5, Behaviour: b}}
	}
	run := func(cs das.Classes) slotOut {
		cfg := dhttest.Config(1000, 31)
		cfg.Client.Beta = 3
		cfg.Network.ConnDelay = network.DelayRange{Min: 5 * ms, Max: 40 * ms}
		w := workload.Slot{Rows: 16, Cols: 16, ProvidesInFlight: 64, Validators: 60, Samples: 10, SegmentSize: 32,
			Deadline: time.Second, SampleStart: 0, Classes: cs}
		// Sampling starts when the slot does; the deadline counts from
		// there, and the provides are given an hour first.
		w.SampleStart = time.Hour
		w.Deadline = time.Hour + time.Second
		return runSlot(t, w, dhttest.New(t, cfg), 31)
	}
	base := run(das.Classes{honest})
	mal := run(half(das.Malicious))
	unr := run(half(das.Unresponsive))
	median := func(o slotOut) time.Duration {
		d := slices.Clone(o.res.SampleDelays)
		slices.Sort(d)
		return d[len(d)/2]
	}
	t.Logf("found: honest %.3f, malicious %.3f, unresponsive %.3f; success by 1 s: %.2f, %.2f, %.2f; median delay %v, %v, %v",
		foundShare(base.samples), foundShare(mal.samples), foundShare(unr.samples),
		successShare(base.res), successShare(mal.res), successShare(unr.res), median(base), median(mal), median(unr))
	if f := foundShare(base.samples); f != 1 || successShare(base.res) != 1 {
		t.Fatalf("honest network: found %.3f, success %.2f", f, successShare(base.res))
	}
	if f := foundShare(mal.samples); f < 0.78 || f > 0.95 || mal.res.StoredShare != 1 {
		t.Fatalf("half malicious: found %.3f, want about 1 - 0.5^3 = 0.875; stored share %v, want 1 (stores accepted)", f, mal.res.StoredShare)
	}
	if f := foundShare(unr.samples); f < 0.97 || unr.res.StoredShare >= 1 {
		t.Fatalf("half unresponsive: found %.3f, want every cell found on responsive holders; stored share %v, want below 1", f, unr.res.StoredShare)
	}
	if median(unr) <= median(base) || successShare(unr.res) >= successShare(base.res) {
		t.Fatalf("half unresponsive: median delay %v (honest %v), success %.2f (honest %.2f): want slower, fewer in time",
			median(unr), median(base), successShare(unr.res), successShare(base.res))
	}
	for _, o := range []slotOut{mal, unr} {
		for _, v := range o.res.Validators {
			if cls := (das.Classes(half(das.Malicious))).Of(31, v.Node); cls != 0 {
				t.Fatalf("validator on node %d of an adversarial class", v.Node)
			}
		}
	}
}

// A node runs its class's validators per node, each drawing its own
// samples; a node of a class with none runs none.
func TestSlotClassesHostValidators(t *testing.T) {
	cs := das.Classes{{Name: "multi", Share: 0.4, ValidatorsPerNode: 3}, {Name: "single", Share: 0.4, ValidatorsPerNode: 1},
		{Name: "idle", Share: 0.2}}
	w := workload.Slot{Rows: 8, Cols: 8, ProvidesInFlight: 16, Validators: 50, Samples: 5, SegmentSize: 32,
		Deadline: time.Hour, SampleStart: workload.AfterProvides, Classes: cs}
	o := runSlot(t, w, slotNet(t, 500, 3), 3)
	perNode := map[uint32][]int{}
	for v, val := range o.res.Validators {
		perNode[val.Node] = append(perNode[val.Node], v)
	}
	if len(perNode) > 50 {
		t.Fatalf("%d validator nodes, want at most 50", len(perNode))
	}
	for node, vs := range perNode {
		if want := cs[cs.Of(3, node)].ValidatorsPerNode; len(vs) != want {
			t.Fatalf("node %d of class %s runs %d validators, want %d", node, cs[cs.Of(3, node)].Name, len(vs), want)
		}
	}
	cells := map[int][]int{}
	for _, s := range o.samples {
		cells[s.Validator] = append(cells[s.Validator], s.Cell)
	}
	for _, vs := range perNode {
		for i := 1; i < len(vs); i++ {
			a, b := slices.Sorted(slices.Values(cells[vs[0]])), slices.Sorted(slices.Values(cells[vs[i]]))
			if slices.Equal(a, b) {
				t.Fatalf("two validators of one node sampled the same cells %v", a)
			}
		}
	}
}

// One honest class with a validator per node, no custody and unlimited
// bandwidth is the slot without classes: the same samples and verdict.
func TestSlotOneHonestClassIsNoClass(t *testing.T) {
	w := workload.Slot{Rows: 8, Cols: 8, ProvidesInFlight: 8, Validators: 20, Samples: 4, SegmentSize: 32,
		Deadline: time.Second, SampleStart: workload.AfterProvides}
	plain := runSlot(t, w, slotNet(t, 400, 5), 5)
	w.Classes = das.Classes{{Name: "all", Share: 1, ValidatorsPerNode: 1}}
	classed := runSlot(t, w, slotNet(t, 400, 5), 5)
	if fmt.Sprint(plain.samples) != fmt.Sprint(classed.samples) || plain.res.Verdict != classed.res.Verdict {
		t.Fatal("one honest class gave another slot than no class")
	}
}

// A sample whose first peer never answers (silent, with a slow delay
// longer than the slot) succeeds on a retry before the deadline: its
// first lookup times out waiting for that peer, and the next one skips
// it. Without a sample timeout the one lookup waits for the peer and the
// validator misses the deadline.
func TestSlotRetrySkipsAnUnanswerablePeer(t *testing.T) {
	newNet := func() *dht.DHTNetwork {
		cfg := dhttest.Config(300, 17)
		cfg.Client.Alpha = 1 // the first peer blocks the lookup
		cfg.Network.SlowDelay = network.Fixed(10 * time.Second)
		return dhttest.New(t, cfg)
	}
	w := workload.Slot{Rows: 2, Cols: 2, ProvidesInFlight: 4, Validators: 1, Samples: 1, SegmentSize: 32,
		SampleStart: 30 * time.Second, Deadline: 34 * time.Second}
	// Find the first peer the sample's lookup asks (operation cells + 1).
	net := newNet()
	first := runSlot(t, w, net, 17)
	sampleOp := uint64(w.Cells() + 1)
	var silent uint32
	for _, r := range dhttest.Records(t, net) {
		if r.Op == sampleOp && r.Attempt == 0 {
			silent = r.To
		}
	}
	if !first.samples[0].Found || silent == 0 {
		t.Fatalf("reference run: sample %+v, first peer %d", first.samples[0], silent)
	}
	quiet := func(net *dht.DHTNetwork) *dht.DHTNetwork {
		net.Links().SetSilent(func(id uint32) bool { return id == silent })
		return net
	}
	once := runSlot(t, w, quiet(newNet()), 17)
	if s := once.samples[0]; s.Lookups != 1 || once.res.Validators[0].Success {
		t.Fatalf("no timeout: sample %+v, validator %+v; want one lookup, the deadline missed", s, once.res.Validators[0])
	}
	w.SampleTimeout = 200 * ms
	net = quiet(newNet())
	retried := runSlot(t, w, net, 17)
	s := retried.samples[0]
	if !s.Found || s.Lookups != 2 || !retried.res.Validators[0].Success || s.Delay >= 4*time.Second {
		t.Fatalf("with a 200ms timeout: sample %+v, validator %+v; want found on the second lookup before the deadline", s, retried.res.Validators[0])
	}
	for _, r := range dhttest.Records(t, net) {
		if r.To == silent && r.Op == sampleOp+1 {
			t.Fatalf("the retry asked the silent peer %d again", silent)
		}
	}
}

// With bandwidth on (a class rate of 2 Mbit/s up, or the builder's own
// upload of 2 Mbit/s), the builder's provides take at least the bytes of
// its stores over its upload rate, and the builder's upload is busy until
// at least then; every node's bytes are counted.
func TestSlotBandwidthBuilderUpload(t *testing.T) {
	up, err := das.ParseBandwidth("fixed:2Mbit")
	if err != nil {
		t.Fatal(err)
	}
	const size = 2048
	w := workload.Slot{Rows: 4, Cols: 4, ProvidesInFlight: 16, Validators: 10, Samples: 2, SegmentSize: size,
		Deadline: time.Hour, SampleStart: workload.AfterProvides,
		Classes: das.Classes{{Name: "all", Share: 1, ValidatorsPerNode: 1, Upload: up}}}
	net := slotNet(t, 300, 9)
	o := runSlot(t, w, net, 9)
	res := o.res
	stores := 0
	for _, p := range o.provides {
		for _, id := range p.Stored {
			if id != res.Builder {
				stores++
			}
		}
	}
	bytes := float64(stores * net.Links().Sizes().StoreSize(size))
	least := time.Duration(bytes / 250_000 * float64(time.Second))
	if res.ProvidesEnd < least || res.BuilderUploadEnd < least || res.BuilderUploadEnd > res.ProvidesEnd {
		t.Fatalf("%d stores of %d B at 250,000 B/s take at least %v: provides ended %v, builder's upload %v", stores, size, least, res.ProvidesEnd, res.BuilderUploadEnd)
	}
	if res.Loads == nil || res.Loads[res.Builder].SentBytes < int64(bytes) {
		t.Fatalf("builder's load %+v, want at least %v bytes sent", res.Loads[res.Builder], bytes)
	}
	w.Classes[0].Upload = das.Bandwidth{}
	fast := runSlot(t, w, slotNet(t, 300, 9), 9).res
	if fast.Loads != nil || fast.ProvidesEnd >= least {
		t.Fatalf("unlimited: provides end %v, loads %v; want faster, no loads", fast.ProvidesEnd, fast.Loads != nil)
	}
	// The builder's own upload (PANDAS's resourceful builder), without
	// classes: the same bound.
	w.Classes, w.BuilderUpload = nil, up
	net = slotNet(t, 300, 9)
	o = runSlot(t, w, net, 9)
	if o.res.ProvidesEnd < least || o.res.Loads == nil {
		t.Fatalf("builder upload 2 Mbit/s: provides ended %v, want at least %v", o.res.ProvidesEnd, least)
	}
}

// Custody: the builder pushes each node's lines at the slot's start (one
// message a line, through its upload); a validator whose node keeps a
// sampled cell's line finds it in its own custody at once; withheld cells
// are not in anyone's custody.
func TestSlotCustody(t *testing.T) {
	cs := das.Classes{{Name: "keeper", Share: 1, ValidatorsPerNode: 1, CustodyRows: 2, CustodyCols: 2}}
	w := workload.Slot{Rows: 8, Cols: 8, ProvidesInFlight: 16, Validators: 80, Samples: 6, SegmentSize: 32,
		Deadline: time.Hour, SampleStart: workload.AfterProvides, Classes: cs,
		Withholding: das.Withholding{Pattern: das.PatternRandom, Share: 0.25}}
	const n = 200
	o := runSlot(t, w, slotNet(t, n, 11), 11)
	res := o.res
	if res.CustodyPushes != 4*(n-1) || res.CustodyDelivered != res.CustodyPushes {
		t.Fatalf("%d custody lines pushed, %d delivered; want 4 x %d", res.CustodyPushes, res.CustodyDelivered, n-1)
	}
	block, _ := das.NewBlock(w.Geometry())
	if err := w.Withholding.Apply(block, 11); err != nil {
		t.Fatal(err)
	}
	local := 0
	for _, s := range o.samples {
		kept := cs.Node(w.Geometry(), 11, s.Node).Custody.Holds(w.Geometry(), s.Cell)
		switch {
		case block.Withheld(s.Cell):
			if s.Found {
				t.Fatalf("sample of a withheld cell found: %+v", s)
			}
		case kept:
			if !s.Last.LocalValue || s.Last.Attempts != 0 {
				t.Fatalf("sample of a cell its node keeps: %+v, want found in its own custody", s)
			}
			local++
		case !s.Found:
			t.Fatalf("sample of a present cell not found: %+v", s)
		}
	}
	if local == 0 {
		t.Fatal("no sample of a kept cell: the test shows nothing")
	}
}

// Sampling may start when a share of the provides has ended: with 0.5, at
// the end of the 32nd of 64 provides to end, before the last.
func TestSlotSampleAfterShareOfProvides(t *testing.T) {
	w := workload.Slot{Rows: 8, Cols: 8, ProvidesInFlight: 8, Validators: 10, Samples: 2, SegmentSize: 32,
		Deadline: time.Hour, SampleStart: workload.AfterProvides, ProvidedShare: 0.5}
	o := runSlot(t, w, slotNet(t, 400, 4), 4)
	ends := make([]time.Duration, len(o.provides))
	for i, p := range o.provides {
		ends[i] = p.Start + p.OperationDelay
	}
	slices.Sort(ends)
	if o.res.SampleStart != ends[31] || o.res.SampleStart >= o.res.ProvidesEnd {
		t.Fatalf("sampling started at %v; the 32nd provide ended at %v, the last at %v", o.res.SampleStart, ends[31], o.res.ProvidesEnd)
	}
}

// The same seed gives the same slot, every part on (classes of every
// behaviour, custody, bandwidth, withholding, timeouts); another seed
// another one.
func TestSlotReproducible(t *testing.T) {
	up, _ := das.ParseBandwidth("uniform:5Mbit-50Mbit")
	w := workload.Slot{Rows: 8, Cols: 8, ProvidesInFlight: 16, Validators: 60, Samples: 5, SegmentSize: 64,
		Deadline: 3 * time.Second, SampleStart: workload.AfterProvides, ProvidedShare: 0.9, SampleTimeout: 400 * ms,
		Withholding: das.Withholding{Pattern: das.PatternRows, Share: 0.25}, Threshold: 0.8,
		Classes: das.Classes{{Name: "home", Share: 0.7, ValidatorsPerNode: 2, CustodyRows: 1, Upload: up},
			{Name: "mute", Share: 0.15, Behaviour: das.Unresponsive}, {Name: "liar", Share: 0.15, Behaviour: das.Malicious}}}
	show := func(seed uint64) string {
		cfg := dhttest.Config(400, seed)
		cfg.Network.ConnDelay = network.DelayRange{Min: 5 * ms, Max: 80 * ms}
		cfg.Network.SlowErrorRate = 5
		net := dhttest.New(t, cfg)
		o := runSlot(t, w, net, seed)
		r := *o.res
		return fmt.Sprint(o.samples, o.provides, r.Validators, r.Verdict, r.Loads, r.Served, r.SampleDelays, r.BuilderUploadEnd, r.CustodyDelivered) +
			string(dhttest.RecordsCSV(t, net))
	}
	a, b := show(21), show(21)
	if a != b {
		t.Fatal("the same seed gave two slots")
	}
	if show(22) == a {
		t.Fatal("another seed gave the same slot")
	}
}

// Bad parameters are errors naming the field, before any work.
func TestSlotValidate(t *testing.T) {
	ok := workload.Slot{Rows: 8, Cols: 8, ProvidesInFlight: 1, Validators: 5, Samples: 2, SegmentSize: 8,
		Deadline: time.Second, SampleStart: workload.AfterProvides}
	if err := ok.Validate(10); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		field string
		edit  func(w *workload.Slot)
	}{
		{"Rows", func(w *workload.Slot) { w.Rows = 7 }},
		{"Validators", func(w *workload.Slot) { w.Validators = 11 }},
		{"Samples", func(w *workload.Slot) { w.Samples = 65 }},
		{"Deadline", func(w *workload.Slot) { w.Deadline = 0 }},
		{"SampleStart", func(w *workload.Slot) { w.SampleStart = -2 }},
		{"ProvidedShare", func(w *workload.Slot) { w.ProvidedShare = 1.5 }},
		{"ProvidedShare", func(w *workload.Slot) { w.SampleStart, w.ProvidedShare = time.Second, 0.5 }},
		{"SampleTimeout", func(w *workload.Slot) { w.SampleTimeout = -time.Second }},
		{"Threshold", func(w *workload.Slot) { w.Threshold = 1.01 }},
		{"Withholding.Share", func(w *workload.Slot) { w.Withholding = das.Withholding{Pattern: das.PatternMinimal, Share: 0.1} }},
		{"Classes.Share", func(w *workload.Slot) { w.Classes = das.Classes{{Name: "a", Share: 0.5}} }},
		{"Classes[liar].ValidatorsPerNode", func(w *workload.Slot) {
			w.Classes = das.Classes{{Name: "liar", Share: 1, ValidatorsPerNode: 1, Behaviour: das.Malicious}}
		}},
	} {
		w := ok
		tc.edit(&w)
		var ce *network.ConfigError
		if err := w.Validate(10); !errors.As(err, &ce) || ce.Field != tc.field {
			t.Errorf("%s: error %v, want one naming %s", tc.field, err, tc.field)
		}
	}
	// Bandwidth from the classes and from the network at once.
	cfg := dhttest.Config(20, 1)
	cfg.Network.Upload, _ = das.ParseBandwidth("fixed:10Mbit")
	up, _ := das.ParseBandwidth("fixed:1Mbit")
	w := ok
	w.Classes = das.Classes{{Name: "a", Share: 1, ValidatorsPerNode: 1, Upload: up}}
	var ce *network.ConfigError
	if _, err := w.Run(context.Background(), dhttest.New(t, cfg), 1, workload.SlotOutput{}); !errors.As(err, &ce) || ce.Field != "Classes.Upload" {
		t.Errorf("bandwidth from both: %v", err)
	}
	// An output that fails stops the run with its error.
	stop := errors.New("disk full")
	if _, err := ok.Run(context.Background(), dhttest.New(t, dhttest.Config(20, 1)), 1,
		workload.SlotOutput{Sample: func(workload.Sample) error { return stop }}); !errors.Is(err, stop) {
		t.Errorf("a failing output: %v, want its error", err)
	}
}

// Under churn no operation of a slot starts at an offline node: the
// builder provides when it is online, a validator samples when its node
// is; a validator whose node is offline when sampling starts is absent:
// it samples nothing and the verdict counts only the others.
func TestSlotUnderChurnStartsOnlyAtOnlineNodes(t *testing.T) {
	cfg := dhttest.Config(600, 19)
	m, err := churn.Parse("exp:10m,10m")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Network.Churn = m
	net := dhttest.New(t, cfg)
	w := workload.Slot{Rows: 8, Cols: 8, ProvidesInFlight: 16, Validators: 100, Samples: 3, SegmentSize: 32,
		SampleStart: 2 * time.Minute, Deadline: 2*time.Minute + 4*time.Second, SampleTimeout: time.Second}
	o := runSlot(t, w, net, 19)
	links := net.Links()
	for _, p := range o.provides {
		if !links.Online(p.Origin, p.Start) {
			t.Fatalf("provide from node %d, offline at %v", p.Origin, p.Start)
		}
	}
	absent := 0
	for _, v := range o.res.Validators {
		if v.Absent != !links.Online(v.Node, w.SampleStart) {
			t.Fatalf("validator %+v: absent %v, online when sampling started %v", v, v.Absent, links.Online(v.Node, w.SampleStart))
		}
		if v.Absent {
			absent++
		}
	}
	if absent == 0 || absent == len(o.res.Validators) || o.res.Verdict.Validators != len(o.res.Validators)-absent {
		t.Fatalf("%d of %d validators absent, %d in the verdict", absent, len(o.res.Validators), o.res.Verdict.Validators)
	}
	if len(o.samples) != 3*(len(o.res.Validators)-absent) || o.res.Samples != len(o.samples) {
		t.Fatalf("%d samples (%d counted) for %d validators present", len(o.samples), o.res.Samples, len(o.res.Validators)-absent)
	}
	for _, s := range o.samples {
		if o.res.Validators[s.Validator].Absent || s.Lookups > 0 && !links.Online(s.Node, s.Last.Start) {
			t.Fatalf("sample %+v: of an absent validator, or its last lookup started at an offline node", s)
		}
	}
}

// Sampling that starts after the deadline (a slow builder) still runs one
// lookup per sample, whole, with a timeout: the validators complete, late,
// and none succeeds; their completion times are measured.
func TestSlotSamplingAfterTheDeadlineIsMeasured(t *testing.T) {
	w := workload.Slot{Rows: 8, Cols: 8, ProvidesInFlight: 8, Validators: 20, Samples: 3, SegmentSize: 32,
		Deadline: 100 * ms, SampleStart: workload.AfterProvides, SampleTimeout: time.Second}
	o := runSlot(t, w, slotNet(t, 400, 6), 6)
	if o.res.SampleStart <= w.Deadline {
		t.Fatalf("sampling started at %v, before the deadline %v", o.res.SampleStart, w.Deadline)
	}
	for _, s := range o.samples {
		if s.Lookups != 1 || !s.Found {
			t.Fatalf("sample %+v: want one lookup that found its cell", s)
		}
	}
	for _, v := range o.res.Validators {
		if !v.Completed || v.Success || v.Done <= o.res.SampleStart {
			t.Fatalf("validator %+v: want completed after sampling started at %v, not in time", v, o.res.SampleStart)
		}
	}
}

// A slot whose lookups in flight at once cannot fit the memory the process
// may use is refused before its timeline runs, naming what to lower: the
// validators (every sample of every validator starts at once) or, when
// they are more, the provides in flight; with enough memory, or memory
// unknown (0), it runs. PANDAS's slot (20,000 validators x 75 samples, 1.5
// million lookups at 3 KiB) needs at least 4.3 GiB: refused on 4 GiB, let
// through on 5.
func TestSlotRefusedWhenItCannotFitMemory(t *testing.T) {
	pandas := workload.Slot{Rows: 512, Cols: 512, ProvidesInFlight: 262144, Validators: 20000, Samples: 75,
		SegmentSize: 560, Deadline: 4 * time.Second, SampleStart: workload.AfterProvides}
	const gib = 1 << 30
	for _, tc := range []struct {
		name       string
		w          workload.Slot
		validators int
		available  uint64
		field      string // "" when the slot must pass
	}{
		{"pandas on 4 GiB", pandas, 20000, 4 * gib, "Validators"},
		{"pandas on 5 GiB", pandas, 20000, 5 * gib, ""},
		{"memory unknown", pandas, 20000, 0, ""},
		{"provides dominate", workload.Slot{Rows: 512, Cols: 512, ProvidesInFlight: 262144, Validators: 10, Samples: 2}, 10, 512 << 20, "ProvidesInFlight"},
		{"two validators a node count twice", workload.Slot{Validators: 10000, Samples: 75, ProvidesInFlight: 1}, 20000, 4 * gib, "Validators"},
		{"one validator a node fits", workload.Slot{Validators: 10000, Samples: 75, ProvidesInFlight: 1}, 10000, 4 * gib, ""},
	} {
		err := tc.w.CheckMemory(tc.validators, tc.available)
		var ce *network.ConfigError
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s: refused: %v", tc.name, err)
		case tc.field != "" && (!errors.As(err, &ce) || ce.Field != tc.field || !strings.Contains(ce.Allowed, "GiB")):
			t.Errorf("%s: error %v, want one naming %s and the memory", tc.name, err, tc.field)
		}
	}
}
