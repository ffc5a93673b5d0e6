package hashes_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/zeebo/xxh3"

	"github.com/go-dht/go-dht/dht/dhttest"
	"github.com/go-dht/go-dht/hashes"
)

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

// Distance is the Kademlia XOR metric compared as an unsigned integer: for
// every target, the keys sorted by Distance to it are sorted by Closer, the
// metric is unidirectional (one key at each distance from a target), and
// it composes: d(a,c) = d(a,b) XOR d(b,c), hence d(a,c) <= d(a,b) + d(b,c).
// A distance that subtracted keys, or compared them as signed integers,
// breaks these.
func TestDistanceIsXORMetric(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		a, b, c := hashes.Key(rng.Uint64()), hashes.Key(rng.Uint64()), hashes.Key(rng.Uint64())
		ab, bc, ac := hashes.Distance(a, b), hashes.Distance(b, c), hashes.Distance(a, c)
		if ac != ab^bc {
			t.Fatalf("d(a,c) = %x, d(a,b) ^ d(b,c) = %x", ac, ab^bc)
		}
		if sum, carry := bits.Add64(ab, bc, 0); carry == 0 && sum < ac {
			t.Fatalf("triangle inequality fails: %x > %x + %x", ac, ab, bc)
		}
		// The key at distance d from c is c XOR d, and only it.
		if hashes.Distance(c, hashes.Key(uint64(c)^ab)) != ab {
			t.Fatalf("no key at distance %x from %s", ab, c)
		}
		if got, want := hashes.Closer(c, a, b), ac < bc; got != want {
			t.Fatalf("Closer(%s, %s, %s) = %v, want %v", c, a, b, got, want)
		}
	}
	// Distances compare as unsigned integers: a difference in the top bit
	// outweighs every lower bit.
	if !hashes.Closer(0, 0x7fffffffffffffff, 0x8000000000000000) {
		t.Error("Closer compares as signed integers")
	}
	if hashes.Distance(0, 1<<63) <= hashes.Distance(0, 1<<62|1<<61) {
		t.Error("the top bit does not dominate the distance")
	}
}

// CommonPrefixLen agrees with a bit-by-bit count, both for keys built at an
// exact prefix length and for random pairs, and is the bucket index: 64
// minus the bit length of the distance.
func TestCommonPrefixLen(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	byBits := func(a, b hashes.Key) int {
		n := 0
		for n < hashes.Bits && a.Bit(n) == b.Bit(n) {
			n++
		}
		return n
	}
	for i := 0; i <= hashes.Bits; i++ {
		for range 50 {
			a := hashes.Key(rng.Uint64())
			b := dhttest.KeyAtPrefix(a, i, rng)
			if got := hashes.CommonPrefixLen(a, b); got != i || byBits(a, b) != i {
				t.Fatalf("CommonPrefixLen(%s, %s) = %d, bit count %d, want %d", a, b, got, byBits(a, b), i)
			}
		}
	}
	for range 1000 {
		a, b := hashes.Key(rng.Uint64()), hashes.Key(rng.Uint64()>>rng.IntN(64))
		got := hashes.CommonPrefixLen(a, a^b)
		if got != byBits(a, a^b) || got != hashes.Bits-bits.Len64(hashes.Distance(a, a^b)) {
			t.Fatalf("CommonPrefixLen(%s, %s) = %d, bit count %d", a, a^b, got, byBits(a, a^b))
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
		if f.Bit(i) == k.Bit(i) || f^k != hashes.Key(1)<<(hashes.Bits-1-i) || f.FlipBit(i) != k {
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

// The functions that touch buffers, where an allocation could hide (a
// buffer escaping to the heap, a conversion of the content), allocate
// nothing: they run for every node of a network and every segment.
func TestZeroAllocations(t *testing.T) {
	content := []byte("a segment of some length, hashed on the hot path")
	buf := make([]byte, 0, 32)
	for name, f := range map[string]func(){
		"NodeKey":          func() { sink = hashes.NodeKey(7, 12345) },
		"SegmentKey":       func() { sink = hashes.SegmentKey(content) },
		"SegmentKeyString": func() { sink = hashes.SegmentKeyString(string(content[:9])) },
		"AppendHex":        func() { buf = sink.AppendHex(buf[:0]) },
		"ParseKey":         func() { sink, _ = hashes.ParseKey("0123456789abcdef") },
	} {
		if allocs := testing.AllocsPerRun(100, f); allocs != 0 {
			t.Errorf("%s allocates %.1f times per call, want 0", name, allocs)
		}
	}
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

// NodeKeys gives NodeKey of every id whatever the number of workers,
// including more workers than ids.
func TestNodeKeysIndependentOfWorkers(t *testing.T) {
	for _, n := range []int{0, 1, 7, 1000} {
		for _, workers := range []int{0, 1, 2, 3, 16, 2000} {
			keys := hashes.NodeKeys(42, n, workers)
			if len(keys) != n {
				t.Fatalf("n=%d workers=%d: %d keys", n, workers, len(keys))
			}
			for id, k := range keys {
				if k != hashes.NodeKey(42, uint32(id)) {
					t.Fatalf("n=%d workers=%d: key of %d = %x, want %x", n, workers, id, k, hashes.NodeKey(42, uint32(id)))
				}
			}
		}
	}
}
