#!/usr/bin/env bash
# Writes the pictures of docs/gallery.md (docs/gallery/*.png) with the descent CLI.
# Usage: scripts/gallery.sh [path/to/descent]   (default: build/release/bin/descent, built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
descent=${1:-build/release/bin/descent}
if [[ ! -x "$descent" ]]; then
  cmake --preset release >/dev/null
  cmake --build --preset release -j "$(nproc)" --target descent_cli
fi
out=docs/gallery
mkdir -p "$out"
run() { echo "+ descent $*"; "$descent" "$@" >/dev/null; }

# The course's f(x) = x^2 from x = 10: a small, a good and a too-large learning rate.
run plot 'x^2' --at x=10 --optimizer 'gd(lr=0.05)' --optimizer 'gd(lr=0.2)' --optimizer 'gd(lr=1.1)' \
  --steps 10 --out "$out/x2_learning_rates.png"
# f = 3x^2 + y^2 from (1, 1), gd lr 0.1, with the negative gradient field.
run plot '3*x^2 + y^2' --at x=1,y=1 --optimizer 'gd(lr=0.1)' --steps 20 --arrows \
  --range x=-1.5:1.5,y=-1.5:1.5 --out "$out/quadratic_gd.png"
# An ill-conditioned bowl: lr 0.4 crawls along x1, lr 0.6 diverges along x2, momentum copes.
run plot '0.1*x1^2 + 2*x2^2' --at x1=-5,x2=-2 --optimizer 'gd(lr=0.4)' --optimizer 'gd(lr=0.6)' \
  --optimizer 'momentum(lr=0.6, momentum=0.5)' --steps 20 --range x1=-6:2,x2=-4:4 --out "$out/ill_conditioned.png"
# Rosenbrock's banana valley: five optimizers from the standard start (-1.2, 1).
run plot rosenbrock --optimizer 'gd(lr=0.001)' --optimizer 'momentum(lr=0.0005)' \
  --optimizer 'sgd(lr=0.0005, momentum=0.9, nesterov=true)' --optimizer 'adam(lr=0.05)' --optimizer lbfgs \
  --steps 3000 --out "$out/rosenbrock.png"
# Newer rules against Adam on Rosenbrock: Lion (sign steps of size lr) and schedule-free AdamW/SGD.
run plot rosenbrock --optimizer 'adam(lr=0.02)' --optimizer 'lion(lr=0.003)' \
  --optimizer 'adamw_schedulefree(lr=0.02)' --optimizer 'sgd_schedulefree(lr=0.002, r=2)' \
  --steps 3000 --out "$out/newer_optimizers.png"
# One minimize run with its convergence panel.
run minimize rosenbrock --optimizer 'adam(lr=0.05)' --steps 3000 --plot "$out/minimize_rosenbrock.png"
# Training on the digits: loss and accuracy per epoch.
run train --data digits --model 'mlp(hidden=[64])' --optimizer 'adam(lr=0.001)' --epochs 30 \
  --plot "$out/digits_training.png"
# Loss landscapes of a small MLP on the digits (Li et al. 2018).
run landscape --data digits --model 'mlp(hidden=[32])' --epochs 10 --out "$out/landscape_2d.png"
run landscape --data digits --model 'mlp(hidden=[32])' --epochs 10 --1d --out "$out/landscape_1d.png"
# SVRG against SGD on regularized logistic regression (examples/svrg_vs_sgd.cpp, the plot module).
examples=$(dirname "$descent")/../examples
if [[ ! -x "$examples/example_svrg_vs_sgd" ]]; then
  cmake --build --preset release -j "$(nproc)" --target example_svrg_vs_sgd
fi
echo "+ example_svrg_vs_sgd"
"$examples/example_svrg_vs_sgd" "$out/svrg_vs_sgd.png" >/dev/null
# The page of `descent serve` racing on Rosenbrock: a screenshot from the browser test.
if [[ -d tests/browser/node_modules/puppeteer-core ]] && command -v chromium >/dev/null; then
  echo "+ node tests/browser/race.test.mjs"
  bin=$(realpath "$descent")
  dir=$(realpath "$out")
  (cd tests/browser && node race.test.mjs "$bin" "$dir")
fi
echo "wrote $(ls "$out"/*.png | wc -l) pictures to $out"
