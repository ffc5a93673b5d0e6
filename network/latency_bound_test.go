package network_test

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/network/latency"
)

// runaway is a latency model of one's own that draws delays far beyond any
// bound, as a buggy Model could.
type runaway struct{ latency.Uniform }

func (runaway) Name() string { return "runaway" }

func (runaway) Delay(*rand.Rand, uint32, uint32) time.Duration { return 1000 * time.Hour }

// TestLatencyDelayBounded checks that a connection delay drawn from a
// latency model obeys the bound every connection delay obeys: a model's RTT
// bound is twice MaxDelay, a Uniform model above MaxDelay is refused by
// Validate, and a delay from a model of one's own is clipped to MaxDelay.
func TestLatencyDelayBounded(t *testing.T) {
	if latency.MaxRTT != 2*network.MaxDelay {
		t.Fatalf("latency.MaxRTT = %v, want 2 x network.MaxDelay = %v", latency.MaxRTT, 2*network.MaxDelay)
	}
	cfg := network.Config{Latency: latency.Uniform{Min: time.Millisecond, Max: 2 * network.MaxDelay}}
	var ce *network.ConfigError
	if err := cfg.Validate(); !errors.As(err, &ce) || ce.Field != "Latency" {
		t.Errorf("Validate of a uniform model up to 2h = %v, want a *ConfigError on Latency", err)
	}
	net := newNetwork(t, network.Config{Latency: runaway{}}, 4)
	if a := newOp(t, net, 1).Draw(0, 1, 0); a.Base != network.MaxDelay {
		t.Errorf("delay of a model drawing 1000h = %v, want it clipped to %v", a.Base, network.MaxDelay)
	}
}
