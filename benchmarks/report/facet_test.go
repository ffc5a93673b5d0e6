package report

import (
	"bytes"
	"image/png"
	"math"
	"testing"

	"gonum.org/v1/plot/plotter"
)

// twoPanels is a figure of two panels whose lines fill the data area up
// to its top right corner, where an inside legend would sit.
func twoPanels(y Axis) *Figure {
	line := func(style int, label string) Line {
		var pts []Point
		for x := 0.0; x <= 10; x++ {
			pts = append(pts, Point{X: x, Y: 10 * x, Lo: 10*x - 5, Hi: 10*x + 15})
		}
		return Line{Label: label, Style: style, Points: pts}
	}
	p := func() *Panel {
		return &Panel{Title: "panel", X: Axis{Label: "x (count)"}, Y: y, Lines: []Line{line(0, "first"), line(1, "second")}}
	}
	return &Figure{Title: "title", Subtitle: "a=1, b=2", LegendTitle: "hue", Panels: [][]*Panel{{p(), p()}}, ShareY: true}
}

// The legend is drawn right of every panel's data area, never over the
// data (the defect of the churn replicas and alpha-sweep accuracy
// panels), and the image decodes as a PNG of the figure's size.
func TestLegendIsOutsideEveryPanel(t *testing.T) {
	var b bytes.Buffer
	lay, err := twoPanels(Axis{Label: "y (%)", Kind: PercentAxis}).render(&b)
	if err != nil {
		t.Fatal(err)
	}
	if lay.legend.Size().X <= 0 || lay.legend.Size().Y <= 0 {
		t.Fatalf("no legend area: %+v", lay.legend)
	}
	for _, row := range lay.data {
		for _, d := range row {
			if d.Max.X > lay.legend.Min.X {
				t.Errorf("data area %+v reaches into the legend %+v", d, lay.legend)
			}
		}
	}
	img, err := png.Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() < 500 || img.Bounds().Dy() < 200 {
		t.Errorf("image of %v", img.Bounds())
	}
}

// A percent axis runs from 0 to 100 whatever its data and bands (the
// issue's axes ran to 120-135 %), and its bands are cut at 0 and 100; a
// linear axis from zero starts at 0 and holds its data.
func TestPercentAxisRunsFrom0To100(t *testing.T) {
	f := twoPanels(Axis{Label: "y (%)", Kind: PercentAxis})
	b, err := f.panel(f.Panels[0][0], 2)
	if err != nil {
		t.Fatal(err)
	}
	pl := b.plot
	if pl.Y.Min != 0 || pl.Y.Max != 100 {
		t.Errorf("percent axis over [%v, %v], want [0, 100]", pl.Y.Min, pl.Y.Max)
	}
	f = twoPanels(Axis{Label: "y (count)", FromZero: true})
	b, err = f.panel(f.Panels[0][0], 2)
	if err != nil {
		t.Fatal(err)
	}
	pl = b.plot
	if pl.Y.Min != 0 || pl.Y.Max < 115 {
		t.Errorf("linear axis from zero over [%v, %v], want [0, >= 115]", pl.Y.Min, pl.Y.Max)
	}
}

// On a category axis a line is drawn as points with error bars, side by
// side per style, never joined by a line: the order of categories means
// nothing.
func TestCategoriesAreNotJoined(t *testing.T) {
	p := &Panel{X: Axis{Kind: CategoryAxis, Categories: []string{"stale", "beta", "kclosest"}}, Y: Axis{FromZero: true}}
	for s := range 2 {
		p.Lines = append(p.Lines, Line{Label: "hue", Style: s, Points: []Point{
			{X: 0, Y: 1, Lo: 0.5, Hi: 1.5}, {X: 1, Y: 2, Lo: 1.5, Hi: 2.5}, {X: 2, Y: 3, Lo: math.NaN(), Hi: math.NaN()}}})
	}
	f := &Figure{Panels: [][]*Panel{{p}}}
	b, err := f.panel(p, 2)
	if err != nil {
		t.Fatal(err)
	}
	pl := b.plot
	bars, xs := 0, map[float64]bool{}
	for _, d := range b.plotters {
		switch d := d.(type) {
		case *plotter.Line:
			t.Fatal("a line joins categories")
		case errorBars:
			bars++
			for _, pt := range d.pts {
				xs[pt.X] = true
			}
		}
	}
	if bars != 2 || len(xs) != 6 {
		t.Errorf("%d error-bar sets at %d positions, want 2 at 6 (dodged)", bars, len(xs))
	}
	if pl.X.Min != -0.5 || pl.X.Max != 2.5 {
		t.Errorf("category axis over [%v, %v]", pl.X.Min, pl.X.Max)
	}
}

// The crawl timeline labels visits at round numbers, evenly spaced (the
// issue's ticks read 1 / 2000 / 6000 / 10000), with 1 for the first.
func TestVisitTicksAreEven(t *testing.T) {
	var labels []string
	for _, tk := range visitTicks(10000, 25).Ticks(-400, 1) {
		labels = append(labels, tk.Label)
	}
	want := []string{"1", "2,000", "4,000", "6,000", "8,000", "10,000"}
	if len(labels) != len(want) {
		t.Fatalf("labels %q, want %q", labels, want)
	}
	for i := range want {
		if labels[i] != want[i] {
			t.Fatalf("labels %q, want %q", labels, want)
		}
	}
}

// On a log axis an interval that reaches 0 or below (a small sample's
// band around a small mean) runs off the bottom of the axis instead of
// breaking the chart (gonum panics on a value <= 0 on a log scale).
func TestLogAxisBandsReachingZero(t *testing.T) {
	p := &Panel{X: Axis{Kind: LogAxis}, Y: Axis{Kind: LogAxis},
		Lines: []Line{{Points: []Point{{X: 1e3, Y: 2e-3, Lo: -1e-3, Hi: 5e-3}, {X: 1e4, Y: 4e-2, Lo: 0, Hi: 8e-2}}}}}
	f := &Figure{Panels: [][]*Panel{{p}}}
	b, err := f.panel(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	if b.plot.Y.Min <= 0 || b.plot.Y.Min > 1e-3 {
		t.Errorf("log axis from %v", b.plot.Y.Min)
	}
	if err := f.Render(&bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
}
