package study

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/go-dht/go-dht/benchmarks/param"
	"github.com/go-dht/go-dht/benchmarks/report"
	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/network"
)

// A study's output folder:
//
//	DIR/study.yaml            the study's Identity (its canonical form and the
//	                          digest of each latency file): it claims DIR
//	DIR/<combination>/        one folder per finished combination:
//	    params.yaml           every parameter of the combination, and its
//	                          warnings (Combination.Warnings) under warnings:
//	    summary.csv           its row of the study's summary
//	    complete.yaml         written last: every other file's size and
//	                          checksum (MarkFile), and the build of go-dht
//	    provides.csv, retrievals.csv, records.csv      (retrieval)
//	    provides.csv, samples.csv, validators.csv, load.csv   (slot)
//	DIR/runs.csv              one row per combination found in DIR
//	DIR/summary.csv           one row per grid point: the figures' means
//	                          over its seeds and their 95 % intervals
//	DIR/charts/               the charts (see writeCharts): the main
//	                          figures against each swept key, heat maps,
//	                          distributions, availability over time
//
// A combination's folder is written under a temporary name and renamed
// when complete, with its completion mark (MarkFile) written last: a
// killed run keeps every finished combination, and running again resumes
// with the others. A folder that does not verify against its mark
// (truncated, deleted or edited files, no mark) is not complete: it is
// named in the Outcome's notes, run again and replaced.

// StudyFile is the file that claims an output folder for one study.
const StudyFile = "study.yaml"

// Options tune a run of a study.
type Options struct {
	// Out is the output folder.
	Out string
	// Shard and Shards run the combinations whose index is Shard modulo
	// Shards (0 <= Shard < Shards); Shards 0 or 1 runs them all.
	Shard, Shards int
	// Workers is the number of combinations run at once, each on one
	// goroutine (0: one per core). Networks are built with that many
	// goroutines too.
	Workers int
	// Progress receives the run's progress; nil reports nothing.
	Progress Progress
	// NoRecords skips records.csv (one row per connection attempt), which
	// dominates the output of large studies.
	NoRecords bool
}

// Progress is told how a run goes. Its methods may be called from
// several goroutines at once (one per worker).
type Progress interface {
	// Start says how many combinations will run, and how many of the
	// shard were found complete already.
	Start(total, skipped int)
	// Begin says a combination started.
	Begin(c Combination)
	// Done says a combination finished (err nil), failed, or was stopped
	// (err wraps context.Canceled): only a nil err is a combination done.
	Done(c Combination, wall time.Duration, err error)
	// Finish says the run is over.
	Finish()
}

// StepProgress is a Progress that is also told how far a combination
// has come, now and then while it runs (every dht.ProgressEvents events
// of its simulated time): the operations done and the simulated time
// reached, which a long combination (a DAS slot) needs to show it moves.
type StepProgress interface {
	Progress
	Step(c Combination, p dht.RunProgress)
}

// Outcome says what a run did.
type Outcome struct {
	// Ran, Skipped and Total count the combinations run now (and kept:
	// those of a stopped run too), found complete, and in the shard.
	Ran, Skipped, Total int
	// Files are the summary files written (summary.csv and the charts).
	Files []string
	// Notes say what the run found and dealt with that its caller should
	// know: combination folders that did not verify (Verify) and were run
	// again, or, for Merge, copies skipped for a clean one; complete
	// combinations written by another build of go-dht.
	Notes []string
}

// Run runs the combinations of the study in its shard that are not in Out
// yet, then writes the summary and charts of every combination in Out. It
// refuses an Out that holds another study's results, before any work.
func Run(ctx context.Context, s *Study, opts Options) (*Outcome, error) {
	if opts.Shards == 0 {
		opts.Shards = 1
	}
	if opts.Shard < 0 || opts.Shard >= opts.Shards {
		return nil, fmt.Errorf("%w: shard %d/%d, allowed 0..%d", ErrShard, opts.Shard, opts.Shards, opts.Shards-1)
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	lock, err := lockOut(opts.Out, fmt.Sprintf("runs study %s, shard %d/%d", s.Name, opts.Shard, opts.Shards))
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	if err := Claim(s, opts.Out); err != nil {
		return nil, err
	}
	combos := s.Shard(opts.Shard, opts.Shards)
	out := &Outcome{Total: len(combos)}
	if lock.Warning != "" {
		out.Notes = append(out.Notes, lock.Warning)
	}
	var todo []Combination
	builds := map[string]int{}
	for _, c := range combos {
		if err := ctx.Err(); err != nil { // verifying reads every file: a large study takes a while
			return out, err
		}
		m, err := verify(filepath.Join(opts.Out, c.Name), nil)
		switch {
		case err == nil:
			out.Skipped++
			builds[m.Build]++
		case errors.Is(err, errNoFolder):
			todo = append(todo, c)
		default:
			out.Notes = append(out.Notes, fmt.Sprintf("%s did not verify (%v): it is run again", filepath.Join(opts.Out, c.Name), err))
			todo = append(todo, c)
		}
	}
	out.Notes = append(out.Notes, otherBuilds(builds, out.Skipped)...)
	// Combinations that share a built network run one after the other, so
	// that few networks are alive at once.
	slices.SortStableFunc(todo, func(a, b Combination) int { return cmp.Compare(a.NetworkKey(), b.NetworkKey()) })
	if opts.Progress != nil {
		opts.Progress.Start(len(todo), out.Skipped)
		defer opts.Progress.Finish()
	}
	nets := newNetworkCache(opts.Workers + 1)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.Workers)
	var ran atomic.Int64
	step, _ := opts.Progress.(StepProgress)
	for _, c := range todo {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			if opts.Progress != nil {
				opts.Progress.Begin(c)
			}
			cctx := gctx
			if step != nil {
				cctx = dht.WithProgress(gctx, func(p dht.RunProgress) { step.Step(c, p) })
			}
			start := time.Now()
			err := runCombination(cctx, s, c, opts, nets)
			if err == nil {
				ran.Add(1)
			}
			if opts.Progress != nil {
				opts.Progress.Done(c, time.Since(start), err)
			}
			if err != nil {
				return fmt.Errorf("%s: %w", c.Name, keyed(err))
			}
			return nil
		})
	}
	err = g.Wait()
	out.Ran = int(ran.Load())
	// The summary of what is complete, even when the run stopped early.
	files, serr := WriteSummary(s, opts.Out)
	out.Files = files
	return out, errors.Join(err, serr)
}

// lockOut creates the output folder dir and takes its lock
// (report.LockDir), so that one process at a time writes there: a second
// run, a shard given the same folder, or a merge into it is refused,
// naming the holder.
func lockOut(dir, what string) (*report.Lock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return report.LockDir(dir, strings.Join(os.Args, " ")+" ("+what+")")
}

// Claim makes dir the output folder of study s: it writes StudyFile (the
// study's Identity), or checks that the one there is s's. A folder that
// holds another study, results made with another content of a latency
// file, or files of anything else, is refused. Resuming, it removes what a
// killed run left half written: the caller holds dir's lock (Run and
// Merge do), or it could remove the files of a run in progress.
func Claim(s *Study, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	canon := s.Identity()
	path := filepath.Join(dir, StudyFile)
	old, err := os.ReadFile(path)
	switch {
	case err == nil && bytes.Equal(old, canon):
		return report.RemoveTemporaries(dir) // resuming
	case err == nil && bytes.Equal(withoutCharts(old), withoutCharts(canon)):
		// The same combinations, other charts asked for: resuming, and
		// the record says what the summary now draws.
		if err := report.RemoveTemporaries(dir); err != nil {
			return err
		}
		return report.WriteFile(path, func(w io.Writer) error { _, err := w.Write(canon); return err })
	case err == nil:
		if err := s.latencyChange(old); err != nil {
			return fmt.Errorf("%s: %w", dir, err)
		}
		return foreignStudy(s, dir, old)
	case !errors.Is(err, os.ErrNotExist):
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	// The lock, and what a run killed while claiming left, are no one's
	// results.
	entries = slices.DeleteFunc(entries, func(e os.DirEntry) bool { return e.Name() == report.LockFile || report.IsTemporary(e.Name()) })
	if len(entries) > 0 {
		return fmt.Errorf("%s is not empty and holds no %s: choose an empty or new -out", dir, StudyFile)
	}
	if err := report.RemoveTemporaries(dir); err != nil {
		return err
	}
	return report.WriteFile(path, func(w io.Writer) error { _, err := w.Write(canon); return err })
}

// foreignStudy explains why dir, whose StudyFile holds old, is not the
// output folder of s: the study file itself kept in dir, a file that is
// not a study, or the record of another study (named, with the first line
// that differs).
func foreignStudy(s *Study, dir string, old []byte) error {
	path := filepath.Join(dir, StudyFile)
	if a, err := os.Stat(s.File); err == nil {
		if b, err := os.Stat(path); err == nil && os.SameFile(a, b) {
			return fmt.Errorf("the study file %s is inside -out %s, where a run keeps its own record of the study in %s: move the study file out of %s, or choose another -out",
				s.File, dir, StudyFile, dir)
		}
	}
	if len(bytes.TrimSpace(old)) == 0 {
		return fmt.Errorf("%s is empty, so %s is no study's output folder (a machine crash while a run claimed it?): choose another -out, or remove %s if the folder holds nothing of value", path, dir, path)
	}
	other, err := Parse(path, old)
	if err != nil {
		first, _, _ := strings.Cut(err.Error(), "\n")
		return fmt.Errorf("%s holds a %s that is not a study (%s), so it is no study's output folder: choose another -out", dir, StudyFile, first)
	}
	theirs, ours := strings.Split(string(old), "\n"), strings.Split(string(s.Identity()), "\n")
	line := 0
	for line < min(len(theirs), len(ours)) && theirs[line] == ours[line] {
		line++
	}
	at := func(lines []string) string {
		if line < len(lines) {
			return strconv.Quote(lines[line])
		}
		return "the end"
	}
	return fmt.Errorf("%s holds the results of another study (named %s): its %s differs from %s at line %d (%s there, %s here); choose another -out",
		dir, other.Name, StudyFile, s.File, line+1, at(theirs), at(ours))
}

// otherBuilds notes complete combinations written by another build of
// go-dht than this one: a model that changed between the two would mix
// two models in one report.
func otherBuilds(builds map[string]int, complete int) []string {
	this := buildName()
	var notes []string
	for _, b := range slices.Sorted(maps.Keys(builds)) {
		if b != this {
			notes = append(notes, fmt.Sprintf("%d of the %d complete combinations were written by %s, not by this %s: "+
				"if the model changed between the two, run into a new folder", builds[b], complete, b, this))
		}
	}
	return notes
}

// replaceFolder renames the complete folder tmp to dst, moving aside a
// folder already at dst (one that did not verify) and removing it after.
func replaceFolder(tmp, dst string) error {
	old := tmp + "-replaced"
	_, err := os.Stat(dst)
	switch {
	case err == nil:
		if err := os.Rename(dst, old); err != nil {
			return err
		}
		defer os.RemoveAll(old)
	case !errors.Is(err, os.ErrNotExist):
		return err
	}
	return os.Rename(tmp, dst)
}

// runCombination runs one combination into a temporary folder, then
// renames it into place.
func runCombination(ctx context.Context, s *Study, c Combination, opts Options, nets *networkCache) error {
	cfg, err := c.Params.Build()
	if err != nil {
		return err
	}
	cfg.Workers = opts.Workers
	// Without records.csv the network keeps no records at all: held in
	// memory, a slot's would take gigabytes.
	cfg.Network.DiscardRecords = opts.NoRecords
	net, err := nets.get(c.NetworkKey(), cfg)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(opts.Out, "."+c.Name+".tmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp) // gone once renamed; removes a failed attempt
	start := time.Now()
	var records streamFile
	if !opts.NoRecords {
		f, err := report.CreateFile(filepath.Join(tmp, "records.csv"))
		if err != nil {
			return err
		}
		records = f
	}
	metrics, err := runWorkload(ctx, net, c, tmp, records)
	if err != nil {
		return err
	}
	metrics = append(metrics, metric{"wall_s", report.Float(time.Since(start).Seconds())})
	if err := report.WriteFile(filepath.Join(tmp, "params.yaml"), func(w io.Writer) error {
		_, err := w.Write(c.paramsFile())
		return err
	}); err != nil {
		return err
	}
	if err := writeRow(filepath.Join(tmp, "summary.csv"), c, metrics); err != nil {
		return err
	}
	if err := writeMark(tmp); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	return replaceFolder(tmp, filepath.Join(opts.Out, c.Name))
}

// networkCache builds each network once (keys, index, tables) and hands
// every combination a network derived from it with its own links, lookup
// parameters and state. It keeps the most recently used networks.
type networkCache struct {
	mu    sync.Mutex // guards order and nets
	size  int
	order []string
	nets  map[string]*cachedNetwork
}

type cachedNetwork struct {
	once sync.Once
	net  *dht.DHTNetwork
	err  error
}

func newNetworkCache(size int) *networkCache {
	return &networkCache{size: max(1, size), nets: map[string]*cachedNetwork{}}
}

// get returns a network for cfg, derived from the one built for key.
func (nc *networkCache) get(key string, cfg dht.Config) (*dht.DHTNetwork, error) {
	nc.mu.Lock()
	e, ok := nc.nets[key]
	if !ok {
		e = &cachedNetwork{}
		nc.nets[key] = e
		nc.order = append(nc.order, key)
		if len(nc.order) > nc.size {
			delete(nc.nets, nc.order[0])
			nc.order = nc.order[1:]
		}
	}
	nc.mu.Unlock()
	// The first combination builds the network; every combination,
	// that one included, runs on a network derived from it, which shares
	// only its keys, index and tables.
	e.once.Do(func() { e.net, e.err = dht.New(cfg) })
	if e.err != nil {
		return nil, e.err
	}
	return e.net.Derive(cfg)
}

// keyed names the study key of a configuration error that a combination
// met while it ran (the network that does not fit the machine, the slot
// whose lookups in flight do not): the error names a field of the
// configuration (Nodes, Validators), the user wrote a key (nodes,
// workload.validators). An error of another kind, or of a field no single
// key sets, is returned as it is.
func keyed(err error) error {
	var ce *network.ConfigError
	if !errors.As(err, &ce) {
		return err
	}
	var key string
	for _, p := range param.All() {
		for _, f := range append(slices.Clone(p.Fields), p.Builds) {
			if f != "" && strings.HasSuffix(f, "."+ce.Field) {
				if key != "" && key != p.Key {
					return err // two keys set such a field: leave it as it is
				}
				key = p.Key
			}
		}
	}
	if key == "" {
		return err
	}
	return &keyError{key: key, ce: ce, err: err}
}

// keyError is a configuration error named by its study key.
type keyError struct {
	key string
	ce  *network.ConfigError
	err error
}

func (e *keyError) Error() string {
	return fmt.Sprintf("%s = %s: allowed %s", e.key, e.ce.Value, e.ce.Allowed)
}

func (e *keyError) Unwrap() error { return e.err }
