package churn

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Model is the churn of a node: it alternates between sessions (online)
// whose lengths follow On and downtimes (offline) whose lengths follow Off,
// all lengths independent. The zero Model is no churn: nodes are always
// online.
type Model struct {
	On, Off Dist
	// Core is the share of nodes that form a stable core, online all the
	// time (0..1): real networks are a mixture of a core of long-lived
	// servers and a fringe of short sessions (ProbeLab's IPFS data). The
	// other nodes, the fringe, alternate sessions and downtimes. Which
	// nodes are in the core is a draw of each node's own stream.
	Core float64
}

// Enabled reports whether the model has churn, i.e. is not the zero Model.
func (m Model) Enabled() bool { return m.On != nil || m.Off != nil }

// Validate checks that a model with churn has both distributions and that
// Parse's ranges hold for the ones of this package: means and scales from
// MinMean (1s) to a year; any other Dist, a mean of at least MinMean.
func (m Model) Validate() error {
	if !m.Enabled() {
		if m.Core != 0 {
			return fmt.Errorf("%w: core %v without sessions; allowed: a core share with On and Off", ErrInvalidDist, m.Core)
		}
		return nil
	}
	if !(m.Core >= 0 && m.Core < 1) {
		return fmt.Errorf("%w: core share %v, allowed 0 <= core < 1 (a core of every node is no churn)", ErrInvalidDist, m.Core)
	}
	for _, d := range []struct {
		name string
		dist Dist
	}{{"On", m.On}, {"Off", m.Off}} {
		switch v := d.dist.(type) {
		case nil:
			return fmt.Errorf("%w: %s is nil; allowed: both On and Off, or neither (no churn)", ErrInvalidDist, d.name)
		case Exponential:
			if time.Duration(v) < MinMean || time.Duration(v) > maxMean {
				return fmt.Errorf("%w: %s exponential mean %v, allowed %v..%v", ErrInvalidDist, d.name, time.Duration(v), MinMean, maxMean)
			}
		case Weibull:
			if err := v.validate(); err != nil {
				return fmt.Errorf("%s: %w", d.name, err)
			}
		default:
			if v.Mean() < MinMean {
				return fmt.Errorf("%w: %s %v has mean %v, allowed at least %v", ErrInvalidDist, d.name, v, v.Mean(), MinMean)
			}
		}
	}
	return nil
}

// OnlineShare returns the long-run share of nodes online: the core, plus
// the fringe's share of time online, E[on] / (E[on] + E[off]); 1 without
// churn.
func (m Model) OnlineShare() float64 {
	if !m.Enabled() {
		return 1
	}
	return m.Core + (1-m.Core)*m.fringeShare()
}

// fringeShare is the share of time a fringe node is online.
func (m Model) fringeShare() float64 {
	on, off := float64(m.On.Mean()), float64(m.Off.Mean())
	return on / (on + off)
}

// Start returns the state of a node observed at a random instant of a long
// run, so that a simulation starts in steady state rather than with every
// node at the start of a session: a core node (probability Core) is online
// for good; a fringe node is online with its share of time online, and the
// time until its state next changes is drawn from the equilibrium residual
// of the current period (see ResidualSampler). Without churn, and for a
// core node, it returns (true, 0), and 0 means never.
func (m Model) Start(r *rand.Rand) (online bool, remaining time.Duration) {
	if !m.Enabled() {
		return true, 0
	}
	if m.Core > 0 && r.Float64() < m.Core {
		return true, 0
	}
	if r.Float64() < m.fringeShare() {
		return true, residual(r, m.On)
	}
	return false, residual(r, m.Off)
}

// Next returns the length of a new period in the given state: a session
// when online is true, a downtime otherwise. Without churn it returns 0,
// which means never.
func (m Model) Next(r *rand.Rand, online bool) time.Duration {
	switch {
	case !m.Enabled():
		return 0
	case online:
		return m.On.Sample(r)
	default:
		return m.Off.Sample(r)
	}
}

// residualDraws is the number of periods among which residual picks one
// for a Dist that is not a ResidualSampler.
const residualDraws = 64

// residual draws d's equilibrium residual: exactly for a ResidualSampler;
// otherwise approximately, by picking one of residualDraws periods with
// probability proportional to its length (a length-biased pick, exact as
// the number of draws grows) and taking a uniform fraction of it.
func residual(r *rand.Rand, d Dist) time.Duration {
	if rs, ok := d.(ResidualSampler); ok {
		return rs.SampleResidual(r)
	}
	var picked, total float64
	for range residualDraws {
		x := float64(d.Sample(r))
		total += x
		// Keeping x with probability x/total leaves each draw picked
		// with probability proportional to its length.
		if r.Float64()*total < x {
			picked = x
		}
	}
	return period(picked * r.Float64())
}

// String returns the spec Parse reads for the model ("none", "ipfs",
// "exp:30m0s,10m0s", "weibull:0.5,30m0s"), or "on=... off=..." for a model
// that no spec gives.
func (m Model) String() string {
	if !m.Enabled() {
		return "none"
	}
	if m.Core > 0 {
		fringe := m
		fringe.Core = 0
		if f, err := IPFSFringe(); err == nil && m.On == f && m.Off == f && m.Core == IPFSCore {
			return "ipfs-mix"
		}
		return "mix:" + strconv.FormatFloat(m.Core, 'g', -1, 64) + "," + fringe.String()
	}
	switch on := m.On.(type) {
	case Exponential:
		if off, ok := m.Off.(Exponential); ok {
			return "exp:" + time.Duration(on).String() + "," + time.Duration(off).String()
		}
	case Weibull:
		if off, ok := m.Off.(Weibull); ok && off == on {
			return "weibull:" + strconv.FormatFloat(on.Shape, 'g', -1, 64) + "," + on.Scale.String()
		}
	case *Empirical:
		if ipfs, err := IPFSUptime(); err == nil && on == ipfs {
			if off, ok := m.Off.(*Empirical); ok && off == ipfs {
				return "ipfs"
			}
		}
	}
	return fmt.Sprintf("on=%v off=%v", m.On, m.Off)
}

// The forms of a spec, for errors.
const (
	specForms     = "none, ipfs, exp:ON,OFF (mean durations, such as exp:30m,10m), weibull:SHAPE,SCALE (such as weibull:0.5,30m), ipfs-mix, mix:CORE,SPEC (a stable core share and the churn of the others, such as mix:0.5,exp:30m,30m)"
	durationRange = "a duration from 1s to 8760h (a year), such as 30m"
)

// Parse reads a churn spec:
//
//   - none: no churn (the zero Model).
//   - ipfs: sessions from the IPFS uptime data (IPFSUptime), and downtimes
//     from the same distribution, for want of measured downtimes; a node is
//     then online half of the time.
//   - exp:ON,OFF: exponential sessions and downtimes of mean ON and OFF,
//     such as exp:30m,10m.
//   - weibull:SHAPE,SCALE: Weibull sessions and downtimes, both of shape
//     SHAPE (0.2..10) and scale SCALE (a duration), such as weibull:0.5,30m.
//   - mix:CORE,SPEC: a stable core of a share CORE (0 <= CORE < 1) of the
//     nodes, online all the time, and the churn SPEC (not a mixture
//     itself) for the others, such as mix:0.5,exp:30m,30m.
//   - ipfs-mix: the IPFS DHT as a mixture (IPFSCore of the nodes in the
//     core; the fringe's sessions and downtimes from the IPFS data of
//     sessions up to 24 h, IPFSFringe).
//
// Durations are Go durations from MinMean (1s) to a year. An error is a
// *SpecError naming the bad part and what is allowed.
func Parse(spec string) (Model, error) {
	bad := func(part, problem, allowed string) (Model, error) {
		return Model{}, &SpecError{Spec: spec, Part: part, Problem: problem, Allowed: allowed}
	}
	kind, args, hasArgs := strings.Cut(spec, ":")
	switch kind {
	case "mix":
		share, inner, ok := strings.Cut(args, ",")
		if !hasArgs || !ok {
			return bad(spec, "needs a core share and a churn spec", "mix:CORE,SPEC such as mix:0.5,exp:30m,30m")
		}
		core, err := strconv.ParseFloat(strings.TrimSpace(share), 64)
		if err != nil || !(core >= 0 && core < 1) {
			return bad(share, "is not a valid core share", "a number with 0 <= CORE < 1, such as 0.5")
		}
		m, err := Parse(strings.TrimSpace(inner))
		if err != nil {
			return Model{}, err
		}
		if m.Core != 0 || !m.Enabled() {
			return bad(inner, "is not the churn of a fringe", "a spec with sessions that is not a mixture: ipfs, exp:ON,OFF, weibull:SHAPE,SCALE")
		}
		m.Core = core
		return m, nil
	case "ipfs-mix":
		if hasArgs {
			return bad(spec, "takes no parameters", specForms)
		}
		f, err := IPFSFringe()
		if err != nil {
			return Model{}, err
		}
		return Model{On: f, Off: f, Core: IPFSCore}, nil
	case "none", "ipfs":
		if hasArgs {
			return bad(spec, "takes no parameters", specForms)
		}
		if kind == "none" {
			return Model{}, nil
		}
		ipfs, err := IPFSUptime()
		if err != nil {
			return Model{}, err
		}
		return Model{On: ipfs, Off: ipfs}, nil
	case "exp", "weibull":
	default:
		return bad(spec, "is not a churn spec", specForms)
	}
	first, second, ok := strings.Cut(args, ",")
	if !hasArgs || !ok || strings.Contains(second, ",") {
		if kind == "exp" {
			return bad(spec, "needs two parameters", "exp:ON,OFF with ON and OFF mean durations, such as exp:30m,10m")
		}
		return bad(spec, "needs two parameters", "weibull:SHAPE,SCALE with SHAPE a number and SCALE a duration, such as weibull:0.5,30m")
	}
	duration := func(s string) (time.Duration, bool) {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		return d, err == nil && d >= MinMean && d <= maxMean
	}
	if kind == "exp" {
		on, ok := duration(first)
		if !ok {
			return bad(first, "is not a valid session mean", durationRange)
		}
		off, ok := duration(second)
		if !ok {
			return bad(second, "is not a valid downtime mean", durationRange)
		}
		return Model{On: Exponential(on), Off: Exponential(off)}, nil
	}
	shape, err := strconv.ParseFloat(strings.TrimSpace(first), 64)
	if err != nil || !(shape >= minShape && shape <= maxShape) {
		return bad(first, "is not a valid Weibull shape", fmt.Sprintf("a number from %v to %v, such as 0.5", minShape, maxShape))
	}
	scale, ok := duration(second)
	if !ok {
		return bad(second, "is not a valid Weibull scale", durationRange)
	}
	w := Weibull{Shape: shape, Scale: scale}
	return Model{On: w, Off: w}, nil
}
