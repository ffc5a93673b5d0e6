package das_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/go-dht/go-dht/dht/workload/das"
	"github.com/go-dht/go-dht/network"
)

// grid builds a block from a picture: one line per row, '#' for a present
// cell, '.' for a withheld one (the form Block.String prints).
func grid(t testing.TB, picture string) *das.Block {
	t.Helper()
	lines := strings.Fields(picture)
	g := das.Geometry{Rows: len(lines), Cols: len(lines[0])}
	b, err := das.NewBlock(g)
	if err != nil {
		t.Fatalf("grid: %v", err)
	}
	for r, line := range lines {
		if len(line) != g.Cols {
			t.Fatalf("grid: row %d has %d cells, want %d", r, len(line), g.Cols)
		}
		for c, ch := range line {
			switch ch {
			case '#':
			case '.':
				b.Withhold(g.Cell(r, c))
			default:
				t.Fatalf("grid: %q in row %d", ch, r)
			}
		}
	}
	return b
}

// mustBlock returns a full block of geometry g.
func mustBlock(t testing.TB, g das.Geometry) *das.Block {
	t.Helper()
	b, err := das.NewBlock(g)
	if err != nil {
		t.Fatalf("NewBlock(%v): %v", g, err)
	}
	return b
}

// withheld returns the block that w leaves of a block of geometry g.
func withheld(t testing.TB, g das.Geometry, w das.Withholding, seed uint64) *das.Block {
	t.Helper()
	b := mustBlock(t, g)
	if err := w.Apply(b, seed); err != nil {
		t.Fatalf("%v.Apply: %v", w, err)
	}
	return b
}

// naiveReconstruct is das-research's loop, written as plainly as
// possible, as the reference for the work-list reconstruction: every pass
// rebuilds every row with at least half of its cells (and not all), then
// every such column, until a pass changes nothing. It returns the rebuilt
// block and the passes that changed something.
func naiveReconstruct(b *das.Block) (*das.Block, int) {
	b = b.Clone()
	g := b.Geometry()
	passes := 0
	for {
		changed := false
		for r := range g.Rows {
			if n := b.RowPresent(r); n >= g.Cols/2 && n < g.Cols {
				for c := range g.Cols {
					b.Set(g.Cell(r, c))
				}
				changed = true
			}
		}
		for c := range g.Cols {
			if n := b.ColPresent(c); n >= g.Rows/2 && n < g.Rows {
				for r := range g.Rows {
					b.Set(g.Cell(r, c))
				}
				changed = true
			}
		}
		if !changed {
			return b, passes
		}
		passes++
	}
}

// configField returns the field of a *network.ConfigError, or fails.
func configField(t testing.TB, err error) string {
	t.Helper()
	var ce *network.ConfigError
	if !errors.As(err, &ce) || !errors.Is(err, network.ErrInvalidConfig) {
		t.Fatalf("error %v is not a *network.ConfigError", err)
	}
	return ce.Field
}
