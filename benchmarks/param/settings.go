package param

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/crawler"
	"github.com/go-dht/go-dht/dht/workload"
	"github.com/go-dht/go-dht/network/latency"
)

// Settings holds a value of every parameter: the configurations the
// parameters set (each parameter's Fields are paths in it).
type Settings struct {
	// Config is the model: the network, its links and clients.
	Config dht.Config
	// Latency is the latency model's spec (latency): uniform (ConnDelay),
	// a built-in geography, or the path of a latency file. Build turns it
	// into Config.Network.Latency, drawn from the seed.
	Latency string
	// LatencyFile, when it is the file Latency names as read once (a
	// study reads each file once and records its digest), is used rather
	// than the file as it is now. Not a parameter.
	LatencyFile *latency.File
	// Workload is the workload of a study.
	Workload Workload
	// Bench holds the options of the benchmark suite.
	Bench BenchOptions
	// Crawl holds the options of a crawl.
	Crawl CrawlOptions
	// Run holds the options of the dhtsim commands: where and how they
	// write.
	Run RunOptions
	// Study names a study file and its repeats.
	Study StudyOptions
}

// WorkloadType is the kind of workload a study runs on each combination.
type WorkloadType uint8

// The workload types.
const (
	// Retrieval is das-research's DHT retrieval study (workload.Retrieval).
	Retrieval WorkloadType = iota
	// Slot is a DAS slot (workload.Slot).
	Slot
	// Availability measures how long segments stay retrievable under
	// churn (workload.Availability).
	Availability
)

var workloadNames = [...]string{Retrieval: "retrieval", Slot: "slot", Availability: "availability"}

// WorkloadTypes lists every workload type.
func WorkloadTypes() []WorkloadType { return []WorkloadType{Retrieval, Slot, Availability} }

// String returns the type's name, as ParseWorkloadType reads it.
func (t WorkloadType) String() string {
	if int(t) < len(workloadNames) {
		return workloadNames[t]
	}
	return fmt.Sprintf("WorkloadType(%d)", uint8(t))
}

// ParseWorkloadType reads a workload type's name.
func ParseWorkloadType(s string) (WorkloadType, error) {
	for t, name := range workloadNames {
		if s == name {
			return WorkloadType(t), nil
		}
	}
	return 0, fmt.Errorf("workload type %q: allowed %s", s, strings.Join(workloadNames[:], ", "))
}

// Workload is a study's workload: its type and the configuration of each
// type (only Type's is run).
type Workload struct {
	Type         WorkloadType
	Retrieval    workload.Retrieval
	Slot         workload.Slot
	Availability workload.Availability
}

// workloadFields are the fields of Workload holding each type's
// configuration, by type.
var workloadFields = [...]string{Retrieval: "Retrieval", Slot: "Slot", Availability: "Availability"}

// BenchOptions are the options of the benchmark suite.
type BenchOptions struct {
	Tag               string
	Segments          int
	SegmentSize       int
	Lookups           int
	ThroughputLookups int
	ScalingMax        int
	Huge              bool
	// Slot runs BenchmarkSlot, the PANDAS-scale DAS slots.
	Slot bool
	// ChurnRepublish is the republish period of BenchmarkChurn's second
	// run.
	ChurnRepublish time.Duration
	CrawlEdges     bool
}

// CrawlOptions are the options of a crawl: crawler.Options (Bootstrap and
// Op are set by the program), and how its output is written.
type CrawlOptions struct {
	Options crawler.Options
	// Bootstrap is the number of bootstrap peers, drawn from the seed
	// (crawler.PickBootstrap).
	Bootstrap int
	// Edges says when the edges CSV is written: auto, all or none.
	Edges string
	// Records writes records.csv; NoCharts skips the charts.
	Records, NoCharts bool
}

// RunOptions are the options of the dhtsim commands and of the
// benchmark suite that say where and how they write.
type RunOptions struct {
	Out       string
	Overwrite bool
	Progress  string
	Shard     string
	NoRecords bool
	Markdown  bool
}

// StudyOptions are a study file's name and repeats.
type StudyOptions struct {
	Name    string
	Repeats int
}

// Defaults returns the defaults of profile p for a study of workload type
// t: every model parameter as the profile sets it (dht.ProfileDefaults),
// the others as their Default says.
func Defaults(p dht.Profile, t WorkloadType) Settings {
	key := defaultsKey{p, t}
	if s, ok := defaultsCache.Load(key); ok {
		return s.(Settings) // a copy: Settings hold no slice or map that callers share
	}
	s := makeDefaults(p, t)
	defaultsCache.Store(key, s)
	return s
}

// defaultsCache holds Defaults by profile and workload type: a study
// validates and builds each of up to MaxCombinations points from them.
var defaultsCache sync.Map

type defaultsKey struct {
	p dht.Profile
	t WorkloadType
}

// makeDefaults computes Defaults.
func makeDefaults(p dht.Profile, t WorkloadType) Settings {
	s := Settings{Config: dht.ProfileDefaults(p)}
	profile := s.Config
	for _, q := range registry {
		if q.profileDefault != nil {
			q.Set(&s, q.profileDefault(profile))
			continue
		}
		if q.Default == "" && q.TypeDefaults == nil {
			continue
		}
		for i, idx := range q.fields {
			def := q.Default
			if ft := q.fieldType[i]; ft >= 0 {
				if d, ok := q.TypeDefaults[WorkloadType(ft)]; ok {
					def = d
				}
			}
			v, err := q.kind.parse(def)
			if err != nil {
				panic(fmt.Sprintf("param: default %q of %s: %v", def, q.Key, err))
			}
			reflect.ValueOf(&s).Elem().FieldByIndex(idx).Set(reflect.ValueOf(v))
		}
	}
	s.Workload.Type = t
	return s
}

// DefaultFor returns p's default under profile pr for workload type t.
func (p *Param) DefaultFor(pr dht.Profile, t WorkloadType) any {
	d := Defaults(pr, t)
	return p.Get(&d)
}

// Resolve returns s with what the model reads into it written out: beta
// 0 is k, and the termination rule and the fill are the profile's (as
// dht.Config.Effective reads them). The CSV columns and params.yaml show
// resolved values: the ones the model ran with. How tables are held
// (auto) stays: it changes no result.
func (s Settings) Resolve() Settings {
	if s.Config.Client.Beta == 0 {
		s.Config.Client.Beta = s.Config.Client.K
	}
	return s.resolveRules()
}

// Build returns the dht configuration of s: resolved, with the latency
// model of its spec (from LatencyFile when it is the file the spec
// names). A latency spec that cannot be read is an error.
func (s Settings) Build() (dht.Config, error) {
	cfg := s.Resolve().Config
	if f := s.LatencyFile; f != nil && f.Path == s.Latency {
		cfg.Network.Latency = f.Model(cfg.Network.Seed)
		return cfg, nil
	}
	model, err := latency.FromSpec(s.Latency, cfg.Network.Seed)
	cfg.Network.Latency = model
	return cfg, err
}

// indexPath resolves a field path of Settings into reflect indices and
// the field's type.
func indexPath(path string) ([]int, reflect.Type, error) {
	t := reflect.TypeFor[Settings]()
	var idx []int
	for _, name := range strings.Split(path, ".") {
		if t.Kind() != reflect.Struct {
			return nil, nil, fmt.Errorf("%s: %s is not a struct", path, t)
		}
		f, ok := t.FieldByName(name)
		if !ok || !f.IsExported() {
			return nil, nil, fmt.Errorf("%s: %s has no field %s", path, t, name)
		}
		idx = append(idx, f.Index...)
		t = f.Type
	}
	return idx, t, nil
}
