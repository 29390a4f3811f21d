#!/usr/bin/env bash
# The detector-quality sweep of examples/detector_screen_wikitext2.toml: trains a detector of
# wikitext-2 blocks against generation-0 samples of the loop's model (the generator of
# examples/contamination_wikitext2.sh at the loop's initial size, another seed), reports its
# held-out ROC, then sweeps the screen's miss rate and prints ppl_real and the synthetic share of
# the training set at generation 9 for each cell.
#
#   bash examples/detector_screen_wikitext2.sh OUT_DIR
#
# Uses build/apps/ouro/ouro (scripts/build.sh builds it) or `ouro` on PATH; examples/README.md has
# the measured figures. About 10 minutes on 2 cores.
set -euo pipefail
out=${1:?usage: detector_screen_wikitext2.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
wikitext="$here/../../shared/data/wikitext-2"
ouro="$here/../build/apps/ouro/ouro"
[[ -x $ouro ]] || ouro=$(command -v ouro) || { echo "no ouro binary: run scripts/build.sh" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)

# 1,000 synthetic blocks from an order-3 model of 1,000 training blocks: what generation 0 draws.
"$ouro" run "$here/contamination_wikitext2.toml" --out "$out/generator" --force --quiet \
  --set loop.initial=1000 --set loop.synthetic=1000 --set metrics.text_samples=1000 --set run.seed=12
samples="$out/generator/samples.jsonl"
# Real documents: validation paragraphs of at least 64 words (not headings), their first 64 words.
awk 'NF >= 64 && $1 != "=" { s = $1; for (i = 2; i <= 64; i++) s = s " " $i; print s }' "$wikitext/valid.txt" \
  > "$out/real.txt"
sed -n 1,400p "$out/real.txt" > "$out/train_real.txt"
sed -n 401,800p "$out/real.txt" > "$out/heldout_real.txt"
sed -n 1,400p "$samples" > "$out/train_synthetic.jsonl"
sed -n 401,800p "$samples" > "$out/heldout_synthetic.jsonl"
"$ouro" detector train --reference "$wikitext" --real "$out/train_real.txt" \
  --synthetic "$out/train_synthetic.jsonl" --out "$out/detector.json"
"$ouro" detector eval "$out/detector.json" --real "$out/heldout_real.txt" --synthetic "$out/heldout_synthetic.jsonl"

"$ouro" sweep "$here/detector_screen_wikitext2.toml" --out "$out/sweep" --force --quiet \
  --set filter.0.detector="$out/detector.json"
echo "miss_rate  ppl_real(g=9)  synthetic_share(g=9)"
awk -F, 'NR > 1 && $4 == 9 { v[$2 "," $5] = $6; rates[$2] = 1 }
  END { for (r in rates) printf "%-10s %-14.1f %.3f\n", r, v[r ",ppl_real"], v[r ",synthetic_share"] }' \
  "$out/sweep/sweep.csv" | sort -n
