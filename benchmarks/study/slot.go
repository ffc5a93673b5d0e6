package study

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"gonum.org/v1/plot/vg"

	"github.com/go-dht/go-dht/benchmarks/report"
	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/workload"
)

// slotMetrics are the figures of a slot, after the parameters:
//   - provides (cells provided), withheld (cells withheld), recoverable
//     (the truth: can the published block be rebuilt, 1 or 0),
//     stored_share_mean,
//     provides_end_s (the last provide's end), builder_upload_end_s (when
//     the builder's last byte had left by then; empty with bandwidth off),
//     custody_delivered (custody lines that reached their node, of those
//     pushed; empty without custody);
//   - sampling_start_s (when sampling started), samples_run (validators_run x samples), found_share,
//     lookups_mean (per sample: 1,
//     more with retries), sample_p50_s, sample_p90_s, sample_p99_s (the
//     delays of the samples that found their cell, from the start of
//     sampling);
//   - validators_run (the validators of the validator nodes: one each, or
//     their class's validators_per_node), validators_absent (those whose
//     node was offline when sampling started: they take no part, and the
//     shares below are of the others), success_share (validators whose
//     samples all found their
//     cell by the deadline), completed_share (whenever), completion_p50_s
//     and completion_p90_s (the time, from the slot's start, by which half
//     and 90 % of the validators had completed; empty when fewer did);
//   - available (the verdict: success_share at least the threshold),
//     false_accept, false_reject (the verdict against the truth); these
//     and recoverable are 1 or 0, so that their mean over a point's seeds
//     in summary.csv is a rate (the false accept rate over the seeds);
//   - served_mean, served_p99, served_max (requests reaching a node, over
//     every node), sent_bytes_mean, sent_bytes_p99, sent_bytes_max,
//     recv_bytes_max (bytes per node, with bandwidth on; empty off).
var slotMetrics = []string{"provides", "withheld", "recoverable", "stored_share_mean", "provides_end_s", "builder_upload_end_s",
	"custody_delivered", "sampling_start_s", "samples_run", "found_share", "lookups_mean", "sample_p50_s", "sample_p90_s", "sample_p99_s",
	"validators_run", "validators_absent", "success_share", "completed_share", "completion_p50_s", "completion_p90_s",
	"available", "false_accept", "false_reject",
	"served_mean", "served_p99", "served_max", "sent_bytes_mean", "sent_bytes_p99", "sent_bytes_max", "recv_bytes_max"}

// sampleColumns head samples.csv: the sample, then its last lookup.
var sampleColumns = slices.Concat([]string{"validator", "node", "cell", "lookups", "found", "sample_delay_s"}, report.LookupColumns)

// runSlot runs c's slot on net, streaming provides.csv and samples.csv
// into dir as they come, then writes validators.csv, load.csv and
// slot.png; it returns the figures in the order of slotMetrics.
func runSlot(ctx context.Context, net *dht.DHTNetwork, c Combination, dir string, params []string) (ms []metric, err error) {
	sl := c.Params.Workload.Slot
	provides, err := report.CreateCSV(filepath.Join(dir, "provides.csv"), slices.Concat(report.ProvideColumns, SummaryColumns()))
	if err != nil {
		return nil, err
	}
	defer provides.Abort() // a no-op once closed
	samples, err := report.CreateCSV(filepath.Join(dir, "samples.csv"), slices.Concat(sampleColumns, SummaryColumns()))
	if err != nil {
		return nil, err
	}
	defer samples.Abort()
	prow := make([]string, 0, len(report.ProvideColumns)+len(params))
	srow := make([]string, 0, len(sampleColumns)+len(params))
	emptyLookup := make([]string, len(report.LookupColumns))
	var lookups int
	res, err := sl.Run(ctx, net, c.Params.Config.Network.Seed, workload.SlotOutput{
		Provide: func(p dht.ProvideSummary) error {
			return provides.Write(append(report.ProvideFields(prow[:0], p), params...))
		},
		Sample: func(s workload.Sample) error {
			lookups += s.Lookups
			srow = append(srow[:0], strconv.Itoa(s.Validator), report.Utoa(uint64(s.Node)), strconv.Itoa(s.Cell),
				strconv.Itoa(s.Lookups), strconv.FormatBool(s.Found), report.Seconds(s.Delay))
			if s.Lookups > 0 {
				srow = report.LookupFields(srow, s.Last)
			} else {
				srow = append(srow, emptyLookup...)
			}
			return samples.Write(append(srow, params...))
		},
	})
	if err != nil {
		return nil, err
	}
	if err := errors.Join(provides.Close(), samples.Close()); err != nil {
		return nil, err
	}
	completions, err := writeValidators(dir, params, res)
	if err != nil {
		return nil, err
	}
	served, sent, recv, err := writeLoad(dir, params, res, net.Len())
	if err != nil {
		return nil, err
	}
	delays := make([]float64, len(res.SampleDelays))
	for i, d := range res.SampleDelays {
		delays[i] = d.Seconds()
	}
	if err := report.WriteFile(filepath.Join(dir, "slot.png"), func(w io.Writer) error {
		return drawSlot(w, c, sl, res, completions, delays, sent)
	}); err != nil {
		return nil, err
	}
	f := report.Float
	d := report.Describe(delays)
	load, bytesSent := report.Describe(served), report.Describe(sent)
	// completions holds +Inf for the validators that never completed.
	slices.Sort(completions)
	completion := func(q float64) string {
		if v := report.SortedQuantile(completions, q); !math.IsInf(v, 1) {
			return f(v)
		}
		return ""
	}
	upload, custody, bytesRecv := "", "", math.NaN()
	if res.Loads != nil {
		upload = report.Seconds(res.BuilderUploadEnd)
		bytesRecv = slices.Max(recv)
	} else {
		bytesSent = report.Dist{Mean: math.NaN(), P99: math.NaN(), Max: math.NaN()}
	}
	if res.CustodyPushes > 0 {
		custody = f(float64(res.CustodyDelivered) / float64(res.CustodyPushes))
	}
	completed, absent := 0, 0
	for _, v := range res.Validators {
		if v.Completed {
			completed++
		}
		if v.Absent {
			absent++
		}
	}
	nv := float64(res.Verdict.Validators) // present
	return []metric{
		{"provides", strconv.Itoa(res.Provides)}, {"withheld", strconv.Itoa(res.Withheld)},
		{"recoverable", b01(res.Truth.Recoverable)}, {"stored_share_mean", f(res.StoredShare)},
		{"provides_end_s", report.Seconds(res.ProvidesEnd)}, {"builder_upload_end_s", upload}, {"custody_delivered", custody},
		{"sampling_start_s", report.Seconds(res.SampleStart)}, {"samples_run", strconv.Itoa(res.Samples)},
		{"found_share", f(float64(res.SamplesFound) / float64(res.Samples))}, {"lookups_mean", f(float64(lookups) / float64(res.Samples))},
		{"sample_p50_s", f(d.P50)}, {"sample_p90_s", f(d.P90)}, {"sample_p99_s", f(d.P99)},
		{"validators_run", strconv.Itoa(len(res.Validators))},
		{"validators_absent", strconv.Itoa(absent)}, {"success_share", f(float64(res.Verdict.Succeeded) / nv)},
		{"completed_share", f(float64(completed) / nv)}, {"completion_p50_s", completion(0.5)}, {"completion_p90_s", completion(0.9)},
		{"available", b01(res.Verdict.Available)},
		{"false_accept", b01(res.FalseAccept())}, {"false_reject", b01(res.FalseReject())},
		{"served_mean", f(load.Mean)}, {"served_p99", f(load.P99)}, {"served_max", f(load.Max)},
		{"sent_bytes_mean", f(bytesSent.Mean)}, {"sent_bytes_p99", f(bytesSent.P99)}, {"sent_bytes_max", f(bytesSent.Max)},
		{"recv_bytes_max", f(bytesRecv)},
	}, nil
}

// writeValidators writes validators.csv and returns the completion time
// of each validator present, in seconds from the slot's start (+Inf when
// it never completed).
func writeValidators(dir string, params []string, res *workload.SlotResult) ([]float64, error) {
	completions := make([]float64, 0, len(res.Validators))
	err := report.WriteCSVFile(filepath.Join(dir, "validators.csv"), slices.Concat([]string{"validator", "node", "absent", "found", "completed", "done_s", "success"}, SummaryColumns()),
		func(emit func([]string) error) error {
			row := make([]string, 0, 7+len(params))
			for i, v := range res.Validators {
				switch {
				case v.Absent:
				case v.Completed:
					completions = append(completions, v.Done.Seconds())
				default:
					completions = append(completions, math.Inf(1))
				}
				row = append(row[:0], strconv.Itoa(i), report.Utoa(uint64(v.Node)), strconv.FormatBool(v.Absent), strconv.Itoa(v.Found),
					strconv.FormatBool(v.Completed), report.Seconds(v.Done), strconv.FormatBool(v.Success))
				if err := emit(append(row, params...)); err != nil {
					return err
				}
			}
			return nil
		})
	return completions, err
}

// writeLoad writes load.csv, a row per node that served a request or sent
// or received a byte, and returns per node of the network the requests
// served and, with bandwidth on, the bytes sent and received (nil off).
func writeLoad(dir string, params []string, res *workload.SlotResult, nodes int) (served, sent, recv []float64, err error) {
	served = make([]float64, nodes)
	for id, n := range res.Served {
		if int(id) < nodes {
			served[id] = float64(n)
		}
	}
	if res.Loads != nil {
		sent, recv = make([]float64, nodes), make([]float64, nodes)
		for id, l := range res.Loads[:min(nodes, len(res.Loads))] {
			sent[id], recv[id] = float64(l.SentBytes), float64(l.RecvBytes)
		}
	}
	err = report.WriteCSVFile(filepath.Join(dir, "load.csv"), slices.Concat([]string{"node", "served", "sent_bytes", "recv_bytes", "sent_msgs", "recv_msgs"}, SummaryColumns()),
		func(emit func([]string) error) error {
			row := make([]string, 0, 6+len(params))
			for id := range nodes {
				var l struct{ sb, rb, sm, rm int64 }
				if res.Loads != nil && id < len(res.Loads) {
					x := res.Loads[id]
					l.sb, l.rb, l.sm, l.rm = x.SentBytes, x.RecvBytes, x.SentMsgs, x.RecvMsgs
				}
				if served[id] == 0 && l.sm == 0 && l.rm == 0 {
					continue
				}
				row = append(row[:0], strconv.Itoa(id), strconv.FormatFloat(served[id], 'f', -1, 64))
				if res.Loads != nil {
					row = append(row, strconv.FormatInt(l.sb, 10), strconv.FormatInt(l.rb, 10), strconv.FormatInt(l.sm, 10), strconv.FormatInt(l.rm, 10))
				} else {
					row = append(row, "", "", "", "") // bandwidth off: no sizes
				}
				if err := emit(append(row, params...)); err != nil {
					return err
				}
			}
			return nil
		})
	return served, sent, recv, err
}

// drawSlot draws a slot's distributions (slot.png of its folder): the
// CDF of validator completion against the deadline (the share of the
// validators present done by each time, the headline figure of PANDAS),
// the CDF of sample delays, and the CDF of the bytes each node sent (with
// bandwidth on; else the requests each node served).
func drawSlot(w io.Writer, c Combination, sl workload.Slot, res *workload.SlotResult, completions, delays, sent []float64) error {
	panels := slotPanels(sl.Deadline, completions, delays, sent, res.Served, c.Params.Config.Nodes)
	f := &report.Figure{
		Title: fmt.Sprintf("%s: its validators, samples and nodes (cumulative)", c.Name),
		Subtitle: fmt.Sprintf("%d nodes, %d validators present, %d x %d cells, %d samples each, deadline %v",
			c.Params.Config.Nodes, res.Verdict.Validators, sl.Rows, sl.Cols, sl.Samples, sl.Deadline),
		Panels:     [][]*report.Panel{panels},
		PanelWidth: 11 * vg.Centimeter,
	}
	return f.Render(w)
}

// slotPanels are the panels of a slot's distributions: completion against
// the deadline (completions of the validators present, +Inf for those
// that never completed), sample delays (seconds), and the bytes each node
// sent (nil with bandwidth off: then the requests each node of nodes
// served).
func slotPanels(deadline time.Duration, completions, delays, sent []float64, served map[uint32]uint32, nodes int) []*report.Panel {
	share := report.Axis{Label: "share at most this value (%)", Kind: report.PercentAxis}
	var done []float64
	for _, x := range completions {
		if !math.IsInf(x, 1) {
			done = append(done, x)
		}
	}
	completion := &report.Panel{
		Title: fmt.Sprintf("validators done by each time\n%d of %d completed", len(done), len(completions)),
		X:     report.Axis{Label: "time from the slot's start (s)", FromZero: true},
		Y:     report.Axis{Label: "validators done (%)", Kind: report.PercentAxis},
		Lines: []report.Line{
			{Label: "validators present", Points: scaledCDF(done, 1, len(completions)), NoMarks: true},
			{Label: "deadline", Color: report.Grey, Dashed: true, NoMarks: true, Style: 1,
				Points: []report.Point{report.XY(deadline.Seconds(), 0), report.XY(deadline.Seconds(), 100)}},
		},
	}
	d := report.Describe(delays)
	sample := &report.Panel{
		Title: fmt.Sprintf("delay of the samples that found their cell\np50 %s, p99 %s", report.FormatDuration(d.P50), report.FormatDuration(d.P99)),
		X:     report.Axis{Label: "delay from the start of sampling (ms)", FromZero: true},
		Y:     share,
		Lines: []report.Line{{Points: report.CDF(delays, 1e3), NoMarks: true, Style: 2}},
	}
	var load *report.Panel
	if sent != nil {
		kb := make([]float64, 0, len(sent))
		for _, b := range sent {
			if b > 0 {
				kb = append(kb, b/1e3) // a log axis: the nodes that sent
			}
		}
		load = &report.Panel{
			Title: fmt.Sprintf("bytes sent per node\n%d of %d nodes sent, the busiest %s kB", len(kb), len(sent), report.FormatNumber(slices.Max(append(kb, 0)))),
			X:     report.Axis{Label: "kB sent (log)", Kind: report.LogAxis},
			Y:     share,
			Lines: []report.Line{{Points: report.CDF(kb, 1), NoMarks: true, Style: 3}},
		}
	} else {
		counts := make([]float64, nodes)
		for id, n := range served {
			if int(id) < nodes {
				counts[id] = float64(n)
			}
		}
		load = &report.Panel{
			Title: fmt.Sprintf("requests served per node\nthe busiest %s", report.FormatNumber(slices.Max(append(counts, 0)))),
			X:     report.Axis{Label: "requests served", FromZero: true},
			Y:     share,
			Lines: []report.Line{{Points: report.CDF(counts, 1), NoMarks: true, Style: 3}},
		}
	}
	return []*report.Panel{completion, sample, load}
}

// scaledCDF is report.CDF of xs as a share of total values (xs are those
// of them that happened; the others never did).
func scaledCDF(xs []float64, scale float64, total int) []report.Point {
	pts := report.CDF(xs, scale)
	if total == 0 {
		return nil
	}
	f := float64(len(xs)) / float64(total)
	for i := range pts {
		pts[i].Y *= f
	}
	return pts
}

// slotDistributionFigure draws the distributions of a slot study of one
// grid point (charts/distributions.png), from its runs' CSVs, one line per
// seed: validators done by each time against the deadline, the delays of
// the samples that found their cell, the share of its samples each
// validator found, and the bytes each node sent (with bandwidth; else the
// requests each node served).
func slotDistributionFigure(s *Study, dir string, a Aggregate, sub string) (*report.Figure, error) {
	type perRun struct {
		done   []float64 // completion (s) of the validators present; +Inf never
		delays []float64 // of the samples that found their cell (s)
		shares []float64 // share of its samples each validator found
		load   []float64 // bytes sent (kB, nodes that sent) or requests served, per node
	}
	bytesOn := false
	var runs []perRun
	for _, r := range a.Runs {
		folder := filepath.Join(dir, s.Combination(r.Index).Name)
		var pr perRun
		err := readColumns(filepath.Join(folder, "samples.csv"), []string{"sample_delay_s", "found"}, func(v []string) error {
			if v[1] == "true" {
				pr.delays = append(pr.delays, parseFloats(v[:1])[0])
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		err = readColumns(filepath.Join(folder, "validators.csv"), []string{"absent", "completed", "done_s", "found"}, func(v []string) error {
			if v[0] == "true" {
				return nil
			}
			t := math.Inf(1)
			if v[1] == "true" {
				t = parseFloats(v[2:3])[0]
			}
			pr.done = append(pr.done, t)
			pr.shares = append(pr.shares, parseFloats(v[3:4])[0]/float64(a.Combination.Params.Workload.Slot.Samples))
			return nil
		})
		if err != nil {
			return nil, err
		}
		err = readColumns(filepath.Join(folder, "load.csv"), []string{"sent_bytes", "served"}, func(v []string) error {
			if v[0] != "" {
				bytesOn = true
				if b := parseFloats(v[:1])[0]; b > 0 {
					pr.load = append(pr.load, b/1e3)
				}
				return nil
			}
			pr.load = append(pr.load, parseFloats(v[1:2])[0])
			return nil
		})
		if err != nil {
			return nil, err
		}
		runs = append(runs, pr)
	}
	deadline := a.Combination.Params.Workload.Slot.Deadline.Seconds()
	label := func(i int) string {
		if len(runs) > 1 {
			return fmt.Sprintf("seed %s", a.Runs[i].Fields[seedField(s)])
		}
		return ""
	}
	share := report.Axis{Label: "share at most this value (%)", Kind: report.PercentAxis}
	done := &report.Panel{Title: "validators done by each time (completion)", X: report.Axis{Label: "time from the slot's start (s)", FromZero: true},
		Y: report.Axis{Label: "validators present done (%)", Kind: report.PercentAxis}}
	delay := &report.Panel{Title: "delay of the samples that found their cell", X: report.Axis{Label: "delay from the start of sampling (ms)", FromZero: true}, Y: share}
	found := &report.Panel{Title: "share of its samples each validator found", X: report.Axis{Label: "samples found (%)", Kind: report.PercentAxis}, Y: share}
	load := &report.Panel{Title: "requests served per node (nodes that served)", X: report.Axis{Label: "requests served", FromZero: true}, Y: share}
	if bytesOn {
		load = &report.Panel{Title: "bytes sent per node (nodes that sent)", X: report.Axis{Label: "kB sent (log)", Kind: report.LogAxis}, Y: share}
	}
	for i, pr := range runs {
		var completed []float64
		for _, t := range pr.done {
			if !math.IsInf(t, 1) {
				completed = append(completed, t)
			}
		}
		done.Lines = append(done.Lines, report.Line{Label: label(i), Style: i, Points: scaledCDF(completed, 1, len(pr.done)), NoMarks: true})
		delay.Lines = append(delay.Lines, report.Line{Label: label(i), Style: i, Points: report.CDF(pr.delays, 1e3), NoMarks: true})
		found.Lines = append(found.Lines, report.Line{Label: label(i), Style: i, Points: report.CDF(pr.shares, 100), NoMarks: true})
		load.Lines = append(load.Lines, report.Line{Label: label(i), Style: i, Points: report.CDF(pr.load, 1), NoMarks: true})
	}
	done.Lines = append(done.Lines, report.Line{Label: "deadline", Color: report.Grey, Dashed: true, NoMarks: true, Style: len(runs),
		Points: []report.Point{report.XY(deadline, 0), report.XY(deadline, 100)}})
	f := &report.Figure{
		Title:    fmt.Sprintf("%s: its validators, samples and nodes (cumulative), one grid point", s.Name),
		Subtitle: sub,
		Panels:   [][]*report.Panel{{done, delay}, {found, load}},
	}
	if len(runs) > 1 {
		f.LegendTitle = "run"
	} else {
		f.PanelWidth = 11 * vg.Centimeter
	}
	return f, nil
}

// slotRates are the figures of a slot that are 1 or 0: their mean over
// seeds is a rate, drawn in %.
var slotRates = []string{"recoverable", "available", "false_accept", "false_reject"}

// isRate says whether column is a figure that each run gives as 1 or 0
// (slotRates), whose mean over seeds is a rate.
func isRate(column string) bool { return slices.Contains(slotRates, column) }

// b01 writes a truth as a figure: 1 or 0.
func b01(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
