package hashes_test

import (
	"fmt"

	"github.com/go-dht/go-dht/hashes"
)

func ExampleKey_String() {
	k := hashes.Key(0x00ff00000000abcd)
	s := k.String()
	back, err := hashes.ParseKey(s)
	fmt.Println(s, back == k, err)
	// Output: 00ff00000000abcd true <nil>
}

func ExampleCommonPrefixLen() {
	a := hashes.Key(0xf000000000000000)
	b := hashes.Key(0xe000000000000000) // differs from a in bit 3
	fmt.Println(hashes.CommonPrefixLen(a, b))
	fmt.Println(hashes.CommonPrefixLen(a, a))
	fmt.Println(hashes.CommonPrefixLen(0, 1<<63))
	fmt.Printf("%x\n", hashes.Distance(a, b))
	// Output:
	// 3
	// 64
	// 0
	// 1000000000000000
}

func ExampleNodeKey() {
	// One seed always gives the same network; another seed another one.
	first, again, other := hashes.NodeKey(1, 7), hashes.NodeKey(1, 7), hashes.NodeKey(2, 7)
	fmt.Println(first == again)
	fmt.Println(first == other)
	// Output:
	// true
	// false
}
