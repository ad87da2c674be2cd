#!/usr/bin/python3
"""PyTorch's optimizer step time on CPU, the baseline for bench/optim_bench.cpp.

Usage: torch_optim.py THREADS SIZE [SIZE ...]
Prints one JSON object per line: {"optimizer": "adam", "size": N, "ns_per_param": X}, the median
over timed steps of torch.optim's foreach implementation on float32 parameters (one tensor).
"""
import json
import sys
import time

import torch


def main():
    threads = int(sys.argv[1])
    sizes = [int(s) for s in sys.argv[2:]]
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    makers = {
        "adam": lambda p: torch.optim.Adam([p], lr=1e-3, foreach=True),
        "adamw": lambda p: torch.optim.AdamW([p], lr=1e-3, foreach=True),
        "sgd_momentum": lambda p: torch.optim.SGD([p], lr=1e-3, momentum=0.9, foreach=True),
        "rmsprop": lambda p: torch.optim.RMSprop([p], lr=1e-3, foreach=True),
    }
    for n in sizes:
        for name, make in makers.items():
            p = torch.zeros(n, dtype=torch.float32)
            p.grad = torch.randn(n, dtype=torch.float32) * 1e-3
            opt = make(p)
            for _ in range(3):  # state allocation and warm-up
                opt.step()
            repeats = max(5, min(50, int(2e8 // n)))
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                opt.step()
                times.append(time.perf_counter() - t0)
            times.sort()
            print(json.dumps({"optimizer": name, "size": n,
                              "ns_per_param": times[len(times) // 2] / n * 1e9}), flush=True)
            del opt, p


if __name__ == "__main__":
    main()
