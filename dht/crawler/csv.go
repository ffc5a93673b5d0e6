package crawler

import (
	"bufio"
	"io"
	"strconv"
	"time"

	"github.com/go-dht/go-dht/internal/cell"
)

// VisitsHeader is the header of the visits CSV: one row per visit, in the
// order visits end. Times are seconds of simulated time from the start of
// the run; via is the peer that introduced the visited one (4294967295,
// Origin, for a bootstrap peer); outcome is ok, refused, timeout or
// offline; attempts = 1 + retries; slot is the place in flight the visit
// held; returned counts the distinct peers of its answers (its edges),
// learned the peers it was first to name; op joins the row to the records
// CSV (every attempt of the visit has that op); seed is the network's.
const VisitsHeader = "peer,via,start_s,end_s,outcome,attempts,slot,returned,learned,op,seed"

// EdgesHeader is the header of the edges CSV: one row per distinct peer
// of a visit's answers, from the visited peer to it, in the order visits
// end and, within a visit, in the order its answers named them.
const EdgesHeader = "from,to"

// VisitsCSV writes the visits CSV row by row, buffered: a crawl of a
// million nodes streams its visits without keeping them.
type VisitsCSV struct {
	w       *bufio.Writer
	buf     []byte
	firstOp uint64 // the op of node 0's visit (Options.Op)
	seed    []byte // the seed column, formatted once
	err     error
}

// NewVisitsCSV writes VisitsHeader to w and returns a writer of rows for
// a crawl with operation ids from firstOp (Options.Op) on a network of
// that seed. Call Flush at the end.
func NewVisitsCSV(w io.Writer, firstOp, seed uint64) *VisitsCSV {
	c := &VisitsCSV{w: bufio.NewWriterSize(w, 1<<16), firstOp: firstOp, seed: strconv.AppendUint(nil, seed, 10)}
	_, c.err = c.w.WriteString(VisitsHeader + "\n")
	return c
}

// Write adds the row of v; it returns the first error of the stream.
func (c *VisitsCSV) Write(v Visit) error {
	if c.err != nil {
		return c.err
	}
	b := strconv.AppendUint(c.buf[:0], uint64(v.Peer), 10)
	b = strconv.AppendUint(append(b, ','), uint64(v.Via), 10)
	b = appendSeconds(append(b, ','), v.Start)
	b = appendSeconds(append(b, ','), v.End)
	b = append(append(b, ','), v.Outcome.String()...)
	b = strconv.AppendUint(append(b, ','), uint64(v.Attempts), 10)
	b = strconv.AppendInt(append(b, ','), int64(v.Slot), 10)
	b = strconv.AppendUint(append(b, ','), uint64(v.Returned), 10)
	b = strconv.AppendUint(append(b, ','), uint64(v.Learned), 10)
	b = strconv.AppendUint(append(b, ','), c.firstOp+uint64(v.Peer), 10)
	b = append(append(append(b, ','), c.seed...), '\n')
	c.buf = b
	_, c.err = c.w.Write(b)
	return c.err
}

// Flush writes the buffered rows and returns the first error of the
// stream.
func (c *VisitsCSV) Flush() error {
	if c.err == nil {
		c.err = c.w.Flush()
	}
	return c.err
}

// WriteVisitsCSV writes visits as a whole visits CSV.
func WriteVisitsCSV(w io.Writer, visits []Visit, firstOp, seed uint64) error {
	c := NewVisitsCSV(w, firstOp, seed)
	for _, v := range visits {
		if err := c.Write(v); err != nil {
			return err
		}
	}
	return c.Flush()
}

// EdgesCSV writes the edges CSV row by row, buffered: the neighbour graph
// of a million nodes holds some 10^8 edges, which are streamed, never
// kept.
type EdgesCSV struct {
	w   *bufio.Writer
	buf []byte
	err error
}

// NewEdgesCSV writes EdgesHeader to w and returns a writer of rows. Call
// Flush at the end.
func NewEdgesCSV(w io.Writer) *EdgesCSV {
	c := &EdgesCSV{w: bufio.NewWriterSize(w, 1<<16)}
	_, c.err = c.w.WriteString(EdgesHeader + "\n")
	return c
}

// Write adds the edge from -> to; it returns the first error of the
// stream.
func (c *EdgesCSV) Write(from, to uint32) error {
	if c.err != nil {
		return c.err
	}
	b := strconv.AppendUint(c.buf[:0], uint64(from), 10)
	b = strconv.AppendUint(append(b, ','), uint64(to), 10)
	c.buf = append(b, '\n')
	_, c.err = c.w.Write(c.buf)
	return c.err
}

// Flush writes the buffered rows and returns the first error of the
// stream.
func (c *EdgesCSV) Flush() error {
	if c.err == nil {
		c.err = c.w.Flush()
	}
	return c.err
}

// appendSeconds writes d in seconds, exactly (nanosecond resolution), as
// the records CSV does.
func appendSeconds(b []byte, d time.Duration) []byte { return cell.AppendSeconds(b, d) }

// seconds formats d in seconds, exactly.
func seconds(d time.Duration) string { return string(appendSeconds(nil, d)) }
