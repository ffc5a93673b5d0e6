package latency

import (
	"math"
	"testing"
)

// TestDiscv5FiguresAsDocumented keeps the figures that doc.go states about
// the discv5 model true: regions, derived pairs, their weight in traffic,
// and the share of "others".
func TestDiscv5FiguresAsDocumented(t *testing.T) {
	m, err := Builtin("discv5", 1)
	if err != nil {
		t.Fatal(err)
	}
	r := m.(*Regional)
	d, err := readRIPE()
	if err != nil {
		t.Fatal(err)
	}
	n := len(r.regions)
	var derivedSelf int
	var derivedTraffic, others float64
	for i, a := range r.regions {
		if i >= 11 {
			others += r.shares[i]
		}
		for j, b := range r.regions {
			if _, ok := d.pairs[orderedPair(a, b)]; !ok {
				derivedTraffic += r.shares[i] * r.shares[j]
				if i == j {
					derivedSelf++
				}
			}
		}
	}
	for _, c := range []struct {
		what      string
		got, want float64
		tolerance float64
	}{
		{"regions", float64(n), 158, 0},
		{"unordered pairs", float64(n * (n + 1) / 2), 12561, 0},
		{"derived pairs", float64(r.derived), 5913, 0},
		{"derived same-country pairs", float64(derivedSelf), 44, 0},
		{"traffic on derived pairs (%)", 100 * derivedTraffic, 0.23, 0.005},
		{"share of others (%)", 100 * others, 18.9, 0.05},
		{"US share (%)", 100 * r.shares[0], 34.5, 0.05},
	} {
		if math.Abs(c.got-c.want) > c.tolerance {
			t.Errorf("%s: %v, doc.go says %v", c.what, c.got, c.want)
		}
	}
}

// TestPoolMixesMoments checks pooling on two hand-made groups: the mean is
// count-weighted and the variance includes the spread between the means.
func TestPoolMixesMoments(t *testing.T) {
	p := pool([]stats{{count: 1, mean: 10, std: 0, min: 10, max: 10}, {count: 3, mean: 20, std: 2, min: 15, max: 30}})
	// Second moment (1*100 + 3*(4+400))/4 = 328; mean 17.5; variance 21.75.
	if p.count != 4 || p.mean != 17.5 || math.Abs(p.std-math.Sqrt(21.75)) > 1e-12 || p.min != 10 || p.max != 30 {
		t.Errorf("pool = %+v", p)
	}
}

// TestFromStatsMatchesMoments checks that a measured pair's shifted
// lognormal has the data's mean and standard deviation, and that degenerate
// rows are constant.
func TestFromStatsMatchesMoments(t *testing.T) {
	d := fromStats(stats{count: 100, mean: 50, std: 30, min: 20, max: math.Inf(1)})
	mean := d.shift + math.Exp(d.a+d.b*d.b/2)
	std := math.Sqrt(math.Expm1(d.b*d.b)) * math.Exp(d.a+d.b*d.b/2)
	if d.family != lognormal || math.Abs(mean-50) > 1e-9 || math.Abs(std-30) > 1e-9 || d.lo != 20 {
		t.Errorf("fromStats: %s: mean %v std %v", d.String(), mean, std)
	}
	for _, s := range []stats{
		{count: 1, mean: 41.2570686, min: 41.25707, max: 41.25707}, // one measurement, min above mean by rounding
		{count: 5, mean: 10, std: 0, min: 10, max: 10},
	} {
		if d := fromStats(s); d.family != constant || d.a != s.mean {
			t.Errorf("fromStats(%+v) = %s, want constant at the mean", s, d.String())
		}
	}
}

// clippedMean returns the exact mean of a pair's draws, clipping included:
// for a lognormal L clipped at c, E[min(L, c)] = E[L; L < c] + c P(L >= c).
func clippedMean(x rtt) float64 {
	if x.family != lognormal {
		return x.mean
	}
	c := x.hi - x.shift
	mu, s := x.a, x.b
	phi := func(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }
	return x.shift + math.Exp(mu+s*s/2)*phi((math.Log(c)-mu-s*s)/s) + c*(1-phi((math.Log(c)-mu)/s))
}

// TestClippingAsDocumented keeps doc.go's figures on how much clipping at
// the measured maximum lowers the mean of draws: by more than 5% for 85 of
// the measured pairs, by 13% at most, and by 0.05% weighted by the discv5
// shares.
func TestClippingAsDocumented(t *testing.T) {
	d, err := readRIPE()
	if err != nil {
		t.Fatal(err)
	}
	var over5, under1 int
	var worst float64
	for _, p := range d.keys {
		s := d.pairs[p]
		drop := (s.mean - clippedMean(fromStats(s))) / s.mean
		worst = max(worst, drop)
		if drop > 0.05 {
			over5++
		}
		if drop < 0.01 {
			under1++
		}
	}
	if n := len(d.keys); n != 6648 || over5 != 85 || worst > 0.135 || float64(under1) < 0.9*float64(n) {
		t.Errorf("%d measured pairs, %d lose more than 5%% of their mean, %d less than 1%%, at most %.1f%%; doc.go says 6648, 85, 90%%, 13%%",
			n, over5, under1, 100*worst)
	}
	m, err := Builtin("discv5", 1)
	if err != nil {
		t.Fatal(err)
	}
	r := m.(*Regional)
	n := len(r.regions)
	var weighted float64
	for i := range n {
		for j := range n {
			x := r.rtts[i*n+j]
			weighted += r.shares[i] * r.shares[j] * (x.mean - clippedMean(x)) / x.mean
		}
	}
	if math.Abs(weighted-0.0005) > 0.0001 {
		t.Errorf("discv5: clipping lowers the traffic-weighted mean by %.3f%%, doc.go says 0.05%%", 100*weighted)
	}
}
