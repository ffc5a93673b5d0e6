// Package lookup is the Kademlia lookup as a pure state machine: answers
// and failures go in, "ask this peer" comes out. It does no I/O and reads
// no clock; a driver (package dht) sends the requests it asks for over the
// simulated links and feeds their outcomes back when they arrive in
// simulated time. So the machine can be tested step by step on a handful
// of hand-built keys, and the same machine serves every driver: the shared
// clock of a run, an isolated lookup, and the py-dht pipeline.
//
// Terms:
//   - A candidate is a peer the lookup knows of. Its state is one of a small
//     closed set: heard (known, not asked), waiting (asked, no answer yet),
//     answered, or failed (the attempt was refused, timed out, or the node
//     is missing or offline). Candidates are kept nearest to the key first
//     (XOR distance, ties by id).
//   - The origin is a candidate too, already answered: its routing table
//     gave the first candidates, and it belongs in the result when it is
//     among the closest nodes to the key.
//   - Hop: the origin's table peers are at hop 1; a peer introduced by the
//     answer of a peer at hop h is at hop h+1. Via is the peer whose answer
//     introduced it (the origin for its table peers).
//   - Alpha is the number of requests in flight at most; Next always hands
//     out the closest heard candidate.
//   - Termination rules (Rule), each ending with its own Reason:
//     Default (the zero value) runs Stale; dht.Config reads it as the
//     rule of its profile. Stale (go-dht's default): Steps successful
//     answers in a row brought no new
//     peer into the Beta closest candidates not known to have failed.
//     PyDHT (py-dht's has_closer_nodes): the count of stale answers resets
//     when an answer holds a peer not seen before that is nearer than the
//     farthest peer seen so far; the lookup ends at Steps, and it is
//     starved as soon as it has no heard candidate to send (py-dht's loop
//     leaves the answers still in flight unread). Beta (go-libp2p-kad-dht):
//     the Beta closest candidates not known to have failed have all
//     answered. KClosest (Kademlia, go-ethereum): the K closest candidates
//     have all answered or failed. Whatever the rule, a lookup that stops
//     at the first value ends with Value when an answer carries it, and a
//     lookup with no heard candidate and nothing in flight is Starved.
//   - A driver may end a lookup at a timeout of its own (Expire): a
//     running lookup ends with Timeout; a follow-up is cut short, the
//     lookup keeping its rule's reason and result.
//   - Requests still in flight when the lookup ends are abandoned: they
//     count as attempts, not as finished.
//   - The result is the Beta closest candidates that answered, nearest
//     first (the origin included when it is among them).
package lookup
