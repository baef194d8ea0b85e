"""Did the learner's function change what it was given? Deep copies and deep comparisons.

Before each call the checker copies the arguments (:func:`snapshot`); after
it, :func:`first_change` compares them with the copy and says, in words,
what changed: a list that lost an item, a tensor divided in place, a table
column rewritten, a note moved. Tensors, numpy arrays, DataFrames, Series,
NoteSequences, dicts, lists, tuples and sets are compared all the way down.
"""

import copy
import math

from helpers.notes import is_sequence


def snapshot(value: object) -> object:
    """A deep copy of ``value`` to compare with later (tensors are detached first).

    Example: ``before = snapshot(args)``
    """
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency of the course
        torch = None
    if torch is not None and isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, (list, tuple)):
        return type(value)(snapshot(v) for v in value) if type(value) in (list, tuple) else copy.deepcopy(value)
    if isinstance(value, dict) and type(value) is dict:
        return {k: snapshot(v) for k, v in value.items()}
    return copy.deepcopy(value)


def first_change(before, after, where: str = "it") -> str | None:
    """``None`` if ``after`` equals the ``before`` snapshot, else a sentence saying what changed.

    Example: ``first_change([1, 2], [2])`` -> ``"it had 2 items and now has 1"``
    """
    kind = _kind(before)
    if kind == "tensor":
        return _tensor_change(before, after, where)
    if kind == "array":
        import numpy as np
        if before.shape != after.shape or not np.array_equal(before, after, equal_nan=before.dtype.kind in "fc"):
            return f"the values of {where} changed"
        return None
    if kind == "table":
        return _table_change(before, after, where)
    if kind == "sequence":
        return None if before == after else f"the notes or tempos of {where} changed"
    if isinstance(before, dict):
        if set(before) != set(after):
            return f"the keys of {where} changed (now {sorted(map(str, after))[:8]})"
        for key in before:
            change = first_change(before[key], after[key], f"{where}[{key!r}]")
            if change:
                return change
        return None
    if isinstance(before, (list, tuple)):
        if len(before) != len(after):
            return f"{where} had {len(before)} items and now has {len(after)}"
        for i, (a, b) in enumerate(zip(before, after)):
            change = first_change(a, b, f"{where}[{i}]")
            if change:
                return change
        return None
    if isinstance(before, float) and isinstance(after, float) and math.isnan(before) and math.isnan(after):
        return None
    try:
        same = bool(before == after)
    except Exception:  # objects that cannot say whether they are equal: assume unchanged
        return None
    return None if same else f"{where} changed from {before!r:.40} to {after!r:.40}"


def _kind(value) -> str:
    name = type(value).__module__.split(".")[0]
    if name == "torch" and type(value).__name__ in ("Tensor", "Parameter"):
        return "tensor"
    if name == "numpy" and type(value).__name__ == "ndarray":
        return "array"
    if name == "pandas" and type(value).__name__ in ("DataFrame", "Series"):
        return "table"
    if is_sequence(value):
        return "sequence"
    return "other"


def _tensor_change(before, after, where):
    import torch

    if not isinstance(after, torch.Tensor):
        return f"{where} is no longer a tensor"
    if before.dtype != after.dtype or before.shape != after.shape:
        return f"{where} changed shape or type (from {tuple(before.shape)} {before.dtype})"
    equal = before == after.detach()
    if before.is_floating_point():
        equal |= before.isnan() & after.detach().isnan()
    return None if bool(equal.all()) else f"the values of {where} changed (an in-place operation such as /= or .add_()?)"


def _table_change(before, after, where):
    if type(before) is not type(after):
        return f"{where} is no longer a {type(before).__name__}"
    if list(getattr(before, "columns", [])) != list(getattr(after, "columns", [])):
        return f"the columns of {where} changed (now {list(after.columns)[:8]})"
    if not before.index.equals(after.index):
        return f"the rows of {where} changed (a row was dropped, added or reordered)"
    if hasattr(before, "columns"):
        for column in before.columns:
            if not before[column].equals(after[column]) or before[column].dtype != after[column].dtype:
                return f"the column {column!r} of {where} changed"
        return None
    return None if before.equals(after) else f"the values of {where} changed"
