#!/usr/bin/env bash
# The new-user path of README.md, run end to end: every `build/apps/ouro/ouro ...` command shown in
# the README's ```sh blocks runs as written (the demo, a sweep, a report, figures), at a reduced
# size and into a scratch folder, and must exit 0 and leave the files the README says it writes.
# Commands are read from the README itself, so a command the README shows and the tool no longer
# takes fails here.
#
# Usage: readme_commands.sh OURO_BINARY README.md
# Reduced size: --replicates and run.generations are appended to `run` and `sweep` commands (the
# README's figures are for the full size; this checks the path, not the numbers).
set -euo pipefail

ouro="$1"
readme="$2"
root="$(cd "$(dirname "$readme")" && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# Commands that need the user's own files: the README shows them as a pattern, not a step to copy.
needs_user_files='real_features\.npy|generated_features\.npy'

commands=()
while IFS= read -r line; do
  commands+=("$line")
done < <(awk '/^```sh/{inside=1; next} /^```/{inside=0} inside && /^build\/apps\/ouro\/ouro /' "$readme")

if [ ${#commands[@]} -lt 3 ]; then
  echo "readme_commands: found ${#commands[@]} ouro commands in $readme; expected the demo, a sweep and more" >&2
  exit 1
fi

ran=0
for command in "${commands[@]}"; do
  # Drop a trailing comment, and point the README's out/ folder at the scratch folder.
  command="${command%%#*}"
  if [[ "$command" =~ $needs_user_files ]]; then
    echo "readme_commands: skipped (needs the user's files): $command"
    continue
  fi
  command="${command//--out out\//--out $scratch/}"
  command="${command// out\// $scratch/}"
  read -r -a words <<<"$command"
  words[0]="$ouro"
  case "${words[1]}" in
    run | sweep) words+=(--replicates 8 --set run.generations=40) ;;
  esac
  echo "readme_commands: ${words[*]}"
  status=0
  (cd "$root" && "${words[@]}") >"$scratch/last.log" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    cat "$scratch/last.log" >&2
    echo "readme_commands: failed (exit $status): $command" >&2
    exit 1
  fi
  ran=$((ran + 1))
done

# What the README says the demo writes.
for file in metrics.csv theory.csv composition.csv run.json report.html; do
  [ -s "$scratch/demo/$file" ] || { echo "readme_commands: the demo left no $file in $scratch/demo" >&2; exit 1; }
done
# The README plots the demo's charts: the figures must be there and be PDFs (or SVG/PNG, by name).
if grep -q '^build/apps/ouro/ouro plot out/demo' "$readme"; then
  figures=("$scratch"/demo/figures/*)
  [ -s "${figures[0]}" ] || { echo "readme_commands: ouro plot left no figure in $scratch/demo/figures" >&2; exit 1; }
  for figure in "${figures[@]}"; do
    case "$figure" in
      *.pdf) [ "$(head -c 5 "$figure")" = "%PDF-" ] || { echo "readme_commands: $figure is not a PDF" >&2; exit 1; } ;;
    esac
  done
fi
echo "readme_commands: $ran README commands ran"
