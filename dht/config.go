package dht

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"time"

	"github.com/go-dht/go-dht/dht/lookup"
	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/network/reach"
	"github.com/go-dht/go-dht/routing"
)

// Bounds of the configuration: every value a user can type either works or
// is rejected with a *network.ConfigError before any work.
const (
	// MaxNodes is the largest network. Node ids are 32-bit; the bound also
	// keeps sizes within an int on 32-bit platforms.
	MaxNodes = 1 << 30
	// MaxAlpha bounds the requests a lookup keeps in flight.
	MaxAlpha = 1000
	// MaxSteps bounds StepsToStop.
	MaxSteps = 1_000_000
	// MaxWorkers bounds the goroutines that build tables or run lookups.
	MaxWorkers = 4096
)

// Profile selects a whole set of model rules.
type Profile uint8

const (
	// ProfileGoDHT is go-dht's own model: causal simulated time, the
	// termination rule of ClientConfig.Termination, gamma as load from the
	// requests in flight, provides on the closest peers that answered.
	ProfileGoDHT Profile = iota
	// ProfilePyDHT selects every rule of py-dht, so that a py-dht study
	// ported to go-dht gives py-dht's numbers: its lookup pipeline (alpha
	// requests out, then the in-flight answer with the smallest delay read
	// and one request sent, in turn; delays charged to alpha slots), its
	// termination rule, its error draws, whole-millisecond delays, gamma
	// counters per endpoint, and provides on the closest peers seen. It runs
	// operations one at a time, as py-dht does.
	ProfilePyDHT
	// ProfileKademlia is the Kademlia paper (Maymounkov and Mazieres,
	// IPTPS 2002): k 20, alpha 3, a lookup ends when the k closest peers it
	// has seen that did not fail have answered, tables keep their oldest
	// live peers with a replacement cache, a value is stored on the k
	// closest. A request is one round trip.
	ProfileKademlia
	// ProfileAmino is go-libp2p-kad-dht with the Amino (IPFS) defaults
	// (amino/defaults.go): k 20, alpha 10, a lookup ends when its beta = 3
	// closest peers not known unreachable have answered (query.go,
	// isLookupTermination), then follows up on the 20 closest
	// (runLookupWithFollowup); its result is the 20 closest not known
	// unreachable, asked or not, and a provide stores provider records on
	// them; a peer that fails is removed from the table (peerStoppedDHT);
	// connections over QUIC (kubo's connection manager: 96 at most), 26 %
	// of the nodes undialable with a 5 s dial timeout (ProbeLab's RFM 19,
	// April 2022).
	ProfileAmino
	// ProfileDiscv5 is go-ethereum's discv5 (p2p/discover): k 16, alpha 3,
	// FINDNODE asks a node for the buckets at three log distances around the
	// target's (lookupDistances) and gets up to 16 nodes of them
	// (handleFindnode); a lookup ends when nothing is left to ask among the
	// 16 closest seen (lookup.go), whose result keeps nodes that failed; a
	// session handshake (WHOAREYOU) on first contact over UDP, 1,024
	// sessions kept; 25 % of the records unreachable with go-ethereum's
	// 700 ms response timeout (ProbeLab's crawls, 2024). A discovery
	// protocol: it stores nothing (a provide is an error), and a retrieval
	// is finding a node (LookupOptions.StopOnNode).
	ProfileDiscv5
)

var profileNames = [...]string{ProfileGoDHT: "godht", ProfilePyDHT: "pydht", ProfileKademlia: "kademlia", ProfileAmino: "amino", ProfileDiscv5: "discv5"}

// Profiles returns every profile's name, as ParseProfile reads them.
func Profiles() []string { return append([]string(nil), profileNames[:]...) }

// String returns the profile's name, as ParseProfile reads it.
func (p Profile) String() string {
	if int(p) < len(profileNames) {
		return profileNames[p]
	}
	return fmt.Sprintf("Profile(%d)", uint8(p))
}

// ParseProfile reads a profile's name: godht, pydht, kademlia, amino or
// discv5.
func ParseProfile(s string) (Profile, error) {
	for p, name := range profileNames {
		if s == name {
			return Profile(p), nil
		}
	}
	return 0, fmt.Errorf("profile %q: allowed godht, pydht, kademlia, amino, discv5", s)
}

// Stores reports whether the profile's protocol stores values: discv5, a
// discovery protocol, does not.
func (p Profile) Stores() bool { return p != ProfileDiscv5 }

// Tables selects how the routing tables of BootstrapAll are held.
type Tables uint8

const (
	// TablesAuto builds tables eagerly up to EagerLimit nodes and reads them
	// on demand above.
	TablesAuto Tables = iota
	// TablesEager builds every table in one arena: the fastest when a study
	// touches every node (a crawl), at about 1.3 KB per node at 10^6 nodes.
	TablesEager
	// TablesOnDemand keeps only the sorted key index and answers each
	// find-closest request from it: a node costs its key and index entry,
	// and a table is built only for a node whose table changes.
	TablesOnDemand
)

// Fill selects how routing tables start (see routing.Fill).
type Fill uint8

const (
	// FillDefault, the zero value, is the profile's fill: FillRandom under
	// go-dht's own model, FillClosest under the py-dht profile.
	FillDefault Fill = iota
	// FillRandom gives each bucket min(k, candidates) peers drawn uniformly
	// from the nodes that share its prefix with the owner, from a stream of
	// (seed, node, bucket): the tables traffic fills in the Kademlia paper,
	// go-libp2p-kad-dht and go-ethereum, whose members spread over their
	// bucket's range. Hops grow like log N / log k.
	FillRandom
	// FillClosest gives each bucket the k candidates closest to the owner:
	// py-dht's "optimal" tables. Those peers sit beside the owner, so an
	// answer gains a lookup about 2 bits: hops grow about three times
	// faster with N than in a real network, and k barely matters. Kept to
	// reproduce py-dht.
	FillClosest
	// FillGrown grows the tables by joins (see Growth): nodes join one
	// after another through peers already in, each looking up its own key
	// and then refreshing its buckets, and every node that hears of a peer
	// offers it to its table under the policy (oldest by default).
	FillGrown
)

var fillNames = [...]string{FillDefault: "default", FillRandom: "random", FillClosest: "closest", FillGrown: "grown"}

// String returns the fill's name, as ParseFill reads it.
func (f Fill) String() string {
	if int(f) < len(fillNames) {
		return fillNames[f]
	}
	return fmt.Sprintf("Fill(%d)", uint8(f))
}

// ParseFill reads a fill's name: default, random, closest or grown.
func ParseFill(s string) (Fill, error) {
	for f, name := range fillNames {
		if s == name {
			return Fill(f), nil
		}
	}
	return 0, fmt.Errorf("fill %q: allowed default, random, closest, grown", s)
}

// EagerLimit is the largest network whose tables TablesAuto builds
// eagerly.
const EagerLimit = 1_000_000

var tablesNames = [...]string{TablesAuto: "auto", TablesEager: "eager", TablesOnDemand: "on-demand"}

// String returns the mode's name, as ParseTables reads it.
func (t Tables) String() string {
	if int(t) < len(tablesNames) {
		return tablesNames[t]
	}
	return fmt.Sprintf("Tables(%d)", uint8(t))
}

// ParseTables reads a mode's name: auto, eager or on-demand.
func ParseTables(s string) (Tables, error) {
	for t, name := range tablesNames {
		if s == name {
			return Tables(t), nil
		}
	}
	return 0, fmt.Errorf("tables %q: allowed auto, eager, on-demand", s)
}

// ClientConfig holds the parameters every client of a network shares.
type ClientConfig struct {
	// K is the bucket size, and the number of peers a find-closest request
	// returns (1..routing.MaxK).
	K int
	// Alpha is the number of requests a lookup keeps in flight
	// (1..MaxAlpha).
	Alpha int
	// Beta is the number of closest peers a lookup returns and a provide
	// stores on (1..K): a lookup vouches for peers that answered it, and
	// no answer holds more than K.
	Beta int
	// StepsToStop ends a lookup after this many stale answers in a row
	// under the Stale and PyDHT rules (1..MaxSteps).
	StepsToStop int
	// Termination is the lookup's termination rule. The zero value,
	// lookup.Default, is the profile's rule: Beta under go-dht's own model
	// (the Kademlia paper's: the Beta closest peers not known to have
	// failed have all answered; with Beta = K), PyDHT under the py-dht
	// profile, which allows no other. Stale stays for whoever asks for it:
	// with Alpha >= StepsToStop it ends after the first round of answers
	// (Config.Warnings says so).
	Termination lookup.Rule
	// Policy is the buckets' replacement policy when a table changes:
	// Oldest (Kademlia's, go-ethereum's and libp2p's, with a replacement
	// cache of K newcomers per bucket; DefaultConfig's) or Closest
	// (py-dht's, the zero value). It governs how tables change under
	// maintenance and how a grown network (FillGrown) fills them.
	Policy routing.Policy
}

// Validate reports the first invalid field as a *network.ConfigError.
func (c ClientConfig) Validate() error {
	if c.K < 1 || c.K > routing.MaxK {
		return invalid("K", c.K, "1..%d", routing.MaxK)
	}
	if c.Alpha < 1 || c.Alpha > MaxAlpha {
		return invalid("Alpha", c.Alpha, "1..%d", MaxAlpha)
	}
	if c.Beta < 1 || c.Beta > c.K {
		return invalid("Beta", c.Beta, "1..K (%d)", c.K)
	}
	if c.StepsToStop < 1 || c.StepsToStop > MaxSteps {
		return invalid("StepsToStop", c.StepsToStop, "1..%d", MaxSteps)
	}
	if !c.Termination.Valid() {
		return invalid("Termination", c.Termination, "default, stale, pydht, beta, kclosest")
	}
	if err := c.Policy.Validate(); err != nil {
		return invalid("Policy", c.Policy, "closest, oldest")
	}
	return nil
}

// Config describes a network of clients.
type Config struct {
	// Network configures the links: error rates, delays, gamma and the seed
	// of every random draw.
	Network network.Config
	// Client holds the parameters shared by every client.
	Client ClientConfig
	// Profile selects go-dht's model or py-dht's rules.
	Profile Profile
	// Nodes is the number of clients spawned, with ids 0..Nodes-1
	// (1..MaxNodes).
	Nodes int
	// Workers is the number of goroutines that build routing tables
	// (1..MaxWorkers).
	Workers int
	// Tables selects eager or on-demand routing tables; the results are
	// the same either way. A grown network (FillGrown) holds its tables
	// eagerly, whatever Tables says.
	Tables Tables
	// Fill selects how routing tables start: FillDefault (the profile's:
	// random under go-dht's model, closest under the py-dht profile),
	// FillRandom, FillClosest or FillGrown.
	Fill Fill
	// Growth describes how a grown network grows (Fill = FillGrown); its
	// zero fields take DefaultGrowth's values.
	Growth Growth
	// Maintenance keeps tables alive under churn (Run.Maintain).
	Maintenance Maintenance
}

// DefaultConfig returns the defaults of the benchmark suite: 10,000 nodes,
// k = 20, alpha = 3, beta = k, 3 steps to stop (stale and py-dht rules
// only), the default rule (beta, the Kademlia paper's), the default fill
// (random), the oldest policy, no errors, connections of 50ms-100ms one
// way, failed attempts of 10ms (fast) and 1s (slow), no gamma, seed 1, one
// worker per core.
func DefaultConfig() Config {
	return Config{
		Network: network.Config{
			Seed:      1,
			ConnDelay: network.DelayRange{Min: 50 * time.Millisecond, Max: 100 * time.Millisecond},
			FastDelay: network.Fixed(10 * time.Millisecond),
			SlowDelay: network.Fixed(time.Second),
			Sizes:     network.DefaultSizes,
		},
		Client:  ClientConfig{K: 20, Alpha: 3, Beta: 20, StepsToStop: 3, Policy: routing.Oldest},
		Growth:  DefaultGrowth(),
		Nodes:   10000,
		Workers: min(runtime.GOMAXPROCS(0), MaxWorkers),
	}
}

// ProfileDefaults returns the defaults of profile p: the configuration
// every parameter a user leaves unset takes under that profile (a study
// key or flag set explicitly overrides the profile's value). Under
// go-dht's own model it is DefaultConfig; under the py-dht profile,
// py-dht's rules: its termination rule, the closest fill (py-dht's optimal
// tables) and the closest policy.
func ProfileDefaults(p Profile) Config {
	c := DefaultConfig()
	c.Profile = p
	switch p {
	case ProfilePyDHT:
		c.Client.Termination = lookup.PyDHT
		c.Client.Policy = routing.Closest
		c.Fill = FillClosest
	case ProfileKademlia:
		c.Client.Termination = lookup.Beta
	case ProfileAmino:
		c.Client.Alpha, c.Client.Beta = 10, 3
		c.Client.Termination = lookup.Beta
		c.Network.Transport, c.Network.Connections = network.TransportQUIC, 96
		c.Network.Reach = aminoReach
		c.Maintenance.FailLimit = 1
	case ProfileDiscv5:
		c.Client.K, c.Client.Beta = 16, 16
		c.Client.Termination = lookup.KClosest
		c.Network.Transport, c.Network.Connections = network.TransportUDPSession, 1024
		c.Network.Reach = discv5Reach
	}
	return c
}

// The built-in reachability of the amino and discv5 profiles (package
// network/reach).
var (
	aminoReach  = mustReach("ipfs")
	discv5Reach = mustReach("discv5")
)

func mustReach(name string) reach.Model {
	m, err := reach.Parse(name)
	if err != nil {
		panic("dht: built-in reachability " + name + ": " + err.Error())
	}
	return m
}

// followUp returns how many of the closest candidates a lookup follows up
// on under the profile (go-libp2p-kad-dht's follow-up), 0 for none.
func (c Config) followUp() int {
	if c.Profile == ProfileAmino {
		return c.Client.K
	}
	return 0
}

// resultSize returns how many peers a lookup's result holds at most.
func (c Config) resultSize() int {
	if c.resultRule() == lookup.ResultAnswered {
		return c.Client.Beta
	}
	return c.Client.K
}

// resultRule returns which candidates make a lookup's result under the
// profile: go-dht's and the paper's, the Beta closest that answered;
// go-libp2p-kad-dht's, the K closest not known unreachable; go-ethereum's,
// the K closest seen.
func (c Config) resultRule() lookup.ResultRule {
	switch c.Profile {
	case ProfileAmino:
		return lookup.ResultNotFailed
	case ProfileDiscv5:
		return lookup.ResultSeen
	}
	return lookup.ResultAnswered
}

// Effective returns the configuration as a network applies it: with the
// rules its profile implies filled in (under the py-dht profile, py-dht's
// link rules, termination rule and fill) and the tables mode decided.
func (c Config) Effective() Config {
	c.Network.PyDHT = c.Profile == ProfilePyDHT
	if c.Client.Termination == lookup.Default {
		c.Client.Termination = lookup.Beta
		if c.Profile == ProfilePyDHT {
			c.Client.Termination = lookup.PyDHT
		}
	}
	if c.Fill == FillDefault {
		c.Fill = FillRandom
		if c.Profile == ProfilePyDHT {
			c.Fill = FillClosest
		}
	}
	if c.Fill == FillGrown {
		c.Tables = TablesEager
		c.Growth = c.Growth.withDefaults()
	}
	if c.Tables == TablesAuto {
		c.Tables = TablesEager
		if c.Nodes > EagerLimit {
			c.Tables = TablesOnDemand
		}
	}
	return c
}

// Validate reports the first invalid field as a *network.ConfigError whose
// Field is a path from Config (e.g. "Network.ConnDelay", "Client.Alpha").
func (c Config) Validate() error {
	if int(c.Profile) >= len(profileNames) {
		return invalid("Profile", c.Profile, "godht, pydht, kademlia, amino, discv5")
	}
	if int(c.Tables) >= len(tablesNames) {
		return invalid("Tables", c.Tables, "auto, eager, on-demand")
	}
	if int(c.Fill) >= len(fillNames) {
		return invalid("Fill", c.Fill, "default, random, closest, grown")
	}
	c = c.Effective()
	if err := c.Network.Validate(); err != nil {
		return nest("Network", err)
	}
	if err := c.Client.Validate(); err != nil {
		return nest("Client", err)
	}
	if c.Profile == ProfilePyDHT && c.Client.Termination != lookup.PyDHT {
		return invalid("Client.Termination", c.Client.Termination, "pydht under the py-dht profile")
	}
	if c.Nodes < 1 || c.Nodes > MaxNodes {
		return invalid("Nodes", c.Nodes, "1..%d", MaxNodes)
	}
	if c.Workers < 1 || c.Workers > MaxWorkers {
		return invalid("Workers", c.Workers, "1..%d", MaxWorkers)
	}
	if c.Fill == FillGrown {
		if err := c.Growth.Validate(c.Nodes); err != nil {
			return err
		}
	}
	return c.Maintenance.Validate()
}

// invalid returns a *network.ConfigError.
func invalid(field string, value any, allowed string, args ...any) error {
	return &network.ConfigError{Field: field, Value: fmt.Sprint(value), Allowed: fmt.Sprintf(allowed, args...)}
}

// nest prefixes the field of a configuration error with parent.
func nest(parent string, err error) error {
	var ce *network.ConfigError
	if errors.As(err, &ce) {
		return ce.Nest(parent)
	}
	return fmt.Errorf("%s: %w", parent, err)
}

// checkWorkers validates a worker count given to a method.
func checkWorkers(workers int) error {
	if workers < 1 || workers > MaxWorkers {
		return invalid("workers", strconv.Itoa(workers), "1..%d", MaxWorkers)
	}
	return nil
}

// Warnings returns the choices of c that pass Validate but are known
// traps, each a sentence that names the parameter by its study key: a run
// prints them and records them beside its parameters. The list is empty
// for a configuration without one.
func (c Config) Warnings() []string {
	e := c.Effective()
	var out []string
	// The counting rules end a lookup after StepsToStop answers without
	// progress: with Alpha >= StepsToStop the first round's answers, which
	// overlap, use them up. py-dht itself does so (the profile reproduces
	// it), so the warning holds under both profiles.
	counting := e.Client.Termination == lookup.Stale || e.Client.Termination == lookup.PyDHT
	if counting && e.Client.Alpha >= e.Client.StepsToStop {
		fix := "choose termination beta or kclosest"
		if e.Profile == ProfilePyDHT {
			fix = "py-dht does the same; keep alpha below steps to avoid it"
		}
		out = append(out, fmt.Sprintf("termination %v with alpha %d >= steps %d: a lookup ends after its first round of answers, "+
			"so retrievals miss values that are there (%s)", e.Client.Termination, e.Client.Alpha, e.Client.StepsToStop, fix))
	}
	return out
}
