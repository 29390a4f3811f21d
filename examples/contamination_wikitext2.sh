#!/usr/bin/env bash
# A crowd-work-like corpus whose synthetic share is known, and the share `ouro contamination`
# estimates for it (docs/hygiene.md#ouro-contamination): real wikitext-2 paragraphs (validation and
# test splits, cut to their first 64 words) mixed with 64-token documents that an order-3
# Kneser-Ney model of the training split generated (contamination_wikitext2.toml).
#
#   bash examples/contamination_wikitext2.sh OUT_DIR [SHARE_PERCENT]
#
# The detector's reference models are trained on the training split; it is fitted on 300 real and
# 300 synthetic documents, calibrated on 300 + 300 others, and the corpus holds 1,000 documents of
# which SHARE_PERCENT (default 30) are synthetic, none of them seen before. Uses build/apps/ouro/ouro
# (scripts/build.sh builds it) or `ouro` on PATH; examples/README.md has the measured figures.
set -euo pipefail
out=${1:?usage: contamination_wikitext2.sh OUT_DIR [SHARE_PERCENT]}
share=${2:-30}
[[ $share =~ ^[0-9]+$ && $share -le 100 ]] || { echo "SHARE_PERCENT must be an integer 0-100, got '$share'" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
wikitext="$here/../../shared/data/wikitext-2"
ouro="$here/../build/apps/ouro/ouro"
[[ -x $ouro ]] || ouro=$(command -v ouro) || { echo "no ouro binary: run scripts/build.sh" >&2; exit 2; }
mkdir -p "$out"

# Synthetic documents: the generator's samples, one JSON object per line ("text").
"$ouro" run "$here/contamination_wikitext2.toml" --out "$out/generator" --force --quiet
samples="$out/generator/samples.jsonl"

# Real documents as the same JSON lines: paragraphs of at least 64 words (not headings), first 64
# words, JSON-escaped (wikitext-2 holds no control characters).
real_paragraphs() {
  awk 'NF >= 64 && $1 != "=" { s = $1; for (i = 2; i <= 64; i++) s = s " " $i; print s }' "$@" |
    sed 's/\\/\\\\/g; s/"/\\"/g; s/.*/{"text": "&"}/'
}
real_paragraphs "$wikitext/valid.txt" "$wikitext/test.txt" > "$out/real.jsonl"
lines() { sed -n "$2,$3p" "$1"; }
synthetic_in_corpus=$((share * 10))
real_in_corpus=$((1000 - synthetic_in_corpus))
lines "$out/real.jsonl" 1 300 > "$out/train_real.jsonl"
lines "$samples" 1 300 > "$out/train_synthetic.jsonl"
lines "$out/real.jsonl" 301 600 > "$out/calibration_real.jsonl"
lines "$samples" 301 600 > "$out/calibration_synthetic.jsonl"
{ lines "$out/real.jsonl" 601 $((600 + real_in_corpus)); lines "$samples" 601 $((600 + synthetic_in_corpus)); } > "$out/corpus.jsonl"
available=$(wc -l < "$out/real.jsonl")
(( available >= 600 + real_in_corpus )) || { echo "only $available real paragraphs of 64 words" >&2; exit 1; }

"$ouro" detector train --reference "$wikitext" --real "$out/train_real.jsonl" \
  --synthetic "$out/train_synthetic.jsonl" --out "$out/detector.json"
"$ouro" detector eval "$out/detector.json" --real "$out/calibration_real.jsonl" \
  --synthetic "$out/calibration_synthetic.jsonl"
echo "true synthetic share of the corpus: $synthetic_in_corpus / 1000"
"$ouro" contamination "$out/detector.json" "$out/corpus.jsonl" --real "$out/calibration_real.jsonl" \
  --synthetic "$out/calibration_synthetic.jsonl" --fpr 0.05
