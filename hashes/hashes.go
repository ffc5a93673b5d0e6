package hashes

import (
	"encoding/binary"
	"math/bits"
	"strconv"
	"sync"

	"github.com/zeebo/xxh3"
)

// Bits is the width of a key.
const Bits = 64

// Key is a position in the 64-bit key space shared by nodes and segments.
type Key uint64

// NodeKey returns the key of node id in the network seeded with seed: the
// xxh3 hash of the id's 8 little-endian bytes, with seed as the hash seed.
func NodeKey(seed uint64, id uint32) Key {
	var buf [8]byte
	binary.LittleEndian.PutUint64(buf[:], uint64(id))
	return Key(xxh3.HashSeed(buf[:], seed))
}

// NodeKeys returns the keys of nodes 0..n-1 (NodeKey), indexed by id,
// hashed by workers goroutines (at least 1), each a run of ids.
func NodeKeys(seed uint64, n, workers int) []Key {
	keys := make([]Key, n)
	workers = max(1, min(workers, n))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for id := w * n / workers; id < (w+1)*n/workers; id++ {
				keys[id] = NodeKey(seed, uint32(id))
			}
		})
	}
	wg.Wait()
	return keys
}

// SegmentKey returns the key of a segment: the xxh3 hash of its content.
func SegmentKey(content []byte) Key {
	return Key(xxh3.Hash(content))
}

// SegmentKeyString is SegmentKey for content held in a string.
func SegmentKeyString(content string) Key {
	return Key(xxh3.HashString(content))
}

// Distance returns the XOR distance between a and b.
func Distance(a, b Key) uint64 {
	return uint64(a ^ b)
}

// Closer reports whether a is strictly closer to target than b.
func Closer(target, a, b Key) bool {
	return uint64(a^target) < uint64(b^target)
}

// CommonPrefixLen returns the number of leading bits a and b share, from 0
// (the first bit differs) to 64 (the keys are equal).
func CommonPrefixLen(a, b Key) int {
	return bits.LeadingZeros64(uint64(a ^ b))
}

// Bit returns bit i of k, counting from the most significant bit (bit 0).
func (k Key) Bit(i int) uint64 {
	return uint64(k) >> (Bits - 1 - i) & 1
}

// FlipBit returns k with bit i (from the most significant, bit 0) inverted.
func (k Key) FlipBit(i int) Key {
	return k ^ Key(uint64(1)<<(Bits-1-i))
}

// String returns the key as 16 lowercase hexadecimal digits.
func (k Key) String() string {
	var buf [16]byte
	return string(k.AppendHex(buf[:0]))
}

// AppendHex appends the 16 hexadecimal digits of k to dst.
func (k Key) AppendHex(dst []byte) []byte {
	const digits = "0123456789abcdef"
	for shift := Bits - 4; shift >= 0; shift -= 4 {
		dst = append(dst, digits[uint64(k)>>shift&0xf])
	}
	return dst
}

// ParseKey parses the 16-digit hexadecimal form printed by String.
func ParseKey(s string) (Key, error) {
	if len(s) != 16 {
		return 0, &strconv.NumError{Func: "ParseKey", Num: s, Err: strconv.ErrSyntax}
	}
	v, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return 0, err
	}
	return Key(v), nil
}
