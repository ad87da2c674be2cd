"""``torch.optim.lr_scheduler`` for descent.optim: the same classes and arguments, descent's
schedules (the ones ``--schedule`` and the trainer use) computing the learning rates. Call
``step()`` once after every ``optimizer.step(...)``, as in torch.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

from .. import _descent

__all__ = ["LRScheduler", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR",
           "LinearLR", "OneCycleLR", "PolynomialLR", "ConstantLR"]


def _spec(name: str, options: Dict[str, Any]) -> str:
    from . import _spec as spec  # noqa: PLC0415 (the optim package's formatter)
    return spec(name, options)


class LRScheduler:
    """The base: sets the optimizer's lr at construction (the schedule's start) and at every
    :meth:`step`. ``last_epoch`` counts the steps; :meth:`get_last_lr` gives the lr."""

    def __init__(self, optimizer, name: str, options: Dict[str, Any], run_steps: int = 0):
        self.optimizer = optimizer
        optimizer._sync_to_core()
        self.base_lrs = [optimizer._core.lr]
        self._core = _descent.ArraySchedule(_spec(name, options), optimizer._core, run_steps)
        optimizer._sync_from_core()

    @property
    def spec(self) -> str:
        """descent's canonical spec of the schedule."""
        return self._core.spec

    @property
    def last_epoch(self) -> int:
        return self._core.step_count

    def step(self) -> None:
        """Advances one step and sets the optimizer's lr (ValueError past OneCycleLR's end)."""
        self._core.step(self.optimizer._core)
        self.optimizer._sync_from_core()

    def get_last_lr(self) -> list:
        return [self._core.lr]

    def state_dict(self) -> Dict[str, Any]:
        return {"spec": self.spec, "last_epoch": self.last_epoch}

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        """Moves to the saved step (the lr is that of an uninterrupted run, bit for bit)."""
        self._core.set_step_count(int(state_dict["last_epoch"]), self.optimizer._core)
        self.optimizer._sync_from_core()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.spec})"


class ConstantLR(LRScheduler):
    """A constant learning rate (descent's ``constant``; torch's factor form is not offered)."""

    def __init__(self, optimizer):
        super().__init__(optimizer, "constant", {})


class StepLR(LRScheduler):
    """lr * gamma every ``step_size`` steps."""

    def __init__(self, optimizer, step_size: int, gamma: float = 0.1):
        super().__init__(optimizer, "step", dict(step_size=step_size, gamma=gamma))


class MultiStepLR(LRScheduler):
    """lr * gamma at each of ``milestones``."""

    def __init__(self, optimizer, milestones: Sequence[int], gamma: float = 0.1):
        super().__init__(optimizer, "multistep",
                         dict(milestones=[int(m) for m in milestones], gamma=gamma))


class ExponentialLR(LRScheduler):
    """lr * gamma every step."""

    def __init__(self, optimizer, gamma: float):
        super().__init__(optimizer, "exponential", dict(gamma=gamma))


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing from the base lr to ``eta_min`` over ``T_max`` steps."""

    def __init__(self, optimizer, T_max: int, eta_min: float = 0.0):  # noqa: N803 (torch's name)
        super().__init__(optimizer, "cosine", dict(t_max=int(T_max), eta_min=eta_min))


class LinearLR(LRScheduler):
    """A linear factor from ``start_factor`` to ``end_factor`` over ``total_iters`` steps."""

    def __init__(self, optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
                 total_iters: int = 5):
        super().__init__(optimizer, "linear", dict(start_factor=start_factor,
                                                   end_factor=end_factor,
                                                   total_iters=int(total_iters)))


class PolynomialLR(LRScheduler):
    """lr * (1 - t / total_iters) ** power."""

    def __init__(self, optimizer, total_iters: int = 5, power: float = 1.0):
        super().__init__(optimizer, "polynomial", dict(total_iters=int(total_iters), power=power))


class OneCycleLR(LRScheduler):
    """The 1cycle policy (lr up to ``max_lr`` and down, momentum / beta1 the other way)."""

    def __init__(self, optimizer, max_lr: float, total_steps: Optional[int] = None,
                 epochs: Optional[int] = None, steps_per_epoch: Optional[int] = None,
                 pct_start: float = 0.3, anneal_strategy: str = "cos",
                 cycle_momentum: bool = True, base_momentum: float = 0.85,
                 max_momentum: float = 0.95, div_factor: float = 25.0,
                 final_div_factor: float = 1e4, three_phase: bool = False):
        if total_steps is None:
            if epochs is None or steps_per_epoch is None:
                raise ValueError("OneCycleLR: give total_steps, or epochs and steps_per_epoch")
            total_steps = int(epochs) * int(steps_per_epoch)
        super().__init__(optimizer, "onecycle", dict(
            max_lr=max_lr, total_steps=int(total_steps), pct_start=pct_start,
            anneal_strategy=anneal_strategy, cycle_momentum=cycle_momentum,
            base_momentum=base_momentum, max_momentum=max_momentum, div_factor=div_factor,
            final_div_factor=final_div_factor, three_phase=three_phase))
