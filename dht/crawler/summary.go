package crawler

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/go-dht/go-dht/internal/cell"
	"github.com/go-dht/go-dht/network"
)

// Summary is what a crawl measured, against the ground truth of the
// network.
type Summary struct {
	// Options are the crawl's options, defaults filled in.
	Options Options
	// Network is the configuration of the network's links (seed, error
	// rates, delays, churn).
	Network network.Config
	// Nodes is the number of nodes of the network, K its bucket size (the
	// peers of an answer).
	Nodes, K int

	// Found counts the distinct peers found: the bootstrap peers and every
	// peer an answer named.
	Found int
	// Visited counts the visits that ended; Reachable those that ended
	// ok, Failed the others, by outcome in Refused, Timeouts and Offline.
	Visited, Reachable, Failed int
	Refused, Timeouts, Offline int
	// Queued counts the peers found whose visit never started, Abandoned
	// the visits in flight when the crawl stopped: both 0 unless it was
	// stopped (Found = Visited + Queued + Abandoned).
	Queued, Abandoned int
	// Attempts counts every attempt, retries included.
	Attempts int
	// Edges counts the edges of the neighbour graph: the distinct peers of
	// each visit's answers, summed over visits.
	Edges int64
	// MaxInFlight is the most visits in flight at once (at most
	// Options.InFlight).
	MaxInFlight int

	// OnlineStart and OnlineEnd count the nodes online at the start and at
	// the end of the crawl; FoundOnlineStart and FoundOnlineEnd those of
	// them the crawl found, ReachedOnlineStart and ReachedOnlineEnd those
	// of them that answered a visit.
	OnlineStart, OnlineEnd               int
	FoundOnlineStart, FoundOnlineEnd     int
	ReachedOnlineStart, ReachedOnlineEnd int
	// Ghosts counts the peers found that are offline at the end.
	Ghosts int

	// Start and End are the simulated times of the crawl's start and of
	// the end of its last visit; Duration is End - Start.
	Start, End, Duration time.Duration
	// Wall is the wall-clock time the crawl took.
	Wall time.Duration
	// Events counts the clock's events (attempt ends).
	Events uint64
}

// CompletenessStart is the share of the nodes online at the start that
// the crawl found; NaN when none was online.
func (s Summary) CompletenessStart() float64 { return share(s.FoundOnlineStart, s.OnlineStart) }

// CompletenessEnd is the share of the nodes online at the end that the
// crawl found; NaN when none was online.
func (s Summary) CompletenessEnd() float64 { return share(s.FoundOnlineEnd, s.OnlineEnd) }

// ReachedStart is the share of the nodes online at the start that
// answered a visit: the completeness of a census that counts only the
// peers it reached. NaN when none was online.
func (s Summary) ReachedStart() float64 { return share(s.ReachedOnlineStart, s.OnlineStart) }

// ReachedEnd is the share of the nodes online at the end that answered a
// visit; NaN when none was online.
func (s Summary) ReachedEnd() float64 { return share(s.ReachedOnlineEnd, s.OnlineEnd) }

// VisitsPerSecond is the number of visits per second of wall time.
func (s Summary) VisitsPerSecond() float64 {
	if s.Wall <= 0 {
		return math.NaN()
	}
	return float64(s.Visited) / s.Wall.Seconds()
}

func share(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// summary returns the summary of the crawl as it stands.
func (c *crawl) summary() Summary {
	s := Summary{
		Options: c.opts, Network: c.links.Config(), Nodes: c.n, K: c.k,
		Found: len(c.queue), Visited: c.ended, Reachable: c.byOutcome[OK],
		Failed:  c.ended - c.byOutcome[OK],
		Refused: c.byOutcome[Refused], Timeouts: c.byOutcome[Timeout], Offline: c.byOutcome[Offline],
		Queued: len(c.queue) - c.head, Abandoned: c.abandoned, Attempts: c.attempts, Edges: c.edges, MaxInFlight: c.maxFlight,
		Start: c.opts.Start, End: c.now, Duration: c.now - c.opts.Start,
		Wall: time.Since(c.wallStart), Events: c.events,
	}
	if c.onlineStart == nil {
		// No churn and no departures: every node is online all the time.
		s.OnlineStart, s.OnlineEnd = c.n, c.n
		s.FoundOnlineStart, s.FoundOnlineEnd = s.Found, s.Found
		s.ReachedOnlineStart, s.ReachedOnlineEnd = s.Reachable, s.Reachable
		return s
	}
	for id := range c.n {
		w, bit := id/64, uint64(1)<<(id%64)
		found, reached := c.found[w]&bit != 0, c.reached[w]&bit != 0
		if c.onlineStart[w]&bit != 0 {
			s.OnlineStart++
			s.FoundOnlineStart += b2i(found)
			s.ReachedOnlineStart += b2i(reached)
		}
		if c.links.Online(uint32(id), s.End) {
			s.OnlineEnd++
			s.FoundOnlineEnd += b2i(found)
			s.ReachedOnlineEnd += b2i(reached)
		} else {
			s.Ghosts += b2i(found)
		}
	}
	return s
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// WriteText writes the summary for a reader, one figure a line.
func (s Summary) WriteText(w io.Writer) error {
	o := s.Options
	lines := []string{
		fmt.Sprintf("crawl of %d nodes (seed %d) from %s, W = %d, %d requests a visit, timeout %v, %d retries",
			s.Nodes, s.Network.Seed, plural(len(o.Bootstrap), "bootstrap peer"), o.InFlight, o.Requests, o.Timeout, o.Retries),
		fmt.Sprintf("found:        %d peers; completeness %s (%d of the %d nodes online at the start), %s (%d of the %d online at the end); %d ghosts (found, offline at the end)",
			s.Found, percent(s.CompletenessStart()), s.FoundOnlineStart, s.OnlineStart, percent(s.CompletenessEnd()), s.FoundOnlineEnd, s.OnlineEnd, s.Ghosts),
		fmt.Sprintf("reached:      %d peers answered: %s (%d of the %d online at the start), %s (%d of the %d online at the end)",
			s.Reachable, percent(s.ReachedStart()), s.ReachedOnlineStart, s.OnlineStart, percent(s.ReachedEnd()), s.ReachedOnlineEnd, s.OnlineEnd),
		fmt.Sprintf("visited:      %d: %d reachable (ok), %d failed (%d refused, %d timeout, %d offline); %d attempts; %d still queued, %d abandoned in flight",
			s.Visited, s.Reachable, s.Failed, s.Refused, s.Timeouts, s.Offline, s.Attempts, s.Queued, s.Abandoned),
		fmt.Sprintf("edges:        %d (distinct peers of each visit's answers)", s.Edges),
		fmt.Sprintf("duration:     %v simulated (from %v to %v); at most %s in flight", s.Duration, s.Start, s.End, plural(s.MaxInFlight, "visit")),
		fmt.Sprintf("wall:         %v, %.0f visits/s", s.Wall.Round(time.Millisecond), s.VisitsPerSecond()),
	}
	_, err := io.WriteString(w, strings.Join(lines, "\n")+"\n")
	return err
}

// String returns the summary on one line.
func (s Summary) String() string {
	return fmt.Sprintf("found %d, visited %d (%d ok, %d failed), completeness %s / %s and reached %s / %s (start / end), %v simulated, %v wall",
		s.Found, s.Visited, s.Reachable, s.Failed, percent(s.CompletenessStart()), percent(s.CompletenessEnd()),
		percent(s.ReachedStart()), percent(s.ReachedEnd()), s.Duration, s.Wall.Round(time.Millisecond))
}

func percent(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return strconv.FormatFloat(100*v, 'f', 2, 64) + " %"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// SummaryHeader is the header of the summary CSV: one row per crawl, its
// options and network first so that a row stands on its own. Times are
// seconds (simulated, except wall_s), shares in [0, 1] (empty when no node
// was online), churn is the churn model's spec ("none" without churn).
var SummaryHeader = []string{
	"nodes", "seed", "k", "bootstrap", "in_flight", "requests", "timeout_s", "retries", "op", "start_s",
	"fast_error_rate", "slow_error_rate", "conn_delay", "fast_delay", "slow_delay", "latency", "churn", "leave_rate",
	"found", "visited", "reachable", "failed", "refused", "timeout", "offline", "queued", "abandoned", "attempts", "edges", "max_in_flight",
	"online_start", "online_end", "found_online_start", "found_online_end", "completeness_start", "completeness_end",
	"reached_online_start", "reached_online_end", "reached_start", "reached_end", "ghosts", "end_s", "duration_s", "wall_s", "visits_per_s",
}

// optionColumns are the columns of SummaryHeader that hold the crawl's
// options and its network's parameters, and the names ResultColumns gives
// the two options it keeps.
var optionColumns = map[string]string{
	"nodes": "", "seed": "", "k": "", "in_flight": "", "requests": "", "timeout_s": "", "retries": "", "start_s": "",
	"fast_error_rate": "", "slow_error_rate": "", "conn_delay": "", "fast_delay": "", "slow_delay": "", "latency": "",
	"churn": "", "leave_rate": "", "bootstrap": "bootstrap_peers", "op": "first_op",
}

// ResultColumns are the columns of SummaryHeader that a crawl measured,
// and its bootstrap peers (bootstrap_peers) and first operation id
// (first_op): a program that writes a crawl's options and network in
// columns of its own (go-dht's registry of parameters) writes these
// beside them (Summary.ResultRow).
var ResultColumns = func() []string {
	var cols []string
	for _, c := range SummaryHeader {
		if name, opt := optionColumns[c]; !opt || name != "" {
			cols = append(cols, cmpOr(name, c))
		}
	}
	return cols
}()

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// ResultRow returns the summary's values of ResultColumns.
func (s Summary) ResultRow() []string {
	var row []string
	for i, v := range s.Row() {
		if name, opt := optionColumns[SummaryHeader[i]]; !opt || name != "" {
			row = append(row, v)
		}
	}
	return row
}

// WriteSummaryCSV writes the summary CSV of crawls.
func WriteSummaryCSV(w io.Writer, crawls ...Summary) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(SummaryHeader); err != nil {
		return err
	}
	for _, s := range crawls {
		if err := cw.Write(s.Row()); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Row returns the summary's values of SummaryHeader.
func (s Summary) Row() []string {
	o, n := s.Options, s.Network
	boot := make([]string, len(o.Bootstrap))
	for i, id := range o.Bootstrap {
		boot[i] = strconv.FormatUint(uint64(id), 10)
	}
	latency := "uniform"
	if n.Latency != nil {
		latency = n.Latency.Name()
	}
	itoa := strconv.Itoa
	return []string{
		itoa(s.Nodes), strconv.FormatUint(n.Seed, 10), itoa(s.K), strings.Join(boot, ";"), itoa(o.InFlight), itoa(o.Requests),
		seconds(o.Timeout), itoa(o.Retries), strconv.FormatUint(o.Op, 10), seconds(o.Start),
		float(n.FastErrorRate), float(n.SlowErrorRate), n.ConnDelay.String(), n.FastDelay.String(), n.SlowDelay.String(),
		latency, n.Churn.String(), float(n.LeaveRate),
		itoa(s.Found), itoa(s.Visited), itoa(s.Reachable), itoa(s.Failed), itoa(s.Refused), itoa(s.Timeouts), itoa(s.Offline),
		itoa(s.Queued), itoa(s.Abandoned), itoa(s.Attempts), strconv.FormatInt(s.Edges, 10), itoa(s.MaxInFlight),
		itoa(s.OnlineStart), itoa(s.OnlineEnd), itoa(s.FoundOnlineStart), itoa(s.FoundOnlineEnd),
		float(s.CompletenessStart()), float(s.CompletenessEnd()),
		itoa(s.ReachedOnlineStart), itoa(s.ReachedOnlineEnd), float(s.ReachedStart()), float(s.ReachedEnd()), itoa(s.Ghosts),
		seconds(s.End), seconds(s.Duration), seconds(s.Wall), float(s.VisitsPerSecond()),
	}
}

// float formats a measured v as every CSV of the project does
// (cell.Float: 6 significant digits); NaN is an empty cell.
func float(v float64) string { return cell.Float(v) }
