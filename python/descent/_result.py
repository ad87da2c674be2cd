"""Result types: OptimizeResult (scipy's shape) and TrainResult."""

from __future__ import annotations


class OptimizeResult(dict):
    """The result of :func:`descent.minimize`, shaped like ``scipy.optimize.OptimizeResult``.

    A dict whose keys are also attributes:

    x, fun, jac
        the last point, f there and the gradient there (numpy arrays / float)
    nit, nfev
        optimizer updates taken and evaluations of the objective (calls of a Python ``fun``;
        ``njev`` / ``nhev`` count calls of ``jac`` / ``hess``)
    success, status, message
        whether the run ended well (converged, stopped by the callback, or the optimizer's own
        tolerances met), a code (0 converged, 1 step budget spent, 2 diverged, 3 line search
        failed, 4 stopped by the callback, 5 no progress) and a sentence for people
    reason
        descent's name for the status (``"converged"``, ``"max_steps"``, ...)
    best_x, best_fun, best_step
        the best point seen (a diverged run's last point is not it)
    trace
        with ``trace=True``: one dict per step (step, x, fun, grad_norm, lr), step 0 the start
    method, schedule
        the canonical specs that ran; ``variables`` names x's entries for a formula
    """

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as e:
            raise AttributeError(name) from e

    __setattr__ = dict.__setitem__
    __delattr__ = dict.__delitem__

    def __repr__(self):
        if not self:
            return self.__class__.__name__ + "()"
        width = max(len(k) for k in self) + 1
        lines = []
        for k, v in self.items():
            if k == "trace":
                v = f"[{len(v)} steps]"
            lines.append(k.rjust(width) + ": " + repr(v).replace("\n", "\n" + " " * (width + 2)))
        return "\n".join(lines)

    def __dir__(self):
        return list(self.keys())


class TrainResult(OptimizeResult):
    """The result of :func:`descent.train` (keys are attributes, as OptimizeResult).

    history
        one dict per epoch: epoch, train_loss, test_loss, test_metric (accuracy or R^2), lr,
        seconds, train_seconds
    train_loss, test_loss, test_metric
        the final model's figures (the best epoch's after divergence)
    model, optimizer, schedule, layers, parameters, train_rows, test_rows
        what was trained
    reason, message, best_epoch
        how the run ended (``reason == "diverged"`` keeps the best epoch's model)
    final_model
        the trained :class:`descent.Model` (``final_model.predict(X)``, ``final_model.save(path)``)
    """
