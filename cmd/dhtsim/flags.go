package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/go-dht/go-dht/benchmarks/param"
)

// cmdFlags are the flags of one command: those of the registry's
// parameters given there (package param), and nothing else.
type cmdFlags struct {
	name string
	use  param.Use
	fs   *flag.FlagSet
	f    *param.Flags
}

// newFlags returns the flags of command name, given in the places u.
func newFlags(name string, u param.Use) *cmdFlags {
	fs := flag.NewFlagSet("dhtsim "+name, flag.ContinueOnError)
	// The flag package would print each error and the whole usage: the
	// command prints the error once, and the usage only when asked.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	f := param.NewFlags(u)
	f.Register(fs)
	return &cmdFlags{name: name, use: u, fs: fs, f: f}
}

// help prints the command's usage line, what it does, and its flags.
func (c *cmdFlags) help(w io.Writer) {
	cmd := commands[c.name]
	fmt.Fprintf(w, "usage: dhtsim %s %s\n\n%s\n", c.name, cmd.usage, cmd.about)
	if len(param.FlagParams(c.use)) > 0 {
		fmt.Fprintf(w, "\nflags (flags and arguments may come in any order):\n")
		param.PrintFlags(w, c.use)
	}
}

// parse parses flags placed before or after the positional arguments, as
// researchers type them (dhtsim run study.yaml -out x), and returns the
// positional arguments. -h prints the help on stdout and returns errHelp.
func (c *cmdFlags) parse(args []string, stdout io.Writer) ([]string, error) {
	var pos []string
	for {
		err := c.fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			c.help(stdout)
			return nil, errHelp
		}
		if err != nil {
			msg := err.Error()
			if strings.HasPrefix(msg, "flag provided but not defined") {
				msg += fmt.Sprintf(" (dhtsim %s -h lists its flags)", c.name)
			}
			return nil, usageError{msg}
		}
		if c.fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, c.fs.Arg(0))
		args = c.fs.Args()[1:]
	}
}

// settings returns the flags' values (the defaults of the profile given,
// with every flag given) and every mistake of them at once, naming the
// flags.
func (c *cmdFlags) settings() (param.Settings, error) {
	s := c.f.Settings()
	return s, mistakes(c.f.Problems(s))
}

// mistakes returns messages as one usage error, one a line (nil for
// none).
func mistakes(msgs []string) error {
	if len(msgs) == 0 {
		return nil
	}
	return usageError{strings.Join(msgs, "\n")}
}
