package das_test

import (
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/go-dht/go-dht/dht/workload/das"
)

// TestReconstructHandBuilt checks reconstruction on 4 x 4 and 8 x 8 grids
// drawn by hand, recoverable and not, with the cells present afterwards
// and the passes worked out on paper.
func TestReconstructHandBuilt(t *testing.T) {
	for _, tc := range []struct {
		name        string
		picture     string
		recoverable bool
		present     int
		passes      int
	}{
		{"4x4/complete", "#### #### #### ####", true, 16, 0},
		{"4x4/nothing", ".... .... .... ....", false, 0, 0},
		// Each column keeps 2 of 4: the columns rebuild everything.
		{"4x4/half-the-rows", "#### .... #### ....", true, 16, 1},
		// Each column keeps 1 of 4 and the empty rows keep none.
		{"4x4/three-rows", "#### .... .... ....", false, 4, 0},
		// Each row keeps 2 of 4.
		{"4x4/half-of-each-row", "##.. .##. ..## #..#", true, 16, 1},
		// The minimal pattern: rows 0-2 and columns 1-3 keep 1 of 4.
		{"4x4/minimal", "#... #... #... ####", false, 7, 0},
		// Row 0 is rebuilt; that makes columns 0 and 1 whole (2 of 4
		// each); then rows 1-3 hold 2 of 4 in the second pass.
		{"4x4/two-passes", "##.. #... .... .#..", true, 16, 2},
		// Row 1 is rebuilt, then column 0; rows 0 and 2 still hold 1 of 4.
		{"4x4/stuck-after-one-pass", "#... ##.. .... ....", false, 7, 1},
		{"8x8/half-the-rows", "######## ######## ........ ######## ........ ........ ######## ........", true, 64, 1},
		{"8x8/five-rows", "######## ........ ........ ######## ........ ........ ######## ........", false, 24, 0},
		{"8x8/four-cols", "#.#..#.# #.#..#.# #.#..#.# #.#..#.# #.#..#.# #.#..#.# #.#..#.# #.#..#.#", true, 64, 1},
		// A 5 x 5 sub-grid (rows 1,2,4,5,7 x columns 0,2,3,5,6): unrecoverable.
		{"8x8/minimal", "######## .#..#..# .#..#..# ######## .#..#..# .#..#..# ######## .#..#..#", false, 39, 0},
		// The same minus one withheld cell (row 1, column 0): row 1 keeps
		// 4 of 8, is rebuilt, and every column then keeps 4 of 8.
		{"8x8/minimal-less-one", "######## ##..#..# .#..#..# ######## .#..#..# .#..#..# ######## .#..#..#", true, 64, 1},
		// A diagonal band of 5 withheld cells per row and column.
		{"8x8/band-of-5", "###..... ##.....# #.....## .....### ....###. ...###.. ..###... .###....", false, 24, 0},
		// A band of 4 per row and column: every row keeps half.
		{"8x8/band-of-4", "####.... ###....# ##....## #....### ....#### ...####. ..####.. .####...", true, 64, 1},
		// Row 0 (4 of 8) is rebuilt, which brings columns 5 and 7 to 4;
		// then row 2 and column 2; then rows 5 and 6 and every column.
		{"8x8/three-passes", "...###.# ..#....# .#.#.... ..#..#.. .......# ...#...# ....##.. .....#..", true, 64, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := grid(t, tc.picture)
			got := das.Reconstruct(b)
			if got.Recoverable != tc.recoverable || got.Present != tc.present || got.Passes != tc.passes {
				t.Errorf("Reconstruct = %+v, want recoverable %v, present %d, passes %d; after:\n%v",
					got, tc.recoverable, tc.present, tc.passes, b)
			}
			if b.Present() != got.Present {
				t.Errorf("the block holds %d cells after, the result says %d", b.Present(), got.Present)
			}
		})
	}
}

// TestReconstructMatchesNaive checks the work-list reconstruction against
// das-research's plain loop (naiveReconstruct) on random blocks of many
// shapes and densities: same cells rebuilt, same passes.
func TestReconstructMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	shapes := []das.Geometry{{2, 2}, {2, 8}, {8, 2}, {6, 10}, {8, 8}, {16, 16}, {64, 66}, {130, 14}}
	var rec das.Reconstructor // reused across shapes, as a workload would
	for i := range 3000 {
		g := shapes[i%len(shapes)]
		b := mustBlock(t, g)
		// Withhold a share near the threshold, where passes pile up.
		p := 0.3 + 0.5*r.Float64()
		for c := range g.Cells() {
			if r.Float64() < p {
				b.Withhold(c)
			}
		}
		want, wantPasses := naiveReconstruct(b)
		before := b.String()
		got := rec.Reconstruct(b)
		if b.String() != want.String() || got.Passes != wantPasses || got.Present != want.Present() || got.Recoverable != want.Complete() {
			t.Fatalf("%v block:\n%vReconstruct = %+v, block\n%vwant passes %d, block\n%v", g, before, got, b, wantPasses, want)
		}
	}
}

// TestReconstructExhaustive4x4 checks every one of the 2^16 patterns of a
// 4 x 4 block against the plain loop, and the minimality of the minimal
// pattern by brute force: every pattern of fewer than 9 withheld cells is
// recoverable, and the unrecoverable patterns of 9 are exactly the 16
// 3 x 3 sub-grids.
func TestReconstructExhaustive4x4(t *testing.T) {
	g := das.Geometry{Rows: 4, Cols: 4}
	b := mustBlock(t, g)
	var rec das.Reconstructor
	unrecoverable9 := 0
	for mask := range 1 << 16 {
		b.Fill()
		for c := range 16 {
			if mask&(1<<c) != 0 {
				b.Withhold(c)
			}
		}
		want, wantPasses := naiveReconstruct(b)
		got := rec.Reconstruct(b)
		if got.Recoverable != want.Complete() || got.Passes != wantPasses || got.Present != want.Present() {
			t.Fatalf("pattern %016b: %+v, want %v / %d passes", mask, got, want.Complete(), wantPasses)
		}
		withheld := bits.OnesCount(uint(mask))
		switch {
		case withheld < 9 && !got.Recoverable:
			t.Fatalf("pattern %016b withholds %d < 9 cells and is unrecoverable", mask, withheld)
		case withheld == 9 && !got.Recoverable:
			unrecoverable9++
			if !isSubGrid(g, mask) {
				t.Errorf("pattern %016b: 9 cells, unrecoverable, not a 3 x 3 sub-grid", mask)
			}
		}
	}
	if unrecoverable9 != 16 {
		t.Errorf("%d unrecoverable patterns of 9 cells, want the 16 sub-grids of 3 rows x 3 columns", unrecoverable9)
	}
}

// isSubGrid reports whether the cells of mask are the crossings of the
// rows and the columns they touch.
func isSubGrid(g das.Geometry, mask int) bool {
	var rows, cols int
	for c := range g.Cells() {
		if mask&(1<<c) != 0 {
			r, col := g.RowCol(c)
			rows |= 1 << r
			cols |= 1 << col
		}
	}
	return bits.OnesCount(uint(rows))*bits.OnesCount(uint(cols)) == bits.OnesCount(uint(mask))
}

// TestReconstructAllocatesNothing checks that a warmed Reconstructor and
// CopyFrom rebuild a 512 x 512 block without allocating: they run once per
// block of a study.
func TestReconstructAllocatesNothing(t *testing.T) {
	g := das.Geometry{Rows: 512, Cols: 512}
	for _, w := range []das.Withholding{{Pattern: das.PatternRandom, Share: 0.25}, {Pattern: das.PatternRandom, Share: 0.5}, {Pattern: das.PatternRows, Share: 0.5}} {
		src := withheld(t, g, w, 1)
		b := src.Clone()
		var rec das.Reconstructor
		rec.Reconstruct(b)
		a := testing.AllocsPerRun(6, func() {
			if err := b.CopyFrom(src); err != nil {
				t.Fatal(err)
			}
			rec.Reconstruct(b)
		})
		if a != 0 {
			t.Errorf("%v: %v allocations per reconstruction, want 0", w, a)
		}
	}
}
