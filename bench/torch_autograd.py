#!/usr/bin/python3
"""PyTorch autograd baseline for bench/autodiff_bench.cpp: N-D Rosenbrock in float64 on the CPU.

Usage: OMP_NUM_THREADS=1 /usr/bin/python3 bench/torch_autograd.py [N ...]   (default 1000 1000000)
Prints one JSON line per N: the fastest of several calls (thread CPU seconds, like the C++ bench)
of the function alone and of value and gradient (forward + backward), and their ratio. The
function is written as torch users write it, over whole tensors.
"""
import json
import sys
import time

import torch


def rosenbrock(x):
    a = 1.0 - x[:-1]
    b = x[1:] - x[:-1] * x[:-1]
    return (a * a + 100.0 * b * b).sum()


def fastest(f, calls):
    best = float("inf")
    for _ in range(calls):
        t0 = time.thread_time()
        f()
        best = min(best, time.thread_time() - t0)
    return best


def value_and_gradient(x):
    x.grad = None
    y = rosenbrock(x)
    y.backward()
    return y.item(), x.grad


def main():
    torch.set_num_threads(1)
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 1000000]
    for n in sizes:
        x = torch.linspace(-1.2, 1.0, n, dtype=torch.float64)
        xg = x.clone().requires_grad_(True)
        calls = 2000 if n <= 100000 else 20
        with torch.no_grad():
            alone = fastest(lambda: rosenbrock(x).item(), calls)
        both = fastest(lambda: value_and_gradient(xg), calls)
        print(json.dumps({"n": n, "function_s": alone, "value_and_gradient_s": both,
                          "x_function": both / alone}))


if __name__ == "__main__":
    main()
