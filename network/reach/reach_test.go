package reach_test

import (
	"math"
	"testing"
	"time"

	"github.com/go-dht/go-dht/network/reach"
)

// At 100,000 nodes the classes' shares are the model's within 1 point, and
// a node's class depends only on the seed and its id.
func TestClassSharesFollowTheModel(t *testing.T) {
	m := reach.Model{Undialable: 0.26, Flaky: 0.1, Answer: 0.5, DialTimeout: 5 * time.Second}
	c := reach.NewClassifier(m, 42)
	const n = 100_000
	var counts [3]int
	for id := range uint32(n) {
		counts[c.Class(id)]++
		if c.Class(id) != reach.NewClassifier(m, 42).Class(id) {
			t.Fatalf("node %d: class changes", id)
		}
	}
	for class, want := range map[reach.Class]float64{reach.Undialable: 0.26, reach.Flaky: 0.1, reach.Dialable: 0.64} {
		if got := float64(counts[class]) / n; math.Abs(got-want) > 0.01 {
			t.Errorf("%v: %.4f of the nodes, want %.2f", class, got, want)
		}
	}
	if reach.NewClassifier(reach.Model{}, 1).Class(3) != reach.Dialable {
		t.Error("the zero model has an undialable node")
	}
}

// Specs read back as themselves; bad specs name what is wrong.
func TestParse(t *testing.T) {
	for _, spec := range []string{"none", "ipfs", "ipfs-2023", "discv5", "undialable:0.2,timeout:5s", "undialable:0.1,flaky:0.2,answer:0.5,timeout:1s"} {
		m, err := reach.Parse(spec)
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		back, err := reach.Parse(m.String())
		if err != nil || back != m {
			t.Errorf("%s: String %q reads back as %+v, %v", spec, m.String(), back, err)
		}
	}
	for _, bad := range []string{"", "ipfs2", "undialable:0.2", "undialable:2,timeout:1s", "undialable:0.6,flaky:0.6,answer:0.5,timeout:1s",
		"flaky:0.2,timeout:1s", "undialable:0.2,timeout:-1s", "undialable:0.2,timeout:2h", "undialable:x,timeout:1s", "color:red"} {
		if _, err := reach.Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}
