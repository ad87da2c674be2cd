#!/usr/bin/env bash
# Installs, from Debian's packages, what descent needs and is missing.
# Usage: scripts/deps.sh [run|test|reference]
#   run       : what building and running needs (the Python package too: pybind11, python3-dev, numpy)
#   test      : also the sanitizer and fuzzing tool chain (clang 14), the Python tests' pytest, scipy,
#               and the browser test's chromium, nodejs and npm (then `npm ci` in tests/browser)
#   reference : also the reference tools that regenerate tests/reference/*.json and run the
#               PyTorch baselines of bench/ (python3-torch, numpy, sympy, fashion-mnist)
set -euo pipefail
mode=${1:-run}
packages=(build-essential cmake ninja-build pkg-config libeigen3-dev libcli11-dev nlohmann-json3-dev
          libfmt-dev zlib1g-dev libdeflate-dev libcairo2-dev libgtest-dev libgmock-dev
          libbenchmark-dev libgccjit-12-dev pybind11-dev python3-dev python3-numpy openmpi-bin
          libopenmpi-dev libcpp-httplib-dev)
if [ "$mode" = test ] || [ "$mode" = reference ]; then
  packages+=(clang-14 libclang-rt-14-dev libomp-14-dev python3-pytest python3-scipy chromium)
  # Node.js from Debian unless a node and npm are already there (NodeSource's nodejs bundles npm
  # and conflicts with Debian's npm package).
  command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
fi
if [ "$mode" = reference ]; then
  packages+=(python3 python3-numpy python3-sympy python3-torch libopenblas0-pthread dataset-fashion-mnist)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "descent: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ "$mode" = test ] || [ "$mode" = reference ]; then
  # The browser test's puppeteer-core, as locked in tests/browser/package-lock.json; it drives
  # Debian's chromium and downloads no browser. Installed again only when the lock file changed.
  (cd "$(dirname "$0")/../tests/browser" &&
   { [ node_modules/.package-lock.json -nt package-lock.json ] ||
     PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --silent; })
fi
