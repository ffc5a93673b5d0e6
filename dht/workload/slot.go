package workload

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/workload/das"
	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network"
)

// Slot is a DAS slot (see the package doc).
type Slot struct {
	// Rows and Cols are the block's geometry: even, the extension of a
	// Rows/2 x Cols/2 block of data (das.Geometry).
	Rows, Cols int
	// ProvidesInFlight is the number of the builder's provides in flight
	// at once.
	ProvidesInFlight int
	// Validators is the number of distinct nodes, drawn at random, that
	// run validators: one each, or with Classes the ValidatorsPerNode of
	// their class each.
	Validators int
	// Samples is the number of distinct cells each validator samples.
	Samples int
	// SegmentSize is the bytes of a cell.
	SegmentSize int
	// Deadline is when every sample of a validator must have found its
	// cell, from the slot's start.
	Deadline time.Duration
	// SampleStart is when the validators start sampling, from the slot's
	// start; AfterProvides (a negative value) starts them when a share of
	// the builder's provides has ended (ProvidedShare).
	SampleStart time.Duration
	// ProvidedShare, with SampleStart AfterProvides, is the share of the
	// builder's provides (0..1) that must have ended when sampling starts:
	// sampling starts when the ceil(ProvidedShare x provides)-th provide
	// ends. 0 reads as 1: when the last one ends. It must be 0 with a
	// SampleStart of its own.
	ProvidedShare float64
	// SampleTimeout, when above 0, is how long a sample's lookup may run:
	// a lookup that has not found the cell by then is abandoned, and a
	// sample whose lookup ended without the cell (timed out or not) is
	// tried again with a new lookup, until the Deadline: at the timeout,
	// or for a lookup that ended earlier when its timeout would have
	// passed (a sample runs at most one lookup per timeout). A new lookup
	// skips the peers the earlier ones waited for in vain (their requests
	// in flight at the timeout). A lookup started before the Deadline
	// ends by it; a sample whose sampling starts after the Deadline runs
	// one lookup, whole, so that its completion time is still measured.
	// 0: one lookup per sample, run to its end.
	SampleTimeout time.Duration
	// Withholding is what the builder withholds: cells it never provides
	// nor hands to custody (das.Withholding; the zero value withholds
	// nothing).
	Withholding das.Withholding
	// Threshold is the share of validators that must succeed for the
	// block to be declared available, in (0, 1]; 0 reads as
	// das.DefaultThreshold (das-research's 0.9).
	Threshold float64
	// Classes are the node classes (das.Classes): each node's behaviour,
	// validators, custody and rates. nil: every node honest, one validator
	// per validator node, no custody, the network's own rates. The builder
	// is honest whatever its class: what it withholds is Withholding.
	Classes das.Classes
	// BuilderUpload and BuilderDownload, when not unlimited (the zero
	// value), are the builder's rates, whatever its class: PANDAS assumes
	// resourceful builders (500 Mbit/s or more up). Either turns bandwidth
	// on, as a class's rates do.
	BuilderUpload, BuilderDownload das.Bandwidth
}

// AfterProvides as Slot.SampleStart starts sampling when a share of the
// builder's provides has ended (Slot.ProvidedShare).
const AfterProvides time.Duration = -1

// CustodyOp is the operation id of the builder's custody pushes: their
// link draws and records (the provides are operations 1..cells, the
// samples' lookups follow).
const CustodyOp = 1 << 61

// Cells returns the number of cells of the slot.
func (w Slot) Cells() int { return w.Rows * w.Cols }

// Geometry returns the block's geometry.
func (w Slot) Geometry() das.Geometry { return das.Geometry{Rows: w.Rows, Cols: w.Cols} }

// threshold returns the threshold the verdict uses.
func (w Slot) threshold() float64 {
	if w.Threshold == 0 {
		return das.DefaultThreshold
	}
	return w.Threshold
}

// providedShare returns the share of provides sampling waits for.
func (w Slot) providedShare() float64 {
	if w.ProvidedShare == 0 {
		return 1
	}
	return w.ProvidedShare
}

// Validate checks the workload against a network of n nodes; an invalid
// field is a *network.ConfigError naming it (a class's field as
// Classes[NAME].Field).
func (w Slot) Validate(n int) error {
	bad := func(field string, value any, allowed string, args ...any) error {
		return &network.ConfigError{Field: field, Value: fmt.Sprint(value), Allowed: fmt.Sprintf(allowed, args...)}
	}
	g := w.Geometry()
	if err := g.Validate(); err != nil {
		return err
	}
	switch {
	case w.ProvidesInFlight < 1:
		return bad("ProvidesInFlight", w.ProvidesInFlight, ">= 1")
	case w.Validators < 1 || w.Validators > n:
		return bad("Validators", w.Validators, "1..nodes (%d)", n)
	case w.Samples < 1 || w.Samples > w.Cells():
		return bad("Samples", w.Samples, "1..rows x cols (%d)", w.Cells())
	case w.SegmentSize < 1:
		return bad("SegmentSize", w.SegmentSize, ">= 1 (bytes)")
	case w.Deadline <= 0:
		return bad("Deadline", w.Deadline, "above 0")
	case w.SampleStart < 0 && w.SampleStart != AfterProvides:
		return bad("SampleStart", w.SampleStart, "a time >= 0 from the slot's start, or AfterProvides")
	case !(w.ProvidedShare >= 0 && w.ProvidedShare <= 1):
		return bad("ProvidedShare", w.ProvidedShare, "0..1 (share of the provides ended when sampling starts; 0: all)")
	case w.ProvidedShare != 0 && w.SampleStart != AfterProvides:
		return bad("ProvidedShare", w.ProvidedShare, "0 with a SampleStart of %v (it applies to SampleStart AfterProvides)", w.SampleStart)
	case w.SampleTimeout < 0:
		return bad("SampleTimeout", w.SampleTimeout, ">= 0 (0: no timeout, no retry)")
	case !(w.Threshold >= 0 && w.Threshold <= 1):
		return bad("Threshold", w.Threshold, "above 0 and at most 1 (0: das-research's %v)", das.DefaultThreshold)
	}
	if err := w.Withholding.Validate(); err != nil {
		return err
	}
	if err := w.BuilderUpload.Validate(); err != nil {
		return bad("BuilderUpload", w.BuilderUpload, "a bandwidth spec (%v)", err)
	}
	if err := w.BuilderDownload.Validate(); err != nil {
		return bad("BuilderDownload", w.BuilderDownload, "a bandwidth spec (%v)", err)
	}
	if w.Classes != nil {
		if err := w.Classes.Validate(g); err != nil {
			return err
		}
		for _, c := range w.Classes {
			if c.Behaviour != das.Honest && c.ValidatorsPerNode != 0 {
				return bad(fmt.Sprintf("Classes[%s].ValidatorsPerNode", c.Name), c.ValidatorsPerNode,
					"0 for a class that is not honest (%v): the verdict counts honest validators", c.Behaviour)
			}
		}
	}
	return nil
}

// Sample is one sample of a validator: its cell, and how it went.
type Sample struct {
	// Validator is the validator's place (0..validators-1); Node the node
	// that runs it.
	Validator int
	Node      uint32
	Cell      int
	// Lookups is the number of lookups run for it: 1, more when it was
	// tried again after a lookup that ended without the cell
	// (Slot.SampleTimeout); 0 when its node left the network for good
	// (churn) before its first lookup.
	Lookups int
	// Found says a lookup found the cell.
	Found bool
	// Delay is from the start of sampling to the end of the lookup that
	// found the cell, or of its last lookup.
	Delay time.Duration
	// Last is its last lookup (zero when it ran none).
	Last dht.LookupSummary
}

// Validator is what one validator achieved.
type Validator struct {
	Node uint32
	// Absent says its node was offline (churn) when sampling started: it
	// sampled nothing, and the verdict does not count it.
	Absent bool
	// Found counts its samples that found their cell.
	Found int
	// Completed says every sample found its cell (by the deadline or
	// after it).
	Completed bool
	// Done is when its last sample found its cell (Completed) or gave up,
	// from the slot's start.
	Done time.Duration
	// Success says it completed by the deadline.
	Success bool
}

// SlotOutput receives what a slot measures as it goes, so that a slot of
// a million samples need not hold them all. Each function may be nil; one
// that returns an error stops the run with it.
type SlotOutput struct {
	// Provide receives each provide's summary when it ends.
	Provide func(dht.ProvideSummary) error
	// Sample receives each sample when it is over (found, or given up).
	Sample func(Sample) error
}

// SlotResult is what a slot measured.
type SlotResult struct {
	Builder uint32
	// Withheld is the number of cells the builder withheld; Truth is the
	// reconstruction of what it published: whether the block can be
	// rebuilt.
	Withheld int
	Truth    das.Reconstruction
	// Provides is the number of provides (one per cell not withheld);
	// StoredShare is the mean of their stored shares.
	Provides    int
	StoredShare float64
	// ProvidesEnd is when the builder's last provide ended.
	ProvidesEnd time.Duration
	// BuilderUploadEnd is when the last byte the builder had sent by the
	// end of its last provide left its upload (custody pushes, provides,
	// and what it answered meanwhile); 0 with bandwidth off.
	BuilderUploadEnd time.Duration
	// CustodyPushes is the number of custody lines pushed to nodes other
	// than the builder; CustodyDelivered those that arrived.
	CustodyPushes, CustodyDelivered int
	SampleStart                     time.Duration
	// Samples is the number of samples (of the validators present),
	// SamplesFound those that found their cell, Lookups the lookups run
	// for them all.
	Samples, SamplesFound, Lookups int
	// SampleDelays are the delays of the samples that found their cell
	// (Sample.Delay), in the order they ended.
	SampleDelays []time.Duration
	// Validators are every validator, absent ones included.
	Validators []Validator
	// Verdict is the verdict of the validators present beside the truth.
	Verdict das.Verdict
	// Served counts the requests each node served (find and store), for
	// the nodes that served any.
	Served map[uint32]uint32
	// Loads are the bytes and messages every node sent and received, by
	// id, with bandwidth on; nil otherwise.
	Loads []network.Load
	// Events is the number of events the slot's run processed (the
	// engine's work: operation starts, request arrivals and replies,
	// timers).
	Events uint64
}

// FalseAccept reports a block declared available that cannot be rebuilt;
// FalseReject one declared unavailable that can.
func (r *SlotResult) FalseAccept() bool { return r.Verdict.FalseAccept() }

// FalseReject reports a block declared unavailable that can be rebuilt.
func (r *SlotResult) FalseReject() bool { return r.Verdict.FalseReject() }

// Run runs the slot on net, with the workload drawn from seed, handing
// provides and samples to out as they end. With Classes it sets the
// network's silent nodes (unresponsive), withholding nodes (malicious),
// custody values and, when a class limits bandwidth, every node's rates
// from its class (SetRates, which stays); the others it removes when it
// returns.
func (w Slot) Run(ctx context.Context, net *dht.DHTNetwork, seed uint64, out SlotOutput) (*SlotResult, error) {
	n := net.Len()
	if err := w.Validate(n); err != nil {
		return nil, err
	}
	defer func() {
		net.Links().SetSilent(nil)
		net.SetWithholding(nil)
		net.SetCustody(nil)
	}()
	s, err := newSlotRun(w, net, seed, out)
	if err != nil {
		return nil, err
	}
	if err := w.checkMemory(len(s.vnodes), dht.MemoryAvailable()); err != nil {
		return nil, err
	}
	return s.timeline(ctx)
}

// slotLookupBytes is the least heap a lookup in flight holds during a
// slot: its candidates, operation and requests with their answers
// (BenchmarkSlot measures about 3.8 KB a lookup live at the peak, and
// about twice that with the garbage collector's headroom).
const slotLookupBytes = 3 << 10

// checkMemory refuses, before the slot's timeline runs, a slot whose
// lookups in flight at once would need more than 90 % of the available
// memory even at slotLookupBytes each: every sample of its validators
// (validators of them, one per validator node or its class's number)
// starts at once, and before them up to ProvidesInFlight provides.
// available 0 (unknown) checks nothing. The bound is low on purpose: a
// slot it lets through may still need up to about twice as much.
func (w Slot) checkMemory(validators int, available uint64) error {
	sampling := uint64(validators) * uint64(w.Samples)
	inFlight := max(sampling, uint64(w.ProvidesInFlight))
	need := inFlight * slotLookupBytes
	if available == 0 || need <= available/10*9 {
		return nil
	}
	gib := func(b uint64) string { return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30)) }
	field, value := "Validators", w.Validators
	what := fmt.Sprintf("the samples of %d validators x %d samples", validators, w.Samples)
	if uint64(w.ProvidesInFlight) > sampling {
		field, value, what = "ProvidesInFlight", w.ProvidesInFlight, fmt.Sprintf("%d provides", w.ProvidesInFlight)
	}
	return &network.ConfigError{Field: field, Value: fmt.Sprint(value), Allowed: fmt.Sprintf(
		"a slot that fits this machine: %s in flight at once need at least %s (%d KiB a lookup; about twice that at the peak), the machine has %s (fewer validators, samples or provides in flight)",
		what, gib(need), slotLookupBytes>>10, gib(available))}
}

// slotRun is the state of one slot.
type slotRun struct {
	w    Slot
	net  *dht.DHTNetwork
	seed uint64
	out  SlotOutput
	g    das.Geometry
	run  *dht.Run
	res  *SlotResult

	block   *das.Block   // the cells published
	keys    []hashes.Key // by cell
	nodes   []das.Node   // by node id, with Classes; nil otherwise
	cust    *custody     // nil without custody
	order   []int32      // cells to provide, ascending
	ended   int          // provides ended
	need    int          // provides ended when sampling starts
	stored  float64      // sum of stored shares
	storedN int

	// Sampling.
	vnodes   []uint32 // node of each validator
	samples  []sampleState
	lookupOf []int32 // sample of each lookup, by op - firstOp
	// avoid holds, for samples tried again, the peers their earlier
	// lookups waited for in vain.
	avoid      map[int32][]uint32
	firstOp    uint64
	onLookup   func(dht.LookupResult)
	cellsBuf   []int
	sampler    *das.Sampler
	validators []validatorState

	// classRates says a class sets a bandwidth.
	classRates bool

	err    error
	cancel context.CancelFunc
}

// sampleState is a sample in progress.
type sampleState struct {
	cell    int32
	lookups int32
}

// validatorState counts a validator's samples still going.
type validatorState struct {
	pending int32
}

// newSlotRun draws the slot: its builder, what it withholds, the nodes'
// classes, the validators.
func newSlotRun(w Slot, net *dht.DHTNetwork, seed uint64, out SlotOutput) (*slotRun, error) {
	n := net.Len()
	g := w.Geometry()
	gen := rng(seed, "slot")
	// The builder is a node online at the slot's start (under churn; the
	// first draw otherwise).
	builder := uint32(gen.IntN(n))
	for tries := 1; !net.Links().Online(builder, 0); tries++ {
		if tries == 1<<16 {
			return nil, fmt.Errorf("workload: no builder online at the slot's start in %d draws", tries)
		}
		builder = uint32(gen.IntN(n))
	}
	s := &slotRun{w: w, net: net, seed: seed, out: out, g: g, res: &SlotResult{Builder: builder}}
	cells := g.Cells()
	s.keys = make([]hashes.Key, cells)
	for i := range s.keys {
		s.keys[i] = hashes.SegmentKey(segment(seed, i, w.SegmentSize))
	}
	var err error
	if s.block, err = das.NewBlock(g); err != nil {
		return nil, err
	}
	if err := w.Withholding.Apply(s.block, seed); err != nil {
		return nil, err
	}
	s.res.Withheld = cells - s.block.Present()
	s.res.Truth = das.Reconstruct(s.block.Clone())
	s.order = make([]int32, 0, s.block.Present())
	for c := range cells {
		if s.block.Has(c) {
			s.order = append(s.order, int32(c))
		}
	}
	s.res.Provides = len(s.order)
	s.need = int(math.Ceil(w.providedShare()*float64(len(s.order)) - 1e-9))
	s.need = max(min(s.need, len(s.order)), min(1, len(s.order)))

	if w.Classes != nil {
		if err := s.classes(n); err != nil {
			return nil, err
		}
	}
	if err := s.rates(); err != nil {
		return nil, err
	}
	// Validators: distinct random nodes, each running its class's number.
	for _, node := range distinct(gen, n, w.Validators) {
		per := 1
		if s.nodes != nil {
			per = w.Classes[s.nodes[node].Class].ValidatorsPerNode
		}
		for range per {
			s.vnodes = append(s.vnodes, uint32(node))
		}
	}
	if len(s.vnodes) == 0 {
		return nil, &network.ConfigError{Field: "Validators", Value: fmt.Sprint(w.Validators),
			Allowed: "validator nodes that run at least one validator: the classes of those drawn have validators_per_node 0"}
	}
	if s.sampler, err = das.NewSampler(g, w.Samples, seed); err != nil {
		return nil, err
	}
	return s, nil
}

// classes draws every node's class, rates and custody, and sets the
// network's silent and withholding nodes, rates and custody from them.
func (s *slotRun) classes(n int) error {
	cs := s.w.Classes
	s.nodes = make([]das.Node, n)
	limited, custodyLines := false, false
	for _, c := range cs {
		limited = limited || !c.Upload.Unlimited() || !c.Download.Unlimited()
		custodyLines = custodyLines || c.CustodyRows > 0 || c.CustodyCols > 0
	}
	for id := range s.nodes {
		s.nodes[id] = cs.Node(s.g, s.seed, uint32(id))
	}
	builder := s.res.Builder
	behaves := func(b das.Behaviour) func(uint32) bool {
		return func(id uint32) bool {
			return id != builder && int(id) < len(s.nodes) && cs[s.nodes[id].Class].Behaviour == b
		}
	}
	s.net.Links().SetSilent(behaves(das.Unresponsive))
	s.net.SetWithholding(behaves(das.Malicious))
	s.classRates = limited
	if custodyLines {
		s.cust = newCustody(s)
		s.net.SetCustody(s.cust.value)
	}
	return nil
}

// rates sets every node's rates when the slot sets any (a class's
// bandwidth, the builder's): each node its class's (unlimited without
// classes), the builder its own where BuilderUpload or BuilderDownload
// says.
func (s *slotRun) rates() error {
	w := s.w
	if !s.classRates && w.BuilderUpload.Unlimited() && w.BuilderDownload.Unlimited() {
		return nil // the network's own rates, if any
	}
	cfg := s.net.Config().Network
	if !cfg.Upload.Unlimited() || !cfg.Download.Unlimited() {
		field := "Classes.Upload"
		if !s.classRates {
			field = "BuilderUpload"
		}
		return &network.ConfigError{Field: field, Value: fmt.Sprintf("network upload %v, download %v", cfg.Upload, cfg.Download),
			Allowed: "bandwidth from the slot (classes, the builder's rates) or from the network's Upload and Download, not both"}
	}
	builder := s.res.Builder
	// Draws of their own, from the seed alone; 0: the class's.
	g := rng(s.seed, "builder-rates")
	var builderUp, builderDown float64
	if !w.BuilderUpload.Unlimited() {
		builderUp = w.BuilderUpload.Sample(g)
	}
	if !w.BuilderDownload.Unlimited() {
		builderDown = w.BuilderDownload.Sample(g)
	}
	s.net.Links().SetRates(func(id uint32) (float64, float64) {
		up, down := math.Inf(1), math.Inf(1)
		if int(id) < len(s.nodes) {
			up, down = s.nodes[id].Upload, s.nodes[id].Download
		}
		if id == builder {
			if builderUp > 0 {
				up = builderUp
			}
			if builderDown > 0 {
				down = builderDown
			}
		}
		return up, down
	})
	return nil
}

// timeline runs the slot's timeline on one shared clock.
func (s *slotRun) timeline(ctx context.Context) (*SlotResult, error) {
	ctx, s.cancel = context.WithCancel(ctx)
	defer s.cancel()
	w := s.w
	s.run = s.net.NewRun()
	s.run.CountServed()
	if s.cust != nil {
		if err := s.run.At(0, s.cust.push); err != nil {
			return nil, err
		}
	}
	next := 0
	var provide func(at time.Duration)
	provide = func(at time.Duration) {
		cell := int(s.order[next])
		next++
		// Under churn the builder provides when it is online.
		at, ok := nextOnline(s.net, s.res.Builder, at)
		if !ok {
			s.fail(fmt.Errorf("workload: the builder, node %d, left the network for good before providing cell %d", s.res.Builder, cell))
			return
		}
		err := s.run.Provide(at, s.res.Builder, segment(s.seed, cell, w.SegmentSize), dht.ProvideOptions{Op: uint64(cell + 1)}, func(p dht.ProvideSummary) {
			s.ended++
			if v := p.StoredShare(); !math.IsNaN(v) {
				s.stored += v
				s.storedN++
			}
			end := p.Start + p.OperationDelay
			s.res.ProvidesEnd = max(s.res.ProvidesEnd, end)
			if s.out.Provide != nil {
				s.fail(s.out.Provide(p))
			}
			if next < len(s.order) {
				provide(end)
			}
			if s.ended == len(s.order) {
				s.res.BuilderUploadEnd = s.net.Links().UploadIdle(s.res.Builder)
			}
			if w.SampleStart == AfterProvides && s.ended == s.need {
				s.startSampling(end)
			}
		})
		s.fail(err)
	}
	for range min(w.ProvidesInFlight, len(s.order)) {
		provide(0)
	}
	switch {
	case w.SampleStart >= 0:
		if err := s.run.At(w.SampleStart, func() { s.startSampling(w.SampleStart) }); err != nil {
			return nil, err
		}
	case len(s.order) == 0:
		if err := s.run.At(0, func() { s.startSampling(0) }); err != nil {
			return nil, err
		}
	}
	err := s.run.Run(ctx)
	if s.err != nil {
		return nil, s.err
	}
	if err != nil {
		return nil, err
	}
	if s.cust != nil {
		s.cust.op.Close()
	}
	return s.finish()
}

// fail keeps the first error and stops the run.
func (s *slotRun) fail(err error) {
	if err != nil && s.err == nil {
		s.err = err
		s.cancel()
	}
}

// startSampling starts every validator's samples at time at.
func (s *slotRun) startSampling(at time.Duration) {
	s.res.SampleStart = at
	nv, per := len(s.vnodes), s.w.Samples
	s.res.Validators = make([]Validator, nv)
	s.validators = make([]validatorState, nv)
	s.samples = make([]sampleState, nv*per)
	s.res.Samples = len(s.samples)
	s.firstOp = uint64(s.g.Cells() + 1)
	s.onLookup = s.lookupDone
	links := s.net.Links()
	for v, node := range s.vnodes {
		s.res.Validators[v].Node = node
		if !links.Online(node, at) {
			// Offline when the slot samples: it takes no part.
			s.res.Validators[v].Absent = true
			s.res.Samples -= per
			continue
		}
		s.validators[v].pending = int32(per)
		s.cellsBuf = s.sampler.Draw(v, s.cellsBuf)
		for j, c := range s.cellsBuf {
			i := v*per + j
			s.samples[i].cell = int32(c)
			s.try(i, at)
		}
	}
}

// try runs a lookup for sample i at time at, or ends the sample when no
// lookup may start (past the deadline, with a timeout).
func (s *slotRun) try(i int, at time.Duration) {
	node := s.vnodes[i/s.w.Samples]
	// Under churn a validator samples when its node is online.
	back, ok := nextOnline(s.net, node, at)
	if !ok {
		s.sampleOver(i, false, at, dht.LookupSummary{}) // its node left for good
		return
	}
	timeout := s.w.SampleTimeout
	if first := s.samples[i].lookups == 0; timeout > 0 && (back < s.w.Deadline || !first) {
		// A lookup started before the deadline ends by it; a retry
		// whose node is back only after the deadline is not run. (A
		// first lookup after the deadline, when sampling starts late,
		// runs its whole timeout: its completion time is still
		// measured.)
		timeout = min(timeout, s.w.Deadline-back)
		if timeout <= 0 {
			s.sampleOver(i, false, at, dht.LookupSummary{})
			return
		}
	}
	at = back
	op := s.firstOp + uint64(len(s.lookupOf))
	s.lookupOf = append(s.lookupOf, int32(i))
	s.samples[i].lookups++
	cell := s.samples[i].cell
	opts := dht.LookupOptions{Op: op, StopOnFirstValue: true, Timeout: timeout}
	if skip := s.avoid[int32(i)]; len(skip) > 0 {
		opts.Avoid = func(id uint32) bool { return slices.Contains(skip, id) }
	}
	s.fail(s.run.Lookup(at, node, s.keys[cell], opts, s.onLookup))
}

// lookupDone takes the result of a sample's lookup: the sample is over
// when it found its cell or may not try again.
func (s *slotRun) lookupDone(r dht.LookupResult) {
	sum := r.Summary
	i := int(s.lookupOf[sum.Op-s.firstOp])
	end := sum.Start + sum.Delay
	s.res.Lookups++
	switch {
	case sum.ValueFound:
		s.sampleOver(i, true, end, sum)
	case s.w.SampleTimeout > 0 && max(end, sum.Start+s.w.SampleTimeout) < s.w.Deadline:
		// Another lookup, which skips the peers the earlier ones waited
		// for in vain; one that ended early without the cell (a withheld
		// cell, a lookup that found no holder) is tried again when its
		// timeout would have passed, so that a sample runs at most one
		// lookup per timeout.
		if len(r.Unanswered) > 0 {
			if s.avoid == nil {
				s.avoid = map[int32][]uint32{}
			}
			s.avoid[int32(i)] = append(s.avoid[int32(i)], r.Unanswered...)
		}
		s.try(i, max(end, sum.Start+s.w.SampleTimeout))
	default:
		s.sampleOver(i, false, end, sum)
	}
}

// sampleOver ends sample i at time end.
func (s *slotRun) sampleOver(i int, found bool, end time.Duration, last dht.LookupSummary) {
	per := s.w.Samples
	v := i / per
	delay := end - s.res.SampleStart
	val := &s.res.Validators[v]
	if found {
		val.Found++
		s.res.SamplesFound++
		s.res.SampleDelays = append(s.res.SampleDelays, delay)
	}
	val.Done = max(val.Done, end)
	if s.validators[v].pending--; s.validators[v].pending == 0 {
		val.Completed = val.Found == per
		val.Success = val.Completed && val.Done <= s.w.Deadline
	}
	delete(s.avoid, int32(i))
	if s.out.Sample != nil {
		st := &s.samples[i]
		s.fail(s.out.Sample(Sample{Validator: v, Node: s.vnodes[v], Cell: int(st.cell), Lookups: int(st.lookups),
			Found: found, Delay: delay, Last: last}))
	}
}

// finish judges the block and gathers the figures.
func (s *slotRun) finish() (*SlotResult, error) {
	res := s.res
	if s.storedN > 0 {
		res.StoredShare = s.stored / float64(s.storedN)
	} else {
		res.StoredShare = math.NaN()
	}
	if s.validators == nil {
		return nil, fmt.Errorf("workload: the slot never started sampling (%d of %d provides ended)", s.ended, len(s.order))
	}
	success := make([]bool, 0, len(res.Validators))
	for _, val := range res.Validators {
		if !val.Absent {
			success = append(success, val.Success)
		}
	}
	if len(success) == 0 {
		return nil, fmt.Errorf("workload: no validator took part: the nodes of all %d were offline when sampling started at %v", len(res.Validators), res.SampleStart)
	}
	var err error
	if res.Verdict, err = das.Judge(success, s.w.threshold(), res.Truth.Recoverable); err != nil {
		return nil, err
	}
	res.Served = s.run.Served()
	res.Events = s.run.Events()
	if s.net.Links().Bandwidth() {
		res.Loads = s.net.Links().Loads()
	}
	if s.cust != nil {
		res.CustodyPushes, res.CustodyDelivered = s.cust.pushes, s.cust.delivered
	}
	return res, nil
}

// distinct draws count distinct numbers of [0, n): by rejection when they
// are few (a permutation of 10^8 nodes would cost 800 MB), else from a
// permutation.
func distinct(g *rand.Rand, n, count int) []int {
	if count > n/2 {
		return g.Perm(n)[:count]
	}
	picked := make(map[int]bool, count)
	out := make([]int, 0, count)
	for len(out) < count {
		if c := g.IntN(n); !picked[c] {
			picked[c] = true
			out = append(out, c)
		}
	}
	return out
}
