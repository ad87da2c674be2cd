#!/usr/bin/env bash
# Installs what is missing, builds a release and runs descent's main job.
# The binary lands in build/release/bin/descent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh run
cmake --preset release >/dev/null
cmake --build --preset release
bin=build/release/bin/descent
echo
echo "== descent diff 'x^2 + 2*x + 3' x"
$bin diff 'x^2 + 2*x + 3' x
echo
echo "== descent grad '3*x^2*y + z*y - x' --at x=1,y=1,z=1"
$bin grad '3*x^2*y + z*y - x' --at x=1,y=1,z=1
