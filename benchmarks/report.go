package benchmarks

import (
	"cmp"
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
	"time"

	"github.com/go-dht/go-dht/benchmarks/param"
	"github.com/go-dht/go-dht/benchmarks/report"
	"github.com/go-dht/go-dht/dht/crawler"
	"github.com/go-dht/go-dht/network"
)

// ScalingHeader is the header of the scaling CSV: one row per network size
// and worker count of BenchmarkNetworkScaling, the data of its charts,
// then the point's parameters (nodes, workers and tables among them).
var ScalingHeader = slices.Concat([]string{
	"rounds", "build_mean_s", "build_median_s", "ns_per_node", "bytes_per_node", "peak_heap_mib",
}, param.ColumnNames(roundsParams))

// WriteScaling writes the scaling CSV.
func WriteScaling(w io.Writer, results []*Result) error {
	return report.WriteCSV(w, ScalingHeader, func(emit func([]string) error) error {
		for _, r := range results {
			if r.Scale == nil {
				continue
			}
			s := Summarize(r)
			if err := emit(append([]string{
				report.Itoa(s.Rounds), report.Float(s.Mean), report.Float(s.Median),
				report.Float(s.NsPerNode), report.Float(s.BytesPerNode), report.Float(s.PeakMiB),
			}, paramCells(r, roundsParams)...)); err != nil {
				return err
			}
		}
		return nil
	})
}

// HopsHeader is the header of the hops scaling CSV: one row per point of
// BenchmarkHopsScaling (alpha 1, no errors), the data of its chart, then
// the point's parameters (nodes, k, fill, tables among them).
var HopsHeader = slices.Concat([]string{
	"retrieval_hops_mean", "retrieval_peers_mean", "found_share",
	"lookup_hops_mean", "lookup_peers_mean", "accuracy_mean", "log2n_over_log2k",
}, param.ColumnNames(roundsParams))

// WriteHops writes the hops scaling CSV.
func WriteHops(w io.Writer, results []*Result) error {
	return report.WriteCSV(w, HopsHeader, func(emit func([]string) error) error {
		for _, r := range results {
			h := r.Hops
			if h == nil {
				continue
			}
			if err := emit(append([]string{
				report.Float(h.RetrievalHops), report.Float(h.RetrievalPeers),
				report.Float(h.Found), report.Float(h.LookupHops), report.Float(h.LookupPeers), report.Float(h.Accuracy),
				report.Float(math.Log2(float64(h.N)) / math.Log2(float64(h.K))),
			}, paramCells(r, roundsParams)...)); err != nil {
				return err
			}
		}
		return nil
	})
}

// GrowHeader is the header of the grow CSV: one row per size of
// BenchmarkGrow, then its parameters (nodes, grow_peers, grow_interval_s,
// policy among them).
var GrowHeader = slices.Concat([]string{
	"wall_s", "joins_per_s", "peak_heap_mib", "joins", "growth_lookups", "growth_requests", "growth_simulated_s", "deferred_joins",
	"health_tables", "know_all_share", "know_fewer_share", "unreachable_full_share", "unreachable_other_share",
}, param.ColumnNames(roundsParams))

// WriteGrow writes the grow CSV.
func WriteGrow(w io.Writer, results []*Result) error {
	return report.WriteCSV(w, GrowHeader, func(emit func([]string) error) error {
		for _, r := range results {
			g := r.Grow
			if g == nil {
				continue
			}
			st, h := g.Stats, g.Health
			if err := emit(append([]string{
				report.Seconds(g.Wall), report.Float(float64(st.Joins) / g.Wall.Seconds()), report.Float(g.PeakBytes / (1 << 20)),
				report.Itoa(st.Joins), report.Itoa(st.Lookups), strconv.FormatInt(st.Attempts, 10), report.Seconds(st.End), report.Itoa(st.Deferred),
				report.Itoa(h.Nodes), report.Float(h.KnowAll), report.Float(h.KnowFewer), report.Float(h.UnreachableFull), report.Float(h.UnreachableOther),
			}, paramCells(r, roundsParams)...)); err != nil {
				return err
			}
		}
		return nil
	})
}

// groupOrder is the order of groups in the tables and the summary CSV.
var groupOrder = []string{"hashes", "routing", "network", "workload", "crawl", "realism", "scale"}

func groupRank(g string) int {
	if i := slices.Index(groupOrder, g); i >= 0 {
		return i
	}
	return len(groupOrder)
}

// Report is where a run's files go: a folder and a prefix for every file
// name.
type Report struct {
	Dir string
	Tag string
	// SkipCharts writes the CSVs only: drawing is the slow part of a
	// report under the race detector.
	SkipCharts bool
}

// RunMarker is the file that claims a report folder for one run: a second
// run refuses a folder that holds another run's marker, before any work.
const RunMarker = "run.txt"

// NewRunDir creates a new report folder under parent, named after the
// start time with a unique suffix: two runs started in the same second
// never share a folder.
func NewRunDir(parent string, start time.Time) (string, error) {
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", err
	}
	return os.MkdirTemp(parent, start.Format("2006-01-02T15-04-05")+"-*")
}

// ClaimDir makes dir the report folder of this run: it creates it if
// needed and writes RunMarker (what runs, and when) into it. A folder that
// holds another run's marker is refused unless overwrite is set, so that
// two runs never mix their files and a clash is found before any work.
func ClaimDir(dir string, overwrite bool, what string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(dir, RunMarker)
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if overwrite {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if errors.Is(err, fs.ErrExist) {
		other, _ := os.ReadFile(path)
		first, _, _ := strings.Cut(string(other), "\n")
		return fmt.Errorf("%s holds the report of another run (%s: %q); choose another -out, or pass -overwrite to replace its files", dir, RunMarker, first)
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "%s\nstarted %s\n", what, time.Now().Format(time.RFC3339))
	if err := errors.Join(err, f.Close()); err != nil {
		return err
	}
	// What a run killed in this folder before left half written.
	return report.RemoveTemporaries(dir)
}

// RemoveTemporaries removes the temporary files an interrupted atomic
// write may leave in dir, at any depth (report.RemoveTemporaries).
func RemoveTemporaries(dir string) {
	report.RemoveTemporaries(dir)
}

// write writes one file of the report atomically and returns its path.
func (r Report) write(name string, fill func(io.Writer) error) (string, error) {
	path := filepath.Join(r.Dir, name)
	return path, network.WriteFileAtomic(path, fill)
}

// Create starts a file of the report that a benchmark streams while it
// runs, such as a crawl's edges: <tag>_<group>_<name><suffix>.<ext>. It
// appears, whole, when closed.
func (r Report) Create(spec Spec, suffix, ext string) (*report.File, error) {
	return report.CreateFile(filepath.Join(r.Dir, spec.File(r.Tag, suffix, ext)))
}

// WriteResult writes the files of one finished benchmark: its rounds CSV,
// its operations and connection records CSVs (workload), its delay
// histogram, and a crawl's summary and visits CSVs and timeline chart. Each file is written atomically, so a run killed later keeps
// every file of the benchmarks that finished. It returns the paths
// written.
func (r Report) WriteResult(res *Result) ([]string, error) {
	var files []string
	var errs []error
	write := func(name string, fill func(io.Writer) error) {
		path, err := r.write(name, fill)
		if err != nil {
			errs = append(errs, err)
			return
		}
		files = append(files, path)
	}
	spec := res.Spec
	if len(res.Rounds) > 0 {
		write(spec.File(r.Tag, "", "csv"), func(w io.Writer) error { return WriteRounds(w, res) })
	}
	if len(res.Lookups) > 0 {
		suffix := "_lookups"
		if res.ValueLookups {
			suffix = "_retrievals"
		}
		write(spec.File(r.Tag, suffix, "csv"), func(w io.Writer) error { return WriteLookups(w, res) })
	}
	if len(res.Provides) > 0 {
		write(spec.File(r.Tag, "_provides", "csv"), func(w io.Writer) error { return WriteProvides(w, res, res.Provides) })
	}
	if len(res.SetupProvides) > 0 {
		write(spec.File(r.Tag, "_setup_provides", "csv"), func(w io.Writer) error { return WriteProvides(w, res, res.SetupProvides) })
	}
	if res.Records != nil {
		write(spec.File(r.Tag, "_records", "csv"), res.Records)
	}
	if len(res.Lookups) > 0 && res.ErrorRate == nil && res.Sweep == nil && res.Model == "" && !r.SkipCharts {
		write(spec.File(r.Tag, "_delay", "png"), func(w io.Writer) error { return DelayHistogram(w, res) })
	}
	if c := res.Crawl; c != nil {
		write(spec.File(r.Tag, "_crawl", "csv"), func(w io.Writer) error {
			return WriteCrawlSummaries(w, CrawlRow{Summary: c.Summary, Params: res.Params.Settings})
		})
		if c.Visits != nil {
			o := c.Summary.Options
			write(spec.File(r.Tag, "_visits", "csv"), func(w io.Writer) error {
				return crawler.WriteVisitsCSV(w, c.Visits, o.Op, c.Summary.Network.Seed)
			})
			if !r.SkipCharts {
				write(spec.File(r.Tag, "_timeline", "png"), func(w io.Writer) error { return report.CrawlTimelineChart(w, c.Visits, c.Summary) })
			}
		}
	}
	return files, errors.Join(errs...)
}

// WriteSummary prints the summary tables of results to out and writes the
// files across benchmarks: the summary CSV, the scaling CSV and the charts.
// It returns the paths written.
func (r Report) WriteSummary(out io.Writer, results []*Result) ([]string, error) {
	// go test runs benchmarks in the order of their files; report them in
	// the reference's order of groups, from the smallest parts up.
	results = slices.Clone(results)
	slices.SortStableFunc(results, func(a, b *Result) int {
		return cmp.Compare(groupRank(a.Spec.Group), groupRank(b.Spec.Group))
	})
	rows := make([]SummaryRow, 0, len(results))
	for _, res := range results {
		rows = append(rows, Summarize(res))
	}
	var errs []error
	if err := PrintTables(out, rows); err != nil {
		errs = append(errs, err)
	}
	var files []string
	write := func(name string, fill func(io.Writer) error) {
		path, err := r.write(name, fill)
		if err != nil {
			errs = append(errs, err)
			return
		}
		files = append(files, path)
	}
	var scale, sweep, alpha, timeline, models, churned, hops, grow bool
	var measured []Measured
	var crawls []crawler.Summary
	var crawlRows []CrawlRow
	for _, res := range results {
		scale = scale || res.Scale != nil
		sweep = sweep || res.ErrorRate != nil && len(res.Lookups) > 0
		alpha = alpha || res.Sweep != nil && len(res.Lookups) > 0
		timeline = timeline || len(res.Timeline) > 0
		models = models || res.Model != "" && len(res.Lookups) > 0
		churned = churned || len(res.Series) > 0
		hops = hops || res.Hops != nil
		grow = grow || res.Grow != nil
		measured = append(measured, res.Measured...)
		if res.Crawl != nil && res.Crawl.Sweep {
			crawls = append(crawls, res.Crawl.Summary)
			crawlRows = append(crawlRows, CrawlRow{Summary: res.Crawl.Summary, Params: res.Params.Settings})
		}
	}
	write(r.Tag+"_summary.csv", func(w io.Writer) error { return WriteSummary(w, rows) })
	if scale {
		write(r.Tag+"_scale_network_scaling.csv", func(w io.Writer) error { return WriteScaling(w, results) })
	}
	if len(crawls) > 0 {
		write(r.Tag+"_crawl_sweep.csv", func(w io.Writer) error { return WriteCrawlSummaries(w, crawlRows...) })
	}
	if hops {
		write(r.Tag+"_scale_hops_scaling.csv", func(w io.Writer) error { return WriteHops(w, results) })
	}
	if grow {
		write(r.Tag+"_scale_grow.csv", func(w io.Writer) error { return WriteGrow(w, results) })
	}
	if len(measured) > 0 {
		if err := PrintMeasured(out, measured); err != nil {
			errs = append(errs, err)
		}
		write(r.Tag+"_realism_measurements.csv", func(w io.Writer) error { return WriteMeasured(w, measured) })
	}
	if !r.SkipCharts {
		if scale {
			write(r.Tag+"_scale_build_time.png", func(w io.Writer) error { return BuildTimeChart(w, results) })
			write(r.Tag+"_scale_memory.png", func(w io.Writer) error { return MemoryChart(w, results) })
		}
		if hops {
			write(r.Tag+"_scale_hops.png", func(w io.Writer) error { return HopsChart(w, results) })
		}
		if len(measured) > 0 {
			write(r.Tag+"_realism_measurements.png", func(w io.Writer) error { return MeasuredChart(w, measured) })
		}
		if sweep {
			write(r.Tag+"_workload_lookup_error_sweep.png", func(w io.Writer) error { return ErrorSweepChart(w, results) })
		}
		if alpha {
			write(r.Tag+"_workload_lookup_alpha_sweep.png", func(w io.Writer) error { return AlphaSweepChart(w, results) })
		}
		if timeline {
			write(r.Tag+"_workload_lookup_timeline.png", func(w io.Writer) error { return TimelineChart(w, results) })
		}
		if models {
			write(r.Tag+"_workload_lookup_latency_cdf.png", func(w io.Writer) error { return LatencyCDFChart(w, results) })
		}
		if churned {
			write(r.Tag+"_workload_churn.png", func(w io.Writer) error { return ChurnCharts(w, results) })
		}
		if len(crawls) > 0 {
			write(r.Tag+"_crawl_sweep.png", func(w io.Writer) error { return report.CrawlSweepChart(w, crawls) })
		}
	}
	return files, errors.Join(errs...)
}

// Write writes every file of the results and the summary: what a run
// writes bit by bit, at once (tests use it).
func (r Report) Write(out io.Writer, results []*Result) ([]string, error) {
	var files []string
	var errs []error
	for _, res := range results {
		f, err := r.WriteResult(res)
		files = append(files, f...)
		errs = append(errs, err)
	}
	f, err := r.WriteSummary(out, results)
	files = append(files, f...)
	errs = append(errs, err)
	fmt.Fprintf(out, "\nwrote %d report files to %s\n", len(files), r.Dir)
	return files, errors.Join(errs...)
}
