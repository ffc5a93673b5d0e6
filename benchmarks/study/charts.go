package study

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/go-dht/go-dht/benchmarks/report"
)

// chartMetric is a figure the charts draw: its summary column, its label,
// and the factor from the column's unit to the axis's.
type chartMetric struct {
	column, label string
	scale         float64
}

// chartMetrics are the main figures of each workload type.
var chartMetrics = map[WorkloadType][]chartMetric{
	Retrieval: {
		{"delay_mean_s", "mean simulated delay of a retrieval (ms)", 1e3},
		{"attempts_mean", "connection attempts per retrieval", 1},
		{"found_share", "retrievals that found the segment (%)", 100},
	},
	Availability: {
		{"found_share_last", "retrievals that found a segment at the end (%)", 100},
		{"replicas_last", "replicas online at the end", 1},
		{"table_closest_last", "true k closest known at the end (%)", 100},
	},
	Slot: {
		{"success_share", "validators done by the deadline (%)", 100},
		{"sample_p90_s", "sample delay p90 (ms)", 1e3},
		{"served_max", "requests served by the busiest node", 1},
	},
}

// writeCharts draws, for each swept key, the main figures against its
// values: one line per value of the next swept key when there is one, the
// figures averaged over the other keys and the repeats. It returns the
// files written into dir/charts.
func writeCharts(s *Study, dir string, header []string, rows []Row) ([]string, error) {
	var axes []Axis
	for _, a := range s.Axes {
		if len(a.Values) > 1 {
			axes = append(axes, a)
		}
	}
	if len(axes) == 0 || len(rows) == 0 {
		return nil, nil
	}
	if err := os.MkdirAll(filepath.Join(dir, "charts"), 0o755); err != nil {
		return nil, err
	}
	col := func(name string) int { return slices.Index(header, name) }
	var files []string
	for i, x := range axes {
		var lines *Axis
		if len(axes) > 1 {
			lines = &axes[(i+1)%len(axes)]
		}
		path := filepath.Join(dir, "charts", x.Key+".png")
		err := report.WriteFile(path, func(w io.Writer) error {
			return drawAxis(w, s, x, lines, rows, col)
		})
		if err != nil {
			return files, err
		}
		files = append(files, path)
	}
	return files, nil
}

// drawAxis draws the figures against x, one line per value of lines.
func drawAxis(w io.Writer, s *Study, x Axis, lines *Axis, rows []Row, col func(string) int) error {
	xc := col(columnOf(x.Key))
	var lc int
	lineValues := []string{""}
	if lines != nil {
		lc = col(columnOf(lines.Key))
		lineValues = lines.Values
	}
	var ticks plot.ConstantTicks
	for i, v := range x.Values {
		ticks = append(ticks, plot.Tick{Value: float64(i), Label: v})
	}
	var panels []*plot.Plot
	for _, m := range chartMetrics[s.Workload] {
		mc := col(m.column)
		title := fmt.Sprintf("%s against %s\n%s, %d combinations", m.label, x.Key, s.Name, len(rows))
		p := report.NewPlot(title, x.Key, m.label)
		top := 0.0
		for li, lv := range lineValues {
			var xys plotter.XYs
			for xi, xv := range x.Values {
				sum, n := 0.0, 0
				for _, r := range rows {
					if r.Fields[xc] != xv || lines != nil && r.Fields[lc] != lv {
						continue
					}
					if v, err := strconv.ParseFloat(r.Fields[mc], 64); err == nil {
						sum, n = sum+v*m.scale, n+1
					}
				}
				if n > 0 {
					xys = append(xys, plotter.XY{X: float64(xi), Y: sum / float64(n)})
					top = max(top, sum/float64(n))
				}
			}
			if len(xys) == 0 {
				continue
			}
			label := "mean over the other parameters"
			if lines != nil {
				label = lines.Key + " = " + lv
			}
			if err := report.AddSeries(p, label, li, xys); err != nil {
				return err
			}
		}
		p.X.Tick.Marker = ticks
		p.X.Min, p.X.Max = -0.3, float64(len(x.Values))-0.7
		p.Y.Min, p.Y.Max = 0, top*1.35+1e-9
		panels = append(panels, p)
	}
	return report.RenderPNG(w, vg.Length(14*len(panels))*vg.Centimeter, 14*vg.Centimeter, panels...)
}

// columnOf returns the summary column of a study key.
func columnOf(key string) string {
	const prefix = "workload."
	if len(key) > len(prefix) && key[:len(prefix)] == prefix {
		return key[len(prefix):]
	}
	return key
}
