package report

import (
	"errors"
	"image/color"
	"io"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// A facet grid, as seaborn's relplot draws one: panels in rows and
// columns, one per value of the keys that are not on the axes, each with
// a line per value of one key (the hue), every line in the same colour in
// every panel, and one legend for the whole figure, outside the data.
// Above the panels, the figure's title says what is measured and its
// subtitle the settings that every panel shares. A line carries its 95 %
// confidence band when it was measured more than once.

// Figure is a grid of panels under one title, with one legend.
type Figure struct {
	// Title says what the figure shows (may hold several lines).
	Title string
	// Subtitle lists the settings every panel shares ("N=10,000, k=20,
	// latency uniform"); it is wrapped to the figure's width at ", ".
	Subtitle string
	// Panels are the rows of panels; a nil panel leaves its cell empty.
	Panels [][]*Panel
	// LegendTitle names what the legend's entries are (the hue key).
	LegendTitle string
	// Ordered colours the hue lines with a sequential palette, light to
	// dark along the Style index: for a hue key whose values are ordered
	// (numbers). Otherwise each Style gets a distinct colour.
	Ordered bool
	// ShareY gives the panels of a row one y range, so that they compare.
	ShareY bool
	// ShareAllY gives every panel one y range (a figure of one measure).
	ShareAllY bool
	// ShareX gives every panel one x range.
	ShareX bool
	// PanelWidth and PanelHeight size one panel, its title and axes
	// included (zero: 11 x 8 cm).
	PanelWidth, PanelHeight vg.Length
}

// AxisKind says how an axis places and labels values.
type AxisKind int

const (
	// LinearAxis is a linear axis with round ticks (NiceTicks).
	LinearAxis AxisKind = iota
	// LogAxis is a log axis (values <= 0 are left out).
	LogAxis
	// PercentAxis is a linear axis from 0 to 100.
	PercentAxis
	// CategoryAxis places value i at position i, labelled Categories[i]; lines
	// are drawn as points with error bars, side by side, never joined.
	CategoryAxis
)

// Axis describes one axis of a panel.
type Axis struct {
	// Label names the quantity and its unit: "delay (ms)", "found (%)".
	Label string
	// Kind is how values are placed.
	Kind AxisKind
	// Categories name the positions of a CategoryAxis axis.
	Categories []string
	// Ticks overrides the default ticks (NiceTicks, LogTicks, 0-100 by
	// 20, or the categories).
	Ticks plot.Ticker
	// Min and Max fix the range when Max > Min; otherwise the data's,
	// with a margin.
	Min, Max float64
	// FromZero starts a LinearAxis range at 0 when the data is not negative
	// (counts, delays, shares).
	FromZero bool
}

// Point is one point of a line: its mean Y at X, and the confidence
// band [Lo, Hi] around it (NaN: none).
type Point struct {
	X, Y, Lo, Hi float64
}

// XY is a point without a band.
func XY(x, y float64) Point { return Point{X: x, Y: y, Lo: math.NaN(), Hi: math.NaN()} }

// Line is one line of a panel, usually one value of the hue key.
type Line struct {
	// Label is its legend entry; lines of one Label share one entry.
	Label string
	// Style picks its colour and marker: the index of its hue value.
	Style int
	// Points are its points, in order of X.
	Points []Point
	// Dashed draws a dashed line (a second measure of the same hue).
	Dashed bool
	// NoMarks draws the line without a marker at each point (dense
	// lines: a CDF, a time series of many points).
	NoMarks bool
	// Color overrides the palette (a reference line in grey).
	Color color.Color
}

// Panel is one cell of a figure.
type Panel struct {
	// Title names the panel's facet ("conn_delay = 10ms-50ms").
	Title string
	// X and Y are the panel's axes.
	X, Y Axis
	// Lines are drawn over Plotters.
	Lines []Line
	// Plotters are drawn first: bars, histograms, heat maps.
	Plotters []plot.Plotter
	// Legend adds entries for Plotters to the figure's legend.
	Legend []LegendItem
}

// LegendItem is an entry of a figure's legend.
type LegendItem struct {
	Label  string
	Thumbs []plot.Thumbnailer
}

// Text sizes of a figure.
const (
	titleSize    = 13
	subtitleSize = 10.5
	panelSize    = 11
	labelSize    = 10.5
	tickSize     = 9.5
	legendSize   = 10
)

// Grey is the colour of reference lines (a guide, a deadline).
var Grey = color.Gray{Y: 120}

// deep is seaborn's "deep" palette: distinct colours for unordered hues.
var deep = []color.RGBA{
	{0x4c, 0x72, 0xb0, 0xff}, {0xdd, 0x84, 0x52, 0xff}, {0x55, 0xa8, 0x68, 0xff}, {0xc4, 0x4e, 0x52, 0xff},
	{0x81, 0x72, 0xb3, 0xff}, {0x93, 0x78, 0x60, 0xff}, {0xda, 0x8b, 0xc3, 0xff}, {0x8c, 0x8c, 0x8c, 0xff},
	{0xcc, 0xb9, 0x74, 0xff}, {0x64, 0xb5, 0xcd, 0xff},
}

// sequential runs from light to dark (matplotlib's viridis, reversed and
// without its palest yellow): ordered hues.
var sequential = []color.RGBA{
	{0xb5, 0xde, 0x2b, 0xff}, {0x5e, 0xc9, 0x62, 0xff}, {0x21, 0x91, 0x8c, 0xff}, {0x3b, 0x52, 0x8b, 0xff}, {0x44, 0x01, 0x54, 0xff},
}

// Color returns the colour of style i: the i-th of a categorical palette,
// or, when ordered, the place of i among n on a sequential one.
func Color(i, n int, ordered bool) color.Color {
	if !ordered || n < 2 {
		return deep[((i%len(deep))+len(deep))%len(deep)]
	}
	t := float64(min(max(i, 0), n-1)) / float64(n-1) * float64(len(sequential)-1)
	lo := int(math.Floor(t))
	hi := min(lo+1, len(sequential)-1)
	f := t - float64(lo)
	mix := func(a, b uint8) uint8 { return uint8(math.Round(float64(a) + (float64(b)-float64(a))*f)) }
	a, b := sequential[lo], sequential[hi]
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xff}
}

// shapes are the markers of the styles, so that lines differ in grey too.
var shapes = []draw.GlyphDrawer{
	draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, diamondGlyph{}, draw.CrossGlyph{}, draw.PlusGlyph{},
	draw.RingGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{},
}

// diamondGlyph is a filled diamond.
type diamondGlyph struct{}

// DrawGlyph implements draw.GlyphDrawer.
func (diamondGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius * 1.2
	c.FillPolygon(sty.Color, []vg.Point{{X: pt.X, Y: pt.Y + r}, {X: pt.X + r, Y: pt.Y}, {X: pt.X, Y: pt.Y - r}, {X: pt.X - r, Y: pt.Y}})
}

// Shape returns the marker of style i.
func Shape(i int) draw.GlyphDrawer { return shapes[((i%len(shapes))+len(shapes))%len(shapes)] }

// textStyle is the figure's font at size points.
func textStyle(size float64) text.Style {
	return text.Style{Color: color.Black, Font: font.From(plot.DefaultFont, vg.Points(size)), Handler: plot.DefaultTextHandler}
}

// Render draws the figure as a PNG.
func (f *Figure) Render(w io.Writer) error {
	_, err := f.render(w)
	return err
}

// layout is where a figure drew its parts, in the image's coordinates.
type layout struct {
	// data are the panels' data areas, by row and column (zero for an
	// empty cell).
	data [][]vg.Rectangle
	// legend is the area of the legend (zero when there is none).
	legend vg.Rectangle
}

// render draws the figure and returns its layout.
func (f *Figure) render(w io.Writer) (layout, error) {
	var lay layout
	rows := len(f.Panels)
	cols := 0
	for _, r := range f.Panels {
		cols = max(cols, len(r))
	}
	if rows == 0 || cols == 0 {
		return lay, errors.New("chart: a figure without panels")
	}
	pw, ph := f.PanelWidth, f.PanelHeight
	if pw == 0 {
		pw = 11 * vg.Centimeter
	}
	if ph == 0 {
		ph = 8 * vg.Centimeter
	}
	styles := 0
	for _, r := range f.Panels {
		for _, p := range r {
			if p != nil {
				for _, l := range p.Lines {
					styles = max(styles, l.Style+1)
				}
			}
		}
	}
	plots := make([][]*plot.Plot, rows)
	legend := plot.NewLegend()
	legend.TextStyle = textStyle(legendSize)
	legend.Top, legend.Left = true, true
	legend.Padding = vg.Points(2)
	seen := map[string]bool{}
	for i, r := range f.Panels {
		plots[i] = make([]*plot.Plot, cols)
		for j, p := range r {
			if p == nil {
				continue
			}
			b, err := f.panel(p, styles)
			if err != nil {
				return lay, err
			}
			pl, items := b.plot, b.items
			plots[i][j] = pl
			for _, it := range items {
				if !seen[it.Label] {
					seen[it.Label] = true
					legend.Add(it.Label, it.Thumbs...)
				}
			}
		}
	}
	f.share(plots)
	labels := f.axisLabels(plots)

	const margin = 3 * vg.Millimeter
	gridW, gridH := vg.Length(cols)*pw, vg.Length(rows)*ph
	// The legend, right of the panels.
	var legendW, legendH vg.Length
	legendTitle := textStyle(legendSize + 0.5)
	if len(seen) > 0 {
		r := legend.Rectangle(draw.Canvas{})
		legendW = max(r.Size().X, legendTitle.Width(f.LegendTitle)) + 2*margin
		legendH = r.Size().Y + legendTitle.Height(f.LegendTitle) + 2*margin
	}
	width := gridW + legendW + 2*margin
	// The header: title, then the subtitle wrapped to the width.
	titleSty, subSty := textStyle(titleSize), textStyle(subtitleSize)
	titleSty.XAlign, subSty.XAlign = draw.XCenter, draw.XCenter
	var titleLines []string
	for _, para := range strings.Split(f.Title, "\n") {
		titleLines = append(titleLines, wrap(para, titleSty, width-4*margin)...)
	}
	var subLines []string
	for _, para := range strings.Split(f.Subtitle, "\n") {
		if para != "" {
			subLines = append(subLines, wrap(para, subSty, width-4*margin)...)
		}
	}
	lineH := func(s text.Style) vg.Length { return s.Height("Mg") * 1.15 }
	headerH := margin + vg.Length(len(titleLines))*lineH(titleSty) + vg.Length(len(subLines))*lineH(subSty) + 2*margin
	height := headerH + max(gridH, legendH) + margin

	img := vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(ChartDPI))
	dc := draw.New(img)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	y := height - margin
	for _, line := range titleLines {
		y -= lineH(titleSty)
		dc.FillText(titleSty, vg.Point{X: width / 2, Y: y + titleSty.FontExtents().Descent}, line)
	}
	subSty.Color = color.Gray{Y: 60}
	for _, line := range subLines {
		y -= lineH(subSty)
		dc.FillText(subSty, vg.Point{X: width / 2, Y: y + subSty.FontExtents().Descent}, line)
	}
	top := height - headerH
	grid := draw.Crop(dc, margin, -(legendW + margin), top-gridH, -(height - top))
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: 5 * vg.Millimeter, PadY: 5 * vg.Millimeter,
		PadLeft: vg.Millimeter, PadRight: 2 * vg.Millimeter, PadBottom: vg.Millimeter}
	canvases := plot.Align(plots, tiles, grid)
	lay.data = make([][]vg.Rectangle, len(plots))
	for i := range plots {
		lay.data[i] = make([]vg.Rectangle, len(plots[i]))
		for j, p := range plots[i] {
			if p != nil {
				lay.data[i][j] = p.DataCanvas(canvases[i][j]).Rectangle
				p.Draw(canvases[i][j])
				f.panelText(canvases[i][j], p, f.Panels[i][j].Title, labels[i][j])
			}
		}
	}
	if len(seen) > 0 {
		area := draw.Crop(dc, margin+gridW+margin, -margin, 0, -(height - top))
		if f.LegendTitle != "" {
			legendTitle.XAlign = draw.XLeft
			ty := area.Max.Y - legendTitle.Height(f.LegendTitle)
			area.FillText(legendTitle, vg.Point{X: area.Min.X, Y: ty + legendTitle.FontExtents().Descent}, f.LegendTitle)
			area.Max.Y = ty - vg.Millimeter
		}
		legend.Draw(area)
		lay.legend = area.Rectangle
	}
	_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(w)
	return lay, err
}

// wrap splits s at ", " into lines no wider than width.
func wrap(s string, sty text.Style, width vg.Length) []string {
	parts := strings.SplitAfter(s, ", ")
	var lines []string
	cur := ""
	for _, p := range parts {
		if cur != "" && sty.Width(cur+p) > width {
			lines = append(lines, strings.TrimSuffix(cur, " "))
			cur = ""
		}
		cur += p
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// panel builds the plot of one panel and its legend items.
func (f *Figure) panel(p *Panel, styles int) (*built, error) {
	pl := plot.New()
	// The title reserves its room here; panelText draws it, above the
	// data (gonum would place it above the top tick label, so that the
	// titles of a row would not line up).
	pl.Title.Text = p.Title
	pl.Title.TextStyle = textStyle(panelSize)
	pl.Title.TextStyle.Color = color.Transparent
	pl.Title.Padding = 3 * vg.Millimeter
	for _, a := range []*plot.Axis{&pl.X, &pl.Y} {
		a.Tick.Label.Font.Size = vg.Points(tickSize)
		a.Padding = vg.Points(3)
	}
	g := plotter.NewGrid()
	g.Horizontal.Color, g.Vertical.Color = color.Gray{Y: 225}, color.Gray{Y: 225}
	if p.X.Kind == CategoryAxis {
		g.Vertical.Color = nil
	}
	b := &built{plot: pl}
	b.add(g)
	b.add(p.Plotters...)
	var items []LegendItem
	items = append(items, p.Legend...)
	for _, l := range p.Lines {
		item, err := f.addLine(b, p, l, styles)
		if err != nil {
			return nil, err
		}
		if l.Label != "" {
			items = append(items, item)
		}
	}
	setAxis(&pl.X, p.X)
	setAxis(&pl.Y, p.Y)
	b.items = items
	return b, nil
}

// built is a panel's plot, the legend items of its lines, and every
// plotter it holds (gonum keeps its plotters to itself).
type built struct {
	plot     *plot.Plot
	items    []LegendItem
	plotters []plot.Plotter
}

// add adds ps to the plot.
func (b *built) add(ps ...plot.Plotter) {
	b.plot.Add(ps...)
	b.plotters = append(b.plotters, ps...)
}

// lineColor is a line's colour.
func (f *Figure) lineColor(l Line, styles int) color.Color {
	if l.Color != nil {
		return l.Color
	}
	return Color(l.Style, styles, f.Ordered)
}

// addLine draws a line on pl: its band, the line, its markers; on a
// CategoryAxis x axis, points with error bars, dodged by Style.
func (f *Figure) addLine(pl *built, p *Panel, l Line, styles int) (LegendItem, error) {
	c := f.lineColor(l, styles)
	pts := l.Points
	if p.X.Kind == LogAxis || p.Y.Kind == LogAxis {
		pts = slices.DeleteFunc(slices.Clone(pts), func(pt Point) bool {
			return p.X.Kind == LogAxis && !(pt.X > 0) || p.Y.Kind == LogAxis && !(pt.Y > 0)
		})
	}
	pts = slices.DeleteFunc(slices.Clone(pts), func(pt Point) bool { return math.IsNaN(pt.Y) || math.IsNaN(pt.X) })
	// A band does not leave the range the figure can take: 0-100 %, from
	// 0 for a quantity that is never negative, and on a log axis down to
	// half the line's lowest value (an interval that reaches 0 runs off
	// the axis).
	floor := math.Inf(1)
	for _, pt := range pts {
		floor = min(floor, pt.Y/2)
	}
	for i := range pts {
		switch {
		case p.Y.Kind == PercentAxis:
			pts[i].Lo, pts[i].Hi = clamp(pts[i].Lo, 0, 100), clamp(pts[i].Hi, 0, 100)
		case p.Y.Kind == LogAxis:
			pts[i].Lo = clamp(pts[i].Lo, floor, math.Inf(1))
		case p.Y.FromZero && pts[i].Y >= 0:
			pts[i].Lo = clamp(pts[i].Lo, 0, math.Inf(1))
		}
	}
	glyph := draw.GlyphStyle{Color: c, Radius: vg.Points(3.2), Shape: Shape(l.Style)}
	lineSty := draw.LineStyle{Color: c, Width: vg.Points(1.6)}
	if l.Dashed {
		lineSty.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	}
	item := LegendItem{Label: l.Label}
	if p.X.Kind == CategoryAxis {
		// Side by side: the styles share 60 % of a category's width.
		off := 0.0
		if styles > 1 {
			off = (float64(l.Style) - float64(styles-1)/2) * 0.6 / float64(styles)
		}
		for i := range pts {
			pts[i].X += off
		}
		pl.add(errorBars{pts: pts, style: draw.LineStyle{Color: c, Width: vg.Points(1.4)}})
		s, err := plotter.NewScatter(xys(pts))
		if err != nil {
			return item, err
		}
		s.GlyphStyle = glyph
		pl.add(s)
		item.Thumbs = []plot.Thumbnailer{s}
		return item, nil
	}
	if band := bandPolygon(pts); band != nil {
		poly, err := plotter.NewPolygon(band)
		if err != nil {
			return item, err
		}
		poly.Color = withAlpha(c, 0.22)
		poly.LineStyle.Width = 0
		pl.add(poly)
	}
	if len(pts) == 0 {
		return item, nil
	}
	ln, err := plotter.NewLine(xys(pts))
	if err != nil {
		return item, err
	}
	ln.LineStyle = lineSty
	pl.add(ln)
	item.Thumbs = []plot.Thumbnailer{ln}
	if !l.NoMarks {
		s, err := plotter.NewScatter(xys(pts))
		if err != nil {
			return item, err
		}
		s.GlyphStyle = glyph
		pl.add(s)
		item.Thumbs = append(item.Thumbs, s)
	}
	return item, nil
}

func clamp(v, lo, hi float64) float64 {
	if math.IsNaN(v) {
		return v
	}
	return min(max(v, lo), hi)
}

func xys(pts []Point) plotter.XYs {
	out := make(plotter.XYs, len(pts))
	for i, p := range pts {
		out[i] = plotter.XY{X: p.X, Y: p.Y}
	}
	return out
}

// bandPolygon returns the outline of the band of pts (upper edge forward,
// lower edge back), over the points that have one; nil when fewer than
// two have.
func bandPolygon(pts []Point) plotter.XYs {
	var up, down plotter.XYs
	for _, p := range pts {
		if math.IsNaN(p.Lo) || math.IsNaN(p.Hi) {
			continue
		}
		up = append(up, plotter.XY{X: p.X, Y: p.Hi})
		down = append(down, plotter.XY{X: p.X, Y: p.Lo})
	}
	if len(up) < 2 {
		return nil
	}
	slices.Reverse(down)
	return append(up, down...)
}

// withAlpha returns c with opacity a (premultiplied, as image/color wants).
func withAlpha(c color.Color, a float64) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: uint8(math.Round(255 * a))}
}

// errorBars draws a vertical bar from Lo to Hi at each point that has one.
type errorBars struct {
	pts   []Point
	style draw.LineStyle
}

// Plot implements plot.Plotter.
func (e errorBars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	cap := vg.Points(3)
	for _, pt := range e.pts {
		if math.IsNaN(pt.Lo) || math.IsNaN(pt.Hi) {
			continue
		}
		x, lo, hi := trX(pt.X), trY(pt.Lo), trY(pt.Hi)
		c.StrokeLine2(e.style, x, lo, x, hi)
		c.StrokeLine2(e.style, x-cap, lo, x+cap, lo)
		c.StrokeLine2(e.style, x-cap, hi, x+cap, hi)
	}
}

// DataRange implements plot.DataRanger.
func (e errorBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, pt := range e.pts {
		xmin, xmax = min(xmin, pt.X), max(xmax, pt.X)
		ymin, ymax = min(ymin, pt.Y), max(ymax, pt.Y)
		if !math.IsNaN(pt.Lo) && !math.IsNaN(pt.Hi) {
			ymin, ymax = min(ymin, pt.Lo), max(ymax, pt.Hi)
		}
	}
	return xmin, xmax, ymin, ymax
}

// setAxis applies a's range, scale and ticks to the data range that the
// plotters gave pa, with a margin of 5 % (none below a range from zero).
func setAxis(pa *plot.Axis, a Axis) {
	empty := math.IsInf(pa.Min, 0) || math.IsInf(pa.Max, 0) || pa.Min > pa.Max
	if empty {
		pa.Min, pa.Max = 0, 1
	}
	switch a.Kind {
	case CategoryAxis:
		pa.Min, pa.Max = -0.5, float64(len(a.Categories))-0.5
		var ticks plot.ConstantTicks
		for i, c := range a.Categories {
			ticks = append(ticks, plot.Tick{Value: float64(i), Label: c})
		}
		pa.Tick.Marker = ticks
	case PercentAxis:
		pa.Min, pa.Max = 0, 100
		pa.Tick.Marker = NiceTicks{}
	case LogAxis:
		pa.Scale = plot.LogScale{}
		if !(pa.Min > 0) {
			pa.Min = math.Min(pa.Max, 1) / 10
		}
		pad := math.Pow(pa.Max/pa.Min, 0.05)
		if pad < 1.3 {
			pad = 1.3
		}
		pa.Min, pa.Max = pa.Min/pad, pa.Max*pad
		pa.Tick.Marker = LogTicks{}
	default:
		if a.FromZero && pa.Min >= 0 {
			pa.Min = 0
		}
		if pa.Max == pa.Min {
			if pa.Max == 0 {
				pa.Max = 1
			} else {
				pa.Min, pa.Max = pa.Min-math.Abs(pa.Min)/2, pa.Max+math.Abs(pa.Max)/2
				if a.FromZero && pa.Min < 0 {
					pa.Min = 0
				}
			}
		}
		span := pa.Max - pa.Min
		pa.Max += span * 0.05
		if !(a.FromZero && pa.Min == 0) {
			pa.Min -= span * 0.05
		}
		pa.Tick.Marker = NiceTicks{}
	}
	if a.Max > a.Min {
		pa.Min, pa.Max = a.Min, a.Max
	}
	if a.Ticks != nil {
		pa.Tick.Marker = a.Ticks
	}
}

// share gives the panels of a row one y range (ShareY), and every panel
// one x range (ShareX), for the axes of one kind that the data set.
func (f *Figure) share(plots [][]*plot.Plot) {
	union := func(axes []*plot.Axis) {
		if len(axes) < 2 {
			return
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, a := range axes {
			lo, hi = min(lo, a.Min), max(hi, a.Max)
		}
		for _, a := range axes {
			a.Min, a.Max = lo, hi
		}
	}
	if f.ShareAllY {
		var axes []*plot.Axis
		for i, row := range plots {
			for j, p := range row {
				if p != nil && f.Panels[i][j].Y.Kind != CategoryAxis && f.Panels[i][j].Y.Kind != PercentAxis {
					axes = append(axes, &p.Y)
				}
			}
		}
		union(axes)
	} else if f.ShareY {
		for i, row := range plots {
			var axes []*plot.Axis
			for j, p := range row {
				if p != nil && f.Panels[i][j].Y.Kind != CategoryAxis && f.Panels[i][j].Y.Kind != PercentAxis {
					axes = append(axes, &p.Y)
				}
			}
			union(axes)
		}
	}
	if f.ShareX {
		var axes []*plot.Axis
		for i, row := range plots {
			for j, p := range row {
				if p != nil && f.Panels[i][j].X.Kind != CategoryAxis {
					axes = append(axes, &p.X)
				}
			}
		}
		union(axes)
	}
}

// axisLabels returns the labels each panel shows: a label that the
// panel beside it (y, to the left) or below it (x) repeats is dropped, as
// seaborn labels a grid's edges. It makes room for them on each axis:
// panelText draws them (gonum places the label of a log axis, or one
// longer than its axis, as if it were elsewhere, and pads the data for
// it).
func (f *Figure) axisLabels(plots [][]*plot.Plot) [][]axisLabel {
	out := make([][]axisLabel, len(plots))
	for i, row := range plots {
		out[i] = make([]axisLabel, len(row))
		for j, p := range row {
			if p == nil {
				continue
			}
			pn := f.Panels[i][j]
			x, y := pn.X.Label, pn.Y.Label
			if j > 0 && f.Panels[i][j-1] != nil && f.Panels[i][j-1].Y.Label == y {
				y = ""
			}
			if i+1 < len(plots) && j < len(f.Panels[i+1]) && f.Panels[i+1][j] != nil && f.Panels[i+1][j].X.Label == x {
				x = ""
			}
			// A blank label of the same font reserves the room.
			for _, a := range []struct {
				axis *plot.Axis
				text string
			}{{&p.X, x}, {&p.Y, y}} {
				a.axis.Label.TextStyle = textStyle(labelSize)
				a.axis.Label.TextStyle.XAlign, a.axis.Label.TextStyle.YAlign = draw.XCenter, draw.YBottom
				if a.text != "" {
					a.axis.Label.Text = " "
				}
			}
			out[i][j] = axisLabel{x: x, y: y}
		}
	}
	return out
}

// axisLabel is what a panel's axes are labelled.
type axisLabel struct{ x, y string }

// panelText draws a panel's title above its data and its axis labels
// centred on its data, in the room its plot reserved.
func (f *Figure) panelText(c draw.Canvas, p *plot.Plot, title string, l axisLabel) {
	data := p.DataCanvas(c)
	sty := textStyle(labelSize)
	descent := sty.FontExtents().Descent
	if title != "" {
		t := textStyle(panelSize)
		t.XAlign, t.YAlign = draw.XCenter, draw.YBottom
		c.FillText(t, vg.Point{X: data.Center().X, Y: data.Max.Y + 2.5*vg.Millimeter}, title)
	}
	if l.x != "" {
		x := sty
		x.XAlign, x.YAlign = draw.XCenter, draw.YBottom
		c.FillText(x, vg.Point{X: data.Center().X, Y: c.Min.Y + descent}, l.x)
	}
	if l.y != "" {
		y := sty
		y.XAlign, y.YAlign = draw.XCenter, draw.YBottom
		y.Rotation = math.Pi / 2
		c.FillText(y, vg.Point{X: c.Min.X + sty.Height(l.y) - descent, Y: data.Center().Y}, l.y)
	}
}
