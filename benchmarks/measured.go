package benchmarks

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/go-dht/go-dht/benchmarks/report"
)

// Published is a figure measured on a real network, with its source: what
// BenchmarkAgainstMeasurements sets go-dht beside.
type Published struct {
	// ID names the figure in the CSV and the chart.
	ID string
	// Figure says what was measured; Setting in which network and how.
	Figure, Setting string
	// Value is the published value in Unit; Text says it as the source
	// does (a range, a rounding).
	Value float64
	Unit  string
	Text  string
	// Source is the paper or report, with its date.
	Source string
	// Calibrated says go-dht's built-in values were fitted to this figure:
	// it then agrees by construction, and says nothing of the model's
	// predictions.
	Calibrated bool
}

// publishedFigures are the figures BenchmarkAgainstMeasurements compares
// against, from the IPFS paper, ProbeLab's reports and measurement
// websites, and Nebula. Every one but the calibrated ones is held out:
// the model was not fitted to it.
var publishedFigures = []Published{
	{ID: "walk-fresh", Figure: "DHT walk of a retrieval (to the first provider record), mean",
		Setting: "IPFS DHT, kubo agents in 6 AWS regions restarted every 6 h (fresh connections)", Value: 0.62, Unit: "s", Text: "0.62 s (0.622 s in the SIGCOMM paper)",
		Source: "ProbeLab RFM 7, 29 Oct - 9 Nov 2022; Trautwein et al., SIGCOMM 2022"},
	{ID: "lookup-warm", Figure: "DHT lookup to the first provider, median",
		Setting: "IPFS DHT, long-running Parsec DHT servers in AWS regions (open connections)", Value: 0.33, Unit: "s", Text: "daily medians 0.29-0.37 s",
		Source: "ProbeLab Parsec, probelab.io, 12 Jul - 18 Sep 2025"},
	{ID: "provide-p50", Figure: "provide (GetClosestPeers + ADD_PROVIDER), p50", Setting: "IPFS DHT, 10,000 CIDs, k = 20", Value: 12.64, Unit: "s", Text: "12.64 s",
		Source: "ProbeLab RFM 17, 25-27 Jul 2022"},
	{ID: "provide-p90", Figure: "provide, p90", Setting: "as above", Value: 48.98, Unit: "s", Text: "48.98 s", Source: "ProbeLab RFM 17, Jul 2022"},
	{ID: "holders-p50", Figure: "provider record holders that stored, p50", Setting: "as above", Value: 18, Unit: "of 20", Text: "18 of 20",
		Source: "ProbeLab RFM 17, Jul 2022"},
	{ID: "holders-p5", Figure: "provider record holders that stored, p5", Setting: "as above", Value: 14, Unit: "of 20", Text: "14 of 20",
		Source: "ProbeLab RFM 17, Jul 2022"},
	{ID: "hops-p50", Figure: "hops of a GetClosestPeers walk, p50", Setting: "as above", Value: 4, Unit: "hops", Text: "4 (p90 at most 6)",
		Source: "ProbeLab RFM 17, Jul 2022"},
	{ID: "know-all-20", Figure: "nodes whose table holds all of their 20 closest", Setting: "IPFS DHT, 28 Nebula crawls, 20,811 peers found, 15,371 reachable",
		Value: 61.09, Unit: "%", Text: "61.09 %", Source: "ProbeLab RFM 19, 19-26 Apr 2022"},
	{ID: "know-under-18", Figure: "nodes whose table holds fewer than 18 of their 20 closest", Setting: "as above", Value: 4.79, Unit: "%", Text: "4.79 %",
		Source: "ProbeLab RFM 19, Apr 2022"},
	{ID: "unreachable-full", Figure: "unreachable entries of full buckets", Setting: "as above", Value: 3.78, Unit: "%", Text: "3.78 %",
		Source: "ProbeLab RFM 19, Apr 2022"},
	{ID: "unreachable-other", Figure: "unreachable entries of the other buckets", Setting: "as above", Value: 15, Unit: "%", Text: "about 15 %",
		Source: "ProbeLab RFM 19, Apr 2022"},
	{ID: "crawl-duration", Figure: "crawl of the whole network", Setting: "Nebula, IPFS DHT of about 20,000 peers, 1,000 workers", Value: 300, Unit: "s",
		Text: "about 5 min", Source: "ProbeLab RFM 2 and RFM 17, 2022; Nebula README"},
	{ID: "crawl-undialable", Figure: "share of the peers found that no dial reached", Setting: "as above", Value: 26.1, Unit: "%", Text: "26.1 % (5,440 of 20,811)",
		Source: "ProbeLab RFM 19, Apr 2022", Calibrated: true},
	{ID: "discv5-stale", Figure: "unreachable routing table records", Setting: "Ethereum discv5 networks, Nebula crawls every 30 min", Value: 25, Unit: "%",
		Text: "21.6-28.8 %", Source: "ProbeLab website, 30 Sep - 3 Oct 2024", Calibrated: true},
	{ID: "discv5-crawl", Figure: "crawl of the whole network", Setting: "discv5, about 20,000 nodes verified, one host (Codex's fast crawler)", Value: 55, Unit: "s",
		Text: "55 s", Source: "ethresear.ch topic 20962, Codex"},
}

// Measured is one row of BenchmarkAgainstMeasurements: a published figure
// and what go-dht gives in its setting.
type Measured struct {
	Published
	// GoDHT is go-dht's value, in the published figure's unit; Run says
	// how go-dht was set up for it.
	GoDHT float64
	Run   string
}

// Ratio is go-dht's value over the published one.
func (m Measured) Ratio() float64 { return m.GoDHT / m.Value }

// MeasuredHeader is the header of the measurements CSV.
var MeasuredHeader = []string{"id", "figure", "published", "published_text", "unit", "godht", "ratio", "calibrated", "source", "setting", "godht_setting"}

// WriteMeasured writes the measurements CSV.
func WriteMeasured(w io.Writer, rows []Measured) error {
	return report.WriteCSV(w, MeasuredHeader, func(emit func([]string) error) error {
		for _, m := range rows {
			cal := "0"
			if m.Calibrated {
				cal = "1"
			}
			if err := emit([]string{m.ID, m.Figure, report.Float(m.Value), m.Text, m.Unit, report.Float(m.GoDHT), report.Float(m.Ratio()),
				cal, m.Source, m.Setting, m.Run}); err != nil {
				return err
			}
		}
		return nil
	})
}

// PrintMeasured prints the table of the README's "Against measurements".
func PrintMeasured(w io.Writer, rows []Measured) error {
	fmt.Fprintln(w, "\n== against measurements (go-dht in the setting of each published figure) ==")
	t := report.NewTable(w, "profile", "figure", "published", "go-dht", "ratio", "source")
	for _, m := range rows {
		// The run's description starts with its profile: it tells apart
		// figures of one name measured on two networks (the crawls).
		profile, _, _ := strings.Cut(m.Run, ",")
		src := m.Source
		if m.Calibrated {
			src += " (calibrated)"
		}
		if err := t.Append([]string{profile, m.Figure, m.Text, fmt.Sprintf("%.3g %s", m.GoDHT, m.Unit), fmt.Sprintf("%.2f", m.Ratio()), src}); err != nil {
			return err
		}
	}
	return t.Render()
}

// MeasuredChart draws go-dht's value over each published one on a log
// axis, one bar a figure from 1 to the ratio, with the ratio written at its
// end: a bar inside the dashed lines agrees within a factor of two;
// calibrated figures are grey (they agree by construction).
func MeasuredChart(w io.Writer, rows []Measured) error {
	if len(rows) == 0 {
		return fmt.Errorf("no measurements")
	}
	lo, hi := 0.08, 12.0
	blue, grey := color.RGBA{R: 31, G: 119, B: 180, A: 255}, color.Gray{Y: 150}
	labels := make([]string, len(rows))
	var ps []plot.Plotter
	var ends plotter.XYs
	var texts []string
	for i, m := range rows {
		// Figures are listed top down: row i at y = n-1-i.
		y := float64(len(rows) - 1 - i)
		r := math.Max(lo*1.05, math.Min(hi/1.05, m.Ratio()))
		l, err := plotter.NewLine(plotter.XYs{{X: 1, Y: y}, {X: r, Y: y}})
		if err != nil {
			return err
		}
		l.Width = vg.Points(9)
		l.Color = blue
		if m.Calibrated {
			l.Color = grey
		}
		ps = append(ps, l)
		labels[int(y)] = m.ID
		ends = append(ends, plotter.XY{X: r, Y: y})
		texts = append(texts, fmt.Sprintf(" %.2f ", m.Ratio()))
	}
	lbl, err := plotter.NewLabels(plotter.XYLabels{XYs: ends, Labels: texts})
	if err != nil {
		return err
	}
	for i, m := range rows {
		if m.Ratio() < 1 {
			lbl.TextStyle[i].XAlign = -1 // text left of a bar that points left
		}
		lbl.TextStyle[i].YAlign = -0.5
	}
	ps = append(ps, lbl)
	var dashed *plotter.Line
	for _, x := range []float64{0.5, 1, 2} {
		l, err := plotter.NewLine(plotter.XYs{{X: x, Y: -0.5}, {X: x, Y: float64(len(rows)) - 0.5}})
		if err != nil {
			return err
		}
		if x != 1 {
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			dashed = l
		}
		l.Color = color.Gray{Y: 90}
		ps = append(ps, l)
	}
	ticks := plot.ConstantTicks{}
	for _, v := range []float64{0.1, 0.2, 0.5, 1, 2, 5, 10} {
		ticks = append(ticks, plot.Tick{Value: v, Label: report.FormatNumber(v)})
	}
	p := &report.Panel{
		X:        report.Axis{Label: "ratio go-dht / published (log scale)", Kind: report.LogAxis, Ticks: ticks, Min: lo, Max: hi},
		Y:        report.Axis{Kind: report.CategoryAxis, Categories: labels},
		Plotters: ps,
		Legend: []report.LegendItem{
			{Label: "go-dht's value / the published one", Thumbs: []plot.Thumbnailer{report.Swatch{Color: blue}}},
			{Label: "calibrated to it (agrees by construction)", Thumbs: []plot.Thumbnailer{report.Swatch{Color: grey}}},
			{Label: "a factor of 2 either way", Thumbs: []plot.Thumbnailer{dashed}},
		},
	}
	f := &report.Figure{
		Title:       "go-dht against published measurements: go-dht's value / the published value",
		Subtitle:    "each bar from 1 to the ratio, the ratio written at its end; sources in the CSV and the README",
		Panels:      [][]*report.Panel{{p}},
		PanelWidth:  22 * vg.Centimeter,
		PanelHeight: vg.Length(len(rows))*0.75*vg.Centimeter + 3*vg.Centimeter,
	}
	return f.Render(w)
}
