package report

import (
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
)

// Tick labels a reader takes in at a glance, as matplotlib's defaults
// give them: a few round values (MaxNLocator's 1, 2, 2.5, 5 steps),
// thousands separated (1,000), durations in the unit that keeps them
// short (500 ms, 10 min, 1 h) rather than Go's 1h0m0s or 1e+03 s.

// maxTicks is how many labelled ticks an axis aims at, at most.
const maxTicks = 6

// niceSteps are the mantissas of a linear axis's tick step.
var niceSteps = []float64{1, 2, 2.5, 5, 10}

// NiceTicks are ticks at round values of a linear axis, every one
// labelled by Format (FormatNumber when nil).
type NiceTicks struct {
	Format func(float64) string
	// Steps, when set, are the steps to choose from (the smallest that
	// gives at most maxTicks ticks), such as hours' 1, 2, 3, 6, 12, 24;
	// beyond the largest, round steps.
	Steps []float64
}

// Ticks implements plot.Ticker.
func (t NiceTicks) Ticks(lo, hi float64) []plot.Tick {
	if len(t.Steps) > 0 && hi > lo {
		raw := (hi - lo) / float64(maxTicks-1)
		for _, step := range t.Steps {
			if step >= raw*(1-1e-9) {
				var vs []float64
				for k := math.Ceil(lo/step - 1e-9); k*step <= hi+step*1e-9; k++ {
					vs = append(vs, k*step)
				}
				return labelled(vs, t.Format)
			}
		}
	}
	return labelled(niceValues(lo, hi, maxTicks, niceSteps), t.Format)
}

// HourTicks are the ticks of an axis in hours: every 1, 2, 3, 6 or 12
// hours, or days.
var HourTicks = NiceTicks{Steps: []float64{0.25, 0.5, 1, 2, 3, 6, 12, 24, 48, 72, 168}}

// niceValues returns the multiples of the smallest round step that puts at
// most n values in [lo, hi] (at least two, on any range that is not empty).
func niceValues(lo, hi float64, n int, steps []float64) []float64 {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return []float64{lo}
	}
	raw := (hi - lo) / float64(max(1, n-1))
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag * 10
	for _, m := range steps {
		if m*mag >= raw*(1-1e-9) {
			step = m * mag
			break
		}
	}
	var vs []float64
	for k := math.Ceil(lo/step - 1e-9); k*step <= hi+step*1e-9; k++ {
		v := k * step
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		vs = append(vs, v)
	}
	return vs
}

// labelled makes ticks of values, labelled by format.
func labelled(vs []float64, format func(float64) string) []plot.Tick {
	if format == nil {
		format = FormatNumber
	}
	ticks := make([]plot.Tick, len(vs))
	for i, v := range vs {
		ticks[i] = plot.Tick{Value: v, Label: format(v)}
	}
	return ticks
}

// FormatNumber prints a number as a tick label: integers with thousands
// separators (1,000; 250,000), other values with up to four significant
// digits (2.5, 0.125), and very large or small magnitudes in powers of
// ten (1e+12).
func FormatNumber(v float64) string {
	switch a := math.Abs(v); {
	case v == 0:
		return "0"
	case a >= 1e12 || a < 1e-4:
		return strconv.FormatFloat(v, 'g', 3, 64)
	case a >= 1e4 || v == math.Trunc(v):
		return thousands(int64(math.Round(v)))
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// thousands prints n with a comma between groups of three digits.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// timeUnit is a unit a duration label can be written in.
type timeUnit struct {
	seconds float64
	name    string
}

// timeUnits are the units of FormatDuration, largest first.
var timeUnits = []timeUnit{
	{86400, "d"}, {3600, "h"}, {60, "min"}, {1, "s"}, {1e-3, "ms"}, {1e-6, "µs"}, {1e-9, "ns"},
}

// FormatDuration prints seconds in the largest unit that keeps the value
// at least 1, with up to three significant digits: 0.05 is "50 ms", 600 is
// "10 min", 3600 is "1 h", 5400 is "1.5 h".
func FormatDuration(sec float64) string {
	if sec == 0 {
		return "0"
	}
	a := math.Abs(sec)
	for _, u := range timeUnits {
		if a >= u.seconds*(1-1e-9) || u.seconds == 1e-9 {
			return strconv.FormatFloat(sec/u.seconds, 'g', 3, 64) + " " + u.name
		}
	}
	return strconv.FormatFloat(sec, 'g', 3, 64) + " s"
}

// durationSteps are the steps of a duration axis, in seconds: 1-2-5 below
// a minute, then the steps a clock face suggests.
var durationSteps = func() []float64 {
	var s []float64
	for e := -9; e <= 1; e++ {
		for _, m := range []float64{1, 2, 5} {
			s = append(s, m*math.Pow(10, float64(e)))
		}
	}
	s = append(s, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 3*3600, 6*3600, 12*3600, 86400, 2*86400, 7*86400)
	for e := 1; e <= 6; e++ {
		for _, m := range []float64{1, 2, 5} {
			s = append(s, m*math.Pow(10, float64(e))*86400)
		}
	}
	return s
}()

// DurationTicks are ticks of an axis in seconds at round durations (50 ms,
// 15 s, 10 min, 6 h), labelled by FormatDuration in one unit: the unit
// of the largest tick in which every tick is a whole or half number, so
// that 0, 30 min, 1 h, 1.5 h reads as hours.
type DurationTicks struct{}

// Ticks implements plot.Ticker.
func (DurationTicks) Ticks(lo, hi float64) []plot.Tick {
	var vs []float64
	if hi > lo {
		raw := (hi - lo) / float64(maxTicks-1)
		step := durationSteps[len(durationSteps)-1]
		for _, s := range durationSteps {
			if s >= raw*(1-1e-9) {
				step = s
				break
			}
		}
		for k := math.Ceil(lo/step - 1e-9); k*step <= hi+step*1e-9; k++ {
			vs = append(vs, k*step)
		}
	} else {
		vs = []float64{lo}
	}
	return labelled(vs, durationFormat(vs))
}

// durationFormat returns a formatter that writes every value of vs in one
// unit: the largest that writes each with at most one decimal.
func durationFormat(vs []float64) func(float64) string {
	top := 0.0
	for _, v := range vs {
		top = max(top, math.Abs(v))
	}
	for _, u := range timeUnits {
		if top < u.seconds*(1-1e-9) {
			continue
		}
		ok := true
		for _, v := range vs {
			x := v / u.seconds * 2
			if math.Abs(x-math.Round(x)) > 1e-6 {
				ok = false
				break
			}
		}
		if ok {
			return func(v float64) string {
				if v == 0 {
					return "0"
				}
				return strconv.FormatFloat(v/u.seconds, 'g', 4, 64) + " " + u.name
			}
		}
	}
	return FormatDuration
}

// logLadder are the values a log axis of durations labels first (one
// per unit or decade), and logLadderFine the ones it adds when the range
// holds fewer than three of them.
var (
	logLadder     = []float64{1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1, 10, 60, 600, 3600, 36000, 86400, 864000, 8640000}
	logLadderFine = []float64{2, 5, 20, 30, 120, 300, 1200, 1800, 7200, 6 * 3600, 12 * 3600, 2 * 86400, 7 * 86400}
)

// LogTicks label a positive axis on a log scale. Format nil labels powers
// of ten (and 2x, 5x when a range holds fewer than two) with
// FormatNumber; Durations labels round durations instead (1 ms, 1 s,
// 1 min, 10 min, 1 h).
type LogTicks struct {
	Format    func(float64) string
	Durations bool
}

// Ticks implements plot.Ticker.
func (t LogTicks) Ticks(lo, hi float64) []plot.Tick {
	if t.Durations {
		return durationLogTicks(lo, hi)
	}
	format := t.Format
	if format == nil {
		format = FormatNumber
	}
	var ticks []plot.Tick
	powers := 0
	for e := math.Floor(math.Log10(lo)); math.Pow(10, e) <= hi; e++ {
		if v := math.Pow(10, e); v >= lo {
			powers++
		}
	}
	for e := math.Floor(math.Log10(lo)); math.Pow(10, e) <= hi; e++ {
		base := math.Pow(10, e)
		for m := 1.0; m < 10; m++ {
			v := m * base
			if v < lo || v > hi {
				continue
			}
			tick := plot.Tick{Value: v}
			if m == 1 || powers < 2 && (m == 2 || m == 5) {
				tick.Label = format(v)
			}
			ticks = append(ticks, tick)
		}
	}
	return ticks
}

// durationLogTicks labels round durations of [lo, hi] on a log axis.
func durationLogTicks(lo, hi float64) []plot.Tick {
	in := func(vs []float64) []float64 {
		var out []float64
		for _, v := range vs {
			if v >= lo*(1-1e-9) && v <= hi*(1+1e-9) {
				out = append(out, v)
			}
		}
		return out
	}
	vs := in(logLadder)
	if len(vs) < 3 {
		var more []float64
		for e := -9.0; e <= 0; e++ {
			more = append(more, 2*math.Pow(10, e), 5*math.Pow(10, e))
		}
		vs = append(vs, in(append(more, logLadderFine...))...)
	}
	ticks := make([]plot.Tick, 0, len(vs))
	for _, v := range vs {
		ticks = append(ticks, plot.Tick{Value: v, Label: FormatDuration(v)})
	}
	return ticks
}

// ValueTicks label exactly the given values (a swept key's), each by
// Format (FormatNumber when nil); the values are in axis units.
func ValueTicks(values []float64, format func(float64) string) plot.Ticker {
	return plot.ConstantTicks(labelled(values, format))
}
