package report

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Gantt is a plotter of horizontal bars, one per interval (a request, a
// crawler's visit), each on its own lane Y, from X0 to X1.
type Gantt struct {
	Bars []Bar
}

// Bar is one interval of a Gantt chart.
type Bar struct {
	Y, X0, X1 float64
	Color     color.Color
}

// Plot draws the bars; a bar too short to see is drawn one point wide.
func (g Gantt) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, b := range g.Bars {
		x0, x1 := trX(b.X0), trX(b.X1)
		if x1-x0 < vg.Points(1) {
			x1 = x0 + vg.Points(1)
		}
		y0, y1 := trY(b.Y-0.38), trY(b.Y+0.38)
		c.FillPolygon(b.Color, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
	}
}

// DataRange returns the extent of the bars.
func (g Gantt) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, b := range g.Bars {
		xmin, xmax = min(xmin, b.X0), max(xmax, b.X1)
		ymin, ymax = min(ymin, b.Y-0.5), max(ymax, b.Y+0.5)
	}
	return xmin, xmax, ymin, ymax
}

// Swatch is a legend entry: a filled square of one colour.
type Swatch struct{ Color color.Color }

// Thumbnail draws the swatch.
func (s Swatch) Thumbnail(c *draw.Canvas) {
	r := c.Rectangle
	c.FillPolygon(s.Color, []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}})
}
