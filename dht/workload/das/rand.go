package das

import "github.com/go-dht/go-dht/hashes"

// streamKey names a stream of draws, in the style of dht/workload's rng:
// the hash of "das/"+name, so that the draws of one part (withholding,
// samples, node classes) never shift those of another.
func streamKey(name string) uint64 { return uint64(hashes.SegmentKeyString("das/" + name)) }

// Stream keys, computed once.
var (
	withholdStream = streamKey("withhold")
	sampleStream   = streamKey("sample")
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
