// Package param is go-dht's registry of parameters: every model, workload
// and run parameter, declared once (registry.go) with its snake_case key,
// its flag, its type and unit, its default (a model parameter's is its
// profile's, dht.ProfileDefaults; a parameter set explicitly overrides
// it), its range, one line of doc, where it is given (study files, the
// benchmark suite, the dhtsim commands), and the fields of the
// configuration it sets (Settings: dht.Config and its nested structs, the
// workload configurations of dht/workload, the options of benchmarks and
// crawls).
//
// From the registry come:
//   - the flags of the benchmark suite and of each dhtsim command (Flags:
//     a command has the flags of the parameters given there, no other);
//   - the keys of study files (package study reads them with the
//     parameters' forms and ranges);
//   - the checks (Validate: each value's range, then what the model, a
//     crawl, the suite and a study's workload refuse in values together),
//     whose Problems name the parameters, so that an error names the flag
//     or key the user wrote;
//   - the parameter columns of every CSV the project writes (Columns,
//     Cells: the values the model ran with, durations in seconds);
//   - the README's table of parameters and dhtsim params (Markdown,
//     WriteText).
//
// Adding a parameter is one entry of the registry: a test fails when a
// field of dht.Config, of the workload configurations or of
// crawler.Options has no parameter (or is not one of the listed
// exceptions), and when the README's table is not the registry's.
package param
