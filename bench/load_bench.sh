#!/usr/bin/env bash
# Loading Fashion-MNIST (70,000 images), whole process: `descent train --data fashion-mnist
# --epochs 0`, against `gzip -dc` inflating the same four files, in the same run; prints the
# ratio of wall times (best of `repeats` each) and the CPU seconds beside them.
# Needs Debian's dataset-fashion-mnist (scripts/deps.sh reference).
# Usage: bench/load_bench.sh [path/to/descent] [repeats]
set -euo pipefail
bin=${1:-build/bench/bin/descent}
repeats=${2:-5}
dir=/usr/share/datasets/fashion-mnist
files=("$dir"/train-images-idx3-ubyte.gz "$dir"/train-labels-idx1-ubyte.gz
       "$dir"/t10k-images-idx3-ubyte.gz "$dir"/t10k-labels-idx1-ubyte.gz)
for f in "${files[@]}"; do
  [ -r "$f" ] || { echo "missing $f: install dataset-fashion-mnist" >&2; exit 1; }
done

# best-of-N "wall_seconds cpu_seconds" of a command (its output discarded)
measure() {
  local best="" TIMEFORMAT='%3R %3U %3S'
  for _ in $(seq "$repeats"); do
    local wall user sys
    read -r wall user sys <<<"$({ time "$@" >/dev/null 2>&1; } 2>&1 | tail -1)"
    if [ -z "$best" ] || awk -v a="$wall" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then
      best="$wall $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')"
    fi
  done
  echo "$best"
}

inflate() { for f in "${files[@]}"; do gzip -dc "$f"; done; }
read -r gz_wall gz_cpu <<<"$(measure inflate)"
read -r load_wall load_cpu <<<"$(measure "$bin" train --data fashion-mnist --epochs 0)"
printf '%-36s %8s %8s\n' what wall_s cpu_s
printf '%-36s %8s %8s\n' "gzip -dc (4 files)" "$gz_wall" "$gz_cpu"
printf '%-36s %8s %8s\n' "descent train --epochs 0" "$load_wall" "$load_cpu"
awk -v a="$load_wall" -v b="$gz_wall" 'BEGIN { printf "ratio (wall): %.2fx gzip -dc\n", a / b }'
