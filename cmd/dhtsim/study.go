package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/go-dht/go-dht/benchmarks/study"
)

// newFlags returns a flag set that reports errors to stderr.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("dhtsim "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseArgs parses flags placed before or after the positional arguments,
// as researchers type them (dhtsim run study.yaml -out x).
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// loadStudy reads a study file; its errors are usage errors (status 2).
// It stops when ctx is done.
func loadStudy(ctx context.Context, path string) (*study.Study, error) {
	s, err := study.LoadContext(ctx, path)
	if err != nil {
		var errs study.Errors
		if errors.As(err, &errs) || errors.Is(err, study.ErrInvalidStudy) {
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		return nil, err
	}
	return s, nil
}

func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("run", stderr)
	out := fs.String("out", "", "output folder (required): one folder per combination, summary.csv, charts/")
	shard := fs.String("shard", "", "run every n-th combination: i/n (default: from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT when set)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "combinations run at once")
	progress := fs.String("progress", "auto", "progress report: auto (a bar on a terminal, lines otherwise), bar, lines or none")
	noRecords := fs.Bool("no-records", false, "skip records.csv (one row per connection attempt)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: want one study file, got %d arguments", errUsage, len(pos))
	}
	if *out == "" {
		return fmt.Errorf("%w: -out is required", errUsage)
	}
	if *workers < 1 || *workers > 4096 {
		return fmt.Errorf("%w: -workers = %d, allowed 1..4096", errUsage, *workers)
	}
	i, n, err := shardOf(*shard)
	if err != nil {
		return err
	}
	s, err := loadStudy(ctx, pos[0])
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("%w before the study started: nothing was run", errInterrupted)
	}
	if err != nil {
		return err
	}
	p, err := newProgress(*progress, stderr)
	if err != nil {
		return err
	}
	printWarnings(stderr, "run", study.Warnings(s.Shard(i, n)), len(s.Shard(i, n)))
	res, err := study.Run(ctx, s, study.Options{Out: *out, Shard: i, Shards: n, Workers: *workers, Progress: p, NoRecords: *noRecords})
	if res != nil {
		printNotes(stderr, "run", res.Notes)
		fmt.Fprintf(stdout, "%s: %d combinations in shard %d/%d: %d run now, %d found complete; summary in %s\n",
			s.Name, res.Total, i, n, res.Ran, res.Skipped, filepath.Join(*out, "summary.csv"))
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("interrupted: the finished combinations are kept in %s; run again to resume", *out)
	}
	return err
}

// shardOf reads -shard, or the Slurm array's environment.
func shardOf(flagValue string) (int, int, error) {
	if flagValue != "" {
		i, n, err := study.ParseShard(flagValue)
		if err != nil {
			return 0, 0, fmt.Errorf("%w: -shard: %v", errUsage, err)
		}
		return i, n, nil
	}
	i, n, ok, err := study.ShardFromEnv(os.Getenv)
	if err != nil {
		return 0, 0, fmt.Errorf("%w: %v", errUsage, err)
	}
	if !ok {
		return 0, 1, nil
	}
	return i, n, nil
}

// errInterrupted is the error of a command stopped by Ctrl-C or SIGTERM.
var errInterrupted = errors.New("interrupted")

func checkCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check", stderr)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: want one study file, got %d arguments", errUsage, len(pos))
	}
	s, err := loadStudy(ctx, pos[0])
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("%w before the study was checked", errInterrupted)
	}
	if err != nil {
		return err
	}
	networks := map[string]bool{}
	names := make([]string, s.Len())
	for i := range s.Len() {
		if i%1024 == 0 && ctx.Err() != nil {
			return fmt.Errorf("%w before the study was checked", errInterrupted)
		}
		c := s.Combination(i)
		networks[c.NetworkKey()] = true
		names[i] = c.Name
	}
	fmt.Fprintf(stdout, "%s: %s workload, %d combinations (%d grid points x %d repeats) on %d networks\n",
		s.Name, s.Workload, s.Len(), s.Points(), s.Repeats, len(networks))
	for _, a := range s.Axes {
		fmt.Fprintf(stdout, "  %s: %s\n", a.Key, strings.Join(a.Values, ", "))
	}
	for _, name := range names {
		fmt.Fprintln(stdout, name)
	}
	printWarnings(stderr, "check", study.Warnings(s.Combinations()), s.Len())
	return nil
}

// printWarnings prints each distinct warning of a study's combinations
// once, with how many of the total it applies to and the first of them.
func printWarnings(w io.Writer, cmd string, ws []study.Warning, total int) {
	for _, x := range ws {
		where := fmt.Sprintf("%d of %d combinations", len(x.Combinations), total)
		if len(x.Combinations) < total {
			where += ", the first " + x.Combinations[0]
		}
		record := "recorded in their params.yaml"
		if cmd == "check" {
			record = "a run records it in their params.yaml"
		}
		fmt.Fprintf(w, "dhtsim %s: warning: %s (%s; %s)\n", cmd, x.Text, where, record)
	}
}

func mergeCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("merge", stderr)
	out := fs.String("out", "", "output folder of the merged report (required)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if *out == "" || len(pos) == 0 {
		return fmt.Errorf("%w: want -out DIR and at least one shard folder", errUsage)
	}
	res, err := study.Merge(*out, pos...)
	if res != nil {
		printNotes(stderr, "merge", res.Notes)
		fmt.Fprintf(stdout, "merged %d shard folders: %d combinations of %d in %s\n", len(pos), res.Ran, res.Total, *out)
	}
	return err
}

// printNotes prints what a run or merge found and dealt with.
func printNotes(w io.Writer, cmd string, notes []string) {
	for _, n := range notes {
		fmt.Fprintf(w, "dhtsim %s: %s\n", cmd, n)
	}
}
