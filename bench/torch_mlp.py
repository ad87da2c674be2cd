#!/usr/bin/python3
"""PyTorch CPU baseline for bench/ml_bench.cpp: the same models, optimizer and batches on Fashion-MNIST.

Usage: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=2 /usr/bin/python3 bench/torch_mlp.py [--model mlp|cnn] [--epochs 5] [--seed 0]
Prints one JSON document: {"model": .., "epochs": [{"epoch": 1, "seconds": .., "test_accuracy": ..}, ...]}.
Features are scaled as descent does (standardized with training-set statistics); seconds count
training only (the test evaluation after each epoch is timed separately as eval_seconds).
"""
import argparse
import gzip
import json
import time

import numpy as np
import torch

ROOT = "/usr/share/datasets/fashion-mnist/"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load():
    xtr = read_idx(ROOT + "train-images-idx3-ubyte.gz").reshape(60000, -1).astype(np.float64)
    ytr = read_idx(ROOT + "train-labels-idx1-ubyte.gz").astype(np.int64)
    xte = read_idx(ROOT + "t10k-images-idx3-ubyte.gz").reshape(10000, -1).astype(np.float64)
    yte = read_idx(ROOT + "t10k-labels-idx1-ubyte.gz").astype(np.int64)
    mean = xtr.mean(axis=0)
    std = xtr.std(axis=0)
    std[std == 0] = 1.0
    xtr = ((xtr - mean) / std).astype(np.float32)
    xte = ((xte - mean) / std).astype(np.float32)
    return torch.from_numpy(xtr), torch.from_numpy(ytr), torch.from_numpy(xte), torch.from_numpy(yte)


def make_model(name):
    if name == "mlp":
        return torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    # cnn(channels=[8,16], kernel=3, hidden=64): conv-relu-pool twice, then dense-relu-dense
    return torch.nn.Sequential(
        torch.nn.Unflatten(1, (1, 28, 28)),
        torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(16 * 7 * 7, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="mlp", choices=["mlp", "cnn"])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0, help="initialization and shuffling")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    xtr, ytr, xte, yte = load()
    model = make_model(args.model)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(args.seed)
    epochs = []
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        perm = torch.randperm(xtr.shape[0], generator=g)
        total = 0.0
        for i in range(0, xtr.shape[0], args.batch_size):
            idx = perm[i:i + args.batch_size]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
            total += loss.item() * idx.shape[0]
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        with torch.no_grad():
            acc = (model(xte).argmax(dim=1) == yte).double().mean().item()
        epochs.append({"epoch": epoch, "seconds": seconds, "train_loss": total / xtr.shape[0],
                       "test_accuracy": acc, "eval_seconds": time.perf_counter() - start})
    print(json.dumps({"model": args.model, "threads": args.threads, "seed": args.seed, "epochs": epochs}))


if __name__ == "__main__":
    main()
