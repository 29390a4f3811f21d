#!/usr/bin/env python3
"""Benchmark: one training step of the VAE, the DDPM's UNet and the transformer, and the transformer's sampling, in ouroboros vs Debian's python3-torch.

A step is what a fit does per minibatch: draw the step's noise, the forward pass and loss, the
backward pass and one Adam update (lr 1e-3, weight decay 1e-5), on a fixed minibatch of 28 x 28
images, one thread each (torch intra-op and BLAS). The C++ side is build/bench/neural_step_bench;
the Python side builds the same networks from the test references (tests/neural/vae_reference.py,
tests/neural/ddpm_reference.py), which the tests prove equal to ouroboros's in loss and
gradients. The two run alternately `--repeat` times so that a busy machine's slow spells fall on
both; it prints each pair's seconds per step, the medians, and the ratio python / ouroboros of the
medians (>= 1.0: ouroboros is at least as fast).

The transformer (tests/neural/transformer_reference.py; vocabulary 8192, 2 blocks, 4 heads, width
128, blocks of 64 tokens, 16 per minibatch) trains with dropout 0.1, gradient clipping to norm 1 and
AdamW, as the family does; `transformer-sample` generates 64 new tokens after a 64-token prompt for
16 rows with a key/value cache, one softmax and one draw per token (ouroboros through its sampler
chain, Python through torch.multinomial). Both report tokens per second too.

Usage: bench/neural_step_bench.py [--bench build/bench/neural_step_bench]
                                  [--models vae ddpm transformer transformer-sample]
                                  [--batch N] [--steps 20] [--repeat 3]
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
import transformer_reference  # noqa: E402
import vae_reference  # noqa: E402

STEPS_T = 1000  # the ddpm's default training steps (only the index range of t)
MODELS = ["vae", "ddpm", "transformer", "transformer-sample"]
DEFAULT_BATCH = {"vae": 128, "ddpm": 128, "transformer": 16, "transformer-sample": 16}
VOCAB, LAYERS, HEADS, WIDTH, BLOCK = 8192, 2, 4, 128, 64


def seconds_per_call(step, steps, warmup):
    """Seconds per call of `step` over `steps` calls after `warmup` untimed ones."""
    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) / steps


def gpt2(dropout):
    return transformer_reference.Gpt2(VOCAB, LAYERS, HEADS, WIDTH, 2 * BLOCK + 1, dropout)


def python_transformer_seconds(model, batch, steps, warmup=3):
    """Seconds per training step or per sampling call of the transformer (see the module comment)."""
    torch.set_num_threads(1)
    torch.manual_seed(1)
    if model == "transformer":
        net = gpt2(0.1).train()
        adamw = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-5)
        ids = torch.randint(3, VOCAB, (batch, BLOCK))
        targets = torch.randint(3, VOCAB, (batch, BLOCK))

        def step():
            adamw.zero_grad()
            loss = torch.nn.functional.cross_entropy(net(ids).reshape(-1, VOCAB), targets.reshape(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            adamw.step()
    else:
        net = gpt2(0.0).eval()
        prompts = torch.randint(3, VOCAB, (batch, BLOCK + 1))

        @torch.no_grad()
        def step():
            cache = [[None, None] for _ in range(LAYERS)]
            logits = net(prompts, cache)[:, -1]
            for _ in range(BLOCK):
                token = torch.multinomial(torch.softmax(logits.double(), -1), 1)
                logits = net(token, cache)[:, -1]
    return seconds_per_call(step, steps, warmup)


def python_step_seconds(model, batch, steps, warmup=3):
    if model.startswith("transformer"):
        return python_transformer_seconds(model, batch, steps, warmup)
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
    return seconds_per_call(step, steps, warmup)


def ouro_step_seconds(bench, model, batch, steps):
    out = subprocess.run([bench, model, "--batch", str(batch), "--steps", str(steps)], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)["seconds_per_step"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", default=os.path.join(HERE, "..", "build", "bench", "neural_step_bench"))
    parser.add_argument("--models", nargs="+", default=MODELS, choices=MODELS)
    parser.add_argument("--batch", type=int, help="minibatch (rows); default 128 for images, 16 for tokens")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not os.path.exists(args.bench):
        sys.exit(f"neural_step_bench.py: {args.bench} not found; build it with cmake --build build --target neural_step_bench")
    for model in args.models:
        batch = args.batch or DEFAULT_BATCH[model]
        ours, theirs = [], []
        for r in range(args.repeat):
            ours.append(ouro_step_seconds(args.bench, model, batch, args.steps))
            theirs.append(python_step_seconds(model, batch, args.steps))
            print(f"{model} pair {r + 1}: ouroboros {ours[-1] * 1e3:.1f} ms/step, python3-torch {theirs[-1] * 1e3:.1f} ms/step")
        o, t = statistics.median(ours), statistics.median(theirs)
        tokens = f", {batch * BLOCK / o:.0f} vs {batch * BLOCK / t:.0f} tokens/s" if model.startswith("transformer") else ""
        print(f"{model}: median ouroboros {o * 1e3:.1f} ms/step, python3-torch {t * 1e3:.1f} ms/step{tokens}, "
              f"ratio python/ouroboros {t / o:.2f} (pairs {min(a / b for a, b in zip(theirs, ours)):.2f}"
              f"-{max(a / b for a, b in zip(theirs, ours)):.2f})")


if __name__ == "__main__":
    main()
