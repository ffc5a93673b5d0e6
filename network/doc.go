// Package network simulates the links between the nodes of a DHT: whether a
// connection attempt fails, how long it takes, and the record it leaves.
//
// Terms:
//   - An attempt is one try by node "from" to connect to node "to". It ends
//     in a connection or in an error of one of three kinds: fast (refused at
//     once), slow (timed out) or node not found (no such node).
//   - Delays are simulated time, computed and never slept. The base delay
//     of an attempt is drawn from the range of its outcome; the gamma
//     overhead models load: every attempt raises the accumulated overhead of
//     both endpoints by gamma, and both accumulated overheads are added to
//     the attempt's delay. Resetting the metrics clears the overheads.
//   - An operation (Op) is a unit of work of one caller, such as a lookup.
//     Its random draws come from a stream derived from the network's seed and
//     the operation's id alone, so a run is reproducible whatever the order in
//     which concurrent operations are scheduled. (The gamma overhead is the
//     one piece of shared state: with gamma > 0, concurrent operations see
//     each other's load in scheduling order.)
//   - A request (find closest, store, retrieve) over an established
//     connection costs the connection's delay again.
//
// The package knows no DHT logic: it reaches a node through the Handler
// interface, found by id through a Directory, both of which the DHT client
// and network satisfy.
package network
