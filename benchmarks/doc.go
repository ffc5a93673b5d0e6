// Package benchmarks is the benchmark suite of the simulator: the Go
// successor of py-dht's benchmarks/ (hashes.py, routing.py, network.py),
// extended with the workload of a data-availability-sampling (DAS) study
// and with scale runs up to a million nodes.
//
// The benchmarks live in the package's tests and run only under -bench;
// scripts/bench.sh runs the whole suite. By hand:
//
//	go test -run '^$' -bench . -benchtime 10x ./benchmarks/ -args -n 10000 -tag run1
//
// Parameters are flags of the test binary, after -args (before it, go test
// would read -n and -o as its own): the parameters of the registry
// (package param) given to the benchmarks; `go run ./cmd/dhtsim params`
// lists each with its default and range. Invalid values stop the run
// before any work, every one at once, each error naming its flag and
// value. A benchmark's Result keeps the parameters it ran with (Params,
// adjusted to what it runs), and every row of its CSVs ends with them.
//
// Terms:
//   - A round is one timed iteration of a benchmark (b.Loop): -benchtime=Nx
//     gives N rounds. Its preparation (spawning the network a bootstrap
//     needs, drawing the round's workload) is untimed and reported apart, as
//     the reference's task_prep_time. A preparation that all rounds share
//     (building the network of a workload benchmark) counts in the first.
//   - Batched benchmarks (hashes, routing, most of network) time many
//     operations per round, because one takes nanoseconds; ns/op is then per
//     round and a metric such as ns/hash, ns/query or ns/node gives the
//     figure per operation.
//   - An operation of a workload benchmark is a lookup or a provide. Each is
//     planned from the seed and the round index (RoundRand) and carries an
//     explicit operation id, so one seed gives the same operations, link
//     draws and CSVs whatever the number of workers.
//
// Groups: hashes (keys and XOR distance), routing (one routing table),
// network (spawning and bootstrapping a network), workload (lookups,
// provides, retrievals, and lookups against the error rate), crawl (a
// Nebula-style crawl of 10^4 and 10^6 nodes, and a sweep of the visits in
// flight against the error rate) and scale
// (build time and memory from 1,000 to 1,000,000 nodes, lookup throughput,
// and the key index of up to 10^8 nodes).
//
// After the benchmarks, TestMain prints the summary tables and writes the
// report into -out: per benchmark a rounds CSV named
// <tag>_<group>_<name>.csv, the operations and connection records of the
// workload benchmarks, a summary CSV, the scaling CSV and the charts (PNG).
// Report files are created exclusively: a run never replaces an earlier
// report unless -overwrite is given.
package benchmarks
