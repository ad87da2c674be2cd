#!/usr/bin/python3
"""Least-squares optimum of the diabetes regression, the fixture of tests/ml/real_data_test.cpp.

Does exactly what `descent train --data diabetes --model linear --test-fraction 0` does to the
data: every row is a training row, each feature is standardized with its mean and population
standard deviation (ddof = 0) over those rows, the target is left as it is, and the model is
y = w.x + b with the mean squared error L = 1/n sum (w.x_i + b - y_i)^2.
Writes lstsq_diabetes.json: {"weights": [...10], "bias": b, "loss": L at the optimum}.
Run: /usr/bin/python3 tests/reference/generate_lstsq.py
"""
import gzip
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "data")


def main():
    with gzip.open(os.path.join(DATA, "diabetes_data_raw.csv.gz"), "rt") as f:
        x = np.loadtxt(f)
    with gzip.open(os.path.join(DATA, "diabetes_target.csv.gz"), "rt") as f:
        y = np.loadtxt(f)
    assert x.shape == (442, 10) and y.shape == (442,)
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    design = np.hstack([z, np.ones((z.shape[0], 1))])
    theta, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = design @ theta - y
    hessian = 2.0 / len(y) * design.T @ design
    eig = np.linalg.eigvalsh(hessian)
    out = {
        "source": "numpy.linalg.lstsq on standardized diabetes features plus an intercept column",
        "weights": theta[:10].tolist(),
        "bias": float(theta[10]),
        "loss": float(np.mean(residual ** 2)),
        "hessian_eigenvalues": [float(eig[0]), float(eig[-1])],
    }
    with open(os.path.join(HERE, "lstsq_diabetes.json"), "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
