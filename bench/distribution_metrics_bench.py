#!/usr/bin/env python3
"""Benchmark: k-NN precision/recall/density/coverage in `ouro metric` vs the NumPy/scikit-learn
reference, with the share of the machine's measured GEMM throughput, in one run.

For each size N x M x d it writes a real set (N rows of N(0, I_d)) and a generated set (M rows of
N(0.05, 1.05^2 I_d)) as float64 .npy files, then times

  * `ouro metric recall REAL GEN --format json` end to end (process start, reading both files,
    all four k-NN metrics from one pass; recall needs every radius, so this is the full cost), and
  * the reference: the prdc formulas (Naeem et al. 2020) on sklearn.metrics.pairwise_distances,
    i.e. three whole distance matrices and np.partition, in this process (reading excluded),

checks that both give the same counts, and reports the ratio. The GEMM share compares the
squared-distance products the metrics need, d (N^2 + M^2) + 2 d N M flops (each within-set pair
once, as ouroboros computes them; the reference computes both halves), with numpy's measured
multithreaded dgemm and sgemm rates on 4096 x 4096 matrices: the share of the machine's GEMM peak
that the whole metric computation reaches (ouroboros uses single-precision tiles, so sgemm is its
ceiling; the reference computes in double).

--memory N x M x d runs only ouro (the reference would need three N x M float64 matrices) under
/usr/bin/time -v and reports its peak resident memory.

Usage: bench/distribution_metrics_bench.py [--ouro build-dist/apps/ouro/ouro]
           [--sizes 10000x10000x64,10000x10000x2048] [--memory 50000x50000x2048] [--k 5]
           [--threads 0] [--workdir DIR]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
from sklearn.metrics import pairwise_distances


def prdc_counts(real, fake, k):
    rr = pairwise_distances(real, real)
    ff = pairwise_distances(fake, fake)
    rf = pairwise_distances(real, fake)
    r = np.partition(rr, k, axis=1)[:, k]
    f = np.partition(ff, k, axis=1)[:, k]
    inside = rf <= r[:, None]
    return {
        "precision": int(inside.any(axis=0).sum()),
        "recall": int((rf <= f[None, :]).any(axis=1).sum()),
        "density": int(inside.sum()),
        "coverage": int((rf.min(axis=1) <= r).sum()),
    }


def gemm_rate(dtype, n=4096, repeats=2):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n)).astype(dtype)
    b = rng.standard_normal((n, n)).astype(dtype)
    a @ b  # warm up the threads
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2.0 * n ** 3 / best / 1e9


def parse_size(text):
    n, m, d = (int(v) for v in text.lower().split("x"))
    return n, m, d


def write_sets(workdir, n, m, d, seed=1):
    rng = np.random.default_rng(seed)
    real = rng.standard_normal((n, d))
    fake = 0.05 + 1.05 * rng.standard_normal((m, d))
    real_path = os.path.join(workdir, f"real_{n}x{d}.npy")
    fake_path = os.path.join(workdir, f"gen_{m}x{d}.npy")
    np.save(real_path, real)
    np.save(fake_path, fake)
    return real, fake, real_path, fake_path


def run_ouro(ouro, real_path, fake_path, k, threads, measure_memory=False):
    command = [ouro, "metric", "recall", real_path, fake_path, "--format", "json", "--k", str(k),
               "--threads", str(threads)]
    if measure_memory:
        command = ["/usr/bin/time", "-v"] + command
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"ouro failed: {done.stderr}")
    peak_kib = None
    if measure_memory:
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
        peak_kib = int(match.group(1)) if match else None
    return json.loads(done.stdout), seconds, peak_kib


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ouro", default="build-dist/apps/ouro/ouro")
    parser.add_argument("--sizes", default="10000x10000x64,10000x10000x2048")
    parser.add_argument("--memory", default="", help="N x M x d run by ouro only, with its peak RSS")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args()

    dgemm = gemm_rate(np.float64)
    sgemm = gemm_rate(np.float32)
    print(f"machine: {os.cpu_count()} hardware threads; numpy dgemm {dgemm:.1f} GFLOP/s, sgemm {sgemm:.1f} GFLOP/s")
    print(f"{'N x M x d':>20} {'ouro s':>8} {'numpy/sklearn s':>16} {'ratio':>6} {'GFLOP/s':>8} "
          f"{'of dgemm':>8} {'of sgemm':>8} {'ouro peak RSS':>13}")

    with tempfile.TemporaryDirectory(dir=args.workdir) as workdir:
        for text in [s for s in args.sizes.split(",") if s]:
            n, m, d = parse_size(text)
            real, fake, real_path, fake_path = write_sets(workdir, n, m, d)
            result, ours, peak = run_ouro(args.ouro, real_path, fake_path, args.k, args.threads, True)
            start = time.perf_counter()
            ref = prdc_counts(real, fake, args.k)
            reference = time.perf_counter() - start
            got = round(result["metrics"]["recall"] * n)
            if got != ref["recall"]:
                sys.exit(f"{text}: recall counts differ: ouro {got}, reference {ref['recall']}")
            flops = d * (n * n + m * m) + 2.0 * d * n * m
            rate = flops / ours / 1e9
            print(f"{text:>20} {ours:8.2f} {reference:16.2f} {reference / ours:6.2f} {rate:8.1f} "
                  f"{rate / dgemm:8.0%} {rate / sgemm:8.0%} {peak / 1024 / 1024:11.2f} GiB", flush=True)
            os.remove(real_path)
            os.remove(fake_path)
            del real, fake

        if args.memory:
            n, m, d = parse_size(args.memory)
            _, _, real_path, fake_path = write_sets(workdir, n, m, d)
            input_gib = 8.0 * d * (n + m) / 2 ** 30
            result, ours, peak = run_ouro(args.ouro, real_path, fake_path, args.k, args.threads, True)
            flops = d * (n * n + m * m) + 2.0 * d * n * m
            rate = flops / ours / 1e9
            print(f"{args.memory:>20} {ours:8.2f} {'-':>16} {'-':>6} {rate:8.1f} {rate / dgemm:11.0%} "
                  f"{peak / 1024 / 1024:11.2f} GiB  (the two float64 inputs alone: {input_gib:.2f} GiB; "
                  f"recall {result['metrics']['recall']:.4f})", flush=True)


if __name__ == "__main__":
    main()
