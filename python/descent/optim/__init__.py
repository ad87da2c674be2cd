"""``torch.optim`` over numpy arrays: the same names, arguments and defaults, and descent's C++
kernels (the ones the CLI and the trainer use) updating float32 / float64 arrays in place.

>>> w, b = np.random.randn(784, 10).astype(np.float32), np.zeros(10, np.float32)
>>> opt = descent.optim.Adam([w, b], lr=1e-3)
>>> opt.step([gw, gb])            # w and b change in place; nothing is copied

numpy arrays carry no ``.grad``, so :meth:`Optimizer.step` takes the gradients, one array per
parameter, of the same dtype and size. Parameters must be C-contiguous and writable. One
parameter group per optimizer (set ``opt.param_groups[0]["lr"]`` as in torch).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Sequence

if TYPE_CHECKING:
    import numpy as np

from .. import _descent
from . import lr_scheduler

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "Adagrad", "RMSprop", "Adadelta", "NAdam",
           "RAdam", "Adamax", "lr_scheduler"]


def _spec_value(v: Any) -> str:
    if isinstance(v, bool) or type(v).__name__ == "bool_":
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_spec_value(e) for e in v) + "]"
    if isinstance(v, str):
        return v
    return repr(float(v))  # the shortest text that reads back to the same double


def _spec(name: str, options: Dict[str, Any]) -> str:
    """A descent spec such as ``adam(lr=0.001, betas=[0.9, 0.999])`` from keyword options."""
    return name + "(" + ", ".join(f"{k}={_spec_value(v)}" for k, v in options.items()) + ")"


class Optimizer:
    """The base of descent.optim's optimizers (torch.optim.Optimizer's interface over numpy).

    Attributes: ``param_groups`` (one dict: ``params`` and the hyperparameters; ``lr`` may be
    set), ``defaults``, ``spec`` (descent's canonical spec of the rule).
    """

    _name = ""

    def __init__(self, params: Iterable["np.ndarray"], options: Dict[str, Any]):
        import numpy as np  # imported on first use: `import descent` stays fast

        params = list(params)
        if not params:
            raise ValueError("optimizer got an empty parameter list")
        for i, p in enumerate(params):
            if isinstance(p, dict):
                raise ValueError("descent.optim takes one parameter group: pass a list of arrays")
            if not isinstance(p, np.ndarray):
                raise TypeError(f"params[{i}] must be a numpy array, got {type(p).__name__}")
        self.defaults = dict(options)
        self.param_groups: List[Dict[str, Any]] = [dict(params=params, **options)]
        self._core = _descent.ArrayOptimizer(_spec(self._name, options), len(params))
        self.state: Dict[int, Any] = {}

    @property
    def spec(self) -> str:
        """descent's canonical spec of this optimizer, every value included."""
        return self._core.spec

    def _sync_to_core(self) -> None:
        lr = float(self.param_groups[0]["lr"])
        if lr != self._core.lr:
            self._core.lr = lr

    def _sync_from_core(self) -> None:
        group = self.param_groups[0]
        group["lr"] = self._core.lr
        m = self._core.momentum
        if m is not None:
            if "betas" in group:
                group["betas"] = (m, group["betas"][1])
            elif "momentum" in group:
                group["momentum"] = m

    def step(self, grads: Sequence["np.ndarray"]) -> None:
        """One update of every parameter array, in place, from ``grads`` (one array per
        parameter, same dtype and size). The GIL is released during the update."""
        self._sync_to_core()
        if type(grads).__name__ == "ndarray":
            grads = [grads]
        self._core.step(self.param_groups[0]["params"], list(grads))

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Nothing to do: numpy arrays carry no gradients (kept for torch-shaped loops)."""

    def state_dict(self) -> Dict[str, Any]:
        """The whole state (per-array step counts and buffers, as bytes) and the hyperparameters;
        :meth:`load_state_dict` continues bit for bit."""
        group = {k: v for k, v in self.param_groups[0].items() if k != "params"}
        group["params"] = list(range(len(self.param_groups[0]["params"])))
        return {"state": dict(enumerate(self._core.save_state())), "param_groups": [group],
                "spec": self.spec}

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        """Restores :meth:`state_dict`'s output (ValueError for another optimizer's state)."""
        states = state_dict["state"]
        self._core.load_state([states[i] for i in sorted(states)])
        for k, v in state_dict["param_groups"][0].items():
            if k != "params":
                self.param_groups[0][k] = v
        self._sync_to_core()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.spec})"


def _betas(betas) -> list:
    return [float(betas[0]), float(betas[1])]


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum, dampening, Nesterov and weight decay
    (torch.optim.SGD)."""

    _name = "sgd"

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0,
                 nesterov=False, *, maximize=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize))


class Adam(Optimizer):
    """Adam (torch.optim.Adam), with amsgrad and (coupled) weight decay."""

    _name = "adam"

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 amsgrad=False, *, maximize=False):
        super().__init__(params, dict(lr=lr, betas=_betas(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize))


class AdamW(Optimizer):
    """Adam with decoupled weight decay (torch.optim.AdamW)."""

    _name = "adamw"

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False):
        super().__init__(params, dict(lr=lr, betas=_betas(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize))


class Adagrad(Optimizer):
    """Adagrad (torch.optim.Adagrad)."""

    _name = "adagrad"

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0,
                 initial_accumulator_value=0.0, eps=1e-10, *, maximize=False):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps,
                                      maximize=maximize))


class RMSprop(Optimizer):
    """RMSprop, optionally centered and with momentum (torch.optim.RMSprop)."""

    _name = "rmsprop"

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                 centered=False, *, maximize=False):
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered, maximize=maximize))


class Adadelta(Optimizer):
    """Adadelta (torch.optim.Adadelta)."""

    _name = "adadelta"

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, *, maximize=False):
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                                      maximize=maximize))


class NAdam(Optimizer):
    """Adam with Nesterov momentum (torch.optim.NAdam)."""

    _name = "nadam"

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 momentum_decay=4e-3, *, decoupled_weight_decay=False, maximize=False):
        super().__init__(params, dict(lr=lr, betas=_betas(betas), eps=eps,
                                      weight_decay=weight_decay, momentum_decay=momentum_decay,
                                      decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize))


class RAdam(Optimizer):
    """Rectified Adam (torch.optim.RAdam)."""

    _name = "radam"

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, *,
                 decoupled_weight_decay=False, maximize=False):
        super().__init__(params, dict(lr=lr, betas=_betas(betas), eps=eps,
                                      weight_decay=weight_decay,
                                      decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize))


class Adamax(Optimizer):
    """Adamax, Adam with the infinity norm (torch.optim.Adamax)."""

    _name = "adamax"

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, *,
                 maximize=False):
        super().__init__(params, dict(lr=lr, betas=_betas(betas), eps=eps,
                                      weight_decay=weight_decay, maximize=maximize))
