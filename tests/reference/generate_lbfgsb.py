#!/usr/bin/python3
"""scipy.optimize's L-BFGS-B on bounded versions of descent's built-in problems: the fixtures of
tests/optim/lbfgsb_test.cpp.

Each case is a built-in problem (`descent problems`; same formula, same start), a box (None for
no bound on that side) and two runs of scipy.optimize.minimize(method="L-BFGS-B", jac=True):
  "default": scipy's defaults (maxcor 10, gtol = pgtol 1e-5, ftol = factr * eps with factr 1e7);
  "tight":   pgtol 1e-11 and factr 10, where both implementations reach the box's minimizer to
             about 1e-10.
descent's lbfgsb drives scipy's line search (dcsrch) as scipy does, so both runs are compared to
1e-8 in x and f. Each run records the final x, f, nit and nfev (compared in the tests and listed
side by side in docs/bounds.md).
Writes lbfgsb_scipy.json. Run: /usr/bin/python3 tests/reference/generate_lbfgsb.py
"""
import json
import os

import numpy as np
import scipy
from scipy.optimize import minimize

HERE = os.path.dirname(os.path.abspath(__file__))
EPS = np.finfo(float).eps
INF = None


def rosenbrock(v):
    f = 0.0
    g = np.zeros_like(v)
    for i in range(len(v) - 1):
        a, b = v[i], v[i + 1]
        f += 100 * (b - a * a) ** 2 + (1 - a) ** 2
        g[i] += -400 * a * (b - a * a) - 2 * (1 - a)
        g[i + 1] += 200 * (b - a * a)
    return f, g


def beale(v):
    x, y = v
    t1, t2, t3 = 1.5 - x + x * y, 2.25 - x + x * y * y, 2.625 - x + x * y ** 3
    f = t1 * t1 + t2 * t2 + t3 * t3
    gx = 2 * t1 * (y - 1) + 2 * t2 * (y * y - 1) + 2 * t3 * (y ** 3 - 1)
    gy = 2 * t1 * x + 2 * t2 * 2 * x * y + 2 * t3 * 3 * x * y * y
    return f, np.array([gx, gy])


def booth(v):
    x, y = v
    a, b = x + 2 * y - 7, 2 * x + y - 5
    return a * a + b * b, np.array([2 * a + 4 * b, 4 * a + 2 * b])


def himmelblau(v):
    x, y = v
    a, b = x * x + y - 11, x + y * y - 7
    return a * a + b * b, np.array([4 * x * a + 2 * b, 2 * a + 4 * y * b])


def styblinski_tang(v):
    return 0.5 * np.sum(v ** 4 - 16 * v ** 2 + 5 * v), 0.5 * (4 * v ** 3 - 32 * v + 5)


def matyas(v):
    x, y = v
    return 0.26 * (x * x + y * y) - 0.48 * x * y, np.array([0.52 * x - 0.48 * y, 0.52 * y - 0.48 * x])


def ill_conditioned(v):
    x, y = v
    return 0.5 * x * x + 500 * y * y, np.array([x, 1000 * y])


# name, function, start (the problem's standard start), box per variable
CASES = [
    ("rosenbrock", "unbounded", rosenbrock, [-1.2, 1.0], [(INF, INF), (INF, INF)]),
    ("rosenbrock", "box_around_minimum", rosenbrock, [-1.2, 1.0], [(-2, 2), (-2, 2)]),
    ("rosenbrock", "minimum_on_boundary", rosenbrock, [-1.2, 1.0], [(-2, 0.5), (-1, 2)]),
    ("rosenbrock", "upper_bound_only", rosenbrock, [-1.2, 1.0], [(INF, 0.8), (INF, INF)]),
    ("rosenbrock5", "one_variable_fixed", rosenbrock, [-1.2, 1.0, -1.2, 1.0, -1.2],
     [(-2, 2), (-2, 2), (0.5, 0.5), (-2, 2), (-2, 2)]),
    ("rosenbrock5", "boxed", rosenbrock, [-1.2, 1.0, -1.2, 1.0, -1.2],
     [(-2, 0.7), (-2, 2), (-2, 2), (0.1, 2), (-2, 0.3)]),
    ("beale", "minimum_on_boundary", beale, [1.0, 1.0], [(0, 2.5), (0, 1)]),
    ("booth", "half_bounded", booth, [0.0, 0.0], [(2, 5), (INF, 2)]),
    ("himmelblau", "corner", himmelblau, [0.0, 0.0], [(0, 2), (0, 1.5)]),
    ("styblinski_tang", "minimum_on_boundary", styblinski_tang, [-1.0, -1.0], [(-2, 2), (-2, 2)]),
    ("matyas", "lower_bounds_active", matyas, [1.0, 2.0], [(0.5, 2), (1, 3)]),
    ("ill_conditioned", "minimum_on_boundary", ill_conditioned, [1.0, 1.0], [(0.5, 2), (-1, 1)]),
]

RUNS = {"default": {"pgtol": 1e-5, "factr": 1e7}, "tight": {"pgtol": 1e-11, "factr": 10.0}}


def run(fun, start, box, pgtol, factr):
    res = minimize(fun, np.array(start, dtype=float), jac=True, method="L-BFGS-B", bounds=box,
                   options={"maxcor": 10, "gtol": pgtol, "ftol": factr * EPS, "maxiter": 15000,
                            "maxfun": 15000, "maxls": 20})
    return {"x": res.x.tolist(), "f": float(res.fun), "nit": int(res.nit), "nfev": int(res.nfev),
            "message": str(res.message)}


def bound(value, text):
    return value if value is not None else text  # JSON has no infinity: "inf" / "-inf"


def main():
    cases = []
    for problem, name, fun, start, box in CASES:
        case = {"problem": problem, "name": name, "start": start,
                "lower": [bound(lo, "-inf") for lo, _ in box],
                "upper": [bound(hi, "inf") for _, hi in box]}
        for run_name, tol in RUNS.items():
            case[run_name] = dict(tol, **run(fun, start, box, **tol))
        cases.append(case)
    doc = {"source": f"scipy.optimize.minimize(method='L-BFGS-B') from scipy {scipy.__version__}",
           "cases": cases}
    with open(os.path.join(HERE, "lbfgsb_scipy.json"), "w") as f:
        f.write(json.dumps(doc, indent=1, allow_nan=False) + "\n")


if __name__ == "__main__":
    main()
