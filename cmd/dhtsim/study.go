package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-dht/go-dht/benchmarks/param"
	"github.com/go-dht/go-dht/benchmarks/study"
)

// loadStudy reads a study file; its errors are usage errors (status 2).
// It stops when ctx is done.
func loadStudy(ctx context.Context, path string) (*study.Study, error) {
	s, err := study.LoadContext(ctx, path)
	if err != nil {
		var errs study.Errors
		if errors.As(err, &errs) || errors.Is(err, study.ErrInvalidStudy) {
			return nil, usageError{err.Error()}
		}
		return nil, err
	}
	return s, nil
}

func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("run", param.RunCmd)
	pos, err := f.parse(args, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one study file (usage: dhtsim run STUDY.yaml -out DIR [flags]), got %d arguments", len(pos))
	}
	opts, err := f.settings()
	if err != nil {
		return err
	}
	out, workers := opts.Run.Out, opts.Config.Workers
	if out == "" {
		return usagef("-out is required: the study's output folder")
	}
	i, n, err := shardOf(opts.Run.Shard)
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
	p := newProgress(opts.Run.Progress, stderr)
	printWarnings(stderr, "run", study.Warnings(s.Shard(i, n)), len(s.Shard(i, n)))
	res, err := study.Run(ctx, s, study.Options{Out: out, Shard: i, Shards: n, Workers: workers, Progress: p, NoRecords: opts.Run.NoRecords})
	if res != nil {
		printNotes(stderr, "run", res.Notes)
		left := ""
		if missing := res.Total - res.Ran - res.Skipped; missing > 0 {
			left = fmt.Sprintf(", %d not run", missing)
		}
		fmt.Fprintf(stdout, "%s: %d combinations in shard %d/%d: %d run now, %d found complete%s; summary in %s\n",
			s.Name, res.Total, i, n, res.Ran, res.Skipped, left, filepath.Join(out, "summary.csv"))
	}
	if errors.Is(err, context.Canceled) {
		kept := 0
		if res != nil {
			kept = res.Ran + res.Skipped
		}
		return fmt.Errorf("interrupted: the %d finished combinations are kept in %s; run again to resume", kept, out)
	}
	return err
}

// shardOf reads -shard, or the Slurm array's environment.
func shardOf(flagValue string) (int, int, error) {
	if flagValue != "" {
		i, n, err := study.ParseShard(flagValue)
		if err != nil {
			return 0, 0, usagef("-shard: %v", err)
		}
		return i, n, nil
	}
	i, n, ok, err := study.ShardFromEnv(os.Getenv)
	if err != nil {
		return 0, 0, usageError{err.Error()}
	}
	if !ok {
		return 0, 1, nil
	}
	return i, n, nil
}

// errInterrupted is the error of a command stopped by Ctrl-C or SIGTERM.
var errInterrupted = errors.New("interrupted")

func checkCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("check", param.CheckCmd)
	pos, err := f.parse(args, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one study file (usage: dhtsim check STUDY.yaml), got %d arguments", len(pos))
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

func mergeCmd(_ context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("merge", param.MergeCmd)
	pos, err := f.parse(args, stdout)
	if err != nil {
		return err
	}
	opts, err := f.settings()
	if err != nil {
		return err
	}
	out := opts.Run.Out
	if out == "" || len(pos) == 0 {
		return usagef("want -out DIR and at least one shard folder (usage: dhtsim merge -out DIR SHARD_DIR...)")
	}
	res, err := study.Merge(out, pos...)
	if res != nil {
		printNotes(stderr, "merge", res.Notes)
		fmt.Fprintf(stdout, "merged %d shard folders: %d combinations of %d in %s\n", len(pos), res.Ran, res.Total, out)
	}
	return err
}

// printNotes prints what a run or merge found and dealt with.
func printNotes(w io.Writer, cmd string, notes []string) {
	for _, n := range notes {
		fmt.Fprintf(w, "dhtsim %s: %s\n", cmd, n)
	}
}
