// Package reach models which nodes of a network can be reached: in a real
// DHT many peers sit in routing tables yet cannot be dialled (behind a NAT
// or a firewall, or gone), and a dial to them ends only by its timeout.
//
// Terms:
//   - A node's class is one of dialable (answers as the link layer decides),
//     undialable (answers nothing: every dial ends by the dial timeout) and
//     flaky (answers each attempt with a probability, the others time out).
//   - A Model gives the shares of the classes, the probability a flaky node
//     answers, and the dial timeout. A node's class is a pure function of the
//     seed and its id: it never depends on what else ran.
//   - Built-in models are calibrated to published crawls of real networks
//     (data/README.md): ipfs (ProbeLab's RFM 19, April 2022: 26.1 % of the
//     peers found were undialable), ipfs-2023 (ProbeLab's Nebula crawls of
//     November 2023: about 17.5 %), discv5 (ProbeLab's crawls of the
//     Ethereum discovery network, September-October 2024: 22-29 % of
//     routing table records unreachable; 25 %). No published figure gives a
//     flaky share: the built-in models have none.
package reach
