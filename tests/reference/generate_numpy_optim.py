#!/usr/bin/python3
"""Reference trajectories for the rules torch 1.13 does not have, for
tests/optim/numpy_reference_test.cpp: Lion and schedule-free AdamW / SGD, reimplemented in NumPy
(float64) from their authors' code.

Run:  /usr/bin/python3 tests/reference/generate_numpy_optim.py   (writes numpy_optim.json)

  * lion: Chen et al. 2023, Algorithm 2, as lucidrains/lion-pytorch's update_fn writes it
    (decoupled decay x *= 1 - lr*wd first; sign(0) = 0).
  * adamw_schedulefree, sgd_schedulefree: facebookresearch/schedule_free's
    adamw_schedulefree.py / sgd_schedulefree.py, the per-parameter (non-foreach) branch with
    inner_momentum = 0; torch.lerp's two-sided formula; eval point x = lerp(y, z, 1 - 1/beta1)
    as their optimizer.eval().
Objectives use the operation order of src/optim/problems.cpp (as generate_torch.py).
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def bowl(x):  # 3x^2 + y^2 (problems.cpp diagonal_quadratic, c = (3, 1))
    c = [3.0, 1.0]
    return np.array([2.0 * (c[0] * x[0]), 2.0 * (c[1] * x[1])])


def rosenbrock(x):
    a = 1 - x[0]
    b = x[1] - x[0] * x[0]
    return np.array([-2 * a - 400 * x[0] * b, 200 * b])


def beale(x):
    X, Y = float(x[0]), float(x[1])
    c = [1.5, 2.25, 2.625]
    gx = gy = 0.0
    for k in (1, 2, 3):
        yk = Y ** k
        r = c[k - 1] - X + X * yk
        gx += 2 * r * (yk - 1)
        gy += 2 * r * X * k * Y ** (k - 1)
    return np.array([gx, gy])


PROBLEMS = {"bowl": (bowl, [1.0, 1.0]), "rosenbrock": (rosenbrock, [-1.2, 1.0]),
            "beale": (beale, [1.0, 1.0])}


def lerp(a, b, w):
    """torch.lerp: a + w (b - a) for |w| < 0.5, else b - (b - a)(1 - w)."""
    return a + w * (b - a) if abs(w) < 0.5 else b - (b - a) * (1 - w)


class Lion:
    def __init__(self, x, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0, maximize=False):
        self.lr, (self.b1, self.b2), self.wd, self.maximize = lr, betas, weight_decay, maximize
        self.m = np.zeros_like(x)

    def step(self, x, g):
        g = -g if self.maximize else g
        x = x * (1.0 - self.lr * self.wd)
        update = np.sign(self.m * self.b1 + (1.0 - self.b1) * g)
        x = x + (-self.lr) * update
        self.m = self.m * self.b2 + (1.0 - self.b2) * g
        return x

    def eval_point(self, x):
        return x


class ScheduleFree:
    """The schedule and averaging both schedule-free rules share (one parameter group)."""

    def __init__(self, x, lr, beta1, weight_decay, warmup_steps, r, weight_lr_power, maximize):
        self.lr, self.beta1, self.wd = lr, beta1, weight_decay
        self.warmup, self.r, self.power, self.maximize = warmup_steps, r, weight_lr_power, maximize
        self.k, self.weight_sum, self.lr_max = 0, 0.0, -1.0
        self.z = None

    def averaging(self):
        k = self.k
        sched = (k + 1) / self.warmup if k < self.warmup else 1.0
        lr = self.lr * sched
        self.lr_max = max(lr, self.lr_max)
        weight = ((k + 1) ** self.r) * (self.lr_max ** self.power)
        self.weight_sum = self.weight_sum + weight
        ckp1 = weight / self.weight_sum if self.weight_sum != 0 else 0.0
        return lr, ckp1

    def move(self, y, u, lr, ckp1):
        y = np.array([lerp(y[i], self.z[i], ckp1) for i in range(len(y))])
        y = y + (lr * (self.beta1 * (1 - ckp1) - 1)) * u
        self.z = self.z - lr * u
        self.k += 1
        return y

    def eval_point(self, y):
        w = 1 - 1 / self.beta1
        return np.array([lerp(y[i], self.z[i], w) for i in range(len(y))])


class AdamWScheduleFree(ScheduleFree):
    def __init__(self, x, lr=0.0025, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 warmup_steps=0, r=0.0, weight_lr_power=2.0, maximize=False):
        super().__init__(x, lr, betas[0], weight_decay, warmup_steps, r, weight_lr_power, maximize)
        self.b2, self.eps = betas[1], eps
        self.v = np.zeros_like(x)

    def step(self, y, g):
        g = -g if self.maximize else g
        if self.z is None:
            self.z = y.copy()
        bias_correction2 = 1 - self.b2 ** (self.k + 1)
        lr, ckp1 = self.averaging()
        self.v = self.v * self.b2 + (1 - self.b2) * g * g
        denom = np.sqrt(self.v / bias_correction2) + self.eps
        u = g / denom + self.wd * y
        return self.move(y, u, lr, ckp1)


class SGDScheduleFree(ScheduleFree):
    def __init__(self, x, lr=1.0, momentum=0.9, weight_decay=0.0, warmup_steps=0, r=0.0,
                 weight_lr_power=2.0, maximize=False):
        super().__init__(x, lr, momentum, weight_decay, warmup_steps, r, weight_lr_power, maximize)

    def step(self, y, g):
        g = -g if self.maximize else g
        if self.z is None:
            self.z = y.copy()
        lr, ckp1 = self.averaging()
        u = g + self.wd * y
        return self.move(y, u, lr, ckp1)


def spec_text(name, kw):
    def value(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(repr(float(e)) for e in v) + "]"
        return repr(v)
    return name + ("(" + ", ".join(f"{k}={value(v)}" for k, v in kw.items()) + ")" if kw else "")


RULES = {"lion": Lion, "adamw_schedulefree": AdamWScheduleFree,
         "sgd_schedulefree": SGDScheduleFree}

# (rule, options, problem, steps, gamma of an exponential lr schedule or None)
CASES = [
    ("lion", {"lr": 0.01}, "bowl", 40, None),
    ("lion", {"lr": 0.01}, "rosenbrock", 40, None),
    ("lion", {"lr": 0.003, "betas": [0.95, 0.98], "weight_decay": 0.1}, "beale", 40, None),
    ("lion", {"lr": 0.01, "maximize": True}, "bowl", 20, None),
    ("lion", {"lr": 0.02}, "rosenbrock", 40, 0.95),
    ("adamw_schedulefree", {"lr": 0.01}, "bowl", 40, None),
    ("adamw_schedulefree", {"lr": 0.01}, "rosenbrock", 40, None),
    ("adamw_schedulefree", {"lr": 0.02, "betas": [0.8, 0.99], "eps": 1e-6, "weight_decay": 0.01,
                            "warmup_steps": 5, "r": 0.5, "weight_lr_power": 1.0}, "beale", 40, None),
    ("adamw_schedulefree", {"lr": 0.01, "maximize": True}, "bowl", 20, None),
    ("adamw_schedulefree", {"lr": 0.01, "warmup_steps": 3}, "rosenbrock", 40, 1.05),
    ("sgd_schedulefree", {"lr": 0.05}, "bowl", 40, None),
    ("sgd_schedulefree", {"lr": 0.0005}, "rosenbrock", 40, None),
    ("sgd_schedulefree", {"lr": 0.01, "momentum": 0.5, "weight_decay": 0.1, "warmup_steps": 10,
                          "r": 1.0, "weight_lr_power": 3.0}, "beale", 40, None),
    ("sgd_schedulefree", {"lr": 0.05, "maximize": True}, "bowl", 20, None),
    ("sgd_schedulefree", {"lr": 0.0005, "warmup_steps": 4}, "rosenbrock", 40, 0.9),
]


def run(rule, options, problem, steps, gamma):
    grad, start = PROBLEMS[problem]
    x = np.array(start, dtype=np.float64)
    kw = dict(options)
    if "betas" in kw:
        kw["betas"] = tuple(kw["betas"])
    opt = RULES[rule](x, **kw)
    trajectory, evals = [x.tolist()], [x.tolist()]
    for _ in range(steps):
        x = opt.step(x, grad(x))
        if gamma is not None:  # torch's ExponentialLR: lr = lr * gamma after each step
            opt.lr = opt.lr * gamma
        trajectory.append(x.tolist())
        evals.append(opt.eval_point(x).tolist())
    return {"spec": spec_text(rule, options), "problem": problem,
            "schedule": None if gamma is None else f"exponential(gamma={gamma!r})",
            "start": start, "trajectory": trajectory, "eval_trajectory": evals}


def main():
    doc = {"generator": "tests/reference/generate_numpy_optim.py", "numpy_version": np.__version__,
           "dtype": "float64", "cases": [run(*c) for c in CASES]}
    path = os.path.join(HERE, "numpy_optim.json")
    with open(path, "w") as out:
        json.dump(doc, out, indent=1)
        out.write("\n")
    print(f"wrote {len(doc['cases'])} cases to {path}")


if __name__ == "__main__":
    main()
