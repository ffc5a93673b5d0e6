// Package latency models where the nodes of a simulated network are and
// how long a message between two of them takes. The link layer (package
// network) asks a Model for the region of a node and for the delay of each
// message; this package knows nothing of links or DHTs.
//
// Terms:
//   - A region is a place nodes live in: a country, a continent or a cloud
//     region. A model has a fixed list of them (Regions), and each has a
//     share: the fraction of nodes living there (Shares).
//   - A node's region is a hash of the model's seed and the node's id,
//     mapped through the cumulative shares (Region). Nothing is stored per
//     node, so a model serves 10^8 nodes in O(regions^2) memory, and one
//     seed always places every node in the same region.
//   - The RTT (round-trip time) of an ordered pair of regions is a
//     distribution; all the measured data are RTTs. The one-way delay of a
//     message (Delay) is half of one RTT drawn from its pair's distribution,
//     so that a request and its answer cost one RTT on average. A draw takes
//     the caller's *rand.Rand and allocates nothing.
//   - MeanRTT is the mean of a pair's distribution as the data or file
//     gives it, before draws are clipped (see below); it is what tests and
//     reports compare against.
//
// # Models
//
// Uniform has one region and draws the one-way delay uniformly from [Min,
// Max], like py-dht's delay range. The other models are Regional: built in
// (Builtin, Names) from the measured data in data/ (sources and caveats in
// data/README.md), or read from a file (Load, Parse).
//
// discv5: the Ethereum discv5 DHT, by country. Shares are the node counts
// of a ProbeLab Nebula crawl (week ending 2025-01-05). Its "multi" row
// (nodes seen in more than one country, 3%) is left out and the other
// shares renormalised, i.e. spread in proportion over every region; US, for
// example, goes from 33.4% of all nodes to 34.5% of the model's. Its
// "others" row (18.9% after renormalising) is spread over the countries of
// the RTT data that the crawl does not name, in proportion to each country's
// number of RIPE Atlas measurements (its weight in the RTT data: a rough
// proxy for how much hosting it has: Austria gets 1.2%, Luxembourg 1.1%,
// Italy and Russia 0.9%). Each "others" node is thus placed in one concrete country, so its
// delays to a given peer stay consistent. That makes 158 regions: the 11
// named countries and 147 others (13 countries of the RTT data are measured
// only against probes of unknown country and are left out).
//
// The RTTs are RIPE Atlas country-pair statistics (count, mean, std, min,
// max; March-April 2025). A measured pair is used in both directions (the
// data hold each unordered pair once). A pair's draw is its minimum plus a
// lognormal whose mean and standard deviation are the data's mean - min and
// std, clipped to the data's max: the minimum is the floor that propagation
// sets, no mass falls below it, and the mean and spread are the data's. A
// pair measured once, with std 0, or with a mean not above its minimum is
// constant at its mean. Clipping lowers the mean of draws below the data's
// mean by under 1% for 90% of the measured pairs and by more than 5% for
// 85 of the 6,648 (13% at most, all with few measurements); weighted by the
// discv5 shares, by 0.05%. Of the 12,561 unordered pairs of the 158 countries,
// 5,913 are not measured (44 of them a country with itself); such a pair
// pools (count-weighted mixture of mean and variance, smallest min, largest
// max) every measured pair between two distinct countries of the same two
// continents, or for a country with itself every measured same-country pair
// of its continent. Weighted by the shares, derived pairs carry 0.23% of the
// node pairs: nearly all traffic runs on measured pairs. The model keeps
// the data as measured, oddities included: same-country means are high with
// long tails (US-US averages 108 ms, std 110 ms), and a few pairs are faster
// than light allows between the two countries (JP-KR averages 4.9 ms),
// presumably addresses placed in the wrong country.
//
// ipfs: the IPFS DHT, by continent. Shares are ProbeLab's peers online by
// continent (2024-12-23..29); "Uncategorised" (1.8%, peers whose address
// has no known location) is left out and the rest renormalised. A continent
// pair's RTT pools every RIPE Atlas country pair with one country in each
// continent (same-country pairs included), weighted by measurement count,
// and is drawn as above. Countries map to continents by the embedded
// data/country_continent.csv, which follows the GeoNames continents that
// MaxMind's databases (and so ProbeLab's crawls) use: Russia in Europe,
// Turkey, the Caucasus and the Middle East in Asia, Central America and the
// Caribbean in North America. The RIPE data were preferred to
// WonderNetwork's 15-city pings: they cover every continent with many
// measurements, and the discv5 model uses the same data.
//
// aws: the 11 AWS regions of cloudping.co, equal shares; every ordered pair
// draws from the lognormal fitted to its p50 and p90 (mu, sigma in the
// data), clipped only at MaxRTT (far above its data), whose mean
// exp(mu + sigma^2/2) is its MeanRTT.
//
// # Latency files
//
// A latency file is YAML, in the spirit of p2psimpy's locations: regions
// with shares, and the RTT of each pair of regions (from, then to) as a
// duration or a distribution. A pair given one way only is taken as
// symmetric. For example:
//
//	name: three-regions        # optional; default: the file's base name
//	regions:                   # name: share, normalised by the sum
//	  eu: 0.5
//	  us: 0.4
//	  asia: 0.1
//	latencies:                 # RTTs, from -> to
//	  eu:
//	    eu: 10ms               # constant
//	    us: {dist: normal, mean: 80ms, std: 5ms}
//	    asia: {dist: lognormal, mean: 200ms, std: 40ms, max: 1s}
//	  us:
//	    us: {dist: gamma, shape: 4, scale: 5ms}
//	    asia: {dist: uniform, min: 150ms, max: 190ms}
//	  asia:
//	    asia: {dist: lognormal, mu: 3.4, sigma: 0.5}
//
// Distributions and their parameters: constant (value), uniform (min, max),
// normal (mean, std), lognormal (mean and std, or mu and sigma of the
// natural log of the RTT in milliseconds), gamma (shape, a number, and
// scale, a duration). normal, lognormal and gamma also take min and max,
// which clip every draw; every draw is clipped at 0 in any case. Durations
// are Go durations (80ms, 1.5s). A mistake is a *FileError that names the
// key (such as latencies.eu.us.std), its line and what is allowed.
//
// # Bounds
//
// A latency file is a regular file of at most MaxFileSize (16 MiB, room
// for the largest file of 1000 regions): a named pipe, a device or a
// folder is refused before it is opened, and reading stops past the limit.
//
// Every RTT is at most MaxRTT (2 h), twice the bound on a connection's
// one-way delay (network.MaxDelay), so that no delay a model draws is
// longer than one a delay range may give. In a file, every duration is at
// most MaxRTT, and a distribution that would put more than 1% of its draws
// above MaxRTT (judged before its min and max clip it) is refused, naming
// the pair and the share: such parameters are a mistake of units (a
// lognormal's mu is the log of milliseconds: mu 1000 is not 1000 ms), not a
// model. The rarer draws above MaxRTT, of a file or of the measured data,
// are clipped to it.
//
// # Direction
//
// The RTT of the ordered pair (from, to) is that of a request node from
// sends to node to: Delay(from, to) is half of it, and the network charges
// a request twice its Delay, out and back. So the two directions of a pair
// may differ: the aws data are measured from each region to each other
// (p50s of the two directions differ by up to 6%), and a file may give
// both directions apart (from measurements taken at each end); a pair given
// one way only is used both ways. Asymmetric RTTs are accepted as given.
package latency
