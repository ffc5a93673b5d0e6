package study

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// MaxNameBytes bounds the length of a combination's name, far below the
// 255 bytes a file name may have on common file systems, so that a runner
// can add a suffix.
const MaxNameBytes = 200

// Combination is one run of a study: a point of the grid and a repeat.
type Combination struct {
	// Study is the study's name.
	Study string
	// Index numbers the combinations 0..Len()-1 in the order of
	// Combinations; one file always gives the same index to the same
	// combination.
	Index int
	// Point is the grid point: Index / Repeats. The repeats of a point
	// differ only in their seed.
	Point int
	// Repeat is Index % Repeats: the seed is the study's seed plus Repeat.
	Repeat int
	// Name is a folder name for the combination's output (see the package
	// documentation): c<index>, the swept keys with their values, and the
	// seed, such as c0007_alpha=3_fast_error_rate=10_seed=2.
	Name string
	// Swept holds the swept keys and this combination's values, in axis
	// order.
	Swept []Setting
	// Params are the model parameters.
	Params Params
	// Workload holds the workload parameters.
	Workload Workload
}

// Setting is one key's value, in canonical form.
type Setting struct {
	Key, Value string
}

// Len returns the number of combinations: the grid's points times
// Repeats.
func (s *Study) Len() int { return s.points * s.Repeats }

// Points returns the number of grid points: the product of the sizes of
// the axes (1 with no axis).
func (s *Study) Points() int { return s.points }

// Combinations returns every combination, in index order: the cartesian
// product of the axes in file order, the first axis varying slowest, and
// for each point its repeats, innermost. So with alpha: [1, 3] then
// fast_error_rate: [0, 10] and repeats: 2, the order is (1, 0, seed),
// (1, 0, seed+1), (1, 10, seed), (1, 10, seed+1), (3, 0, seed), ...
func (s *Study) Combinations() []Combination {
	cs := make([]Combination, s.Len())
	for i := range cs {
		cs[i] = s.Combination(i)
	}
	return cs
}

// Shard returns the combinations of shard i of n (InShard), in index
// order.
func (s *Study) Shard(i, n int) []Combination {
	var cs []Combination
	for index := range s.Len() {
		if InShard(index, i, n) {
			cs = append(cs, s.Combination(index))
		}
	}
	return cs
}

// Combination returns the combination of index i. It panics unless
// 0 <= i < Len(), as a slice index would.
func (s *Study) Combination(i int) Combination {
	if i < 0 || i >= s.Len() {
		panic(fmt.Sprintf("study: combination %d out of range [0, %d)", i, s.Len()))
	}
	idx := make([]int, len(s.entries))
	point, r := i/s.Repeats, i%s.Repeats
	s.odometer(point, idx)
	v := s.build(idx)
	v.p.Seed = s.Seed + uint64(r)
	c := Combination{Study: s.Name, Index: i, Point: point, Repeat: r, Params: v.p, Workload: v.w}
	for _, a := range s.axes {
		c.Swept = append(c.Swept, Setting{Key: keyDefs[a].key, Value: s.entries[a].vals[idx[a]].text})
	}
	c.Name = s.name(i, idx, v.p.Seed)
	return c
}

// odometer sets idx to the value indices of grid point point: the last
// axis varies fastest.
func (s *Study) odometer(point int, idx []int) {
	for j := len(s.axes) - 1; j >= 0; j-- {
		a := s.axes[j]
		n := len(s.entries[a].vals)
		idx[a] = point % n
		point /= n
	}
}

// build applies the values that idx selects, and resolves what the file
// leaves to the model (Params.resolve).
func (s *Study) build(idx []int) values {
	var v values
	for i := range s.entries {
		if e := &s.entries[i]; len(e.vals) > 0 {
			e.vals[idx[i]].set(&v)
		}
	}
	v.p.resolve()
	return v
}

// name builds the name of combination i, whose values idx selects and
// whose seed is seed.
func (s *Study) name(i int, idx []int, seed uint64) string {
	width := max(4, len(strconv.Itoa(s.Len()-1)))
	name := fmt.Sprintf("c%0*d", width, i)
	suffix := "_seed=" + strconv.FormatUint(seed, 10)
	for _, a := range s.axes {
		part := "_" + keyDefs[a].column() + "=" + safe(s.entries[a].vals[idx[a]].text)
		if len(name)+len(part)+len(suffix) > MaxNameBytes {
			break // the index keeps the name unique; params.yaml has every value
		}
		name += part
	}
	return name + suffix
}

// maxValueBytes bounds one value in a name (a latency file's path may be
// long); a longer value keeps its end.
const maxValueBytes = 64

// safe makes a value fit a file name on any system: ASCII letters, digits,
// '.', '+' and '-'; a duration's µs is written us (as time.ParseDuration
// also reads it), every other character '_'.
func safe(v string) string {
	v = strings.NewReplacer("µs", "us", "μs", "us").Replace(v)
	b := make([]byte, 0, len(v))
	for _, r := range v {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '+', r == '-':
			b = append(b, byte(r))
		default:
			b = append(b, '_')
		}
	}
	if len(b) > maxValueBytes {
		// The end of a long path (a latency file's, made absolute) tells
		// it from the others.
		b = b[len(b)-maxValueBytes:]
	}
	return string(b)
}

// NetworkKey identifies the built network of the combination; see
// Params.NetworkKey.
func (c Combination) NetworkKey() string { return c.Params.NetworkKey() }

// values returns the combination as the keys see it.
func (c Combination) values() values {
	return values{name: c.Study, repeats: 1, p: c.Params, w: c.Workload}
}

// ParamsYAML returns every parameter of the combination as a study file
// in canonical form (see Study.Canonical), for the params.yaml of its
// output folder: parsed, it is a study of this one combination (its seed
// as seed, repeats 1) with the same Params and Workload.
func (c Combination) ParamsYAML() []byte {
	v := c.values()
	top, work := mappingNode(), mappingNode()
	for i := range keyDefs {
		d := &keyDefs[i]
		if !d.belongs(c.Workload.Type) {
			continue
		}
		m := top
		if d.types != nil {
			m = work
		}
		addPair(m, d.column(), scalarNode(d, d.get(&v)))
	}
	addPair(top, "workload", work)
	return encode(top)
}

// Canonical returns the study in canonical form: every key with its value
// or list of values in canonical form (defaults written out, comments and
// quoting dropped, durations and ranges as Go prints them). Keys are in a
// fixed order: the keys with one value first, then the axes in their
// order in the file, since that order numbers the combinations; the
// workload mapping comes where its first axis is, or last. Two files with
// one canonical form give the same combinations under the same indices,
// so a runner can tell whether an output folder holds this study or
// another one by comparing it with the canonical form saved there.
func (s *Study) Canonical() []byte {
	top, work := mappingNode(), mappingNode()
	isAxis := make([]bool, len(s.entries))
	for _, a := range s.axes {
		isAxis[a] = true
	}
	for i := range keyDefs {
		d := &keyDefs[i]
		if len(s.entries[i].vals) == 0 || isAxis[i] {
			continue
		}
		m := top
		if d.types != nil {
			m = work
		}
		addPair(m, d.column(), scalarNode(d, s.entries[i].vals[0].text))
	}
	workDone := false
	for _, a := range s.axes {
		d := &keyDefs[a]
		seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, x := range s.entries[a].vals {
			seq.Content = append(seq.Content, scalarNode(d, x.text))
		}
		if d.types == nil {
			addPair(top, d.column(), seq)
			continue
		}
		addPair(work, d.column(), seq)
		if !workDone {
			addPair(top, "workload", work) // work fills on: later workload axes land in it
			workDone = true
		}
	}
	if !workDone {
		addPair(top, "workload", work)
	}
	return append(encode(top), s.chartsYAML()...) // last: withoutCharts cuts it
}

func mappingNode() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

func addPair(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
}

// scalarNode writes a canonical value of d: numbers plain, strings tagged
// as strings, which the encoder quotes when they would read as something
// else.
func scalarNode(d *keyDef, text string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: d.tag, Value: text}
}

// encode writes a node as YAML with two-space indents.
func encode(n *yaml.Node) []byte {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		// The nodes are built here from canonical values: an error is a
		// bug of this package.
		panic("study: encoding canonical YAML: " + err.Error())
	}
	if err := enc.Close(); err != nil {
		panic("study: encoding canonical YAML: " + err.Error())
	}
	return b.Bytes()
}

// SummaryColumns returns the parameter columns of a study's summary CSV,
// one per key but name and repeats, in canonical order: the model keys
// (seed being the combination's seed), then "workload" for the workload
// type, then every workload key of both types under its name without the
// "workload." prefix. The columns do not depend on the study, so summaries
// of several studies can be concatenated; SummaryRow leaves the columns of
// the other workload type empty.
func SummaryColumns() []string {
	var cols []string
	for i := range keyDefs {
		d := &keyDefs[i]
		switch d.key {
		case nameKey, repeatsKey:
		case typeKey:
			cols = append(cols, "workload")
		default:
			cols = append(cols, d.column())
		}
	}
	return cols
}

// SummaryRow returns the combination's values of SummaryColumns, in
// canonical form.
func (c Combination) SummaryRow() []string {
	v := c.values()
	var row []string
	for i := range keyDefs {
		d := &keyDefs[i]
		switch {
		case d.key == nameKey || d.key == repeatsKey:
		case !d.belongs(c.Workload.Type):
			row = append(row, "")
		default:
			row = append(row, d.get(&v))
		}
	}
	return row
}

// keyNames lists the keys allowed in a mapping: the top level (prefix "")
// or the workload, of type wtype when known.
func keyNames(prefix string, wtype *WorkloadType) []string {
	var names []string
	for i := range keyDefs {
		d := &keyDefs[i]
		if (d.types == nil) != (prefix == "") || wtype != nil && !d.belongs(*wtype) {
			continue
		}
		names = append(names, d.column())
	}
	if prefix == "" {
		names = append(names, "workload")
	}
	return names
}

// suggest says what an unknown key could have been.
func suggest(word, prefix string, wtype *WorkloadType) string {
	names := keyNames(prefix, wtype)
	allowed := "one of " + strings.Join(names, ", ")
	if word == "<<" {
		return allowed + " (merge keys are not supported: write each key)"
	}
	norm := strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(word))
	best, bestDist := "", 3
	for _, n := range names {
		if len(norm) > 2*len(n)+3 {
			continue // too far anyway; and a long key must not cost much
		}
		// Two edits on a short key make it another word.
		if d := editDistance(norm, n); d < bestDist && (d <= 1 || len(n) >= 4) {
			best, bestDist = n, d
		}
	}
	if best != "" {
		return allowed + " (did you mean " + best + "?)"
	}
	if prefix == "" {
		if _, ok := keyIndex["workload."+word]; ok {
			return allowed + " (" + word + " is a workload key: put it under workload:)"
		}
	}
	return allowed
}

// editDistance is the Levenshtein distance between two keys.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
