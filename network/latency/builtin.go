package latency

import (
	"cmp"
	"embed"
	"encoding/csv"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
)

//go:embed data/*.csv
var dataFS embed.FS

// builtins maps a model's name to the builder of its seed-independent
// table, each run at most once per process.
var builtins = map[string]func() (*table, error){
	"aws":    sync.OnceValues(buildAWS),
	"discv5": sync.OnceValues(buildDiscv5),
	"ipfs":   sync.OnceValues(buildIPFS),
}

// Names returns the names of the built-in models, sorted.
func Names() []string {
	names := make([]string, 0, len(builtins))
	for name := range builtins {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Builtin returns the built-in model of the given name (see Names and the
// package documentation), placing nodes by seed. The data are parsed once
// per process and shared by every model built from them.
func Builtin(name string, seed uint64) (Model, error) {
	build, ok := builtins[name]
	if !ok {
		return nil, fmt.Errorf("%w %q; allowed: %v", ErrUnknownModel, name, Names())
	}
	t, err := build()
	if err != nil {
		return nil, err
	}
	return t.withSeed(seed), nil
}

// readCSV reads an embedded CSV file whose header must be want, and
// returns its records without the header.
func readCSV(name string, want ...string) ([][]string, error) {
	f, err := dataFS.Open("data/" + name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("latency data %s: %w", name, err)
	}
	if len(rows) == 0 || !slices.Equal(rows[0], want) {
		return nil, fmt.Errorf("latency data %s: header is not %v", name, want)
	}
	return rows[1:], nil
}

// floats parses fields as numbers; an empty field is 0 (the RIPE data leave
// the standard deviation of a single measurement empty).
func floats(name string, line int, fields ...string) ([]float64, error) {
	out := make([]float64, len(fields))
	for i, f := range fields {
		if f == "" {
			continue
		}
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("latency data %s line %d: %q is not a number", name, line, f)
		}
		out[i] = v
	}
	return out, nil
}

// buildAWS builds the model of the 11 AWS regions: equal shares, and for
// every ordered pair the lognormal fitted to its cloudping p50 and p90.
func buildAWS() (*table, error) {
	const file = "aws_cloudping_rtt_11regions.csv"
	rows, err := readCSV(file, "from", "to", "rtt_p50_ms", "rtt_p90_ms", "lognorm_mu", "lognorm_sigma")
	if err != nil {
		return nil, err
	}
	var regions []string
	index := map[string]int{}
	for _, row := range rows {
		for _, name := range row[:2] {
			if _, ok := index[name]; !ok {
				index[name] = len(regions)
				regions = append(regions, name)
			}
		}
	}
	n := len(regions)
	rtts := make([]rtt, n*n)
	seen := make([]bool, n*n)
	for i, row := range rows {
		v, err := floats(file, i+2, row[4:6]...)
		if err != nil {
			return nil, err
		}
		mu, sigma := v[0], v[1]
		k := index[row[0]]*n + index[row[1]]
		if seen[k] {
			return nil, fmt.Errorf("latency data %s line %d: pair %s-%s given twice", file, i+2, row[0], row[1])
		}
		seen[k] = true
		rtts[k] = rtt{family: lognormal, a: mu, b: sigma, hi: math.Inf(1), mean: math.Exp(mu + sigma*sigma/2)}
	}
	if i := slices.Index(seen, false); i >= 0 {
		return nil, fmt.Errorf("latency data %s: no pair %s-%s", file, regions[i/n], regions[i%n])
	}
	return newTable("aws", regions, slices.Repeat([]float64{1}, n), rtts)
}

// unknownCountries are the RIPE rows' country codes for probes whose
// country is not known; their rows are left out.
var unknownCountries = map[string]bool{"None": true, "Unknown": true}

// ripe is the country-pair RTT data of RIPE Atlas.
type ripe struct {
	pairs     map[[2]string]stats // by unordered pair, the smaller code first
	keys      [][2]string         // the keys of pairs, sorted: pooling sums in this order, so it is the same in every run
	weight    map[string]float64  // by country: its measurements (see buildDiscv5)
	continent map[string]string   // by country: its continent code
}

func orderedPair(a, b string) [2]string {
	if b < a {
		a, b = b, a
	}
	return [2]string{a, b}
}

// readRIPE reads the RIPE Atlas country-pair statistics and the
// country-to-continent table, both read once for all models.
var readRIPE = sync.OnceValues(func() (*ripe, error) {
	const file = "leios_country_rtt_stat.csv"
	rows, err := readCSV(file, "cty1", "cty2", "rtt_cnt", "rtt_avg", "rtt_std", "rtt_min", "rtt_max")
	if err != nil {
		return nil, err
	}
	d := &ripe{pairs: map[[2]string]stats{}, weight: map[string]float64{}, continent: map[string]string{}}
	for i, row := range rows {
		if unknownCountries[row[0]] || unknownCountries[row[1]] {
			continue
		}
		v, err := floats(file, i+2, row[2:7]...)
		if err != nil {
			return nil, err
		}
		s := stats{count: v[0], mean: v[1], std: v[2], min: v[3], max: v[4]}
		if !(s.count >= 1 && s.mean > 0 && s.std >= 0 && s.min >= 0 && s.max >= s.min) {
			return nil, fmt.Errorf("latency data %s line %d: inconsistent statistics %v", file, i+2, row[2:7])
		}
		p := orderedPair(row[0], row[1])
		if _, dup := d.pairs[p]; dup {
			return nil, fmt.Errorf("latency data %s line %d: pair %s-%s given twice", file, i+2, p[0], p[1])
		}
		d.pairs[p] = s
		d.weight[p[0]] += s.count
		if p[1] != p[0] {
			d.weight[p[1]] += s.count
		}
	}
	const cfile = "country_continent.csv"
	crows, err := readCSV(cfile, "country", "continent")
	if err != nil {
		return nil, err
	}
	for _, row := range crows {
		d.continent[row[0]] = row[1]
	}
	for p := range d.pairs {
		d.keys = append(d.keys, p)
	}
	slices.SortFunc(d.keys, func(a, b [2]string) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	for c := range d.weight {
		if d.continent[c] == "" {
			return nil, fmt.Errorf("latency data %s: country %s has no continent", cfile, c)
		}
	}
	return d, nil
})

// countryRTTs returns the RTT distributions of every ordered pair of the
// given countries, and how many unordered pairs were derived because the
// data lack them. A measured pair is used both ways (the data hold each
// unordered pair once). A missing pair takes the pooled measurements of its
// continents' pair: for two countries, every measured pair of two distinct
// countries, one in each continent; for a country with itself, every
// measured same-country pair of its continent.
func (d *ripe) countryRTTs(countries []string) ([]rtt, int, error) {
	type poolKey struct {
		continents [2]string
		same       bool
	}
	pools := map[poolKey][]stats{}
	for _, p := range d.keys {
		s := d.pairs[p]
		k := poolKey{orderedPair(d.continent[p[0]], d.continent[p[1]]), p[0] == p[1]}
		pools[k] = append(pools[k], s)
	}
	n := len(countries)
	rtts := make([]rtt, n*n)
	derived := 0
	for i, a := range countries {
		for j := i; j < n; j++ {
			b := countries[j]
			s, ok := d.pairs[orderedPair(a, b)]
			if !ok {
				k := poolKey{orderedPair(d.continent[a], d.continent[b]), a == b}
				if len(pools[k]) == 0 {
					return nil, 0, fmt.Errorf("latency data: no measurement for %s-%s nor for its continents %v", a, b, k.continents)
				}
				s = pool(pools[k])
				derived++
			}
			rtts[i*n+j] = fromStats(s)
			rtts[j*n+i] = rtts[i*n+j]
		}
	}
	return rtts, derived, nil
}

// buildDiscv5 builds the model of Ethereum's discv5 DHT: nodes by country
// from the Nebula crawl, RTTs between countries from RIPE Atlas. The
// "multi" row is left out and the other shares renormalised; the "others"
// row is spread over the remaining RIPE countries in proportion to their
// measurement counts (see doc.go).
func buildDiscv5() (*table, error) {
	const file = "discv5_country_share.csv"
	rows, err := readCSV(file, "week_ending", "country", "nodes", "share_pct")
	if err != nil {
		return nil, err
	}
	d, err := readRIPE()
	if err != nil {
		return nil, err
	}
	var countries []string
	var shares []float64
	others := -1.0
	for i, row := range rows {
		v, err := floats(file, i+2, row[2])
		if err != nil {
			return nil, err
		}
		switch c := row[1]; {
		case c == "multi":
		case c == "others":
			others = v[0]
		case d.weight[c] == 0:
			return nil, fmt.Errorf("latency data %s line %d: country %s has no RTT data", file, i+2, c)
		default:
			countries = append(countries, c)
			shares = append(shares, v[0])
		}
	}
	if others < 0 {
		return nil, fmt.Errorf("latency data %s: no \"others\" row", file)
	}
	rest := make([]string, 0, len(d.weight))
	for c := range d.weight {
		if !slices.Contains(countries, c) {
			rest = append(rest, c)
		}
	}
	// Heaviest first, so Regions reads as a ranking; codes break ties.
	slices.SortFunc(rest, func(a, b string) int {
		return cmp.Or(cmp.Compare(d.weight[b], d.weight[a]), cmp.Compare(a, b))
	})
	var restWeight float64
	for _, c := range rest {
		restWeight += d.weight[c]
	}
	for _, c := range rest {
		countries = append(countries, c)
		shares = append(shares, others*d.weight[c]/restWeight)
	}
	rtts, derived, err := d.countryRTTs(countries)
	if err != nil {
		return nil, err
	}
	t, err := newTable("discv5", countries, shares, rtts)
	if err != nil {
		return nil, err
	}
	t.derived = derived
	return t, nil
}

// continentCodes maps the IPFS data's continent names to the codes of
// country_continent.csv.
var continentCodes = map[string]string{
	"Africa": "AF", "Asia": "AS", "Europe": "EU", "North America": "NA",
	"Oceania": "OC", "South America": "SA",
}

// buildIPFS builds the model of the IPFS DHT: nodes by continent from
// ProbeLab's crawls; the RTT of a continent pair pools the RIPE Atlas
// measurements of every country pair between the two continents (same
// country included). "Uncategorised" is left out and the other shares
// renormalised.
func buildIPFS() (*table, error) {
	const file = "ipfs_dht_online_by_continent.csv"
	rows, err := readCSV(file, "period", "continent", "online_peers", "share_pct")
	if err != nil {
		return nil, err
	}
	d, err := readRIPE()
	if err != nil {
		return nil, err
	}
	var regions, codes []string
	var shares []float64
	for i, row := range rows {
		v, err := floats(file, i+2, row[2])
		if err != nil {
			return nil, err
		}
		if row[1] == "Uncategorised" {
			continue
		}
		code, ok := continentCodes[row[1]]
		if !ok {
			return nil, fmt.Errorf("latency data %s line %d: unknown continent %q", file, i+2, row[1])
		}
		regions = append(regions, row[1])
		codes = append(codes, code)
		shares = append(shares, v[0])
	}
	pools := map[[2]string][]stats{}
	for _, p := range d.keys {
		s := d.pairs[p]
		k := orderedPair(d.continent[p[0]], d.continent[p[1]])
		pools[k] = append(pools[k], s)
	}
	n := len(regions)
	rtts := make([]rtt, n*n)
	for i := range n {
		for j := range n {
			ss := pools[orderedPair(codes[i], codes[j])]
			if len(ss) == 0 {
				return nil, fmt.Errorf("latency data: no RIPE measurement between %s and %s", regions[i], regions[j])
			}
			rtts[i*n+j] = fromStats(pool(ss))
		}
	}
	return newTable("ipfs", regions, shares, rtts)
}

// FromSpec returns the model a spec names, as flags and study files give
// it: "uniform" (nil: the caller's uniform connection delay), a built-in
// name (Names), or the path of a latency file (Load).
func FromSpec(spec string, seed uint64) (Model, error) {
	switch {
	case spec == "" || spec == "uniform":
		return nil, nil
	case builtins[spec] != nil:
		return Builtin(spec, seed)
	}
	return Load(spec, seed)
}
