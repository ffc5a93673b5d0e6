package benchmarks

import (
	"io"
	"slices"
	"strconv"

	"github.com/go-dht/go-dht/benchmarks/report"
)

// RoundsHeader is the header of a rounds CSV: the reference's columns, then
// the parameters. Times are Unix seconds, durations seconds.
var RoundsHeader = []string{
	"round", "start_time", "finish_time", "task_prep_time", "duration_s", "failed",
	"n", "k", "alpha", "beta", "workers", "seed",
}

// paramsHeader closes every operation CSV row: the parameters of the
// simulated network the operation ran on. The worker count is left out: it
// changes how fast a network is built, never what an operation does, and an
// operation CSV is the same whatever it is.
var paramsHeader = []string{
	"n", "k", "alpha", "beta", "steps", "termination", "profile", "seed",
	"fast_error_rate", "slow_error_rate", "conn_delay", "fast_delay", "slow_delay", "gamma_s",
}

// LookupsHeader is the header of a lookups CSV: one row per lookup, its
// round, every field of dht.LookupSummary (report.LookupColumns), the wall
// time of the call (the only wall-clock column), then the parameters.
var LookupsHeader = slices.Concat([]string{"round"}, report.LookupColumns, []string{"wall_s"}, paramsHeader)

// ProvidesHeader is the header of a provides CSV: one row per provide, its
// round, every field of dht.ProvideSummary (report.ProvideColumns), the
// wall time of the call, then the parameters.
var ProvidesHeader = slices.Concat([]string{"round"}, report.ProvideColumns, []string{"wall_s"}, paramsHeader)

// WriteRounds writes the rounds CSV of a result.
func WriteRounds(w io.Writer, r *Result) error {
	return report.WriteCSV(w, RoundsHeader, func(emit func([]string) error) error {
		p := r.Row
		for _, rd := range r.Rounds {
			if err := emit([]string{
				report.Itoa(rd.Index), report.UnixSeconds(rd.Start), report.UnixSeconds(rd.Finish),
				report.Seconds(rd.Prep), report.Seconds(rd.Duration), strconv.FormatBool(rd.Failed),
				report.Itoa(p.N), report.Itoa(p.K), report.Itoa(p.Alpha), report.Itoa(p.Beta), report.Itoa(p.Workers), report.Utoa(p.Seed),
			}); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteLookups writes one row per lookup.
func WriteLookups(w io.Writer, r *Result) error {
	params := paramsRow(r)
	return report.WriteCSV(w, LookupsHeader, func(emit func([]string) error) error {
		for _, o := range r.Lookups {
			s := o.Summary
			row := report.LookupFields([]string{report.Itoa(o.Round)}, s)
			row = append(row, report.Seconds(o.Wall))
			if err := emit(append(row, params...)); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteProvides writes one row per provide of ops.
func WriteProvides(w io.Writer, r *Result, ops []ProvideOp) error {
	params := paramsRow(r)
	return report.WriteCSV(w, ProvidesHeader, func(emit func([]string) error) error {
		for _, o := range ops {
			s := o.Summary
			row := report.ProvideFields([]string{report.Itoa(o.Round)}, s)
			row = append(row, report.Seconds(o.Wall))
			if err := emit(append(row, params...)); err != nil {
				return err
			}
		}
		return nil
	})
}

// paramsRow returns the values of paramsHeader for a result.
func paramsRow(r *Result) []string {
	p := r.Params
	return []string{
		report.Itoa(r.Row.N), report.Itoa(p.K), report.Itoa(p.Alpha), report.Itoa(p.BetaOrK()), report.Itoa(p.Steps),
		p.Config(r.Row.N).Effective().Client.Termination.String(), p.Profile.String(), report.Utoa(p.Seed),
		report.Float(p.FastErrorRate), report.Float(p.SlowErrorRate),
		p.ConnDelay.String(), p.FastDelay.String(), p.SlowDelay.String(), report.Seconds(p.Gamma),
	}
}
