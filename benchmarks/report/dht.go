package report

import (
	"strconv"

	"github.com/go-dht/go-dht/dht"
)

// LookupColumns name the fields of a dht.LookupSummary in a CSV. op joins a
// row to the records CSV (ids of 2^62 and more were numbered by the
// network; every id fits an int64); start_s is the simulated start; delays are seconds; abandoned
// counts the requests in flight at the end; reason says why the lookup
// ended (stale, pydht, beta, kclosest, value, starved); accuracy is a share
// in [0, 1], empty when not tracked.
var LookupColumns = []string{
	"op", "origin", "key", "start_s", "attempts", "finished", "successful", "failed", "abandoned",
	"peers_seen", "hops", "delay_s", "value_found", "local_value", "reason", "accuracy",
}

// LookupFields appends the fields of s, in the order of LookupColumns.
func LookupFields(dst []string, s dht.LookupSummary) []string {
	return append(dst,
		Utoa(s.Op), Utoa(uint64(s.Origin)), s.Key.String(), Seconds(s.Start),
		Itoa(s.Attempts), Itoa(s.Finished), Itoa(s.Successful), Itoa(s.Failed), Itoa(s.Abandoned),
		Itoa(s.PeersSeen), Itoa(s.Hops), Seconds(s.Delay),
		strconv.FormatBool(s.ValueFound), strconv.FormatBool(s.LocalValue), s.Reason.String(), Float(s.Accuracy))
}

// ProvideColumns name the fields of a dht.ProvideSummary in a CSV, the
// fields of its lookup prefixed with lookup_; stored and failed list peer
// ids separated by ';'; stored_share is stored / (stored + failed).
var ProvideColumns = []string{
	"op", "origin", "key", "start_s",
	"lookup_attempts", "lookup_finished", "lookup_successful", "lookup_failed", "lookup_abandoned",
	"lookup_peers_seen", "lookup_hops", "lookup_value_found", "lookup_reason", "lookup_accuracy",
	"stored_count", "failed_count", "stored_share", "stored", "failed", "peers_contacted",
	"lookup_delay_s", "provide_delay_s", "operation_delay_s",
}

// ProvideFields appends the fields of s, in the order of ProvideColumns.
func ProvideFields(dst []string, s dht.ProvideSummary) []string {
	l := s.Lookup
	return append(dst,
		Utoa(s.Op), Utoa(uint64(s.Origin)), s.Key.String(), Seconds(s.Start),
		Itoa(l.Attempts), Itoa(l.Finished), Itoa(l.Successful), Itoa(l.Failed), Itoa(l.Abandoned),
		Itoa(l.PeersSeen), Itoa(l.Hops), strconv.FormatBool(l.ValueFound), l.Reason.String(), Float(l.Accuracy),
		Itoa(len(s.Stored)), Itoa(len(s.Failed)), Float(s.StoredShare()), IDs(s.Stored), IDs(s.Failed),
		Itoa(s.PeersContacted), Seconds(s.LookupDelay), Seconds(s.ProvideDelay), Seconds(s.OperationDelay))
}
