package hashes_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/zeebo/xxh3"

	"github.com/go-dht/go-dht/hashes"
)

// keyAtPrefix returns a key that shares exactly i leading bits with k
// (0 <= i < 64), with the bits after the first differing one drawn from rng.
// With i = 64 it returns k itself.
func keyAtPrefix(k hashes.Key, i int, rng *rand.Rand) hashes.Key {
	if i >= hashes.Bits {
		return k
	}
	out := k.FlipBit(i)
	if i < hashes.Bits-1 {
		low := uint64(1)<<(hashes.Bits-1-i) - 1 // the bits after bit i
		out ^= hashes.Key(rng.Uint64() & low)
	}
	return out
}

func TestNodeKeyDeterministicAndSeeded(t *testing.T) {
	const n = 5000
	for _, seed := range []uint64{0, 1, 42, 1 << 63} {
		seen := make(map[hashes.Key]uint32, n)
		for id := range uint32(n) {
			k := hashes.NodeKey(seed, id)
			if again := hashes.NodeKey(seed, id); again != k {
				t.Fatalf("seed %d id %d: NodeKey not deterministic: %s then %s", seed, id, k, again)
			}
			if prev, dup := seen[k]; dup {
				t.Fatalf("seed %d: ids %d and %d share key %s", seed, prev, id, k)
			}
			seen[k] = id
		}
	}
	// Two seeds give two different networks: no id keeps its key.
	same := 0
	for id := range uint32(n) {
		if hashes.NodeKey(1, id) == hashes.NodeKey(2, id) {
			same++
		}
	}
	if same != 0 {
		t.Errorf("seeds 1 and 2 agree on %d of %d node keys", same, n)
	}
}

func TestSegmentKeyDependsOnContentOnly(t *testing.T) {
	contents := [][]byte{nil, {}, []byte("a"), []byte("b"), []byte("segment 0"), []byte("segment 1"), make([]byte, 4096)}
	keys := map[hashes.Key]string{}
	for _, c := range contents {
		k := hashes.SegmentKey(c)
		// A copy in another buffer hashes the same: only content matters.
		if k2 := hashes.SegmentKey(append([]byte(nil), c...)); k2 != k {
			t.Errorf("SegmentKey(%q) = %s, of a copy %s", c, k, k2)
		}
		if ks := hashes.SegmentKeyString(string(c)); ks != k {
			t.Errorf("SegmentKeyString(%q) = %s, SegmentKey %s", c, ks, k)
		}
		if prev, dup := keys[k]; dup && prev != string(c) {
			t.Errorf("contents %q and %q share key %s", prev, c, k)
		}
		keys[k] = string(c)
	}
	if len(keys) != len(contents)-1 { // nil and {} are the same content
		t.Errorf("%d distinct keys for %d distinct contents", len(keys), len(contents)-1)
	}
	// The model's hash: a segment key is the unseeded xxh3 of the content,
	// a node key the xxh3 of the id's 8 little-endian bytes seeded with the
	// network's seed.
	for _, c := range contents {
		if got, want := hashes.SegmentKey(c), hashes.Key(xxh3.Hash(c)); got != want {
			t.Errorf("SegmentKey(%q) = %s, want xxh3 %s", c, got, want)
		}
	}
	for _, seed := range []uint64{0, 9} {
		for _, id := range []uint32{0, 1, 1 << 31} {
			var le [8]byte
			binary.LittleEndian.PutUint64(le[:], uint64(id))
			if got, want := hashes.NodeKey(seed, id), hashes.Key(xxh3.HashSeed(le[:], seed)); got != want {
				t.Errorf("NodeKey(%d, %d) = %s, want xxh3 %s", seed, id, got, want)
			}
		}
	}
}

func TestDistance(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		a, b, c := hashes.Key(rng.Uint64()), hashes.Key(rng.Uint64()), hashes.Key(rng.Uint64())
		if d := hashes.Distance(a, b); d != uint64(a)^uint64(b) {
			t.Fatalf("Distance(%s, %s) = %x, want XOR %x", a, b, d, uint64(a)^uint64(b))
		}
		if hashes.Distance(a, b) != hashes.Distance(b, a) {
			t.Fatalf("Distance(%s, %s) not symmetric", a, b)
		}
		if hashes.Distance(a, a) != 0 {
			t.Fatalf("Distance(%s, itself) = %d", a, hashes.Distance(a, a))
		}
		if a != b && hashes.Distance(a, b) == 0 {
			t.Fatalf("distinct keys %s %s at distance 0", a, b)
		}
		// Closer is the strict order of distances to a target.
		if got, want := hashes.Closer(c, a, b), hashes.Distance(a, c) < hashes.Distance(b, c); got != want {
			t.Fatalf("Closer(%s, %s, %s) = %v, want %v", c, a, b, got, want)
		}
		if hashes.Closer(c, a, a) {
			t.Fatalf("Closer(%s, %s, %s) with a == b", c, a, a)
		}
	}
	// Distances are compared as unsigned integers: the top bit dominates.
	if !hashes.Closer(0, 0x7fffffffffffffff, 0x8000000000000000) {
		t.Error("Closer compares as signed integers")
	}
}

func TestCommonPrefixLen(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i <= hashes.Bits; i++ {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			for range 50 {
				a := hashes.Key(rng.Uint64())
				b := keyAtPrefix(a, i, rng)
				if got := hashes.CommonPrefixLen(a, b); got != i {
					t.Fatalf("CommonPrefixLen(%s, %s) = %d, want %d", a, b, got, i)
				}
				if got := hashes.CommonPrefixLen(b, a); got != i {
					t.Fatalf("CommonPrefixLen not symmetric: %d", got)
				}
			}
		})
	}
	for _, tc := range []struct {
		a, b hashes.Key
		want int
	}{
		{0, 0, 64},
		{0, 1 << 63, 0},
		{0, 1, 63},
		{0xffffffffffffffff, 0xfffffffffffffffe, 63},
		{0xf000000000000000, 0xe000000000000000, 3},
	} {
		if got := hashes.CommonPrefixLen(tc.a, tc.b); got != tc.want {
			t.Errorf("CommonPrefixLen(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestBitAndFlipBit(t *testing.T) {
	k := hashes.Key(0x8000000000000001)
	for i := range hashes.Bits {
		want := uint64(0)
		if i == 0 || i == 63 {
			want = 1
		}
		if got := k.Bit(i); got != want {
			t.Errorf("Bit(%d) of %s = %d, want %d", i, k, got, want)
		}
		f := k.FlipBit(i)
		if f.Bit(i) == k.Bit(i) || hashes.CommonPrefixLen(k, f) != i || f.FlipBit(i) != k {
			t.Errorf("FlipBit(%d) of %s = %s", i, k, f)
		}
	}
}

func TestStringParseKeyRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	keys := []hashes.Key{0, 1, 0xffffffffffffffff, 0x0123456789abcdef}
	for range 200 {
		keys = append(keys, hashes.Key(rng.Uint64()))
	}
	for _, k := range keys {
		s := k.String()
		if len(s) != 16 || s != fmt.Sprintf("%016x", uint64(k)) {
			t.Fatalf("String(%#x) = %q, want 16 lowercase hex digits", uint64(k), s)
		}
		if got := string(k.AppendHex([]byte("key="))); got != "key="+s {
			t.Fatalf("AppendHex = %q, want %q", got, "key="+s)
		}
		back, err := hashes.ParseKey(s)
		if err != nil || back != k {
			t.Fatalf("ParseKey(%q) = %s, %v; want %s", s, back, err, k)
		}
	}
}

func TestParseKeyRejects(t *testing.T) {
	for _, s := range []string{
		"", "0", "123456789abcdef", "0123456789abcdef0", "0x23456789abcdef",
		"0123456789abcdeg", "+123456789abcdef", "-123456789abcdef", " 123456789abcdef",
		"01234567_9abcdef",
	} {
		k, err := hashes.ParseKey(s)
		if err == nil {
			t.Errorf("ParseKey(%q) = %s, want an error", s, k)
			continue
		}
		if !errors.Is(err, strconv.ErrSyntax) {
			t.Errorf("ParseKey(%q) error %v does not wrap strconv.ErrSyntax", s, err)
		}
	}
}

var sink hashes.Key
var sinkInt int
var sinkU64 uint64

func TestZeroAllocations(t *testing.T) {
	content := []byte("a segment of some length, hashed on the hot path")
	buf := make([]byte, 0, 32)
	for name, f := range map[string]func(){
		"NodeKey":          func() { sink = hashes.NodeKey(7, 12345) },
		"SegmentKey":       func() { sink = hashes.SegmentKey(content) },
		"SegmentKeyString": func() { sink = hashes.SegmentKeyString("segment") },
		"Distance":         func() { sinkU64 = hashes.Distance(sink, 99) },
		"CommonPrefixLen":  func() { sinkInt = hashes.CommonPrefixLen(sink, 99) },
		"Closer":           func() { sinkInt = boolInt(hashes.Closer(sink, 1, 2)) },
		"FlipBit":          func() { sink = sink.FlipBit(5) },
		"AppendHex":        func() { buf = sink.AppendHex(buf[:0]) },
		"ParseKey":         func() { sink, _ = hashes.ParseKey("0123456789abcdef") },
	} {
		if allocs := testing.AllocsPerRun(100, f); allocs != 0 {
			t.Errorf("%s allocates %.1f times per call, want 0", name, allocs)
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// FuzzParseKey checks that ParseKey accepts exactly what String prints (up
// to the case of the hex digits) and that the round trip is exact.
func FuzzParseKey(f *testing.F) {
	for _, s := range []string{"0000000000000000", "ffffffffffffffff", "0123456789ABCDEF", "xyz", "", "+000000000000001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := hashes.ParseKey(s)
		if err != nil {
			return
		}
		if len(s) != 16 {
			t.Fatalf("ParseKey(%q) accepted %d characters", s, len(s))
		}
		if got := k.String(); got != lowerHex(s) {
			t.Fatalf("ParseKey(%q).String() = %q", s, got)
		}
	})
}

func lowerHex(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'F' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
