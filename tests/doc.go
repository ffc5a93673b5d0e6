// Package tests holds black-box tests of the simulation model as a whole:
// lookups against the network-wide ground truth, error shares, accuracy
// under errors, summaries and records, reproducibility across worker counts,
// and concurrent use. It has no code of its own; the tests use only the
// public API of hashes, routing, network and dht.
package tests
