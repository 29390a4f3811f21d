#!/usr/bin/env bash
# Builds ouroboros and runs the default test suite (every test not labelled `slow`).
# Run the slow Monte-Carlo checks too with:  ctest --test-dir build -L slow
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --test-dir build -LE slow --output-on-failure -j "$(nproc)" --timeout 900
