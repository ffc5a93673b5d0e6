// Package das holds the availability logic of a data-availability-sampling
// (DAS) slot, apart from any network: the block and what a builder
// withholds of it, whether it can be rebuilt, which cells validators
// sample, their verdict beside the truth, and the classes of nodes. It
// draws from a seed and computes; it knows no clock, no message and no DHT,
// so that a workload (dht/workload's slot) or a study can run it around a
// simulation, and tests can check it on grids drawn by hand.
//
// # The model
//
// A block is Rows x Cols cells (Geometry; PANDAS, Middleware 2025, uses
// 512 x 512 cells of 560 bytes). It is the extension of Rows/2 x Cols/2
// cells of data by a two-dimensional Reed-Solomon code: every row and every
// column is a codeword of which any half determines the rest. Cells are
// numbered row-major, cell = row x Cols + col; a Block is a bitset of the
// cells present (32 KiB at 512 x 512).
//
// Withholding: a builder publishes the block minus the cells a pattern
// withholds, drawn from a seed (Withholding.Apply):
//   - none: nothing;
//   - random: a share of the cells, uniformly;
//   - rows, cols: a share of the rows (columns), whole, uniformly;
//   - minimal: the smallest pattern that cannot be rebuilt, a
//     (Rows/2+1) x (Cols/2+1) sub-grid: the cells where Rows/2+1 rows and
//     Cols/2+1 columns, drawn uniformly, cross. Each of those rows then
//     keeps Cols/2-1 cells, fewer than half, and each of those columns
//     Rows/2-1: nothing can be rebuilt. No smaller pattern is
//     unrecoverable: the cells still missing after a failed reconstruction
//     miss more than half of every row and column they touch, so they
//     touch at least Rows/2+1 rows, each in at least Cols/2+1 cells.
//
// Reconstruction follows das-research (codex-storage/das-research,
// Block.repairRow and repairColumn): a row or a column that holds at least
// half of its cells is rebuilt whole; rows then columns, pass after pass,
// until a pass rebuilds nothing. The block is recoverable, the truth about
// its availability, when every cell was rebuilt (Reconstructor).
//
// Sampling: validator v samples Samples distinct cells, uniformly, drawn
// from a stream of its own seeded by (seed, v), so that validators can be
// drawn in any order on any number of goroutines (Sampler; PANDAS draws 75
// samples per validator). A sample of a withheld cell can never be served
// (Block.Withheld, Block.CountWithheld).
//
// Verdict: the block is declared available when at least a threshold share
// of the validators succeed (das-research: 90 %, DefaultThreshold). Beside
// the truth, a verdict is a false accept (declared available, not
// recoverable) or a false reject (declared unavailable, recoverable); over
// many blocks a Tally gives the rates of both (Judge, Tally).
//
// Node classes (Class, Classes): a class has a share of the nodes,
// validators per node, a custody (the number of rows and of columns each
// of its nodes keeps and serves, drawn per node), a behaviour (honest;
// unresponsive: never answers, stores and samples time out; malicious:
// accepts stores, never serves a sample) and upload and download
// bandwidths, each a distribution written as a spec (ParseBandwidth:
// unlimited, fixed:100Mbit, uniform:10Mbit-100Mbit, lognormal:50Mbit,0.5;
// rates in bits per second, held in bytes per second). A node's class
// comes from a hash of (seed, node id), so class sizes are within sampling
// error of the shares; its rates and custody come from a stream of its
// own (Classes.Node). Classes, Withholding and Geometry carry yaml tags
// and their names and specs are text (encoding.TextUnmarshaler), so that a
// study file can list them.
//
// Every draw flows from the caller's seed through named streams (the hash
// of "das/withhold", "das/sample", "das/class", "das/node"), so that
// drawing one part never shifts another. Invalid parameters are a
// *network.ConfigError naming the field (for classes, the class and the
// field) and the allowed range, and texts that do not parse a *SpecError.
package das
