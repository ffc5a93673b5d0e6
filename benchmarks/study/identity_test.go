package study_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-dht/go-dht/benchmarks/study"
)

// withLatency is a study of 2 combinations that names a latency file.
const withLatency = `name: geo
nodes: 200
alpha: [1, 3]
termination: beta
latency: lat.yaml
workload:
  type: retrieval
  segments: 3
  retrievers: 3
  samples: 2
`

// TestIdentityIncludesLatencyContent checks that a study's identity (what
// a later run into the same output folder, or a merge of its shards, must
// match) includes the content of each latency file it names: after the
// file changed, a rerun into the folder and a merge are refused, naming
// the file (the review edited the file, reran, and resume mixed two
// models in one report).
func TestIdentityIncludesLatencyContent(t *testing.T) {
	dir := t.TempDir()
	lat := writeFile(t, dir, "lat.yaml", "regions: {a: 1}\nlatencies: {a: {a: 30ms}}\n")
	path := writeFile(t, dir, "geo.yaml", withLatency)
	load := func() *study.Study {
		t.Helper()
		s, err := study.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	out, shard0, shard1 := filepath.Join(dir, "out"), filepath.Join(dir, "s0"), filepath.Join(dir, "s1")
	s := load()
	for _, run := range []struct {
		out          string
		shard, count int
	}{{out, 0, 1}, {shard0, 0, 2}, {shard1, 1, 2}} {
		if _, err := study.Run(context.Background(), s, study.Options{Out: run.out, Shard: run.shard, Shards: run.count, Workers: 1}); err != nil {
			t.Fatal(err)
		}
	}
	// The same content, even rewritten, is the same study.
	if err := os.WriteFile(lat, []byte("regions: {a: 1}\nlatencies: {a: {a: 30ms}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := study.Run(context.Background(), load(), study.Options{Out: out, Workers: 1}); err != nil {
		t.Fatalf("rerun with the same latency file: %v", err)
	}
	if err := os.WriteFile(lat, []byte("regions: {a: 1}\nlatencies: {a: {a: 40ms}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := study.Run(context.Background(), load(), study.Options{Out: out, Workers: 1})
	if err == nil || !strings.Contains(err.Error(), lat) || !strings.Contains(err.Error(), "changed") {
		t.Errorf("rerun after the latency file changed: %v; want an error naming %s as changed", err, lat)
	}
	_, err = study.Merge(filepath.Join(dir, "merged"), shard0, shard1)
	if err == nil || !strings.Contains(err.Error(), lat) || !strings.Contains(err.Error(), "changed") {
		t.Errorf("merge after the latency file changed: %v; want an error naming %s as changed", err, lat)
	}
	// A folder claimed without the digest (by an older go-dht) cannot
	// vouch for the content either.
	old := filepath.Join(dir, "old")
	s = load()
	writeFile(t, old, study.StudyFile, string(s.Canonical()))
	_, err = study.Run(context.Background(), s, study.Options{Out: old, Workers: 1})
	if err == nil || !strings.Contains(err.Error(), lat) || !strings.Contains(err.Error(), "no digest") {
		t.Errorf("run into a folder claimed without digests: %v; want an error naming %s", err, lat)
	}
}
