package das

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"

	"github.com/go-dht/go-dht/network/bandwidth"
)

// Behaviour is how the nodes of a class treat the cells of a block.
type Behaviour uint8

// The behaviours.
const (
	// Honest nodes store what they are sent and serve it (the zero value).
	Honest Behaviour = iota
	// Unresponsive nodes never answer a store or a sample request: both
	// time out.
	Unresponsive
	// Malicious nodes accept stores (the builder counts them stored) but
	// never serve a sample.
	Malicious
	numBehaviours
)

var behaviourNames = [numBehaviours]string{"honest", "unresponsive", "malicious"}

const behaviourForms = "honest, unresponsive, malicious"

// String returns the behaviour's name, which ParseBehaviour reads.
func (b Behaviour) String() string {
	if b < numBehaviours {
		return behaviourNames[b]
	}
	return fmt.Sprintf("Behaviour(%d)", uint8(b))
}

// ParseBehaviour reads a behaviour's name: honest, unresponsive, malicious.
// An error is a *SpecError.
func ParseBehaviour(s string) (Behaviour, error) {
	for b, name := range behaviourNames {
		if s == name {
			return Behaviour(b), nil
		}
	}
	return 0, &SpecError{What: "behaviour", Spec: s, Part: s, Problem: "is not a behaviour", Allowed: behaviourForms}
}

// ServesSamples reports whether a node answers a sample request for a
// cell it holds: honest nodes only.
func (b Behaviour) ServesSamples() bool { return b == Honest }

// AcceptsStores reports whether a node acknowledges a store: honest and
// malicious nodes (the builder cannot tell them apart).
func (b Behaviour) AcceptsStores() bool { return b == Honest || b == Malicious }

// MarshalText writes the behaviour's name (for YAML and JSON).
func (b Behaviour) MarshalText() ([]byte, error) {
	if b >= numBehaviours {
		return nil, invalid("Behaviour", b, behaviourForms)
	}
	return []byte(b.String()), nil
}

// UnmarshalText reads a behaviour's name (for YAML and JSON).
func (b *Behaviour) UnmarshalText(text []byte) error {
	v, err := ParseBehaviour(string(text))
	if err == nil {
		*b = v
	}
	return err
}

// Class is a kind of node of a DAS network. Its YAML form, in a study's
// list of classes:
//
//	classes:
//	  - name: home
//	    share: 0.7
//	    validators_per_node: 1
//	    custody_rows: 2
//	    custody_cols: 2
//	    behaviour: honest
//	    upload: uniform:10Mbit-50Mbit
//	    download: fixed:100Mbit
type Class struct {
	// Name names the class in errors and reports: unique, not empty.
	Name string `yaml:"name"`
	// Share is the share of the nodes in the class (0..1); the shares of
	// the classes sum to 1.
	Share float64 `yaml:"share"`
	// ValidatorsPerNode is the number of validators each node runs (>= 0;
	// 0 for nodes that only store and serve).
	ValidatorsPerNode int `yaml:"validators_per_node"`
	// CustodyRows and CustodyCols are the number of rows and of columns a
	// node keeps and serves whole (0..Rows, 0..Cols), drawn per node.
	CustodyRows int `yaml:"custody_rows"`
	CustodyCols int `yaml:"custody_cols"`
	// Behaviour is how its nodes treat cells.
	Behaviour Behaviour `yaml:"behaviour"`
	// Upload and Download are the distributions of its nodes' rates; the
	// zero value (omitted in YAML) is unlimited.
	Upload   Bandwidth `yaml:"upload"`
	Download Bandwidth `yaml:"download"`
}

// MaxValidatorsPerNode bounds Class.ValidatorsPerNode.
const MaxValidatorsPerNode = 1 << 20

// Classes is the list of node classes of a network.
type Classes []Class

// field names a field of class i in an error: Classes[NAME].Field, or
// Classes[#i].Field for a class with no name.
func (cs Classes) field(i int, f string) string {
	if cs[i].Name == "" {
		return fmt.Sprintf("Classes[#%d].%s", i, f)
	}
	return fmt.Sprintf("Classes[%s].%s", cs[i].Name, f)
}

// Validate checks the classes against the block geometry g (for custody)
// and reports the first bad field as a *network.ConfigError naming the
// class and the field.
func (cs Classes) Validate(g Geometry) error {
	if err := g.Validate(); err != nil {
		return err
	}
	if len(cs) == 0 {
		return invalid("Classes", "[]", "at least one class")
	}
	sum := 0.0
	for i, c := range cs {
		switch {
		case c.Name == "":
			return invalid(cs.field(i, "Name"), `""`, "a name, unique among the classes")
		case slices.ContainsFunc(cs[:i], func(o Class) bool { return o.Name == c.Name }):
			return invalid(cs.field(i, "Name"), c.Name, "a name unique among the classes")
		case !(c.Share >= 0 && c.Share <= 1):
			return invalid(cs.field(i, "Share"), c.Share, "0..1 (share of the nodes)")
		case c.ValidatorsPerNode < 0 || c.ValidatorsPerNode > MaxValidatorsPerNode:
			return invalid(cs.field(i, "ValidatorsPerNode"), c.ValidatorsPerNode, "0..%d", MaxValidatorsPerNode)
		case c.CustodyRows < 0 || c.CustodyRows > g.Rows:
			return invalid(cs.field(i, "CustodyRows"), c.CustodyRows, "0..rows (%d)", g.Rows)
		case c.CustodyCols < 0 || c.CustodyCols > g.Cols:
			return invalid(cs.field(i, "CustodyCols"), c.CustodyCols, "0..cols (%d)", g.Cols)
		case c.Behaviour >= numBehaviours:
			return invalid(cs.field(i, "Behaviour"), c.Behaviour, behaviourForms)
		}
		for _, bw := range []struct {
			name string
			b    Bandwidth
		}{{"Upload", c.Upload}, {"Download", c.Download}} {
			if err := bw.b.Validate(); err != nil {
				return invalid(cs.field(i, bw.name), bw.b, "%s (%v)", bandwidth.Forms, err)
			}
		}
		sum += c.Share
	}
	if math.Abs(sum-1) > 1e-9 {
		return invalid("Classes.Share", fmt.Sprintf("sum %g", sum), "shares that sum to 1 (within 1e-9)")
	}
	return nil
}

// Of returns the index of the class of node, drawn from (seed, node) alone:
// node i is in class c with probability cs[c].Share, independently of the
// other nodes, so that class shares are within sampling error of the
// shares. The classes must be valid.
func (cs Classes) Of(seed uint64, node uint32) int {
	u := unit(seed, classStream, uint64(node))
	acc := 0.0
	last := 0
	for i, c := range cs {
		if c.Share == 0 {
			continue
		}
		acc += c.Share
		last = i
		if u < acc {
			return i
		}
	}
	return last // u above a sum a rounding short of 1
}

// Custody is the rows and columns a node keeps and serves, ascending.
type Custody struct {
	Rows, Cols []int
}

// Holds reports whether the custody covers cell of a block of geometry g.
func (c Custody) Holds(g Geometry, cell int) bool {
	row, col := g.RowCol(cell)
	_, inRow := slices.BinarySearch(c.Rows, row)
	_, inCol := slices.BinarySearch(c.Cols, col)
	return inRow || inCol
}

// Node is what a node draws from its class.
type Node struct {
	// Class is the index of its class in Classes.
	Class int
	// Upload and Download are its rates in bytes per second (+Inf when
	// unlimited).
	Upload, Download float64
	// Custody is the rows and columns it keeps and serves.
	Custody Custody
}

// Node draws node's class, rates and custody from (seed, node) alone, so
// that nodes can be drawn in any order with the same result. The classes
// and g must be valid (Validate).
func (cs Classes) Node(g Geometry, seed uint64, node uint32) Node {
	ci := cs.Of(seed, node)
	c := cs[ci]
	r := newRand(seed, nodeStream, uint64(node))
	n := Node{Class: ci, Upload: c.Upload.Sample(r), Download: c.Download.Sample(r)}
	n.Custody.Rows = distinctSorted(r, g.Rows, c.CustodyRows)
	n.Custody.Cols = distinctSorted(r, g.Cols, c.CustodyCols)
	return n
}

// distinctSorted draws k distinct numbers of [0, n) (Floyd's algorithm)
// and returns them ascending; nil when k is 0.
func distinctSorted(r *rand.Rand, n, k int) []int {
	if k == 0 {
		return nil
	}
	set := make([]uint64, (n+63)/64)
	for j := n - k; j < n; j++ {
		t := r.IntN(j + 1)
		if set[t>>6]&(1<<(t&63)) != 0 {
			t = j
		}
		set[t>>6] |= 1 << (t & 63)
	}
	out := make([]int, 0, k)
	for i, w := range set {
		for ; w != 0; w &= w - 1 {
			out = append(out, i*64+bits.TrailingZeros64(w))
		}
	}
	return out
}
