package benchmarks

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// readFlags reads the values of the command-line flags (pass them after
// -args), once flag.Parse has run: the flags of the registry's parameters
// of the suite (param.Bench).
var readFlags = RegisterFlags(flag.CommandLine)

// TestMain checks the flags and claims the report folder before any work,
// runs the tests and benchmarks, and, when a benchmark ran, prints the
// summary tables and writes the summary files. Each benchmark writes its
// own files when it finishes (benchEnv.finish), so a run killed half way
// keeps what finished; SIGINT and SIGTERM still write the summary of the
// finished benchmarks. Without -bench it writes nothing.
func TestMain(m *testing.M) {
	flag.Parse()
	flagParams, err := readFlags()
	if err != nil {
		// Every mistake at once, one a line.
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(os.Stderr, "benchmarks: %s\n", line)
		}
		os.Exit(2)
	}
	env = benchEnv{p: flagParams, s: NewSuite()}
	if bench := flag.Lookup("test.bench"); bench != nil && bench.Value.String() != "" {
		// A configuration with a known trap runs, but says so first.
		for _, w := range flagParams.NetConfig(flagParams.Config.Nodes).Warnings() {
			fmt.Fprintf(os.Stderr, "benchmarks: warning: %s\n", w)
		}
		dir, err := claimReportDir(flagParams)
		if err != nil {
			fmt.Fprintf(os.Stderr, "benchmarks: -out: %v\n", err)
			os.Exit(2)
		}
		env.rep = &Report{Dir: dir, Tag: flagParams.Bench.Tag}
		go writeSummaryOnSignal()
	}
	code := m.Run()
	results := env.s.Results()
	if env.rep == nil || len(results) == 0 {
		os.Exit(code)
	}
	files, err := env.rep.WriteSummary(os.Stdout, results)
	fmt.Printf("\nwrote %d summary files; every benchmark's own files are in %s\n", len(files), env.rep.Dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchmarks: report: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// claimReportDir returns the run's report folder, claimed for it: -out, or
// a new folder reports/<start time>-<unique> at the module root.
func claimReportDir(p Params) (string, error) {
	dir := p.Run.Out
	if dir == "" {
		var err error
		if dir, err = NewRunDir(filepath.Join(moduleRoot(), "reports"), time.Now()); err != nil {
			return "", err
		}
	}
	if err := ClaimDir(dir, p.Run.Overwrite, strings.Join(os.Args, " ")); err != nil {
		return "", err
	}
	return dir, checkWritable(dir)
}

// writeSummaryOnSignal waits for SIGINT or SIGTERM, writes the summary of
// the benchmarks that finished, and exits: their own files are written
// already.
func writeSummaryOnSignal() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	s := <-sig
	done := env.s.Finished()
	fmt.Fprintf(os.Stderr, "\nbenchmarks: %v: writing the summary of the %d benchmarks that finished\n", s, len(done))
	RemoveTemporaries(env.rep.Dir)
	if _, err := env.rep.WriteSummary(os.Stdout, done); err != nil {
		fmt.Fprintf(os.Stderr, "benchmarks: report: %v\n", err)
	}
	os.Exit(1)
}

// checkWritable creates dir if needed and checks that a file can be made in
// it.
func checkWritable(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}

// moduleRoot returns the nearest folder above the working directory (the
// package folder, under go test) that holds go.mod, or the working
// directory.
func moduleRoot() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return wd
		}
		dir = parent
	}
}
