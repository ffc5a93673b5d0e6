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
	var ce *network.ConfigError
	fmt.Println(errors.Is(err, network.ErrInvalidConfig), errors.As(err, &ce), ce.Allowed)
	_, err = network.ParseDelayRange("-5ms")
	fmt.Println(err)
	// Output:
	// 50ms 100ms <nil>
	// true 1s
	// true true MIN-MAX with MIN <= MAX
	// delay range "-5ms": a delay cannot be negative (want MIN-MAX such as 10ms-100ms, or one duration such as 50ms, each 0..1h0m0s)
}

// An operation draws each attempt's outcome and delay from its own random
// stream, and keeps one record per attempt until it closes.
func ExampleOp_Draw() {
	links, _ := network.New(network.Config{Seed: 1, FastErrorRate: 100, FastDelay: network.Fixed(10e6)}, directory(2))
	op, _ := links.NewOp(1)
	a := op.Draw(0, 1, 0)
	op.AddRecord(network.Record{From: 0, To: 1, Error: a.Error, BaseDelay: a.Base, End: a.Base})
	op.Close()
	recs, _ := links.Records()
	fmt.Println(a.Error, a.Base, len(recs), links.Summary().FastErrors)
	// Output:
	// fast 10ms 1 1
}
