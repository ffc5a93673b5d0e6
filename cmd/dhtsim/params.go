package main

import (
	"context"
	"io"

	"github.com/go-dht/go-dht/benchmarks/param"
)

// paramsCmd prints every parameter of the registry: for a terminal, or
// as the README's Markdown table (-markdown).
func paramsCmd(_ context.Context, args []string, stdout, _ io.Writer) error {
	f := newFlags("params", param.ParamsCmd)
	pos, err := f.parse(args, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("unexpected arguments %q", pos)
	}
	s, err := f.settings()
	if err != nil {
		return err
	}
	if s.Run.Markdown {
		_, err := io.WriteString(stdout, param.Markdown())
		return err
	}
	return param.WriteText(stdout)
}
