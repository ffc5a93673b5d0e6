package benchmarks

import (
	"errors"
	"flag"
	"fmt"

	"github.com/go-dht/go-dht/benchmarks/param"
	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/dht/crawler"
)

// Params are the parameters of a benchmark run: the registry's Settings
// (package param), read from the flags of the test binary (pass them
// after -args). A benchmark adjusts its copy to what it runs (the size of
// a scale point, the rate of a sweep, the py-dht profile of the
// das-research study): every CSV row of its result carries those values.
type Params struct{ param.Settings }

// DefaultParams returns the defaults: the registry's under go-dht's own
// profile (dht.DefaultConfig: 10,000 nodes, k = 20, alpha = 3, beta = k,
// 3 steps, no errors, 50ms-100ms connections, seed 1, one worker per
// core) and a workload of 1,000 lookups and 256 segments of 512 bytes per
// round.
func DefaultParams() Params {
	return Params{param.Defaults(dht.ProfileGoDHT, param.Retrieval)}
}

// RegisterFlags defines the suite's flags (param.Bench) on fs and returns
// the function that reads them once fs is parsed: the defaults of the
// profile given, with every flag given set, and every mistake of the
// flags at once (a value refused, a bound broken), each naming its flag
// and wrapping ErrInvalidFlag.
func RegisterFlags(fs *flag.FlagSet) func() (Params, error) {
	f := param.NewFlags(param.Bench)
	f.Register(fs)
	return func() (Params, error) {
		s := f.Settings()
		return Params{s}, invalidFlags(f.Problems(s))
	}
}

// invalidFlags returns messages as one error, one a line, each wrapping
// ErrInvalidFlag ("invalid flag -beta = -1: out of range; ..."); nil for
// none.
func invalidFlags(msgs []string) error {
	errs := make([]error, len(msgs))
	for i, m := range msgs {
		errs[i] = fmt.Errorf("%w %s", ErrInvalidFlag, m)
	}
	return errors.Join(errs...)
}

// With returns p for a network of n nodes built with workers goroutines:
// what a benchmark's rows say it ran.
func (p Params) With(n, workers int) Params {
	p.Config.Nodes, p.Config.Workers = n, workers
	return p
}

// BetaOrK returns beta, which defaults to k.
func (p Params) BetaOrK() int {
	if p.Config.Client.Beta == 0 {
		return p.Config.Client.K
	}
	return p.Config.Client.Beta
}

// NetConfig returns the dht configuration of a network of n nodes built
// with p's parameters (param.Settings.Build). A latency file that cannot
// be read is left uniform: Validate reports it first.
func (p Params) NetConfig(n int) dht.Config {
	cfg, _ := p.Build()
	cfg.Nodes = n
	return cfg
}

// CrawlOptions returns the options of a crawl with p's parameters from
// bootstrap.
func (p Params) CrawlOptions(bootstrap []uint32) crawler.Options {
	o := p.Crawl.Options
	o.Bootstrap = bootstrap
	return o
}

// ErrInvalidFlag is wrapped by every error of Validate.
var ErrInvalidFlag = errors.New("invalid flag")

// Bounds of the workload flags (package param's): each keeps a run's
// memory within reach of a laptop (results are kept per operation) and
// every count within an int on 32-bit platforms.
const (
	MaxSegments     = param.MaxSegments
	MaxSegmentSize  = param.MaxSegmentSize
	MaxLookups      = param.MaxLookups
	MaxSegmentBytes = param.MaxSegmentBytes
)

// Validate reports every invalid parameter, one a line, each naming its
// flag, the value and what the flag allows (param.Validate).
func (p Params) Validate() error {
	var msgs []string
	for _, pr := range param.Validate(p.Settings, param.Bench) {
		msgs = append(msgs, pr.Message(param.Bench))
	}
	return invalidFlags(msgs)
}
