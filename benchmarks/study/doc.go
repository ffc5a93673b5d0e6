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
//   - A key is a name in the file: a parameter of the registry given in
//     study files (package param; `dhtsim params` and the README's table
//     list each with its form, range and default per profile). The model
//     keys set dht.Config (nodes, k, alpha, beta, steps, termination,
//     profile, the links, latency, churn, reachability, bandwidth,
//     tables, fill, maintenance) and seed; name and repeats are the
//     study's; the workload keys sit in the mapping workload: type
//     (retrieval, slot or availability), then the keys of that type (its
//     workload configuration in package dht/workload). A workload key's
//     path is workload.<key> ("workload.samples"); its part of a
//     combination's name drops the prefix, and so does its column. A
//     latency file's relative path is read from the study file's folder,
//     whatever the working directory, and the study records it made
//     absolute, in its combinations' parameters, names, params.yaml and
//     study.yaml. Refresh, republish, joins and join_peers are honoured
//     only by the availability workload, which runs maintenance: set to
//     another value than their default in another workload they are an
//     error (ErrWrongWorkload), not ignored. The key warnings (a list of
//     sentences) is what a runner records in a combination's params.yaml
//     (Combination.Warnings); it is read and ignored, so that a params.yaml
//     reads back as a study. The key charts (ChartsKey) asks for heat maps
//     of summary figures over two swept keys; it says how to draw the
//     results, not what to run. A slot's classes (workload.classes) are
//     a list of mappings, one value; a list of such lists sweeps them,
//     and a combination's name names a list by its classes' names joined
//     by '+' (home+mute).
//   - A key left out takes its default: a model key its combination's
//     profile's (dht.ProfileDefaults: under go-dht's own, dht.DefaultConfig;
//     beta 0, which reads as k, where the profile's beta is its k), the
//     others the registry's (repeats 1, latency uniform; the workload's
//     depend on its type: samples 100 for a retrieval, 73 for a slot, 1 for
//     availability).
//   - A list sweeps a key. Every key can be a list but name, seed,
//     repeats, workload and workload.type. A list of one value is that
//     value; a list of two or more is an axis. An empty list, or one that
//     holds a value twice (in canonical form: 1h and 60m are one value),
//     is an error, and so are two values the model reads alike in some
//     combination (beta 0 and beta k; default and the profile's rule or
//     fill). Flow lists split at commas: quote a churn model in one,
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
//     writes a whole study so: every key with its value, a key left out
//     with its default when every profile of the study agrees on it.
//   - The columns of every CSV of a study end with the combination's
//     parameters (SummaryColumns, SummaryRow: the registry's columns,
//     durations in seconds in columns ending _s, values resolved as the
//     model ran them); an Axis names its column and its values' cells.
//   - The network key (Combination.NetworkKey) identifies the built network a
//     combination needs, so a runner can share one network among the
//     combinations that differ only in link, lookup or workload
//     parameters.
//   - A shard is a share of a study's combinations: shard i of n holds
//     the indices equal to i modulo n (InShard), so that a SLURM job array
//     (ShardFromEnv) or n machines (ParseShard of "i/n") split one study.
//
// Validation reports every mistake of a file at once. The form and each
// value's range first, as values are read: YAML syntax, unknown or
// duplicate keys, types, lists, and values that do not parse or are out of
// their parameter's range (package param). Then the bounds on values
// together, on every point of the grid: the model's through
// dht.Config.Validate, whose *network.ConfigError names a dht field that
// is mapped back to its key and to the line of the value in that point
// (of the list element, for a swept key); the workload's (samples at most
// the segments or cells; retrievers at most nodes-1; validators at most
// nodes; bytes and lookups per combination); keys the workload type does
// not honour; the realism keys' through ValidateRealism, the hook where
// checks of whole points plug in. A value that could not be read does not
// stop them: its default stands in, and no error about it, or about a key
// whose bound depends on it (beta on k), is reported. Each latency file
// the study names is read once (a regular file of at most
// latency.MaxFileSize) and checked by package latency; a file that cannot
// be used is an ErrLatencyFile error at the value that names it, which
// prints what is wrong and where in the latency file. The combinations
// then use the content read, whatever happens to the file later. A bound
// on several keys names them all ("fast_error_rate/slow_error_rate").
// Every error is a *FileError, and Parse returns them all in one Errors.
package study
