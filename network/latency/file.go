package latency

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// maxFileRegions bounds the regions of a latency file: the model holds
// regions^2 pair distributions.
const maxFileRegions = 1000

// MaxFileSize bounds the bytes of a latency file: 16 MiB holds the largest
// file (1000 regions, every pair given one way, about 8 MB; both ways,
// about 16 MB), and parsing it takes seconds and a few hundred MB.
const MaxFileSize = 16 << 20

// fileSizeName is MaxFileSize for messages.
const fileSizeName = "16 MiB"

// File is a latency file as read: its path, the digest of its bytes, and
// its model, which File.Model places on a seed. A runner that keeps the
// File uses exactly the content whose digest it recorded, whatever happens
// to the file later.
type File struct {
	// Path is the path given to LoadFile.
	Path string
	// SHA256 is the hex SHA-256 of the file's bytes.
	SHA256 string
	t      *table
}

// Model returns the file's model, placing nodes by seed.
func (f *File) Model(seed uint64) Model { return f.t.withSeed(seed) }

// Load reads a latency file (YAML; its format is in the package
// documentation) and returns its model, placing nodes by seed. A mistake in
// the file is a *FileError naming the key, its line and what is allowed;
// so is a path that is not a regular file, or a file larger than
// MaxFileSize. A file that cannot be read is an error that names it and
// wraps the cause (errors.Is(err, fs.ErrNotExist) for a missing file).
func Load(path string, seed uint64) (Model, error) {
	f, err := LoadFile(context.Background(), path)
	if err != nil {
		return nil, err
	}
	return f.Model(seed), nil
}

// LoadFile is Load, returning the file rather than a model: its digest
// identifies the content the model was built from. Reading and parsing
// stop with ctx's error when ctx is done.
func LoadFile(ctx context.Context, path string) (*File, error) {
	data, err := readFile(ctx, path)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	digest := hex.EncodeToString(sum[:])
	files.Lock()
	f := files.m[path]
	files.Unlock()
	if f != nil && f.SHA256 == digest {
		return f, nil
	}
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	t, err := parse(ctx, path, name, data)
	if err != nil {
		return nil, err
	}
	f = &File{Path: path, SHA256: digest, t: t}
	files.Lock()
	if files.m == nil {
		files.m = map[string]*File{}
	}
	if old := files.m[path]; old != nil && old.SHA256 == digest {
		f = old // parsed meanwhile by another goroutine
	} else {
		files.m[path] = f
	}
	files.Unlock()
	return f, nil
}

// files holds the latest content LoadFile parsed of each path: a file read
// again unchanged (a study parsed twice, the shards of a merge) is parsed
// once and gives the same *File; a changed file is parsed anew and
// replaces it.
var files struct {
	sync.Mutex
	m map[string]*File
}

// readError is a latency file that could not be read: its path and the
// cause, which errors.Is and errors.As see.
type readError struct {
	path string
	err  error
}

func (e *readError) Error() string {
	msg := e.err.Error()
	var pe *fs.PathError
	switch {
	case errors.Is(e.err, fs.ErrNotExist):
		msg = "does not exist"
	case errors.As(e.err, &pe):
		msg = pe.Err.Error() // the path is said once
	}
	return "latency file " + e.path + ": " + msg
}

func (e *readError) Unwrap() error { return e.err }

// readFile reads a latency file: a regular file of at most MaxFileSize
// bytes. A named pipe, a device or a folder is refused before it is
// opened, since reading one may never end.
func readFile(ctx context.Context, path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, &readError{path, err}
	}
	if err := checkRegular(path, info); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &readError{path, err}
	}
	defer f.Close()
	// The path may have changed between Stat and Open: check what was
	// opened.
	if info, err = f.Stat(); err != nil {
		return nil, &readError{path, err}
	}
	if err := checkRegular(path, info); err != nil {
		return nil, err
	}
	data := make([]byte, 0, info.Size()+1)
	r := io.LimitReader(f, MaxFileSize+1)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if len(data) == cap(data) {
			data = slices.Grow(data, 1<<20)
		}
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &readError{path, err}
		}
	}
	if len(data) > MaxFileSize {
		return nil, tooLarge(path, int64(len(data)))
	}
	return data, nil
}

// checkRegular refuses what is not a regular file of at most MaxFileSize
// bytes.
func checkRegular(path string, info fs.FileInfo) error {
	allowed := "a regular file of at most " + fileSizeName
	var what string
	switch m := info.Mode(); {
	case m.IsRegular():
		if info.Size() > MaxFileSize {
			return tooLarge(path, info.Size())
		}
		return nil
	case m.IsDir():
		what = "a folder"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		what = "a device"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	default:
		what = "not a regular file (mode " + m.String() + ")"
	}
	return &FileError{File: path, Problem: "is " + what + ", not a regular file", Allowed: allowed}
}

func tooLarge(path string, size int64) error {
	return &FileError{File: path, Problem: fmt.Sprintf("is larger than %s (%d bytes or more)", fileSizeName, size),
		Allowed: "a regular file of at most " + fileSizeName}
}

// Parse is Load from the bytes of a file; the model is named "file" unless
// the file names it.
func Parse(data []byte, seed uint64) (Model, error) {
	t, err := parse(context.Background(), "", "file", data)
	if err != nil {
		return nil, err
	}
	return t.withSeed(seed), nil
}

// fileParser turns the YAML tree of a latency file into a model; it keeps
// the file name for its errors.
type fileParser struct {
	file string
	ctx  context.Context
}

func (p *fileParser) errorf(n *yaml.Node, key, allowed, format string, args ...any) *FileError {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &FileError{File: p.file, Line: line, Key: key, Problem: fmt.Sprintf(format, args...), Allowed: allowed}
}

// deref follows YAML aliases (*name) to the node they stand for.
func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// kindName names a node's kind for error messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return quoteShort(n.Value)
	}
	return "empty"
}

// quoteShort quotes a value for an error, cut to 40 bytes: a value that
// is a whole paragraph says no more in full.
func quoteShort(v string) string {
	const most = 40
	if len(v) > most {
		cut := most
		for cut > 0 && !utf8.RuneStart(v[cut]) {
			cut--
		}
		return strconv.Quote(v[:cut]) + "..."
	}
	return strconv.Quote(v)
}

// entries returns the key and value nodes of a mapping in file order; a key
// given twice is an error.
func (p *fileParser) entries(n *yaml.Node, key, allowed string) ([][2]*yaml.Node, error) {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		return nil, p.errorf(n, key, allowed, "is %s, not a mapping", kindName(n))
	}
	out := make([][2]*yaml.Node, 0, len(n.Content)/2)
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, p.errorf(k, key, allowed, "has a key that is %s", kindName(k))
		}
		if line, dup := seen[k.Value]; dup {
			return nil, p.errorf(k, join(key, k.Value), "each key once", "given again (first on line %d)", line)
		}
		seen[k.Value] = k.Line
		out = append(out, [2]*yaml.Node{k, v})
	}
	return out, nil
}

func join(key, sub string) string {
	if key == "" {
		return sub
	}
	return key + "." + sub
}

// parse reads the bytes of a latency file into its table; it stops with
// ctx's error when ctx is done.
func parse(ctx context.Context, file, name string, data []byte) (*table, error) {
	if len(data) > MaxFileSize {
		return nil, tooLarge(file, int64(len(data)))
	}
	p := &fileParser{file: file, ctx: ctx}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, p.errorf(nil, "", "", "%v", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, p.errorf(nil, "", "a mapping with keys regions and latencies", "the file is empty")
	}
	const topAllowed = "name, regions, latencies"
	top, err := p.entries(doc.Content[0], "", "a mapping with keys "+topAllowed)
	if err != nil {
		return nil, err
	}
	// The key nodes give the lines of errors about a section as a whole.
	var regionsKey, regionsNode, latenciesKey, latenciesNode *yaml.Node
	for _, e := range top {
		switch k, v := e[0], deref(e[1]); k.Value {
		case "name":
			if v.Kind != yaml.ScalarNode || v.Value == "" {
				return nil, p.errorf(v, "name", "a non-empty string", "is %s", kindName(v))
			}
			name = v.Value
		case "regions":
			regionsKey, regionsNode = k, e[1]
		case "latencies":
			latenciesKey, latenciesNode = k, e[1]
		default:
			return nil, p.errorf(k, k.Value, topAllowed, "unknown key")
		}
	}
	if regionsNode == nil {
		return nil, p.errorf(doc.Content[0], "regions", "a mapping of region name to share", "missing")
	}
	regions, shares, err := p.regions(regionsKey, regionsNode)
	if err != nil {
		return nil, err
	}
	if latenciesNode == nil {
		return nil, p.errorf(doc.Content[0], "latencies", "a mapping of region to a mapping of region to latency", "missing")
	}
	rtts, err := p.latencies(latenciesKey, latenciesNode, regions)
	if err != nil {
		return nil, err
	}
	t, err := newTable(name, regions, shares, rtts)
	if err != nil {
		// The checks above rule this out; report it against the file all
		// the same rather than panic.
		return nil, p.errorf(regionsNode, "regions", "", "%v", err)
	}
	return t, nil
}

// regions reads "regions: {name: share, ...}"; key is the node of
// "regions".
func (p *fileParser) regions(key, n *yaml.Node) ([]string, []float64, error) {
	const allowed = "a mapping of region name to share (a number >= 0; shares are normalised by their sum)"
	es, err := p.entries(n, "regions", allowed)
	if err != nil {
		return nil, nil, err
	}
	if len(es) == 0 || len(es) > maxFileRegions {
		return nil, nil, p.errorf(key, "regions", fmt.Sprintf("1..%d regions", maxFileRegions), "has %d regions", len(es))
	}
	regions := make([]string, len(es))
	shares := make([]float64, len(es))
	var total float64
	for i, e := range es {
		k := e[0].Value
		if k == "" {
			return nil, nil, p.errorf(e[0], "regions", "a non-empty region name", "has an empty region name")
		}
		v, err := p.nonNegative(e[1], "regions."+k)
		if err != nil {
			return nil, nil, err
		}
		regions[i], shares[i] = k, v
		total += v
	}
	if !(total > 0) || math.IsInf(total, 0) {
		return nil, nil, p.errorf(key, "regions", "shares >= 0 with a positive, finite sum", "shares sum to %v", total)
	}
	return regions, shares, nil
}

// latencies reads "latencies: {from: {to: latency, ...}, ...}". A pair
// given one way only is used both ways; a pair given neither way is an
// error. key is the node of "latencies".
func (p *fileParser) latencies(key, n *yaml.Node, regions []string) ([]rtt, error) {
	index := make(map[string]int, len(regions))
	for i, r := range regions {
		index[r] = i
	}
	known := "a region of regions: " + strings.Join(regions, ", ")
	froms, err := p.entries(n, "latencies", "a mapping of region to a mapping of region to latency")
	if err != nil {
		return nil, err
	}
	nr := len(regions)
	rtts := make([]rtt, nr*nr)
	given := make([]bool, nr*nr)
	for _, f := range froms {
		from, ok := index[f[0].Value]
		if !ok {
			return nil, p.errorf(f[0], "latencies."+f[0].Value, known, "unknown region")
		}
		tos, err := p.entries(f[1], "latencies."+f[0].Value, "a mapping of region to latency")
		if err != nil {
			return nil, err
		}
		if err := p.ctx.Err(); err != nil {
			return nil, err
		}
		for _, t := range tos {
			key := "latencies." + f[0].Value + "." + t[0].Value
			to, ok := index[t[0].Value]
			if !ok {
				return nil, p.errorf(t[0], key, known, "unknown region")
			}
			d, err := p.rtt(t[1], key)
			if err != nil {
				return nil, err
			}
			rtts[from*nr+to], given[from*nr+to] = d, true
		}
	}
	for i := range nr {
		for j := range nr {
			switch {
			case given[i*nr+j]:
			case given[j*nr+i]:
				rtts[i*nr+j] = rtts[j*nr+i]
			default:
				problem := fmt.Sprintf("no latency for %s -> %s", regions[i], regions[j])
				if i != j {
					problem += fmt.Sprintf(" nor %s -> %s", regions[j], regions[i])
				}
				return nil, p.errorf(key, "latencies", "every pair of regions, at least one way", "%s", problem)
			}
		}
	}
	return rtts, nil
}

// The parameters each distribution takes; min and max clip the draws of
// the ones that have them as options.
var distParams = map[string][]string{
	"constant":  {"value"},
	"uniform":   {"min", "max"},
	"normal":    {"mean", "std", "min", "max"},
	"lognormal": {"mean", "std", "mu", "sigma", "min", "max"},
	"gamma":     {"shape", "scale", "min", "max"},
}

const distAllowed = "a duration such as 80ms, or a mapping with dist: constant (value), uniform (min, max), " +
	"normal (mean, std), lognormal (mean, std or mu, sigma), gamma (shape, scale); " +
	"normal, lognormal and gamma also take min and max to clip draws"

// rtt reads one pair's latency: a duration, or a distribution.
func (p *fileParser) rtt(n *yaml.Node, key string) (rtt, error) {
	inf := math.Inf(1)
	if v := deref(n); v.Kind == yaml.ScalarNode {
		ms, err := p.duration(n, key)
		if err != nil {
			return rtt{}, err
		}
		return rtt{family: constant, a: ms, hi: inf, mean: ms}, nil
	}
	es, err := p.entries(n, key, distAllowed)
	if err != nil {
		return rtt{}, err
	}
	params := map[string]*yaml.Node{}
	var dist *yaml.Node
	for _, e := range es {
		if e[0].Value == "dist" {
			dist = deref(e[1])
			continue
		}
		params[e[0].Value] = e[1]
	}
	if dist == nil {
		return rtt{}, p.errorf(n, key+".dist", distAllowed, "missing")
	}
	allowed, ok := distParams[dist.Value]
	if dist.Kind != yaml.ScalarNode || !ok {
		return rtt{}, p.errorf(dist, key+".dist", "constant, uniform, normal, lognormal, gamma", "unknown distribution %s", kindName(dist))
	}
	for _, e := range es {
		if k := e[0].Value; k != "dist" && !slices.Contains(allowed, k) {
			return rtt{}, p.errorf(e[0], key+"."+k, dist.Value+" takes "+strings.Join(allowed, ", "), "unknown parameter")
		}
	}
	// need reads a required parameter with read.
	need := func(name string, read func(*yaml.Node, string) (float64, error)) (float64, error) {
		v, ok := params[name]
		if !ok {
			return 0, p.errorf(n, key+"."+name, dist.Value+" takes "+strings.Join(allowed, ", "), "missing")
		}
		return read(v, key+"."+name)
	}
	d := rtt{hi: inf}
	var err1, err2 error
	switch dist.Value {
	case "constant":
		d.a, err1 = need("value", p.duration)
		d.family, d.mean = constant, d.a
	case "uniform":
		d.a, err1 = need("min", p.duration)
		d.b, err2 = need("max", p.duration)
		if err1 == nil && err2 == nil && d.a > d.b {
			err1 = p.errorf(params["max"], key+".max", "max >= min", "max %vms is below min %vms", d.b, d.a)
		}
		d.family, d.mean = uniform, (d.a+d.b)/2
	case "normal":
		d.a, err1 = need("mean", p.duration)
		d.b, err2 = need("std", p.duration)
		d.family, d.mean = normal, d.a
	case "lognormal":
		d.family = lognormal
		_, hasMu := params["mu"]
		_, hasSigma := params["sigma"]
		if hasMu || hasSigma {
			if other, bad := firstOf(params, "mean", "std"); bad {
				err1 = p.errorf(params[other], key+"."+other, "either mean and std, or mu and sigma", "given with mu or sigma")
				break
			}
			d.a, err1 = need("mu", p.number)
			d.b, err2 = need("sigma", p.nonNegative)
			d.mean = math.Exp(d.a + d.b*d.b/2)
			break
		}
		var mean, std float64
		mean, err1 = need("mean", p.duration)
		std, err2 = need("std", p.duration)
		if err1 == nil && mean == 0 {
			err1 = p.errorf(params["mean"], key+".mean", "a duration > 0", "is 0")
		}
		if err1 == nil && err2 == nil {
			d.a, d.b = lognormalParams(mean, std)
			d.mean = mean
		}
	case "gamma":
		d.a, err1 = need("shape", p.positive)
		d.b, err2 = need("scale", p.duration)
		if err2 == nil && d.b == 0 {
			err2 = p.errorf(params["scale"], key+".scale", "a duration > 0", "is 0")
		}
		d.family, d.mean = gamma, d.a*d.b
	}
	if err := firstErr(err1, err2); err != nil {
		return rtt{}, err
	}
	if share := d.shareAbove(maxRTTms); share > maxShareAbove {
		return rtt{}, p.errorf(n, key, boundAllowed, "%s puts %s of its draws above %v", d.describe(), percent(share), MaxRTT)
	}
	if d.family != constant && d.family != uniform {
		if v, ok := params["min"]; ok {
			if d.lo, err = p.duration(v, key+".min"); err != nil {
				return rtt{}, err
			}
		}
		if v, ok := params["max"]; ok {
			if d.hi, err = p.duration(v, key+".max"); err != nil {
				return rtt{}, err
			}
			if d.hi < d.lo {
				return rtt{}, p.errorf(v, key+".max", "max >= min", "max %vms is below min %vms", d.hi, d.lo)
			}
		}
	}
	return d, nil
}

// firstOf returns the first of names present in params.
func firstOf(params map[string]*yaml.Node, names ...string) (string, bool) {
	for _, name := range names {
		if _, ok := params[name]; ok {
			return name, true
		}
	}
	return "", false
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// maxShareAbove is the largest share of a distribution's draws that may
// lie above MaxRTT: more is a mistake (of units, or of a parameter), not a
// model, and would pile draws up at the clip.
const maxShareAbove = 0.01

// boundAllowed says what the bound on a distribution allows.
var boundAllowed = fmt.Sprintf("parameters that put at most %v%% of the draws above %v, the bound on an RTT "+
	"(twice the %v bound on a connection's one-way delay); those rare draws are clipped to %v",
	100*maxShareAbove, MaxRTT, MaxRTT/2, MaxRTT)

// percent formats a share as a percentage with 3 significant digits.
func percent(share float64) string {
	return strconv.FormatFloat(100*share, 'g', 3, 64) + "%"
}

// describe names a distribution and its parameters as a file gives them,
// for errors.
func (d *rtt) describe() string {
	ms := func(x float64) string { return msToDuration(x).String() }
	switch d.family {
	case normal:
		return "normal with mean " + ms(d.a) + " and std " + ms(d.b)
	case lognormal:
		return fmt.Sprintf("lognormal with mu %.4g and sigma %.4g", d.a, d.b)
	case gamma:
		return fmt.Sprintf("gamma with shape %.4g and scale %s", d.a, ms(d.b))
	}
	return d.String()
}

// duration reads a duration from 0 to MaxRTT such as "80ms" and returns it
// in ms.
func (p *fileParser) duration(n *yaml.Node, key string) (float64, error) {
	allowed := fmt.Sprintf("a duration >= 0 and at most %v (the bound on an RTT), such as 80ms or 1.5s", MaxRTT)
	v := deref(n)
	if v.Kind != yaml.ScalarNode {
		return 0, p.errorf(n, key, allowed, "is %s", kindName(v))
	}
	d, err := time.ParseDuration(v.Value)
	if err != nil {
		return 0, p.errorf(n, key, allowed, "%s is not a duration", quoteShort(v.Value))
	}
	if d < 0 {
		return 0, p.errorf(n, key, allowed, "%v is negative", d)
	}
	if d > MaxRTT {
		return 0, p.errorf(n, key, allowed, "%v is above %v", d, MaxRTT)
	}
	return float64(d) / 1e6, nil
}

// number reads a finite number.
func (p *fileParser) number(n *yaml.Node, key string) (float64, error) {
	return p.numberIn(n, key, "a finite number", "", func(float64) bool { return true })
}

// nonNegative reads a finite number >= 0.
func (p *fileParser) nonNegative(n *yaml.Node, key string) (float64, error) {
	return p.numberIn(n, key, "a number >= 0", "is negative", func(x float64) bool { return x >= 0 })
}

// positive reads a finite number > 0.
func (p *fileParser) positive(n *yaml.Node, key string) (float64, error) {
	return p.numberIn(n, key, "a number > 0", "is not above 0", func(x float64) bool { return x > 0 })
}

// numberIn reads a finite number for which ok holds; bad says what is
// wrong with one for which it does not.
func (p *fileParser) numberIn(n *yaml.Node, key, allowed, bad string, ok func(float64) bool) (float64, error) {
	v := deref(n)
	if v.Kind != yaml.ScalarNode {
		return 0, p.errorf(n, key, allowed, "is %s", kindName(v))
	}
	x, err := strconv.ParseFloat(v.Value, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, p.errorf(n, key, allowed, "%s is not a finite number", quoteShort(v.Value))
	}
	if !ok(x) {
		return 0, p.errorf(n, key, allowed, "%v %s", x, bad)
	}
	return x, nil
}
