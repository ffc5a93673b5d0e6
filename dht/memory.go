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
// and the sorted index (20 bytes a node, a radix table of 4 bytes per
// slot), and, with eager tables, every table (about k x log2(N/k) peers of
// 4 bytes, a header of 88 bytes).
func estimateBytes(cfg Config) uint64 {
	n := uint64(cfg.Nodes)
	est := n*20 + 4<<min(28, bits.Len64(n))
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

// checkMemory refuses a network whose estimate exceeds 90 % of the
// machine's memory (where it can be read): cfg must be Effective.
func checkMemory(cfg Config) error {
	total := memTotal()
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
