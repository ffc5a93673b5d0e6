package latency_test

import (
	"encoding/csv"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/go-dht/go-dht/network/latency"
)

// builtin returns a built-in model or fails the test.
func builtin(t testing.TB, name string, seed uint64) latency.Model {
	t.Helper()
	m, err := latency.Builtin(name, seed)
	if err != nil {
		t.Fatalf("Builtin(%q, %d): %v", name, seed, err)
	}
	return m
}

// dataShares reads the node counts of a share file of data/ directly (not
// through the package), leaving out the rows in skip, and returns each
// row's share of the rest. It is the independent check of what the model
// should place.
func dataShares(t *testing.T, file, keyCol, countCol string, skip ...string) (names []string, shares []float64) {
	t.Helper()
	f, err := os.Open("data/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	k, c := slices.Index(rows[0], keyCol), slices.Index(rows[0], countCol)
	var total float64
	for _, row := range rows[1:] {
		if slices.Contains(skip, row[k]) {
			continue
		}
		v, err := strconv.ParseFloat(row[c], 64)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, row[k])
		shares = append(shares, v)
		total += v
	}
	for i := range shares {
		shares[i] /= total
	}
	return names, shares
}

// placed returns the share of n nodes (ids 0..n-1) that the model places in
// each region.
func placed(m latency.Model, n int) []float64 {
	counts := make([]float64, len(m.Regions()))
	for id := range uint32(n) {
		counts[m.Region(id)]++
	}
	for i := range counts {
		counts[i] /= float64(n)
	}
	return counts
}

// TestBuiltinSharesMatchData places 100,000 nodes with each built-in model
// and checks every region's share against the data within 1 percentage
// point: discv5's named countries and its "others" as a whole (multi left
// out), ipfs's continents (Uncategorised left out), aws's equal shares.
func TestBuiltinSharesMatchData(t *testing.T) {
	const n = 100_000
	check := func(t *testing.T, region string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 0.01 {
			t.Errorf("%s: %.2f%% of nodes, data %.2f%%", region, 100*got, 100*want)
		}
	}
	t.Run("discv5", func(t *testing.T) {
		m := builtin(t, "discv5", 1)
		got := placed(m, n)
		regions := m.Regions()
		names, want := dataShares(t, "discv5_country_share.csv", "country", "nodes", "multi")
		var named float64
		for i, name := range names {
			if name == "others" {
				continue
			}
			r := slices.Index(regions, name)
			if r < 0 {
				t.Fatalf("country %s of the data is not a region", name)
			}
			check(t, name, got[r], want[i])
			named += got[r]
		}
		check(t, "others", 1-named, want[slices.Index(names, "others")])
	})
	t.Run("ipfs", func(t *testing.T) {
		m := builtin(t, "ipfs", 1)
		got := placed(m, n)
		names, want := dataShares(t, "ipfs_dht_online_by_continent.csv", "continent", "online_peers", "Uncategorised")
		if !slices.Equal(m.Regions(), names) {
			t.Fatalf("regions %v, data %v", m.Regions(), names)
		}
		for i, name := range names {
			check(t, name, got[i], want[i])
		}
	})
	t.Run("aws", func(t *testing.T) {
		m := builtin(t, "aws", 1)
		got := placed(m, n)
		if len(got) != 11 {
			t.Fatalf("%d regions, want 11", len(got))
		}
		for i, name := range m.Regions() {
			check(t, name, got[i], 1.0/11)
		}
	})
}

// TestSharesSumToOne checks every model's stated shares against each other
// and against what it places.
func TestSharesSumToOne(t *testing.T) {
	for _, name := range latency.Names() {
		m := builtin(t, name, 3)
		shares := m.Shares()
		if len(shares) != len(m.Regions()) {
			t.Fatalf("%s: %d shares for %d regions", name, len(shares), len(m.Regions()))
		}
		var sum float64
		for _, s := range shares {
			sum += s
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Errorf("%s: shares sum to %v", name, sum)
		}
		got := placed(m, 100_000)
		for i, s := range shares {
			if math.Abs(got[i]-s) > 0.01 {
				t.Errorf("%s region %s: placed %.2f%%, share %.2f%%", name, m.Regions()[i], 100*got[i], 100*s)
			}
		}
	}
}

// nodeIn returns a node of the given region (by name), searching ids from 0.
func nodeIn(t *testing.T, m latency.Model, region string) (uint32, int) {
	t.Helper()
	r := slices.Index(m.Regions(), region)
	if r < 0 {
		t.Fatalf("%s has no region %s", m.Name(), region)
	}
	for id := range uint32(1 << 24) {
		if m.Region(id) == r {
			return id, r
		}
	}
	t.Fatalf("%s: no node in region %s", m.Name(), region)
	return 0, 0
}

// TestDelayMeanMatchesData draws 20,000 delays between nodes of a few
// region pairs and checks that twice their mean (an RTT) is within 5% of
// the data's mean RTT of the pair. The pairs include same-region ones and
// the heavy-tailed RIPE pairs that carry most discv5 traffic.
func TestDelayMeanMatchesData(t *testing.T) {
	const draws = 20_000
	for _, tc := range []struct {
		model, from, to string
		wantMS          float64 // the data's mean, as a check of MeanRTT
	}{
		{"discv5", "US", "DE", 113.630},
		{"discv5", "US", "US", 108.444},
		{"discv5", "DE", "FR", 0},
		{"discv5", "FI", "SG", 0},
		{"discv5", "JP", "KR", 0},
		{"ipfs", "Europe", "North America", 0},
		{"ipfs", "Asia", "Europe", 0},
		{"ipfs", "Oceania", "Oceania", 0},
		{"aws", "us-east-1", "eu-west-1", 0},
		{"aws", "ap-northeast-1", "ap-northeast-1", 0},
		{"aws", "af-south-1", "ap-southeast-2", 0},
	} {
		t.Run(tc.model+"/"+tc.from+"-"+tc.to, func(t *testing.T) {
			m := builtin(t, tc.model, 1)
			from, fr := nodeIn(t, m, tc.from)
			to, tr := nodeIn(t, m, tc.to)
			want := m.MeanRTT(fr, tr)
			if tc.wantMS != 0 && math.Abs(float64(want)/1e6-tc.wantMS) > 0.001 {
				t.Errorf("MeanRTT = %v, data %.3fms", want, tc.wantMS)
			}
			r := rand.New(rand.NewPCG(1, 2))
			var sum float64
			for range draws {
				d := m.Delay(r, from, to)
				if d < 0 {
					t.Fatalf("negative delay %v", d)
				}
				sum += float64(2 * d)
			}
			got := time.Duration(sum / draws)
			t.Logf("%v vs %v: %.2f%%", got, want, 100*(float64(got-want))/float64(want))
			if rel := math.Abs(float64(got-want)) / float64(want); rel > 0.05 {
				t.Errorf("mean of 2 x Delay = %v, data's mean RTT %v (%.1f%% off, allowed 5%%)", got, want, 100*rel)
			}
		})
	}
}

// TestDeterministic checks that one seed gives the same regions and, with
// the same random stream, the same delays.
func TestDeterministic(t *testing.T) {
	for _, name := range latency.Names() {
		a, b := builtin(t, name, 42), builtin(t, name, 42)
		ra, rb := rand.New(rand.NewPCG(5, 6)), rand.New(rand.NewPCG(5, 6))
		for id := range uint32(20_000) {
			if a.Region(id) != b.Region(id) {
				t.Fatalf("%s: node %d in region %d then %d", name, id, a.Region(id), b.Region(id))
			}
			if da, db := a.Delay(ra, id, id*7+1), b.Delay(rb, id, id*7+1); da != db {
				t.Fatalf("%s: delay %d -> %d is %v then %v", name, id, id*7+1, da, db)
			}
		}
	}
}

// TestSeedsPlaceDifferently checks that two seeds place nodes
// independently: the share of nodes that land in the same region under
// both is the chance of that, the sum of the squared shares, and not more.
func TestSeedsPlaceDifferently(t *testing.T) {
	const n = 100_000
	for _, name := range latency.Names() {
		a, b := builtin(t, name, 1), builtin(t, name, 2)
		same := 0
		for id := range uint32(n) {
			if a.Region(id) == b.Region(id) {
				same++
			}
		}
		var chance float64
		for _, s := range a.Shares() {
			chance += s * s
		}
		if got := float64(same) / n; math.Abs(got-chance) > 0.01 {
			t.Errorf("%s: %.1f%% of nodes in the same region under seeds 1 and 2, chance alone gives %.1f%%", name, 100*got, 100*chance)
		}
	}
}

// TestDelayAllocatesNothing checks that a delay draw allocates nothing, in
// every model and for every distribution family of a file.
func TestDelayAllocatesNothing(t *testing.T) {
	models := []latency.Model{latency.Uniform{Min: time.Millisecond, Max: 5 * time.Millisecond}, mustParse(t, exampleFile, 1)}
	for _, name := range latency.Names() {
		models = append(models, builtin(t, name, 1))
	}
	r := rand.New(rand.NewPCG(1, 1))
	for _, m := range models {
		id := uint32(0)
		if a := testing.AllocsPerRun(2000, func() { m.Delay(r, id, id*31+7); id++ }); a != 0 {
			t.Errorf("%s: Delay allocates %v times per draw, want 0", m.Name(), a)
		}
	}
}

// TestUniform checks the uniform model: one region, delays within [Min,
// Max] with the mean in the middle, and Validate's errors.
func TestUniform(t *testing.T) {
	u := latency.Uniform{Min: 10 * time.Millisecond, Max: 30 * time.Millisecond}
	if err := u.Validate(); err != nil {
		t.Fatal(err)
	}
	if u.Region(12345) != 0 || len(u.Regions()) != 1 || u.Shares()[0] != 1 {
		t.Errorf("uniform model: regions %v shares %v, want one region", u.Regions(), u.Shares())
	}
	r := rand.New(rand.NewPCG(1, 2))
	var sum float64
	const draws = 20_000
	for range draws {
		d := u.Delay(r, 1, 2)
		if d < u.Min || d > u.Max {
			t.Fatalf("delay %v outside [%v, %v]", d, u.Min, u.Max)
		}
		sum += float64(2 * d)
	}
	if got, want := sum/draws, float64(u.MeanRTT(0, 0)); math.Abs(got-want)/want > 0.01 {
		t.Errorf("mean of 2 x Delay = %v, MeanRTT %v", time.Duration(got), time.Duration(want))
	}
	if d := (latency.Uniform{Min: 5, Max: 5}).Delay(r, 0, 1); d != 5 {
		t.Errorf("fixed range: delay %v, want 5ns", d)
	}
	for _, bad := range []latency.Uniform{{Min: -1}, {Min: 2, Max: 1}} {
		if err := bad.Validate(); !errors.Is(err, latency.ErrInvalidModel) {
			t.Errorf("Validate(%+v) = %v, want ErrInvalidModel", bad, err)
		}
	}
}

// TestBuiltinUnknownName checks the error for a name Names does not list.
func TestBuiltinUnknownName(t *testing.T) {
	if got := latency.Names(); !slices.Equal(got, []string{"aws", "discv5", "ipfs"}) {
		t.Errorf("Names() = %v", got)
	}
	_, err := latency.Builtin("ripe", 1)
	if !errors.Is(err, latency.ErrUnknownModel) {
		t.Errorf("Builtin(ripe) = %v, want ErrUnknownModel", err)
	}
}

// FromSpec reads what a flag or a study file says: uniform (no model), a
// built-in name, or a file; an unknown name that is no file is an error.
func TestFromSpec(t *testing.T) {
	if m, err := latency.FromSpec("uniform", 1); m != nil || err != nil {
		t.Errorf("uniform: %v, %v", m, err)
	}
	if m, err := latency.FromSpec("aws", 1); err != nil || m.Name() != "aws" {
		t.Errorf("aws: %v, %v", m, err)
	}
	if _, err := latency.FromSpec("mars", 1); err == nil {
		t.Error("an unknown model was accepted")
	}
}
