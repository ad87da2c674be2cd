#!/usr/bin/env bash
# Time per epoch and per step of `descent train` on 1 and 2 processes (mpirun), and the share of
# each step process 0 spends in MPI (communication_seconds of --json, waiting included), for the
# MLP 784-256-10 and a CNN. Fashion-MNIST when installed (scripts/deps.sh reference), else digits.
# Usage: bench/parallel_scaling.sh [path/to/descent] [repeats]   (best of `repeats` runs, default 3)
set -euo pipefail
bin=${1:-build/ci/bin/descent}
repeats=${2:-3}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
data=digits
if "$bin" train --data fashion-mnist --epochs 0 >/dev/null 2>&1; then data=fashion-mnist; fi

# best-of-N: epoch seconds, train rows and communication seconds of one run
measure() {
  local np=$1 model=$2 batch=$3 best=""
  for _ in $(seq "$repeats"); do
    local cmd=("$bin" train --data "$data" --model "$model" --batch-size "$batch" --epochs 1 --threads 1 --json)
    [ "$np" -gt 1 ] && cmd=(mpirun --oversubscribe --bind-to none -np "$np" "${cmd[@]}")
    local line
    line=$("${cmd[@]}" | python3 -c 'import json,sys; d=json.load(sys.stdin); e=d["epochs"][0]
print(e["seconds"], d["train_rows"], d.get("communication_seconds", 0.0))')
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $(cut -d' ' -f1 <<<"$line") < $(cut -d' ' -f1 <<<"$best") else 1)"; then
      best=$line
    fi
  done
  echo "$best"
}

printf '%-32s %6s %3s %10s %10s %10s %10s\n' model batch np epoch_s step_ms comm_share efficiency
for spec in "mlp(hidden=[256])" "cnn(channels=[8,16], hidden=64)"; do
  for batch in 128 512; do
    read -r t1 rows _ < <(measure 1 "$spec" "$batch")
    for np in 1 2; do
      read -r t n comm < <(measure "$np" "$spec" "$batch")
      python3 - "$spec" "$batch" "$np" "$t" "$n" "$comm" "$t1" <<'PY'
import math, sys
spec, batch, np_, t, n, comm, t1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), *map(float, sys.argv[4:])
steps = math.ceil(n / batch)
print(f"{spec:32s} {batch:6d} {np_:3d} {t:10.3f} {1000 * t / steps:10.2f} {comm / t:10.1%} {t1 / (np_ * t):10.1%}")
PY
    done
  done
done
