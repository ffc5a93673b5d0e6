package clock_test

import (
	"fmt"
	"time"

	"github.com/go-dht/go-dht/network/clock"
)

// Events are values; those at the same time leave in the order they were
// scheduled.
func ExampleQueue() {
	var q clock.Queue[string]
	q.Push(100*time.Millisecond, "answer from peer 7")
	q.Push(20*time.Millisecond, "peer 3 refused")
	q.Push(100*time.Millisecond, "answer from peer 9")
	for q.Len() > 0 {
		at, ev := q.Pop()
		fmt.Println(at, ev)
	}
	// Output:
	// 20ms peer 3 refused
	// 100ms answer from peer 7
	// 100ms answer from peer 9
}
