#!/usr/bin/env bash
# Configures and builds ouroboros (Release) into build/, installing the Debian packages it needs
# first. Used by demo.sh and test.sh; safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$(nproc)"
