package network

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"time"
)

// Record is what one attempt leaves.
type Record struct {
	// Op and Attempt name the attempt: the operation and its place in it.
	Op      uint64
	Attempt uint32
	// Time is the simulated time, from the start of the operation, when the
	// attempt started.
	Time     time.Duration
	From, To uint32
	Error    ErrorKind
	// BaseDelay is the delay drawn for the outcome, before overheads.
	BaseDelay      time.Duration
	OriginOverhead time.Duration
	RemoteOverhead time.Duration
	TotalOverhead  time.Duration
	TotalDelay     time.Duration
}

// RecordsHeader is the header of the records CSV. The first ten columns are
// the model's; op and attempt say which operation made the attempt. Times
// are in seconds.
const RecordsHeader = "id,time_s,from,to,error,base_delay_s,origin_overhead_s,remote_overhead_s,total_overhead_s,total_delay_s,op,attempt"

// Records returns every record of the closed operations, ordered by
// operation id, then attempt: an order that does not depend on how
// concurrent operations were scheduled.
func (n *Network) Records() []Record {
	n.mu.Lock()
	out := slices.Clone(n.records)
	n.mu.Unlock()
	slices.SortFunc(out, func(a, b Record) int {
		if c := cmp.Compare(a.Op, b.Op); c != 0 {
			return c
		}
		return cmp.Compare(a.Attempt, b.Attempt)
	})
	return out
}

// WriteRecordsCSV writes the records, in the order of Records, as CSV with
// RecordsHeader; the id column numbers rows from 0.
func (n *Network) WriteRecordsCSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(RecordsHeader + "\n")
	var buf []byte
	for i, r := range n.Records() {
		buf = r.appendCSV(buf[:0], i)
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteRecordsFile writes the records CSV to path. It refuses to replace an
// existing file unless overwrite is true.
func (n *Network) WriteRecordsFile(path string, overwrite bool) error {
	return WriteFile(path, overwrite, n.WriteRecordsCSV)
}

// WriteFile creates path and fills it with write. An existing file is an
// error unless overwrite is true; nothing is left behind on failure.
func WriteFile(path string, overwrite bool, write func(io.Writer) error) error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if !overwrite {
		flags |= os.O_EXCL
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := write(f); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func (r Record) appendCSV(buf []byte, id int) []byte {
	buf = strconv.AppendInt(buf, int64(id), 10)
	buf = appendSeconds(append(buf, ','), r.Time)
	buf = strconv.AppendUint(append(buf, ','), uint64(r.From), 10)
	buf = strconv.AppendUint(append(buf, ','), uint64(r.To), 10)
	buf = append(append(buf, ','), r.Error.String()...)
	for _, d := range []time.Duration{r.BaseDelay, r.OriginOverhead, r.RemoteOverhead, r.TotalOverhead, r.TotalDelay} {
		buf = appendSeconds(append(buf, ','), d)
	}
	buf = strconv.AppendUint(append(buf, ','), r.Op, 10)
	buf = strconv.AppendUint(append(buf, ','), uint64(r.Attempt), 10)
	return append(buf, '\n')
}

// appendSeconds writes d in seconds, exactly (nanosecond resolution).
func appendSeconds(buf []byte, d time.Duration) []byte {
	return strconv.AppendFloat(buf, d.Seconds(), 'f', -1, 64)
}
