"""descent's functions: derivatives, minimize (and its scipy form), training and pictures.

Everything here only arranges arguments and results; the work is done by the C++ library
(descent._descent), with the GIL released.
"""

from __future__ import annotations

import os
from typing import Any, Callable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _descent
from ._result import OptimizeResult, TrainResult

# The CLI's defaults for a formula (`descent minimize`): the course's gradient descent, 100 steps.
_FORMULA_METHOD = "gd(lr=0.1)"
_FORMULA_STEPS = 100
# For a Python function: a quasi-Newton method, as scipy.optimize.minimize's default.
_CALLABLE_METHOD = "lbfgs"
_CALLABLE_STEPS = 1000


def diff(formula: str, *variables: str) -> str:
    """The derivative of ``formula`` by each of ``variables`` in turn, simplified.

    >>> diff("x^2 + 2*x + 3", "x")
    '2*x + 2'
    >>> diff("x^3*y", "x", "x", "y")
    '6*x'

    Raises ValueError for a formula that does not parse (the message shows the column and a
    caret under it).
    """
    if not variables:
        raise ValueError("diff: name at least one variable, e.g. diff('x^2', 'x')")
    return _descent.diff(formula, list(variables))


def _point(at: Mapping[str, float], who: str):
    if not isinstance(at, Mapping):
        raise TypeError(f"{who}: the point must be a dict {{name: value}}, e.g. {{'x': 1, 'y': 2}}")
    return list(at.keys()), [float(v) for v in at.values()]


def grad(formula: str, at: Mapping[str, float], hessian: bool = False):
    """f and its gradient at a point: ``(f, gradient)``, or ``(f, gradient, Hessian)``.

    ``at`` maps every variable of the formula to its value; the gradient's entries follow its
    order. The formula is compiled once (the same code as the CLI's ``descent grad``).

    >>> f, g = grad("3*x^2*y + z*y - x", at={"x": 1, "y": 1, "z": 1})   # 3.0, array([5., 4., 1.])

    Raises ValueError for a formula that does not parse or a variable missing from ``at``.
    """
    names, values = _point(at, "grad")
    return _descent.grad(formula, names, values, bool(hessian))


def gradient_formulas(formula: str, variables: Sequence[str]) -> list:
    """The partial derivatives of ``formula`` as formulas, in the order of ``variables``."""
    return _descent.gradient_formulas(formula, list(variables))


def problems() -> list:
    """The built-in test problems (rosenbrock, beale, ...), each a dict: name, description,
    formula, variables, start, minimizers, minimum, suggested_optimizer, suggested_steps.
    ``minimize(name)`` runs one from its start."""
    return _descent.problems()


def _find_problem(name: str):
    for p in _descent.problems():
        if p["name"] == name:
            return p
    return None


def _formula_task(formula: str, x0, method, steps):
    problem = _find_problem(formula)
    variables, start = [], []
    if problem is not None:
        formula, variables, start = problem["formula"], problem["variables"], list(problem["start"])
        method = method or problem["suggested_optimizer"]
        steps = problem["suggested_steps"] if steps is None else steps
    if x0 is not None:
        if isinstance(x0, Mapping):
            variables, start = _point(x0, "minimize")
        elif problem is not None:
            start = [float(v) for v in x0]
            if len(start) != len(variables):
                raise ValueError(f"minimize: x0 has {len(start)} values; {problem['name']} has "
                                 f"{len(variables)} variables ({', '.join(variables)})")
        else:
            raise TypeError("minimize: for a formula, x0 must be a dict {name: value}, "
                            "e.g. {'x': 1, 'y': 1}")
    elif problem is None:
        raise ValueError("minimize: give the start point x0 as a dict, e.g. {'x': 1, 'y': 1}, or "
                         "name a built-in problem (see descent.problems())")
    return formula, variables, start, method or _FORMULA_METHOD, (
        _FORMULA_STEPS if steps is None else steps)


def minimize(fun: Union[str, Callable[..., Any]],
             x0: Any = None,
             *,
             args: tuple = (),
             jac: Union[None, bool, Callable[..., Any]] = None,
             hess: Optional[Callable[..., Any]] = None,
             method: Optional[str] = None,
             schedule: str = "constant",
             steps: Optional[int] = None,
             tol: float = 1e-8,
             maximize: bool = False,
             trace: bool = False,
             callback: Optional[Callable[[Any], Any]] = None,
             jit: str = "auto",
             bounds: Any = None) -> OptimizeResult:
    """Minimizes a formula or a Python function with any of descent's optimizers.

    ``fun`` is either

    - a formula, ``"3*x^2 + y^2"``, with ``x0`` a dict of start values
      (``{"x": 1, "y": 1}``; x's entries follow its order), or a built-in problem's name
      (``"rosenbrock"``; x0 optional). The formula is compiled with exact derivatives (and to
      native code when the run is long enough to repay it: ``jit="auto"|"on"|"off"``), so this
      runs as fast as the command line, with the same numbers bit for bit. Defaults as
      ``descent minimize``: ``method="gd(lr=0.1)"``, 100 steps (a problem's own suggestion).
    - a Python function ``fun(x, *args) -> float`` with ``x0`` an array. ``jac=True``: fun
      returns ``(f, gradient)``; ``jac`` callable: ``jac(x, *args) -> gradient``; no jac: central
      finite differences (2n calls per gradient; the result's message says so). ``hess``:
      ``hess(x, *args) -> n x n`` for ``method="newton"``. Defaults: ``method="lbfgs"``,
      1000 steps.

    ``method`` is an optimizer spec (``"adam(lr=0.01)"``, ``"lbfgs"``, ``"newton"``, ...),
    ``schedule`` an lr schedule spec (``"cosine(t_max=500)"``); ``steps`` bounds the updates;
    the run stops when ``||gradient|| <= tol``. ``bounds`` keeps every point in a box, as
    scipy's: a sequence of ``(low, high)`` pairs, one per coordinate (``None`` for no bound on
    that side), an object with ``lb`` and ``ub`` (``scipy.optimize.Bounds``), or for a formula
    a dict ``{"x": (0, 1)}`` (variables left out are free). First-order rules are projected
    after each step and stop on the projected gradient; ``method="lbfgsb"`` is L-BFGS-B with
    scipy's defaults. ``callback(state)`` is called at the start and
    after every update with a :class:`StepState` (step, x, fun, jac, grad_norm, lr); returning
    True stops the run. ``trace=True`` records every step in ``result.trace``.

    Returns an :class:`OptimizeResult`. Numerical trouble (divergence) is a result
    (``success=False``, ``reason="diverged"``), not an exception. Raises ValueError for bad specs,
    formulas or start points; exceptions raised by ``fun``, ``jac`` or ``callback`` propagate
    unchanged; Ctrl-C raises KeyboardInterrupt within a fraction of a second.
    """
    if not isinstance(jit, str) or jit not in ("auto", "on", "off"):
        raise ValueError(f"minimize: jit = {jit!r}; must be 'auto', 'on' or 'off'")
    if steps is not None and steps < 0:
        raise ValueError(f"minimize: steps = {steps}; must be >= 0")
    if callback is not None and not callable(callback):
        raise TypeError("minimize: callback must be callable")
    if isinstance(fun, str):
        formula, variables, start, method, steps = _formula_task(fun, x0, method, steps)
        lower, upper = _box(bounds, len(start), variables)
        r = _descent.minimize_formula(formula, variables, start, method, schedule, int(steps),
                                      float(tol), bool(maximize), bool(trace), callback, jit,
                                      lower, upper)
        r["variables"] = variables
        r["formula"] = formula
        return OptimizeResult(r)
    if not callable(fun):
        raise TypeError("minimize: fun must be a formula (str) or a callable")
    if x0 is None:
        raise ValueError("minimize: give the start point x0 (an array) for a Python function")
    if jac is not None and jac is not True and jac is not False and not callable(jac):
        raise TypeError("minimize: jac must be None, True or a callable")
    if hess is not None and not callable(hess):
        raise TypeError("minimize: hess must be a callable")
    f = fun if not args else (lambda x: fun(x, *args))
    j = jac if not (callable(jac) and args) else (lambda x: jac(x, *args))
    h = hess if not (hess is not None and args) else (lambda x: hess(x, *args))
    lower, upper = _box(bounds, _size(x0), None)
    r = _descent.minimize_callable(
        f, x0, j if callable(j) else None, h, jac is True, method or _CALLABLE_METHOD, schedule,
        int(_CALLABLE_STEPS if steps is None else steps), float(tol), bool(maximize), bool(trace),
        callback, lower, upper)
    return OptimizeResult(r)


def _size(x0: Any) -> int:
    import numpy as np  # not at import time: `import descent` leaves numpy for first use
    return int(np.size(x0))


def _bound(value: Any, infinity: float) -> float:
    return infinity if value is None else float(value)


def _box(bounds: Any, n: int, variables: Optional[List[str]]) -> Tuple[List[float], List[float]]:
    """``bounds`` as two lists of n floats (lower, upper); ([], []) for none."""
    if bounds is None:
        return [], []
    inf = float("inf")
    if hasattr(bounds, "lb") and hasattr(bounds, "ub"):  # scipy.optimize.Bounds
        import numpy as np
        lower = np.broadcast_to(np.asarray(bounds.lb, dtype=float), (n,))
        upper = np.broadcast_to(np.asarray(bounds.ub, dtype=float), (n,))
        return [float(v) for v in lower], [float(v) for v in upper]
    if isinstance(bounds, dict):
        if variables is None:
            raise ValueError("minimize: bounds as a dict name their variables, which only a "
                             "formula has; give a sequence of (low, high) pairs")
        unknown = sorted(set(bounds) - set(variables))
        if unknown:
            raise ValueError(f"minimize: bounds name {unknown}, which are not variables of the "
                             f"formula ({', '.join(variables)})")
        pairs = [bounds.get(v, (None, None)) for v in variables]
    else:
        pairs = list(bounds)
        if len(pairs) != n:
            raise ValueError(f"minimize: bounds has {len(pairs)} (low, high) pairs; x has {n} "
                             "coordinates")
    lower, upper = [], []
    for i, pair in enumerate(pairs):
        try:
            low, high = pair
        except (TypeError, ValueError):
            raise ValueError(f"minimize: bounds[{i}] = {pair!r}; must be a (low, high) pair "
                             "(None for no bound)") from None
        lower.append(_bound(low, -inf))
        upper.append(_bound(high, inf))
    return lower, upper


def scipy_method(spec: str = "lbfgs", schedule: str = "constant", steps: int = 1000):
    """A descent optimizer as a custom method of ``scipy.optimize.minimize``.

    >>> scipy.optimize.minimize(fun, x0, jac=grad_fun, method=descent.scipy_method("adam(lr=0.01)"))

    scipy's ``options`` ``maxiter`` (updates) and ``gtol`` (or scipy's ``tol``) are honoured;
    scipy's ``callback(xk)`` is called after every update. ``bounds`` are kept (see
    :func:`minimize`); constraints are refused (ValueError). Returns an :class:`OptimizeResult`.
    """
    if not isinstance(spec, str):
        raise TypeError("scipy_method: spec must be an optimizer spec such as 'adam(lr=0.01)'")

    def method(fun, x0, args=(), jac=None, hess=None, hessp=None, bounds=None, constraints=(),
               callback=None, **options):
        if constraints is not None and len(constraints) > 0:
            raise ValueError(f"descent's {spec} takes no constraints (bounds are fine)")
        maxiter = options.pop("maxiter", steps)
        tol = options.pop("gtol", options.pop("tol", 1e-8))
        options.pop("disp", None)
        if options:
            raise ValueError(f"descent's {spec}: unknown options {sorted(options)}")
        step_cb = None
        if callback is not None:
            def step_cb(state):
                if state.step > 0:
                    callback(state.x)
                return False
        return minimize(fun, x0, args=args, jac=jac if (jac is True or callable(jac)) else None,
                        hess=hess if callable(hess) else None, method=spec, schedule=schedule,
                        steps=maxiter, tol=tol, callback=step_cb, bounds=bounds)

    method.__name__ = f"descent_{spec}"
    method.__doc__ = f"descent's {spec} for scipy.optimize.minimize(method=...)."
    return method


def train(data: Any = "digits",
          model: str = "",
          optimizer: str = "",
          schedule: str = "constant",
          epochs: int = 20,
          batch_size: int = 32,
          test_fraction: float = 0.2,
          seed: int = 0,
          standardize: bool = True,
          clip_norm: float = 0.0,
          clip_value: float = 0.0,
          threads: int = 0,
          checkpoint: Optional[Union[str, os.PathLike]] = None,
          resume: Optional[Union[str, os.PathLike]] = None,
          callback: Optional[Callable[[dict], Any]] = None) -> TrainResult:
    """Trains a model, as ``descent train``; returns a :class:`TrainResult`.

    ``data``: a built-in data set (``"digits"``, ``"iris"``, ``"breast_cancer"``, ``"wine"``,
    ``"diabetes"``, ``"fashion-mnist"``), a CSV / IDX path, or a pair ``(X, y)`` of numpy arrays
    (integer y: classification over 0..max(y); float y: regression). ``model``: a model spec
    (``"mlp(hidden=[64])"``, ``"softmax"``, ``"cnn(channels=[8, 16])"``; empty: one that fits
    the data). ``optimizer``: a first-order spec (empty: adam for classification).
    ``checkpoint`` is written after every epoch; ``resume`` continues from one.
    ``callback(record)`` is called after every epoch with that epoch's dict.

    Raises ValueError for bad specs, options and data; Ctrl-C raises KeyboardInterrupt within
    one batch.
    """
    if isinstance(data, os.PathLike):
        data = os.fspath(data)
    if callback is not None and not callable(callback):
        raise TypeError("train: callback must be callable")
    r = _descent.train(data, model, optimizer, schedule, int(batch_size), int(epochs),
                       float(test_fraction), int(seed), bool(standardize), float(clip_norm),
                       float(clip_value), int(threads),
                       os.fspath(checkpoint) if checkpoint else "",
                       os.fspath(resume) if resume else "", callback)
    return TrainResult(r)


def plot(target: Any,
         optimizers: Optional[Sequence[str]] = None,
         out: Union[str, os.PathLike] = "descent.png",
         *,
         at: Optional[Mapping[str, float]] = None,
         schedule: str = "",
         steps: Optional[int] = None,
         tol: float = 1e-8,
         width: int = 800,
         height: int = 600,
         title: str = "") -> Any:
    """Draws a picture to ``out`` (.png, .svg or .pdf), as ``descent plot``.

    - ``target`` a formula of two variables (with ``at``, the start) or a built-in problem:
      runs every optimizer spec of ``optimizers`` from the start and draws their paths over the
      contours; returns ``{spec: OptimizeResult}``.
    - ``target`` a :class:`TrainResult`: draws its loss and test metric per epoch.

    >>> descent.plot("rosenbrock", optimizers=["adam(lr=0.05)", "lbfgs"], out="race.png")
    """
    out = os.fspath(out)
    if isinstance(target, TrainResult):
        _descent.plot_training(target.history, target.classification,
                               title or f"{target.model} with {target.optimizer}", out,
                               width if width != 800 else 1000, height if height != 600 else 450)
        return None
    if not isinstance(target, str):
        raise TypeError("plot: target must be a formula, a problem name or a TrainResult")
    point = [] if at is None else list(zip(*_point(at, "plot")))
    # steps None: 100 for a formula, a built-in problem's suggested count (the CLI's default).
    runs = _descent.plot_race(target, point, list(optimizers or []), schedule,
                              -1 if steps is None else int(steps),
                              float(tol), int(width), int(height), out)
    return {k: OptimizeResult(v) for k, v in runs.items()}
