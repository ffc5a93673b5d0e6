package benchmarks

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
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

// writeCSV writes a header and rows.
func writeCSV(w io.Writer, header []string, rows func(emit func([]string) error) error) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := rows(cw.Write); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// WriteRounds writes the rounds CSV of a result.
func WriteRounds(w io.Writer, r *Result) error {
	return writeCSV(w, RoundsHeader, func(emit func([]string) error) error {
		p := r.Row
		for _, rd := range r.Rounds {
			if err := emit([]string{
				itoa(rd.Index), unixSeconds(rd.Start), unixSeconds(rd.Finish),
				seconds(rd.Prep), seconds(rd.Duration), strconv.FormatBool(rd.Failed),
				itoa(p.N), itoa(p.K), itoa(p.Alpha), itoa(p.Beta), itoa(p.Workers), utoa(p.Seed),
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
	return writeCSV(w, LookupsHeader, func(emit func([]string) error) error {
		for _, o := range r.Lookups {
			s := o.Summary
			row := []string{
				itoa(o.Round), utoa(s.Op), utoa(uint64(s.Origin)), s.Key.String(), seconds(s.Start),
				itoa(s.Attempts), itoa(s.Finished), itoa(s.Successful), itoa(s.Failed), itoa(s.Abandoned),
				itoa(s.PeersSeen), itoa(s.Hops), seconds(s.Delay),
				strconv.FormatBool(s.ValueFound), strconv.FormatBool(s.LocalValue), s.Reason.String(),
				ratio(s.Accuracy), seconds(o.Wall),
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
	return writeCSV(w, ProvidesHeader, func(emit func([]string) error) error {
		for _, o := range ops {
			s := o.Summary
			l := s.Lookup
			row := []string{
				itoa(o.Round), utoa(s.Op), utoa(uint64(s.Origin)), s.Key.String(), seconds(s.Start),
				itoa(l.Attempts), itoa(l.Finished), itoa(l.Successful), itoa(l.Failed), itoa(l.Abandoned),
				itoa(l.PeersSeen), itoa(l.Hops), strconv.FormatBool(l.ValueFound),
				l.Reason.String(), ratio(l.Accuracy),
				itoa(len(s.Stored)), itoa(len(s.Failed)), ratio(s.StoredShare()), ids(s.Stored), ids(s.Failed),
				itoa(s.PeersContacted),
				seconds(s.LookupDelay), seconds(s.ProvideDelay), seconds(s.OperationDelay), seconds(o.Wall),
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
		itoa(r.Row.N), itoa(p.K), itoa(p.Alpha), itoa(p.BetaOrK()), itoa(p.Steps),
		p.Config(r.Row.N).Effective().Client.Termination.String(), p.Profile.String(), utoa(p.Seed),
		ftoa(p.FastErrorRate), ftoa(p.SlowErrorRate),
		p.ConnDelay.String(), p.FastDelay.String(), p.SlowDelay.String(), seconds(p.Gamma),
	}
}

func itoa(v int) string    { return strconv.Itoa(v) }
func utoa(v uint64) string { return strconv.FormatUint(v, 10) }

func ftoa(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// ratio formats a share in [0, 1]; NaN (not measured) is an empty cell.
func ratio(v float64) string { return ftoa(v) }

// seconds formats d in seconds, exactly.
func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) }

// unixSeconds formats t as Unix seconds with microseconds, as Python's
// time.time() in the reference's CSVs.
func unixSeconds(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMicro())/1e6, 'f', 6, 64)
}

func ids(v []uint32) string {
	var b strings.Builder
	for i, id := range v {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(strconv.FormatUint(uint64(id), 10))
	}
	return b.String()
}
