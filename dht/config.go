package dht

import (
	"fmt"
	"runtime"
	"time"

	"github.com/go-dht/go-dht/network"
	"github.com/go-dht/go-dht/routing"
)

// ClientConfig holds the parameters every client of a network shares.
type ClientConfig struct {
	// K is the bucket size, and the number of peers a find-closest request
	// returns (1..routing.MaxK).
	K int
	// Alpha is the number of requests a lookup keeps in flight (>= 1).
	Alpha int
	// Beta is the number of closest peers a lookup returns and a provide
	// stores on (>= 1).
	Beta int
	// StepsToStop ends a lookup after this many successful responses in a
	// row brought no new peer into the Beta closest (>= 1).
	StepsToStop int
}

// Validate reports the first invalid field, naming it and its allowed range.
func (c ClientConfig) Validate() error {
	if c.K < 1 || c.K > routing.MaxK {
		return invalid("K", "= %d, allowed 1..%d", c.K, routing.MaxK)
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"Alpha", c.Alpha}, {"Beta", c.Beta}, {"StepsToStop", c.StepsToStop}} {
		if f.v < 1 {
			return invalid(f.name, "= %d, allowed >= 1", f.v)
		}
	}
	return nil
}

// Config describes a network of clients.
type Config struct {
	// Network configures the links: error rates, delays, gamma and the seed
	// of every random draw.
	Network network.Config
	// Client holds the parameters shared by every client.
	Client ClientConfig
	// Nodes is the number of clients spawned, with ids 0..Nodes-1 (>= 1).
	Nodes int
	// Workers is the number of goroutines that build routing tables (>= 1).
	Workers int
}

// DefaultConfig returns the defaults of the benchmark suite: 10,000 nodes,
// k = 20, alpha = 3, beta = k, 3 steps to stop, no errors, connections of
// 50ms-100ms, failed attempts of 10ms (fast) and 1s (slow), no gamma, seed 1,
// one worker per core.
func DefaultConfig() Config {
	return Config{
		Network: network.Config{
			Seed:      1,
			ConnDelay: network.DelayRange{Min: 50 * time.Millisecond, Max: 100 * time.Millisecond},
			FastDelay: network.Fixed(10 * time.Millisecond),
			SlowDelay: network.Fixed(time.Second),
		},
		Client:  ClientConfig{K: 20, Alpha: 3, Beta: 20, StepsToStop: 3},
		Nodes:   10000,
		Workers: runtime.GOMAXPROCS(0),
	}
}

// Validate reports the first invalid field, naming it and its allowed range.
func (c Config) Validate() error {
	if err := c.Network.Validate(); err != nil {
		return fmt.Errorf("%w: Network: %w", ErrInvalidConfig, err)
	}
	if err := c.Client.Validate(); err != nil {
		return err
	}
	if c.Nodes < 1 || c.Nodes > MaxNodes {
		return invalid("Nodes", "= %d, allowed 1..%d", c.Nodes, MaxNodes)
	}
	if c.Workers < 1 {
		return invalid("Workers", "= %d, allowed >= 1", c.Workers)
	}
	return nil
}

// MaxNodes is the largest network: node ids are 32-bit.
const MaxNodes = 1<<32 - 1
