"""descent.optim: torch.optim's names over numpy arrays, in place, matching torch's trajectories
(tests/reference/torch_optim.json, float64) and its lr schedules."""

import numpy as np
import pytest

import descent
from descent import optim
from descent.optim import lr_scheduler

# torch's class for each spec name of the fixtures, and how the spec's keys read in torch.
CLASSES = {"sgd": optim.SGD, "adam": optim.Adam, "adamw": optim.AdamW, "adagrad": optim.Adagrad,
           "rmsprop": optim.RMSprop, "adadelta": optim.Adadelta, "nadam": optim.NAdam,
           "radam": optim.RAdam, "adamax": optim.Adamax}


def parse_spec(spec):
    """'adam(lr=0.01, betas=[0.8, 0.99], amsgrad=true)' -> ('adam', {...}) for the classes."""
    name, _, rest = spec.partition("(")
    options = {}
    rest = rest.rstrip(")")
    while rest:
        key, _, rest = rest.partition("=")
        if rest.startswith("["):
            value, _, rest = rest[1:].partition("]")
            options[key.strip()] = [float(v) for v in value.split(",")]
            rest = rest.lstrip(", ")
        else:
            value, _, rest = rest.partition(",")
            value = value.strip()
            options[key.strip()] = {"true": True, "false": False}.get(value) if value in (
                "true", "false") else float(value)
        rest = rest.strip()
    return name, options


# The schedules some trajectories run with, as torch's classes.
CASE_SCHEDULES = {
    "cosine(t_max=15, eta_min=0.001)":
        lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=15, eta_min=0.001),
    "onecycle(max_lr=0.001, total_steps=40)":
        lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.001, total_steps=40),
}


def first_order_cases(reference):
    return [c for c in reference["optimizer_cases"]
            if not c["closure"] and c["spec"].partition("(")[0] in CLASSES]


def test_every_torch_trajectory_is_reproduced_on_numpy_float64(reference):
    cases = first_order_cases(reference)
    assert len(cases) >= 60
    for case in cases:
        name, options = parse_spec(case["spec"])
        x = np.array(case["start"], dtype=np.float64)
        opt = CLASSES[name]([x], **options)
        sched = CASE_SCHEDULES[case["schedule"]](opt) if case["schedule"] else None
        for expected in case["trajectory"][1:]:
            _, g = descent._descent.problem_value_grad(case["problem"], x)
            opt.step([g])
            if sched:
                sched.step()
            assert x == pytest.approx(expected, rel=1e-12, abs=1e-300), case["spec"]


def test_the_step_updates_float32_arrays_in_place_without_copies():
    w = np.ones((100, 10), np.float32)
    b = np.zeros(10, np.float32)
    pointers = (w.ctypes.data, b.ctypes.data)
    opt = optim.Adam([w, b], lr=0.5)
    opt.step([np.ones_like(w), -np.ones_like(b)])
    assert (w.ctypes.data, b.ctypes.data) == pointers and w.dtype == np.float32
    assert w == pytest.approx(np.full(w.shape, 0.5), rel=1e-6)
    assert b == pytest.approx(np.full(b.shape, 0.5), rel=1e-6)


def test_float32_and_float64_give_the_same_first_step_as_the_formula_driver():
    r = descent.minimize("x^2 + 3*y^2", x0={"x": 1, "y": -2}, method="adam(lr=0.1)", steps=3)
    x = np.array([1.0, -2.0])
    opt = optim.Adam([x], lr=0.1)
    for _ in range(3):
        opt.step([np.array([2 * x[0], 6 * x[1]])])
    assert x.tolist() == r.x.tolist()


def test_state_dict_continues_bit_for_bit():
    rng = np.random.default_rng(1)
    grads = [rng.standard_normal(50) for _ in range(6)]
    a = np.zeros(50)
    opt = optim.NAdam([a])
    for g in grads[:3]:
        opt.step([g])
    saved = opt.state_dict()
    b = a.copy()
    for g in grads[3:]:
        opt.step([g])
    other = optim.NAdam([b])
    other.load_state_dict(saved)
    for g in grads[3:]:
        other.step([g])
    assert a.tolist() == b.tolist()


def test_param_groups_lr_is_honoured_as_in_torch():
    x = np.array([1.0])
    opt = optim.SGD([x], lr=0.1)
    opt.param_groups[0]["lr"] = 0.5
    opt.step([np.array([1.0])])
    assert x.tolist() == [0.5]


SCHEDULERS = {
    "step(step_size=3, gamma=0.5)": lambda o: lr_scheduler.StepLR(o, step_size=3, gamma=0.5),
    "multistep(milestones=[3, 7, 7, 12], gamma=0.5)":
        lambda o: lr_scheduler.MultiStepLR(o, milestones=[3, 7, 7, 12], gamma=0.5),
    "exponential(gamma=0.9)": lambda o: lr_scheduler.ExponentialLR(o, gamma=0.9),
    "cosine(t_max=10, eta_min=0.001)":
        lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.001),
    "linear(start_factor=0.5, end_factor=0.1, total_iters=8)":
        lambda o: lr_scheduler.LinearLR(o, start_factor=0.5, end_factor=0.1, total_iters=8),
    "linear": lambda o: lr_scheduler.LinearLR(o),
    "polynomial(total_iters=8, power=2)":
        lambda o: lr_scheduler.PolynomialLR(o, total_iters=8, power=2),
    "onecycle(max_lr=0.5, total_steps=40)":
        lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.5, total_steps=40),
    "onecycle(max_lr=0.5, total_steps=40, anneal_strategy=linear, three_phase=true)":
        lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.5, total_steps=40,
                                          anneal_strategy="linear", three_phase=True),
}


@pytest.mark.parametrize("spec", list(SCHEDULERS))
def test_torch_scheduler_lrs_are_reproduced(reference, spec):
    case = next(c for c in reference["schedule_cases"] if c["spec"] == spec)
    name, options = parse_spec(case["optimizer"])
    options["lr"] = case["base_lr"]
    opt = CLASSES[name]([np.zeros(2)], **options)
    sched = SCHEDULERS[spec](opt)
    lrs, momenta = [], []
    for i in range(len(case["lrs"])):
        group = opt.param_groups[0]
        lrs.append(group["lr"])
        momenta.append(group["betas"][0] if "betas" in group else group["momentum"])
        if i + 1 < len(case["lrs"]):
            opt.step([np.ones(2)])
            sched.step()
    assert lrs == pytest.approx(case["lrs"], rel=1e-12)
    if case.get("momenta"):
        assert momenta == pytest.approx(case["momenta"], rel=1e-12)


def test_scheduler_state_dict_resumes_the_lr():
    opt = optim.SGD([np.zeros(1)], lr=1.0)
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=10)
    for _ in range(4):
        sched.step()
    saved, lr = sched.state_dict(), opt.param_groups[0]["lr"]
    other = optim.SGD([np.zeros(1)], lr=1.0)
    lr_scheduler.CosineAnnealingLR(other, T_max=10).load_state_dict(saved)
    assert other.param_groups[0]["lr"] == lr and sched.get_last_lr() == [lr]


def test_a_formula_with_bounds_stops_on_the_box_where_the_projected_gradient_vanishes():
    # (x - 2)^2 + (y + 1)^2 over x in [0, 1], y >= 0: the minimum is the corner (1, 0).
    r = descent.minimize("(x - 2)^2 + (y + 1)^2", {"x": 0.5, "y": 0.5}, method="gd(lr=0.1)",
                         steps=200, tol=1e-12, bounds={"x": (0, 1), "y": (0, None)})
    assert r.success, r.message
    assert r.x.tolist() == [1.0, 0.0]


def test_a_python_function_with_bounds_matches_the_formula_run_bit_for_bit():
    box = [(0, 1), (0, None)]
    formula = descent.minimize("(x - 2)^2 + (y + 1)^2", {"x": 0.3, "y": 0.7},
                               method="adam(lr=0.05)", steps=50, tol=0, bounds=box)
    python = descent.minimize(lambda v: float((v[0] - 2) ** 2 + (v[1] + 1) ** 2),
                              np.array([0.3, 0.7]), jac=lambda v: np.array([2 * (v[0] - 2),
                                                                            2 * (v[1] + 1)]),
                              method="adam(lr=0.05)", steps=50, tol=0, bounds=box)
    assert python.x.tolist() == formula.x.tolist()
    assert 0 <= formula.x[0] <= 1 and formula.x[1] >= 0


def test_an_object_with_lb_and_ub_is_taken_as_the_box():
    class Box:
        lb = 0.0
        ub = [1.0, 1.0]

    r = descent.minimize("(x - 2)^2 + (y + 1)^2", {"x": 0.5, "y": 0.5}, method="lbfgsb",
                         bounds=Box())
    assert r.x.tolist() == [1.0, 0.0]
