package das

import "math/bits"

// Reconstruction is what rebuilding a block achieved.
type Reconstruction struct {
	// Recoverable says every cell could be rebuilt: the truth about the
	// block's availability.
	Recoverable bool
	// Present is the number of cells present after reconstruction (those
	// given and those rebuilt).
	Present int
	// Passes is the number of passes that rebuilt at least one cell; a
	// pass rebuilds every row it can, then every column it can.
	Passes int
}

// Reconstructor rebuilds blocks. It keeps its scratch space from one call
// to the next, so that rebuilding blocks of one geometry allocates nothing
// after the first. The zero value is ready; it is not safe for concurrent
// use.
type Reconstructor struct {
	// rowCount and colCount hold the present cells of each row and column.
	rowCount, colCount []int32
	// rowQueue and colQueue hold the rows and columns that hold at least
	// half of their cells but not all, to rebuild in the next row or
	// column phase. A row enters the queue once: at the start, or when a
	// column's rebuild brings it to exactly half (counts only grow).
	rowQueue, colQueue []int32
	next               []int32
}

// Reconstruct rebuilds b in place with a new Reconstructor (see
// Reconstructor.Reconstruct).
func Reconstruct(b *Block) Reconstruction {
	var r Reconstructor
	return r.Reconstruct(b)
}

// Reconstruct rebuilds b in place: a row (column) that holds at least half
// of its cells is rebuilt whole, as the 2D Reed-Solomon extension allows;
// rows then columns, pass after pass, until nothing changes. On return b
// holds every cell that could be rebuilt. Clone b first to keep what was
// given.
//
// The work is O(cells) in all, whatever the number of passes: the present
// cells of each row and column are counted once, each row and column is
// rebuilt at most once, and only rows and columns that reached half are
// looked at again.
func (r *Reconstructor) Reconstruct(b *Block) Reconstruction {
	g := b.g
	rows, cols := g.Rows, g.Cols
	halfRow, halfCol := int32(cols/2), int32(rows/2) // cells a row (column) needs
	r.rowCount = resize(r.rowCount, rows)
	r.colCount = resize(r.colCount, cols)
	r.rowQueue, r.colQueue = r.rowQueue[:0], r.colQueue[:0]

	// Count: every column starts full and loses its missing cells.
	for c := range r.colCount {
		r.colCount[c] = int32(rows)
	}
	for row := range rows {
		lo := row * cols
		n := int32(cols)
		for p, hi := lo, lo+cols; p < hi; {
			w, off := p>>6, p&63
			take := min(64-off, hi-p)
			m := ^b.bits[w] >> off & mask(take)
			n -= int32(bits.OnesCount64(m))
			for ; m != 0; m &= m - 1 {
				r.colCount[p-lo+bits.TrailingZeros64(m)]--
			}
			p += take
		}
		r.rowCount[row] = n
		if n >= halfRow && n < int32(cols) {
			r.rowQueue = append(r.rowQueue, int32(row))
		}
	}
	for c, n := range r.colCount {
		if n >= halfCol && n < int32(rows) {
			r.colQueue = append(r.colQueue, int32(c))
		}
	}

	res := Reconstruction{}
	for len(r.rowQueue) > 0 || len(r.colQueue) > 0 {
		rebuilt := false
		// Rows: rebuilding one raises column counts only.
		for _, row := range r.rowQueue {
			if r.rowCount[row] == int32(cols) {
				continue // filled by columns since it was queued
			}
			rebuilt = true
			lo := int(row) * cols
			for p, hi := lo, lo+cols; p < hi; {
				w, off := p>>6, p&63
				take := min(64-off, hi-p)
				m := ^b.bits[w] >> off & mask(take)
				for ; m != 0; m &= m - 1 {
					c := p - lo + bits.TrailingZeros64(m)
					if r.colCount[c]++; r.colCount[c] == halfCol {
						r.colQueue = append(r.colQueue, int32(c))
					}
				}
				b.bits[w] |= mask(take) << off
				p += take
			}
			r.rowCount[row] = int32(cols)
		}
		r.rowQueue = r.rowQueue[:0]
		// Columns: rebuilding one raises row counts only; rows that reach
		// half wait for the next pass.
		r.next = r.next[:0]
		for _, c := range r.colQueue {
			if r.colCount[c] == int32(rows) {
				continue
			}
			rebuilt = true
			for row := range rows {
				cell := row*cols + int(c)
				if b.bits[cell>>6]&(1<<(cell&63)) != 0 {
					continue
				}
				b.bits[cell>>6] |= 1 << (cell & 63)
				if r.rowCount[row]++; r.rowCount[row] == halfRow {
					r.next = append(r.next, int32(row))
				}
			}
			r.colCount[c] = int32(rows)
		}
		r.colQueue = r.colQueue[:0]
		// Copied rather than swapped, so that each queue keeps the array
		// it grew: swapping would make every other call grow one again.
		r.rowQueue = append(r.rowQueue[:0], r.next...)
		if rebuilt {
			res.Passes++
		}
	}
	for _, n := range r.rowCount {
		res.Present += int(n)
	}
	res.Recoverable = res.Present == g.Cells()
	return res
}

// resize returns s with length n, reusing its array when it can.
func resize(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}
