// Package report writes what a simulation measured so that a reader can
// trust and reuse it: statistics (means and quantiles, as pandas computes
// them), CSV files written atomically (a reader, or a run killed half
// way, never sees a partial file), plain ASCII tables, and charts (PNG,
// gonum/plot) whose titles say what was measured and whose axes carry
// units. The benchmark suite and the study command (cmd/dhtsim) share it.
//
// Charts are facet grids (Figure), as seaborn's relplot draws them: a
// panel per value of the keys not on an axis, a line per value of one key
// (the hue) in one colour in every panel, 95 % confidence bands
// (TQuantile, CI95), the settings every panel shares in a subtitle, and
// one legend outside the data. Ticks are labelled as a person writes
// them: 1,000; 50 ms, 10 min, 1 h (NiceTicks, DurationTicks, LogTicks).
package report
