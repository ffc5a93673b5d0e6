// Package crawler enumerates a simulated DHT as a real crawler such as
// Nebula does, on a clock of simulated time, and measures what it finds
// against the ground truth that only a simulation knows: which nodes exist
// and which are online.
//
// Terms:
//   - The crawler is not a node of the network. Its attempts come from
//     Origin, an id no node has; under a latency model it sits in the
//     region that id falls in.
//   - A peer is found when a bootstrap peer is given or an answer names it;
//     found peers wait in a queue, first found first visited (FIFO by
//     discovery).
//   - A visit is the crawler's work on one peer: one connection attempt,
//     plus up to Options.Retries more after a failure, then, if it
//     connected, the peer's answers. Its outcome is that of its last
//     attempt: ok, refused, timeout or offline.
//   - In flight: the visits started and not ended. The crawler keeps up to
//     Options.InFlight of them (W); a retry keeps its visit's place.
//   - A request asks the visited peer for the k peers of its routing table
//     closest to a key; a visit sends Options.Requests of them, one per
//     common prefix length i = 0, 1, ... with the peer's key (Nebula's
//     method: the key of request i shares exactly i leading bits with the
//     peer's key, so the answer is the peer's bucket i, topped up from the
//     buckets nearer the peer when it holds fewer than k).
//   - The edges of a visit are the distinct peers of its answers, in the
//     order first seen (from the visited peer to each); together they are
//     the neighbour graph the crawl saw.
//   - A peer is learned by a visit when that visit's answers are the first
//     to name it.
//   - Completeness is the share of the nodes online at a time that the
//     crawl found, against the start of the crawl and against its end
//     (they differ under churn); reached is the share of them that
//     answered a visit: the completeness of a census that counts only the
//     peers it reached. Ghosts are found peers that are offline at the
//     end: a census that counts every peer it heard of counts them.
//
// # The model of a visit
//
// A visit starts at a simulated time t, when a place in flight is free and
// a peer waits in the queue. Its attempt is drawn by the link layer
// (network.Op.Draw from Origin to the peer at t), with the visit's own
// operation, whose id is Options.Op + the peer's id: every visit of a peer
// draws the same outcomes, delays and keys whatever else the crawl or the
// network does, so crawls with different W see the same network. Every
// attempt leaves one network.Record (Request = network.CrawlRequest, To =
// the peer, Via = the peer that introduced it, or Origin for a bootstrap
// peer).
//
//   - Connected: the Requests requests go out in parallel over the
//     connection and all their answers arrive after one round trip, at
//     t + 2 x Base. If that exceeds Options.Timeout, the crawler gives up
//     at t + Timeout: outcome timeout (the record says abandoned).
//   - Refused (fast error): ends at t + min(Base, Timeout), outcome
//     refused.
//   - Timed out (slow error) or no such node: ends at t + min(Base,
//     Timeout), outcome timeout.
//   - Offline (the node exists but is down at t, under churn or after it
//     left): ends at t + min(Base, Timeout), outcome offline.
//
// The outcome names the cause as the link layer drew it, which only a
// simulation knows; a real crawler sees "refused" or "no answer in time".
// A failed attempt is retried, up to Options.Retries times, at the time it
// ended, in the same place in flight. A visit that connected draws its
// request keys from its operation's stream and reads the peer's table
// (dht.Client.Closest) when its answers arrive; tables do not change
// during a crawl, so this is the table as it was when the requests
// arrived. The crawler adds no load overhead (gamma): it models the
// crawler's view of the links, not the load it puts on them.
//
// Events are ordered by (simulated time, sequence) on one clock
// (network/clock): when a visit ends, its new peers join the queue, then
// the free places are filled, at that same time. The crawl ends when
// nothing is queued and nothing is in flight. Same network seed, same
// options: same visits, records, edges and CSVs, whatever runs beside the
// crawl.
//
// Per node the crawl keeps three bits (found, reached, and online at the
// start under churn), a 32-bit word (which visited peer last named it, so
// that each visit's edges are distinct without a set per visit) and, once
// found, its queue entry (itself and the peer that introduced it): a crawl
// of 10^6 nodes holds about 12 MB besides its places in flight. Visits and
// edges are streamed to writers as visits end, never kept.
package crawler
