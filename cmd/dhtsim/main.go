// Command dhtsim runs studies of a simulated Kademlia DHT from a study
// file, and crawls of a simulated network.
//
//	dhtsim run STUDY.yaml -out DIR [-shard i/n] [-workers N] [-progress auto|bar|lines|none] [-no-records]
//	dhtsim check STUDY.yaml
//	dhtsim merge -out DIR SHARD_DIR...
//	dhtsim crawl -out DIR [-n N] [-inflight W[,W...]] [-fast-error-rates R[,R...]] [network flags]
//
// run writes one folder per combination of the study into DIR, then
// DIR/summary.csv and DIR/charts; a killed run keeps every finished
// combination and resumes when run again. check validates a study file and
// prints its combinations. Ctrl-C or SIGTERM stops run, check and crawl
// (status 1, "interrupted"): reading latency files and validating a large
// grid stop too. merge joins the folders of shards run apart
// (-shard, or a Slurm job array) into one report. crawl builds a network
// from flags (every network option of the benchmarks: -n, -k, -latency,
// -churn, ...), crawls it as Nebula does, with W visits in flight, and
// writes each crawl's visits, edges, summary and timeline chart, and the
// chart of a sweep over W and the error rate.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `dhtsim: studies of a simulated Kademlia DHT

usage:
  dhtsim run STUDY.yaml -out DIR [flags]   run a study (resumes in DIR)
  dhtsim check STUDY.yaml                  validate a study; print its combinations
  dhtsim merge -out DIR SHARD_DIR...       join shards into one report
  dhtsim crawl -out DIR [flags]            crawl a simulated network (-inflight 1,10,125,1000 sweeps W)
  dhtsim help COMMAND                      the flags of a command
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// errUsage marks an error in the command line: status 2.
var errUsage = errors.New("usage")

// run runs a command line and returns the exit status: 0, 1 for a failed
// run, 2 for a bad command line or study file.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "run":
		err = runCmd(ctx, args[1:], stdout, stderr)
	case "check":
		err = checkCmd(ctx, args[1:], stdout, stderr)
	case "merge":
		err = mergeCmd(args[1:], stdout, stderr)
	case "crawl":
		err = crawlCmd(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			return run(ctx, []string{args[1], "-h"}, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "dhtsim: unknown command %q\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "dhtsim %s: %v\n", args[0], err)
		return 2
	default:
		fmt.Fprintf(stderr, "dhtsim %s: %v\n", args[0], err)
		return 1
	}
}
