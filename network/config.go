package network

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/go-dht/go-dht/network/bandwidth"
	"github.com/go-dht/go-dht/network/churn"
	"github.com/go-dht/go-dht/network/latency"
	"github.com/go-dht/go-dht/network/reach"
)

// Bounds of the configuration. They keep every simulated sum far from the
// int64 nanoseconds of a time.Duration (about 292 years): the clock of a
// run also adds with saturation and reports an overflow (see package
// clock), so that no figure can wrap around silently.
const (
	// MaxDelay bounds every delay of a range: a connection, a refused or a
	// timed-out attempt.
	MaxDelay = time.Hour
	// MaxGamma bounds the load overhead per request in flight (or, under
	// the py-dht profile, per use of an endpoint).
	MaxGamma = time.Second
)

// DelayRange is a range of simulated delays; a delay is drawn uniformly
// from [Min, Max]. The zero range means no delay.
type DelayRange struct {
	Min, Max time.Duration
}

// Fixed returns the range that always gives d.
func Fixed(d time.Duration) DelayRange { return DelayRange{Min: d, Max: d} }

// delayRangeForm is how ParseDelayRange errors describe the accepted form.
const delayRangeForm = "want MIN-MAX such as 10ms-100ms, or one duration such as 50ms, each 0..1h0m0s"

// ParseDelayRange parses "10ms-100ms", or a single duration such as "50ms"
// for a fixed delay. Both ends must lie in [0, MaxDelay].
func ParseDelayRange(s string) (DelayRange, error) {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "-") {
		return DelayRange{}, fmt.Errorf("delay range %q: a delay cannot be negative (%s)", s, delayRangeForm)
	}
	lo, hi, ok := strings.Cut(t, "-")
	if !ok {
		hi = lo
	}
	min, err := time.ParseDuration(strings.TrimSpace(lo))
	if err != nil {
		return DelayRange{}, fmt.Errorf("delay range %q: %v (%s)", s, err, delayRangeForm)
	}
	max, err := time.ParseDuration(strings.TrimSpace(hi))
	if err != nil {
		return DelayRange{}, fmt.Errorf("delay range %q: %v (%s)", s, err, delayRangeForm)
	}
	r := DelayRange{Min: min, Max: max}
	if err := r.validate("delay range", false); err != nil {
		return DelayRange{}, fmt.Errorf("delay range %q: %w", s, err)
	}
	return r, nil
}

// String formats the range as ParseDelayRange reads it.
func (r DelayRange) String() string {
	if r.Min == r.Max {
		return r.Min.String()
	}
	return r.Min.String() + "-" + r.Max.String()
}

// Mean returns the mean of the range.
func (r DelayRange) Mean() time.Duration { return r.Min + (r.Max-r.Min)/2 }

func (r DelayRange) validate(field string, wholeMillis bool) error {
	if r.Min < 0 || r.Max < 0 || r.Min > MaxDelay || r.Max > MaxDelay {
		return invalid(field, r, "MIN-MAX with both in 0..%v", MaxDelay)
	}
	if r.Min > r.Max {
		return invalid(field, r, "MIN-MAX with MIN <= MAX")
	}
	if wholeMillis && (r.Min%time.Millisecond != 0 || r.Max%time.Millisecond != 0) {
		return invalid(field, r, "whole milliseconds under the py-dht profile (py-dht draws integer ms)")
	}
	return nil
}

// Config describes the links of a simulated network.
type Config struct {
	// NetworkID tells simulated networks apart; it is mixed into the
	// random streams, so two networks with one seed still differ.
	NetworkID int
	// Seed is the root of every random draw of the network.
	Seed uint64
	// FastErrorRate is the share of attempts refused at once, in percent
	// (0..100).
	FastErrorRate float64
	// SlowErrorRate is the share of attempts that time out, in percent
	// (0..100). Under go-dht's rules one draw decides the outcome, so
	// FastErrorRate + SlowErrorRate is at most 100; under the py-dht
	// profile it is the share of the attempts not refused.
	SlowErrorRate float64
	// ConnDelay is the one-way delay of a connection: a request over it is
	// a round trip and costs twice the drawn delay.
	ConnDelay DelayRange
	// FastDelay is the delay spent on a refused attempt.
	FastDelay DelayRange
	// SlowDelay is the delay spent on a timed-out attempt, and on an
	// attempt to reach a node that does not exist or is offline.
	SlowDelay DelayRange
	// Gamma is the load overhead (0..MaxGamma). Under go-dht's rules, an
	// attempt costs Gamma times the number of other requests each endpoint
	// has in flight when it starts, once per endpoint; under the py-dht
	// profile, each endpoint's overhead grows by Gamma every time it is
	// used, until Reset.
	Gamma time.Duration
	// PyDHT selects py-dht's link rules: two independent error draws (fast
	// with FastErrorRate %, else slow with SlowErrorRate %), delays in whole
	// milliseconds, and gamma counters per endpoint. Package dht sets it
	// from its Profile.
	PyDHT bool
	// Latency draws the one-way delay of a connection from the regions of
	// its two nodes (package network/latency: measured geographies, or a
	// file); nil draws every connection from ConnDelay alike. Its delays
	// obey MaxDelay as ConnDelay's do: the models of package latency keep
	// every RTT within latency.MaxRTT (2 x MaxDelay), Validate calls a
	// model's Validate method when it has one, and a delay a model of one's
	// own draws is clipped to [0, MaxDelay].
	Latency latency.Model
	// Churn takes nodes offline and back over simulated time (package
	// network/churn): an attempt to an offline node times out (SlowDelay)
	// and its values are out of reach until it returns. The zero Model is
	// no churn.
	Churn churn.Model
	// LeaveRate is the share of nodes that leave for good per simulated
	// hour (0..1): a node's departure is exponential with this rate; from
	// then on its attempts time out and its values are gone.
	LeaveRate float64
	// Transport is how a first contact between two nodes sets up a
	// connection (TransportNone: no set-up, a request is one round trip).
	// The set-up costs the transport's round trips of the pair's delay;
	// then the connection stays open until one of its nodes closes it.
	Transport Transport
	// Connections is the number of open connections a node keeps
	// (0..MaxConnections, 0 for no bound): opening one more closes its
	// least recently used (kubo's connection manager keeps 32 to 96).
	Connections int
	// Reach says which nodes cannot be dialled or answer only sometimes
	// (package network/reach); the zero Model makes every node dialable.
	Reach reach.Model
	// Upload and Download are the distributions of the nodes' rates (each
	// node draws its own from the seed and its id); both unlimited, the
	// zero values, turn bandwidth off: messages have no size and take no
	// time to serialize (Network.SetRates sets per-node rates instead).
	Upload, Download bandwidth.Spec
	// Sizes are the sizes of the messages' parts, with bandwidth on (zero
	// parts: DefaultSizes').
	Sizes MessageSizes
	// DiscardRecords keeps the counters but not one record per attempt,
	// for throughput runs that would otherwise hold millions of records.
	DiscardRecords bool
}

// Dynamic reports whether nodes come and go (churn or departures): the
// state of a node then depends on the simulated time.
func (c Config) Dynamic() bool { return c.Churn.Enabled() || c.LeaveRate > 0 }

// Validate reports the first invalid field as a *ConfigError naming it and
// its allowed range.
func (c Config) Validate() error {
	for _, f := range []struct {
		name string
		rate float64
	}{{"FastErrorRate", c.FastErrorRate}, {"SlowErrorRate", c.SlowErrorRate}} {
		if !(f.rate >= 0 && f.rate <= 100) || math.IsNaN(f.rate) {
			return invalid(f.name, f.rate, "0..100 (percent)")
		}
	}
	if !c.PyDHT && c.FastErrorRate+c.SlowErrorRate > 100 {
		return invalid("FastErrorRate+SlowErrorRate", c.FastErrorRate+c.SlowErrorRate,
			"at most 100 (one draw decides the outcome; the py-dht profile draws them apart)")
	}
	for _, f := range []struct {
		name string
		r    DelayRange
	}{{"ConnDelay", c.ConnDelay}, {"FastDelay", c.FastDelay}, {"SlowDelay", c.SlowDelay}} {
		if err := f.r.validate(f.name, c.PyDHT); err != nil {
			return err
		}
	}
	if c.Gamma < 0 || c.Gamma > MaxGamma {
		return invalid("Gamma", c.Gamma, "0..%v", MaxGamma)
	}
	if c.PyDHT && c.Latency != nil {
		return invalid("Latency", c.Latency.Name(), "uniform (ConnDelay) under the py-dht profile, which has no geography")
	}
	if v, ok := c.Latency.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return invalid("Latency", c.Latency.Name(), "%v", err)
		}
	}
	if err := c.Churn.Validate(); err != nil {
		return invalid("Churn", c.Churn, "%v", err)
	}
	if !(c.LeaveRate >= 0 && c.LeaveRate <= 1) {
		return invalid("LeaveRate", c.LeaveRate, "0..1 (share of nodes per hour)")
	}
	if int(c.Transport) >= len(transportNames) {
		return invalid("Transport", c.Transport, "none, tcp, quic, udp-session")
	}
	if c.Connections < 0 || c.Connections > MaxConnections {
		return invalid("Connections", c.Connections, "0..%d (0: no bound)", MaxConnections)
	}
	if err := c.Reach.Validate(); err != nil {
		return invalid("Reach", c.Reach, "%v", err)
	}
	for _, f := range []struct {
		name string
		s    bandwidth.Spec
	}{{"Upload", c.Upload}, {"Download", c.Download}} {
		if err := f.s.Validate(); err != nil {
			return invalid(f.name, f.s, "%s (%v)", bandwidth.Forms, err)
		}
	}
	if err := c.Sizes.validate(); err != nil {
		return err
	}
	if c.PyDHT && !c.Upload.Unlimited() {
		return invalid("Upload", c.Upload, "unlimited under the py-dht profile, which has no bandwidth")
	}
	if c.PyDHT && !c.Download.Unlimited() {
		return invalid("Download", c.Download, "unlimited under the py-dht profile, which has no bandwidth")
	}
	if c.PyDHT && c.Transport != TransportNone {
		return invalid("Transport", c.Transport, "none under the py-dht profile, which has no connections")
	}
	if c.PyDHT && c.Reach.Enabled() {
		return invalid("Reach", c.Reach, "none under the py-dht profile, where every node is dialable")
	}
	return nil
}
