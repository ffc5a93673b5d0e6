package network

import (
	"fmt"
	"slices"
	"sync"
)

// Transport is how two nodes set up a connection before the first request
// between them; a request over an open connection costs one round trip.
// The set-up costs round trips of the pair's delay, counted from the
// implementations (see SetupRoundTrips).
type Transport uint8

// The transports.
const (
	// TransportNone charges no set-up: every request is one round trip
	// (go-dht's model before connections, and py-dht's).
	TransportNone Transport = iota
	// TransportTCP is libp2p over TCP: the TCP handshake, multistream-
	// select of the security protocol, the Noise XX handshake (the muxer
	// is chosen inside it), and identify, which go-libp2p waits for
	// before the first stream: 4 round trips, then the request.
	TransportTCP
	// TransportQUIC is libp2p over QUIC: the QUIC (TLS 1.3) handshake and
	// identify: 2 round trips, then the request.
	TransportQUIC
	// TransportUDPSession is discv5's: a first packet to a node without a
	// session is answered by WHOAREYOU, and the request is sent again with
	// the handshake: 1 round trip, then the request.
	TransportUDPSession
)

var transportNames = [...]string{TransportNone: "none", TransportTCP: "tcp", TransportQUIC: "quic", TransportUDPSession: "udp-session"}

// setupRTTs are the set-up round trips of each transport.
var setupRTTs = [...]int{TransportNone: 0, TransportTCP: 4, TransportQUIC: 2, TransportUDPSession: 1}

// String returns the transport's name, as ParseTransport reads it.
func (t Transport) String() string {
	if int(t) < len(transportNames) {
		return transportNames[t]
	}
	return fmt.Sprintf("Transport(%d)", uint8(t))
}

// SetupRoundTrips returns the round trips a first contact costs before its
// request.
func (t Transport) SetupRoundTrips() int {
	if int(t) < len(setupRTTs) {
		return setupRTTs[t]
	}
	return 0
}

// ParseTransport reads a transport's name: none, tcp, quic or udp-session.
func ParseTransport(s string) (Transport, error) {
	for t, name := range transportNames {
		if s == name {
			return Transport(t), nil
		}
	}
	return 0, fmt.Errorf("transport %q: allowed none, tcp, quic, udp-session", s)
}

// MaxConnections bounds Config.Connections.
const MaxConnections = 1 << 20

// conns holds the open connections of every node: for each node that has
// one, the peers it is connected to and when each connection was last
// used. A connection is one entry in each of its two nodes' sets. When a
// node with Config.Connections open connections opens another, it closes
// its least recently used one, in both sets (kubo's connection manager
// trims the least valuable connections above its high water mark; least
// recently used is the simulator's measure of value).
type conns struct {
	mu    sync.Mutex // guards the fields below
	limit int        // 0: no bound
	sets  map[uint32]*connSet
	tick  uint64 // counts uses: the order of recency
}

// connSet is one node's open connections.
type connSet struct {
	peers []uint32
	used  []uint64
}

// use reports whether a and b are connected, and makes the connection the
// most recently used of both; when they are not, it opens it (closing the
// least recently used connection of a node at its limit) and reports
// false: the caller pays the set-up.
func (c *conns) use(a, b uint32) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tick++
	if c.sets == nil {
		c.sets = map[uint32]*connSet{}
	}
	sa := c.set(a)
	if i := slices.Index(sa.peers, b); i >= 0 {
		sa.used[i] = c.tick
		sb := c.set(b)
		sb.used[slices.Index(sb.peers, a)] = c.tick
		return true
	}
	c.open(a, b)
	c.open(b, a)
	return false
}

func (c *conns) set(id uint32) *connSet {
	s := c.sets[id]
	if s == nil {
		s = &connSet{}
		c.sets[id] = s
	}
	return s
}

// open adds peer to id's set, closing id's least recently used connection
// first when it is at its limit.
func (c *conns) open(id, peer uint32) {
	s := c.set(id)
	if c.limit > 0 && len(s.peers) >= c.limit {
		old := 0
		for i, u := range s.used {
			if u < s.used[old] {
				old = i
			}
		}
		gone := s.peers[old]
		s.remove(old)
		if o := c.sets[gone]; o != nil {
			if j := slices.Index(o.peers, id); j >= 0 {
				o.remove(j)
			}
		}
	}
	s.peers = append(s.peers, peer)
	s.used = append(s.used, c.tick)
}

func (s *connSet) remove(i int) {
	last := len(s.peers) - 1
	s.peers[i], s.used[i] = s.peers[last], s.used[last]
	s.peers, s.used = s.peers[:last], s.used[:last]
}

// connected reports whether a and b have an open connection, without
// using it.
func (c *conns) connected(a, b uint32) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.sets[a]
	return s != nil && slices.Contains(s.peers, b)
}
