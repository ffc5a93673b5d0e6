package dht

import (
	"errors"
	"fmt"

	"github.com/go-dht/go-dht/network"
)

// Sentinel errors of the package, wrapped with context and matched with
// errors.Is.
var (
	// ErrInvalidConfig is wrapped by every configuration error (a
	// *network.ConfigError, found with errors.As).
	ErrInvalidConfig = network.ErrInvalidConfig
	// ErrUnknownNode is returned for a node id that is not in the network.
	ErrUnknownNode = errors.New("dht: unknown node")
	// ErrNotStored is returned when a client does not hold a key.
	ErrNotStored = errors.New("dht: key not stored")
	// ErrNotBootstrapped is returned for an operation from a node that has
	// no routing table yet: it would ask no one and report nothing.
	ErrNotBootstrapped = errors.New("dht: node has no routing table (call BootstrapAll, or Bootstrap on the node)")
	// ErrTimeOverflow is returned by a run whose simulated time went past
	// clock.MaxTime: its figures would be wrong.
	ErrTimeOverflow = errors.New("dht: simulated time overflow")
	// ErrPastStart is returned when an operation is scheduled before the
	// current time of its run.
	ErrPastStart = errors.New("dht: start time is in the run's past")
	// ErrZeroValue is returned by the methods of a zero DHTNetwork or
	// Client: networks come from New, Spawn or Derive, clients from
	// DHTNetwork.Client or AddNode.
	ErrZeroValue = errors.New("dht: zero value: build a network with New, Spawn or Derive, and take clients from it")
	// ErrOffline is returned for an operation from a node that is offline
	// when it would start (churn, a departure, a join to come): an offline
	// node does nothing.
	ErrOffline = errors.New("dht: node is offline")
	// ErrNoStores is returned for a provide under a profile whose protocol
	// stores nothing (discv5, a discovery protocol).
	ErrNoStores = errors.New("dht: this protocol stores no values (a discovery protocol: look up nodes instead)")
)

func unknownNode(id uint32, n int) error {
	return fmt.Errorf("%w: id %d, the network has ids 0..%d", ErrUnknownNode, id, n-1)
}
