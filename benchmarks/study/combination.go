package study

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/go-dht/go-dht/benchmarks/param"
	"github.com/go-dht/go-dht/dht"
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
	// Params are every parameter of the combination, resolved: the
	// model's, the workload's (Params.Workload) and the study's name and
	// repeats (1: a combination is one run).
	Params Params
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
	v.Config.Network.Seed = s.Seed + uint64(r)
	v.Study = param.StudyOptions{Name: s.Name, Repeats: 1}
	c := Combination{Study: s.Name, Index: i, Point: point, Repeat: r, Params: v}
	for _, a := range s.axes {
		c.Swept = append(c.Swept, Setting{Key: keyDefs[a].key, Value: s.entries[a].vals[idx[a]].text})
	}
	c.Name = s.name(i, idx, v.Config.Network.Seed)
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

// build returns the parameters of the point idx selects: the defaults of
// its profile (the profile's value at idx, or godht's) for the study's
// workload type, with the values that idx selects set, resolved (beta,
// the termination rule and the fill as the model reads them).
func (s *Study) build(idx []int) Params {
	return s.buildRaw(idx).Resolve()
}

// buildRaw is build, unresolved.
func (s *Study) buildRaw(idx []int) Params {
	profile := dht.ProfileGoDHT
	if e := &s.entries[keyIndex[profileKey]]; len(e.vals) > 0 {
		profile = e.vals[idx[keyIndex[profileKey]]].v.(dht.Profile)
	}
	v := param.Defaults(profile, s.Workload)
	for i := range s.entries {
		if e := &s.entries[i]; len(e.vals) > 0 {
			e.vals[idx[i]].set(&v)
		}
	}
	return v
}

// name builds the name of combination i, whose values idx selects and
// whose seed is seed.
func (s *Study) name(i int, idx []int, seed uint64) string {
	width := max(4, len(strconv.Itoa(s.Len()-1)))
	name := fmt.Sprintf("c%0*d", width, i)
	suffix := "_seed=" + strconv.FormatUint(seed, 10)
	for _, a := range s.axes {
		text := s.entries[a].vals[idx[a]].text
		if keyDefs[a].composite {
			text = param.ClassesLabel(text) // a list of classes by their names
		}
		part := "_" + keyDefs[a].name() + "=" + safe(text)
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

// microseconds writes µs (and the Greek mu) as us.
var microseconds = strings.NewReplacer("µs", "us", "μs", "us")

// safe makes a value fit a file name on any system: ASCII letters, digits,
// '.', '+' and '-'; a duration's µs is written us (as time.ParseDuration
// also reads it), every other character '_'.
func safe(v string) string {
	v = microseconds.Replace(v)
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

// NetworkKey identifies the built network of the combination: two
// combinations with one key can share one built network, and differ only
// in link, lookup or workload parameters (see networkKey).
func (c Combination) NetworkKey() string { return networkKey(c.Params) }

// ParamsYAML returns every parameter of the combination as a study file
// in canonical form (see Study.Canonical), for the params.yaml of its
// output folder: parsed, it is a study of this one combination (its seed
// as seed, repeats 1) with the same Params and Workload.
func (c Combination) ParamsYAML() []byte {
	v := c.Params
	top, work := mappingNode(), mappingNode()
	for i := range keyDefs {
		d := &keyDefs[i]
		if !d.belongs(v.Workload.Type) {
			continue
		}
		m := top
		if d.types != nil {
			m = work
		}
		addPair(m, d.name(), scalarNode(d, d.get(&v)))
	}
	addPair(top, "workload", work)
	return encode(top)
}

// Canonical returns the study in canonical form: every key with its value
// or list of values in canonical form (defaults written out, comments and
// quoting dropped, durations and ranges as Go prints them). Keys are in a
// fixed order: the keys with one value first, then the axes in their
// order in the file, since that order numbers the combinations; the
// workload mapping comes where its first axis is, or last. A key the file
// leaves out is written with its default when that default is the same
// under every profile the study runs, and left out otherwise (each
// profile's default applies). Two files with one canonical form give the
// same combinations under the same indices, so a runner can tell whether
// an output folder holds this study or another one by comparing it with
// the canonical form saved there.
func (s *Study) Canonical() []byte {
	top, work := mappingNode(), mappingNode()
	isAxis := make([]bool, len(s.entries))
	for _, a := range s.axes {
		isAxis[a] = true
	}
	for i := range keyDefs {
		d := &keyDefs[i]
		if isAxis[i] || !d.belongs(s.Workload) {
			continue
		}
		text, ok := s.defaultText(i)
		if len(s.entries[i].vals) > 0 {
			text, ok = s.entries[i].vals[0].text, true
		}
		if !ok {
			continue
		}
		m := top
		if d.types != nil {
			m = work
		}
		addPair(m, d.name(), scalarNode(d, text))
	}
	workDone := false
	for _, a := range s.axes {
		d := &keyDefs[a]
		seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, x := range s.entries[a].vals {
			seq.Content = append(seq.Content, scalarNode(d, x.text))
		}
		if d.types == nil {
			addPair(top, d.name(), seq)
			continue
		}
		addPair(work, d.name(), seq)
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
	if d.composite && text != param.NoClasses {
		// A list of mappings, written back as one: flow style.
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(text), &doc); err != nil || len(doc.Content) != 1 {
			panic(fmt.Sprintf("study: canonical value %q of %s does not read back: %v", text, d.key, err))
		}
		n := doc.Content[0]
		n.Style = yaml.FlowStyle
		return n
	}
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

// defaultText returns the default of keyDefs[i] in canonical form when
// it is the same under every profile the study runs (its profile key's
// values, or godht).
func (s *Study) defaultText(i int) (string, bool) {
	d := &keyDefs[i]
	profiles := []dht.Profile{dht.ProfileGoDHT}
	if e := &s.entries[keyIndex[profileKey]]; len(e.vals) > 0 {
		profiles = profiles[:0]
		for _, x := range e.vals {
			profiles = append(profiles, x.v.(dht.Profile))
		}
	}
	text := ""
	for j, pr := range profiles {
		t := param.ProfileDefault(d.p, pr, s.Workload)
		if j > 0 && t != text {
			return "", false
		}
		text = t
	}
	return text, true
}

// studyColumns are the parameters of a study's CSV columns.
var studyColumns = param.Columns(param.StudyTable)

// SummaryColumns returns the parameter columns of every CSV of a study
// (its summary, and each combination's files), one per key but name and
// repeats, in the registry's order (param.Columns): the model keys (seed
// being the combination's seed), then "workload" for the workload type,
// then every workload key of every type under its name without the
// "workload." prefix; a duration's column ends in _s and holds seconds.
// The columns do not depend on the study, so summaries of several studies
// can be concatenated; SummaryRow leaves the columns of the other
// workload types empty.
func SummaryColumns() []string { return param.ColumnNames(studyColumns) }

// SummaryRow returns the combination's values of SummaryColumns: the
// values the model ran with, durations in seconds.
func (c Combination) SummaryRow() []string { return param.Cells(c.Params, studyColumns, "") }
