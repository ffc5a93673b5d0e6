package dht

import (
	"time"

	"github.com/go-dht/go-dht/routing"
)

// Health is the state of one node's routing table at a simulated time, as
// field studies measure it (e.g. ProbeLab's RFM 19): how much of the table
// still answers, and how much of the neighbourhood it should know it does.
type Health struct {
	// Peers is the size of the table.
	Peers int
	// Online is the share of the table's peers online at the time (NaN
	// for an empty table).
	Online float64
	// Closest is the share of the node's true K closest online nodes that
	// its table holds.
	Closest float64
}

// TableHealth measures node id's routing table at simulated time at.
func (n *DHTNetwork) TableHealth(id uint32, at time.Duration) (Health, error) {
	c, err := n.Client(id)
	if err != nil {
		return Health{}, err
	}
	peers := c.RoutingPeers()
	h := Health{Peers: len(peers)}
	in := make(map[uint32]bool, len(peers))
	on := 0
	for _, p := range peers {
		in[p.ID] = true
		if n.links.Online(p.ID, at) {
			on++
		}
	}
	h.Online = float64(on) / float64(len(peers))
	// The true K closest online nodes: walk the ground truth outwards,
	// skipping the node itself and the nodes offline at the time.
	k := n.cfg.Client.K
	want := min(k, n.Len()-1)
	var truth []routing.Peer
	for ask := 2 * (k + 1); len(truth) < want; ask *= 2 {
		truth = truth[:0]
		for _, p := range n.ClosestNodes(c.key, min(ask, n.Len())) {
			if p.ID != id && n.links.Online(p.ID, at) {
				if truth = append(truth, p); len(truth) == want {
					break
				}
			}
		}
		if ask >= n.Len() {
			break
		}
	}
	known := 0
	for _, p := range truth {
		if in[p.ID] {
			known++
		}
	}
	h.Closest = 1
	if len(truth) > 0 {
		h.Closest = float64(known) / float64(len(truth))
	}
	return h, nil
}
