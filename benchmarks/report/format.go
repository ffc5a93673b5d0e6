package report

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/go-dht/go-dht/internal/cell"
)

// Human prints seconds with three significant digits and a unit.
func Human(sec float64) string {
	if math.IsNaN(sec) {
		return ""
	}
	if sec == 0 {
		return "0"
	}
	switch a := math.Abs(sec); {
	case a >= 1:
		return strconv.FormatFloat(sec, 'f', 3, 64) + " s"
	case a >= 1e-3:
		return strconv.FormatFloat(sec*1e3, 'f', 3, 64) + " ms"
	case a >= 1e-6:
		return strconv.FormatFloat(sec*1e6, 'f', 3, 64) + " µs"
	}
	return strconv.FormatFloat(sec*1e9, 'f', 2, 64) + " ns"
}

// Fixed prints v with prec decimals; NaN is an empty cell.
func Fixed(v float64, prec int) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

// Percent prints a share in [0, 1] as a percentage.
func Percent(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(100*v, 'f', 1, 64) + " %"
}

// Itoa formats an int.
func Itoa(v int) string { return strconv.Itoa(v) }

// Utoa formats a uint64.
func Utoa(v uint64) string { return strconv.FormatUint(v, 10) }

// Float formats a measured float for a CSV cell: rounded to 6 significant
// digits, in its shortest form; NaN (not measured) is an empty cell. Every
// CSV of the project writes floats with it (cell.Float).
func Float(v float64) string { return cell.Float(v) }

// Seconds formats d in seconds, exactly (cell.Seconds).
func Seconds(d time.Duration) string { return cell.Seconds(d) }

// UnixSeconds formats t as Unix seconds with microseconds, as Python's
// time.time() in the reference's CSVs.
func UnixSeconds(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMicro())/1e6, 'f', 6, 64)
}

// IDs lists node ids separated by ';'.
func IDs(v []uint32) string {
	var b strings.Builder
	for i, id := range v {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(strconv.FormatUint(uint64(id), 10))
	}
	return b.String()
}
