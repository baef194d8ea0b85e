"""Calling the learner's function safely: under a time limit, with its inputs protected.

:func:`call` is the only place a check runs learner code. It

* stops the function when the check's time budget is spent (:mod:`helpers.check.timelimit`);
* turns a stub's ``NotImplementedError`` into "not done yet" (:class:`NotDone`);
* turns any other exception into a hint that names the input (:class:`Hint`);
* compares every argument before and after the call and stops the check with
  "your function changed its input" when one changed (:class:`StopCheck`).
"""

import inspect
from typing import Any, Callable

from helpers.check.core import Hint, NotDone, StopCheck
from helpers.check.describe import show, show_call
from helpers.check.protect import first_change, snapshot
from helpers.check.timelimit import TimeUp, budget_seconds, limited


def expect_function(answer, name: str) -> None:
    """Reject answers that are not functions, with a hint on how to pass one.

    Example: ``expect_function(transpose, "transpose")`` passes; ``expect_function(5, "transpose")`` raises Hint
    """
    if not callable(answer):
        raise StopCheck(f"expected your function `{name}`, but got {type(answer).__name__} "
                        f"{show(answer, 60)}. Pass the function itself, without calling it: "
                        f"check(..., {name}).")


def call(answer: Callable, *args, name: str | None = None, may_change: tuple = (), **kwargs) -> Any:
    """``answer(*args, **kwargs)``, under the time limit, with every argument protected.

    ``may_change`` lists the positions of arguments the function is meant to
    change (a model and its optimizer in a training step); all others must
    come back exactly as they went in. ``name`` is how hints write the call.
    Example: ``got = call(transpose, piece, 3, name="transpose")``
    """
    name = name or getattr(answer, "__name__", "your function")
    shown = show_call(name, args, kwargs)
    before = [None if i in may_change else snapshot(a) for i, a in enumerate(args)]
    before_kwargs = {k: snapshot(v) for k, v in kwargs.items()}
    try:
        with limited():
            result = answer(*args, **kwargs)
    except NotImplementedError as err:
        raise NotDone(str(err) or "NotImplementedError") from None
    except TimeUp:
        raise StopCheck(f"{shown} was stopped: it was still running when the check's time limit of "
                        f"{budget_seconds():g} s (for all its calls together) ran out. Does a loop "
                        "never end (a `while` whose condition stays true, a list that grows as you "
                        "walk through it)?") from None
    except RecursionError:
        raise Hint(f"{shown} raised RecursionError: the function calls itself without end.") from None
    except Exception as err:
        raise Hint(f"{shown} raised {type(err).__name__}: {err}") from None
    names = _parameter_names(answer, len(args))
    for i, (arg, saved) in enumerate(zip(args, before)):
        if i not in may_change:
            _stop_if_changed(saved, arg, f"`{names[i]}`", shown)
    for key, saved in before_kwargs.items():
        _stop_if_changed(saved, kwargs[key], f"`{key}`", shown)
    return result


def _stop_if_changed(saved, arg, label, shown) -> None:
    change = first_change(saved, arg, label)
    if change:
        raise StopCheck(f"your function changed its input: after {shown}, {change}. "
                        "A function like this one must leave what it is given as it was (the caller "
                        "may use it again): work on a copy (copy.deepcopy, list(...), tensor.clone(), "
                        "table.copy()) or build a new result instead of editing the input in place.")


def _parameter_names(answer, count: int) -> list[str]:
    """The names of the first ``count`` parameters of ``answer`` (argument 1, 2, ... if unknown)."""
    try:
        names = [p.name for p in inspect.signature(answer).parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        names = []
    names += [f"argument {i + 1}" for i in range(len(names), count)]
    return names[:count]
