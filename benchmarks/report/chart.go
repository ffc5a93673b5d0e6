package report

import (
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Charts are drawn so that a reader understands each without the CSV: the
// title says what was measured and on which network, the axes carry units,
// a legend names every line.

// ChartDPI makes PNGs sharp enough to read on a laptop screen.
const ChartDPI = 110

// RenderPNG draws panels (one row of plots) on one PNG.
func RenderPNG(w io.Writer, width, height vg.Length, panels ...*plot.Plot) error {
	c := vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(ChartDPI))
	dc := draw.New(c)
	if len(panels) == 1 {
		// A margin on the right keeps the legend and the last tick label
		// inside the image.
		panels[0].Draw(draw.Crop(dc, 0, -vg.Millimeter*4, 0, -vg.Millimeter))
	} else {
		tiles := draw.Tiles{Rows: 1, Cols: len(panels), PadX: vg.Millimeter * 8,
			PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 4}
		canvases := plot.Align([][]*plot.Plot{panels}, tiles, dc)
		for i, p := range panels {
			p.Draw(canvases[0][i])
		}
	}
	_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
	return err
}

// NewPlot returns a plot with a title, axis labels and a legend in the
// top left corner.
func NewPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.Padding = vg.Millimeter * 3
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs = vg.Millimeter * 2
	p.Legend.YOffs = -vg.Millimeter * 2
	p.X.Tick.Marker, p.Y.Tick.Marker = PlainTicks{}, PlainTicks{}
	p.Add(plotter.NewGrid())
	return p
}

// AddSeries adds a line with points, in the i-th color and shape.
func AddSeries(p *plot.Plot, label string, i int, xys plotter.XYs) error {
	l, s, err := plotter.NewLinePoints(xys)
	if err != nil {
		return err
	}
	l.Color, s.Color = plotutil.Color(i), plotutil.Color(i)
	l.Width = vg.Points(1.5)
	s.Shape = plotutil.Shape(i)
	s.Radius = vg.Points(3)
	p.Add(l, s)
	p.Legend.Add(label, l, s)
	return nil
}

// LogAxis puts a (positive) axis on a log scale over [lo, hi], widened by a
// third of a decade each side, with ticks labelled by format.
func LogAxis(a *plot.Axis, lo, hi float64, format func(float64) string) {
	a.Scale = plot.LogScale{}
	a.Min = lo / math.Pow(10, 1.0/3)
	a.Max = hi * math.Pow(10, 1.0/3)
	a.Tick.Marker = LogTicks{Format: format}
}

// LogTicks labels the powers of ten of a log axis, and 2× and 5× when a
// range holds fewer than two powers of ten.
type LogTicks struct{ Format func(float64) string }

func (t LogTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	powers := 0
	for e := math.Floor(math.Log10(lo)); math.Pow(10, e) <= hi; e++ {
		if v := math.Pow(10, e); v >= lo {
			powers++
		}
	}
	for e := math.Floor(math.Log10(lo)); math.Pow(10, e) <= hi; e++ {
		base := math.Pow(10, e)
		for m := 1.0; m < 10; m++ {
			v := m * base
			if v < lo || v > hi {
				continue
			}
			tick := plot.Tick{Value: v}
			if m == 1 || powers < 2 && (m == 2 || m == 5) {
				tick.Label = t.Format(v)
			}
			ticks = append(ticks, tick)
		}
	}
	return ticks
}

// FormatCount prints 1000 as "1k", 1000000 as "1M".
func FormatCount(v float64) string {
	switch {
	case v >= 1e6:
		return strconv.FormatFloat(v/1e6, 'g', 3, 64) + "M"
	case v >= 1e3:
		return strconv.FormatFloat(v/1e3, 'g', 3, 64) + "k"
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// FormatSeconds prints seconds with the unit that keeps the number short.
func FormatSeconds(v float64) string {
	switch {
	case v >= 1:
		return strconv.FormatFloat(v, 'g', 3, 64) + " s"
	case v >= 1e-3:
		return strconv.FormatFloat(v*1e3, 'g', 3, 64) + " ms"
	}
	return strconv.FormatFloat(v*1e6, 'g', 3, 64) + " µs"
}

// PlainTicks are the default ticks, labelled without trailing zeros.
type PlainTicks struct{}

func (PlainTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = strconv.FormatFloat(ticks[i].Value, 'g', 6, 64)
		}
	}
	return ticks
}
