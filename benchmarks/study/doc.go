// Package study reads a study file: one YAML file that describes a whole
// experiment on the simulator, every model parameter by its snake_case
// name, each given one value or a list of values to sweep. Parse checks
// the file, reporting every error with its line and column, and Study
// expands it into the combinations a runner runs. Running them is not this
// package's job: the runner, its workloads and cmd/dhtsim build on this
// API.
//
// A file (the examples folder holds the team's studies):
//
//	name: alpha-errors            # optional; default: the file name without extension
//	nodes: 10000
//	alpha: [1, 3, 5]              # a list: swept
//	fast_error_rate: [0, 10]
//	conn_delay: 50ms-75ms
//	repeats: 3                    # seeds seed, seed+1, seed+2
//	workload:
//	  type: retrieval
//	  samples: 20
//
// Terms:
//   - A key is a name in the file. The model keys are those of
//     dht.Config: nodes, k, alpha, beta (0: k), steps, termination
//     (default, stale, pydht, beta, kclosest; see lookup.ParseRule),
//     profile (dht.ParseProfile), fast_error_rate and slow_error_rate
//     (percent), conn_delay, fast_delay and slow_delay
//     (network.ParseDelayRange), gamma (a duration) and seed. The realism
//     keys are latency (uniform, discv5, ipfs, aws, or the path of a
//     latency YAML file: a relative path is read from the study file's
//     folder, whatever the working directory, and the study records it
//     made absolute, in its combinations' parameters, names, params.yaml
//     and study.yaml), churn (none, ipfs, exp:ON,OFF,
//     weibull:SHAPE,SCALE; means and scales 1s..8760h), leave_rate
//     (share of nodes leaving for good per hour), policy (closest,
//     oldest), refresh and republish
//     (durations, 0 = off, else 1m..8760h: dht.MinRefresh,
//     workload.MinRepublish), fail_limit (failures in a row that remove a
//     peer, 0 = never), joins (new nodes per hour) and tables (auto,
//     eager, on-demand). Refresh, republish and joins are honoured only by
//     the availability workload, which runs maintenance: set in another
//     workload they are an error (ErrWrongWorkload), not ignored. The
//     key warnings (a list of sentences) is what a runner records in a
//     combination's params.yaml (Combination.Warnings); it is read and
//     ignored, so that a params.yaml reads back as a study. The key
//     charts (ChartsKey) asks for heat maps of summary figures over two
//     swept keys; it says how to draw the results, not what to run. The study keys are name and repeats. The
//     workload keys sit in the mapping workload: type (retrieval, slot or
//     availability), then for retrieval segments, retrievers, samples and
//     segment_size; for slot rows, cols, provides_in_flight, validators,
//     samples, segment_size, deadline and sample_start (a duration from
//     the slot's start, or provided: when the last provide ends); for
//     availability segments, retrievers, samples, segment_size, duration,
//     every and health_nodes. A workload key's path is workload.<key>
//     ("workload.samples"); its column in a summary CSV and its part of a
//     combination's name drop the prefix.
//   - A key left out takes its default: dht.DefaultConfig's for the model
//     keys (10,000 nodes, k 20, alpha 3, beta k, 3 steps, termination
//     default, which go-dht's profile reads as stale and the py-dht
//     profile as pydht, profile godht, no errors, conn 50ms-100ms, fast
//     10ms, slow 1s, gamma 0, seed 1); repeats 1, latency uniform, churn
//     none, leave_rate 0, policy closest, refresh, republish, fail_limit
//     and joins 0, tables auto; workload type retrieval; retrieval:
//     segments 100, retrievers 100, samples 100, segment_size 512; slot:
//     rows 512, cols 512, provides_in_flight 64, validators 10,000,
//     samples 73, segment_size 512, deadline 4s, sample_start provided;
//     availability: samples 1, duration 24h, every 1h, health_nodes 100.
//   - A list sweeps a key. Every key can be a list but name, seed,
//     repeats, workload and workload.type. A list of one value is that
//     value; a list of two or more is an axis. An empty list, or one that
//     holds a value twice (in canonical form: 1h and 60m are one value),
//     is an error, and so are two values the model reads alike in some
//     combination (beta 0 and beta k; default and stale, or default and
//     pydht under the py-dht profile). Flow lists split at commas: quote a churn model in one,
//     ["exp:1h,30m", none].
//   - The grid is the cartesian product of the axes, in the order of the
//     file (the workload's axes where the workload mapping is), the first
//     axis varying slowest. A point is one element of the grid.
//   - A combination is a point and a repeat: each point runs Repeats
//     times, with seeds seed, seed+1, ..., the repeats innermost. Its
//     index numbers it from 0 in that order; one file always gives one
//     combination the same index. A study has at most MaxCombinations
//     combinations.
//   - A combination's name is a folder name: c, the index zero-padded to
//     at least 4 digits (to the digits of the last index), then
//     _key=value for each axis and _seed=N, such as
//     c0007_alpha=3_fast_error_rate=10_seed=2. Values are canonical, with
//     every character but ASCII letters, digits, '.', '+' and '-' written
//     '_' and µs written us; a name keeps at most MaxNameBytes bytes,
//     dropping the last axes when it must: the index keeps it unique, and
//     the params.yaml of the folder (ParamsYAML) holds every value.
//   - Canonical form: a value as Go prints it (an integer in decimal, a
//     float with strconv's shortest 'g', a duration as time.Duration's
//     String, a delay range as network.DelayRange's). Study.Canonical
//     writes a whole study so.
//   - The network key (Params.NetworkKey) identifies the built network a
//     combination needs, so a runner can share one network among the
//     combinations that differ only in link, lookup or workload
//     parameters.
//   - A shard is a share of a study's combinations: shard i of n holds
//     the indices equal to i modulo n (InShard), so that a SLURM job array
//     (ShardFromEnv) or n machines (ParseShard of "i/n") split one study.
//
// Validation has two stages. The form first: YAML syntax, unknown or
// duplicate keys, types, lists, and values that do not parse (a rule name,
// a duration, a churn model). Then, once every value could be read, the
// bounds, on every point of the grid: the model's through
// dht.Config.Validate, whose *network.ConfigError names a dht field that
// is mapped back to its key and to the line of the value in that point
// (of the list element, for a swept key); the workload's through
// Workload.Validate (its Max constants; samples at most the segments or
// cells; retrievers at most nodes-1; validators at most nodes; bytes and
// lookups per combination); the realism keys' through ValidateRealism, the
// hook where the realism packages plug in. Each latency file the study
// names is read once (a regular file of at most latency.MaxFileSize) and
// checked by package latency; a file that cannot be used is an
// ErrLatencyFile error at the value that names it, which prints what is
// wrong and where in the latency file. The combinations then use the
// content read, whatever happens to the file later. A bound on several keys names
// them all ("fast_error_rate/slow_error_rate"). Every error is a
// *FileError, and Parse returns them all in one Errors.
package study
