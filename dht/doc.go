// Package dht simulates Kademlia DHT clients and the network they form.
//
// Terms:
//   - A Client is one node: an id, a key, a routing table of k-buckets and a
//     local store of segments. It serves requests from other clients (find
//     closest, store, retrieve) and runs lookups and provides.
//   - A DHTNetwork spawns clients, gives each its optimal routing table
//     (built in parallel from the sorted keys of all nodes), and connects
//     them through the simulated links of package network.
//   - A segment is an opaque byte string (for DAS, one cell of an
//     erasure-coded block); its key is the hash of its content.
//   - A lookup walks the network towards a key: it starts from the routing
//     table's closest peers, asks the closest untried peer for its own
//     closest peers, merges the answers, and stops after StepsToStop
//     successful responses in a row that brought no new peer into the Beta
//     closest, when no untried peer is left, or, if asked, at the first value.
//   - Hops: peers of the local table are at hop 1; a peer learned from a
//     peer at hop h is at hop h+1. A lookup's hops are the largest hop of a
//     peer that answered it.
//   - Simulated delay: a lookup keeps Alpha slots; each finished request
//     (connect plus request, or the failed attempt's delay) is added to the
//     least loaded slot, and the lookup takes as long as its fullest slot.
//   - A lookup's result is the Beta closest peers it saw, leaving out those
//     that failed to answer it.
//   - Accuracy: the share of the network's true Beta closest nodes to the
//     key that are in a lookup's result.
//
// A lookup is a step-able state machine (one request per step), so that an
// event-driven scheduler can interleave many of them later.
package dht
