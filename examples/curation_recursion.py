#!/usr/bin/env python3
"""The figures of examples/README.md's Ferbach et al. table, measured and in theory.

For a finished run of examples/ferbach_curation_categorical{,_fresh}.toml, prints at generations
0, 10, 20 and 40 the mean over replicates +- standard error of entropy, tv and support (from the
run's metrics.csv), beside the infinite-sample recursion of the curated loop: p_{g+1} = q(p_g),
or (fresh real data) p_{g+1} = (nr p + ns q(p_g)) / (nr + ns), with q the exact law of a sample
curated from K candidates (docs/filters.md), computed here by enumerating the K-tuples: an
implementation independent of the engine's theory::curated_probabilities.

Usage: /usr/bin/python3 examples/curation_recursion.py OUT_FOLDER [--fresh NR] [--synthetic NS]
       (the reward, K and the truth are the example's: rewards 0, 0.5, 1, 1.5, 2, K = 2, uniform)
"""
import argparse
import csv
import itertools
import math
from collections import defaultdict

REWARDS = [0.0, 0.5, 1.0, 1.5, 2.0]
CANDIDATES = 2
TRUTH = [0.2] * 5
GENERATIONS = (0, 10, 20, 40)


def curated(p):
    """The law of the candidate kept, by enumeration of every K-tuple of candidates."""
    q = [0.0] * len(p)
    for tuple_ in itertools.product(range(len(p)), repeat=CANDIDATES):
        probability = math.prod(p[x] for x in tuple_)
        total = sum(math.exp(REWARDS[x]) for x in tuple_)
        for x in tuple_:
            q[x] += probability * math.exp(REWARDS[x]) / total
    return q


def entropy(p):
    return -sum(v * math.log(v) for v in p if v > 0)


def tv(p):
    return 0.5 * sum(abs(a - b) for a, b in zip(p, TRUTH))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", help="the run's output folder")
    parser.add_argument("--fresh", type=float, default=0.0, help="fresh real samples per generation (nr)")
    parser.add_argument("--synthetic", type=float, default=1000.0, help="synthetic samples per generation (ns)")
    args = parser.parse_args()

    theory = {}
    p = list(TRUTH)
    for g in range(max(GENERATIONS) + 1):
        theory[g] = {"entropy": entropy(p), "tv": tv(p)}
        q = curated(p)
        # q sums to 1 exactly, but the map doubles a rounding error in the sum at every step near
        # its fixed point (it is quadratic in p): without renormalising, 40 steps drift by 1e-4.
        q = [v / sum(q) for v in q]
        p = [(args.fresh * t + args.synthetic * v) / (args.fresh + args.synthetic) for t, v in zip(TRUTH, q)]

    values = defaultdict(list)
    with open(f"{args.out}/metrics.csv") as f:
        for row in csv.DictReader(f):
            g = int(row["generation"])
            if g in GENERATIONS and row["metric"] in ("entropy", "tv", "support"):
                values[(row["metric"], g)].append(float(row["value"]))
    for metric in ("entropy", "tv", "support"):
        cells = []
        for g in GENERATIONS:
            v = values[(metric, g)]
            mean = sum(v) / len(v)
            se = math.sqrt(sum((x - mean) ** 2 for x in v) / (len(v) - 1) / len(v))
            expected = f" ({theory[g][metric]:.4g})" if metric in theory[g] else ""
            cells.append(f"g = {g}: {mean:.4g} ± {se:.2g}{expected}")
        print(f"{metric:8} " + "; ".join(cells))


if __name__ == "__main__":
    main()
