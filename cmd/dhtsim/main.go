// Command dhtsim runs studies of a simulated Kademlia DHT from a study
// file, and crawls of a simulated network.
//
//	dhtsim run STUDY.yaml -out DIR [-shard i/n] [-workers N] [-progress auto|bar|lines|none] [-no-records]
//	dhtsim check STUDY.yaml
//	dhtsim merge -out DIR SHARD_DIR...
//	dhtsim crawl -out DIR [-n N] [-inflight W[,W...]] [-fast-error-rates R[,R...]] [network flags]
//	dhtsim params [-markdown]
//
// run writes one folder per combination of the study into DIR, then
// DIR/summary.csv and DIR/charts; a killed run keeps every finished
// combination and resumes when run again. check validates a study file and
// prints its combinations. Ctrl-C or SIGTERM stops run, check and crawl
// (status 1, "interrupted"): reading latency files and validating a large
// grid stop too. merge joins the folders of shards run apart
// (-shard, or a Slurm job array) into one report. crawl builds a network
// from flags (the network's parameters: -n, -k, -latency, -churn, ...),
// crawls it as Nebula does, with W visits in flight, and writes each
// crawl's visits, edges, summary and timeline chart, and the chart of a
// sweep over W and the error rate. params prints every parameter of the
// registry (benchmarks/param): its key, flags, default per profile, range
// and doc.
//
// COMMAND -h prints the command's usage and flags (status 0). An error is
// printed once, naming the flag or study key at fault; a bad command line
// or study file exits with status 2, a run that fails with status 1.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

const usage = `dhtsim: studies of a simulated Kademlia DHT

usage:
  dhtsim run STUDY.yaml -out DIR [flags]   run a study (resumes in DIR)
  dhtsim check STUDY.yaml                  validate a study; print its combinations
  dhtsim merge -out DIR SHARD_DIR...       join shards into one report
  dhtsim crawl -out DIR [flags]            crawl a simulated network (-inflight 1,10,125,1000 sweeps W)
  dhtsim params [-markdown]                every parameter: key, flags, default, range, doc
  dhtsim COMMAND -h                        the usage and flags of a command
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// usageError is a mistake in the command line or the study file: status
// 2. It prints as its message alone.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// usagef returns a usageError.
func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// errHelp says the command printed its help, as -h asked: status 0.
var errHelp = errors.New("help printed")

// command is a dhtsim command.
type command struct {
	// usage is the usage line's arguments, after "dhtsim NAME".
	usage string
	// about says what the command does, in a line or two.
	about string
	run   func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands map[string]command

func init() {
	commands = map[string]command{
		"run":    {"STUDY.yaml -out DIR [flags]", "Run every combination of the study file STUDY.yaml not already complete in DIR, then write DIR/summary.csv and DIR/charts.", runCmd},
		"check":  {"STUDY.yaml", "Validate the study file STUDY.yaml (every mistake at once, with its line and column) and print its combinations.", checkCmd},
		"merge":  {"-out DIR SHARD_DIR...", "Join the folders SHARD_DIR... of shards run apart into one report in DIR.", mergeCmd},
		"crawl":  {"-out DIR [flags]", "Build a network from the flags and crawl it as Nebula does; a list of -inflight or -fast-error-rates values sweeps them.", crawlCmd},
		"params": {"[-markdown]", "Print every parameter of go-dht: its study key, flags, type, default per profile, range, where it is given, and what it does.", paramsCmd},
	}
}

// run runs a command line and returns the exit status: 0, 1 for a failed
// run, 2 for a bad command line or study file.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			return run(ctx, []string{args[1], "-h"}, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return 0
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "dhtsim: unknown command %q\n%s", name, usage)
		return 2
	}
	err := cmd.run(ctx, args[1:], stdout, stderr)
	var ue usageError
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case errors.As(err, &ue):
		// One mistake a line, each naming the command.
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(stderr, "dhtsim %s: %s\n", name, line)
		}
		return 2
	default:
		fmt.Fprintf(stderr, "dhtsim %s: %v\n", name, err)
		return 1
	}
}
