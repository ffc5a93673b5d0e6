package study

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseShard reads a shard "i/n": shard i of n, 0 <= i < n.
func ParseShard(s string) (i, n int, err error) {
	a, b, ok := strings.Cut(s, "/")
	if !ok {
		return 0, 0, fmt.Errorf("%w %q: want i/n, such as 0/4", ErrShard, s)
	}
	i, err1 := atoi(a)
	n, err2 := atoi(b)
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("%w %q: want i/n with i and n whole numbers, such as 0/4", ErrShard, s)
	}
	if n < 1 || i >= n {
		return 0, 0, fmt.Errorf("%w %q: want 0 <= i < n", ErrShard, s)
	}
	return i, n, nil
}

// atoi reads a non-negative decimal number: digits only, no sign, so that
// "+1/ 2" is not a shard.
func atoi(s string) (int, error) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, strconv.ErrSyntax
	}
	return strconv.Atoi(s)
}

// The SLURM job-array variables ShardFromEnv reads.
const (
	EnvTaskID    = "SLURM_ARRAY_TASK_ID"
	EnvTaskCount = "SLURM_ARRAY_TASK_COUNT"
	EnvTaskMin   = "SLURM_ARRAY_TASK_MIN"
	EnvTaskStep  = "SLURM_ARRAY_TASK_STEP"
)

// ShardFromEnv finds the shard of a SLURM job-array task: i is
// (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP
// (MIN 0 and STEP 1 when unset) and n is SLURM_ARRAY_TASK_COUNT, so that
// --array=0-7, --array=1-8 and --array=0-14:2 all give shards 0/8 to 7/8.
// ok is false, with no error, outside a job array (no task id). An array
// that is not a regular range (--array=1,5,7) gives an error when a task
// maps outside 0..n-1. getenv is os.Getenv, or a map's lookup in tests.
func ShardFromEnv(getenv func(string) string) (i, n int, ok bool, err error) {
	id := getenv(EnvTaskID)
	if id == "" {
		return 0, 0, false, nil
	}
	read := func(name, def string) int {
		v := getenv(name)
		if v == "" {
			v = def
		}
		x, e := atoi(v)
		if e != nil && err == nil {
			err = fmt.Errorf("%w: %s=%q is not a whole number", ErrShard, name, v)
		}
		return x
	}
	task, count, lo, step := read(EnvTaskID, ""), read(EnvTaskCount, ""), read(EnvTaskMin, "0"), read(EnvTaskStep, "1")
	if err != nil {
		return 0, 0, false, err
	}
	if step < 1 || task < lo || (task-lo)%step != 0 {
		return 0, 0, false, fmt.Errorf("%w: task %d is not MIN %d plus a multiple of STEP %d", ErrShard, task, lo, step)
	}
	i = (task - lo) / step
	if count < 1 || i >= count {
		return 0, 0, false, fmt.Errorf("%w: task %d (MIN %d, STEP %d) is shard %d, not in 0..%d (%s=%d); use a regular array such as --array=0-%d",
			ErrShard, task, lo, step, i, count-1, EnvTaskCount, count, max(count-1, 0))
	}
	return i, count, true, nil
}

// InShard reports whether combination index belongs to shard i of n:
// index % n == i. Shards take every n-th combination, so the points of a
// sweep, whose cost often grows along an axis, spread evenly over them.
// It is false for any n < 1.
func InShard(index, i, n int) bool {
	return n >= 1 && index >= 0 && index%n == i
}
