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
// and count, that Index.Closest and Table.Closest agree with brute force
// (item 3), and that the optimal tables of the index, one at a time and in
// parallel, equal the tables built one peer at a time (items 1 and 2).
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
