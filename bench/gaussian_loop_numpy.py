#!/usr/bin/env python3
"""End-to-end benchmark: the fully synthetic 1-D Gaussian loop in ouroboros vs NumPy.

Runs the same experiment (d = 1, MLE fits on n = 100 samples, 1000 generations x 1000 replicates
by default, 1000 held-out test samples per replicate, the eight default Gaussian metrics) twice:

  * `ouro run` on a generated config, timed end to end (process start to finished files);
  * a straightforward vectorised NumPy implementation (Debian's python3-numpy): every generation
    draws all replicates' samples in one call and computes every metric as array expressions,
    then writes the same tidy metrics.csv (replicate,generation,metric,value).

NLL on the test set uses the same closed form in both (test-set mean and scatter), so the two do
the same arithmetic. The two run alternately `--repeat` times (3 by default), so that a shared
machine's slow spells fall on both; it prints every pair's wall times, the median of each and the
ratio of the medians (the figure to quote), and the range of the pairs' ratios. It also checks
that both CSVs have the same shape, and that their per-generation mean log-variance
(logdet_ratio) agree with each other and with the exact expectation within 5 standard errors
(they use different random streams, so values are not identical; the statistics must be).

Usage: bench/gaussian_loop_numpy.py [--ouro build/apps/ouro/ouro] [--generations 1000]
                                    [--replicates 1000] [--threads 0] [--repeat 3] [--workdir DIR]
"""
import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy.special import digamma

METRICS = ["nll_real", "mean_shift", "trace_ratio", "logdet_ratio", "w2", "mean", "variance", "std"]


def numpy_loop(generations, replicates, n, test_samples, seed):
    """Returns values[replicate, generation, metric] for the fully synthetic MLE loop."""
    rng = np.random.default_rng(seed)
    mu_true, var_true = 0.0, 1.0
    test = rng.standard_normal((replicates, test_samples))
    test_mean = test.mean(axis=1)
    test_scatter = test.var(axis=1)
    x = rng.standard_normal((replicates, n))
    values = np.empty((replicates, generations + 1, len(METRICS)))
    for g in range(generations + 1):
        mu = x.mean(axis=1)
        var = x.var(axis=1)
        std = np.sqrt(var)
        shift = (mu - mu_true) ** 2
        with np.errstate(divide="ignore"):
            values[:, g, 0] = 0.5 * (math.log(2 * math.pi) + np.log(var)
                                     + (test_scatter + (test_mean - mu) ** 2) / var)
            values[:, g, 3] = np.log(var) - math.log(var_true)
        values[:, g, 1] = shift
        values[:, g, 2] = var / var_true
        values[:, g, 4] = shift + (std - math.sqrt(var_true)) ** 2
        values[:, g, 5] = mu
        values[:, g, 6] = var
        values[:, g, 7] = std
        x = mu[:, None] + std[:, None] * rng.standard_normal((replicates, n))
    return values


def write_tidy_csv(path, values):
    replicates, generations, _ = values.shape
    with open(path, "w") as f:
        f.write("replicate,generation,metric,value\n")
        for r in range(replicates):
            rows = values[r]
            f.write("".join(f"{r},{g},{METRICS[m]},{rows[g, m]!r}\n"
                            for g in range(generations) for m in range(len(METRICS))))


def read_metric_means(path, generations, wanted):
    sums = np.zeros(generations + 1)
    sq = np.zeros(generations + 1)
    count = np.zeros(generations + 1)
    with open(path) as f:
        next(f)
        for line in f:
            r, g, metric, v = line.rstrip("\n").split(",")
            if metric == wanted:
                g = int(g)
                v = float(v)
                sums[g] += v
                sq[g] += v * v
                count[g] += 1
    mean = sums / count
    se = np.sqrt(np.maximum(sq / count - mean ** 2, 0) / (count - 1))
    return mean, se, int(count[0])


def write_gaussian_config(path, generations, replicates, n, threads):
    """The benchmark's `ouro run` config (also used by bench/sync_cost.py)."""
    with open(path, "w") as f:
        f.write(f"""[run]
generations = {generations}
replicates = {replicates}
seed = 1
threads = {threads}
[truth]
kind = "gaussian"
mean = [0.0]
cov = [[1.0]]
[model]
family = "gaussian"
estimator = "mle"
[loop]
initial = {n}
synthetic = {n}
[metrics]
test_samples = 1000
""")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ouro", default="build/apps/ouro/ouro")
    parser.add_argument("--generations", type=int, default=1000)
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs of each (median reported)")
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    workdir = args.workdir or tempfile.mkdtemp(prefix="ouro_bench_")
    os.makedirs(workdir, exist_ok=True)
    config = os.path.join(workdir, "gaussian.toml")
    write_gaussian_config(config, args.generations, args.replicates, args.n, args.threads)
    ouro_out = os.path.join(workdir, "ouro")
    numpy_csv = os.path.join(workdir, "numpy_metrics.csv")
    pairs = []  # (ouro seconds, numpy seconds, numpy compute seconds) per alternating pair
    for _ in range(args.repeat):
        # Both write into files that do not exist yet: on ext4, replacing a large file (by rename or
        # by truncation) makes the kernel write the new one out at once, which would time the disk.
        # Each starts with no dirty pages left by the other's output being written back under it.
        shutil.rmtree(ouro_out, ignore_errors=True)
        if os.path.exists(numpy_csv):
            os.remove(numpy_csv)
        os.sync()
        start = time.perf_counter()
        subprocess.run([args.ouro, "run", config, "--out", ouro_out, "--force", "--quiet", "--no-report"], check=True)
        ouro_seconds = time.perf_counter() - start

        os.sync()
        start = time.perf_counter()
        values = numpy_loop(args.generations, args.replicates, args.n, 1000, seed=1)
        numpy_compute = time.perf_counter() - start
        write_tidy_csv(numpy_csv, values)
        pairs.append((ouro_seconds, time.perf_counter() - start, numpy_compute))

    ouro_csv = os.path.join(ouro_out, "metrics.csv")
    ouro_rows = sum(1 for _ in open(ouro_csv)) - 1
    numpy_rows = sum(1 for _ in open(numpy_csv)) - 1
    assert ouro_rows == numpy_rows, (ouro_rows, numpy_rows)

    # The check uses logdet_ratio = log(variance): a sum of independent log-chi-square terms, close to
    # normal, so its standard error is honest. The variance itself becomes log-normal-like after
    # hundreds of generations and its replicate mean falls below E[variance] in most runs.
    index = METRICS.index("logdet_ratio")
    ouro_mean, ouro_se, _ = read_metric_means(ouro_csv, args.generations, "logdet_ratio")
    numpy_mean = values[:, :, index].mean(axis=0)
    numpy_se = values[:, :, index].std(axis=0, ddof=1) / math.sqrt(args.replicates)
    n = args.n
    # E[log(chi2_{n-1} / n)] per fit, g + 1 fits by generation g.
    per_fit = digamma((n - 1) / 2) + math.log(2 / n)
    theory = np.array([(g + 1) * per_fit for g in range(args.generations + 1)])
    worst = 0.0
    for g in range(0, args.generations + 1, max(1, args.generations // 10)):
        z_ouro = abs(ouro_mean[g] - theory[g]) / ouro_se[g]
        z_diff = abs(ouro_mean[g] - numpy_mean[g]) / math.hypot(ouro_se[g], numpy_se[g])
        worst = max(worst, z_ouro, z_diff)
    print(f"experiment: gaussian d=1, n={n}, {args.generations} generations x {args.replicates} replicates, "
          f"{ouro_rows} metric rows")
    for i, (o, nump, compute) in enumerate(pairs):
        print(f"pair {i + 1}: ouroboros {o:.2f} s, numpy {nump:.2f} s (loop and metrics {compute:.2f} s, csv "
              f"{nump - compute:.2f} s), ratio {nump / o:.1f}x")
    ouro_median = float(np.median([p[0] for p in pairs]))
    numpy_median = float(np.median([p[1] for p in pairs]))
    ratios = [p[1] / p[0] for p in pairs]
    print(f"ouroboros end to end: {ouro_median:8.2f} s (median of {len(pairs)})")
    print(f"numpy end to end:     {numpy_median:8.2f} s (median of {len(pairs)})")
    print(f"ratio numpy / ouroboros: {numpy_median / ouro_median:.1f}x end to end (ratio of medians; pairs "
          f"{min(ratios):.1f}x to {max(ratios):.1f}x)")
    print(f"agreement: largest |z| of logdet_ratio means vs theory and vs numpy at 11 generations: {worst:.2f}")
    if worst > 5:
        print("FAIL: statistics disagree", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
