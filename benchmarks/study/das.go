package study

import (
	"math"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/go-dht/go-dht/benchmarks/param"
	"github.com/go-dht/go-dht/dht/workload/das"
	"github.com/go-dht/go-dht/network/bandwidth"
)

// classesText reads a list of classes (workload.classes) where it is in
// the file: each element a mapping of param.ClassKeys, each value of its
// key's form, so that an error points at the class and key at fault; it
// returns the list's canonical text, which the parameter reads (and
// checks as a whole: names, shares). The error has its place and no key.
func classesText(n *yaml.Node) (string, *FileError) {
	var cs das.Classes
	for _, item := range n.Content {
		item = resolveAlias(item)
		if item.Kind != yaml.MappingNode {
			return "", placed(&FileError{Kind: ErrWrongType, Value: describe(item),
				Allowed: "a class: a mapping such as {name: home, share: 1, validators_per_node: 1}"}, item)
		}
		c, fe := readClass(item)
		if fe != nil {
			return "", fe
		}
		cs = append(cs, c)
	}
	return param.FormatClasses(cs), nil
}

// placed puts an error at node n.
func placed(fe *FileError, n *yaml.Node) *FileError {
	fe.Line, fe.Column = n.Line, n.Column
	return fe
}

// readClass reads one class's mapping.
func readClass(m *yaml.Node) (das.Class, *FileError) {
	var c das.Class
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], resolveAlias(m.Content[i+1])
		wrong := func(kind error, allowed string, err error) *FileError {
			return placed(&FileError{Kind: kind, Value: k.Value + ": " + v.Value, Allowed: allowed, Err: err}, v)
		}
		if seen[k.Value] {
			return c, placed(&FileError{Kind: ErrDuplicateKey, Value: k.Value, Allowed: "each key of a class once"}, k)
		}
		seen[k.Value] = true
		if v.Kind != yaml.ScalarNode || v.ShortTag() == "!!null" {
			return c, placed(&FileError{Kind: ErrWrongType, Value: k.Value + ": " + describe(v), Allowed: "a value of its key"}, v)
		}
		integer := func(dst *int) *FileError {
			var x int
			if v.ShortTag() != "!!int" || v.Decode(&x) != nil {
				return wrong(ErrWrongType, "an integer", nil)
			}
			*dst = x
			return nil
		}
		var fe *FileError
		switch k.Value {
		case "name":
			c.Name = v.Value
		case "share":
			if t := v.ShortTag(); (t != "!!int" && t != "!!float") || v.Decode(&c.Share) != nil || math.IsNaN(c.Share) {
				fe = wrong(ErrWrongType, "a number in 0..1", nil)
			}
		case "validators_per_node":
			fe = integer(&c.ValidatorsPerNode)
		case "custody_rows":
			fe = integer(&c.CustodyRows)
		case "custody_cols":
			fe = integer(&c.CustodyCols)
		case "behaviour":
			b, err := das.ParseBehaviour(v.Value)
			if err != nil {
				fe = wrong(ErrInvalidValue, "honest, unresponsive, malicious", err)
			}
			c.Behaviour = b
		case "upload", "download":
			b, err := das.ParseBandwidth(v.Value)
			if err != nil {
				fe = wrong(ErrInvalidValue, bandwidth.Forms, err)
			}
			if k.Value == "upload" {
				c.Upload = b
			} else {
				c.Download = b
			}
		default:
			allowed := "a key of a class: " + strings.Join(param.ClassKeys, ", ")
			best, dist := "", 3
			for _, name := range param.ClassKeys {
				if d := editDistance(k.Value, name); d < dist {
					best, dist = name, d
				}
			}
			if best != "" {
				allowed += " (did you mean " + best + "?)"
			}
			return c, placed(&FileError{Kind: ErrUnknownKey, Value: k.Value, Allowed: allowed}, k)
		}
		if fe != nil {
			return c, fe
		}
	}
	if c.Name == "" {
		return c, placed(&FileError{Kind: ErrInvalidValue, Value: "{...}", Allowed: "a class with a name: name: home"}, m)
	}
	return c, nil
}
