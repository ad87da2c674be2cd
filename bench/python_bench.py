#!/usr/bin/python3
"""The Python package's figures (README, "Performance"): import time, descent.optim.Adam.step on
1e7 float32 numpy parameters against the C++ kernel and torch.optim.Adam, and a Python-callable
objective (per-iteration overhead, evaluations) against scipy's L-BFGS-B and BFGS.

Usage (from the repository root, after building the ci or bench preset):
    PYTHONPATH=build/ci/python /usr/bin/python3 bench/python_bench.py [--cpp build/ci/bench/descent_optim_bench]
--cpp runs the C++ kernel's Google Benchmark (BM_adam_descent/10000000) for the ratio. torch is
measured when it imports (scripts/deps.sh reference installs python3-torch).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

N_ADAM = 10_000_000


def median_seconds(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def import_time():
    """Median wall time of a fresh interpreter importing descent, minus one that imports nothing
    (and numpy's own share, for reference)."""
    def run(code):
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        return median_seconds(lambda: subprocess.run([sys.executable, "-c", code], env=env,
                                                     check=True), 15)
    bare = run("pass")
    return {"import_descent_ms": (run("import descent") - bare) * 1e3,
            "import_numpy_ms": (run("import numpy") - bare) * 1e3}


def adam_python():
    import descent
    w = np.zeros(N_ADAM, np.float32)
    g = np.random.default_rng(0).standard_normal(N_ADAM).astype(np.float32) * 1e-3
    opt = descent.optim.Adam([w], lr=1e-3)
    for _ in range(3):
        opt.step([g])
    return median_seconds(lambda: opt.step([g]), 30) / N_ADAM * 1e9


def adam_torch():
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(os.cpu_count())
    w = np.zeros(N_ADAM, np.float32)
    g = np.random.default_rng(0).standard_normal(N_ADAM).astype(np.float32) * 1e-3
    p = torch.from_numpy(w)
    p.grad = torch.from_numpy(g)
    opt = torch.optim.Adam([p], lr=1e-3, foreach=True)
    for _ in range(3):
        opt.step()
    return median_seconds(opt.step, 30) / N_ADAM * 1e9


def adam_cpp(binary):
    out = subprocess.run([binary, "--benchmark_filter=BM_adam_descent/10000000",
                          "--benchmark_format=json", "--benchmark_repetitions=5",
                          "--benchmark_report_aggregates_only=true"],
                         capture_output=True, text=True, check=True,
                         env=dict(os.environ, DESCENT_BENCH_NO_TORCH="1"))
    doc = json.loads(out.stdout)
    for b in doc["benchmarks"]:
        if b.get("aggregate_name") == "median":
            return b["ns_per_param"]
    return None


def callable_objective():
    """The driver's own time per evaluation (total minus the objective's calls) and the
    evaluations, descent's lbfgs against scipy's L-BFGS-B and BFGS on the same Python callables.
    (descent's nit counts torch-style L-BFGS steps of up to max_iter=20 inner iterations, so
    per-evaluation is the comparable unit.)"""
    import descent
    from scipy import optimize
    rows = []
    for n in (2, 10, 100):
        x0 = np.full(n, -1.2 if n == 2 else 0.5)
        if n == 2:
            x0[1] = 1.0
        calls = [0]

        def fun(x):
            calls[0] += 1
            return optimize.rosen(x), optimize.rosen_der(x)

        cost = median_seconds(lambda: fun(x0), 2000)
        runs = {
            "descent lbfgs": lambda: descent.minimize(fun, x0, jac=True, method="lbfgs",
                                                      tol=1e-6, steps=10000),
            "descent lbfgs(strong_wolfe)": lambda: descent.minimize(
                fun, x0, jac=True, method="lbfgs(line_search_fn=strong_wolfe)", tol=1e-6,
                steps=10000),
            "scipy L-BFGS-B": lambda: optimize.minimize(fun, x0, jac=True, method="L-BFGS-B",
                                                        options={"gtol": 1e-6, "maxiter": 10000}),
            "scipy BFGS": lambda: optimize.minimize(fun, x0, jac=True, method="BFGS",
                                                    options={"gtol": 1e-6, "maxiter": 10000}),
        }
        for name, run in runs.items():
            calls[0] = 0
            result = run()
            nfev = calls[0]
            seconds = median_seconds(run, 5)
            nit = max(int(result.nit), 1)
            rows.append({"n": n, "method": name, "nit": nit, "nfev": nfev,
                         "fun": float(result.fun),
                         "us_total": seconds * 1e6,
                         "us_overhead_per_evaluation": (seconds - nfev * cost) / nfev * 1e6})
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cpp", help="descent_optim_bench, for the C++ kernel's figure")
    args = parser.parse_args()
    print(json.dumps(import_time()))
    py = adam_python()
    cpp = adam_cpp(args.cpp) if args.cpp else None
    torch = adam_torch()
    print(json.dumps({"adam_1e7_float32_ns_per_param": {
        "descent.optim": py, "cpp_kernel": cpp, "torch.optim(foreach)": torch,
        "python_over_cpp": py / cpp if cpp else None,
        "torch_over_python": torch / py if torch else None}}))
    for row in callable_objective():
        print(json.dumps(row))


if __name__ == "__main__":
    main()
