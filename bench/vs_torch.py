#!/usr/bin/python3
"""descent against PyTorch on Fashion-MNIST, both measured in the same run, over several seeds.

Each seed trains the same model once with `descent train` and once with bench/torch_mlp.py
(same layers, PyTorch's default initialization on both sides, Adam(lr=1e-3), batch 128,
standardized pixels), one after the other, so that both see the same machine. Reported per side:
training seconds (the epochs' training steps), the whole process (start, load, train, score,
exit) and the test accuracy after the last epoch; then mean and sample sd over the seeds and the
ratios of the means (descent / PyTorch).

Usage: /usr/bin/python3 bench/vs_torch.py [--model mlp|cnn] [--seeds 0,1,2,3,4] [--epochs 1]
           [--threads 1] [--descent build/release/bin/descent] [--json]
Both sides get the same thread count (descent --threads; torch.set_num_threads, OMP and OpenBLAS).
Needs python3-torch and the data set (scripts/deps.sh reference).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SPECS = {
    "mlp": "mlp(hidden=[256])",
    "cnn": "cnn(channels=[8, 16], kernel=3, hidden=64)",
}


def timed(command, env):
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"vs_torch: {' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout), wall


def run_descent(args, seed, env):
    command = [args.descent, "train", "--data", "fashion-mnist", "--model", SPECS[args.model],
               "--optimizer", "adam(lr=0.001)", "--batch-size", "128", "--epochs", str(args.epochs),
               "--seed", str(seed), "--threads", str(args.threads), "--json"]
    doc, wall = timed(command, env)
    return {"train_seconds": sum(e["train_seconds"] for e in doc["epochs"]), "process_seconds": wall,
            "accuracy": doc["epochs"][-1]["test_accuracy"]}


def run_torch(args, seed, env):
    command = ["/usr/bin/python3", os.path.join(HERE, "torch_mlp.py"), "--model", args.model,
               "--epochs", str(args.epochs), "--seed", str(seed), "--threads", str(args.threads)]
    doc, wall = timed(command, env)
    return {"train_seconds": sum(e["seconds"] for e in doc["epochs"]), "process_seconds": wall,
            "accuracy": doc["epochs"][-1]["test_accuracy"]}


def summary(runs, key):
    values = [r[key] for r in runs]
    return statistics.mean(values), statistics.stdev(values) if len(values) > 1 else 0.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="mlp", choices=sorted(SPECS))
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--descent", default=os.path.join(HERE, "..", "build", "release", "bin", "descent"))
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args()
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), OPENBLAS_NUM_THREADS=str(args.threads))
    seeds = [int(s) for s in args.seeds.split(",")]
    sides = {"descent": [], "torch": []}
    for seed in seeds:
        sides["descent"].append(run_descent(args, seed, env))
        sides["torch"].append(run_torch(args, seed, env))
        if not args.json:
            d, t = sides["descent"][-1], sides["torch"][-1]
            print(f"seed {seed}: descent {d['train_seconds']:.3f} s train, {d['process_seconds']:.3f} s process, "
                  f"{100 * d['accuracy']:.2f}%; torch {t['train_seconds']:.3f} s, {t['process_seconds']:.3f} s, "
                  f"{100 * t['accuracy']:.2f}%", flush=True)
    result = {"model": SPECS[args.model], "epochs": args.epochs, "threads": args.threads, "seeds": seeds}
    for side, runs in sides.items():
        result[side] = {key: dict(zip(("mean", "sd"), summary(runs, key)))
                        for key in ("train_seconds", "process_seconds", "accuracy")}
        result[side]["runs"] = runs
    for key in ("train_seconds", "process_seconds"):
        result[f"{key}_ratio"] = result["descent"][key]["mean"] / result["torch"][key]["mean"]
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{result['model']}, {args.epochs} epoch(s), {args.threads} thread(s), seeds {args.seeds}: mean (sd)")
    for side in sides:
        s = result[side]
        print(f"  {side:8s} train {s['train_seconds']['mean']:.3f} s ({s['train_seconds']['sd']:.3f}), "
              f"process {s['process_seconds']['mean']:.3f} s ({s['process_seconds']['sd']:.3f}), "
              f"accuracy {100 * s['accuracy']['mean']:.2f}% ({100 * s['accuracy']['sd']:.2f})")
    print(f"  descent / torch: train {result['train_seconds_ratio']:.2f}x, "
          f"process {result['process_seconds_ratio']:.2f}x")


if __name__ == "__main__":
    main()
