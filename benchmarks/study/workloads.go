package study

import (
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/go-dht/go-dht/benchmarks/report"
	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/workload"
)

// metric is one measured column of a combination's summary row.
type metric struct{ name, value string }

// MetricColumns returns the measured columns of a study's summary, after
// the parameter columns (SummaryColumns): the figures of its workload type,
// then wall_s, the only wall-clock column.
func MetricColumns(t WorkloadType) []string {
	var cols []string
	switch t {
	case Availability:
		cols = []string{"provides", "points", "found_share_first", "found_share_last", "found_share_mean",
			"replicas_first", "replicas_last", "online_share_mean", "table_online_last", "table_closest_last"}
	case Retrieval:
		cols = []string{"provides", "stored_share_mean", "provide_delay_mean_s",
			"retrievals", "found_share", "attempts_mean", "finished_mean", "abandoned_mean", "hops_mean",
			"delay_mean_s", "delay_p50_s", "delay_p90_s", "delay_p99_s"}
	default:
		// Named apart from the parameters (samples, validators,
		// sample_start_s): no column of a summary appears twice.
		cols = slices.Clone(slotMetrics)
	}
	return append(cols, "wall_s")
}

// streamFile is a file written as rows come that appears whole, at its
// path, only when Close succeeds (report.File).
type streamFile interface {
	io.Writer
	// Close flushes the file and renames it into place.
	Close() error
	// Abort drops the file.
	Abort()
}

// runWorkload runs c's workload on net, writing its CSVs into dir and, when
// records is not nil, its connection records into records; it returns
// its figures, in the order of MetricColumns. Every write's error is
// returned, the records' flush and close included: a combination whose
// files are not all whole must not be taken as complete.
func runWorkload(ctx context.Context, net *dht.DHTNetwork, c Combination, dir string, records streamFile) (ms []metric, err error) {
	params := c.SummaryRow()
	if records != nil {
		if err := net.StreamRecordsWith(records, SummaryColumns(), params); err != nil {
			records.Abort()
			return nil, fmt.Errorf("records.csv: %w", err)
		}
		defer func() {
			if err == nil {
				if ferr := net.FlushRecords(); ferr != nil {
					err = fmt.Errorf("records.csv: %w", ferr)
				}
			}
			if err == nil {
				err = records.Close()
			} else {
				records.Abort()
			}
			if err != nil {
				ms = nil
			}
		}()
	}
	w, seed := c.Params.Workload, c.Params.Config.Network.Seed
	switch w.Type {
	case Availability:
		res, err := w.Availability.Run(ctx, net, seed)
		if err != nil {
			return nil, err
		}
		return availabilityFiles(dir, params, res)
	case Retrieval:
		res, err := w.Retrieval.Run(ctx, net, seed, nil)
		if err != nil {
			return nil, err
		}
		return retrievalFiles(dir, params, res)
	}
	return runSlot(ctx, net, c, dir, params)
}

// writeProvides writes provides.csv.
func writeProvides(dir string, params []string, provides []dht.ProvideSummary) (storedMean, delayMean float64, err error) {
	var shares, delays []float64
	err = report.WriteCSVFile(filepath.Join(dir, "provides.csv"), slices.Concat(report.ProvideColumns, SummaryColumns()),
		func(emit func([]string) error) error {
			row := make([]string, 0, len(report.ProvideColumns)+len(params))
			for _, p := range provides {
				if v := p.StoredShare(); !math.IsNaN(v) {
					shares = append(shares, v)
				}
				delays = append(delays, p.OperationDelay.Seconds())
				if err := emit(append(report.ProvideFields(row[:0], p), params...)); err != nil {
					return err
				}
			}
			return nil
		})
	return report.Mean(shares), report.Mean(delays), err
}

// retrievalFiles writes provides.csv and retrievals.csv and returns the
// retrieval figures.
func retrievalFiles(dir string, params []string, res *workload.RetrievalResult) ([]metric, error) {
	stored, provideDelay, err := writeProvides(dir, params, res.Provides)
	if err != nil {
		return nil, err
	}
	var found, attempts, finished, abandoned, hops, delays []float64
	err = report.WriteCSVFile(filepath.Join(dir, "retrievals.csv"), slices.Concat([]string{"retriever", "segment"}, report.LookupColumns, SummaryColumns()),
		func(emit func([]string) error) error {
			row := make([]string, 0, 2+len(report.LookupColumns)+len(params))
			for _, r := range res.Retrievals {
				s := r.Summary
				found = append(found, b2f(s.ValueFound))
				attempts = append(attempts, float64(s.Attempts))
				finished = append(finished, float64(s.Finished))
				abandoned = append(abandoned, float64(s.Abandoned))
				hops = append(hops, float64(s.Hops))
				delays = append(delays, s.Delay.Seconds())
				row = append(row[:0], report.Utoa(uint64(r.Retriever)), strconv.Itoa(r.Segment))
				if err := emit(append(report.LookupFields(row, s), params...)); err != nil {
					return err
				}
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	d := report.Describe(delays)
	f := report.Float
	return []metric{
		{"provides", strconv.Itoa(len(res.Provides))}, {"stored_share_mean", f(stored)}, {"provide_delay_mean_s", f(provideDelay)},
		{"retrievals", strconv.Itoa(len(res.Retrievals))}, {"found_share", f(report.Mean(found))},
		{"attempts_mean", f(report.Mean(attempts))}, {"finished_mean", f(report.Mean(finished))},
		{"abandoned_mean", f(report.Mean(abandoned))}, {"hops_mean", f(report.Mean(hops))},
		{"delay_mean_s", f(d.Mean)}, {"delay_p50_s", f(d.P50)}, {"delay_p90_s", f(d.P90)}, {"delay_p99_s", f(d.P99)},
	}, nil
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// availabilityFiles writes provides.csv and availability.csv (one row per
// measurement) and returns the availability figures.
func availabilityFiles(dir string, params []string, res *workload.AvailabilityResult) ([]metric, error) {
	if _, _, err := writeProvides(dir, params, res.Provides); err != nil {
		return nil, err
	}
	var found, online []float64
	f := report.Float
	err := report.WriteCSVFile(filepath.Join(dir, "availability.csv"), slices.Concat([]string{"time_s", "online_share", "lookups",
		"found_share", "attempts_mean", "delay_p50_s", "delay_p90_s", "replicas_online", "table_online", "table_closest"}, SummaryColumns()),
		func(emit func([]string) error) error {
			for _, p := range res.Points {
				// A point without retrievals (no node online to retrieve)
				// has no found share nor delays: empty cells, left out of
				// the means.
				p50, p90 := report.Seconds(p.DelayP50), report.Seconds(p.DelayP90)
				if p.Lookups > 0 {
					found = append(found, p.Found)
				} else {
					p50, p90 = "", ""
				}
				online = append(online, p.Online)
				if err := emit(append([]string{report.Seconds(p.At), f(p.Online), strconv.Itoa(p.Lookups), f(p.Found), f(p.Attempts),
					p50, p90, f(p.Replicas), f(p.TableOnline), f(p.TableClosest)}, params...)); err != nil {
					return err
				}
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	first, last := res.Points[0], res.Points[len(res.Points)-1]
	return []metric{
		{"provides", strconv.Itoa(len(res.Provides))}, {"points", strconv.Itoa(len(res.Points))},
		{"found_share_first", f(first.Found)}, {"found_share_last", f(last.Found)}, {"found_share_mean", f(report.Mean(found))},
		{"replicas_first", f(first.Replicas)}, {"replicas_last", f(last.Replicas)}, {"online_share_mean", f(report.Mean(online))},
		{"table_online_last", f(last.TableOnline)}, {"table_closest_last", f(last.TableClosest)},
	}, nil
}
