package report

import (
	"encoding/csv"
	"io"
)

// WriteCSV writes a header and the rows that rows emits.
func WriteCSV(w io.Writer, header []string, rows func(emit func([]string) error) error) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := rows(cw.Write); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
