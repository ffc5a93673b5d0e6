package cell

import (
	"math"
	"strconv"
	"time"
)

// SignificantDigits is the precision Float rounds to: more than any
// measured figure of a simulation means (a mean over a million lookups
// has about 3 digits of noise-free precision), and few enough that
// float noise (0.1+0.2) never shows.
const SignificantDigits = 6

// Float formats v rounded to SignificantDigits significant digits, in its
// shortest form (an exponent only below 1e-4 or from 1e21 up); NaN is an
// empty cell.
func Float(v float64) string { return string(AppendFloat(nil, v)) }

// AppendFloat appends Float(v) to b.
func AppendFloat(b []byte, v float64) []byte {
	if math.IsNaN(v) {
		return b
	}
	if math.IsInf(v, 0) || v == 0 {
		return strconv.AppendFloat(b, v, 'g', -1, 64)
	}
	var tmp [32]byte
	rounded, err := strconv.ParseFloat(string(strconv.AppendFloat(tmp[:0], v, 'g', SignificantDigits, 64)), 64)
	if err != nil {
		// Rounding a finite float64 to fewer digits cannot overflow but
		// near the largest float64; keep v then.
		rounded = v
	}
	if a := math.Abs(rounded); a >= 1e-4 && a < 1e21 {
		return strconv.AppendFloat(b, rounded, 'f', -1, 64)
	}
	return strconv.AppendFloat(b, rounded, 'g', -1, 64)
}

// Seconds formats d in seconds, exactly (nanosecond resolution): 0.000125,
// 3600, -0.5.
func Seconds(d time.Duration) string { return string(AppendSeconds(nil, d)) }

// AppendSeconds appends Seconds(d) to b.
func AppendSeconds(b []byte, d time.Duration) []byte {
	u := uint64(d)
	if d < 0 {
		b = append(b, '-')
		u = -u // two's complement: also right for math.MinInt64
	}
	b = strconv.AppendUint(b, u/uint64(time.Second), 10)
	frac := u % uint64(time.Second)
	if frac == 0 {
		return b
	}
	var digits [9]byte
	for i := 8; i >= 0; i-- {
		digits[i] = byte('0' + frac%10)
		frac /= 10
	}
	end := 9
	for digits[end-1] == '0' {
		end--
	}
	return append(append(b, '.'), digits[:end]...)
}
