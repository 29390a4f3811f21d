#!/usr/bin/env bash
# Runs every example config (or the ones named) into out/examples/<name>/ and records each run's
# wall time in out/examples/timings.csv, so the figures in examples/README.md can be reproduced.
# A config with a script of its own name (examples/NAME.sh) is part of that script's experiment
# (it needs files the script makes first) and is left to it.
#
# Usage: scripts/examples.sh [examples/NAME.toml ...]   (extra `ouro run` flags via OURO_FLAGS)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/apps/ouro/ouro ] || bash scripts/build.sh
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(examples/*.toml)
mkdir -p out/examples
timings=out/examples/timings.csv
[ -f "$timings" ] || echo "example,seconds" > "$timings"
for config in "${configs[@]}"; do
  name=$(basename "$config" .toml)
  if [ -f "examples/$name.sh" ]; then
    printf '%-48s run by examples/%s.sh\n' "$name" "$name"
    continue
  fi
  start=$(date +%s%N)
  # shellcheck disable=SC2086
  ./build/apps/ouro/ouro run "$config" --out "out/examples/$name" --force ${OURO_FLAGS:-} \
    > "out/examples/$name.summary.txt"
  seconds=$(awk -v ns=$(( $(date +%s%N) - start )) 'BEGIN { printf "%.1f", ns / 1e9 }')
  echo "$name,$seconds" >> "$timings"
  printf '%-48s %8s s\n' "$name" "$seconds"
done
