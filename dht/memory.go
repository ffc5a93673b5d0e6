package dht

import (
	"bufio"
	"fmt"
	"math/bits"
	"os"
	"strconv"
	"strings"
)

// Memory a network needs, estimated before any work so that a network too
// big for the machine is an error that says so, not a crash.

// estimateBytes returns the heap a network of cfg needs once built: keys
// and the sorted index (27 bytes a node, as BenchmarkNetworkScaling
// measures on demand at 10^7 and 10^8 nodes: 8 of key, 8 + 4 in the index,
// the radix table and the allocator's slack), and, with eager tables,
// every table (about k x log2(N/k) peers of 4 bytes, a header of 88
// bytes).
func estimateBytes(cfg Config) uint64 {
	n := uint64(cfg.Nodes)
	est := n*27 + 4<<min(28, bits.Len64(n))
	if cfg.Tables == TablesEager {
		k := uint64(cfg.Client.K)
		depth := uint64(bits.Len64(max(1, n/k))) + 1
		est += n * (88 + 4*k*depth)
	}
	return est
}

// memTotal returns the machine's memory from /proc/meminfo, or 0 where it
// cannot be read.
func memTotal() uint64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// cgroupLimit returns the memory limit of the process's cgroup (v2's
// memory.max, or v1's memory.limit_in_bytes), or 0 when there is none or
// it cannot be read: a container or a Slurm job (which confines its
// processes to a cgroup) may have far less than the machine.
func cgroupLimit() uint64 {
	for _, path := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		v, err := strconv.ParseUint(strings.TrimSpace(string(data)), 10, 64)
		if err == nil && v > 0 && v < 1<<60 { // "max" and v1's huge "unlimited" fail or exceed
			return v
		}
	}
	return 0
}

// memAvailable returns the memory the process may use: the machine's,
// bounded by its cgroup's limit; 0 when neither can be read.
func memAvailable() uint64 {
	total := memTotal()
	if c := cgroupLimit(); c > 0 && (total == 0 || c < total) {
		return c
	}
	return total
}

// MemoryAvailable returns the memory the process may use, in bytes: the
// machine's (/proc/meminfo), bounded by its cgroup's limit (a container's
// or a Slurm job's); 0 when neither can be read. Workloads that hold much
// in flight (a DAS slot) check their own needs against it.
func MemoryAvailable() uint64 { return memAvailable() }

// checkMemory refuses a network whose estimate exceeds 90 % of the memory
// the process may use (the machine's, or its cgroup's limit: a container's
// or a Slurm job's), where it can be read: cfg must be Effective. It
// checks one network: a caller building several at once (a study runs
// combinations in parallel, sharing the networks they can) has to leave
// room for the others.
func checkMemory(cfg Config) error {
	total := memAvailable()
	need := estimateBytes(cfg)
	if total == 0 || need <= total/10*9 {
		return nil
	}
	hint := ""
	if cfg.Tables == TablesEager {
		hint = "; tables on demand (Tables: TablesOnDemand) need about " +
			gib(estimateBytes(Config{Nodes: cfg.Nodes, Client: cfg.Client, Tables: TablesOnDemand}))
	}
	return invalid("Nodes", cfg.Nodes, "a network that fits this machine: %d nodes with %v tables need about %s, the machine has %s%s",
		cfg.Nodes, cfg.Tables, gib(need), gib(total), hint)
}

func gib(b uint64) string { return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30)) }
