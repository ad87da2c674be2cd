#!/usr/bin/env bash
# Installs what is missing, builds a release and runs descent's main job: training the default
# model on the embedded digits data set (then a taste of the formula side).
# The binary lands in build/release/bin/descent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh run
cmake --preset release >/dev/null
cmake --build --preset release
bin=build/release/bin/descent
echo
echo "== descent train            (default: mlp on the embedded digits set)"
$bin train
echo
echo "== descent diff 'x^2 + 2*x + 3' x"
$bin diff 'x^2 + 2*x + 3' x
echo
echo "== descent minimize '3*x^2 + y^2' --at x=1,y=1 --optimizer 'gd(lr=0.1)' --steps 2"
$bin minimize '3*x^2 + y^2' --at x=1,y=1 --optimizer 'gd(lr=0.1)' --steps 2
echo
echo "== descent minimize rosenbrock --optimizer 'lbfgs(line_search_fn=strong_wolfe)' --steps 10"
$bin minimize rosenbrock --optimizer 'lbfgs(line_search_fn=strong_wolfe)' --steps 10
