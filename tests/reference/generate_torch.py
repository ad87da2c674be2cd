#!/usr/bin/python3
"""Reference trajectories from torch.optim (float64) for tests/optim/torch_reference_test.cpp.

Run:  /usr/bin/python3 tests/reference/generate_torch.py   (writes tests/reference/torch_optim.json)

Objectives are evaluated with hand-written gradients in the same operation order as the C++
test problems (src/optim/problems.cpp), so the only differences left are the optimizers'.
Torch 1.13 lacks a few options of current PyTorch; for those the update is a line-by-line port of
current PyTorch's _single_tensor_* function (marked "port" in the case name):
  * NAdam: 1.13 multiplies mu into mu_product_next twice (fixed in 2.0); every nadam case is a port.
  * NAdam/RAdam decoupled_weight_decay and maximize (added in 2.1/2.0): ported.
"""
import json
import math
import os

import torch

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))


# --- objectives: value and gradient as Python floats, in the C++ operation order -------------
def bowl(x):  # 3x^2 + y^2 (src/optim/problems.cpp diagonal_quadratic, c = (3, 1))
    c = [3.0, 1.0]
    return c[0] * (x[0] * x[0]) + c[1] * (x[1] * x[1]), [2.0 * (c[0] * x[0]), 2.0 * (c[1] * x[1])]


def rosenbrock(x):
    a = 1 - x[0]
    b = x[1] - x[0] * x[0]
    f = a * a + 100 * b * b
    return f, [-2 * a - 400 * x[0] * b, 200 * b]


def beale(x):
    X, Y = x
    c = [1.5, 2.25, 2.625]
    f = gx = gy = 0.0
    for k in (1, 2, 3):
        yk = Y ** k
        r = c[k - 1] - X + X * yk
        f += r * r
        gx += 2 * r * (yk - 1)
        gy += 2 * r * X * k * Y ** (k - 1)
    return f, [gx, gy]


PROBLEMS = {"bowl": (bowl, [1.0, 1.0]), "rosenbrock": (rosenbrock, [-1.2, 1.0]),
            "beale": (beale, [1.0, 1.0])}


def set_grad(p, fn):
    f, g = fn(p.detach().tolist())
    p.grad = torch.tensor(g)
    return f


# --- ports of current PyTorch where 1.13 differs ------------------------------------------
class NAdamPort:
    """torch/optim/nadam.py _single_tensor_nadam of PyTorch >= 2.1 (one tensor)."""

    def __init__(self, p, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, maximize=False):
        self.p, self.lr, self.betas, self.eps = p, lr, betas, eps
        self.wd, self.psi, self.decoupled, self.maximize = (weight_decay, momentum_decay,
                                                            decoupled_weight_decay, maximize)
        self.step_t, self.mu_product = 0.0, 1.0
        self.exp_avg = torch.zeros_like(p)
        self.exp_avg_sq = torch.zeros_like(p)

    @torch.no_grad()
    def step(self):
        param, grad = self.p, self.p.grad if not self.maximize else -self.p.grad
        beta1, beta2 = self.betas
        lr = self.lr
        self.step_t += 1
        step = self.step_t
        bias_correction2 = 1 - beta2 ** step
        if self.wd != 0:
            if self.decoupled:
                param.mul_(1 - lr * self.wd)
            else:
                grad = grad.add(param, alpha=self.wd)
        mu = beta1 * (1. - 0.5 * (0.96 ** (step * self.psi)))
        mu_next = beta1 * (1. - 0.5 * (0.96 ** ((step + 1) * self.psi)))
        self.mu_product *= mu
        self.exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
        self.exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        denom = self.exp_avg_sq.div(bias_correction2).sqrt().add_(self.eps)
        mu_product_next = self.mu_product * mu_next
        param.addcdiv_(grad, denom, value=(-lr * (1. - mu) / (1. - self.mu_product)))
        param.addcdiv_(self.exp_avg, denom, value=(-lr * mu_next) / (1. - mu_product_next))


class RAdamPort:
    """torch/optim/radam.py _single_tensor_radam of PyTorch >= 2.1 (one tensor)."""

    def __init__(self, p, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 decoupled_weight_decay=False, maximize=False):
        self.p, self.lr, self.betas, self.eps = p, lr, betas, eps
        self.wd, self.decoupled, self.maximize = weight_decay, decoupled_weight_decay, maximize
        self.step_t = 0.0
        self.exp_avg = torch.zeros_like(p)
        self.exp_avg_sq = torch.zeros_like(p)

    @torch.no_grad()
    def step(self):
        param, grad = self.p, self.p.grad if not self.maximize else -self.p.grad
        beta1, beta2 = self.betas
        lr = self.lr
        self.step_t += 1
        step = self.step_t
        if self.wd != 0:
            if self.decoupled:
                param.mul_(1 - lr * self.wd)
            else:
                grad = grad.add(param, alpha=self.wd)
        self.exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
        self.exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        bias_corrected_exp_avg = self.exp_avg / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.:
            rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf /
                             ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            adaptive_lr = math.sqrt(bias_correction2) / self.exp_avg_sq.sqrt().add_(self.eps)
            param.add_(bias_corrected_exp_avg * lr * adaptive_lr * rect, alpha=-1.0)
        else:
            param.add_(bias_corrected_exp_avg * lr, alpha=-1.0)


# --- optimizer cases: (our spec, torch constructor, kwargs) ----------------------------------
O = torch.optim
CASES = [
    ("sgd(lr=0.001)", O.SGD, dict(lr=0.001)),
    ("sgd(lr=0.001, momentum=0.9)", O.SGD, dict(lr=0.001, momentum=0.9)),
    ("sgd(lr=0.001, momentum=0.9, dampening=0.3)", O.SGD, dict(lr=0.001, momentum=0.9, dampening=0.3)),
    ("sgd(lr=0.001, momentum=0.9, nesterov=true)", O.SGD, dict(lr=0.001, momentum=0.9, nesterov=True)),
    ("sgd(lr=0.001, momentum=0.5, weight_decay=0.1)", O.SGD,
     dict(lr=0.001, momentum=0.5, weight_decay=0.1)),
    ("sgd(lr=0.001, momentum=0.9, maximize=true)", O.SGD, dict(lr=0.001, momentum=0.9, maximize=True)),
    ("adagrad(lr=0.1)", O.Adagrad, dict(lr=0.1)),
    ("adagrad(lr=0.1, lr_decay=0.05, initial_accumulator_value=0.2, weight_decay=0.1)", O.Adagrad,
     dict(lr=0.1, lr_decay=0.05, initial_accumulator_value=0.2, weight_decay=0.1)),
    ("adagrad(lr=0.1, maximize=true)", O.Adagrad, dict(lr=0.1, maximize=True)),
    ("rmsprop(lr=0.01)", O.RMSprop, dict(lr=0.01)),
    ("rmsprop(lr=0.01, centered=true)", O.RMSprop, dict(lr=0.01, centered=True)),
    ("rmsprop(lr=0.001, momentum=0.9, centered=true, weight_decay=0.1)", O.RMSprop,
     dict(lr=0.001, momentum=0.9, centered=True, weight_decay=0.1)),
    ("rmsprop(lr=0.01, alpha=0.9, maximize=true)", O.RMSprop, dict(lr=0.01, alpha=0.9, maximize=True)),
    ("adadelta", O.Adadelta, dict()),
    ("adadelta(lr=0.5, rho=0.95, weight_decay=0.1)", O.Adadelta, dict(lr=0.5, rho=0.95, weight_decay=0.1)),
    ("adadelta(maximize=true)", O.Adadelta, dict(maximize=True)),
    ("adam(lr=0.01)", O.Adam, dict(lr=0.01)),
    ("adam(lr=0.01, betas=[0.8, 0.99], amsgrad=true)", O.Adam,
     dict(lr=0.01, betas=(0.8, 0.99), amsgrad=True)),
    ("adam(lr=0.01, weight_decay=0.1)", O.Adam, dict(lr=0.01, weight_decay=0.1)),
    ("adam(lr=0.01, maximize=true)", O.Adam, dict(lr=0.01, maximize=True)),
    ("adamw(lr=0.01)", O.AdamW, dict(lr=0.01)),
    ("adamw(lr=0.01, weight_decay=0.1, amsgrad=true)", O.AdamW,
     dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ("adamw(lr=0.01, maximize=true)", O.AdamW, dict(lr=0.01, maximize=True)),
    ("adamax(lr=0.01)", O.Adamax, dict(lr=0.01)),
    ("adamax(lr=0.01, betas=[0.8, 0.99], weight_decay=0.1)", O.Adamax,
     dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1)),
    ("adamax(lr=0.01, maximize=true)", O.Adamax, dict(lr=0.01, maximize=True)),
    ("radam(lr=0.01)", O.RAdam, dict(lr=0.01)),
    ("radam(lr=0.01, weight_decay=0.1)", O.RAdam, dict(lr=0.01, weight_decay=0.1)),
    ("radam(lr=0.01, weight_decay=0.1, decoupled_weight_decay=true)", RAdamPort,
     dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("radam(lr=0.01, maximize=true)", RAdamPort, dict(lr=0.01, maximize=True)),
    ("nadam(lr=0.01)", NAdamPort, dict(lr=0.01)),
    ("nadam(lr=0.01, momentum_decay=0.01, weight_decay=0.1)", NAdamPort,
     dict(lr=0.01, momentum_decay=0.01, weight_decay=0.1)),
    ("nadam(lr=0.01, weight_decay=0.1, decoupled_weight_decay=true)", NAdamPort,
     dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("nadam(lr=0.01, maximize=true)", NAdamPort, dict(lr=0.01, maximize=True)),
]
LBFGS_CASES = [
    ("lbfgs(lr=0.1)", dict(lr=0.1)),
    ("lbfgs(line_search_fn=strong_wolfe)", dict(line_search_fn="strong_wolfe")),
    ("lbfgs(lr=1, max_iter=5, history_size=3, line_search_fn=strong_wolfe)",
     dict(lr=1, max_iter=5, history_size=3, line_search_fn="strong_wolfe")),
    ("lbfgs(lr=0.5, max_iter=4, max_eval=6, history_size=2)",
     dict(lr=0.5, max_iter=4, max_eval=6, history_size=2)),
]
STEPS = 40
LBFGS_CALLS = 5  # each is up to max_iter iterations; rounding differences grow along Rosenbrock's valley
SCHEDULE_WITH = [  # optimizer cases that also run with a schedule
    ("adam(lr=0.05)", O.Adam, dict(lr=0.05), "cosine(t_max=15, eta_min=0.001)",
     lambda opt: O.lr_scheduler.CosineAnnealingLR(opt, T_max=15, eta_min=0.001)),
    ("sgd(lr=0.0005, momentum=0.9)", O.SGD, dict(lr=0.0005, momentum=0.9),
     "onecycle(max_lr=0.001, total_steps=40)",
     lambda opt: O.lr_scheduler.OneCycleLR(opt, max_lr=0.001, total_steps=40)),
]


def first_order_case(spec, ctor, kwargs, problem, schedule=None, make_schedule=None):
    fn, start = PROBLEMS[problem]
    p = torch.tensor(start, requires_grad=False)
    opt = ctor(p, **kwargs) if ctor in (NAdamPort, RAdamPort) else ctor([p], **kwargs)
    sched = make_schedule(opt) if make_schedule else None
    trajectory = [p.tolist()]
    for _ in range(STEPS):
        set_grad(p, fn)
        opt.step()
        if sched:
            sched.step()
        trajectory.append(p.tolist())
    return {"spec": spec, "problem": problem, "schedule": schedule, "closure": False,
            "start": start, "trajectory": trajectory,
            "source": "port of current PyTorch" if ctor in (NAdamPort, RAdamPort) else "torch"}


def lbfgs_case(spec, kwargs, problem):
    fn, start = PROBLEMS[problem]
    p = torch.tensor(start, requires_grad=False)
    opt = O.LBFGS([p], **kwargs)

    def closure():
        return set_grad(p, fn)

    trajectory = [p.tolist()]
    for _ in range(LBFGS_CALLS):
        opt.step(closure)
        trajectory.append(p.tolist())
    return {"spec": spec, "problem": problem, "schedule": None, "closure": True, "start": start,
            "trajectory": trajectory, "source": "torch"}


def schedule_cases():
    def run(spec, make, opt_kwargs, steps=40, ctor=O.SGD):
        p = torch.zeros(1)
        opt = ctor([p], **opt_kwargs)
        sched = make(opt)
        lrs, momenta = [], []
        for t in range(steps + 1):
            g = opt.param_groups[0]
            lrs.append(g["lr"])
            momenta.append(g["betas"][0] if "betas" in g else g.get("momentum", 0.0))
            if t == steps:
                break
            p.grad = torch.zeros(1)
            opt.step()
            sched.step()
        # One step more: OneCycleLR raises past total_steps (the others run on); keep its message.
        try:
            opt.step()
            sched.step()
            error_after = None
        except ValueError as e:
            error_after = str(e)
        return {"spec": spec, "base_lr": opt_kwargs["lr"], "error_after": error_after,
                "optimizer": ("adam" if ctor is O.Adam else "sgd") + f"(lr={opt_kwargs['lr']}"
                             + (", momentum=0.9)" if ctor is O.SGD else ")"),
                "lrs": lrs, "momenta": momenta}

    S = O.lr_scheduler
    sgd = dict(lr=0.1, momentum=0.9)
    out = [
        run("constant", lambda o: S.LambdaLR(o, lambda t: 1.0), sgd),
        run("step(step_size=3, gamma=0.5)", lambda o: S.StepLR(o, 3, gamma=0.5), sgd),
        run("step(step_size=7)", lambda o: S.StepLR(o, 7), sgd),
        run("multistep(milestones=[3, 7, 7, 12], gamma=0.5)",
            lambda o: S.MultiStepLR(o, [3, 7, 7, 12], gamma=0.5), sgd),
        run("exponential(gamma=0.9)", lambda o: S.ExponentialLR(o, 0.9), sgd),
        run("cosine(t_max=10, eta_min=0.001)", lambda o: S.CosineAnnealingLR(o, 10, eta_min=0.001), sgd),
        run("cosine(t_max=40)", lambda o: S.CosineAnnealingLR(o, 40), sgd),
        run("linear", lambda o: S.LinearLR(o), sgd),
        run("linear(start_factor=0.5, end_factor=0.1, total_iters=8)",
            lambda o: S.LinearLR(o, start_factor=0.5, end_factor=0.1, total_iters=8), sgd),
        run("polynomial(total_iters=8, power=2)", lambda o: S.PolynomialLR(o, total_iters=8, power=2), sgd),
        run("polynomial", lambda o: S.PolynomialLR(o), sgd),
        run("onecycle(max_lr=0.5, total_steps=40)", lambda o: S.OneCycleLR(o, 0.5, total_steps=40), sgd),
        run("onecycle(max_lr=0.5, total_steps=40, anneal_strategy=linear, three_phase=true)",
            lambda o: S.OneCycleLR(o, 0.5, total_steps=40, anneal_strategy="linear", three_phase=True), sgd),
        run("onecycle(max_lr=0.01, total_steps=40, pct_start=0.25, div_factor=10, final_div_factor=100)",
            lambda o: S.OneCycleLR(o, 0.01, total_steps=40, pct_start=0.25, div_factor=10,
                                   final_div_factor=100), dict(lr=0.001), ctor=O.Adam),
        run("exp_decay(lambda=0.1)", lambda o: S.LambdaLR(o, lambda t: math.exp(-0.1 * t)), sgd),
    ]
    # The course's piecewise schedule has no torch class; its values are exact by definition.
    lrs = [0.1 if t < 10 else 0.05 if t < 25 else 0.01 for t in range(41)]
    out.append({"spec": "piecewise(milestones=[10, 25], values=[0.1, 0.05, 0.01])", "base_lr": 0.1,
                "optimizer": "sgd(lr=0.1, momentum=0.9)", "lrs": lrs, "momenta": [0.9] * 41,
                "error_after": None})
    return out


def main():
    cases = []
    for spec, ctor, kwargs in CASES:
        # Ascending a convex function runs away; maximize cases use the bowl only (still finite).
        for problem in ("bowl",) if "maximize" in spec else ("bowl", "rosenbrock", "beale"):
            case = first_order_case(spec, ctor, kwargs, problem)
            if all(math.isfinite(v) for row in case["trajectory"] for v in row):
                cases.append(case)
            else:
                print(f"skipped {spec} on {problem}: not finite")
    for spec, ctor, kwargs, schedule, make in SCHEDULE_WITH:
        case = first_order_case(spec, ctor, kwargs, "rosenbrock", schedule, make)
        assert all(math.isfinite(v) for row in case["trajectory"] for v in row), spec
        cases.append(case)
    for spec, kwargs in LBFGS_CASES:
        for problem in ("bowl", "rosenbrock", "beale"):
            case = lbfgs_case(spec, kwargs, problem)
            if all(math.isfinite(v) for row in case["trajectory"] for v in row):
                cases.append(case)
            else:
                print(f"skipped {spec} on {problem}: not finite")
    doc = {"generator": "tests/reference/generate_torch.py", "torch_version": torch.__version__,
           "dtype": "float64", "optimizer_cases": cases, "schedule_cases": schedule_cases()}
    with open(os.path.join(HERE, "torch_optim.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} optimizer cases, {len(doc['schedule_cases'])} schedule cases")


if __name__ == "__main__":
    main()
