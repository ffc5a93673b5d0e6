package benchmarks

import (
	"testing"

	"github.com/go-dht/go-dht/hashes"
)

// A hash operation takes nanoseconds, too little to time alone, so a round
// of a hashes benchmark is a batch of hashBatch operations; ns/op is per
// round and the per-operation figure is reported as ns/hash, ns/distance,
// ns/prefix.
const hashBatch = 100_000

// segmentBatch is the number of segments a round of BenchmarkHashSegmentKey
// hashes.
const segmentBatch = 10_000

// hashSink keeps the results of the hashes benchmarks alive.
var hashSink uint64

// hashResult registers a batched benchmark of the hashes group.
func hashResult(bench, name string, batch int) *Result {
	p := env.p
	r := env.s.Result(Spec{Bench: bench, Group: "hashes", Name: name}, p.With(p.Config.Nodes, 1))
	r.BatchOps = batch
	return r
}

// randomKeys draws n keys from the seed.
func randomKeys(seed uint64, stream string, n int) []hashes.Key {
	rng := RoundRand(seed, stream, 0)
	keys := make([]hashes.Key, n)
	for i := range keys {
		keys[i] = hashes.Key(rng.Uint64())
	}
	return keys
}

// BenchmarkHashCreation derives node keys (hashes.NodeKey: xxh3 of the id,
// seeded by the network's seed), as Spawn does for every node; each round
// hashes a new range of ids.
func BenchmarkHashCreation(b *testing.B) {
	seed := env.p.Config.Network.Seed
	r := hashResult("BenchmarkHashCreation", "hash_creation", hashBatch)
	runRounds(b, r, roundFuncs{task: func(round int) error {
		base := uint32(round * hashBatch)
		var acc hashes.Key
		for i := range uint32(hashBatch) {
			acc ^= hashes.NodeKey(seed, base+i)
		}
		hashSink += uint64(acc)
		return nil
	}})
	reportPerOp(b, "ns/hash", hashBatch)
}

// BenchmarkHashSegmentKey hashes segments of -segment-size bytes
// (hashes.SegmentKey), as every provide does; MB/s is the hashing speed.
func BenchmarkHashSegmentKey(b *testing.B) {
	p := env.p
	r := hashResult("BenchmarkHashSegmentKey", "segment_key", segmentBatch)
	segs := PlanSegments(RoundRand(p.Config.Network.Seed, "segment_key", 0), segmentBatch, p.Bench.SegmentSize)
	b.SetBytes(int64(segmentBatch * p.Bench.SegmentSize))
	runRounds(b, r, roundFuncs{task: func(int) error {
		var acc hashes.Key
		for _, s := range segs {
			acc ^= hashes.SegmentKey(s)
		}
		hashSink += uint64(acc)
		return nil
	}})
	reportPerOp(b, "ns/segment", segmentBatch)
}

// BenchmarkHashDistance computes XOR distances between random keys.
func BenchmarkHashDistance(b *testing.B) {
	keys := randomKeys(env.p.Config.Network.Seed, "hash_distance", hashBatch+1)
	r := hashResult("BenchmarkHashDistance", "distance_between_hashes", hashBatch)
	runRounds(b, r, roundFuncs{task: func(int) error {
		var acc uint64
		for i := range hashBatch {
			acc += hashes.Distance(keys[i], keys[i+1])
		}
		hashSink += acc
		return nil
	}})
	reportPerOp(b, "ns/distance", hashBatch)
}

// BenchmarkHashSharedBits computes the common prefix length (the bucket
// index) of random keys.
func BenchmarkHashSharedBits(b *testing.B) {
	keys := randomKeys(env.p.Config.Network.Seed, "hash_shared_bits", hashBatch+1)
	r := hashResult("BenchmarkHashSharedBits", "shared_bits_between_hashes", hashBatch)
	runRounds(b, r, roundFuncs{task: func(int) error {
		acc := 0
		for i := range hashBatch {
			acc += hashes.CommonPrefixLen(keys[i], keys[i+1])
		}
		hashSink += uint64(acc)
		return nil
	}})
	reportPerOp(b, "ns/prefix", hashBatch)
}
