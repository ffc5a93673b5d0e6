package dht

import (
	"errors"
	"fmt"
)

// Sentinel errors of the package, wrapped with context and matched with
// errors.Is.
var (
	// ErrInvalidConfig is wrapped by every configuration error.
	ErrInvalidConfig = errors.New("dht: invalid configuration")
	// ErrUnknownNode is returned for a node id that is not in the network.
	ErrUnknownNode = errors.New("dht: unknown node")
	// ErrNotStored is returned when a client does not hold a key.
	ErrNotStored = errors.New("dht: key not stored")
)

func invalid(field string, format string, args ...any) error {
	return fmt.Errorf("%w: %s %s", ErrInvalidConfig, field, fmt.Sprintf(format, args...))
}

func unknownNode(id uint32, n int) error {
	return fmt.Errorf("%w: id %d, the network has ids 0..%d", ErrUnknownNode, id, n-1)
}
