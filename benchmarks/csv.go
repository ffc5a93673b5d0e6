package benchmarks

import (
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/go-dht/go-dht/benchmarks/param"
	"github.com/go-dht/go-dht/benchmarks/report"
)

// The parameter columns every row of the suite's CSVs ends with
// (package param): the values the benchmark ran with, resolved (beta,
// the termination rule and the fill as the model read them), durations
// in seconds; a parameter that does not apply to a benchmark (-lookups
// to a crawl) is an empty cell. The operations' CSVs leave the worker
// count out: it changes how fast a network is built, never what an
// operation does, and an operation CSV is the same whatever it is.
var (
	opsParams    = param.Columns(param.BenchOps)
	roundsParams = param.Columns(param.BenchRounds)
)

// RoundsHeader is the header of a rounds CSV: the reference's columns,
// then the parameters. Times are Unix seconds, durations seconds.
var RoundsHeader = slices.Concat([]string{"round", "start_time", "finish_time", "task_prep_time", "duration_s", "failed"},
	param.ColumnNames(roundsParams))

// LookupsHeader is the header of a lookups CSV: one row per lookup, its
// round, every field of dht.LookupSummary (report.LookupColumns), the wall
// time of the call (the only wall-clock column), then the parameters.
var LookupsHeader = slices.Concat([]string{"round"}, report.LookupColumns, []string{"wall_s"}, param.ColumnNames(opsParams))

// ProvidesHeader is the header of a provides CSV: one row per provide, its
// round, every field of dht.ProvideSummary (report.ProvideColumns), the
// wall time of the call, then the parameters.
var ProvidesHeader = slices.Concat([]string{"round"}, report.ProvideColumns, []string{"wall_s"}, param.ColumnNames(opsParams))

// benchName is the name of r's benchmark function without "Benchmark"
// and sub-benchmarks: what param.Param.Benchmarks lists.
func benchName(r *Result) string {
	name, _, _ := strings.Cut(strings.TrimPrefix(r.Spec.Bench, "Benchmark"), "/")
	return name
}

// paramCells returns r's cells of the parameter columns ps (those of its
// first round, for a benchmark whose rounds each have their seed).
func paramCells(r *Result, ps []*param.Param) []string {
	return (&roundCells{r: r, ps: ps}).of(0)
}

// roundCells returns the cells of the parameter columns ps for the rows of
// round round: r's, with the round's seed when each round has its own
// (RoundSeeds). It keeps the cells of the last round asked for.
type roundCells struct {
	r     *Result
	ps    []*param.Param
	round int
	cells []string
}

func (c *roundCells) of(round int) []string {
	if c.cells != nil && (!c.r.RoundSeeds || round == c.round) {
		return c.cells
	}
	s := c.r.Params.Settings
	if c.r.RoundSeeds {
		s.Config.Network.Seed += uint64(round)
	}
	c.round, c.cells = round, param.Cells(s, c.ps, benchName(c.r))
	if c.r.Composite {
		for i, p := range c.ps {
			if p.Key != "seed" && p.Key != "workers" {
				c.cells[i] = ""
			}
		}
	}
	return c.cells
}

// WriteRounds writes the rounds CSV of a result.
func WriteRounds(w io.Writer, r *Result) error {
	params := &roundCells{r: r, ps: roundsParams}
	return report.WriteCSV(w, RoundsHeader, func(emit func([]string) error) error {
		for _, rd := range r.Rounds {
			if err := emit(append([]string{
				report.Itoa(rd.Index), report.UnixSeconds(rd.Start), report.UnixSeconds(rd.Finish),
				report.Seconds(rd.Prep), report.Seconds(rd.Duration), strconv.FormatBool(rd.Failed),
			}, params.of(rd.Index)...)); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteLookups writes one row per lookup.
func WriteLookups(w io.Writer, r *Result) error {
	params := &roundCells{r: r, ps: opsParams}
	return report.WriteCSV(w, LookupsHeader, func(emit func([]string) error) error {
		for _, o := range r.Lookups {
			s := o.Summary
			row := report.LookupFields([]string{report.Itoa(o.Round)}, s)
			row = append(row, report.Seconds(o.Wall))
			if err := emit(append(row, params.of(o.Round)...)); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteProvides writes one row per provide of ops.
func WriteProvides(w io.Writer, r *Result, ops []ProvideOp) error {
	params := &roundCells{r: r, ps: opsParams}
	return report.WriteCSV(w, ProvidesHeader, func(emit func([]string) error) error {
		for _, o := range ops {
			s := o.Summary
			row := report.ProvideFields([]string{report.Itoa(o.Round)}, s)
			row = append(row, report.Seconds(o.Wall))
			if err := emit(append(row, params.of(o.Round)...)); err != nil {
				return err
			}
		}
		return nil
	})
}
