#!/usr/bin/env bash
# Builds ouroboros under a sanitizer and runs the default test suite (every test not labelled
# `slow`) with it, so that a memory error, undefined behaviour, a leak or a data race fails the run.
#
#   scripts/sanitize.sh            # address: AddressSanitizer + UndefinedBehaviorSanitizer, build-asan/
#   scripts/sanitize.sh thread     # thread: ThreadSanitizer, build-tsan/
#
# Installs the Debian packages first, like build.sh; the CMake option is OURO_SANITIZE, the build
# type RelWithDebInfo (see the sanitizer block of CMakeLists.txt), the compiler clang++. The address
# build also builds the fuzz targets (-DOURO_FUZZ=ON), so that CI's fuzz smoke run
# (scripts/fuzz.sh --smoke --build-dir build-asan) needs no second build of the libraries. Benchmarks are not built (nothing
# runs them here). Every report is fatal: halt_on_error for each sanitizer, and
# -fno-sanitize-recover=undefined for UBSan. A report from an `ouro` run inside a CLI test fails
# that test too, even where the test expects `ouro` to fail (tests/support/cli_runner.hpp looks for
# one in the output).
#
# The neural library is left out (-DOURO_TORCH=OFF): the sanitizer runtimes refuse libraries opened
# with RTLD_DEEPBIND, which the plugin needs (docs/neural.md), and LibTorch itself is not
# instrumented. Its tests run in the normal build (scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# ThreadSanitizer slows code 5-15x and only finds races where threads run, so thread mode builds and
# runs just the suites labelled `parallel` (tests/CMakeLists.txt): parallel_for, RunJob and the
# finished log's concurrent appends (test_core, test_loop), `ouro run`/`sweep`/`threshold`/`phase`
# with --threads 2 and their kills and resumes (test_cli, test_sweep, test_threshold, test_phase),
# filtered runs at several thread counts (test_filters) and the distribution metrics' parallel
# kernels (test_distribution, test_distribution_cli). The other suites run on one thread.
parallel_suites=(test_core test_loop test_cli test_sweep test_threshold test_phase test_filters test_distribution
  test_distribution_cli)

mode="${1:-address}"
# The address run leaves out the tests labelled `slurm` and `browser`: they check ouroboros against
# outside programs (Slurm's daemons, a headless Chromium), which the sanitizers do not instrument,
# and the `ouro` commands they run are run by the CLI tests of the same suite.
case "$mode" in
  address) dir=build-asan; targets=(all); labels=(-LE 'slow|slurm|browser'); fuzz=(-DOURO_FUZZ=ON) ;;
  thread) dir=build-tsan; targets=("${parallel_suites[@]}"); labels=(-L parallel -LE slow); fuzz=() ;;
  *) echo "sanitize.sh: unknown sanitizer '$mode'; expected address or thread" >&2; exit 2 ;;
esac

bash scripts/install-deps.sh
cmake -S . -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DOURO_SANITIZE="$mode" "${fuzz[@]}" -DOURO_BUILD_BENCHMARKS=OFF -DOURO_TORCH=OFF
cmake --build "$dir" -j "$(nproc)" --target "${targets[@]}"

# The options reach every process a test starts too (the CLI tests run $dir/apps/ouro/ouro).
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"

ctest --test-dir "$dir" "${labels[@]}" --output-on-failure -j "$(nproc)" --timeout 900
