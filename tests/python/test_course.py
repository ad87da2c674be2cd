"""The course's examples and every optimizer: the same numbers as the CLI's JSON, bit for bit."""

import numpy as np
import pytest

import descent


def test_diff_simplifies_the_derivative():
    assert descent.diff("x^2 + 2*x + 3", "x") == "2*x + 2"


def test_diff_takes_several_variables_in_turn():
    assert descent.diff("x^3*y", "x", "x", "y") == "6*x"


def test_grad_of_the_course_example_is_5_4_1():
    f, g = descent.grad("3*x^2*y + z*y - x", at={"x": 1, "y": 1, "z": 1})
    assert f == 3.0
    assert g.tolist() == [5.0, 4.0, 1.0]
    assert g.dtype == np.float64


def test_grad_gives_the_hessian_when_asked():
    f, g, h = descent.grad("x^2*y", at={"x": 1, "y": 2}, hessian=True)
    assert (f, g.tolist(), h.tolist()) == (2.0, [4.0, 1.0], [[4.0, 2.0], [2.0, 0.0]])


def test_grad_matches_the_cli_json(cli):
    doc = cli("grad", "sin(x)*exp(y) + x^3", "--at", "x=0.3,y=-1.7")
    f, g = descent.grad("sin(x)*exp(y) + x^3", at={"x": 0.3, "y": -1.7})
    assert f == doc["f"]
    assert g.tolist() == doc["grad"]


def test_gradient_descent_takes_the_course_steps():
    r = descent.minimize("3*x^2 + y^2", x0={"x": 1, "y": 1}, method="gd(lr=0.1)", steps=2,
                         trace=True)
    xs = [p["x"].tolist() for p in r.trace]
    assert xs[1] == pytest.approx([0.4, 0.8], abs=1e-15)
    assert xs[2] == pytest.approx([0.16, 0.64], abs=1e-15)
    assert r.nit == 2 and r.nfev == 3 and r.reason == "max_steps" and not r.success
    assert r.variables == ["x", "y"]


def test_gradient_descent_matches_the_cli_json_bit_for_bit(cli):
    doc = cli("minimize", "3*x^2 + y^2", "--at", "x=1,y=1", "--optimizer", "gd(lr=0.1)",
              "--steps", "2", "--trace")
    r = descent.minimize("3*x^2 + y^2", x0={"x": 1, "y": 1}, method="gd(lr=0.1)", steps=2,
                         trace=True)
    assert [[p["x"]["x"], p["x"]["y"]] for p in doc["trace"]] == [p["x"].tolist() for p in r.trace]
    assert [p["f"] for p in doc["trace"]] == [p["fun"] for p in r.trace]
    assert r.fun == doc["f"] and r.nfev == doc["evaluations"] and r.message == doc["message"]


@pytest.mark.parametrize("name", descent._descent.optimizer_names())
def test_every_optimizer_matches_the_cli_json_bit_for_bit(cli, name):
    doc = cli("minimize", "rosenbrock", "--optimizer", name, "--steps", "60")
    r = descent.minimize("rosenbrock", method=name, steps=60)
    assert r.x.tolist() == [doc["x"]["x"], doc["x"]["y"]]
    assert r.fun == float(doc["f"])  # JSON writes a diverged f as "inf" (sgd_schedulefree's lr=1)
    assert (r.nit, r.nfev, r.reason) == (doc["steps"], doc["evaluations"], doc["reason"])
    assert r.method == doc["optimizer"]


def test_a_schedule_and_maximize_match_the_cli(cli):
    doc = cli("minimize", "-(x - 1)^2 - 2*(y + 1)^2", "--at", "x=0,y=0", "--optimizer",
              "adam(lr=0.1)", "--schedule", "cosine(t_max=50)", "--steps", "50", "--maximize")
    r = descent.minimize("-(x - 1)^2 - 2*(y + 1)^2", x0={"x": 0, "y": 0}, method="adam(lr=0.1)",
                         schedule="cosine(t_max=50)", steps=50, maximize=True)
    assert r.x.tolist() == [doc["x"]["x"], doc["x"]["y"]] and r.schedule == doc["schedule"]


def test_the_native_code_gives_the_same_numbers():
    if not descent.jit_available():
        pytest.skip("no libgccjit here")
    a = descent.minimize("rosenbrock", method="adam(lr=0.01)", steps=300, jit="on")
    b = descent.minimize("rosenbrock", method="adam(lr=0.01)", steps=300, jit="off")
    assert a.x.tolist() == b.x.tolist()


def test_a_python_function_with_its_gradient_reaches_the_minimum():
    r = descent.minimize(lambda x: ((x - 3) ** 2).sum(), np.zeros(5), jac=lambda x: 2 * (x - 3))
    assert r.success and r.x == pytest.approx(np.full(5, 3.0))
    assert r.njev >= 1 and not r.finite_differences


def test_a_python_function_returning_f_and_gradient_works_with_jac_true():
    r = descent.minimize(lambda x: (float(x @ x), 2 * x), np.ones(3), jac=True,
                         method="gd(lr=0.25)", steps=5)
    assert r.x.tolist() == [0.5 ** 5] * 3 and r.nfev == 6


def test_without_a_gradient_descent_uses_finite_differences_and_says_so():
    r = descent.minimize(lambda x: ((x - 3) ** 2).sum(), np.zeros(5), method="lbfgs")
    assert r.finite_differences and "finite differences" in r.message
    assert r.x == pytest.approx(np.full(5, 3.0), abs=1e-6)


def test_the_callback_sees_every_step_and_true_stops():
    seen = []

    def cb(state):
        seen.append((state.step, state.fun))
        return state.fun < 1e-3

    r = descent.minimize("x^2", x0={"x": 1}, method="gd(lr=0.1)", steps=500, callback=cb)
    assert r.reason == "stopped_by_callback" and r.success
    assert [s for s, _ in seen] == list(range(len(seen))) and seen[-1][1] < 1e-3


def test_the_result_reads_like_scipys():
    r = descent.minimize("x^2 + y^2", x0={"x": 1, "y": 2}, method="gd(lr=0.5)")
    for key in ("x", "fun", "jac", "nit", "nfev", "success", "status", "message", "reason",
                "best_x", "best_fun"):
        assert key in r and getattr(r, key) is r[key]
    assert r.success and r.status == 0 and r.reason == "converged" and r.jac.tolist() == [0, 0]
