package benchmarks

import (
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/go-dht/go-dht/benchmarks/param"
	"github.com/go-dht/go-dht/benchmarks/report"
)

// SummaryRow is the one-line summary of a benchmark: the reference's
// display of its rounds, then whatever else it measured (NaN or 0 when it
// did not).
type SummaryRow struct {
	Result *Result
	RoundStats
	Ops OpStats // lookups, or provides for BenchmarkProvide
	// NsPerNode, BytesPerNode and PeakMiB describe a scaling build.
	NsPerNode, BytesPerNode, PeakMiB float64
	// LookupsPerSec is the throughput of BenchmarkLookupThroughput and
	// BenchmarkLookupShared; EventsPerSec that of BenchmarkEngine.
	LookupsPerSec, EventsPerSec float64
	// VisitsPerSec is the throughput of a crawl (visits per second of wall
	// time), CrawlSeconds its simulated duration, Completeness and Reached
	// the shares of the nodes online at its start that it found and that
	// answered it.
	VisitsPerSec, CrawlSeconds, Completeness, Reached float64
}

// Summarize computes the summary row of r.
func Summarize(r *Result) SummaryRow {
	s := SummaryRow{Result: r, RoundStats: SummarizeRounds(r.Rounds),
		NsPerNode: math.NaN(), BytesPerNode: math.NaN(), PeakMiB: math.NaN(), LookupsPerSec: math.NaN(), EventsPerSec: math.NaN(),
		VisitsPerSec: math.NaN(), CrawlSeconds: math.NaN(), Completeness: math.NaN(), Reached: math.NaN()}
	switch {
	case len(r.Lookups) > 0:
		s.Ops = SummarizeLookups(r.Lookups, r.ValueLookups)
	case len(r.Provides) > 0:
		s.Ops = SummarizeProvides(r.Provides)
	}
	if sc := r.Scale; sc != nil {
		s.NsPerNode = s.Mean * 1e9 / float64(sc.N)
		s.BytesPerNode = sc.LiveBytes / float64(sc.N)
		s.PeakMiB = sc.PeakBytes / (1 << 20)
	}
	if tp := r.Throughput; tp != nil && tp.Elapsed > 0 {
		s.LookupsPerSec = float64(tp.Lookups) / tp.Elapsed.Seconds()
	} else if v, ok := r.Metrics["lookups/s"]; ok {
		s.LookupsPerSec = v
	}
	if v, ok := r.Metrics["events/s"]; ok {
		s.EventsPerSec = v
	}
	if c := r.Crawl; c != nil {
		s.CrawlSeconds = c.Summary.Duration.Seconds()
		if v, ok := r.Metrics["visits/s"]; ok {
			s.VisitsPerSec = v
		}
		s.Completeness, s.Reached = c.Summary.CompletenessStart(), c.Summary.ReachedStart()
		if v, ok := r.Metrics["peak-heap-MiB"]; ok {
			s.PeakMiB = v
		}
	}
	return s
}

// SummaryHeader is the header of the summary CSV: one row per benchmark,
// its figures then its parameters (roundsParams). Times are seconds,
// shares in [0, 1]; a cell is empty when the benchmark does not measure
// it, or when a parameter does not apply to it.
var SummaryHeader = slices.Concat([]string{
	"benchmark", "group", "name", "rounds", "failed_rounds", "prep_s", "mean_s", "median_s", "p90_s",
	"batch_ops", "ops", "hops_mean", "peers_mean", "delay_p50_s", "delay_p90_s", "delay_p99_s",
	"accuracy_mean", "success_share", "wall_per_op_s",
	"ns_per_node", "bytes_per_node", "peak_heap_mib", "lookups_per_s", "events_per_s",
	"visits_per_s", "crawl_s", "completeness", "reached",
}, param.ColumnNames(roundsParams))

// WriteSummary writes the summary CSV of rows.
func WriteSummary(w io.Writer, rows []SummaryRow) error {
	return report.WriteCSV(w, SummaryHeader, func(emit func([]string) error) error {
		for _, s := range rows {
			r, o := s.Result, s.Ops
			opCell := func(v float64) string {
				if o.Ops == 0 {
					return ""
				}
				return report.Float(v)
			}
			if err := emit(append([]string{
				r.Spec.Bench, r.Spec.Group, r.Spec.Name, report.Itoa(s.Rounds), report.Itoa(s.Failed),
				report.Seconds(s.Prep), report.Float(s.Mean), report.Float(s.Median), report.Float(s.P90),
				report.Itoa(r.BatchOps), report.Itoa(o.Ops), opCell(o.Hops), opCell(o.Peers),
				opCell(o.DelayP50), opCell(o.DelayP90), opCell(o.DelayP99),
				opCell(o.Accuracy), opCell(o.Success), opCell(o.Wall),
				report.Float(s.NsPerNode), report.Float(s.BytesPerNode), report.Float(s.PeakMiB), report.Float(s.LookupsPerSec), report.Float(s.EventsPerSec),
				report.Float(s.VisitsPerSec), report.Float(s.CrawlSeconds), report.Float(s.Completeness), report.Float(s.Reached),
			}, paramCells(r, roundsParams)...)); err != nil {
				return err
			}
		}
		return nil
	})
}

// PrintTables prints the summary tables: every benchmark's rounds (the
// reference's display), then the workload figures, then the scaling
// figures, each only when some benchmark measured them.
func PrintTables(w io.Writer, rows []SummaryRow) error {
	fmt.Fprintln(w, "\n== rounds (durations of the timed task; prep = untimed preparation, total) ==")
	t := report.NewTable(w, "benchmark", "rounds", "failed", "prep", "mean", "median", "p90", "per op")
	for _, s := range rows {
		perOp := ""
		if b := s.Result.BatchOps; b > 0 {
			perOp = report.Human(s.Mean / float64(b))
		}
		if err := t.Append([]string{s.Result.Spec.Bench, report.Itoa(s.Rounds), report.Itoa(s.Failed),
			report.Human(s.Prep.Seconds()), report.Human(s.Mean), report.Human(s.Median), report.Human(s.P90), perOp}); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	if err := printWorkload(w, rows); err != nil {
		return err
	}
	if err := printCrawl(w, rows); err != nil {
		return err
	}
	return printScale(w, rows)
}

func printCrawl(w io.Writer, rows []SummaryRow) error {
	var has bool
	for _, s := range rows {
		has = has || s.Result.Crawl != nil
	}
	if !has {
		return nil
	}
	fmt.Fprintln(w, "\n== crawl (last round; completeness = share of the nodes online at the start / end that the crawl found; reached = that answered it; simulated duration; wall time per crawl) ==")
	t := report.NewTable(w, "benchmark", "n", "W", "refused", "found", "visited", "ok", "completeness", "reached", "simulated", "wall", "visits/s", "peak heap")
	for _, s := range rows {
		c := s.Result.Crawl
		if c == nil {
			continue
		}
		cs := c.Summary
		peak := ""
		if !math.IsNaN(s.PeakMiB) {
			peak = report.Fixed(s.PeakMiB, 0) + " MiB"
		}
		if err := t.Append([]string{s.Result.Spec.Bench, report.Itoa(cs.Nodes), report.Itoa(cs.Options.InFlight),
			report.Float(cs.Network.FastErrorRate) + " %", report.Itoa(cs.Found), report.Itoa(cs.Visited), report.Itoa(cs.Reachable),
			report.Percent(cs.CompletenessStart()) + " / " + report.Percent(cs.CompletenessEnd()),
			report.Percent(cs.ReachedStart()) + " / " + report.Percent(cs.ReachedEnd()),
			report.Human(cs.Duration.Seconds()), report.Human(s.Mean), report.Fixed(s.VisitsPerSec, 0), peak}); err != nil {
			return err
		}
	}
	return t.Render()
}

func printWorkload(w io.Writer, rows []SummaryRow) error {
	var has bool
	for _, s := range rows {
		has = has || s.Ops.Ops > 0
	}
	if !has {
		return nil
	}
	fmt.Fprintln(w, "\n== workload (means per operation; delays are simulated; success = value found, or share of peers that stored) ==")
	t := report.NewTable(w, "benchmark", "ops", "hops", "peers", "delay p50", "delay p90", "delay p99", "accuracy", "success", "wall/op")
	for _, s := range rows {
		o := s.Ops
		if o.Ops == 0 {
			continue
		}
		if err := t.Append([]string{s.Result.Spec.Bench, report.Itoa(o.Ops), report.Fixed(o.Hops, 2), report.Fixed(o.Peers, 2),
			report.Human(o.DelayP50), report.Human(o.DelayP90), report.Human(o.DelayP99),
			report.Percent(o.Accuracy), report.Percent(o.Success), report.Human(o.Wall)}); err != nil {
			return err
		}
	}
	return t.Render()
}

func printScale(w io.Writer, rows []SummaryRow) error {
	var has bool
	for _, s := range rows {
		has = has || s.Result.Scale != nil || !math.IsNaN(s.LookupsPerSec) || !math.IsNaN(s.EventsPerSec)
	}
	if !has {
		return nil
	}
	fmt.Fprintln(w, "\n== scale and speed (build = dht.Spawn + BootstrapAll; heap per node = live heap of the built network / N; rates are per second of wall time) ==")
	t := report.NewTable(w, "benchmark", "n", "workers", "mean", "ns/node", "bytes/node", "peak heap", "lookups/s", "events/s")
	for _, s := range rows {
		r := s.Result
		if r.Scale == nil && math.IsNaN(s.LookupsPerSec) && math.IsNaN(s.EventsPerSec) {
			continue
		}
		peak := ""
		if !math.IsNaN(s.PeakMiB) {
			peak = report.Fixed(s.PeakMiB, 1) + " MiB"
		}
		if err := t.Append([]string{r.Spec.Bench, report.Itoa(r.Params.Config.Nodes), report.Itoa(r.Params.Config.Workers), report.Human(s.Mean),
			report.Fixed(s.NsPerNode, 0), report.Fixed(s.BytesPerNode, 0), peak, report.Fixed(s.LookupsPerSec, 0), report.Fixed(s.EventsPerSec, 0)}); err != nil {
			return err
		}
	}
	return t.Render()
}
