#!/usr/bin/env bash
# Installs the Debian packages ouroboros needs to build, test, benchmark and fuzz (LibTorch for the
# neural families, with libopenblas0-pthread, which it must have to run at speed; clang and its
# libFuzzer/sanitizer runtimes, libclang-rt-14-dev, for scripts/fuzz.sh; pybind11, pytest, pandas
# and matplotlib for the Python package; slurm-wlm and munge for the test of `ouro sweep --slurm`
# against a real Slurm, which starts its own daemons), and the npm bundles the report draws its
# charts with.
#
# Safe to run repeatedly: it asks dpkg which packages are missing and installs only those, so a
# machine that already has everything does no network work at all. Runs as root directly, or
# through sudo when invoked by an ordinary user.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libeigen3-dev libcli11-dev libtomlplusplus-dev nlohmann-json3-dev
  libfmt-dev libspdlog-dev librandom123-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libsentencepiece-dev libicu-dev libxxhash-dev zlib1g-dev libpng-dev libsqlite3-dev
  libopenblas-dev libopenblas0-pthread
  libtorch-dev python3-torch
  python3 python3-numpy python3-scipy python3-sklearn python3-pil python3-regex
  pybind11-dev python3-pytest python3-pandas python3-matplotlib
  slurm-wlm munge
  chromium
  clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# npm (with node) for the report's bundles; a node installed outside Debian (which conflicts with
# Debian's npm package) is used as it is.
if ! command -v npm >/dev/null; then
  missing+=(npm)
fi

install_packages() {
  if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages already installed"
    return
  fi
  echo "install-deps: installing ${missing[*]}"
  local sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install packages" >&2; exit 1; }
    sudo_cmd=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# The report's charts: Vega, Vega-Lite and vega-embed bundles from the npm registry, pinned, under
# third_party/vega (git-ignored). src/report/CMakeLists.txt compiles them into the binary, so rerun
# cmake after this step. Skipped when the pinned versions are already there.
install_vega() {
  local root dir
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  dir="$root/third_party/vega"
  local pins=(vega@5.33.1 vega-lite@5.23.0 vega-embed@6.29.0)
  local have=1 pin
  for pin in "${pins[@]}"; do
    local name="${pin%@*}" version="${pin##*@}"
    grep -q "\"version\": \"$version\"" "$dir/node_modules/$name/package.json" 2>/dev/null || have=0
    [ -f "$dir/node_modules/$name/build/$name.min.js" ] || have=0
  done
  if [ "$have" -eq 1 ]; then
    echo "install-deps: ${pins[*]} already in third_party/vega"
    return
  fi
  echo "install-deps: npm install ${pins[*]} into third_party/vega"
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --save-exact "${pins[@]}"
}

install_packages
install_vega
