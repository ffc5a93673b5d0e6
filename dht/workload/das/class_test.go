package das_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/go-dht/go-dht/dht/workload/das"
	"github.com/go-dht/go-dht/network/bandwidth"
)

func mustBandwidth(t testing.TB, spec string) das.Bandwidth {
	t.Helper()
	b, err := das.ParseBandwidth(spec)
	if err != nil {
		t.Fatalf("ParseBandwidth(%q): %v", spec, err)
	}
	return b
}

// threeClasses returns 60 % home nodes, 30 % servers and 10 % malicious
// nodes.
func threeClasses(t testing.TB) das.Classes {
	return das.Classes{
		{Name: "home", Share: 0.6, ValidatorsPerNode: 1, CustodyRows: 2, CustodyCols: 2,
			Upload: mustBandwidth(t, "uniform:10Mbit-50Mbit"), Download: mustBandwidth(t, "fixed:100Mbit")},
		{Name: "server", Share: 0.3, ValidatorsPerNode: 8, CustodyRows: 16, CustodyCols: 16,
			Upload: mustBandwidth(t, "lognormal:1Gbit,0.5"), Download: mustBandwidth(t, "fixed:1Gbit")},
		{Name: "attacker", Share: 0.1, Behaviour: das.Malicious, CustodyRows: 1},
	}
}

// TestClassSharesAt100000Nodes checks that the classes drawn for 100,000
// nodes are within 1 point of their shares, and that a node's class
// depends on the seed and its id alone.
func TestClassSharesAt100000Nodes(t *testing.T) {
	cs := threeClasses(t)
	if err := cs.Validate(das.Geometry{Rows: 512, Cols: 512}); err != nil {
		t.Fatal(err)
	}
	const nodes = 100000
	counts := make([]int, len(cs))
	for n := range uint32(nodes) {
		counts[cs.Of(1, n)]++
	}
	for i, c := range cs {
		if got := float64(counts[i]) / nodes; math.Abs(got-c.Share) > 0.01 {
			t.Errorf("class %s: share %.4f, want %.2f ± 0.01", c.Name, got, c.Share)
		}
	}
	// A class of share 0 gets no node; the others share them.
	zero := slices.Clone(cs)
	zero = append(zero[:1], das.Class{Name: "none", Share: 0}, zero[1], zero[2])
	for n := range uint32(1000) {
		if zero.Of(1, n) == 1 {
			t.Fatalf("node %d in a class of share 0", n)
		}
	}
	same := 0
	for n := range uint32(1000) {
		if cs.Of(1, n) == cs.Of(2, n) {
			same++
		}
	}
	// Classes drawn independently for seeds 1 and 2 agree with
	// probability 0.6^2 + 0.3^2 + 0.1^2 = 0.46.
	if same < 400 || same > 520 {
		t.Errorf("seeds 1 and 2 agree on %d of 1000 nodes, want about 460", same)
	}
}

// TestNodeDraws checks a node's draws: rates within its class's bandwidth,
// custody of the class's number of distinct rows and columns in
// ascending order, the same draws whatever order nodes are drawn in.
func TestNodeDraws(t *testing.T) {
	cs := threeClasses(t)
	g := das.Geometry{Rows: 512, Cols: 512}
	nodes := make([]das.Node, 2000)
	for i := range nodes {
		nodes[i] = cs.Node(g, 5, uint32(i))
	}
	for i := len(nodes) - 1; i >= 0; i-- {
		n := nodes[i]
		again := cs.Node(g, 5, uint32(i))
		if again.Class != n.Class || again.Upload != n.Upload || again.Download != n.Download ||
			!slices.Equal(again.Custody.Rows, n.Custody.Rows) || !slices.Equal(again.Custody.Cols, n.Custody.Cols) {
			t.Fatalf("node %d drawn twice: %+v and %+v", i, n, again)
		}
		c := cs[n.Class]
		if n.Class != cs.Of(5, uint32(i)) {
			t.Fatalf("node %d: Node says class %d, Of says %d", i, n.Class, cs.Of(5, uint32(i)))
		}
		for _, tc := range []struct {
			got  []int
			want int
		}{{n.Custody.Rows, c.CustodyRows}, {n.Custody.Cols, c.CustodyCols}} {
			if len(tc.got) != tc.want || !slices.IsSorted(tc.got) || len(slices.Compact(slices.Clone(tc.got))) != tc.want ||
				(len(tc.got) > 0 && (tc.got[0] < 0 || tc.got[len(tc.got)-1] >= 512)) {
				t.Fatalf("node %d (%s): custody %v, want %d distinct ascending lines", i, c.Name, tc.got, tc.want)
			}
		}
		switch c.Name {
		case "home":
			if n.Upload < 10e6/8 || n.Upload > 50e6/8 || n.Download != 100e6/8 {
				t.Fatalf("home node %d: upload %v, download %v B/s", i, n.Upload, n.Download)
			}
		case "attacker":
			if !math.IsInf(n.Upload, 1) || !math.IsInf(n.Download, 1) {
				t.Fatalf("attacker %d: unlimited rates drawn as %v, %v", i, n.Upload, n.Download)
			}
		}
	}
}

// TestCustodyHolds checks that a custody covers exactly the cells of its
// rows and of its columns.
func TestCustodyHolds(t *testing.T) {
	g := das.Geometry{Rows: 4, Cols: 6}
	c := das.Custody{Rows: []int{1}, Cols: []int{0, 4}}
	var got strings.Builder
	for r := range g.Rows {
		for col := range g.Cols {
			if c.Holds(g, g.Cell(r, col)) {
				got.WriteByte('#')
			} else {
				got.WriteByte('.')
			}
		}
		got.WriteByte(' ')
	}
	if want := "#...#. ###### #...#. #...#. "; got.String() != want {
		t.Errorf("custody covers %q, want %q", got.String(), want)
	}
}

// TestClassesValidate checks that each bad field is refused with a
// *network.ConfigError naming the class and the field.
func TestClassesValidate(t *testing.T) {
	g := das.Geometry{Rows: 32, Cols: 16}
	for _, tc := range []struct {
		name  string
		edit  func(cs das.Classes) das.Classes
		field string
	}{
		{"no class", func(das.Classes) das.Classes { return nil }, "Classes"},
		{"no name", func(cs das.Classes) das.Classes { cs[1].Name = ""; return cs }, "Classes[#1].Name"},
		{"same name", func(cs das.Classes) das.Classes { cs[2].Name = "home"; return cs }, "Classes[home].Name"},
		{"share above 1", func(cs das.Classes) das.Classes { cs[0].Share = 1.2; return cs }, "Classes[home].Share"},
		{"negative share", func(cs das.Classes) das.Classes { cs[2].Share = -0.1; return cs }, "Classes[attacker].Share"},
		{"NaN share", func(cs das.Classes) das.Classes { cs[2].Share = math.NaN(); return cs }, "Classes[attacker].Share"},
		{"shares sum to 0.9", func(cs das.Classes) das.Classes { cs[0].Share = 0.5; return cs }, "Classes.Share"},
		{"negative validators", func(cs das.Classes) das.Classes { cs[1].ValidatorsPerNode = -1; return cs }, "Classes[server].ValidatorsPerNode"},
		{"custody rows beyond the block", func(cs das.Classes) das.Classes { cs[1].CustodyRows = 33; return cs }, "Classes[server].CustodyRows"},
		{"negative custody cols", func(cs das.Classes) das.Classes { cs[0].CustodyCols = -1; return cs }, "Classes[home].CustodyCols"},
		{"custody cols beyond the block", func(cs das.Classes) das.Classes { cs[0].CustodyCols = 17; return cs }, "Classes[home].CustodyCols"},
		{"unknown behaviour", func(cs das.Classes) das.Classes { cs[0].Behaviour = 7; return cs }, "Classes[home].Behaviour"},
		{"rate out of range", func(cs das.Classes) das.Classes { cs[2].Upload = das.Fixed(0); return cs }, "Classes[attacker].Upload"},
		{"NaN rate", func(cs das.Classes) das.Classes { cs[2].Download = das.Fixed(math.NaN()); return cs }, "Classes[attacker].Download"},
		{"bad geometry", func(cs das.Classes) das.Classes { return cs }, "Cols"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs := tc.edit(threeClasses(t))
			geom := g
			if tc.field == "Cols" {
				geom.Cols = 3
			}
			err := cs.Validate(geom)
			if got := configField(t, err); got != tc.field {
				t.Errorf("field %q, want %q (%v)", got, tc.field, err)
			}
		})
	}
	// Shares that sum to 1 within 1e-9 pass.
	cs := das.Classes{{Name: "a", Share: 0.1}, {Name: "b", Share: 0.2}, {Name: "c", Share: 0.7}}
	if err := cs.Validate(g); err != nil {
		t.Errorf("0.1 + 0.2 + 0.7: %v", err)
	}
	if err := threeClasses(t).Validate(g); err != nil {
		t.Errorf("valid classes: %v", err)
	}
}

// TestClassesYAML checks that a study's list of classes decodes with
// yaml.v3 (names and specs as text, unknown keys refused) and that a bad
// spec is refused while decoding with the *SpecError.
func TestClassesYAML(t *testing.T) {
	const doc = `
- name: home
  share: 0.75
  validators_per_node: 1
  custody_rows: 2
  custody_cols: 2
  upload: uniform:10Mbit-50Mbit
  download: fixed:100Mbit/s
- name: ghost
  share: 0.25
  behaviour: unresponsive
`
	var cs das.Classes
	dec := yaml.NewDecoder(strings.NewReader(doc))
	dec.KnownFields(true)
	if err := dec.Decode(&cs); err != nil {
		t.Fatal(err)
	}
	want := das.Classes{
		{Name: "home", Share: 0.75, ValidatorsPerNode: 1, CustodyRows: 2, CustodyCols: 2,
			Upload: mustBandwidth(t, "uniform:10Mbit-50Mbit"), Download: das.Fixed(100e6 / 8)},
		{Name: "ghost", Share: 0.25, Behaviour: das.Unresponsive},
	}
	if !slices.Equal(cs, want) {
		t.Errorf("decoded %+v, want %+v", cs, want)
	}
	if err := cs.Validate(das.Geometry{Rows: 4, Cols: 4}); err != nil {
		t.Error(err)
	}
	out, err := yaml.Marshal(cs)
	if err != nil {
		t.Fatal(err)
	}
	var again das.Classes
	if err := yaml.Unmarshal(out, &again); err != nil || !slices.Equal(again, cs) {
		t.Errorf("marshalled\n%s reads back as %+v (%v)", out, again, err)
	}
	for _, bad := range []string{"- {name: a, share: 1, upload: 100Mbit}", "- {name: a, share: 1, behaviour: evil}", "- {name: a, share: 1, custody: 2}"} {
		var cs das.Classes
		dec := yaml.NewDecoder(strings.NewReader(bad))
		dec.KnownFields(true)
		err := dec.Decode(&cs)
		if err == nil {
			t.Errorf("%s decoded", bad)
		}
		var se *das.SpecError
		var be *bandwidth.SpecError
		if !strings.Contains(bad, "custody") && !errors.As(err, &se) && !errors.As(err, &be) {
			t.Errorf("%s: %v is not a *SpecError", bad, err)
		}
	}
}

// TestBehaviours checks the names and what each behaviour does.
func TestBehaviours(t *testing.T) {
	for _, tc := range []struct {
		b             das.Behaviour
		name          string
		serves, store bool
	}{{das.Honest, "honest", true, true}, {das.Unresponsive, "unresponsive", false, false}, {das.Malicious, "malicious", false, true}} {
		got, err := das.ParseBehaviour(tc.name)
		if err != nil || got != tc.b || tc.b.String() != tc.name || tc.b.ServesSamples() != tc.serves || tc.b.AcceptsStores() != tc.store {
			t.Errorf("%s: parsed %v (%v), serves %v, stores %v", tc.name, got, err, tc.b.ServesSamples(), tc.b.AcceptsStores())
		}
	}
	if _, err := das.ParseBehaviour("Honest"); !errors.Is(err, das.ErrInvalidSpec) {
		t.Errorf("ParseBehaviour(Honest) = %v", err)
	}
	if _, err := das.Behaviour(5).MarshalText(); err == nil {
		t.Error("Behaviour(5).MarshalText() succeeded")
	}
}

// TestParseBandwidth checks each form of spec: the rates in bytes per
// second, and String giving a spec that parses back to the same value.
func TestParseBandwidth(t *testing.T) {
	for _, tc := range []struct {
		spec, string string
		mean         float64 // bytes per second
	}{
		{"unlimited", "unlimited", math.Inf(1)},
		{"fixed:100Mbit", "fixed:100Mbit", 12.5e6},
		{"fixed:100Mbit/s", "fixed:100Mbit", 12.5e6},
		{"fixed: 2.5Gbit", "fixed:2.5Gbit", 312.5e6},
		{"fixed:1500kbit", "fixed:1.5Mbit", 187500},
		{"fixed:64Kbit", "fixed:64kbit", 8000},
		{"fixed:1bit", "fixed:1bit", 0.125},
		{"fixed:1Tbit", "fixed:1Tbit", 125e9},
		{"fixed:1e3Mbit", "fixed:1Gbit", 125e6},
		{"uniform:10Mbit-100Mbit", "uniform:10Mbit-100Mbit", 55e6 / 8},
		{"uniform:1Gbit-1Gbit", "uniform:1Gbit-1Gbit", 125e6},
		{"lognormal:50Mbit,0.5", "lognormal:50Mbit,0.5", 50e6 / 8 * math.Exp(0.125)},
		{"lognormal:50Mbit,0", "lognormal:50Mbit,0", 50e6 / 8},
	} {
		b := mustBandwidth(t, tc.spec)
		if b.String() != tc.string || math.Abs(b.Mean()-tc.mean) > 1e-9*tc.mean {
			t.Errorf("ParseBandwidth(%q) = %q mean %v B/s, want %q mean %v", tc.spec, b.String(), b.Mean(), tc.string, tc.mean)
		}
		if again := mustBandwidth(t, b.String()); again != b {
			t.Errorf("%q does not parse back to itself: %v", b.String(), again)
		}
		if b.Unlimited() != (tc.spec == "unlimited") {
			t.Errorf("%q: Unlimited() = %v", tc.spec, b.Unlimited())
		}
	}
	if got := das.Fixed(1234.5678).String(); mustBandwidth(t, got) != das.Fixed(1234.5678) {
		t.Errorf("an inexact rate writes as %q, which does not read back", got)
	}
}

// TestParseBandwidthErrors checks that a bad spec is a *SpecError naming
// the bad part and what is allowed.
func TestParseBandwidthErrors(t *testing.T) {
	for _, tc := range []struct {
		spec, part, allowed string
	}{
		{"", "", "unlimited, fixed:RATE"},
		{"100Mbit", "100Mbit", "unlimited, fixed:RATE"},
		{"unlimited:1", "unlimited:1", "unlimited, fixed:RATE"},
		{"fixed", "fixed", "fixed:RATE"},
		{"fixed:100", "100", "a number and a unit"},
		{"fixed:100MB", "100MB", "a number and a unit"},
		{"fixed:100mbit", "100mbit", "a number and a unit"},
		{"fixed:-5Mbit", "-5Mbit", "from 1bit to 1Tbit"},
		{"fixed:0bit", "0bit", "from 1bit to 1Tbit"},
		{"fixed:2Tbit", "2Tbit", "from 1bit to 1Tbit"},
		{"fixed:NaNMbit", "NaNMbit", "from 1bit to 1Tbit"},
		{"fixed:InfMbit", "InfMbit", "from 1bit to 1Tbit"},
		{"uniform:10Mbit", "uniform:10Mbit", "uniform:LOW-HIGH"},
		{"uniform:10Mbit-20Mbit-30Mbit", "uniform:10Mbit-20Mbit-30Mbit", "uniform:LOW-HIGH"},
		{"uniform:100Mbit-10Mbit", "100Mbit-10Mbit", "LOW <= HIGH"},
		{"uniform:10-20Mbit", "10", "a number and a unit"},
		{"uniform:10Mbit-20", "20", "a number and a unit"},
		{"lognormal:50Mbit", "lognormal:50Mbit", "lognormal:MEDIAN,SIGMA"},
		{"lognormal:50Mbit,0.5,1", "lognormal:50Mbit,0.5,1", "lognormal:MEDIAN,SIGMA"},
		{"lognormal:50,0.5", "50", "a number and a unit"},
		{"lognormal:50Mbit,4", "4", "0..3"},
		{"lognormal:50Mbit,-1", "-1", "0..3"},
		{"lognormal:50Mbit,wide", "wide", "0..3"},
	} {
		_, err := das.ParseBandwidth(tc.spec)
		var se *das.SpecError
		if !errors.As(err, &se) || !errors.Is(err, das.ErrInvalidSpec) {
			t.Errorf("ParseBandwidth(%q) = %v, want a *SpecError", tc.spec, err)
			continue
		}
		if se.Spec != tc.spec || se.Part != tc.part || !strings.Contains(se.Allowed, tc.allowed) || !strings.Contains(err.Error(), tc.allowed) {
			t.Errorf("ParseBandwidth(%q): part %q allowed %q; want part %q, allowed ~%q", tc.spec, se.Part, se.Allowed, tc.part, tc.allowed)
		}
	}
}

// TestBandwidthSamples checks the draws of each distribution: a fixed
// rate is that rate, uniform draws stay in range with the right mean, a
// lognormal's median is its median and its log-sd its sigma.
func TestBandwidthSamples(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 20000
	if got := mustBandwidth(t, "fixed:8Mbit").Sample(r); got != 1e6 {
		t.Errorf("fixed:8Mbit draws %v B/s, want 1e6", got)
	}
	if got := (das.Bandwidth{}).Sample(r); !math.IsInf(got, 1) {
		t.Errorf("unlimited draws %v, want +Inf", got)
	}
	u := mustBandwidth(t, "uniform:8Mbit-24Mbit")
	sum := 0.0
	for range n {
		x := u.Sample(r)
		if x < 1e6 || x > 3e6 {
			t.Fatalf("uniform draw %v outside [1e6, 3e6]", x)
		}
		sum += x
	}
	// Mean 2e6, sd (2e6)/sqrt(12) per draw.
	if mean := sum / n; math.Abs(mean-2e6) > 5*2e6/math.Sqrt(12*n) {
		t.Errorf("uniform mean %v, want 2e6", mean)
	}
	ln := mustBandwidth(t, "lognormal:80Mbit,0.5")
	below, sumLog, sumSq := 0, 0.0, 0.0
	for range n {
		x := ln.Sample(r)
		if x < 10e6 {
			below++
		}
		l := math.Log(x / 10e6)
		sumLog += l
		sumSq += l * l
	}
	sd := math.Sqrt(sumSq/n - (sumLog/n)*(sumLog/n))
	if share := float64(below) / n; math.Abs(share-0.5) > 0.02 || math.Abs(sd-0.5) > 0.02 {
		t.Errorf("lognormal: %.3f of draws below the median (want 0.5), log-sd %.3f (want 0.5)", share, sd)
	}
	// Draws stay within 1bit..1Tbit even far in the tails.
	wide := mustBandwidth(t, "lognormal:1bit,3")
	for range n {
		if x := wide.Sample(r); x < das.MinRate || x > das.MaxRate {
			t.Fatalf("lognormal draw %v outside [MinRate, MaxRate]", x)
		}
	}
	if a := testing.AllocsPerRun(100, func() { ln.Sample(r) }); a != 0 {
		t.Errorf("%v allocations per draw", a)
	}
}

// FuzzParseBandwidth checks that any spec gives a bandwidth whose String
// parses back to it, or a *SpecError.
func FuzzParseBandwidth(f *testing.F) {
	for _, s := range []string{"unlimited", "fixed:100Mbit", "uniform:10Mbit-1Gbit", "lognormal:50Mbit,0.5", "fixed:1e-3Gbit", "uniform:1bit-1bit/s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		b, err := das.ParseBandwidth(spec)
		if err != nil {
			var se *das.SpecError
			if !errors.As(err, &se) {
				t.Fatalf("ParseBandwidth(%q): %v is not a *SpecError", spec, err)
			}
			return
		}
		if err := b.Validate(); err != nil {
			t.Fatalf("ParseBandwidth(%q) is invalid: %v", spec, err)
		}
		if again, err := das.ParseBandwidth(b.String()); err != nil || again != b {
			t.Fatalf("ParseBandwidth(%q).String() = %q reads back as %v, %v", spec, b.String(), again, err)
		}
	})
}
