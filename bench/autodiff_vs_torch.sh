#!/usr/bin/env bash
# Autodiff value and gradient of N-D Rosenbrock: descent (the plain lambda, the hand-written
# gradient) against PyTorch autograd (bench/torch_autograd.py), measured in the same run, as
# times and ratios to each one's own function alone. CI never runs it (it needs torch).
# Usage: bench/autodiff_vs_torch.sh [path/to/descent_autodiff_bench]
set -euo pipefail
bench=${1:-build/bench/bench/descent_autodiff_bench}
here=$(dirname "$0")
descent_json=$("$bench" --benchmark_filter='PlainRosenbrock|HandGradient|Memory' --benchmark_format=json)
torch_json=$(OMP_NUM_THREADS=1 /usr/bin/python3 "$here/torch_autograd.py" 1000 1000000)
/usr/bin/python3 - "$descent_json" "$torch_json" <<'PY'
import json, sys
runs = {b["name"]: b for b in json.loads(sys.argv[1])["benchmarks"]}
torch = {r["n"]: r for r in map(json.loads, sys.argv[2].splitlines())}
print(f"{'N':>8} {'descent ms':>11} {'x function':>10} {'hand x':>7} {'torch ms':>9} {'x function':>10} {'descent/torch':>13}")
for n in (1000, 1000000):
    d = runs[f"BM_PlainRosenbrockAutodiffGradient/{n}"]
    h = runs[f"BM_RosenbrockHandGradient/{n}"]
    t = torch[n]
    ms = d["cpu_time"] / 1e3  # microseconds -> ms
    print(f"{n:>8} {ms:>11.3f} {d['x_function']:>10.1f} {h['x_function']:>7.1f} "
          f"{t['value_and_gradient_s'] * 1e3:>9.3f} {t['x_function']:>10.1f} "
          f"{ms / (t['value_and_gradient_s'] * 1e3):>13.2f}")
m = runs["BM_RosenbrockMemory/10000000/iterations:1"]
print(f"N=1e7 memory: autodiff {m['MB_autodiff']:.0f} MB, hand-written {m['MB_hand']:.0f} MB "
      f"({m['x_hand']:.2f}x)")
PY
