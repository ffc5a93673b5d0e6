package study

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// ChartsKey is the top-level key under which a study asks for charts
// beyond the standard ones (see Charts):
//
//	charts:
//	  heatmap: [alpha, fast_error_rate]   # two swept keys: x, then y
//	  metric: found_share                 # a figure of summary.csv, or a list of them
//
// It says how to draw results, not what to run: two studies that differ
// only in it run the same combinations, so a run resumes, and a merge
// joins, folders whose study.yaml differs only there (the record is
// rewritten with the charts asked for now).
const ChartsKey = "charts"

// Charts are the charts a study asks for beyond the standard ones.
type Charts struct {
	// Heatmap names the two swept keys of a heat map, x then y, by their
	// summary column (alpha, samples); nil when the study asks for none.
	Heatmap []string
	// Metrics are the figures (columns of MetricColumns) the heat map
	// shows, one chart each.
	Metrics []string
}

// chartsForm is what the charts mapping said, read before the axes are
// known.
type chartsForm struct {
	key              *yaml.Node // the charts key
	heatmap, metrics []*yaml.Node
	// bad says a value of the mapping was refused: readCharts, which
	// would report what follows from it, has nothing to add.
	bad bool
}

// charts reads the form of the charts mapping v (key k).
func (ps *parser) charts(k, v *yaml.Node) {
	pos := v
	v = resolveAlias(v)
	const allowed = "a mapping such as {heatmap: [alpha, fast_error_rate], metric: found_share}"
	if v.Kind != yaml.MappingNode {
		ps.add(at(&FileError{Kind: ErrWrongType, Value: describe(v), Allowed: allowed}, ChartsKey, pos))
		return
	}
	form := &chartsForm{key: k}
	seen := map[string]int{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		key, val := v.Content[i], v.Content[i+1]
		name := ChartsKey + "." + key.Value
		if line, dup := seen[key.Value]; dup {
			ps.add(&FileError{Kind: ErrDuplicateKey, Line: key.Line, Column: key.Column, Key: name, Allowed: fmt.Sprintf("once; first at line %d", line)})
			continue
		}
		seen[key.Value] = key.Line
		list := func() ([]*yaml.Node, bool) {
			n := resolveAlias(val)
			var items []*yaml.Node
			switch n.Kind {
			case yaml.ScalarNode:
				items = []*yaml.Node{n}
			case yaml.SequenceNode:
				items = n.Content
			}
			for _, it := range items {
				if it = resolveAlias(it); it.Kind != yaml.ScalarNode || it.ShortTag() == "!!null" {
					items = nil
				}
			}
			return items, len(items) > 0
		}
		switch key.Value {
		case "heatmap":
			items, ok := list()
			if !ok || len(items) != 2 {
				ps.add(at(&FileError{Kind: ErrWrongType, Value: describe(resolveAlias(val)),
					Allowed: "a list of two swept keys, x then y, such as [alpha, fast_error_rate]"}, name, val))
				form.bad = true
				continue
			}
			form.heatmap = items
		case "metric":
			items, ok := list()
			if !ok {
				ps.add(at(&FileError{Kind: ErrWrongType, Value: describe(resolveAlias(val)),
					Allowed: "a figure of summary.csv, or a list of them, such as found_share"}, name, val))
				form.bad = true
				continue
			}
			form.metrics = items
		default:
			ps.add(&FileError{Kind: ErrUnknownKey, Line: key.Line, Column: key.Column, Key: name, Allowed: "one of heatmap, metric"})
		}
	}
	ps.chartsForm = form
}

// readCharts checks the charts the file asks for against the study's axes
// and figures, and sets s.Charts.
func (ps *parser) readCharts(s *Study) {
	form := ps.chartsForm
	if form == nil || form.bad {
		return
	}
	if form.heatmap == nil && form.metrics != nil {
		ps.add(at(&FileError{Kind: ErrInvalidValue, Value: "metric without heatmap",
			Allowed: "heatmap: [x, y], two swept keys, with the metric"}, ChartsKey, form.key))
		return
	}
	if form.heatmap == nil {
		return
	}
	var swept []string
	for _, i := range s.axes {
		swept = append(swept, columnOf(keyDefs[i].key))
	}
	ok := true
	var keys []string
	for _, n := range form.heatmap {
		key := columnOf(n.Value)
		switch {
		case !slices.Contains(swept, key):
			allowed := "a swept key (given a list of two values or more): " + strings.Join(swept, ", ")
			if len(swept) < 2 {
				allowed = "two swept keys (keys given a list of two values or more); this study sweeps " + fmt.Sprint(len(swept))
			}
			ps.add(at(&FileError{Kind: ErrInvalidValue, Value: n.Value, Allowed: allowed}, ChartsKey+".heatmap", n))
			ok = false
		case slices.Contains(keys, key):
			ps.add(at(&FileError{Kind: ErrDuplicateValue, Value: n.Value, Allowed: "two different swept keys, x then y"}, ChartsKey+".heatmap", n))
			ok = false
		}
		keys = append(keys, key)
	}
	metrics := MetricColumns(s.Workload)
	if form.metrics == nil {
		ps.add(at(&FileError{Kind: ErrInvalidValue, Value: "heatmap without metric",
			Allowed: "metric: a figure of summary.csv, one of " + strings.Join(metrics, ", ")}, ChartsKey, form.key))
		return
	}
	var ms []string
	for _, n := range form.metrics {
		switch {
		case !slices.Contains(metrics, n.Value):
			ps.add(at(&FileError{Kind: ErrInvalidValue, Value: n.Value,
				Allowed: fmt.Sprintf("a figure of the %s workload's summary.csv: %s", s.Workload, strings.Join(metrics, ", "))}, ChartsKey+".metric", n))
			ok = false
		case slices.Contains(ms, n.Value):
			ps.add(at(&FileError{Kind: ErrDuplicateValue, Value: n.Value, Allowed: "each figure once"}, ChartsKey+".metric", n))
			ok = false
		}
		ms = append(ms, n.Value)
	}
	if ok {
		s.Charts = Charts{Heatmap: keys, Metrics: ms}
	}
}

// chartsYAML is the canonical form of s.Charts, as a mapping of its own to
// append to the study's canonical form; nil when the study asks for no
// chart.
func (s *Study) chartsYAML() []byte {
	if s.Charts.Heatmap == nil {
		return nil
	}
	flow := func(vals []string) *yaml.Node {
		seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, v := range vals {
			seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v})
		}
		return seq
	}
	c := mappingNode()
	addPair(c, "heatmap", flow(s.Charts.Heatmap))
	addPair(c, "metric", flow(s.Charts.Metrics))
	top := mappingNode()
	addPair(top, ChartsKey, c)
	return encode(top)
}

// withoutCharts returns a study's record (Identity) without its charts
// mapping, which Canonical writes last: what a run must match to resume.
func withoutCharts(identity []byte) []byte {
	if i := strings.Index(string(identity), "\n"+ChartsKey+":\n"); i >= 0 {
		return identity[:i+1]
	}
	return identity
}

// columnOf returns the summary column of a study key: its path without
// "workload.".
func columnOf(key string) string { return strings.TrimPrefix(key, "workload.") }
