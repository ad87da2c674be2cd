"""scipy.optimize as the outside reference: the same minima, and descent inside scipy."""

import numpy as np
import pytest

import descent

optimize = pytest.importorskip("scipy.optimize")

QUADRATIC_A = np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 0.5], [0.0, 0.5, 2.0]])
QUADRATIC_B = np.array([1.0, -2.0, 0.5])


def quadratic(x):
    return 0.5 * x @ QUADRATIC_A @ x - QUADRATIC_B @ x


def quadratic_grad(x):
    return QUADRATIC_A @ x - QUADRATIC_B


CASES = [
    ("rosenbrock-2", optimize.rosen, optimize.rosen_der, np.array([-1.2, 1.0])),
    ("rosenbrock-6", optimize.rosen, optimize.rosen_der, np.full(6, 0.5)),
    ("quadratic", quadratic, quadratic_grad, np.zeros(3)),
]


@pytest.mark.parametrize("name,fun,jac,x0", CASES, ids=[c[0] for c in CASES])
def test_lbfgs_reaches_scipys_minimum(name, fun, jac, x0):
    ours = descent.minimize(fun, x0, jac=jac, method="lbfgs", tol=1e-10)
    theirs = optimize.minimize(fun, x0, jac=jac, method="BFGS", options={"gtol": 1e-10})
    assert ours.success, ours.message
    # torch's L-BFGS stops on its tolerance_change (1e-9): a few 1e-6 from the minimizer.
    assert ours.x == pytest.approx(theirs.x, abs=1e-5)
    assert ours.fun == pytest.approx(theirs.fun, abs=1e-10)


def test_the_quadratics_minimum_is_the_linear_solution():
    r = descent.minimize(quadratic, np.zeros(3), jac=quadratic_grad, method="newton",
                         hess=lambda x: QUADRATIC_A, tol=1e-12)
    assert r.x == pytest.approx(np.linalg.solve(QUADRATIC_A, QUADRATIC_B), abs=1e-12)


def test_adam_reaches_the_rosenbrock_minimum_as_scipy_does():
    ours = descent.minimize(optimize.rosen, np.array([-1.2, 1.0]), jac=optimize.rosen_der,
                            method="adam(lr=0.02)", steps=20000, tol=1e-6)
    theirs = optimize.minimize(optimize.rosen, [-1.2, 1.0], jac=optimize.rosen_der,
                               method="L-BFGS-B")
    assert ours.x == pytest.approx(theirs.x, abs=1e-4)


def test_scipy_method_runs_inside_scipy_minimize():
    r = optimize.minimize(optimize.rosen, [-1.2, 1.0], jac=optimize.rosen_der,
                          method=descent.scipy_method("lbfgs"), options={"gtol": 1e-10})
    assert r.success and r.x == pytest.approx([1.0, 1.0], abs=1e-5)


def test_scipy_method_honours_maxiter_args_and_callback():
    seen = []
    r = optimize.minimize(lambda x, c: float(((x - c) ** 2).sum()), np.zeros(2), args=(2.0,),
                          jac=lambda x, c: 2 * (x - c),
                          method=descent.scipy_method("gd(lr=0.25)"),
                          callback=lambda xk: seen.append(xk.copy()), options={"maxiter": 3})
    assert r.nit == 3 and len(seen) == 3
    assert r.x.tolist() == [1.75, 1.75]


def test_scipy_method_with_jac_true_uses_the_returned_gradient():
    r = optimize.minimize(lambda x: (float(x @ x), 2 * x), np.ones(2), jac=True,
                          method=descent.scipy_method("gd(lr=0.25)"), options={"maxiter": 1})
    assert r.x.tolist() == [0.5, 0.5]


def test_scipy_method_refuses_constraints():
    with pytest.raises(ValueError, match="constraints"):
        optimize.minimize(optimize.rosen, [0.0, 0.0], method=descent.scipy_method("adam"),
                          constraints=[{"type": "eq", "fun": lambda x: x[0] - x[1]}])


# Rosenbrock with its minimum (1, 1) outside the box: both land on x = 0.5, y = 0.25.
ROSEN_BOX = [(-2.0, 0.5), (None, 2.0)]


def test_lbfgsb_with_bounds_lands_where_scipys_l_bfgs_b_does():
    ours = descent.minimize(optimize.rosen, np.array([-1.2, 1.0]), jac=optimize.rosen_der,
                            method="lbfgsb", bounds=ROSEN_BOX)
    theirs = optimize.minimize(optimize.rosen, [-1.2, 1.0], jac=optimize.rosen_der,
                               method="L-BFGS-B", bounds=ROSEN_BOX)
    assert ours.success, ours.message
    assert ours.x == pytest.approx(theirs.x, abs=1e-8)
    assert ours.x[0] == 0.5


def test_scipy_method_keeps_scipys_bounds_object():
    box = optimize.Bounds([-2.0, -np.inf], [0.5, 2.0])
    r = optimize.minimize(optimize.rosen, [-1.2, 1.0], jac=optimize.rosen_der,
                          method=descent.scipy_method("lbfgsb"), bounds=box)
    theirs = optimize.minimize(optimize.rosen, [-1.2, 1.0], jac=optimize.rosen_der,
                               method="L-BFGS-B", bounds=box)
    assert r.x == pytest.approx(theirs.x, abs=1e-8)
