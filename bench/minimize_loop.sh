#!/usr/bin/env bash
# Whole-process cost per step of `descent minimize` (Adam on the 2-D Rosenbrock formula, 1e6 and
# 1e7 steps, with --jit off and the default --jit auto) against, in the same run, the
# hand-written loop bench/minimize_loop_hand.cpp (objective, gradient and Adam inline; built
# with the benchmarks as descent_minimize_loop_hand). lr = 1e-7 keeps the run on the curved
# valley for all 1e7 steps (larger rates land exactly on (1, 1) and stop converged).
# Per step: (user + sys CPU seconds) / steps, best of `repeats` runs; wall seconds beside it.
# Usage: bench/minimize_loop.sh [path/to/descent] [path/to/descent_minimize_loop_hand] [repeats]
set -euo pipefail
bin=${1:-build/bench/bin/descent}
hand=${2:-build/bench/bench/descent_minimize_loop_hand}
repeats=${3:-3}
lr=1e-7

# best-of-N "cpu_seconds wall_seconds" of a command
measure() {
  local best_cpu="" best_wall="" TIMEFORMAT='%3U %3S %3R'
  for _ in $(seq "$repeats"); do
    local t
    t=$({ time "$@" >/dev/null; } 2>&1 | tail -1)
    read -r user sys wall <<<"$t"
    local cpu
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')
    if [ -z "$best_cpu" ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN { exit !(a < b) }'; then
      best_cpu=$cpu best_wall=$wall
    fi
  done
  echo "$best_cpu $best_wall"
}

ns() { awk -v s="$1" -v n="$2" 'BEGIN { printf "%.1f", s * 1e9 / n }'; }

printf '%-10s %-12s %12s %10s %14s\n' steps program ns_per_step wall_s ratio_to_hand
for steps in 1000000 10000000; do
  read -r hand_cpu hand_wall <<<"$(measure "$hand" "$steps" "$lr")"
  printf '%-10s %-12s %12s %10s %14s\n' "$steps" hand "$(ns "$hand_cpu" "$steps")" "$hand_wall" 1.00
  for jit in off auto; do
    read -r cpu wall <<<"$(measure "$bin" minimize rosenbrock --optimizer "adam(lr=$lr)" \
      --steps "$steps" --tol 0 --jit "$jit" --json)"
    printf '%-10s %-12s %12s %10s %14s\n' "$steps" "jit=$jit" "$(ns "$cpu" "$steps")" "$wall" \
      "$(awk -v a="$cpu" -v b="$hand_cpu" 'BEGIN { printf "%.2f", a / b }')"
  done
done
