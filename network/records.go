package network

import (
	"bufio"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-dht/go-dht/internal/cell"
)

// RequestKind is what an attempt asked of the remote.
type RequestKind uint8

// The kinds of request.
const (
	// FindRequest asks for the remote's closest peers to a key, and for the
	// value stored under it.
	FindRequest RequestKind = iota
	// StoreRequest asks the remote to store a value.
	StoreRequest
	// CrawlRequest asks for the remote's closest peers to several keys, as
	// a crawler does.
	CrawlRequest
)

// String returns the name used in the records CSV.
func (k RequestKind) String() string {
	switch k {
	case FindRequest:
		return "find"
	case StoreRequest:
		return "store"
	case CrawlRequest:
		return "crawl"
	}
	return fmt.Sprintf("RequestKind(%d)", uint8(k))
}

// Record is what one attempt leaves.
type Record struct {
	// Op and Attempt name the attempt: the operation, and the attempt's
	// place in it (0, 1, ...).
	Op      uint64
	Attempt uint32
	// Request says what the attempt asked.
	Request RequestKind
	// Start is the simulated time, from the start of the run, when the
	// attempt started; End when its answer or its error arrived.
	Start, End time.Duration
	From, To   uint32
	// Via is the node whose answer introduced To to the operation, or the
	// origin for peers of its own routing table.
	Via   uint32
	Error ErrorKind
	// BaseDelay is the delay drawn for the outcome, before overheads: the
	// one-way connection delay of a request that connected (which costs
	// twice that), else the error delay.
	BaseDelay time.Duration
	// Setup is the connection set-up that preceded the request (round
	// trips of the transport, Config.Transport), 0 over an open
	// connection: a request that connected costs Setup + 2 x BaseDelay +
	// overheads.
	Setup          time.Duration
	OriginOverhead time.Duration
	RemoteOverhead time.Duration
	// Abandoned says the operation ended before the answer arrived: the
	// attempt counts, but not as finished.
	Abandoned bool
}

// TotalOverhead is the sum of both endpoints' overheads.
func (r Record) TotalOverhead() time.Duration { return r.OriginOverhead + r.RemoteOverhead }

// TotalDelay is the simulated time the attempt took: End - Start.
func (r Record) TotalDelay() time.Duration { return r.End - r.Start }

// RecordsHeader is the header of the records CSV. The first ten columns are
// py-dht's connection metrics (time_s is the start of the attempt from the
// start of the run); op and attempt name the attempt, end_s is when its
// answer or error arrived, via the node that introduced "to", abandoned is
// 1 when the operation ended before the answer came, request is find,
// store or crawl, setup_s the connection set-up before the request (0
// over an open connection). Times are in seconds.
const RecordsHeader = "id,time_s,from,to,error,base_delay_s,origin_overhead_s,remote_overhead_s,total_overhead_s,total_delay_s,op,attempt,end_s,via,abandoned,request,setup_s"

// sinkMode is where closed operations' records go.
type sinkMode uint8

const (
	keepRecords sinkMode = iota
	discardRecords
	streamRecords
)

// recordSink receives the records of closed operations. Its owner's mutex
// guards it.
type recordSink struct {
	mode    sinkMode
	records []Record      // keepRecords
	w       *bufio.Writer // streamRecords
	rows    int           // rows streamed, the next id
	buf     []byte
	extra   []byte // columns streamed at the end of every row, ",a,b"
	err     error  // first write error of the stream
}

func (s *recordSink) add(recs []Record) {
	switch s.mode {
	case keepRecords:
		s.records = append(s.records, recs...)
	case streamRecords:
		for _, r := range recs {
			if s.err != nil {
				return
			}
			s.buf = r.appendCSV(s.buf[:0], s.rows)
			if len(s.extra) > 0 {
				s.buf = append(append(s.buf[:len(s.buf)-1], s.extra...), '\n')
			}
			s.rows++
			_, s.err = s.w.Write(s.buf)
		}
	}
}

func (s *recordSink) reset() {
	if s.mode == keepRecords {
		s.records = nil
	}
}

// StreamRecords writes the header of the records CSV to w, then, from now
// on, the records of every operation as it closes, instead of keeping them:
// memory stays flat however long the run. Rows come in the order operations
// close: for a run on one clock, or lookups run by LookupMany-style helpers
// that close in task order, that order is reproducible; for callers closing
// operations concurrently it is not (sort by op, attempt). Records kept so
// far are written first. Call FlushRecords at the end.
func (n *Network) StreamRecords(w io.Writer) error {
	return n.StreamRecordsWith(w, nil, nil)
}

// StreamRecordsWith is StreamRecords with extra columns at the end of every
// row, the same values in each (e.g. the parameters of a study's
// combination, so that every row stands on its own).
func (n *Network) StreamRecordsWith(w io.Writer, columns, values []string) error {
	if len(columns) != len(values) {
		return fmt.Errorf("network: %d extra columns, %d values", len(columns), len(values))
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	switch n.sink.mode {
	case discardRecords:
		return ErrRecordsDiscarded
	case streamRecords:
		return errors.New("network: records are already streamed")
	}
	kept := n.sortedRecordsLocked()
	n.sink = recordSink{mode: streamRecords, w: bufio.NewWriterSize(w, 1<<16)}
	header := RecordsHeader
	if len(columns) > 0 {
		header += string(csvFields(columns))
		n.sink.extra = csvFields(values)
	}
	if _, err := n.sink.w.WriteString(header + "\n"); err != nil {
		return err
	}
	n.sink.add(kept)
	return n.sink.err
}

// FlushRecords flushes the streamed records and returns the first write
// error of the stream, if any.
func (n *Network) FlushRecords() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.sink.mode != streamRecords {
		return nil
	}
	if n.sink.err != nil {
		return n.sink.err
	}
	n.sink.err = n.sink.w.Flush()
	return n.sink.err
}

// Records returns every kept record of the closed operations, ordered by
// operation id, then attempt: an order that does not depend on how
// concurrent operations were scheduled.
func (n *Network) Records() ([]Record, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	switch n.sink.mode {
	case discardRecords:
		return nil, ErrRecordsDiscarded
	case streamRecords:
		return nil, ErrRecordsStreamed
	}
	return n.sortedRecordsLocked(), nil
}

// sortedRecordsLocked returns the kept records sorted. Caller holds n.mu.
func (n *Network) sortedRecordsLocked() []Record {
	out := slices.Clone(n.sink.records)
	slices.SortFunc(out, func(a, b Record) int {
		return cmp.Or(cmp.Compare(a.Op, b.Op), cmp.Compare(a.Attempt, b.Attempt))
	})
	return out
}

// WriteRecordsCSV writes the kept records, in the order of Records, as CSV
// with RecordsHeader; the id column numbers rows from 0.
func (n *Network) WriteRecordsCSV(w io.Writer) error {
	recs, err := n.Records()
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(RecordsHeader + "\n")
	var buf []byte
	for i, r := range recs {
		buf = r.appendCSV(buf[:0], i)
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteRecordsFile writes the records CSV to path atomically (see
// WriteFileAtomic).
func (n *Network) WriteRecordsFile(path string) error {
	return WriteFileAtomic(path, n.WriteRecordsCSV)
}

// WriteFileAtomic fills a temporary file next to path with write, then
// renames it to path: a reader, or a run killed half way, never sees a
// partial file. On failure nothing is left behind and an existing file at
// path is untouched.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := write(bw); err != nil {
		return fail(err)
	}
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func (r Record) appendCSV(buf []byte, id int) []byte {
	buf = strconv.AppendInt(buf, int64(id), 10)
	buf = appendSeconds(append(buf, ','), r.Start)
	buf = strconv.AppendUint(append(buf, ','), uint64(r.From), 10)
	buf = strconv.AppendUint(append(buf, ','), uint64(r.To), 10)
	buf = append(append(buf, ','), r.Error.String()...)
	for _, d := range []time.Duration{r.BaseDelay, r.OriginOverhead, r.RemoteOverhead, r.TotalOverhead(), r.TotalDelay()} {
		buf = appendSeconds(append(buf, ','), d)
	}
	buf = strconv.AppendUint(append(buf, ','), r.Op, 10)
	buf = strconv.AppendUint(append(buf, ','), uint64(r.Attempt), 10)
	buf = appendSeconds(append(buf, ','), r.End)
	buf = strconv.AppendUint(append(buf, ','), uint64(r.Via), 10)
	if r.Abandoned {
		buf = append(buf, ",1,"...)
	} else {
		buf = append(buf, ",0,"...)
	}
	buf = append(buf, r.Request.String()...)
	buf = appendSeconds(append(buf, ','), r.Setup)
	return append(buf, '\n')
}

// appendSeconds writes d in seconds, exactly (nanosecond resolution), as
// every CSV of the project does (cell.AppendSeconds).
func appendSeconds(buf []byte, d time.Duration) []byte { return cell.AppendSeconds(buf, d) }

// csvFields returns ",a,b,...", each field quoted as CSV requires.
func csvFields(fields []string) []byte {
	var b strings.Builder
	cw := csv.NewWriter(&b)
	cw.Write(fields)
	cw.Flush()
	return []byte("," + strings.TrimSuffix(b.String(), "\n"))
}
