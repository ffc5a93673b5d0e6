package routing

import (
	"fmt"
	"strconv"
)

// Policy is the replacement policy of a table: what a full bucket does when
// a new peer is offered to it, and what takes the place of a removed peer.
//
// In this simulator a bootstrapped node starts from its optimal table
// (Index.OptimalTable, Index.BuildTables), whatever the policy: those tables
// are built directly, as a table fed every node under Closest would be, and
// carry the Closest policy. The policy governs how a table changes
// afterwards, under Add and Remove: its owner sets it with SetPolicy on the
// table, or on the Clone it takes of a shared optimal table.
type Policy uint8

const (
	// Closest is py-dht's policy, the default (the zero value): a full
	// bucket swaps its farthest peer for a newcomer that is closer to the
	// local key. A table fed with the same peers in any order is the same
	// table, and fed every node it is the optimal table. It keeps no
	// replacement cache: after Remove the bucket has room, and the next
	// peer of that bucket offered to Add joins it.
	Closest Policy = iota
	// Oldest is the policy of the Kademlia paper, go-ethereum and libp2p: a
	// full bucket keeps the peers it has, however close a newcomer is. The
	// newcomer waits in the bucket's replacement cache, which holds the most
	// recent newcomers (at most ReplacementCacheSize), and the newest of
	// them takes the place of a member that Remove takes out. Add never
	// evicts a member: a peer leaves only through Remove, so the peers that
	// stay are the oldest ones still alive, as long as whoever owns the
	// table removes the peers that fail to answer.
	Oldest
)

// policyNames are the names of the policies, indexed by Policy.
var policyNames = [...]string{Closest: "closest", Oldest: "oldest"}

// ParsePolicy returns the policy named s: "closest" or "oldest".
func ParsePolicy(s string) (Policy, error) {
	for p, name := range policyNames {
		if s == name {
			return Policy(p), nil
		}
	}
	return 0, fmt.Errorf("%w: %q, allowed closest, oldest", ErrInvalidPolicy, s)
}

// String returns the name of p as ParsePolicy reads it, or "Policy(n)" for
// a value that is no policy.
func (p Policy) String() string {
	if int(p) < len(policyNames) {
		return policyNames[p]
	}
	return "Policy(" + strconv.Itoa(int(p)) + ")"
}

// Validate returns an error wrapping ErrInvalidPolicy unless p is Closest or
// Oldest: a configuration that sets a Policy in code checks it this way.
func (p Policy) Validate() error {
	if int(p) < len(policyNames) {
		return nil
	}
	return fmt.Errorf("%w: %d, allowed closest, oldest", ErrInvalidPolicy, p)
}

// MarshalText returns the name of p, so that a policy reads and writes as
// its name in JSON and in flags (flag.TextVar).
func (p Policy) MarshalText() ([]byte, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return []byte(p.String()), nil
}

// UnmarshalText sets p to the policy named text, as ParsePolicy.
func (p *Policy) UnmarshalText(text []byte) error {
	q, err := ParsePolicy(string(text))
	if err != nil {
		return err
	}
	*p = q
	return nil
}
