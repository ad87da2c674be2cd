#!/usr/bin/python3
"""Reference trajectories of torch.optim param_groups for tests/ml/param_groups_test.cpp.

Run:  /usr/bin/python3 tests/reference/generate_param_groups.py   (writes param_groups.json)

A linear classifier (torch.nn.Linear(4, 3), float64: descent's `softmax` model, whose buffer holds
the weight row-major then the bias) on 8 fixed rows with the mean cross-entropy. Each case gives
the weight and the bias their own param group (the weight's lr, the bias without weight decay, as
`--param-group 'weight: lr=...' --param-group 'bias: weight_decay=0'`) and a StepLR schedule that
scales each group's own lr, and records the parameters after every step.
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))

g = torch.Generator().manual_seed(7)
X = torch.randn(8, 4, generator=g)
Y = torch.tensor([0, 2, 1, 1, 0, 2, 2, 1])
W0 = 0.3 * torch.randn(3, 4, generator=g)
B0 = 0.1 * torch.randn(3, generator=g)

CASES = [
    # name, torch optimizer, its base options, weight group's options, bias group's options,
    # descent's spec and groups
    ("adam", torch.optim.Adam, dict(lr=0.01, weight_decay=0.1), dict(lr=0.05), dict(weight_decay=0.0),
     "adam(lr=0.01, weight_decay=0.1)", ["weight: lr=0.05", "bias: weight_decay=0"]),
    ("sgd_momentum", torch.optim.SGD, dict(lr=0.1, momentum=0.9, weight_decay=0.01), dict(lr=0.3),
     dict(weight_decay=0.0, momentum=0.5), "sgd(lr=0.1, momentum=0.9, weight_decay=0.01)",
     ["weight: lr=0.3", "bias: weight_decay=0, momentum=0.5"]),
]
STEPS = 6


def run(opt_class, base, weight_opts, bias_opts):
    w = W0.clone().requires_grad_(True)
    b = B0.clone().requires_grad_(True)
    opt = opt_class([dict(params=[w], **weight_opts), dict(params=[b], **bias_opts)], **base)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    rows = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(X @ w.T + b, Y)
        loss.backward()
        opt.step()
        sched.step()
        rows.append(w.detach().flatten().tolist() + b.detach().tolist())
    return rows


doc = {
    "x": X.tolist(),
    "y": Y.tolist(),
    "initial": W0.flatten().tolist() + B0.tolist(),
    "schedule": "step(step_size=2, gamma=0.5)",
    "cases": [],
}
for name, cls, base, wo, bo, spec, groups in CASES:
    doc["cases"].append({"name": name, "optimizer": spec, "groups": groups, "params": run(cls, base, wo, bo)})
with open(os.path.join(HERE, "param_groups.json"), "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")
print("wrote param_groups.json:", len(doc["cases"]), "cases")
