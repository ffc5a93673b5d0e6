package routing

import (
	"context"
	"encoding/binary"
	"slices"
	"testing"

	"github.com/go-dht/go-dht/hashes"
)

// fuzzKeys turns fuzz input into at most 100 keys. Each key takes two bytes
// of data, shifted left by shift bits: the keys are tiny, share long
// prefixes and often collide, which is where prefix arithmetic goes wrong.
// With shift >= 64 each key takes eight bytes instead (uniform-looking keys).
func fuzzKeys(data []byte, shift uint8) []hashes.Key {
	var keys []hashes.Key
	if shift >= 64 {
		for len(data) >= 8 && len(keys) < 100 {
			keys = append(keys, hashes.Key(binary.BigEndian.Uint64(data)))
			data = data[8:]
		}
		return keys
	}
	for len(data) >= 2 && len(keys) < 100 {
		keys = append(keys, hashes.Key(uint64(binary.BigEndian.Uint16(data))<<(shift%49)))
		data = data[2:]
	}
	return keys
}

// FuzzClosest checks, for any set of keys (duplicates included), target
// and count, that Index.Closest and Table.Closest agree with brute force,
// and that the optimal tables of the index, one at a time and in parallel,
// equal the tables built one peer at a time.
func FuzzClosest(f *testing.F) {
	f.Add([]byte{0, 1, 0, 2, 0, 3, 0, 4, 0x80, 0, 0x40, 0}, uint64(3), uint8(2), uint8(48), uint8(0))
	f.Add([]byte{1, 1, 1, 1, 1, 1, 2, 2, 0, 0}, uint64(0x0101)<<10, uint8(3), uint8(10), uint8(1))
	f.Add([]byte("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdef"), uint64(1)<<63, uint8(20), uint8(64), uint8(5))
	f.Add([]byte{0xff, 0xff, 0xff, 0xfe, 0x00, 0x01}, ^uint64(0), uint8(1), uint8(0), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, target uint64, count, shift, k uint8) {
		keys := fuzzKeys(data, shift)
		if len(keys) == 0 {
			return
		}
		k = 1 + k%20
		space := spaceOf(keys)
		ix := NewIndex(keys)
		all := allPeers(space)

		// Network-wide closest.
		n := int(count)
		want := bruteClosest(all, hashes.Key(target), n)
		if got := ix.Closest(hashes.Key(target), n); !slices.Equal(got, want) {
			t.Fatalf("Index.Closest(%s, %d):\ngot  %v\nwant %v", hashes.Key(target), n, got, want)
		}

		// Every optimal table, built three ways.
		tables, err := ix.BuildTables(context.Background(), space, int(k), 2)
		if err != nil {
			t.Fatal(err)
		}
		order := make([]uint32, len(keys))
		for i := range order {
			order[i] = uint32(len(keys) - 1 - i) // reverse order: replacements happen
		}
		for self := range uint32(min(len(keys), 16)) {
			inc := incrementalTable(t, space, self, int(k), order)
			sameTable(t, inc, &tables[self])
			one, err := ix.OptimalTable(self, keys[self], int(k), space)
			if err != nil {
				t.Fatal(err)
			}
			sameTable(t, inc, one)
			buckets, _ := bruteBuckets(space, self, int(k))
			for b := range NumBuckets {
				if got := inc.Bucket(b); !slices.Equal(got, buckets[b]) {
					t.Fatalf("node %d bucket %d = %v, want %v", self, b, got, buckets[b])
				}
			}
			// The table's own closest entries.
			wantT := bruteClosest(inc.Peers(), hashes.Key(target), n)
			if got := inc.Closest(hashes.Key(target), n); !slices.Equal(got, wantT) {
				t.Fatalf("node %d Closest(%s, %d):\ngot  %v\nwant %v", self, hashes.Key(target), n, got, wantT)
			}
		}
	})
}

// FuzzOptimalClosest checks, for any set of keys (duplicates included),
// node, bucket size, target and count, that Index.AppendOptimalClosest
// answers exactly what the materialized optimal table answers. mode picks
// the node: a node at its own key (0), a node at another node's key (1), a
// node at a key made from localRaw like the keys (2), or any id at localRaw
// (3). The target shares at least near bits with local when near <= 64
// (near = 64: the target is local), else it is target itself. k above 0x8000
// reaches MaxK and the invalid MaxK+1.
func FuzzOptimalClosest(f *testing.F) {
	f.Add([]byte{0, 1, 0, 2, 0, 3, 0, 4, 0x80, 0, 0x40, 0}, uint8(48), uint32(1), uint8(0), uint64(0), uint64(3), uint8(200), uint16(2), int16(5))
	f.Add([]byte{1, 1, 1, 1, 1, 1, 2, 2, 0, 0}, uint8(10), uint32(0), uint8(0), uint64(0), uint64(0), uint8(64), uint16(3), int16(10))
	f.Add([]byte{1, 1, 1, 1, 1, 1, 2, 2, 0, 0}, uint8(10), uint32(7), uint8(3), uint64(0x0101)<<10, uint64(1), uint8(63), uint16(1), int16(-1))
	f.Add([]byte("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdef"), uint8(64), uint32(3), uint8(1), uint64(0), uint64(1)<<63, uint8(1), uint16(20), int16(100))
	f.Add([]byte{0xff, 0xff, 0xff, 0xfe, 0x00, 0x01}, uint8(0), uint32(2), uint8(2), ^uint64(0), ^uint64(0), uint8(32), uint16(0x8000+MaxK), int16(3000))
	f.Add([]byte{}, uint8(0), uint32(0), uint8(3), uint64(5), uint64(5), uint8(0), uint16(4), int16(4))
	f.Fuzz(func(t *testing.T, data []byte, shift uint8, self uint32, mode uint8, localRaw, target uint64, near uint8, k uint16, n int16) {
		keys := fuzzKeys(data, shift)
		space := spaceOf(keys)
		ix := NewIndex(keys)
		local := hashes.Key(localRaw)
		switch mode %= 4; {
		case mode == 0 && len(keys) > 0:
			self %= uint32(len(keys))
			local = keys[self]
		case mode == 1 && len(keys) > 0:
			local = keys[(self>>8)%uint32(len(keys))]
			self %= uint32(len(keys))
		case mode == 2 && len(keys) > 0:
			local = fuzzKeys(binary.BigEndian.AppendUint64(nil, localRaw), shift)[0]
			self %= uint32(len(keys))
		}
		if near <= hashes.Bits {
			target = uint64(local) ^ target>>near
		}
		kk := int(k % 32)
		if k >= 0x8000 {
			kk = int(k-0x8000) % (MaxK + 2)
		}
		prefix := []Peer{{ID: 3, Key: 3}}
		want := wantOptimalClosest(ix, space, slices.Clone(prefix), self, local, kk, hashes.Key(target), int(n))
		got := ix.AppendOptimalClosest(slices.Clone(prefix), self, local, kk, hashes.Key(target), int(n))
		if !slices.Equal(got, want) {
			t.Fatalf("self %d local %s k %d target %s n %d:\ngot  %v\nwant %v", self, local, kk, hashes.Key(target), n, got, want)
		}
	})
}
