#!/usr/bin/env python3
"""Run das-research's DHT retrieval study on py-dht, for a side-by-side
comparison with go-dht's benchmarks/study/examples/das-research.yaml.

It drives py-dht as das-research's DHT/dhtRetrievals.py does (PR #52 of
codex-storage/das-research): build the network with
DHTNetwork.init_with_random_peers, have a random builder provide SAMPLES
segments ("sample 0", "sample 1", ...) with provide_block_segment, reset the
network's metrics, then have RETRIEVERS random nodes other than the builder
look up every segment with lookup_for_hash(finishwithfirstvalue=True). It
prints the mean connection attempts and simulated delay per retrieval, the
figures py-dht published (8.72 attempts, 318.3 ms at 12,000 nodes, 100
samples), and the wall time of each phase. Unlike dhtRetrievals.py it writes
no CSV and draws random nodes in 0..NODES-1 (random.randint(0, nn) there
can draw NODES).

py-dht is not part of go-dht: fetch it (github.com/cortze/py-dht) and put
it on PYTHONPATH. It needs bitarray and pandas (Debian: python3-bitarray,
python3-pandas):

  PYTHONPATH=/path/to/py-dht python3 scripts/pydht/pyrun.py --samples 10
"""
import argparse
import random
import time

import dht  # py-dht


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--nodes", type=int, default=12000)
    p.add_argument("--k", type=int, default=20)
    p.add_argument("--alpha", type=int, default=3)
    p.add_argument("--beta", type=int, default=20)
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--fast-error-rate", type=int, default=10, help="percent")
    p.add_argument("--slow-error-rate", type=int, default=0, help="percent")
    p.add_argument("--conn-delay", default="50-75", help="MIN-MAX ms, as das-research's range(50, 76)")
    p.add_argument("--fast-delay", default="50-100", help="MIN-MAX ms")
    p.add_argument("--gamma", type=float, default=0.125, help="ms")
    p.add_argument("--retrievers", type=int, default=100)
    p.add_argument("--samples", type=int, default=100, help="segments provided, and looked up by each retriever")
    p.add_argument("--jobs", type=int, default=1, help="processes of init_with_random_peers")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    random.seed(a.seed)

    def ms_range(spec):
        lo, hi = (int(x) for x in spec.split("-"))
        return range(lo, hi + 1, 1)

    start = time.time()
    net = dht.DHTNetwork(0, a.fast_error_rate, a.slow_error_rate,
                         ms_range(a.conn_delay), ms_range(a.fast_delay), None, a.gamma)
    net.init_with_random_peers(a.jobs, a.nodes, a.k, a.alpha, a.beta, a.steps)
    built = time.time()

    builder = net.nodestore.get_node(random.randrange(a.nodes))
    for i in range(a.samples):
        builder.provide_block_segment(f"sample {i}")
    net.reset_network_metrics()
    provided = time.time()

    attempts, delays, found = [], [], 0
    for _ in range(a.retrievers):
        node = net.nodestore.get_node(random.randrange(a.nodes))
        while node.ID == builder.ID:
            node = net.nodestore.get_node(random.randrange(a.nodes))
        for i in range(a.samples):
            content = f"sample {i}"
            _, val, summary, delay = node.lookup_for_hash(
                key=dht.Hash(content), trackaccuracy=True, finishwithfirstvalue=True)
            attempts.append(summary["connectionAttempts"])
            delays.append(delay)
            found += val == content
    done = time.time()

    n = len(attempts)
    print(f"{a.nodes} nodes, k={a.k}, alpha={a.alpha}, beta={a.beta}, steps={a.steps}: "
          f"{a.samples} segments, {n} retrievals")
    print(f"connection attempts per retrieval: {sum(attempts) / n:.2f}")
    print(f"simulated delay per retrieval: {sum(delays) / n:.1f} ms")
    print(f"found: {100 * found / n:.1f} %")
    print(f"wall: build {built - start:.1f} s, provides {provided - built:.1f} s, "
          f"retrievals {done - provided:.1f} s, total {done - start:.1f} s")


if __name__ == "__main__":
    main()
