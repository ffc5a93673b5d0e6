package routing_test

import (
	"fmt"

	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/routing"
)

func ExampleTable() {
	// Node 0 has key 0, so the distance of a peer to it is the peer's key.
	space := routing.NewKeySpace(8)
	for _, k := range []hashes.Key{
		0x0000000000000000, // id 0: the local node
		0x8000000000000000, // id 1: bucket 0 (first bit differs)
		0xc000000000000000, // id 2: bucket 0
		0x4000000000000000, // id 3: bucket 1
		0x6000000000000000, // id 4: bucket 1
		0x2000000000000000, // id 5: bucket 2
		0xa000000000000000, // id 6: bucket 0, nearer than id 2
		0xe000000000000000, // id 7: bucket 0, farther than every other
	} {
		space.Append(k)
	}
	table, err := routing.NewTable(0, space.Key(0), 2, space) // k = 2
	if err != nil {
		fmt.Println(err)
		return
	}
	for id := uint32(0); id <= 5; id++ {
		table.Add(id) // id 0 is the node itself: ignored
	}
	fmt.Println(table.Summary())

	// Bucket 0 is full: a nearer peer replaces the farthest, a farther one
	// is dropped.
	fmt.Println(table.Add(6), table.Add(7))
	for _, p := range table.Bucket(0) {
		fmt.Println("bucket 0:", p.ID, p.Key)
	}

	for _, p := range table.Closest(0x7000000000000000, 3) {
		fmt.Println("closest:", p.ID, p.Key)
	}
	// Output:
	// b0:2 b1:2 b2:1
	// true false
	// bucket 0: 1 8000000000000000
	// bucket 0: 6 a000000000000000
	// closest: 4 6000000000000000
	// closest: 3 4000000000000000
	// closest: 5 2000000000000000
}

func ExampleIndex_Closest() {
	keys := []hashes.Key{0x10, 0x20, 0x30, 0x11, 0xff}
	ix := routing.NewIndex(keys)
	for _, p := range ix.Closest(0x12, 3) {
		fmt.Println(p.ID, hashes.Distance(p.Key, 0x12))
	}
	// Output:
	// 0 2
	// 3 3
	// 2 34
}

func ExampleTable_SetPolicy() {
	// Node 0 has key 0; ids 1 to 4 share no bit with it (bucket 0), id 1
	// nearest, id 4 farthest.
	space := routing.NewKeySpace(5)
	for _, k := range []hashes.Key{0, 0x8000000000000000, 0xa000000000000000, 0xc000000000000000, 0xe000000000000000} {
		space.Append(k)
	}
	table, err := routing.NewTable(0, space.Key(0), 2, space) // k = 2
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := table.SetPolicy(routing.Oldest); err != nil {
		fmt.Println(err)
		return
	}
	table.Add(4)
	table.Add(3)
	// The bucket is full: the old peers stay, newcomers wait in the cache.
	fmt.Println(table.Add(1), table.Add(2))
	fmt.Println("bucket:", table.BucketByAge(0), "cache:", table.Replacements(0))

	// Peer 4 failed to answer: the newest cached peer takes its place.
	fmt.Println(table.Remove(4))
	fmt.Println("bucket:", table.BucketByAge(0), "cache:", table.Replacements(0))
	oldest, _ := table.Oldest(0)
	fmt.Println("oldest:", oldest)
	// Output:
	// false false
	// bucket: [{4 e000000000000000} {3 c000000000000000}] cache: [{1 8000000000000000} {2 a000000000000000}]
	// true
	// bucket: [{3 c000000000000000} {2 a000000000000000}] cache: [{1 8000000000000000}]
	// oldest: 3
}
