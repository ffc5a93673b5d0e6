// Package hashes defines the 64-bit keys of the simulated Kademlia DHT and
// the XOR metric over them.
//
// Terms:
//   - A Key is a 64-bit identifier. Nodes and segments live in the same key
//     space.
//   - A node key is derived from the network's seed and the node id, so one
//     seed always gives the same network and two seeds give two different
//     ones (NodeKey).
//   - A segment key is the hash of the segment's content alone
//     (SegmentKey), so every network agrees on where a segment belongs.
//   - The distance between two keys is their XOR, compared as an unsigned
//     integer (Distance).
//   - The common prefix length of two keys is the number of leading bits
//     they share (CommonPrefixLen, 0..64); it is the index of the k-bucket a
//     peer falls in.
//
// Every function here but Key.String is allocation-free: they sit on the
// hot path of table building and lookups (String builds a string; use
// AppendHex on a hot path).
package hashes
