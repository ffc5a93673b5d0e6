package dht

import (
	"fmt"
	"slices"
	"sync"

	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/routing"
)

// Client is one node of a DHTNetwork. It is safe for concurrent use.
type Client struct {
	id  uint32
	key hashes.Key
	net *DHTNetwork

	mu    sync.RWMutex // guards table and store
	table *routing.Table
	// store holds values by key. A value is never modified once stored:
	// several nodes may hold the same slice (the copies of one provide),
	// and every value handed to a caller is a copy, so that nothing a
	// caller does changes what a node holds.
	store map[hashes.Key][]byte
}

// ID returns the client's node id.
func (c *Client) ID() uint32 { return c.id }

// Key returns the client's key.
func (c *Client) Key() hashes.Key { return c.key }

// Peer returns the client as a routing table sees it.
func (c *Client) Peer() routing.Peer { return routing.Peer{ID: c.id, Key: c.key} }

// Bootstrap fills the routing table from the network: it becomes the
// optimal table of the client's key among every node of the network.
func (c *Client) Bootstrap() error {
	t, err := c.net.index().OptimalTable(c.id, c.key, c.net.cfg.Client.K, c.net.space)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.table = t
	c.mu.Unlock()
	return nil
}

// AddPeer offers a peer to the routing table (the reference's "closest"
// replacement policy) and reports whether the table changed. A client that
// had no table gets an empty one first.
func (c *Client) AddPeer(id uint32) (bool, error) {
	if uint(id) >= uint(c.net.Len()) {
		return false, unknownNode(id, c.net.Len())
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.table == nil {
		t, err := routing.NewTable(c.id, c.key, c.net.cfg.Client.K, c.net.space)
		if err != nil {
			return false, err
		}
		c.table = t
	}
	return c.table.Add(id), nil
}

// Bootstrapped reports whether the client has a routing table.
func (c *Client) Bootstrapped() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.table != nil
}

// Closest returns the n peers of the routing table nearest to key.
func (c *Client) Closest(key hashes.Key, n int) []routing.Peer {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.table.Closest(key, n)
}

// RoutingPeers returns every peer of the routing table, bucket by bucket.
func (c *Client) RoutingPeers() []routing.Peer {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.table.Peers()
}

// RoutingSummary describes the routing table bucket by bucket, e.g.
// "b0:20 b1:20 b2:17".
func (c *Client) RoutingSummary() string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.table.Summary()
}

// RoutingLen returns the number of peers in the routing table.
func (c *Client) RoutingLen() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.table.Len()
}

// Store keeps a copy of segment in the local store under its key and
// returns the key. The caller may reuse segment afterwards.
func (c *Client) Store(segment []byte) hashes.Key {
	key := hashes.SegmentKey(segment)
	c.keep(key, slices.Clone(segment))
	return key
}

// Retrieve returns a copy of the segment stored locally under key.
func (c *Client) Retrieve(key hashes.Key) ([]byte, error) {
	if v, ok := c.value(key); ok {
		return slices.Clone(v), nil
	}
	return nil, fmt.Errorf("%w: node %d holds no value for %s", ErrNotStored, c.id, key)
}

// keep stores value, which nobody will modify, under key.
func (c *Client) keep(key hashes.Key, value []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.store == nil {
		c.store = map[hashes.Key][]byte{}
	}
	c.store[key] = value
}

// value returns the stored value of key (the node's own: do not modify).
func (c *Client) value(key hashes.Key) ([]byte, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.store[key]
	return v, ok
}

// findClosest serves a find-closest request: the n peers of the routing
// table nearest to key, appended to dst, and the value stored under key.
func (c *Client) findClosest(key hashes.Key, n int, dst []routing.Peer) ([]routing.Peer, []byte, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	dst = c.table.AppendClosest(dst, key, n)
	v, ok := c.store[key]
	return dst, v, ok
}
