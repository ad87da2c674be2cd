#!/usr/bin/python3
"""Reference trajectory of Muon (github.com/KellerJordan/Muon, muon.py) for tests/ml/muon_test.cpp.

Run:  /usr/bin/python3 tests/reference/generate_muon.py   (writes tests/reference/muon.json)

A NumPy port, in float64 instead of bfloat16, of the authors' zeropower_via_newtonschulz5,
muon_update and SingleDeviceMuonWithAuxAdam.step (adam_update for the other parameters), with
torch.lerp's two branches. The parameters are those of descent's mlp(hidden=[5]) on 4 inputs and 3
classes, in its buffer order: layer1.weight (5 x 4, muon), layer1.bias, layer2.weight (3 x 5, the
output layer) and layer2.bias (AdamW), stepped with fixed pseudo-random gradients.
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def lerp(start, end, weight):  # torch.lerp
    return start + weight * (end - start) if abs(weight) < 0.5 else end - (end - start) * (1 - weight)


def zeropower_via_newtonschulz5(G, steps):
    a, b, c = (3.4445, -4.7750, 2.0315)
    X = G.copy()
    tall = G.shape[0] > G.shape[1]
    if tall:
        X = X.T
    X = X / (np.linalg.norm(X) + 1e-7)
    for _ in range(steps):
        A = X @ X.T
        B = b * A + c * (A @ A)
        X = a * X + B @ X
    return X.T if tall else X


def muon_update(grad, momentum, beta, ns_steps, nesterov):
    momentum[:] = lerp(momentum, grad, 1 - beta)
    update = lerp(grad, momentum, beta) if nesterov else momentum.copy()
    update = zeropower_via_newtonschulz5(update, ns_steps)
    return update * max(1, grad.shape[0] / grad.shape[1]) ** 0.5


def adam_update(grad, buf1, buf2, step, betas, eps):
    buf1[:] = lerp(buf1, grad, 1 - betas[0])
    buf2[:] = lerp(buf2, grad * grad, 1 - betas[1])
    buf1c = buf1 / (1 - betas[0] ** step)
    buf2c = buf2 / (1 - betas[1] ** step)
    return buf1c / (np.sqrt(buf2c) + eps)


SHAPES = [(5, 4, True), (5, 1, False), (3, 5, False), (3, 1, False)]  # rows, cols, muon
OPTS = dict(lr=0.05, momentum=0.9, weight_decay=0.01, adam_lr=0.01, adam_betas=(0.9, 0.95), adam_eps=1e-10,
            adam_weight_decay=0.02)
SPEC = "muon(lr=0.05, momentum=0.9, weight_decay=0.01, adam_lr=0.01, adam_weight_decay=0.02)"
STEPS = 5

rng = np.random.default_rng(3)
params = [rng.standard_normal((r, c)) * 0.5 for r, c, _ in SHAPES]
initial = np.concatenate([p.ravel() for p in params]).tolist()
state = [dict(m=np.zeros((r, c)), b1=np.zeros((r, c)), b2=np.zeros((r, c))) for r, c, _ in SHAPES]
grads, trajectory = [], []
for step in range(1, STEPS + 1):
    gs = [rng.standard_normal((r, c)) for r, c, _ in SHAPES]
    grads.append(np.concatenate([g.ravel() for g in gs]).tolist())
    for p, g, s, (r, c, muon) in zip(params, gs, state, SHAPES):
        if muon:
            u = muon_update(g.copy(), s["m"], OPTS["momentum"], 5, True)
            p *= 1 - OPTS["lr"] * OPTS["weight_decay"]
            p += -OPTS["lr"] * u
        else:
            u = adam_update(g, s["b1"], s["b2"], step, OPTS["adam_betas"], OPTS["adam_eps"])
            p *= 1 - OPTS["adam_lr"] * OPTS["adam_weight_decay"]
            p += -OPTS["adam_lr"] * u
    trajectory.append(np.concatenate([p.ravel() for p in params]).tolist())

tall = rng.standard_normal((6, 3))
doc = {
    "optimizer": SPEC,
    "initial": initial,
    "grads": grads,
    "params": trajectory,
    "newton_schulz": {"input": tall.tolist(), "output": zeropower_via_newtonschulz5(tall, 5).tolist()},
}
with open(os.path.join(HERE, "muon.json"), "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")
print("wrote muon.json")
