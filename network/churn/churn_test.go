package churn_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-dht/go-dht/network/churn"
)

func ipfs(t testing.TB) *churn.Empirical {
	t.Helper()
	e, err := churn.IPFSUptime()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// smallCDF is a hand-made CDF with a cap: 20% within 1m, 70% within 10m,
// 90% within 1h, and the last 10% at exactly 1h.
func smallCDF(t testing.TB) *churn.Empirical {
	t.Helper()
	e, err := churn.NewEmpirical("small", []churn.Point{{time.Minute, 0.2}, {10 * time.Minute, 0.7}, {time.Hour, 0.9}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestDistMeans checks that the mean of many draws is Mean(), for every
// kind of Dist, within a tolerance that grows with the spread of the
// distribution (the IPFS sessions' 5% tail carries most of their mean).
func TestDistMeans(t *testing.T) {
	const n = 200_000
	for _, tc := range []struct {
		dist      churn.Dist
		tolerance float64
	}{
		{churn.Exponential(30 * time.Minute), 0.02},
		{churn.Weibull{Shape: 0.5, Scale: 30 * time.Minute}, 0.03},
		{churn.Weibull{Shape: 1, Scale: time.Hour}, 0.02},
		{churn.Weibull{Shape: 2, Scale: time.Hour}, 0.02},
		{churn.Weibull{Shape: 0.34, Scale: 47*time.Minute + 24*time.Second}, 0.05}, // the IPFS tail's fit
		{smallCDF(t), 0.02},
		{ipfs(t), 0.05},
	} {
		r := rand.New(rand.NewPCG(1, 2))
		var sum float64
		for range n {
			d := tc.dist.Sample(r)
			if d < 1 || d > churn.MaxPeriod {
				t.Fatalf("%v: draw %v outside [1ns, MaxPeriod]", tc.dist, d)
			}
			sum += float64(d)
		}
		got, want := sum/n, float64(tc.dist.Mean())
		if math.Abs(got-want)/want > tc.tolerance {
			t.Errorf("%v: mean of draws %v, Mean() %v (allowed %.0f%%)", tc.dist, time.Duration(got), time.Duration(want), 100*tc.tolerance)
		}
	}
}

// TestKnownMeans checks Mean() against closed forms.
func TestKnownMeans(t *testing.T) {
	for _, tc := range []struct {
		dist churn.Dist
		want time.Duration
	}{
		{churn.Exponential(time.Hour), time.Hour},
		{churn.Weibull{Shape: 0.5, Scale: time.Hour}, 2 * time.Hour}, // Gamma(3) = 2
		{churn.Weibull{Shape: 1, Scale: time.Hour}, time.Hour},
		// 0.2 * 30s + 0.5 * 5m30s + 0.2 * 35m + 0.1 * 1h
		{smallCDF(t), 6*time.Second + 165*time.Second + 7*time.Minute + 6*time.Minute},
	} {
		if got := tc.dist.Mean(); (got - tc.want).Abs() > time.Millisecond {
			t.Errorf("%v: Mean() = %v, want %v", tc.dist, got, tc.want)
		}
	}
}

// TestResidualMeans checks the equilibrium residuals: their mean is
// E[X^2] / (2 E[X]).
func TestResidualMeans(t *testing.T) {
	const n = 200_000
	for _, tc := range []struct {
		dist churn.Dist
		want time.Duration
	}{
		{churn.Exponential(time.Hour), time.Hour}, // memoryless
		// E[X^2] = Scale^2 Gamma(1+2/k): Gamma(5)/(2 Gamma(3)) = 6 scales.
		{churn.Weibull{Shape: 0.5, Scale: 10 * time.Minute}, time.Hour},
		// Scale^2 Gamma(2)/(2 Scale Gamma(1.5)) = Scale / sqrt(pi).
		{churn.Weibull{Shape: 2, Scale: time.Hour}, time.Duration(float64(time.Hour) / math.Sqrt(math.Pi))},
		// E[X^2] in min^2: 0.2*1/3 + 0.5*(1+10+100)/3 + 0.2*(100+600+3600)/3 + 0.1*3600
		// = 0.0667 + 18.5 + 286.667 + 360 = 665.233; E[X] = 15.85 min.
		{smallCDF(t), minutes(665.2333 / (2 * 15.85))},
	} {
		rs, ok := tc.dist.(churn.ResidualSampler)
		if !ok {
			t.Fatalf("%v is not a ResidualSampler", tc.dist)
		}
		r := rand.New(rand.NewPCG(3, 4))
		var sum float64
		for range n {
			sum += float64(rs.SampleResidual(r))
		}
		if got := sum / n; math.Abs(got-float64(tc.want))/float64(tc.want) > 0.02 {
			t.Errorf("%v: mean residual %v, want %v within 2%%", tc.dist, time.Duration(got), tc.want)
		}
	}
}

func minutes(m float64) time.Duration { return time.Duration(m * float64(time.Minute)) }

// TestIPFSUptimeFollowsData checks the IPFS sessions against the data: a
// median of about 16 minutes, and the share of draws within a few of the
// data's points, the last one (24 h, 0.9504) included.
func TestIPFSUptimeFollowsData(t *testing.T) {
	const n = 100_000
	e := ipfs(t)
	r := rand.New(rand.NewPCG(5, 6))
	draws := make([]time.Duration, n)
	for i := range draws {
		draws[i] = e.Sample(r)
	}
	slices.Sort(draws)
	if median := draws[n/2]; median < 15*time.Minute || median > 17*time.Minute {
		t.Errorf("median session %v, data about 16m", median)
	}
	for _, p := range []struct {
		hours float64
		cdf   float64 // from data/ipfs_uptime_cdf_2025-10.csv
	}{{0.01, 0.2279}, {0.10, 0.4027}, {1.00, 0.6681}, {9.36, 0.9000}, {24, 0.9504}} {
		x := time.Duration(p.hours * float64(time.Hour))
		got := float64(sortedCount(draws, x)) / n
		if math.Abs(got-p.cdf) > 0.01 {
			t.Errorf("share of sessions within %vh: %.4f, data %.4f", p.hours, got, p.cdf)
		}
	}
	if longest := draws[n-1]; longest < 100*time.Hour {
		t.Errorf("longest of %d sessions %v: the tail beyond 24h is missing", n, longest)
	}
}

// sortedCount returns how many of the sorted durations are at most x.
func sortedCount(sorted []time.Duration, x time.Duration) int {
	i, _ := slices.BinarySearch(sorted, x+1)
	return i
}

// opaque hides a Dist's ResidualSampler, to exercise Start's fallback.
type opaque struct{ churn.Dist }

// onlineShares simulates nodes driven by Start and Next and returns the
// share online at each of the given times (ascending).
func onlineShares(m churn.Model, nodes int, times []time.Duration, start func(*rand.Rand) (bool, time.Duration)) []float64 {
	r := rand.New(rand.NewPCG(7, 8))
	online := make([]int, len(times))
	for range nodes {
		state, change := start(r)
		for i, at := range times {
			for change <= at {
				state = !state
				change += m.Next(r, state)
			}
			if state {
				online[i]++
			}
		}
	}
	shares := make([]float64, len(times))
	for i, c := range online {
		shares[i] = float64(c) / float64(nodes)
	}
	return shares
}

// TestStartIsSteadyState simulates 20,000 nodes from Start over many mean
// cycles and checks that the share online at every sampled time, time 0
// included, is E[on]/(E[on]+E[off]) within 2 points. The early times test
// the residual draws: a node that started a fresh period at time 0 would
// leave too early (see TestFreshStartIsNotSteady).
func TestStartIsSteadyState(t *testing.T) {
	const nodes = 20_000
	for _, tc := range []struct {
		name  string
		model churn.Model
	}{
		{"exp:30m,10m", mustParse(t, "exp:30m,10m")},
		{"weibull:0.5,30m", mustParse(t, "weibull:0.5,30m")},
		{"weibull 0.5 on 30m off 10m", churn.Model{On: churn.Weibull{Shape: 0.5, Scale: 30 * time.Minute}, Off: churn.Weibull{Shape: 0.5, Scale: 10 * time.Minute}}},
		{"ipfs on, exp 1h off", churn.Model{On: ipfs(t), Off: churn.Exponential(time.Hour)}},
		{"fallback residual", churn.Model{On: opaque{churn.Weibull{Shape: 0.5, Scale: 30 * time.Minute}}, Off: opaque{churn.Exponential(10 * time.Minute)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.model.OnlineShare()
			cycle := tc.model.On.Mean() + tc.model.Off.Mean()
			var times []time.Duration
			for _, f := range []float64{0, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8} {
				times = append(times, time.Duration(f*float64(cycle)))
			}
			shares := onlineShares(tc.model, nodes, times, tc.model.Start)
			t.Logf("steady state %.3f, online at multiples of the mean cycle %v: %.3f", want, cycle, shares)
			for i, got := range shares {
				if math.Abs(got-want) > 0.02 {
					t.Errorf("at %v: %.1f%% online, steady state %.1f%%", times[i], 100*got, 100*want)
				}
			}
		})
	}
}

// TestFreshStartIsNotSteady shows that TestStartIsSteadyState can fail: with
// Weibull sessions, nodes that all start a fresh period at time 0 (online
// with the right probability, but not length-biased) drift from the
// steady-state share by more than its 2 points.
func TestFreshStartIsNotSteady(t *testing.T) {
	m := churn.Model{On: churn.Weibull{Shape: 0.5, Scale: 30 * time.Minute}, Off: churn.Weibull{Shape: 0.5, Scale: 10 * time.Minute}}
	fresh := func(r *rand.Rand) (bool, time.Duration) {
		online := r.Float64() < m.OnlineShare()
		return online, m.Next(r, online)
	}
	cycle := m.On.Mean() + m.Off.Mean()
	var worst float64
	for _, got := range onlineShares(m, 20_000, []time.Duration{cycle / 20, cycle / 10, cycle / 4}, fresh) {
		worst = max(worst, math.Abs(got-m.OnlineShare()))
	}
	t.Logf("fresh starts: at most %.1f points from steady state", 100*worst)
	if worst <= 0.02 {
		t.Errorf("fresh starts stay within %.1f points of steady state; the steady-state test would not tell them apart", 100*worst)
	}
}

// TestNoChurn checks the zero Model: always online, never a change.
func TestNoChurn(t *testing.T) {
	m := mustParse(t, "none")
	if m.Enabled() || m != (churn.Model{}) || m.String() != "none" || m.OnlineShare() != 1 || m.Validate() != nil {
		t.Errorf("none: %+v enabled %v string %q share %v", m, m.Enabled(), m.String(), m.OnlineShare())
	}
	r := rand.New(rand.NewPCG(1, 1))
	if online, remaining := m.Start(r); !online || remaining != 0 {
		t.Errorf("Start() = %v, %v; want true, 0 (never)", online, remaining)
	}
	if d := m.Next(r, true); d != 0 {
		t.Errorf("Next() = %v, want 0 (never)", d)
	}
}

func mustParse(t testing.TB, spec string) churn.Model {
	t.Helper()
	m, err := churn.Parse(spec)
	if err != nil {
		t.Fatalf("Parse(%q): %v", spec, err)
	}
	return m
}

// TestParse checks the models each form of spec gives and that String
// gives the spec back.
func TestParse(t *testing.T) {
	w := churn.Weibull{Shape: 0.5, Scale: 30 * time.Minute}
	for _, tc := range []struct {
		spec   string
		want   churn.Model
		string string
	}{
		{"none", churn.Model{}, "none"},
		{"exp:30m,10m", churn.Model{On: churn.Exponential(30 * time.Minute), Off: churn.Exponential(10 * time.Minute)}, "exp:30m0s,10m0s"},
		{"exp: 1h30m , 45s", churn.Model{On: churn.Exponential(90 * time.Minute), Off: churn.Exponential(45 * time.Second)}, "exp:1h30m0s,45s"},
		{"weibull:0.5,30m", churn.Model{On: w, Off: w}, "weibull:0.5,30m0s"},
		{"ipfs", churn.Model{On: ipfs(t), Off: ipfs(t)}, "ipfs"},
	} {
		m := mustParse(t, tc.spec)
		if m != tc.want || m.String() != tc.string || m.Validate() != nil {
			t.Errorf("Parse(%q) = %+v (%q, %v), want %+v (%q)", tc.spec, m, m.String(), m.Validate(), tc.want, tc.string)
		}
		if again := mustParse(t, m.String()); again != m {
			t.Errorf("Parse(%q).String() = %q parses to %+v", tc.spec, m.String(), again)
		}
	}
	if got := (churn.Model{On: ipfs(t), Off: churn.Exponential(time.Hour)}).String(); got != "on=ipfs-uptime-2025-10 off=exp(1h0m0s)" {
		t.Errorf("mixed model String() = %q", got)
	}
}

// TestParseErrors checks that a bad spec is a *SpecError naming the bad
// part and the allowed form or range.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		spec, part, allowed string
	}{
		{"", "", "none, ipfs, exp:ON,OFF"},
		{"off", "off", "none, ipfs, exp:ON,OFF"},
		{"EXP:30m,10m", "EXP:30m,10m", "none, ipfs"},
		{"none:1", "none:1", "none, ipfs"},
		{"ipfs:2h", "ipfs:2h", "none, ipfs"},
		{"exp", "exp", "exp:ON,OFF"},
		{"exp:30m", "exp:30m", "exp:ON,OFF"},
		{"exp:30m,10m,5m", "exp:30m,10m,5m", "exp:ON,OFF"},
		{"exp:30,10m", "30", "from 1s to 8760h"},
		{"exp:30m,-10m", "-10m", "from 1s to 8760h"},
		{"exp:0s,10m", "0s", "from 1s"},
		{"exp:30m,9000h", "9000h", "to 8760h"},
		{"weibull:0.5", "weibull:0.5", "weibull:SHAPE,SCALE"},
		{"weibull:0.1,30m", "0.1", "0.2 to 10"},
		{"weibull:11,30m", "11", "0.2 to 10"},
		{"weibull:NaN,30m", "NaN", "0.2 to 10"},
		{"weibull:half,30m", "half", "0.2 to 10"},
		{"weibull:0.5,30", "30", "a duration from 1s"},
	} {
		_, err := churn.Parse(tc.spec)
		var se *churn.SpecError
		if !errors.As(err, &se) || !errors.Is(err, churn.ErrInvalidSpec) {
			t.Errorf("Parse(%q) = %v, want a *SpecError", tc.spec, err)
			continue
		}
		if se.Spec != tc.spec || se.Part != tc.part || !strings.Contains(se.Allowed, tc.allowed) || !strings.Contains(err.Error(), tc.allowed) {
			t.Errorf("Parse(%q): spec %q part %q allowed %q; want part %q, allowed ~%q", tc.spec, se.Spec, se.Part, se.Allowed, tc.part, tc.allowed)
		}
	}
}

// TestValidate checks Model.Validate on models built by hand.
func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		model churn.Model
		ok    bool
	}{
		{churn.Model{}, true},
		{churn.Model{On: churn.Exponential(time.Hour), Off: churn.Exponential(time.Minute)}, true},
		{churn.Model{On: churn.Exponential(time.Hour)}, false},
		{churn.Model{On: churn.Exponential(0), Off: churn.Exponential(time.Minute)}, false},
		{churn.Model{On: churn.Weibull{Shape: 0.01, Scale: time.Hour}, Off: churn.Exponential(time.Minute)}, false},
		{churn.Model{On: churn.Weibull{Shape: 1, Scale: 0}, Off: churn.Exponential(time.Minute)}, false},
		{churn.Model{On: opaque{churn.Exponential(0)}, Off: churn.Exponential(time.Minute)}, false},
	} {
		if err := tc.model.Validate(); (err == nil) != tc.ok || (err != nil && !errors.Is(err, churn.ErrInvalidDist)) {
			t.Errorf("Validate(%v) = %v, want ok %v", tc.model, err, tc.ok)
		}
	}
}

// TestNewEmpiricalErrors checks the CDFs NewEmpirical refuses.
func TestNewEmpiricalErrors(t *testing.T) {
	m := time.Minute
	for _, tc := range []struct {
		points []churn.Point
		tail   *churn.Weibull
	}{
		{nil, nil},
		{[]churn.Point{{-m, 0.5}}, nil},
		{[]churn.Point{{m, 0.5}, {m, 0.6}}, nil},
		{[]churn.Point{{m, 0.5}, {2 * m, 0.4}}, nil},
		{[]churn.Point{{m, 1.5}}, nil},
		{[]churn.Point{{m, math.NaN()}}, nil},
		{[]churn.Point{{0, 1}}, nil}, // every period 0 long
		{[]churn.Point{{m, 0.5}}, &churn.Weibull{Shape: 0, Scale: m}},
	} {
		if _, err := churn.NewEmpirical("bad", tc.points, tc.tail); !errors.Is(err, churn.ErrInvalidDist) {
			t.Errorf("NewEmpirical(%v, %v) = %v, want ErrInvalidDist", tc.points, tc.tail, err)
		}
	}
}

// TestDrawsAllocateNothing checks Start, Next and Sample for allocations:
// they run once per period of every node.
func TestDrawsAllocateNothing(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, spec := range []string{"exp:30m,10m", "weibull:0.5,30m", "ipfs"} {
		m := mustParse(t, spec)
		if a := testing.AllocsPerRun(1000, func() { online, _ := m.Start(r); m.Next(r, online) }); a != 0 {
			t.Errorf("%s: %v allocations per Start and Next, want 0", spec, a)
		}
	}
}

// FuzzParse checks that any spec gives a valid model whose String parses
// back to it, or a *SpecError.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"none", "ipfs", "exp:30m,10m", "weibull:0.5,30m", "exp:1h,", "weibull:1e1,1ns"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		m, err := churn.Parse(spec)
		if err != nil {
			var se *churn.SpecError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q): %v is not a *SpecError", spec, err)
			}
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("Parse(%q) gives an invalid model: %v", spec, err)
		}
		if again, err := churn.Parse(m.String()); err != nil || again.String() != m.String() {
			t.Fatalf("Parse(%q).String() = %q does not parse back: %v, %v", spec, m.String(), again, err)
		}
	})
}

func ExampleParse() {
	m, err := churn.Parse("exp:30m,10m")
	fmt.Println(m, m.OnlineShare(), err)

	m, _ = churn.Parse("ipfs")
	fmt.Println(m.On, m.OnlineShare())

	_, err = churn.Parse("weibull:0.5,30")
	fmt.Println(err)
	// Output:
	// exp:30m0s,10m0s 0.75 <nil>
	// ipfs-uptime-2025-10 0.5
	// churn spec "weibull:0.5,30": "30" is not a valid Weibull scale; allowed: a duration from 1s to 8760h (a year), such as 30m
}

// ExampleModel_Start drives one node through its sessions and downtimes,
// starting in steady state.
func ExampleModel_Start() {
	m, _ := churn.Parse("weibull:0.5,30m")
	r := rand.New(rand.NewPCG(1, 2))
	online, change := m.Start(r) // state at time 0 and when it next changes
	const horizon = 24 * time.Hour
	changes := 0
	for change < horizon {
		online = !online
		change += m.Next(r, online)
		changes++
	}
	fmt.Println(changes > 0)
	// Output: true
}

// A mixture puts its core share of the nodes online for good and lets the
// others churn: at 100,000 nodes the share that never changes is the
// core's within 1 point, and the share online at the start is the model's
// online share (core + the fringe's share of time online) within 1 point.
// ipfs-mix's fringe draws sessions of at most 24 h.
func TestMixtureShares(t *testing.T) {
	for _, spec := range []string{"ipfs-mix", "mix:0.3,exp:30m,10m", "mix:0,weibull:0.5,30m"} {
		m := mustParse(t, spec)
		if back, err := churn.Parse(m.String()); err != nil || back.String() != m.String() || back.Core != m.Core {
			t.Errorf("%s: String %q does not read back (%v)", spec, m.String(), err)
		}
		const n = 100_000
		forever, online := 0, 0
		for id := range uint64(n) {
			r := rand.New(rand.NewPCG(7, id))
			on, remaining := m.Start(r)
			if on {
				online++
			}
			if on && remaining == 0 {
				forever++
			}
		}
		if d := float64(forever)/n - m.Core; math.Abs(d) > 0.01 {
			t.Errorf("%s: %.3f of nodes online for good, core %v", spec, float64(forever)/n, m.Core)
		}
		if d := float64(online)/n - m.OnlineShare(); math.Abs(d) > 0.01 {
			t.Errorf("%s: %.3f online, model says %.3f", spec, float64(online)/n, m.OnlineShare())
		}
	}
	f, err := churn.IPFSFringe()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 10_000 {
		if d := f.Sample(r); d > 24*time.Hour {
			t.Fatalf("fringe session of %v, want at most 24h", d)
		}
	}
	if m := mustParse(t, "ipfs-mix"); math.Abs(m.OnlineShare()-(churn.IPFSCore+(1-churn.IPFSCore)*0.5)) > 1e-9 {
		t.Errorf("ipfs-mix online share %v", m.OnlineShare())
	}
	for _, bad := range []string{"mix:1,exp:1m,1m", "mix:-0.1,ipfs", "mix:0.5", "mix:0.5,none", "mix:0.5,mix:0.2,ipfs", "ipfs-mix:3"} {
		if _, err := churn.Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}
