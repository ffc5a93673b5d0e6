package latency_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/go-dht/go-dht/network/latency"
)

func ExampleBuiltin() {
	m, err := latency.Builtin("aws", 1)
	if err != nil {
		panic(err)
	}
	regions := m.Regions()
	fmt.Println(m.Name(), len(regions), "regions, first", regions[0])
	// The region of a node depends on the seed and its id alone.
	fmt.Println(m.Region(7) == m.Region(7))
	fmt.Println("mean RTT us-east-1 -> eu-west-1:", m.MeanRTT(0, 3).Round(1e5))
	r := rand.New(rand.NewPCG(1, 2))
	d := m.Delay(r, 7, 8) // one way: half an RTT draw
	fmt.Println(d > 0)
	// Output:
	// aws 11 regions, first us-east-1
	// true
	// mean RTT us-east-1 -> eu-west-1: 69.7ms
	// true
}

func ExampleParse() {
	m, err := latency.Parse([]byte(`
regions: {eu: 3, us: 1}
latencies:
  eu: {eu: 10ms, us: {dist: normal, mean: 80ms, std: 5ms}}
  us: {us: {dist: gamma, shape: 4, scale: 5ms}}
`), 1)
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Regions(), m.Shares())
	fmt.Println(m.MeanRTT(0, 1), m.MeanRTT(1, 0), m.MeanRTT(1, 1))

	_, err = latency.Parse([]byte("regions: {eu: 1}\nlatencies:\n  eu: {eu: 10}\n"), 1)
	fmt.Println(err)
	// Output:
	// [eu us] [0.75 0.25]
	// 80ms 80ms 20ms
	// latency file line 3: latencies.eu.eu: "10" is not a duration; allowed: a duration >= 0 and at most 2h0m0s (the bound on an RTT), such as 80ms or 1.5s
}
