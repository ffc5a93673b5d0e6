package dht

import (
	"fmt"
	"slices"

	"github.com/go-dht/go-dht/hashes"
	"github.com/go-dht/go-dht/routing"
)

// Client is one node of a DHTNetwork: a handle on its id and key. The
// node's table and store live in the network (see nodes.go), so a million
// nodes cost no million Clients. It is safe for concurrent use.
type Client struct {
	id  uint32
	key hashes.Key
	net *DHTNetwork
}

// ID returns the client's node id.
func (c *Client) ID() uint32 { return c.id }

// Key returns the client's key.
func (c *Client) Key() hashes.Key { return c.key }

// Peer returns the client as a routing table sees it.
func (c *Client) Peer() routing.Peer { return routing.Peer{ID: c.id, Key: c.key} }

// Bootstrap gives the client a table of its own among every node of the
// network now, under the network's fill (a grown network's newcomers get
// the random fill's table; Run.Maintain's joins are how a node joins a
// grown network by itself).
func (c *Client) Bootstrap() error {
	if err := c.usable(); err != nil {
		return err
	}
	t, err := c.net.index().FilledTable(c.id, c.key, c.net.cfg.Client.K, c.net.routingFill(), c.net.space)
	if err != nil {
		return err
	}
	st := c.net.nodes.getOrCreate(c.id)
	st.mu.Lock()
	st.table = t
	st.mu.Unlock()
	return nil
}

// AddPeer offers a peer to the routing table, under the network's
// replacement policy (Config.Client.Policy), and reports whether the
// table's members changed. The first change gives the node a table of its
// own, a copy of its optimal table (or an empty one when it has none).
func (c *Client) AddPeer(id uint32) (bool, error) {
	if err := c.usable(); err != nil {
		return false, err
	}
	if !c.net.known(id) {
		return false, unknownNode(id, c.net.Len())
	}
	st := c.net.nodes.getOrCreate(c.id)
	st.mu.Lock()
	defer st.mu.Unlock()
	t, err := c.net.ownTable(c.id, st)
	if err != nil {
		return false, err
	}
	return t.Add(id), nil
}

// Bootstrapped reports whether the client has a routing table.
func (c *Client) Bootstrapped() bool { return c.usable() == nil && c.net.bootstrapped(c.id) }

// readTable calls f with the client's routing table (nil when it has none).
func (c *Client) readTable(f func(t *routing.Table)) {
	st := c.net.nodes.get(c.id)
	if st != nil {
		st.mu.RLock()
		defer st.mu.RUnlock()
	}
	f(c.net.tableOf(c.id, st))
}

// Closest returns the n peers of the routing table nearest to key.
func (c *Client) Closest(key hashes.Key, n int) []routing.Peer {
	dst, _, _ := c.net.findClosest(routing.Peer{ID: c.id, Key: c.key}, key, n, nil)
	return dst
}

// RoutingPeers returns every peer of the routing table, bucket by bucket.
func (c *Client) RoutingPeers() (peers []routing.Peer) {
	c.readTable(func(t *routing.Table) { peers = t.Peers() })
	return peers
}

// RoutingSummary describes the routing table bucket by bucket, e.g.
// "b0:20 b1:20 b2:17".
func (c *Client) RoutingSummary() (s string) {
	c.readTable(func(t *routing.Table) { s = t.Summary() })
	return s
}

// RoutingLen returns the number of peers in the routing table.
func (c *Client) RoutingLen() (n int) {
	c.readTable(func(t *routing.Table) { n = t.Len() })
	return n
}

// Store keeps a copy of segment in the local store under its key and
// returns the key. The caller may reuse segment afterwards.
func (c *Client) Store(segment []byte) hashes.Key {
	key := hashes.SegmentKey(segment)
	if c.usable() == nil {
		c.net.keep(c.id, key, slices.Clone(segment))
	}
	return key
}

// usable reports ErrZeroValue for a Client that no network gave.
func (c *Client) usable() error {
	if c == nil || c.net.usable() != nil {
		return ErrZeroValue
	}
	return nil
}

// Retrieve returns a copy of the segment stored locally under key.
func (c *Client) Retrieve(key hashes.Key) ([]byte, error) {
	if err := c.usable(); err != nil {
		return nil, err
	}
	if v, ok := c.net.value(c.id, key); ok {
		return slices.Clone(v), nil
	}
	return nil, fmt.Errorf("%w: node %d holds no value for %s", ErrNotStored, c.id, key)
}
