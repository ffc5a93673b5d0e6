package das

import (
	"fmt"
	"math/bits"
)

// MaxCells is the largest block a Geometry accepts: 2^26 cells (8192 x
// 8192), whose Block is an 8 MiB bitset.
const MaxCells = 1 << 26

// Geometry is the shape of an extended block: Rows x Cols cells, the
// original data being the top-left Rows/2 x Cols/2 of them, extended by a
// 2D Reed-Solomon code. Cells are numbered row-major: cell = row*Cols + col.
type Geometry struct {
	// Rows is the number of rows of the extended block: even, at least 2.
	Rows int `yaml:"rows"`
	// Cols is the number of columns of the extended block: even, at least 2.
	Cols int `yaml:"cols"`
}

// Validate reports a geometry that is not an extended block as a
// *network.ConfigError naming the field.
func (g Geometry) Validate() error {
	for _, f := range []struct {
		name string
		n    int
	}{{"Rows", g.Rows}, {"Cols", g.Cols}} {
		if f.n < 2 || f.n%2 != 0 || f.n > MaxCells/2 {
			return invalid(f.name, f.n, "an even number 2..%d (the extension doubles the original data)", MaxCells/2)
		}
	}
	if int64(g.Rows)*int64(g.Cols) > MaxCells {
		return invalid("Rows x Cols", fmt.Sprintf("%d x %d", g.Rows, g.Cols), "at most %d cells", MaxCells)
	}
	return nil
}

// Cells returns the number of cells, Rows x Cols.
func (g Geometry) Cells() int { return g.Rows * g.Cols }

// Cell returns the index of the cell at (row, col).
func (g Geometry) Cell(row, col int) int { return row*g.Cols + col }

// RowCol returns the row and column of a cell.
func (g Geometry) RowCol(cell int) (row, col int) { return cell / g.Cols, cell % g.Cols }

// String returns "ROWSxCOLS".
func (g Geometry) String() string { return fmt.Sprintf("%dx%d", g.Rows, g.Cols) }

// Block says which cells of an extended block are present: a bitset, one
// bit per cell in row-major order (32 KiB for 512 x 512). The zero Block
// is not usable; NewBlock makes one. A Block is not safe for concurrent
// writes.
type Block struct {
	g Geometry
	// bits holds bit cell%64 of word cell/64 set when the cell is present;
	// the bits past the last cell stay 0, so that counts need no mask.
	bits []uint64
}

// NewBlock returns a block of geometry g with every cell present.
func NewBlock(g Geometry) (*Block, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	b := &Block{g: g, bits: make([]uint64, (g.Cells()+63)/64)}
	b.Fill()
	return b, nil
}

// Geometry returns the block's geometry.
func (b *Block) Geometry() Geometry { return b.g }

// Fill makes every cell present.
func (b *Block) Fill() {
	for i := range b.bits {
		b.bits[i] = ^uint64(0)
	}
	if tail := b.g.Cells() % 64; tail != 0 {
		b.bits[len(b.bits)-1] = 1<<tail - 1
	}
}

// CopyFrom makes b hold the cells of src, without allocating. Blocks of
// different geometries are an error (ErrGeometry).
func (b *Block) CopyFrom(src *Block) error {
	if src.g != b.g {
		return fmt.Errorf("%w: copy a %v block into a %v block", ErrGeometry, src.g, b.g)
	}
	copy(b.bits, src.bits)
	return nil
}

// Clone returns a copy of b.
func (b *Block) Clone() *Block {
	return &Block{g: b.g, bits: append([]uint64(nil), b.bits...)}
}

// Has reports whether cell (0..Cells()-1) is present.
func (b *Block) Has(cell int) bool { return b.bits[cell>>6]&(1<<(cell&63)) != 0 }

// Withheld reports whether cell (0..Cells()-1) is missing: a sample of it
// cannot be served.
func (b *Block) Withheld(cell int) bool { return !b.Has(cell) }

// CountWithheld returns how many of cells are missing (a validator's
// samples that target withheld cells).
func (b *Block) CountWithheld(cells []int) int {
	n := 0
	for _, c := range cells {
		if !b.Has(c) {
			n++
		}
	}
	return n
}

// Withhold makes cell missing.
func (b *Block) Withhold(cell int) { b.bits[cell>>6] &^= 1 << (cell & 63) }

// Set makes cell present.
func (b *Block) Set(cell int) { b.bits[cell>>6] |= 1 << (cell & 63) }

// Present returns the number of cells present.
func (b *Block) Present() int {
	n := 0
	for _, w := range b.bits {
		n += bits.OnesCount64(w)
	}
	return n
}

// Complete reports whether every cell is present.
func (b *Block) Complete() bool { return b.Present() == b.g.Cells() }

// RowPresent returns the number of cells present in row.
func (b *Block) RowPresent(row int) int {
	return b.countRange(row*b.g.Cols, (row+1)*b.g.Cols)
}

// ColPresent returns the number of cells present in col.
func (b *Block) ColPresent(col int) int {
	n := 0
	for c := col; c < b.g.Cells(); c += b.g.Cols {
		if b.Has(c) {
			n++
		}
	}
	return n
}

// countRange counts the present cells of [lo, hi).
func (b *Block) countRange(lo, hi int) int {
	n := 0
	for lo < hi {
		w, off := lo>>6, lo&63
		take := min(64-off, hi-lo)
		n += bits.OnesCount64(b.bits[w] >> off & mask(take))
		lo += take
	}
	return n
}

// mask returns a word of n low bits set (n in 1..64).
func mask(n int) uint64 { return ^uint64(0) >> (64 - n) }

// String draws the block, one line per row: '#' for a present cell, '.'
// for a missing one. Meant for small blocks in tests and examples.
func (b *Block) String() string {
	out := make([]byte, 0, b.g.Cells()+b.g.Rows)
	for r := range b.g.Rows {
		for c := range b.g.Cols {
			ch := byte('.')
			if b.Has(b.g.Cell(r, c)) {
				ch = '#'
			}
			out = append(out, ch)
		}
		out = append(out, '\n')
	}
	return string(out)
}
