"""descent: gradient-based optimization at C++ speed, in NumPy's, SciPy's and PyTorch's shapes.

>>> import descent
>>> descent.diff("x^2 + 2*x + 3", "x")
'2*x + 2'
>>> f, g = descent.grad("3*x^2*y + z*y - x", at={"x": 1, "y": 1, "z": 1})   # 3.0, [5. 4. 1.]
>>> r = descent.minimize("3*x^2 + y^2", x0={"x": 1, "y": 1}, method="gd(lr=0.1)", steps=2)
>>> r.x                                                                     # array([0.16, 0.64])

Also: :func:`scipy_method` (descent inside ``scipy.optimize.minimize``), :mod:`descent.optim`
(``torch.optim`` over numpy arrays), :mod:`descent.datasets`, :func:`train`, :class:`Model`,
:func:`plot`. Errors in what you pass raise ValueError with descent's message; errors raised by
your own functions propagate unchanged; Ctrl-C stops long runs.
"""

from __future__ import annotations

from . import _descent
from ._descent import Model, StepState
from ._api import diff, grad, gradient_formulas, minimize, scipy_method, problems, train, plot
from ._result import OptimizeResult, TrainResult
from . import datasets, optim

__version__ = "0.1.0"
__all__ = ["diff", "grad", "gradient_formulas", "minimize", "scipy_method", "problems", "train",
           "plot", "Model", "OptimizeResult", "TrainResult", "StepState", "datasets", "optim",
           "jit_available"]


def jit_available() -> bool:
    """Whether formulas can be compiled to native code here (libgccjit)."""
    return _descent.jit_available()
