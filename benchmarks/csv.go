package benchmarks

import (
	"io"
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

// LookupsHeader is the header of a lookups CSV: one row per lookup, every
// field of dht.LookupSummary. op joins the row to the records CSV (ids of
// 2^63 and more were numbered by the network). start_s is the simulated
// start, delays are seconds; abandoned counts the requests still in flight
// at the end; reason says why the lookup ended (stale, pydht, beta,
// kclosest, value, starved); accuracy is a share in [0, 1], empty when not
// tracked; wall_s is the only wall-clock column.
var LookupsHeader = append([]string{
	"round", "op", "origin", "key", "start_s", "attempts", "finished", "successful", "failed", "abandoned",
	"peers_seen", "hops", "delay_s", "value_found", "local_value", "reason", "accuracy", "wall_s",
}, paramsHeader...)

// ProvidesHeader is the header of a provides CSV: one row per provide,
// every field of dht.ProvideSummary, the fields of its lookup prefixed with
// lookup_ (its origin and key are the provide's). stored and failed list
// peer ids separated by ';'.
var ProvidesHeader = append([]string{
	"round", "op", "origin", "key", "start_s",
	"lookup_attempts", "lookup_finished", "lookup_successful", "lookup_failed", "lookup_abandoned",
	"lookup_peers_seen", "lookup_hops", "lookup_value_found", "lookup_reason", "lookup_accuracy",
	"stored_count", "failed_count", "stored_share", "stored", "failed", "peers_contacted",
	"lookup_delay_s", "provide_delay_s", "operation_delay_s", "wall_s",
}, paramsHeader...)

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
			row := []string{
				report.Itoa(o.Round), report.Utoa(s.Op), report.Utoa(uint64(s.Origin)), s.Key.String(), report.Seconds(s.Start),
				report.Itoa(s.Attempts), report.Itoa(s.Finished), report.Itoa(s.Successful), report.Itoa(s.Failed), report.Itoa(s.Abandoned),
				report.Itoa(s.PeersSeen), report.Itoa(s.Hops), report.Seconds(s.Delay),
				strconv.FormatBool(s.ValueFound), strconv.FormatBool(s.LocalValue), s.Reason.String(),
				report.Float(s.Accuracy), report.Seconds(o.Wall),
			}
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
			l := s.Lookup
			row := []string{
				report.Itoa(o.Round), report.Utoa(s.Op), report.Utoa(uint64(s.Origin)), s.Key.String(), report.Seconds(s.Start),
				report.Itoa(l.Attempts), report.Itoa(l.Finished), report.Itoa(l.Successful), report.Itoa(l.Failed), report.Itoa(l.Abandoned),
				report.Itoa(l.PeersSeen), report.Itoa(l.Hops), strconv.FormatBool(l.ValueFound),
				l.Reason.String(), report.Float(l.Accuracy),
				report.Itoa(len(s.Stored)), report.Itoa(len(s.Failed)), report.Float(s.StoredShare()), report.IDs(s.Stored), report.IDs(s.Failed),
				report.Itoa(s.PeersContacted),
				report.Seconds(s.LookupDelay), report.Seconds(s.ProvideDelay), report.Seconds(s.OperationDelay), report.Seconds(o.Wall),
			}
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
