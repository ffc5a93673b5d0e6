package study

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/go-dht/go-dht/benchmarks/param"
	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/network/latency"
)

// Bounds of a study file.
const (
	// MaxCombinations bounds the combinations of a study, repeats
	// included: a grid larger than that is far more likely a mistake (one
	// list too many) than a plan, and it would be found only after hours.
	MaxCombinations = 100_000
	// MaxFileSize bounds the bytes of a study file.
	MaxFileSize = 1 << 20
)

// Study is a parsed and validated study file: what to run, as a grid of
// combinations. Its exported fields are for reading; Parse sets them. Its
// methods only read it, so one Study serves concurrent workers.
type Study struct {
	// Name names the study: the file's name key, or else the file name
	// without its extension (other characters than letters, digits, '-'
	// and '_' replaced by '_').
	Name string
	// File is the name given to Parse (the path given to Load).
	File string
	// Source is the file as read.
	Source []byte
	// Axes are the swept keys (the keys given a list of two values or
	// more), in the order of the file: the order of the cartesian
	// product, the first axis varying slowest.
	Axes []Axis
	// Repeats is the number of seeds each point of the grid runs with.
	Repeats int
	// Seed is the seed of the first repeat; repeat r runs with Seed + r.
	Seed uint64
	// Workload is the study's workload type.
	Workload WorkloadType
	// Charts are the charts the study asks for beyond the standard ones
	// (ChartsKey).
	Charts Charts

	// entries holds every key's values, by keyDefs index: one value for a
	// key given one value or left to its default, the list of an axis.
	entries []entry
	// axes are the indices in entries of the axes, in Axes order.
	axes []int
	// points is the number of grid points: the product of the axes' sizes.
	points int
	// latencyFiles are the latency files the study names, by path, as
	// Parse read them: the combinations use this content, and Identity
	// records its digest.
	latencyFiles map[string]*latency.File
}

// Axis is a swept key.
type Axis struct {
	// Key is the key's path: "alpha", "workload.samples".
	Key string
	// Values are the key's values in canonical form (as the combination
	// names and ParamsYAML write them), in file order.
	Values []string
	// CSVColumn is the key's column in the study's CSVs
	// (SummaryColumns: gamma_s for gamma, workload for workload.type),
	// and Cells the cells of its Values there (seconds for a duration:
	// 0.000125 for 125µs), in the order of Values: what a reader of
	// summary.csv matches a row's value against.
	CSVColumn string
	Cells     []string
	// Line and Column locate the key in the file.
	Line, Column int
}

// entry is the values of one key.
type entry struct {
	present   bool // the file sets the key
	line, col int  // of the key
	vals      []val
}

// val is one value of a key: its canonical text, the value, where it is,
// and what it sets.
type val struct {
	text      string
	v         any
	line, col int // 0 for a default
	set       func(*Params)
}

// Load reads and parses a study file; see Parse. The file must be a
// regular file: a named pipe or a device, whose reading may never end, is
// refused before it is opened.
func Load(path string) (*Study, error) {
	return LoadContext(context.Background(), path)
}

// LoadContext is Load, stopping with ctx's error when ctx is done (see
// ParseContext).
func LoadContext(ctx context.Context, path string) (*Study, error) {
	if err := regularFile(path); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	return ParseContext(ctx, path, data)
}

// regularFile reports a path that is not a regular file, with an error
// that wraps ErrInvalidStudy.
func regularFile(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	var what string
	switch m := info.Mode(); {
	case m.IsRegular():
		return nil
	case m.IsDir():
		what = "a folder"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe"
	case m&fs.ModeDevice != 0:
		what = "a device"
	default:
		what = "not a regular file (mode " + m.String() + ")"
	}
	return fmt.Errorf("%w: %s is %s, not a regular file", ErrInvalidStudy, path, what)
}

// Parse parses and validates a study file. file names it in errors and
// gives the study's default name. Every combination is validated: the
// model's parameters by dht.Config.Validate, the workload's by
// Workload.Validate, the realism parameters by ValidateRealism when it is
// set. The error is an Errors holding every problem found, each a
// *FileError with its line and column: first the errors of form (syntax,
// keys, types, lists, values that do not parse); the bounds, which need
// whole combinations, are checked once every value could be read.
func Parse(file string, data []byte) (*Study, error) {
	return ParseContext(context.Background(), file, data)
}

// ParseContext is Parse, stopping with ctx's error (not an Errors) when
// ctx is done: reading latency files and validating a large grid take
// seconds, which a Ctrl-C should not have to wait for.
func ParseContext(ctx context.Context, file string, data []byte) (*Study, error) {
	ps := &parser{file: file, ctx: ctx}
	s := ps.parse(data)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(ps.errs) > 0 {
		ps.sort()
		return nil, ps.errs
	}
	return s, nil
}

// parser holds the errors found so far.
type parser struct {
	file string
	// ctx stops a parse that is no longer wanted (Ctrl-C during check).
	ctx  context.Context
	errs Errors
	// unread holds the keys of which a value could not be read: the
	// combinations are validated with a default standing in for them, but
	// no error that involves them, or depends on them, is reported (the
	// default could make errors of its own).
	unread map[string]bool
	// seen dedupes errors found in several combinations.
	seen map[string]bool
	// chartsForm is the charts mapping as read, checked once the axes are
	// known (readCharts).
	chartsForm *chartsForm
}

// add records an error, with the parser's file name, once: a value out of
// range in one list element shows in many combinations.
func (ps *parser) add(e *FileError) {
	e.File = ps.file
	id := errorID(e)
	if ps.seen == nil {
		ps.seen = make(map[string]bool)
	}
	if !ps.seen[id] {
		ps.seen[id] = true
		ps.errs = append(ps.errs, e)
	}
}

// addValueError records an error that leaves a value unread.
func (ps *parser) addValueError(e *FileError) {
	if ps.unread == nil {
		ps.unread = map[string]bool{}
	}
	ps.unread[e.Key] = true
	ps.add(e)
}

// sort puts the errors in file order, those with no line last.
func (ps *parser) sort() {
	slices.SortStableFunc(ps.errs, func(a, b *FileError) int {
		if (a.Line == 0) != (b.Line == 0) {
			if a.Line == 0 {
				return 1
			}
			return -1
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
}

// at returns e placed at n, for key.
func at(e *FileError, key string, n *yaml.Node) *FileError {
	e.Key, e.Line, e.Column = key, n.Line, n.Column
	return e
}

var yamlErrLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parserProblems are the errors of yaml.v3's parser (parserc.go), as
// opposed to its scanner: yaml.v3 v3.0.1 reports their line from 0 (the
// line where the unfinished mapping or list starts), and omits it for the
// first line, where it reports a scanner error's line from 1.
var parserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"found undefined tag handle":             true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}

// syntax reports an error of the yaml decoder, at its line.
func (ps *parser) syntax(err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := &FileError{Kind: ErrSyntax, Value: msg}
	if m := yamlErrLine.FindStringSubmatch(err.Error()); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Value = m[2]
	}
	if parserProblems[e.Value] {
		e.Line++
	}
	ps.add(e)
}

func (ps *parser) parse(data []byte) *Study {
	if len(data) > MaxFileSize {
		ps.add(&FileError{Kind: ErrSyntax, Value: fmt.Sprintf("file larger than %d bytes", MaxFileSize)})
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			ps.add(&FileError{Kind: ErrSyntax, Value: "empty file; want a mapping of keys to values such as nodes: 10000"})
		} else {
			ps.syntax(err)
		}
		return nil
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		ps.add(&FileError{Kind: ErrSyntax, Line: next.Line, Column: next.Column, Value: "a second YAML document; a study is one document"})
		return nil
	} else if err != io.EOF {
		ps.syntax(err)
		return nil
	}
	if len(doc.Content) == 0 {
		ps.add(&FileError{Kind: ErrSyntax, Value: "empty document; want a mapping of keys to values such as nodes: 10000"})
		return nil
	}
	root := resolveAlias(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		ps.add(&FileError{Kind: ErrWrongType, Line: root.Line, Column: root.Column, Value: describe(root),
			Allowed: "a mapping of keys to values such as nodes: 10000"})
		return nil
	}

	s := &Study{File: ps.file, Source: slices.Clone(data), entries: make([]entry, len(keyDefs))}
	ps.mapping(s, root, "", nil)
	ps.fillDefaults(s)
	ps.readCharts(s) // needs only the lists and the workload type
	v := s.scalars()
	s.Repeats, s.Seed = v.Study.Repeats, v.Config.Network.Seed
	if s.Seed > ^uint64(0)-uint64(s.Repeats-1) {
		e := &s.entries[keyIndex["seed"]]
		ps.add(&FileError{Key: "seed", Line: e.vals[0].line, Column: e.vals[0].col, Value: e.vals[0].text, Kind: ErrOutOfRange,
			Allowed: fmt.Sprintf("at most %d with repeats %d (seeds seed..seed+repeats-1)", ^uint64(0)-uint64(s.Repeats-1), s.Repeats)})
	}
	if !ps.grid(s) {
		return nil
	}
	if ValidateRealism != nil {
		ps.loadLatency(s)
	}
	ps.validate(s)
	return s
}

// latencyKey is the key of the latency model.
const latencyKey = "latency"

// latencyFileSpec reports whether a latency spec names a file rather than
// a model of package latency (uniform, or a built-in).
func latencyFileSpec(spec string) bool {
	return spec != "" && spec != "uniform" && !slices.Contains(latency.Names(), spec)
}

// resolveLatency returns the path of a latency file, as a study records
// it: a relative path is resolved against the study file's folder (not the
// working directory), and made absolute, so that study.yaml and
// params.yaml name the file wherever they are read. Other specs are kept.
func (ps *parser) resolveLatency(spec string) string {
	if !latencyFileSpec(spec) {
		return spec
	}
	if filepath.IsAbs(spec) {
		return filepath.Clean(spec)
	}
	path := filepath.Join(filepath.Dir(ps.file), spec)
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return path
}

// loadLatency reads every latency file the study names, once each, and
// makes the combinations use the content read (Study.latencyFiles): its
// digest is part of the study's Identity. A file that cannot be used is an
// ErrLatencyFile error at each value that names it, saying what is wrong
// and where in the latency file.
func (ps *parser) loadLatency(s *Study) {
	e := &s.entries[keyIndex[latencyKey]]
	for i := range e.vals {
		x := &e.vals[i]
		path := x.text
		if !latencyFileSpec(path) {
			continue
		}
		f, ok := s.latencyFiles[path]
		if !ok {
			if err := ps.ctx.Err(); err != nil {
				return
			}
			var err error
			if f, err = latency.LoadFile(ps.ctx, path); err != nil {
				if ps.ctx.Err() != nil {
					return
				}
				fe := &FileError{Key: latencyKey, Line: x.line, Column: x.col, Value: path, Kind: ErrLatencyFile, Err: err}
				var lfe *latency.FileError
				if !errors.As(err, &lfe) {
					// A file that could not be read may be a typo of a
					// model's name.
					fe.Allowed = keyDefs[keyIndex[latencyKey]].p.Allowed() + " (a relative path is read from the study file's folder)"
				}
				ps.addValueError(fe)
				continue
			}
			if s.latencyFiles == nil {
				s.latencyFiles = map[string]*latency.File{}
			}
			s.latencyFiles[path] = f
		}
		x.set = func(v *Params) { v.Latency, v.LatencyFile = path, f }
	}
}

// mapping reads the pairs of a mapping: the top level (prefix "") or the
// workload (prefix "workload."). wtype is the workload type when known.
func (ps *parser) mapping(s *Study, m *yaml.Node, prefix string, wtype *WorkloadType) {
	first := map[string]*yaml.Node{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			ps.add(&FileError{Kind: ErrUnknownKey, Line: k.Line, Column: k.Column, Key: prefix + "?", Value: describe(k),
				Allowed: "a key that is a word: " + strings.Join(keyNames(prefix, wtype), ", ")})
			continue
		}
		key := prefix + k.Value
		if f, dup := first[key]; dup {
			ps.add(&FileError{Kind: ErrDuplicateKey, Line: k.Line, Column: k.Column, Key: key,
				Allowed: fmt.Sprintf("once; first at line %d", f.Line)})
			continue
		}
		first[key] = k
		if key == "workload" {
			ps.workload(s, v)
			continue
		}
		if key == WarningsKey {
			ps.warnings(v)
			continue
		}
		if key == ChartsKey {
			ps.charts(k, v)
			continue
		}
		i, ok := keyIndex[key]
		if !ok || prefix == "" && strings.HasPrefix(key, "workload.") {
			ps.add(&FileError{Kind: ErrUnknownKey, Line: k.Line, Column: k.Column, Key: key, Allowed: suggest(k.Value, prefix, wtype)})
			continue
		}
		d := &keyDefs[i]
		if wtype != nil && !d.belongs(*wtype) {
			var owner []string
			for _, t := range d.types {
				owner = append(owner, t.String())
			}
			ps.add(&FileError{Kind: ErrWrongWorkload, Line: k.Line, Column: k.Column, Key: key,
				Allowed: fmt.Sprintf("the keys of workload type %s: %s (%s is a %s key)",
					*wtype, strings.Join(keyNames(prefix, wtype), ", "), k.Value, strings.Join(owner, "/"))})
			continue
		}
		ps.values(s, i, k, v)
	}
}

// workload reads the workload mapping: its type first, which says what
// keys belong.
func (ps *parser) workload(s *Study, pos *yaml.Node) {
	v := resolveAlias(pos)
	if v.Kind != yaml.MappingNode {
		what := ErrWrongType
		if v.Kind == yaml.SequenceNode {
			what = ErrNotListable
		}
		ps.addValueError(at(&FileError{Kind: what, Value: describe(v), Allowed: "a mapping such as {type: retrieval, segments: 100}"}, "workload", pos))
		return
	}
	// The type may come after keys it decides about: read it first. When
	// it cannot be read (mapping reports why), wtype is nil and no key is
	// said to belong to another type.
	t := Retrieval
	wtype := &t
	for i := 0; i+1 < len(v.Content); i += 2 {
		if v.Content[i].Kind == yaml.ScalarNode && v.Content[i].Value == "type" {
			n := resolveAlias(v.Content[i+1])
			parsed, err := ParseWorkloadType(n.Value)
			if n.Kind != yaml.ScalarNode || err != nil {
				wtype = nil
			}
			t = parsed
			break
		}
	}
	if wtype != nil {
		s.Workload = *wtype
	}
	ps.mapping(s, v, "workload.", wtype)
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

// describe shows a node that is not the scalar a key wants.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "[...]"
	case yaml.MappingNode:
		return "{...}"
	}
	if n.ShortTag() == "!!null" {
		return "null"
	}
	return n.Value
}

// values reads the value of keyDefs[i] (key node k, value node v): one
// value, or a list of them.
func (ps *parser) values(s *Study, i int, k, v *yaml.Node) {
	d := &keyDefs[i]
	e := &s.entries[i]
	e.present, e.line, e.col = true, k.Line, k.Column
	pos := v // an alias is reported where it is used
	v = resolveAlias(v)
	if d.composite && v.Kind == yaml.SequenceNode && len(v.Content) > 0 && resolveAlias(v.Content[0]).Kind == yaml.MappingNode {
		// A list of mappings is one value of a composite key; a list of
		// such lists sweeps it.
		if x, ok := ps.scalar(d, s.Workload, v, pos); ok {
			e.vals = append(e.vals, x)
		}
		return
	}
	switch v.Kind {
	case yaml.SequenceNode:
		if !d.listable {
			ps.addValueError(at(&FileError{Kind: ErrNotListable, Value: "[...]", Allowed: d.p.Allowed() + "; " + d.p.SingleWhy}, d.key, pos))
			return
		}
		if len(v.Content) == 0 {
			ps.addValueError(at(&FileError{Kind: ErrEmptyList, Value: "[]", Allowed: "one value or a non-empty list of values: " + d.p.Allowed()}, d.key, pos))
			return
		}
		where := map[string]*yaml.Node{}
		for _, n := range v.Content {
			x, ok := ps.scalar(d, s.Workload, resolveAlias(n), n)
			if !ok {
				continue
			}
			if f, dup := where[x.text]; dup {
				ps.addValueError(at(&FileError{Kind: ErrDuplicateValue, Value: n.Value,
					Allowed: fmt.Sprintf("each value once; %s is also at line %d, column %d", x.text, f.Line, f.Column)}, d.key, n))
				continue
			}
			where[x.text] = n
			e.vals = append(e.vals, x)
		}
		if len(e.vals) >= 2 {
			s.axes = append(s.axes, i)
		}
	case yaml.MappingNode:
		ps.addValueError(at(&FileError{Kind: ErrWrongType, Value: "{...}", Allowed: d.p.Allowed()}, d.key, pos))
	default:
		if x, ok := ps.scalar(d, s.Workload, v, pos); ok {
			e.vals = append(e.vals, x)
		}
	}
}

// scalar reads one value n of d, in a study of workload type t (pos
// locates it: the alias, for an aliased value).
func (ps *parser) scalar(d *keyDef, t WorkloadType, n, pos *yaml.Node) (val, bool) {
	if d.composite && n.Kind == yaml.SequenceNode {
		// Read the list's mappings where they are, for errors that point
		// at the class and key at fault; then the list as its text.
		text, fe := classesText(n)
		if fe != nil {
			fe.Key = d.key
			ps.addValueError(fe)
			return val{}, false
		}
		n = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: text, Line: n.Line, Column: n.Column}
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		allowed := d.p.Allowed()
		if n.ShortTag() == "!!null" && d.key != nameKey {
			def := param.ProfileDefault(d.p, dht.ProfileGoDHT, t)
			if d.p.Default == "" && d.p.DefaultDoc == "" && d.p.Key != "profile" {
				def += " (under the godht profile; the profile's under another)"
			}
			allowed += "; remove the key for the default, " + def
		}
		ps.addValueError(at(&FileError{Kind: ErrWrongType, Value: describe(n), Allowed: allowed}, d.key, pos))
		return val{}, false
	}
	v, fe := d.parseValue(n)
	if fe != nil {
		ps.addValueError(at(fe, d.key, pos))
		return val{}, false
	}
	if d.key == latencyKey {
		v = ps.resolveLatency(v.(string))
	}
	return val{text: d.p.Format(v), v: v, line: pos.Line, col: pos.Column, set: func(s *Params) { d.p.Set(s, v) }}, true
}

// fillDefaults gives the keys of one value that the file leaves out
// their default (the others take their profile's, in each combination),
// and names the study.
func (ps *parser) fillDefaults(s *Study) {
	for i := range keyDefs {
		d := &keyDefs[i]
		e := &s.entries[i]
		if len(e.vals) > 0 || !d.belongs(s.Workload) || d.listable {
			continue
		}
		v := d.p.DefaultFor(dht.ProfileGoDHT, s.Workload)
		if d.key == nameKey {
			v = defaultName(ps.file)
		}
		e.vals = []val{{text: d.p.Format(v), v: v, set: func(s *Params) { d.p.Set(s, v) }}}
	}
	s.Name = s.scalars().Study.Name
}

// defaultName derives a study's name from its file name.
func defaultName(file string) string {
	base := filepath.Base(file)
	base = strings.TrimSuffix(base, filepath.Ext(base))
	b := []byte(base)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	if len(b) > MaxStudyNameLen {
		b = b[:MaxStudyNameLen]
	}
	if len(b) == 0 || base == "." || base == string(filepath.Separator) {
		return "study"
	}
	return string(b)
}

// scalars applies the first value of every key to the defaults.
func (s *Study) scalars() Params {
	v := param.Defaults(dht.ProfileGoDHT, s.Workload)
	for i := range s.entries {
		if e := &s.entries[i]; len(e.vals) > 0 {
			e.vals[0].set(&v)
		}
	}
	return v
}

// grid counts the grid's points and reports a grid too large.
func (ps *parser) grid(s *Study) bool {
	total := big.NewInt(1)
	var sizes, keys []string
	for _, i := range s.axes {
		n := len(s.entries[i].vals)
		total.Mul(total, big.NewInt(int64(n)))
		sizes = append(sizes, strconv.Itoa(n))
		keys = append(keys, keyDefs[i].key)
	}
	points := new(big.Int).Set(total)
	total.Mul(total, big.NewInt(int64(s.Repeats)))
	if total.Cmp(big.NewInt(MaxCombinations)) > 0 {
		e := &FileError{Kind: ErrTooManyCombinations, Key: strings.Join(keys, " x "),
			Value:   fmt.Sprintf("%s values x %d repeats = %s combinations", strings.Join(sizes, " x "), s.Repeats, total),
			Allowed: fmt.Sprintf("at most %d combinations (the lists are swept as their cartesian product, each point run repeats times)", MaxCombinations)}
		if len(keys) == 0 {
			e.Key = repeatsKey
		}
		if len(s.axes) > 0 {
			first := &s.entries[s.axes[0]]
			e.Line, e.Column = first.line, first.col
		} else if r := &s.entries[keyIndex[repeatsKey]]; r.present {
			e.Line, e.Column = r.line, r.col
		}
		ps.add(e)
		return false
	}
	s.points = int(points.Int64())
	for _, i := range s.axes {
		d := &keyDefs[i]
		a := Axis{Key: d.key, Line: s.entries[i].line, Column: s.entries[i].col, CSVColumn: d.p.Column()}
		for _, x := range s.entries[i].vals {
			a.Values = append(a.Values, x.text)
			a.Cells = append(a.Cells, d.p.Cell(x.v))
		}
		s.Axes = append(s.Axes, a)
	}
	return true
}

// validate checks every point of the grid against the bounds of the model,
// of the workload, and of ValidateRealism.
func (ps *parser) validate(s *Study) {
	seen := map[string]*found{}
	var order []*found
	idx, other := make([]int, len(s.entries)), make([]int, len(s.entries))
	// Two points that the model reads alike (beta 0 and beta k; default
	// and the profile's rule or fill) would run one combination twice
	// under two names. Only a sweep of beta, termination or fill can give
	// them: every other value reads as itself.
	var same map[string]int
	for _, k := range []string{"beta", "termination", "fill"} {
		if len(s.entries[keyIndex[k]].vals) > 1 {
			same = map[string]int{}
		}
	}
	var unread []*param.Param
	for key := range ps.unread {
		if i, ok := keyIndex[key]; ok {
			unread = append(unread, keyDefs[i].p)
		}
	}
	for point := range s.points {
		if point%64 == 0 && ps.ctx.Err() != nil {
			return // ParseContext reports it
		}
		s.odometer(point, idx)
		v := s.build(idx)
		probs := pointProblems(v, unread)
		var resolved string
		if same != nil {
			resolved = s.resolvedKey(&v)
		}
		if first, dup := same[resolved]; dup && same != nil {
			s.odometer(first, other)
			for _, a := range s.axes {
				if idx[a] != other[a] {
					probs = append(probs, problem{keys: []string{keyDefs[a].key}, kind: ErrDuplicateValue,
						allowed: fmt.Sprintf("values the model reads apart; here it reads as %s, also in the list (beta 0 is k; default is the profile's termination rule or fill)",
							s.entries[a].vals[other[a]].text)})
					break
				}
			}
		} else if same != nil {
			same[resolved] = point
		}
		if ValidateRealism != nil {
			for _, fe := range ValidateRealism(v) {
				if fe != nil {
					probs = append(probs, problem{keys: strings.Split(fe.Key, "/"), value: fe.Value, allowed: fe.Allowed, kind: fe.Kind, cause: fe.Err})
				}
			}
		}
		for _, p := range probs {
			e, at := s.locate(idx, p)
			id := errorID(e)
			if f := seen[id]; f != nil {
				f.count++
				continue
			}
			if len(s.axes) > 0 {
				e.Combination = s.name(point*s.Repeats, idx, s.Seed)
			}
			f := &found{e: e, at: at, count: 1}
			seen[id] = f
			order = append(order, f)
		}
	}
	for _, f := range order {
		// A value that fails in every point that has it fails whatever the
		// other keys are: its line says all. Otherwise the error names the
		// first combination that shows it, whose other values are part of
		// the cause.
		if f.at >= 0 && f.count == s.points/len(s.entries[f.at].vals) {
			f.e.Combination = ""
		}
		ps.add(f.e)
	}
}

// resolvedKey writes every parameter of a grid point as the model reads
// it, to find two points that run alike.
func (s *Study) resolvedKey(v *Params) string {
	var b strings.Builder
	for i := range keyDefs {
		b.WriteString(keyDefs[i].get(v))
		b.WriteByte(0)
	}
	return b.String()
}

// found is an error of validate, with the entry of the value that locates
// it (-1 for none) and the number of points that show it.
type found struct {
	e     *FileError
	at    int
	count int
}

// errorID identifies an error up to the combination that shows it.
func errorID(e *FileError) string {
	return fmt.Sprintf("%v\x00%d\x00%d\x00%s\x00%s\x00%s", e.Kind, e.Line, e.Column, e.Key, e.Value, e.Allowed)
}

// locate places a problem of the point idx selects at the value of its
// first key that the file sets, and returns the entry of that key (-1 if
// none: the values are defaults, or the realism hook named a key it does
// not own).
func (s *Study) locate(idx []int, p problem) (*FileError, int) {
	e := &FileError{Key: joinKeys(p.keys), Value: p.value, Allowed: p.allowed, Kind: p.kind, Err: p.cause}
	if e.Kind == nil {
		e.Kind = ErrInvalidValue
	}
	at := -1
	for _, k := range p.keys {
		i, ok := keyIndex[k]
		if !ok || len(s.entries[i].vals) == 0 {
			continue
		}
		x := s.entries[i].vals[idx[i]]
		if e.Value == "" {
			e.Value = x.text
		}
		if x.line > 0 {
			e.Line, e.Column = x.line, x.col
			at = i
			break
		}
	}
	return e, at
}
