#!/usr/bin/env bash
# Installs, from Debian's packages, what descent needs and is missing. Usage: scripts/deps.sh [run|test]
#   run  : what building and running needs
#   test : also the test, sanitizer and fuzzing tool chain, and the reference tools
set -euo pipefail
mode=${1:-run}
packages=(build-essential cmake ninja-build pkg-config libeigen3-dev libcli11-dev nlohmann-json3-dev
          libfmt-dev zlib1g-dev libcairo2-dev libgtest-dev libgmock-dev libbenchmark-dev)
if [ "$mode" = test ]; then
  packages+=(clang-14 libclang-rt-14-dev libomp-14-dev python3 python3-numpy python3-sympy)
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
