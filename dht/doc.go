// Package dht simulates Kademlia DHT clients and the network they form, on
// a clock of simulated time. MODEL.md, next to this file, describes the
// model rule by rule.
//
// Terms:
//   - A Client is one node: an id, a key, a routing table of k-buckets and a
//     local store of segments. It serves find-closest and store requests,
//     and runs lookups and provides.
//   - A DHTNetwork spawns clients, gives each its optimal routing table
//     (built in parallel from the sorted keys of all nodes), and connects
//     them through the simulated links of package network.
//   - A segment is an opaque byte string (for DAS, one cell of an
//     erasure-coded block); its key is the hash of its content.
//   - A Run is one clock of simulated time: operations (lookups, provides)
//     start at given times and interleave, each request arriving at its
//     remote and its answer coming back as events. An isolated operation
//     (DHTNetwork.Lookup, Provide) runs alone on a clock of its own; without
//     a load model that gives what a shared clock gives, and LookupMany runs
//     such lookups on many goroutines.
//   - A lookup (package dht/lookup, a pure state machine) keeps up to Alpha
//     requests in flight to the closest candidates not yet asked, merges
//     each answer when it arrives, and ends by its termination rule (stale by
//     default; pydht, beta, kclosest), at the first value, or starved; or
//     at its caller's timeout (LookupOptions.Timeout), and it may avoid
//     peers (LookupOptions.Avoid). Requests in flight at the end are
//     abandoned. Its result is the Beta closest peers that answered.
//   - Hops: peers of the origin's table are at hop 1; a peer learned from a
//     peer at hop h is at hop h+1. A lookup's hops are the largest hop of a
//     peer that answered it.
//   - Accuracy: the share of the network's true Beta closest nodes to the
//     key that are in a lookup's result.
//   - A profile selects a whole set of rules: go-dht's own model, or every
//     rule of py-dht (ProfilePyDHT), to reproduce py-dht's figures.
package dht
