package dht

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/network"
)

// An isolated operation runs alone on a clock of its own, starting at 0
// (or at its Start): nothing else is in flight, so with Gamma > 0 only its
// own requests load its endpoints. When operations cannot affect each
// other (no load model), running them isolated gives exactly what they
// give on a shared clock, and they can run on many goroutines at once:
// that is LookupMany's fast path.

var runPool = sync.Pool{New: func() any { return new(Run) }}

// isolatedRun takes a run from the pool for one operation.
func (n *DHTNetwork) isolatedRun() *Run {
	r := runPool.Get().(*Run)
	r.q.Reset()
	clear(r.load)
	*r = Run{net: n, cfg: n.cfg, q: r.q, load: r.load, reqs: r.reqs[:0], free: r.free[:0], planned: r.planned[:0], freeP: r.freeP[:0], freeOps: r.freeOps, scratch: r.scratch[:0], static: !n.links.Bandwidth(), bandwidth: n.links.Bandwidth(), isolated: true}
	return r
}

// putRun returns a run to the pool.
func putRun(r *Run) {
	r.net, r.last = nil, nil
	runPool.Put(r)
}

// runIsolated schedules one operation with schedule on an isolated run,
// runs it and returns it, finished (its link op closed unless keepOpen).
func (n *DHTNetwork) runIsolated(keepOpen bool, schedule func(r *Run) error) (*operation, error) {
	r := n.isolatedRun()
	defer putRun(r)
	r.keepOpen = keepOpen
	if err := schedule(r); err != nil {
		return nil, err
	}
	if err := r.Run(context.Background()); err != nil {
		if r.last != nil {
			r.last.link.Close()
			r.last.release()
		}
		return nil, err
	}
	return r.last, nil
}

// Lookup runs a lookup for key from node from, isolated, starting at
// opts.Start.
func (n *DHTNetwork) Lookup(from uint32, key hashes.Key, opts LookupOptions) (LookupResult, error) {
	if err := n.usable(); err != nil {
		return LookupResult{}, err
	}
	op, err := n.runIsolated(false, func(r *Run) error { return r.Lookup(opts.Start, from, key, opts, nil) })
	if err != nil {
		return LookupResult{}, err
	}
	res := op.out.lres
	op.release()
	return res, nil
}

// Provide provides segment from node from, isolated, starting at
// opts.Start: a lookup for its key, then stores on the closest peers.
func (n *DHTNetwork) Provide(from uint32, segment []byte, opts ProvideOptions) (ProvideSummary, error) {
	if err := n.usable(); err != nil {
		return ProvideSummary{}, err
	}
	op, err := n.runIsolated(false, func(r *Run) error { return r.Provide(opts.Start, from, segment, opts, nil) })
	if err != nil {
		return ProvideSummary{}, err
	}
	res := op.out.pres
	op.release()
	return res, nil
}

// Lookup runs a lookup for key from this client, isolated (see
// DHTNetwork.Lookup).
func (c *Client) Lookup(key hashes.Key, opts LookupOptions) (LookupResult, error) {
	if c == nil || c.net == nil {
		return LookupResult{}, ErrZeroValue
	}
	return c.net.Lookup(c.id, key, opts)
}

// Provide provides segment from this client, isolated (see
// DHTNetwork.Provide).
func (c *Client) Provide(segment []byte, opts ProvideOptions) (ProvideSummary, error) {
	if c == nil || c.net == nil {
		return ProvideSummary{}, ErrZeroValue
	}
	return c.net.Provide(c.id, segment, opts)
}

// LookupTask is one lookup of LookupMany.
type LookupTask struct {
	Origin uint32
	Key    hashes.Key
	// Options tune the lookup; Options.Start is when it starts and
	// Options.Op names it (name every task for results that do not depend
	// on scheduling).
	Options LookupOptions
}

// Isolatable reports whether the network's operations cannot affect one
// another and do not depend on when they run (no load model, no churn, no
// connections kept from one request to the next, no table that loses the
// peers that fail, no bandwidth shared by messages), so that running them
// isolated, in parallel, gives what a shared clock gives.
func (n *DHTNetwork) Isolatable() bool {
	c := n.cfg.Network
	return c.Gamma == 0 && !c.Dynamic() && c.Transport == network.TransportNone && n.cfg.Maintenance.FailLimit == 0 &&
		!n.links.Bandwidth()
}

// lookupChunk is the number of tasks per worker that LookupMany runs
// between two in-order hand-overs.
const lookupChunk = 64

// LookupMany runs lookups and calls done with each result in task order,
// on the caller's goroutine. When the network is Isolatable, the lookups
// run isolated on workers goroutines and their records reach the network
// in task order too; otherwise they run together on one shared clock,
// each starting at its Options.Start. Either way, the same tasks give the
// same results and records whatever the number of workers.
func (n *DHTNetwork) LookupMany(ctx context.Context, tasks []LookupTask, workers int, done func(i int, res LookupResult)) error {
	if err := n.usable(); err != nil {
		return err
	}
	if err := checkWorkers(workers); err != nil {
		return err
	}
	if done == nil {
		done = func(int, LookupResult) {} // the caller keeps only the records
	}
	if !n.Isolatable() {
		return n.lookupShared(ctx, tasks, done)
	}
	chunk := lookupChunk * workers
	ops := make([]*operation, min(chunk, len(tasks)))
	for lo := 0; lo < len(tasks); lo += chunk {
		hi := min(lo+chunk, len(tasks))
		g, gctx := errgroup.WithContext(ctx)
		for w := range workers {
			g.Go(func() error {
				for i := lo + w; i < hi; i += workers {
					if err := gctx.Err(); err != nil {
						return err
					}
					t := tasks[i]
					op, err := n.runIsolated(true, func(r *Run) error {
						return r.Lookup(t.Options.Start, t.Origin, t.Key, t.Options, nil)
					})
					if err != nil {
						return err
					}
					ops[i-lo] = op
				}
				return nil
			})
		}
		err := g.Wait()
		for i := lo; i < hi; i++ {
			op := ops[i-lo]
			if op == nil {
				continue
			}
			ops[i-lo] = nil
			op.link.Close()
			if err == nil {
				done(i, op.out.lres)
			}
			op.release()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// lookupShared runs tasks on one shared clock and hands the results over
// in task order.
func (n *DHTNetwork) lookupShared(ctx context.Context, tasks []LookupTask, done func(int, LookupResult)) error {
	r := n.NewRun()
	results := make([]LookupResult, len(tasks))
	for i, t := range tasks {
		if err := r.Lookup(t.Options.Start, t.Origin, t.Key, t.Options, func(res LookupResult) { results[i] = res }); err != nil {
			return err
		}
	}
	if err := r.Run(ctx); err != nil {
		return err
	}
	for i := range results {
		done(i, results[i])
	}
	return nil
}
