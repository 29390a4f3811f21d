#!/usr/bin/env python3
"""Benchmark: one training step of the VAE and the DDPM's UNet in ouroboros vs Debian's python3-torch.

A step is what a fit does per minibatch: draw the step's noise, the forward pass and loss, the
backward pass and one Adam update (lr 1e-3, weight decay 1e-5), on a fixed minibatch of 28 x 28
images, one thread each (torch intra-op and BLAS). The C++ side is build/bench/neural_step_bench;
the Python side builds the same networks from the test references (tests/neural/vae_reference.py,
tests/neural/ddpm_reference.py), which the tests prove equal to ouroboros's in loss and
gradients. The two run alternately `--repeat` times so that a busy machine's slow spells fall on
both; it prints each pair's seconds per step, the medians, and the ratio python / ouroboros of the
medians (>= 1.0: ouroboros is at least as fast).

Usage: bench/neural_step_bench.py [--bench build/bench/neural_step_bench] [--models vae ddpm]
                                  [--batch 128] [--steps 20] [--repeat 3]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "neural"))
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import torch  # noqa: E402

import ddpm_reference  # noqa: E402
import vae_reference  # noqa: E402

STEPS_T = 1000  # the ddpm's default training steps (only the index range of t)


def python_step_seconds(model, batch, steps, warmup=3):
    torch.set_num_threads(1)
    torch.manual_seed(1)
    pixels = torch.rand(batch, 1, 28, 28)
    if model == "vae":
        net = vae_reference.Vae(1, 28, 28, 64, 20)

        def loss():
            return net.loss(pixels, torch.randn(batch, 20))
    else:
        net = ddpm_reference.Unet(1, 32, 10)
        x0 = pixels * 2 - 1
        labels = torch.randint(0, 11, (batch,))
        alpha_bars = torch.linspace(0.9999, 0.0001, STEPS_T)

        def loss():
            t = torch.randint(0, STEPS_T, (batch,))
            eps = torch.randn_like(x0)
            a = alpha_bars[t].sqrt()[:, None, None, None]
            s = (1 - alpha_bars[t]).sqrt()[:, None, None, None]
            return torch.nn.functional.mse_loss(net(a * x0 + s * eps, t, labels), eps)
    adam = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-5)

    def step():
        adam.zero_grad()
        loss().backward()
        adam.step()
    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) / steps


def ouro_step_seconds(bench, model, batch, steps):
    out = subprocess.run([bench, model, "--batch", str(batch), "--steps", str(steps)], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)["seconds_per_step"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", default=os.path.join(HERE, "..", "build", "bench", "neural_step_bench"))
    parser.add_argument("--models", nargs="+", default=["vae", "ddpm"], choices=["vae", "ddpm"])
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not os.path.exists(args.bench):
        sys.exit(f"neural_step_bench.py: {args.bench} not found; build it with cmake --build build --target neural_step_bench")
    for model in args.models:
        ours, theirs = [], []
        for r in range(args.repeat):
            ours.append(ouro_step_seconds(args.bench, model, args.batch, args.steps))
            theirs.append(python_step_seconds(model, args.batch, args.steps))
            print(f"{model} pair {r + 1}: ouroboros {ours[-1] * 1e3:.1f} ms/step, python3-torch {theirs[-1] * 1e3:.1f} ms/step")
        o, t = statistics.median(ours), statistics.median(theirs)
        print(f"{model}: median ouroboros {o * 1e3:.1f} ms/step, python3-torch {t * 1e3:.1f} ms/step, "
              f"ratio python/ouroboros {t / o:.2f} (pairs {min(a / b for a, b in zip(theirs, ours)):.2f}"
              f"-{max(a / b for a, b in zip(theirs, ours)):.2f})")


if __name__ == "__main__":
    main()
