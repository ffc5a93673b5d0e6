package dht

import (
	"slices"
	"time"

	"github.com/go-dht/go-dht/hashes"
)

// ProvideOptions tune one provide.
type ProvideOptions struct {
	// TrackAccuracy computes the accuracy of the provide's lookup.
	TrackAccuracy bool
	// Op names the operation (see LookupOptions.Op).
	Op uint64
}

// ProvideSummary is what a provide measured.
type ProvideSummary struct {
	Origin uint32
	Key    hashes.Key
	// Lookup summarizes the lookup for the segment's key.
	Lookup LookupSummary
	// Stored and Failed list the peers that stored the segment and those
	// that could not be reached, nearest to the key first.
	Stored, Failed []uint32
	// PeersContacted counts the connection attempts of the lookup and of
	// the stores.
	PeersContacted int
	// LookupDelay is the lookup's simulated delay; ProvideDelay the largest
	// store delay (connect plus request, or the failed attempt); OperationDelay
	// their sum.
	LookupDelay, ProvideDelay, OperationDelay time.Duration
}

// Provide looks up the segment's key (without stopping at a value) and
// stores the segment on each of the Beta closest peers found; the origin,
// when it is among them, stores it locally at no cost. The segment is
// copied once and then shared: the caller may reuse its buffer.
func (c *Client) Provide(segment []byte, opts ProvideOptions) ProvideSummary {
	key := hashes.SegmentKey(segment)
	value := slices.Clone(segment)
	l := c.startLookup(key, false, opts.Op)
	defer l.release()
	op := &l.op // the stores belong to the same operation
	for l.Step() {
	}
	res := l.result(opts.TrackAccuracy)
	sum := ProvideSummary{
		Origin: c.id, Key: key, Lookup: res.Summary,
		LookupDelay:    res.Summary.Delay,
		PeersContacted: res.Summary.Attempts,
	}
	for _, p := range res.Closest {
		if p.ID == c.id {
			c.HandleStore(key, value)
			sum.Stored = append(sum.Stored, p.ID)
			continue
		}
		sum.PeersContacted++
		// Stores run in parallel after the lookup: each starts when it ends.
		conn, err := op.Connect(c.id, p.ID, sum.LookupDelay)
		if err != nil {
			sum.Failed = append(sum.Failed, p.ID)
			sum.ProvideDelay = max(sum.ProvideDelay, failedDelay(err))
			continue
		}
		conn.Store(key, value)
		sum.Stored = append(sum.Stored, p.ID)
		sum.ProvideDelay = max(sum.ProvideDelay, 2*conn.Delay)
	}
	sum.OperationDelay = sum.LookupDelay + sum.ProvideDelay
	return sum
}
