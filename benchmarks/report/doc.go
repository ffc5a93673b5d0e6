// Package report writes what a simulation measured so that a reader can
// trust and reuse it: statistics (means and quantiles, as pandas computes
// them), CSV files written atomically (a reader, or a run killed half
// way, never sees a partial file), plain ASCII tables, and charts (PNG,
// gonum/plot) whose titles say what was measured and whose axes carry
// units. The benchmark suite and the study command (cmd/dhtsim) share it.
package report
