package crawler

import (
	"fmt"
	"time"
)

// Outcome is how a visit ended.
type Outcome uint8

// The outcomes of a visit, a small closed set.
const (
	// OK: the peer answered every request.
	OK Outcome = iota
	// Refused: the connection was refused at once (a fast error).
	Refused
	// Timeout: no answer within the timeout: a slow error, no such node,
	// or a connection whose round trip exceeded the timeout.
	Timeout
	// Offline: the node exists but was offline when the attempt started.
	Offline
	numOutcomes
)

var outcomeNames = [...]string{OK: "ok", Refused: "refused", Timeout: "timeout", Offline: "offline"}

// String returns the name used in the visits CSV.
func (o Outcome) String() string {
	if o < numOutcomes {
		return outcomeNames[o]
	}
	return fmt.Sprintf("Outcome(%d)", uint8(o))
}

// ParseOutcome reads an outcome's name: ok, refused, timeout or offline.
func ParseOutcome(s string) (Outcome, error) {
	for o, name := range outcomeNames {
		if s == name {
			return Outcome(o), nil
		}
	}
	return 0, fmt.Errorf("outcome %q: allowed ok, refused, timeout, offline", s)
}

// Outcomes returns every outcome, in order.
func Outcomes() []Outcome { return []Outcome{OK, Refused, Timeout, Offline} }

// Visit is what the crawl did at one peer. A crawl of a million nodes
// keeps a million of them if its caller asks (Output.OnVisit): it is a
// small value.
type Visit struct {
	// Peer is the node visited.
	Peer uint32
	// Via is the peer whose answer introduced Peer, or Origin for a
	// bootstrap peer.
	Via uint32
	// Start is when the visit's first attempt started, End when its last
	// attempt ended (or its answers arrived), in simulated time from the
	// start of the run.
	Start, End time.Duration
	// Outcome is the outcome of the last attempt.
	Outcome Outcome
	// Attempts counts the attempts: 1 + the retries used.
	Attempts uint8
	// Slot is the place in flight the visit held (0..InFlight-1): the
	// lane of a timeline.
	Slot int32
	// Returned counts the distinct peers of the visit's answers: its
	// edges.
	Returned uint32
	// Learned counts the peers the visit's answers were the first to name.
	Learned uint32
}

// Duration returns End - Start.
func (v Visit) Duration() time.Duration { return v.End - v.Start }
