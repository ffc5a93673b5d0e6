package crawler

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/vbauerster/mpb/v8"

	"github.com/go-dht/go-dht/hashes"
)

// The bar (drawn into a buffer, which is no terminal, by forcing its
// refresh) draws the counters, the share done
// and an ETA, and its last drawing holds the final counts.
func TestBarProgress(t *testing.T) {
	var buf bytes.Buffer
	p := newBarProgress(&buf, mpb.WithAutoRefresh())
	p.Update(Snapshot{Found: 100, Visited: 40, OK: 30, Failed: 10, Queued: 50, InFlight: 10})
	p.Finish(Summary{Found: 120, Visited: 120, Reachable: 100, Failed: 20})
	out := buf.String()
	for _, want := range []string{"crawl ", "visited 120 | ok 100 | failed 20 | queued 0", "100.0 % of the 120 peers found so far"} {
		if !strings.Contains(out, want) {
			t.Errorf("the bar lacks %q: %q", want, out)
		}
	}
}

// A stopped crawl leaves its bar where it stood.
func TestBarProgressStopped(t *testing.T) {
	var buf bytes.Buffer
	p := newBarProgress(&buf, mpb.WithAutoRefresh())
	p.Finish(Summary{Found: 120, Visited: 60, Reachable: 60, Queued: 50})
	if out := buf.String(); !strings.Contains(out, "visited 60 | ok 60 | failed 0 | queued 50") || !strings.Contains(out, "50.0 % of the 120 peers found so far") {
		t.Errorf("bar %q", out)
	}
}

// keyAtPrefix gives a key that shares exactly i leading bits with the
// local key, for every i and draw.
func FuzzKeyAtPrefix(f *testing.F) {
	f.Add(uint64(0), uint8(0), uint64(0))
	f.Add(^uint64(0), uint8(63), ^uint64(0))
	f.Add(uint64(0x0123456789abcdef), uint8(15), uint64(42))
	f.Fuzz(func(t *testing.T, local uint64, i uint8, r uint64) {
		p := int(i % 64)
		key := keyAtPrefix(hashes.Key(local), p, r)
		if got := hashes.CommonPrefixLen(key, hashes.Key(local)); got != p {
			t.Fatalf("keyAtPrefix(%x, %d, %x) = %x shares %d bits", local, p, r, uint64(key), got)
		}
	})
}

// keyAtPrefix spreads its keys over the whole region at prefix i: every
// bit after bit i takes both values.
func TestKeyAtPrefixCoversTheRegion(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	local := hashes.Key(rng.Uint64())
	for i := range 60 {
		var ones, zeros uint64
		for range 200 {
			k := uint64(keyAtPrefix(local, i, rng.Uint64()))
			ones |= k
			zeros |= ^k
		}
		low := uint64(1)<<(63-i) - 1
		if ones&low != low || zeros&low != low {
			t.Fatalf("prefix %d: bits after it do not vary", i)
		}
	}
}
