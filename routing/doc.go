// Package routing holds Kademlia routing tables and the index that builds
// them.
//
// Terms:
//   - A peer is another node as a routing table knows it: its id (an index
//     into the network's arrays) and its key.
//   - Bucket i of a table holds peers whose keys share exactly i leading
//     bits with the table's local key (0 <= i <= 64; bucket 64 only ever
//     holds peers whose key collides with the local key). Each bucket holds
//     at most k peers.
//   - The replacement policy is the reference's "closest": a new peer joins
//     a full bucket only by replacing the bucket's farthest peer (XOR
//     distance to the local key), when it is closer. Ties in distance are
//     broken by the smaller id, so the table fed with the same peers in any
//     order is the same table.
//   - The optimal table of a node is the table fed with every node of the
//     network: for every prefix length i, the k nodes that share exactly i
//     leading bits with the local key and are closest to it.
//
// Storage is flat because networks hold millions of tables: a table stores
// peer ids as uint32 and resolves their keys through a shared KeySpace; the
// Index builds optimal tables straight from the sorted array of all keys,
// without scanning every node, into one arena shared by all tables. Beyond
// some 10^7 nodes even that arena is too large: Index.AppendOptimalClosest
// then answers a node's closest-peers query straight from the sorted keys,
// exactly as its optimal table would, without building the table.
package routing
