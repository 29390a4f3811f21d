#!/usr/bin/env python3
"""What a run's provenance ledger costs: `ouro run` with `--set provenance.ledger=true` against the
same run without it, alternating `--repeat` times, in the same process tree and hour.

Two loops, chosen to bracket what users run:
  wikitext-2   examples/wikitext2_replace.toml (order-3 Kneser-Ney, 32,635 blocks of 64 tokens per
               generation, ppl_real and the text metrics), shortened by --text-generations and
               --text-replicates: the ledger writes 32,635 sample rows per generation beside
               seconds of fitting, sampling and scoring.
  gaussian     the Gaussian loop of bench/gaussian_loop_numpy.py (1-D MLE, n = 100), whose
               generations take microseconds: here the ledger's per-row cost (one SQLite row per
               training sample) is all there is to see.
It prints every time, the medians, the ratio with / without the ledger per loop, and the ledger's
size and rows per second of ledger overhead.

Usage: bench/ledger_cost.py [--ouro build/apps/ouro/ouro] [--repeat 3] [--threads 0]
                            [--text-generations 3] [--text-replicates 2]
                            [--gaussian-generations 100] [--gaussian-replicates 100]
"""
import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time

from gaussian_loop_numpy import write_gaussian_config

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed_run(ouro, config, out, flags):
    shutil.rmtree(out, ignore_errors=True)
    os.sync()  # no dirty pages of the previous run written back under this one
    start = time.perf_counter()
    subprocess.run([ouro, "run", config, "--out", out, "--quiet", "--no-report"] + flags, check=True)
    return time.perf_counter() - start


def sample_rows(ledger):
    with sqlite3.connect(f"file:{ledger}?mode=ro", uri=True) as db:
        return db.execute("SELECT count(*) FROM samples").fetchone()[0]


def measure(name, ouro, config, flags, repeat, workdir):
    out = os.path.join(workdir, "run")
    ledger_flags = flags + ["--set", "provenance.ledger=true"]
    plain, with_ledger = [], []
    for _ in range(repeat):
        plain.append(timed_run(ouro, config, out, flags))
        with_ledger.append(timed_run(ouro, config, out, ledger_flags))
        print(f"  {name:12s} {plain[-1]:8.3f} / {with_ledger[-1]:8.3f}", flush=True)
    ledger = os.path.join(out, "provenance.sqlite")
    rows, size = sample_rows(ledger), os.path.getsize(ledger)
    a, b = statistics.median(plain), statistics.median(with_ledger)
    extra = b - a
    rate = f"{rows / extra / 1e6:.2f}M sample rows per second of overhead" if extra > 0 else "no measurable overhead"
    print(f"{name:14s} median {a:.3f} s without, {b:.3f} s with the ledger: ratio {b / a:.3f} "
          f"({rows:,} sample rows, {size / 2**20:.1f} MiB; {rate})", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ouro", default="build/apps/ouro/ouro")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--text-generations", type=int, default=3)
    parser.add_argument("--text-replicates", type=int, default=2)
    parser.add_argument("--gaussian-generations", type=int, default=100)
    parser.add_argument("--gaussian-replicates", type=int, default=100)
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if not os.path.exists(args.ouro):
        parser.error(f"--ouro {args.ouro}: not found (build the project first: scripts/build.sh)")

    workdir = tempfile.mkdtemp(prefix="ouro_ledger_cost_")
    print(f"seconds per run, without / with provenance.ledger (threads {args.threads or 'all'})")
    text_config = os.path.join(REPO, "examples", "wikitext2_replace.toml")
    measure("wikitext-2", args.ouro, text_config,
            ["--threads", str(args.threads), "--set", f"run.generations={args.text_generations}",
             "--set", f"run.replicates={args.text_replicates}"], args.repeat, workdir)
    gaussian_config = os.path.join(workdir, "gaussian.toml")
    write_gaussian_config(gaussian_config, args.gaussian_generations, args.gaussian_replicates, 100, args.threads)
    measure("gaussian", args.ouro, gaussian_config, [], args.repeat, workdir)
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
