package report

import (
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Charts are drawn so that a reader understands each without the CSV: the
// title says what was measured, the subtitle on which network and with
// which settings, the axes carry units, and one legend outside the data
// names every line (Figure).

// ChartDPI makes PNGs sharp enough to read on a laptop screen.
const ChartDPI = 110

// MaxCDFPoints bounds the points of a line CDF draws: a page cannot show
// more apart.
const MaxCDFPoints = 400

// CDF returns the empirical distribution function of xs, each value
// multiplied by scale, as the points of its staircase (value, share of
// the values at most it, in %): at each distinct value the line rises
// from the share below it to the share at it. Above MaxCDFPoints distinct
// values it keeps an even sample of them (the first and last included),
// joined by straight lines.
// NaN values are left out.
func CDF(xs []float64, scale float64) []Point {
	s := slices.DeleteFunc(slices.Clone(xs), math.IsNaN)
	if len(s) == 0 {
		return nil
	}
	slices.Sort(s)
	n := float64(len(s))
	type step struct{ x, below, at float64 }
	var steps []step
	for i := 0; i < len(s); {
		j := i
		for j+1 < len(s) && s[j+1] == s[i] {
			j++
		}
		steps = append(steps, step{s[i] * scale, 100 * float64(i) / n, 100 * float64(j+1) / n})
		i = j + 1
	}
	if len(steps) > MaxCDFPoints {
		every := (len(steps) + MaxCDFPoints - 1) / MaxCDFPoints
		var kept []step
		for i := 0; i < len(steps); i += every {
			kept = append(kept, steps[i])
		}
		if last := steps[len(steps)-1]; kept[len(kept)-1].x != last.x {
			kept = append(kept, last)
		}
		steps = kept
	}
	pts := make([]Point, 0, 2*len(steps))
	for _, st := range steps {
		pts = append(pts, XY(st.x, st.below), XY(st.x, st.at))
	}
	return pts
}

// HeatMap is a plotter of a grid of cells coloured by value (light: low,
// dark: high), each labelled, on two Category axes: cell (i, j) is
// column i of X, row j of Y.
type HeatMap struct {
	// Values[j][i] is the cell at X i, Y j; NaN leaves it blank.
	Values [][]float64
	// Labels[j][i] is written in the cell.
	Labels [][]string
	// Lo and Hi are the values of the palette's ends.
	Lo, Hi float64
}

// HeatColor returns the colour of t in [0, 1] on the heat maps' palette.
func HeatColor(t float64) color.Color {
	t = min(max(t, 0), 1)
	const n = 101
	return Color(int(math.Round(t*(n-1))), n, true)
}

// Plot implements plot.Plotter.
func (h HeatMap) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := textStyle(tickSize)
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	for j, row := range h.Values {
		for i, v := range row {
			if math.IsNaN(v) {
				continue
			}
			t := 0.5
			if h.Hi > h.Lo {
				t = (v - h.Lo) / (h.Hi - h.Lo)
			}
			fill := HeatColor(t)
			x0, x1 := trX(float64(i)-0.5), trX(float64(i)+0.5)
			y0, y1 := trY(float64(j)-0.5), trY(float64(j)+0.5)
			c.FillPolygon(fill, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
			if j < len(h.Labels) && i < len(h.Labels[j]) {
				sty.Color = color.Black
				if t > 0.45 {
					sty.Color = color.White
				}
				c.FillText(sty, vg.Point{X: (x0 + x1) / 2, Y: (y0 + y1) / 2}, h.Labels[j][i])
			}
		}
	}
}

// DataRange implements plot.DataRanger.
func (h HeatMap) DataRange() (xmin, xmax, ymin, ymax float64) {
	cols := 0
	for _, r := range h.Values {
		cols = max(cols, len(r))
	}
	return -0.5, float64(cols) - 0.5, -0.5, float64(len(h.Values)) - 0.5
}
