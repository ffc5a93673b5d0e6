package das

import (
	"math/rand/v2"

	"github.com/go-dht/go-dht/hashes"
)

// streamKey names a stream of draws, in the style of dht/workload's rng:
// the hash of "das/"+name, so that the draws of one part (withholding,
// samples, node classes) never shift those of another.
func streamKey(name string) uint64 { return uint64(hashes.SegmentKeyString("das/" + name)) }

// Stream keys, computed once.
var (
	withholdStream = streamKey("withhold")
	sampleStream   = streamKey("sample")
	classStream    = streamKey("class")
	nodeStream     = streamKey("node")
)

// mix is splitmix64's finalizer: it spreads consecutive indices (validator
// or node ids) over the whole 64-bit range, so that the streams of
// neighbours are unrelated.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// indexSeed returns the second PCG seed of item i (a validator, a node) of
// a stream.
func indexSeed(stream, i uint64) uint64 { return mix(stream ^ mix(i)) }

// newRand returns a generator for (seed, stream, i).
func newRand(seed, stream, i uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, indexSeed(stream, i)))
}

// unit returns a number of [0, 1) that depends only on (seed, stream, i):
// a hash, not a draw from a stream, so that it costs no generator.
func unit(seed, stream, i uint64) float64 {
	return float64(mix(seed^mix(indexSeed(stream, i)))>>11) / (1 << 53)
}
