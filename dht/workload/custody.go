package workload

import (
	"slices"

	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network"
)

// custody is how the nodes of a slot get and serve the rows and columns
// they keep (das.Class.CustodyRows, CustodyCols).
//
// At the slot's start the builder pushes every custody line to its node:
// one message per line and node, of the line's cells (those not
// withheld), in node order, rows before columns, through the builder's
// upload like any of its messages. A push is one way (no acknowledgement):
// its link outcome is drawn when it is handed over, at the slot's start
// (a node offline, undialable or unresponsive then never gets it), and it
// arrives after the link's delay and, with bandwidth on, its
// serialization at both ends. From its arrival the node holds the line's
// cells beside its store (dht.DHTNetwork.SetCustody) and serves them to
// any lookup that asks it, as it serves a stored value; a validator whose
// node holds a sampled cell finds it at once. Custody does not change
// routing: a lookup finds a custody node only when its path crosses it.
// The builder holds every line it keeps from the start.
type custody struct {
	s *slotRun
	// ids are the nodes with custody, ascending; lines their lines.
	ids   []uint32
	lines map[uint32]*lines
	// cellOf maps a cell's key to the cell.
	cellOf  map[hashes.Key]int32
	content [][]byte // by cell: what a holder serves
	op      *network.Op
	// pushes counts the lines pushed to nodes other than the builder,
	// delivered those that arrived.
	pushes, delivered int
}

// lines are one node's custody lines and which have arrived.
type lines struct {
	rows, cols     []int // ascending
	rowsIn, colsIn []bool
}

// newCustody gathers the custody of s's nodes (s.nodes drawn).
func newCustody(s *slotRun) *custody {
	c := &custody{s: s, lines: map[uint32]*lines{}}
	for id, nd := range s.nodes {
		if len(nd.Custody.Rows)+len(nd.Custody.Cols) == 0 {
			continue
		}
		c.ids = append(c.ids, uint32(id))
		c.lines[uint32(id)] = &lines{rows: nd.Custody.Rows, cols: nd.Custody.Cols,
			rowsIn: make([]bool, len(nd.Custody.Rows)), colsIn: make([]bool, len(nd.Custody.Cols))}
	}
	cells := s.g.Cells()
	c.cellOf = make(map[hashes.Key]int32, cells)
	c.content = make([][]byte, cells)
	for i := range cells {
		c.cellOf[s.keys[i]] = int32(i)
		c.content[i] = segment(s.seed, i, s.w.SegmentSize)
	}
	return c
}

// push hands every custody line to the builder's upload, at the run's
// current time (the slot's start).
func (c *custody) push() {
	s := c.s
	links := s.net.Links()
	builder := s.res.Builder
	now := s.run.Now()
	op, err := links.NewOp(CustodyOp)
	if err != nil {
		s.fail(err)
		return
	}
	c.op = op
	sizes := links.Sizes()
	send := func(id uint32, cells int, arrived func()) {
		if id == builder {
			arrived() // it has the whole block
			return
		}
		c.pushes++
		a := op.Draw(builder, id, now)
		rec := network.Record{Request: network.StoreRequest, Start: now, From: builder, To: id, Via: builder,
			Error: a.Error, BaseDelay: a.Base, Setup: a.Setup}
		if a.Error != network.NoError {
			rec.End = now + a.Base
			op.AddRecord(rec)
			return
		}
		at := links.Transfer(builder, id, sizes.StoreSize(cells*s.w.SegmentSize), now+a.Setup, a.Base)
		rec.End = at
		op.AddRecord(rec)
		s.fail(s.run.At(at, func() {
			c.delivered++
			arrived()
		}))
	}
	for _, id := range c.ids {
		ln := c.lines[id]
		for i, row := range ln.rows {
			send(id, s.block.RowPresent(row), func() { ln.rowsIn[i] = true })
		}
		for i, col := range ln.cols {
			send(id, s.block.ColPresent(col), func() { ln.colsIn[i] = true })
		}
	}
}

// value is the network's custody hook: the cell node id holds under key,
// when one of its lines that holds the cell has arrived and the builder
// did not withhold the cell.
func (c *custody) value(id uint32, key hashes.Key) ([]byte, bool) {
	ln := c.lines[id]
	if ln == nil {
		return nil, false
	}
	cell, ok := c.cellOf[key]
	if !ok || c.s.block.Withheld(int(cell)) {
		return nil, false
	}
	row, col := c.s.g.RowCol(int(cell))
	if i, ok := slices.BinarySearch(ln.rows, row); ok && ln.rowsIn[i] {
		return c.content[cell], true
	}
	if i, ok := slices.BinarySearch(ln.cols, col); ok && ln.colsIn[i] {
		return c.content[cell], true
	}
	return nil, false
}
