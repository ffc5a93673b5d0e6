package param

// Table is a family of CSV files whose rows end with the same parameter
// columns.
type Table uint8

const (
	// StudyTable: every CSV of a study (its study keys, name and repeats
	// excepted).
	StudyTable Table = iota
	// BenchOps: a benchmark's operations CSVs (lookups, retrievals,
	// provides), which do not depend on the worker count.
	BenchOps
	// BenchRounds: a benchmark's rounds CSV, the suite's summary and
	// scale CSVs: BenchOps' columns and the worker count.
	BenchRounds
	// CrawlTable: the summaries of crawls (dhtsim crawl's crawls.csv and
	// summary.csv, the crawl benchmarks').
	CrawlTable
)

// Columns returns the parameters that are columns of the tables t, in
// the registry's order.
func Columns(t Table) []*Param {
	var ps []*Param
	for _, p := range registry {
		if p.Output {
			continue
		}
		var in bool
		switch t {
		case StudyTable:
			in = p.Use&Study != 0 && !p.Wall
		case BenchOps:
			in = p.Use&Bench != 0 && !p.Wall
		case BenchRounds:
			in = p.Use&Bench != 0
		case CrawlTable:
			in = p.Use&Crawl != 0
		}
		if in {
			ps = append(ps, p)
		}
	}
	return ps
}

// ColumnNames returns the columns of ps.
func ColumnNames(ps []*Param) []string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Column()
	}
	return names
}

// Cells returns the cells of s for the columns ps, resolved (beta,
// termination and fill as the model read them): empty for a workload key
// of another type than s's, and, for a benchmark's row (bench, its name
// without "Benchmark" and sub-benchmarks; "" for none), for a parameter
// that does not apply to it.
func Cells(s Settings, ps []*Param, bench string) []string {
	r := s.Resolve()
	cells := make([]string, len(ps))
	for i, p := range ps {
		if !p.Belongs(r.Workload.Type) || bench != "" && !p.AppliesTo(bench) {
			continue
		}
		cells[i] = p.Cell(p.Get(&r))
	}
	return cells
}
