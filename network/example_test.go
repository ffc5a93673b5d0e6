package network_test

import (
	"errors"
	"fmt"

	"github.com/go-dht/go-dht/network"
)

func ExampleParseDelayRange() {
	r, err := network.ParseDelayRange("50ms-100ms")
	fmt.Println(r.Min, r.Max, err)

	fixed, _ := network.ParseDelayRange("1s")
	fmt.Println(fixed == network.Fixed(1e9), fixed)

	_, err = network.ParseDelayRange("100ms-50ms")
	fmt.Println(errors.Is(err, network.ErrInvalidConfig))
	fmt.Println(err)
	// Output:
	// 50ms 100ms <nil>
	// true 1s
	// true
	// network: invalid configuration: delay range min 100ms is above max 50ms
}

func ExampleConnError() {
	// newDirectory(2): a Directory of two nodes (see network_test.go).
	links, _ := network.New(network.Config{FastErrorRate: 100, FastDelay: network.Fixed(10e6)}, newDirectory(2))
	op := links.NewOp(1)
	_, err := op.Connect(0, 1, 0)
	op.Close()
	var ce *network.ConnError
	fmt.Println(errors.Is(err, network.ErrFast), errors.As(err, &ce), ce.Kind, ce.Delay)
	fmt.Println(err)
	fmt.Println(links.Records()[0].Error, links.Summary().Failures)
	// Output:
	// true true fast 10ms
	// connect 0 -> 1: fast error: connection refused after 10ms
	// fast 1
}
