#!/usr/bin/env python3
"""What durable writes cost: `ouro run` with its fsyncs against the same run with them turned off.

ouro syncs every result file (metrics.csv, composition.csv, theory.csv, run.json, the report) and
its folder before run.json names the run finished, and syncs the finished-replicate log and the
part-way checkpoints at most once a second. This benchmark runs the Gaussian loop of
bench/gaussian_loop_numpy.py (1-D, MLE, n = 100; 1000 generations x 1000 replicates by default)
with the default checkpointing (finished replicates only, until a replicate has run 30 s) and with
`--checkpoint-every 10` (a part-way checkpoint of every replicate every 10 generations), each
with and without build/bench/libno_sync_shim.so preloaded (fsync and fdatasync made no-ops),
alternating `--repeat` times. It prints every time, the medians and the ratio synced / unsynced
per mode: the cost of durability, measured in the same run.

Usage: bench/sync_cost.py [--ouro build/apps/ouro/ouro] [--shim build/bench/libno_sync_shim.so]
                          [--generations 1000] [--replicates 1000] [--threads 0] [--repeat 3]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time


def write_config(path, generations, replicates, threads):
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
initial = 100
synthetic = 100
[metrics]
test_samples = 1000
""")


def timed_run(ouro, config, out, flags, shim):
    shutil.rmtree(out, ignore_errors=True)
    os.sync()  # no dirty pages of the previous run written back under this one
    env = dict(os.environ)
    if shim:
        env["LD_PRELOAD"] = shim
    start = time.perf_counter()
    subprocess.run([ouro, "run", config, "--out", out, "--quiet", "--no-report"] + flags, check=True, env=env)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ouro", default="build/apps/ouro/ouro")
    parser.add_argument("--shim", default="build/bench/libno_sync_shim.so")
    parser.add_argument("--generations", type=int, default=1000)
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if not os.path.exists(args.shim):
        parser.error(f"--shim {args.shim}: not found (build the no_sync_shim target)")
    shim = os.path.abspath(args.shim)

    workdir = tempfile.mkdtemp(prefix="ouro_sync_cost_")
    config = os.path.join(workdir, "gaussian.toml")
    write_config(config, args.generations, args.replicates, args.threads)
    out = os.path.join(workdir, "run")
    modes = {"default checkpoints": [], "--checkpoint-every 10": ["--checkpoint-every", "10"]}
    print(f"Gaussian loop, {args.generations} generations x {args.replicates} replicates, "
          f"threads {args.threads or 'all'}; seconds per run (synced / fsync disabled)")
    for name, flags in modes.items():
        synced, unsynced = [], []
        for _ in range(args.repeat):
            synced.append(timed_run(args.ouro, config, out, flags, None))
            unsynced.append(timed_run(args.ouro, config, out, flags, shim))
            print(f"  {name:22s} {synced[-1]:7.3f} / {unsynced[-1]:7.3f}")
        a, b = statistics.median(synced), statistics.median(unsynced)
        print(f"{name:24s} median {a:.3f} s synced, {b:.3f} s without syncs: ratio {a / b:.3f}")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
