package das

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Pattern is how the cells a builder withholds are laid out.
type Pattern uint8

// The withholding patterns.
const (
	// PatternNone withholds nothing (the zero value).
	PatternNone Pattern = iota
	// PatternRandom withholds a share of the cells, drawn uniformly.
	PatternRandom
	// PatternRows withholds a share of the rows, whole, drawn uniformly.
	PatternRows
	// PatternCols withholds a share of the columns, whole, drawn uniformly.
	PatternCols
	// PatternMinimal withholds the smallest unrecoverable pattern: a
	// (Rows/2+1) x (Cols/2+1) sub-grid, the cells where Rows/2+1 rows drawn
	// uniformly cross Cols/2+1 columns drawn uniformly.
	PatternMinimal
	numPatterns
)

var patternNames = [numPatterns]string{"none", "random", "rows", "cols", "minimal"}

// patternForms lists the names, for errors.
const patternForms = "none, random, rows, cols, minimal"

// String returns the pattern's name, which ParsePattern reads.
func (p Pattern) String() string {
	if p < numPatterns {
		return patternNames[p]
	}
	return fmt.Sprintf("Pattern(%d)", uint8(p))
}

// ParsePattern reads a pattern's name: none, random, rows, cols, minimal.
// An error is a *SpecError.
func ParsePattern(s string) (Pattern, error) {
	for p, name := range patternNames {
		if s == name {
			return Pattern(p), nil
		}
	}
	return 0, &SpecError{What: "withholding pattern", Spec: s, Part: s, Problem: "is not a pattern", Allowed: patternForms}
}

// MarshalText writes the pattern's name (for YAML and JSON).
func (p Pattern) MarshalText() ([]byte, error) {
	if p >= numPatterns {
		return nil, invalid("Pattern", p, patternForms)
	}
	return []byte(p.String()), nil
}

// UnmarshalText reads a pattern's name (for YAML and JSON).
func (p *Pattern) UnmarshalText(text []byte) error {
	v, err := ParsePattern(string(text))
	if err == nil {
		*p = v
	}
	return err
}

// Withholding is what a builder withholds from a block: a pattern and a
// share. The zero value withholds nothing.
type Withholding struct {
	// Pattern lays out the withheld cells.
	Pattern Pattern `yaml:"pattern"`
	// Share is the share withheld (0..1): of the cells (random), of the
	// rows (rows) or of the columns (cols), rounded to the nearest whole
	// number of them. The none and minimal patterns fix their own size:
	// their share must be 0.
	Share float64 `yaml:"share"`
}

// Validate reports an invalid field as a *network.ConfigError naming it.
func (w Withholding) Validate() error {
	switch w.Pattern {
	case PatternNone, PatternMinimal:
		if w.Share != 0 {
			return invalid("Withholding.Share", w.Share, "0 with pattern %v (it fixes its own size)", w.Pattern)
		}
	case PatternRandom, PatternRows, PatternCols:
		if !(w.Share >= 0 && w.Share <= 1) {
			return invalid("Withholding.Share", w.Share, "0..1 (share of the %s)", w.unitName())
		}
	default:
		return invalid("Withholding.Pattern", w.Pattern, patternForms)
	}
	return nil
}

// unitName names what the share counts.
func (w Withholding) unitName() string {
	switch w.Pattern {
	case PatternRows:
		return "rows"
	case PatternCols:
		return "columns"
	}
	return "cells"
}

// count returns how many of n units the share withholds.
func (w Withholding) count(n int) int { return int(math.Round(w.Share * float64(n))) }

// WithheldCells returns the number of cells the withholding removes from a
// block of geometry g (w and g valid).
func (w Withholding) WithheldCells(g Geometry) int {
	switch w.Pattern {
	case PatternRandom:
		return w.count(g.Cells())
	case PatternRows:
		return w.count(g.Rows) * g.Cols
	case PatternCols:
		return w.count(g.Cols) * g.Rows
	case PatternMinimal:
		return (g.Rows/2 + 1) * (g.Cols/2 + 1)
	}
	return 0
}

// String returns "PATTERN" or "PATTERN:SHARE".
func (w Withholding) String() string {
	if w.Share == 0 {
		return w.Pattern.String()
	}
	return fmt.Sprintf("%v:%g", w.Pattern, w.Share)
}

// Apply makes b the block a builder publishes: every cell present, then
// the withheld ones removed, drawn from seed (the same seed and geometry
// always withhold the same cells). It allocates nothing but for the
// minimal pattern's choice of rows and columns.
func (w Withholding) Apply(b *Block, seed uint64) error {
	if err := w.Validate(); err != nil {
		return err
	}
	if err := b.g.Validate(); err != nil {
		return err // a Block not made by NewBlock
	}
	b.Fill()
	g := b.g
	r := rand.New(rand.NewPCG(seed, withholdStream))
	switch w.Pattern {
	case PatternRandom:
		// Floyd's algorithm: k distinct cells in k draws; the block
		// itself is the set of those chosen.
		n := g.Cells()
		for j := n - w.count(n); j < n; j++ {
			if t := r.IntN(j + 1); b.Has(t) {
				b.Withhold(t)
			} else {
				b.Withhold(j)
			}
		}
	case PatternRows:
		for j := g.Rows - w.count(g.Rows); j < g.Rows; j++ {
			t := r.IntN(j + 1)
			if !b.Has(g.Cell(t, 0)) { // row t is withheld already
				t = j
			}
			for c := range g.Cols {
				b.Withhold(g.Cell(t, c))
			}
		}
	case PatternCols:
		for j := g.Cols - w.count(g.Cols); j < g.Cols; j++ {
			t := r.IntN(j + 1)
			if !b.Has(g.Cell(0, t)) {
				t = j
			}
			for row := range g.Rows {
				b.Withhold(g.Cell(row, t))
			}
		}
	case PatternMinimal:
		rows := distinctFlags(r, g.Rows, g.Rows/2+1)
		cols := distinctFlags(r, g.Cols, g.Cols/2+1)
		for row, inRow := range rows {
			if !inRow {
				continue
			}
			for c, inCol := range cols {
				if inCol {
					b.Withhold(g.Cell(row, c))
				}
			}
		}
	}
	return nil
}

// distinctFlags draws k distinct numbers of [0, n) (Floyd's algorithm) and
// returns them as flags.
func distinctFlags(r *rand.Rand, n, k int) []bool {
	picked := make([]bool, n)
	for j := n - k; j < n; j++ {
		if t := r.IntN(j + 1); !picked[t] {
			picked[t] = true
		} else {
			picked[j] = true
		}
	}
	return picked
}
