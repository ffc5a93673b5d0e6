package reach

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/zeebo/xxh3"
)

// Class is the reachability class of a node.
type Class uint8

// The classes.
const (
	Dialable Class = iota
	Undialable
	Flaky
)

var classNames = [...]string{Dialable: "dialable", Undialable: "undialable", Flaky: "flaky"}

// String returns the class's name.
func (c Class) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return fmt.Sprintf("Class(%d)", uint8(c))
}

// Bounds of a model.
const (
	// MaxDialTimeout bounds the dial timeout, as network.MaxDelay bounds
	// every delay.
	MaxDialTimeout = time.Hour
)

// Model says which share of the nodes falls in each class. The zero Model
// makes every node dialable.
type Model struct {
	// Name is the built-in model's name, or "" for one given by its
	// parameters.
	Name string
	// Undialable and Flaky are shares of the nodes, each in [0, 1], their
	// sum at most 1; the others are dialable.
	Undialable, Flaky float64
	// Answer is the probability a flaky node answers an attempt, (0, 1).
	Answer float64
	// DialTimeout is what a dial of an undialable node costs before the
	// dialer gives up.
	DialTimeout time.Duration
}

// Enabled reports whether some node is not dialable.
func (m Model) Enabled() bool { return m.Undialable > 0 || m.Flaky > 0 }

// ErrInvalid is wrapped by every error of Parse and Validate.
var ErrInvalid = errors.New("invalid reachability")

// Validate checks the shares, the answer probability and the timeout.
func (m Model) Validate() error {
	for _, s := range []struct {
		name string
		v    float64
	}{{"undialable", m.Undialable}, {"flaky", m.Flaky}} {
		if !(s.v >= 0 && s.v <= 1) {
			return fmt.Errorf("%w: %s share %v, allowed 0..1", ErrInvalid, s.name, s.v)
		}
	}
	if m.Undialable+m.Flaky > 1 {
		return fmt.Errorf("%w: undialable %v + flaky %v = %v, allowed at most 1", ErrInvalid, m.Undialable, m.Flaky, m.Undialable+m.Flaky)
	}
	if m.Flaky > 0 && !(m.Answer > 0 && m.Answer < 1) {
		return fmt.Errorf("%w: answer %v, allowed 0 < answer < 1 (the probability a flaky node answers)", ErrInvalid, m.Answer)
	}
	if m.Enabled() && (m.DialTimeout <= 0 || m.DialTimeout > MaxDialTimeout) {
		return fmt.Errorf("%w: dial timeout %v, allowed above 0 and at most %v", ErrInvalid, m.DialTimeout, MaxDialTimeout)
	}
	return nil
}

// The built-in models (data/README.md gives the sources).
var builtins = map[string]Model{
	"none": {},
	// RFM 19 (ProbeLab, 19-26 April 2022): 20,811 peers found per crawl,
	// 15,371 reachable. go-libp2p's TCP connect timeout and quic-go's
	// handshake idle timeout are both 5 s.
	"ipfs": {Name: "ipfs", Undialable: 0.261, DialTimeout: 5 * time.Second},
	// ProbeLab's Nebula crawls, week ending 12 November 2023: about 4,200
	// of 23,800 peers undialable.
	"ipfs-2023": {Name: "ipfs-2023", Undialable: 0.175, DialTimeout: 5 * time.Second},
	// ProbeLab's crawls of the discv5 networks, 30 September - 3 October
	// 2024: 21.6-28.8 % of routing table records unreachable. go-ethereum
	// gives up on a discv5 request after 700 ms.
	"discv5": {Name: "discv5", Undialable: 0.25, DialTimeout: 700 * time.Millisecond},
}

// Forms lists the specs Parse reads, for errors and help.
const Forms = "none, ipfs, ipfs-2023, discv5, or undialable:SHARE[,flaky:SHARE,answer:P],timeout:DURATION (such as undialable:0.2,timeout:5s)"

// Parse reads a reachability spec: a built-in model's name, or
// comma-separated fields undialable:SHARE, flaky:SHARE, answer:P and
// timeout:DURATION.
func Parse(spec string) (Model, error) {
	if m, ok := builtins[spec]; ok {
		return m, nil
	}
	var m Model
	seen := map[string]bool{}
	for _, field := range strings.Split(spec, ",") {
		key, val, ok := strings.Cut(strings.TrimSpace(field), ":")
		if !ok || seen[key] {
			return Model{}, fmt.Errorf("%w: %q: %q is not a field or repeats one; allowed %s", ErrInvalid, spec, field, Forms)
		}
		seen[key] = true
		var err error
		switch key {
		case "undialable":
			m.Undialable, err = strconv.ParseFloat(val, 64)
		case "flaky":
			m.Flaky, err = strconv.ParseFloat(val, 64)
		case "answer":
			m.Answer, err = strconv.ParseFloat(val, 64)
		case "timeout":
			m.DialTimeout, err = time.ParseDuration(val)
		default:
			return Model{}, fmt.Errorf("%w: %q: unknown field %q; allowed %s", ErrInvalid, spec, key, Forms)
		}
		if err != nil {
			return Model{}, fmt.Errorf("%w: %q: field %s: %v", ErrInvalid, spec, key, err)
		}
	}
	if m.Enabled() && !seen["timeout"] {
		return Model{}, fmt.Errorf("%w: %q: a timeout is needed (timeout:DURATION, such as timeout:5s)", ErrInvalid, spec)
	}
	if err := m.Validate(); err != nil {
		return Model{}, fmt.Errorf("%q: %w", spec, err)
	}
	return m, nil
}

// String returns the spec Parse reads for m.
func (m Model) String() string {
	if m.Name != "" {
		return m.Name
	}
	if !m.Enabled() {
		return "none"
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	s := "undialable:" + f(m.Undialable)
	if m.Flaky > 0 {
		s += ",flaky:" + f(m.Flaky) + ",answer:" + f(m.Answer)
	}
	return s + ",timeout:" + m.DialTimeout.String()
}

// Classifier gives each node its class, from a seed.
type Classifier struct {
	m    Model
	seed uint64
}

// NewClassifier returns the classifier of model m for a network seeded
// with seed.
func NewClassifier(m Model, seed uint64) Classifier { return Classifier{m: m, seed: seed} }

// Class returns node id's class: a uniform draw from a hash of the seed
// and the id, below Undialable undialable, then below Undialable + Flaky
// flaky.
func (c Classifier) Class(id uint32) Class {
	if !c.m.Enabled() {
		return Dialable
	}
	var buf [12]byte
	binary.LittleEndian.PutUint64(buf[:8], c.seed^0x7265616368) // "reach"
	binary.LittleEndian.PutUint32(buf[8:], id)
	u := float64(xxh3.Hash(buf[:])>>11) * 0x1p-53
	switch {
	case u < c.m.Undialable:
		return Undialable
	case u < c.m.Undialable+c.m.Flaky:
		return Flaky
	}
	return Dialable
}

// Model returns the classifier's model.
func (c Classifier) Model() Model { return c.m }
