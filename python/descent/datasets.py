"""The data sets descent knows: embedded (digits, iris, breast_cancer, wine, diabetes),
fashion-mnist (Debian's dataset-fashion-mnist) and CSV / IDX files, as numpy arrays."""

from __future__ import annotations

import os
from typing import Union

from . import _descent


def load(name: Union[str, os.PathLike], return_info: bool = False):
    """``(X, y)`` of a data set: X float64 (samples x features, raw: not standardized), y int64
    class indices (classification) or float64 values (regression). ``return_info=True`` adds a
    dict (name, classification, num_classes, feature_names, class_names, image_shape,
    predefined_test_rows).

    >>> X, y = descent.datasets.load("digits")   # (1797, 64), classes 0..9

    Raises ValueError for an unknown name or a file that cannot be read as a data set.
    """
    X, y, info = _descent.load_dataset(os.fspath(name))
    return (X, y, info) if return_info else (X, y)


def names() -> list:
    """The names :func:`load` knows without a path."""
    return _descent.dataset_names()
