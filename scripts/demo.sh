#!/usr/bin/env bash
# Builds ouroboros and runs the demo experiment: Shumailov et al.'s single-Gaussian collapse
# (fully synthetic loop, MLE fits on 100 samples, 1000 generations, 200 replicates), with the
# closed-form expectation printed beside every measured mean.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
./build/apps/ouro/ouro run examples/demo.toml --out out/demo --force
