// Package churn models nodes that come and go: how long a node stays
// online, how long it stays away, and in which state a simulation finds it
// at its start. The simulator owns the clock and the event queue; this
// package only draws period lengths, from the caller's *rand.Rand.
//
// Terms:
//   - A session is a period a node spends online; a downtime is a period
//     it spends offline. A node alternates between the two, and every
//     length is an independent draw: sessions from Model.On, downtimes from
//     Model.Off, each a Dist.
//   - The online share is the long-run fraction of time a node is online,
//     E[on] / (E[on] + E[off]) (Model.OnlineShare).
//   - Steady state is the state of a node observed at a random instant of
//     a long run. It is online with probability equal to the online share,
//     and the period it is in is length-biased: long periods cover more
//     instants, so they are more likely to be the one observed. The time
//     left until the next change, the equilibrium residual, has density
//     (1 - F(x)) / E[X] for the period's distribution F. Model.Start draws
//     a node's state and residual so that a simulation begins in steady
//     state instead of with every node at the start of a session (which,
//     for the heavy-tailed sessions measured in peer-to-peer networks,
//     makes too many nodes leave early); Model.Next then draws each later
//     period.
//   - A spec is a short text that selects a model (Parse): none, ipfs,
//     exp:ON,OFF, weibull:SHAPE,SCALE.
//
// # Distributions
//
// Exponential periods are memoryless: a node leaves at a constant rate. A
// Weibull of shape below 1 has many short periods and a few long ones.
// Empirical follows a measured CDF, linear between its points.
//
// The ipfs spec uses IPFSUptime: the session lengths of IPFS DHT peers
// measured by ProbeLab in October 2025 (data/ipfs_uptime_cdf_2025-10.csv;
// median about 16 minutes). The data's first point (22% of sessions at
// 0.00 h) counts sessions shorter than the data's 0.01 h grid; they are
// spread over (0, 18 s]. The data stop at 24 h with CDF 0.9504, and jump
// there from 9.36 h (CDF 0.90) with no point between: the CDF is linear
// across the gap, and the 5% of sessions beyond 24 h follow a fitted tail,
// the Weibull of shape 0.34 and scale 0.79 h fitted to the whole CDF (an
// estimate, not published with the data), conditioned on
// exceeding 24 h. Those sessions then average about 63 hours, so that
// long-lived peers exist as they do in the network; a cap at 24 h would
// make every node churn within a day. The tail carries about two thirds
// of the mean session, which is about 4 h 55 min.
//
// No downtime distribution of IPFS peers is published, so the ipfs spec
// assumes that downtimes follow the same distribution as sessions: a node
// is then online half of the time. A model with other downtimes is a Model
// literal, such as Model{On: ipfs, Off: Exponential(time.Hour)}.
//
// Draws are at least 1 ns, so that simulated time always moves, and at most
// MaxPeriod (100 years). Means and scales are at least MinMean (1 s) and at
// most a year: a simulator replays a node's periods one by one to find its
// state at a time, so the cost of churn grows as the simulated time over
// the mean period, and a sub-second mean is a mistake, not a network.
package churn
