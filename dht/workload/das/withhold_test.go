package das_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/go-dht/go-dht/dht/workload/das"
)

// TestMinimalPattern checks, on square and rectangular blocks and several
// seeds, that the minimal pattern withholds exactly a (Rows/2+1) x
// (Cols/2+1) sub-grid, that the block is then unrecoverable, and that
// giving back any one of its cells makes the block recoverable: no cell of
// the pattern is superfluous.
func TestMinimalPattern(t *testing.T) {
	for _, g := range []das.Geometry{{4, 4}, {8, 8}, {4, 8}, {16, 6}, {2, 2}, {32, 32}} {
		for seed := range uint64(4) {
			t.Run(fmt.Sprintf("%v/seed=%d", g, seed), func(t *testing.T) {
				w := das.Withholding{Pattern: das.PatternMinimal}
				b := withheld(t, g, w, seed)
				wantRows, wantCols := g.Rows/2+1, g.Cols/2+1
				if got := g.Cells() - b.Present(); got != wantRows*wantCols || got != w.WithheldCells(g) {
					t.Fatalf("%d cells withheld, want %d x %d (WithheldCells %d)", got, wantRows, wantCols, w.WithheldCells(g))
				}
				rows, cols := 0, 0
				for r := range g.Rows {
					switch g.Cols - b.RowPresent(r) {
					case wantCols:
						rows++
					case 0:
					default:
						t.Fatalf("row %d misses %d cells, want 0 or %d", r, g.Cols-b.RowPresent(r), wantCols)
					}
				}
				for c := range g.Cols {
					switch g.Rows - b.ColPresent(c) {
					case wantRows:
						cols++
					case 0:
					default:
						t.Fatalf("column %d misses %d cells, want 0 or %d", c, g.Rows-b.ColPresent(c), wantRows)
					}
				}
				if rows != wantRows || cols != wantCols {
					t.Fatalf("%d rows x %d columns touched, want %d x %d", rows, cols, wantRows, wantCols)
				}
				if got := das.Reconstruct(b.Clone()); got.Recoverable {
					t.Fatalf("minimal pattern recoverable: %+v\n%v", got, b)
				}
				for cell := range g.Cells() {
					if !b.Withheld(cell) {
						continue
					}
					less := b.Clone()
					less.Set(cell)
					if got := das.Reconstruct(less); !got.Recoverable {
						t.Fatalf("minimal pattern less cell %d unrecoverable: %+v", cell, got)
					}
				}
			})
		}
	}
}

// TestNothingWithheldIsRecoverable checks that withholding nothing (none,
// or a share of 0 of any pattern that takes one) leaves a complete block,
// recoverable with no pass.
func TestNothingWithheldIsRecoverable(t *testing.T) {
	g := das.Geometry{Rows: 16, Cols: 8}
	for _, w := range []das.Withholding{{}, {Pattern: das.PatternRandom}, {Pattern: das.PatternRows}, {Pattern: das.PatternCols}} {
		b := withheld(t, g, w, 7)
		if got := das.Reconstruct(b); !got.Recoverable || got.Present != g.Cells() || got.Passes != 0 || w.WithheldCells(g) != 0 {
			t.Errorf("%v: %+v, WithheldCells %d; want recoverable, %d present, 0 passes", w, got, w.WithheldCells(g), g.Cells())
		}
	}
}

// TestRowsAndColsAtTheThreshold checks that withholding whole rows (or
// columns) leaves a recoverable block up to half of them and an
// unrecoverable one beyond, for every count on several shapes.
func TestRowsAndColsAtTheThreshold(t *testing.T) {
	for _, g := range []das.Geometry{{8, 8}, {8, 4}, {4, 12}, {2, 2}} {
		for _, tc := range []struct {
			pattern das.Pattern
			lines   int // rows or columns
			length  int // cells per line
		}{{das.PatternRows, g.Rows, g.Cols}, {das.PatternCols, g.Cols, g.Rows}} {
			for k := 0; k <= tc.lines; k++ {
				w := das.Withholding{Pattern: tc.pattern, Share: float64(k) / float64(tc.lines)}
				b := withheld(t, g, w, uint64(k))
				if got := g.Cells() - b.Present(); got != k*tc.length || got != w.WithheldCells(g) {
					t.Errorf("%v %v: %d cells withheld, want %d", g, w, got, k*tc.length)
				}
				full := 0
				for i := range tc.lines {
					n := b.RowPresent
					if tc.pattern == das.PatternCols {
						n = b.ColPresent
					}
					switch n(i) {
					case 0:
					case tc.length:
						full++
					default:
						t.Errorf("%v %v: line %d partly withheld", g, w, i)
					}
				}
				if full != tc.lines-k {
					t.Errorf("%v %v: %d whole lines left, want %d", g, w, full, tc.lines-k)
				}
				want := k <= tc.lines/2
				if got := das.Reconstruct(b); got.Recoverable != want {
					t.Errorf("%v %v (%d of %d withheld): recoverable %v, want %v", g, w, k, tc.lines, got.Recoverable, want)
				}
			}
		}
	}
}

// TestRandomPattern checks that the random pattern withholds the share of
// the cells rounded to a whole number, the same cells for the same seed,
// other cells for another, and every cell about equally often over seeds.
func TestRandomPattern(t *testing.T) {
	g := das.Geometry{Rows: 8, Cols: 8}
	w := das.Withholding{Pattern: das.PatternRandom, Share: 0.25}
	seeds := 4000
	if testing.Short() {
		seeds = 1000
	}
	counts := make([]int, g.Cells())
	for seed := range uint64(seeds) {
		b := withheld(t, g, w, seed)
		if got := g.Cells() - b.Present(); got != 16 {
			t.Fatalf("seed %d: %d withheld, want 16", seed, got)
		}
		for c := range counts {
			if b.Withheld(c) {
				counts[c]++
			}
		}
	}
	// Each cell is withheld with probability 1/4: binomial counts.
	mean := float64(seeds) / 4
	sd := math.Sqrt(float64(seeds) * 0.25 * 0.75)
	for c, n := range counts {
		if math.Abs(float64(n)-mean) > 5*sd {
			t.Errorf("cell %d withheld %d times in %d seeds, want %.0f ± %.0f", c, n, seeds, mean, 5*sd)
		}
	}
	a, b := withheld(t, g, w, 1), withheld(t, g, w, 1)
	if a.String() != b.String() {
		t.Errorf("seed 1 gives two blocks:\n%v\n%v", a, b)
	}
	if c := withheld(t, g, w, 2); c.String() == a.String() {
		t.Errorf("seeds 1 and 2 give the same block:\n%v", a)
	}
	// Rounding: 0.3 of 10 x 10 cells is 30, of 2 x 2 is 1.2 -> 1.
	for _, tc := range []struct {
		g     das.Geometry
		share float64
		want  int
	}{{das.Geometry{Rows: 10, Cols: 10}, 0.3, 30}, {das.Geometry{Rows: 2, Cols: 2}, 0.3, 1}, {das.Geometry{Rows: 2, Cols: 2}, 0.4, 2}} {
		w := das.Withholding{Pattern: das.PatternRandom, Share: tc.share}
		if got := tc.g.Cells() - withheld(t, tc.g, w, 1).Present(); got != tc.want || w.WithheldCells(tc.g) != tc.want {
			t.Errorf("%v of %v: %d withheld (WithheldCells %d), want %d", tc.share, tc.g, got, w.WithheldCells(tc.g), tc.want)
		}
	}
}

// TestWithholdingValidate checks that bad withholdings and geometries are
// refused with a *network.ConfigError naming the field.
func TestWithholdingValidate(t *testing.T) {
	for _, tc := range []struct {
		w     das.Withholding
		field string
	}{
		{das.Withholding{Pattern: das.PatternNone, Share: 0.1}, "Withholding.Share"},
		{das.Withholding{Pattern: das.PatternMinimal, Share: 0.5}, "Withholding.Share"},
		{das.Withholding{Pattern: das.PatternRandom, Share: 1.5}, "Withholding.Share"},
		{das.Withholding{Pattern: das.PatternRows, Share: -0.1}, "Withholding.Share"},
		{das.Withholding{Pattern: das.PatternCols, Share: math.NaN()}, "Withholding.Share"},
		{das.Withholding{Pattern: das.Pattern(9)}, "Withholding.Pattern"},
	} {
		err := tc.w.Validate()
		if got := configField(t, err); got != tc.field {
			t.Errorf("%+v: field %q, want %q (%v)", tc.w, got, tc.field, err)
		}
		b := mustBlock(t, das.Geometry{Rows: 4, Cols: 4})
		if tc.w.Apply(b, 1) == nil {
			t.Errorf("%+v: Apply accepted it", tc.w)
		}
	}
	for _, tc := range []struct {
		g     das.Geometry
		field string
	}{
		{das.Geometry{Rows: 0, Cols: 4}, "Rows"},
		{das.Geometry{Rows: 3, Cols: 4}, "Rows"},
		{das.Geometry{Rows: 4, Cols: -2}, "Cols"},
		{das.Geometry{Rows: 4, Cols: 7}, "Cols"},
		{das.Geometry{Rows: 1 << 14, Cols: 1 << 14}, "Rows x Cols"},
	} {
		_, err := das.NewBlock(tc.g)
		if got := configField(t, err); got != tc.field {
			t.Errorf("%+v: field %q, want %q (%v)", tc.g, got, tc.field, err)
		}
	}
	if err := new(das.Block).CopyFrom(mustBlock(t, das.Geometry{Rows: 2, Cols: 2})); !errors.Is(err, das.ErrGeometry) {
		t.Errorf("CopyFrom across geometries = %v, want ErrGeometry", err)
	}
}

// TestParsePattern checks that every pattern's name parses back to it and
// that other names are a *SpecError listing the names.
func TestParsePattern(t *testing.T) {
	for _, p := range []das.Pattern{das.PatternNone, das.PatternRandom, das.PatternRows, das.PatternCols, das.PatternMinimal} {
		got, err := das.ParsePattern(p.String())
		if err != nil || got != p {
			t.Errorf("ParsePattern(%q) = %v, %v", p.String(), got, err)
		}
		var q das.Pattern
		if text, err := p.MarshalText(); err != nil || q.UnmarshalText(text) != nil || q != p {
			t.Errorf("%v: text %q does not read back (%v)", p, text, err)
		}
	}
	for _, s := range []string{"", "Random", "row", "minimum", " none"} {
		_, err := das.ParsePattern(s)
		var se *das.SpecError
		if !errors.As(err, &se) || !errors.Is(err, das.ErrInvalidSpec) || se.Allowed != "none, random, rows, cols, minimal" {
			t.Errorf("ParsePattern(%q) = %v, want a *SpecError listing the patterns", s, err)
		}
	}
	if _, err := das.Pattern(9).MarshalText(); err == nil {
		t.Error("Pattern(9).MarshalText() succeeded")
	}
}

// TestBlockCounts checks the counting helpers of a block against a
// picture: present cells per row and column, samples of withheld cells.
func TestBlockCounts(t *testing.T) {
	b := grid(t, "#.## .... ##.# ####")
	g := b.Geometry()
	for r, want := range []int{3, 0, 3, 4} {
		if got := b.RowPresent(r); got != want {
			t.Errorf("RowPresent(%d) = %d, want %d", r, got, want)
		}
	}
	for c, want := range []int{3, 2, 2, 3} {
		if got := b.ColPresent(c); got != want {
			t.Errorf("ColPresent(%d) = %d, want %d", c, got, want)
		}
	}
	if b.Present() != 10 || b.Complete() {
		t.Errorf("Present() = %d, Complete() = %v; want 10, false", b.Present(), b.Complete())
	}
	samples := []int{g.Cell(0, 1), g.Cell(1, 2), g.Cell(3, 3), g.Cell(2, 2)}
	if got := b.CountWithheld(samples); got != 3 {
		t.Errorf("CountWithheld(%v) = %d, want 3", samples, got)
	}
	if r, c := g.RowCol(g.Cell(2, 3)); r != 2 || c != 3 {
		t.Errorf("RowCol(Cell(2, 3)) = %d, %d", r, c)
	}
	// Rows that straddle words: 6 x 66 cells.
	wide := mustBlock(t, das.Geometry{Rows: 6, Cols: 66})
	for c := range 66 {
		if c%3 == 0 {
			wide.Withhold(wide.Geometry().Cell(4, c))
		}
	}
	if got := wide.RowPresent(4); got != 44 {
		t.Errorf("RowPresent across words = %d, want 44", got)
	}
	if got := wide.RowPresent(3); got != 66 {
		t.Errorf("RowPresent of a full row across words = %d, want 66", got)
	}
}

// TestWithholdingYAML checks that a study's withholding and geometry
// decode with yaml.v3, the pattern by its name, and that an unknown
// pattern is refused while decoding.
func TestWithholdingYAML(t *testing.T) {
	var s struct {
		Block    das.Geometry    `yaml:"block"`
		Withhold das.Withholding `yaml:"withhold"`
	}
	if err := yaml.Unmarshal([]byte("block: {rows: 512, cols: 256}\nwithhold: {pattern: rows, share: 0.51}\n"), &s); err != nil {
		t.Fatal(err)
	}
	if s.Block != (das.Geometry{Rows: 512, Cols: 256}) || s.Withhold != (das.Withholding{Pattern: das.PatternRows, Share: 0.51}) {
		t.Errorf("decoded %+v", s)
	}
	if err := yaml.Unmarshal([]byte("withhold: {pattern: sequential}\n"), &s); !errors.Is(err, das.ErrInvalidSpec) {
		t.Errorf("pattern sequential decoded: %v", err)
	}
}
