package study_test

import (
	"errors"
	"fmt"

	"github.com/go-dht/go-dht/benchmarks/study"
)

func ExampleParse() {
	_, err := study.Parse("sweep.yaml", []byte(`
nodes: 2000
alfa: [1, 3]
k: [20, 10]
beta: 15
fast_error_rate: [0, 60]
slow_error_rate: 50
`))
	fmt.Println(err)

	// Callers inspect the errors through their fields and classes.
	var errs study.Errors
	if errors.As(err, &errs) {
		fmt.Println(len(errs), "errors; unknown keys:", errors.Is(err, study.ErrUnknownKey))
	}

	// Output:
	// sweep.yaml:3:1: alfa: unknown key; allowed one of name, profile, nodes, k, alpha, beta, steps, termination, fast_error_rate, slow_error_rate, conn_delay, fast_delay, slow_delay, gamma, seed, repeats, latency, churn, leave_rate, transport, connections, reach, upload, download, header_bytes, key_bytes, peer_record_bytes, policy, tables, fill, grow_peers, grow_interval, refresh, fail_limit, joins, join_peers, republish, workload (did you mean alpha?)
	// sweep.yaml:5:7: beta = 15: out of range; allowed 1..K (10), or 0 for k (in combination c0002_k=10_fast_error_rate=0_seed=1)
	// sweep.yaml:6:22: fast_error_rate/slow_error_rate = 60 + 50 = 110: out of range; allowed at most 100 (one draw decides the outcome; the py-dht profile draws them apart)
	// 3 errors; unknown keys: true
}

func ExampleStudy_Combinations() {
	s, err := study.Parse("alpha-sweep.yaml", []byte(`
nodes: 2000
alpha: [1, 3]
conn_delay: [10ms-50ms, 50ms-150ms]
seed: 7
repeats: 2
workload:
  samples: 20
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Name, s.Len(), "combinations")
	for _, c := range s.Combinations() {
		fmt.Println(c.Name, c.Params.Config.Client.Alpha, c.Params.Config.Network.ConnDelay, c.Params.Config.Network.Seed, c.NetworkKey())
	}

	// Output:
	// alpha-sweep 8 combinations
	// c0000_alpha=1_conn_delay=10ms-50ms_seed=7 1 10ms-50ms 7 nodes=2000,k=20,seed=7,policy=oldest,fill=random,tables=eager
	// c0001_alpha=1_conn_delay=10ms-50ms_seed=8 1 10ms-50ms 8 nodes=2000,k=20,seed=8,policy=oldest,fill=random,tables=eager
	// c0002_alpha=1_conn_delay=50ms-150ms_seed=7 1 50ms-150ms 7 nodes=2000,k=20,seed=7,policy=oldest,fill=random,tables=eager
	// c0003_alpha=1_conn_delay=50ms-150ms_seed=8 1 50ms-150ms 8 nodes=2000,k=20,seed=8,policy=oldest,fill=random,tables=eager
	// c0004_alpha=3_conn_delay=10ms-50ms_seed=7 3 10ms-50ms 7 nodes=2000,k=20,seed=7,policy=oldest,fill=random,tables=eager
	// c0005_alpha=3_conn_delay=10ms-50ms_seed=8 3 10ms-50ms 8 nodes=2000,k=20,seed=8,policy=oldest,fill=random,tables=eager
	// c0006_alpha=3_conn_delay=50ms-150ms_seed=7 3 50ms-150ms 7 nodes=2000,k=20,seed=7,policy=oldest,fill=random,tables=eager
	// c0007_alpha=3_conn_delay=50ms-150ms_seed=8 3 50ms-150ms 8 nodes=2000,k=20,seed=8,policy=oldest,fill=random,tables=eager
}

func ExampleCombination_ParamsYAML() {
	s, _ := study.Parse("one.yaml", []byte("profile: pydht\ngamma: 125us\nworkload: {type: slot, rows: 64, cols: 64}\n"))
	fmt.Printf("%s", s.Combination(0).ParamsYAML())

	// Output:
	// name: one
	// profile: pydht
	// nodes: 10000
	// k: 20
	// alpha: 3
	// beta: 20
	// steps: 3
	// termination: pydht
	// fast_error_rate: 0
	// slow_error_rate: 0
	// conn_delay: 50ms-100ms
	// fast_delay: 10ms
	// slow_delay: 1s
	// gamma: 125µs
	// seed: 1
	// repeats: 1
	// latency: uniform
	// churn: none
	// leave_rate: 0
	// transport: none
	// connections: 0
	// reach: none
	// upload: unlimited
	// download: unlimited
	// header_bytes: 64
	// key_bytes: 32
	// peer_record_bytes: 100
	// policy: closest
	// tables: auto
	// fill: closest
	// grow_peers: 4
	// grow_interval: 1s
	// refresh: 0s
	// fail_limit: 0
	// joins: 0
	// join_peers: 3
	// republish: 0s
	// workload:
	//   type: slot
	//   rows: 64
	//   cols: 64
	//   provides_in_flight: 64
	//   validators: 10000
	//   samples: 73
	//   segment_size: 512
	//   deadline: 4s
	//   sample_start: provided
	//   provided_share: 0
	//   sample_timeout: 0s
	//   withholding: none
	//   withheld_share: 0
	//   threshold: 0.9
	//   classes: none
	//   builder_upload: unlimited
	//   builder_download: unlimited
}

func ExampleShardFromEnv() {
	// In a SLURM job array started with --array=1-4, task 3 runs shard
	// 2 of 4: the combinations whose index is 2 modulo 4.
	env := map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"}
	i, n, ok, err := study.ShardFromEnv(func(k string) string { return env[k] })
	fmt.Println(i, n, ok, err)
	s, _ := study.Parse("s.yaml", []byte("alpha: [1, 2, 3, 4, 5]\nrepeats: 2\n"))
	for _, c := range s.Shard(i, n) {
		fmt.Println(c.Name)
	}

	// Output:
	// 2 4 true <nil>
	// c0002_alpha=2_seed=1
	// c0006_alpha=4_seed=1
}
