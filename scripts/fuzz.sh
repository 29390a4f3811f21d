#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, docs/fuzzing.md) with clang, ASan and UBSan into build-fuzz/
# and runs each for a while on a scratch copy of its seed corpus.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   default 60 s, every target
#   scripts/fuzz.sh --smoke [TARGET...]                 5 s per target
#   scripts/fuzz.sh --smoke --build-dir build-asan      CI: the targets scripts/sanitize.sh built
#
# --build-dir DIR runs the targets of an existing build folder configured with -DOURO_FUZZ=ON (an
# address-sanitizer build: its libraries carry no coverage, so the run is unguided; CMakeLists.txt)
# instead of configuring build-fuzz/.
# New corpus entries go to build-fuzz/corpus-run/<target>/ (never into the repository's
# fuzz/corpus/); crashes, leaks, timeouts and out-of-memory inputs to build-fuzz/artifacts/<target>/.
# Prints per target the inputs executed and the crashes; exits non-zero when any target found one.
# OURO_FUZZ_JOBS (default 2) is the number of targets built in parallel.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
build=build-fuzz
if [ "${1:-}" = "--smoke" ]; then
  seconds=5
  shift
elif [[ "${1:-}" =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
if [ "${1:-}" = "--build-dir" ]; then
  [ -n "${2:-}" ] && [ -f "$2/CMakeCache.txt" ] || { echo "fuzz.sh: --build-dir needs a configured build folder; got '${2:-}'" >&2; exit 2; }
  grep -q '^OURO_FUZZ:BOOL=ON' "$2/CMakeCache.txt" || { echo "fuzz.sh: $2 was not configured with -DOURO_FUZZ=ON" >&2; exit 2; }
  build=$2
  shift 2
fi

all_targets=(fuzz_config_toml fuzz_config_set fuzz_npy fuzz_csv fuzz_idx fuzz_report_csv fuzz_corpus fuzz_samples_jsonl
             fuzz_json_state fuzz_checkpoint fuzz_finished_log fuzz_safetensors fuzz_gpt2_tokenizer)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "fuzz.sh: unknown target '$t' (one of: ${all_targets[*]})" >&2; exit 2; }
done

bash scripts/install-deps.sh
if [ "$build" = build-fuzz ]; then
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOURO_FUZZ=ON \
    -DOURO_BUILD_TESTS=OFF -DOURO_BUILD_BENCHMARKS=OFF -DOURO_TORCH=OFF
fi
cmake --build "$build" -j "${OURO_FUZZ_JOBS:-2}" --target "${targets[@]}"

# Leak checking stays off: the targets' static scratch paths and the libraries' caches are not
# leaks worth a finding, and a run killed by -max_total_time is not one either.
export ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"

failed=()
summary=()
for t in "${targets[@]}"; do
  scratch="$build/corpus-run/$t"
  artifacts="$build/artifacts/$t"
  log="$build/logs/$t.log"
  mkdir -p "$scratch" "$artifacts" "$(dirname "$log")"
  cp -n fuzz/corpus/"$t"/* "$scratch"/ 2>/dev/null || true
  dict=()
  [ -f "fuzz/$t.dict" ] && dict=("-dict=fuzz/$t.dict")
  before=$(find "$artifacts" -type f | wc -l)
  echo "== $t: ${seconds}s"
  status=0
  "$build/fuzz/$t" "$scratch" "${dict[@]}" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1 || status=$?
  executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  crashes=$(( $(find "$artifacts" -type f | wc -l) - before ))
  summary+=("$(printf '%-20s %12s executions %3d new crash files  exit %d' "$t" "${executed:-?}" "$crashes" "$status")")
  if [ "$status" -ne 0 ] || [ "$crashes" -gt 0 ]; then
    failed+=("$t")
    echo "   finding; the log's end ($log):"
    tail -n 30 "$log" | sed 's/^/   | /'
  fi
done

echo
echo "fuzz.sh: ${seconds}s per target"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: findings in ${failed[*]}; inputs under $build/artifacts/ (docs/fuzzing.md: turning one into a test)"
  exit 1
fi
echo "fuzz.sh: no findings"
