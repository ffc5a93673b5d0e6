package benchmarks

import (
	"encoding/binary"
	"math/rand/v2"
	"strconv"

	"github.com/go-dht/go-dht/dht"
	"github.com/go-dht/go-dht/hashes"
)

// The workload of a round is drawn before the round from a generator that
// depends on the seed, the benchmark's stream name and the round index
// only, and every operation gets an explicit id. So one seed gives the same
// operations, the same link draws and the same CSVs whatever the number of
// workers, the scheduling, or how many rounds ran before.

// RoundRand returns the generator of round round of stream.
func RoundRand(seed uint64, stream string, round int) *rand.Rand {
	mix := hashes.SegmentKeyString(stream + "/" + strconv.Itoa(round))
	return rand.New(rand.NewPCG(seed, uint64(mix)))
}

// LookupTask is one planned lookup.
type LookupTask struct {
	Op     uint64
	Origin uint32
	Key    hashes.Key
}

// PlanLookups draws count lookups from random origins among n nodes. With
// targets, each looks up one of them at random; otherwise a random key.
// Operation ids are firstOp, firstOp+1, ...
func PlanLookups(rng *rand.Rand, n, count int, targets []hashes.Key, firstOp uint64) []LookupTask {
	tasks := make([]LookupTask, count)
	for i := range tasks {
		t := LookupTask{Op: firstOp + uint64(i), Origin: uint32(rng.IntN(n))}
		if len(targets) > 0 {
			t.Key = targets[rng.IntN(len(targets))]
		} else {
			t.Key = hashes.Key(rng.Uint64())
		}
		tasks[i] = t
	}
	return tasks
}

// DHTTasks returns planned lookups as tasks of DHTNetwork.LookupMany, each
// with its own operation id.
func DHTTasks(planned []LookupTask) []dht.LookupTask {
	tasks := make([]dht.LookupTask, len(planned))
	for i, t := range planned {
		tasks[i] = dht.LookupTask{Origin: t.Origin, Key: t.Key, Options: dht.LookupOptions{Op: t.Op}}
	}
	return tasks
}

// PlanSegments draws count segments of size random bytes: the content, and
// so the key, of DAS cells.
func PlanSegments(rng *rand.Rand, count, size int) [][]byte {
	segs := make([][]byte, count)
	for i := range segs {
		seg := make([]byte, (size+7)/8*8)
		for j := 0; j < len(seg); j += 8 {
			binary.LittleEndian.PutUint64(seg[j:], rng.Uint64())
		}
		segs[i] = seg[:size]
	}
	return segs
}
