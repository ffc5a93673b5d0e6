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
//   - A peer's age in its bucket is the order it joined (or was last
//     touched, Table.Touch): every bucket is kept oldest first. Bucket and
//     Peers still list peers nearest first; BucketByAge and Oldest read the
//     order of age.
//   - The replacement policy (Policy) decides what a full bucket does with
//     a newcomer and what fills the place of a removed peer. There are two.
//   - Closest, the reference's policy and the default: a newcomer replaces
//     the bucket's farthest peer (XOR distance to the local key) when it is
//     closer. Ties in distance are broken by the smaller id, so the table
//     fed with the same peers in any order is the same table. A removed
//     peer leaves room for the next Add.
//   - Oldest, the Kademlia paper's: a full bucket keeps its peers; the
//     newcomer waits in the bucket's replacement cache, the most recent
//     newcomers (ReplacementCacheSize, k by default), and the newest of them
//     takes the place of a removed peer. Add never evicts a peer: the ones
//     that stay are the oldest still alive, provided the table's owner
//     removes (Table.Remove) the peers that fail to answer.
//   - The optimal table of a node is the table fed with every node of the
//     network under Closest: for every prefix length i, the k nodes that
//     share exactly i leading bits with the local key and are closest to it.
//     A bootstrapped node starts from it whatever its policy; the policy
//     governs how the table changes afterwards.
//   - A table changes in place (Add, Remove, Touch): only its owner changes
//     it, and an owner that shares its optimal table with others (the
//     arena of Index.BuildTables) changes a Clone.
//
// Storage is flat because networks hold millions of tables: a table stores
// peer ids as uint32 and resolves their keys through a shared KeySpace; the
// Index builds optimal tables straight from the sorted array of all keys,
// without scanning every node, into one arena shared by all tables; a
// replacement cache exists only in a table that has cached a newcomer. Beyond
// some 10^7 nodes even that arena is too large: Index.AppendOptimalClosest
// then answers a node's closest-peers query straight from the sorted keys,
// exactly as its optimal table would, without building the table.
package routing
