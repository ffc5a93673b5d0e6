package benchmarks

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// flagParams holds the values of the command-line flags (pass them after
// -args).
var flagParams = func() *Params {
	p := DefaultParams()
	p.RegisterFlags(flag.CommandLine)
	return &p
}()

// TestMain checks the flags before any work starts, runs the tests and
// benchmarks, then, when a benchmark ran, prints the summary tables and
// writes the report. Without -bench it does nothing else: go test ./...
// writes no file.
func TestMain(m *testing.M) {
	flag.Parse()
	if err := flagParams.Validate(); err != nil {
		fmt.Fprintf(os.Stderr, "benchmarks: %v\n", err)
		os.Exit(2)
	}
	started := time.Now()
	dir := flagParams.Out
	if dir == "" {
		dir = filepath.Join(moduleRoot(), "reports", started.Format("2006-01-02T15-04-05"))
	}
	// A report folder that cannot be written is an error before any work,
	// not after minutes of measurements.
	if bench := flag.Lookup("test.bench"); bench != nil && bench.Value.String() != "" {
		if err := checkWritable(dir); err != nil {
			fmt.Fprintf(os.Stderr, "benchmarks: -out %s: %v\n", dir, err)
			os.Exit(2)
		}
	}
	env = benchEnv{p: *flagParams, s: NewSuite()}
	code := m.Run()
	results := env.s.Results()
	if len(results) == 0 {
		os.Exit(code)
	}
	rep := Report{Dir: dir, Tag: flagParams.Tag, Overwrite: flagParams.Overwrite, Results: results}
	if _, err := rep.Write(os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "benchmarks: report: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
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
