"""A time limit on the learner's code, so that an answer that never ends cannot hang a check.

Each check gives the learner's function a budget of a few seconds in all
(:func:`time_budget`, set by ``run_check``); every call of it runs under
:func:`limited`, which stops it when the budget is spent by raising
:class:`TimeUp` inside it. ``TimeUp`` is a ``BaseException``, so a learner's
``except Exception:`` does not swallow it.

How the code is stopped, and what cannot be stopped:

* **Signals** (Linux and macOS, in the main thread, which is where Jupyter
  and Colab run a cell): a ``SIGALRM`` timer (``signal.setitimer``). Python
  runs the handler between two bytecodes, so a loop is stopped at once and a
  ``time.sleep`` is interrupted, but one long call into C (a huge matrix
  product, a regular expression that backtracks for minutes) is stopped only
  when it returns.
* **Elsewhere** (Windows, which has no ``SIGALRM``, or a check run from another
  thread): a trace function (``sys.settrace``) looks at the clock at every line
  of Python the learner's function runs. It cannot stop C code at all, it
  slows pure-Python code down while it runs, and a bare ``except:`` in the
  learner's loop can swallow it. It replaces a debugger's trace function for
  the duration of the call.
"""

import signal
import sys
import threading
import time
from contextlib import contextmanager
from typing import Iterator


class TimeUp(BaseException):
    """Raised inside the learner's code when the check's time budget is spent."""


_BUDGET = {"total": None, "left": None}


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Give the learner's calls inside this block ``seconds`` in all (None: no limit).

    Example: ``with time_budget(5): check_function(answer, rng)``
    """
    saved = dict(_BUDGET)
    _BUDGET.update(total=seconds, left=seconds)
    try:
        yield
    finally:
        _BUDGET.update(saved)


def budget_seconds() -> float | None:
    """The current check's whole budget in seconds (None when there is no limit).

    Example: ``budget_seconds()`` -> ``5.0`` inside a check
    """
    return _BUDGET["total"]


@contextmanager
def limited() -> Iterator[None]:
    """Run the block under what is left of the budget; raise :class:`TimeUp` when it runs out.

    Example: ``with limited(): result = answer(*args)``
    """
    left = _BUDGET["left"]
    if left is None:
        yield
        return
    if left <= 0:
        raise TimeUp
    started = time.monotonic()
    guard = _signal_limit if _signals_work() else _trace_limit
    try:
        with guard(left):
            yield
    finally:
        _BUDGET["left"] = left - (time.monotonic() - started)


def _signals_work() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _raise_time_up(signum, frame):
    raise TimeUp


@contextmanager
def _signal_limit(seconds: float) -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _raise_time_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)


@contextmanager
def _trace_limit(seconds: float) -> Iterator[None]:
    deadline = time.monotonic() + seconds
    previous = sys.gettrace()

    def trace(frame, event, arg):
        if time.monotonic() > deadline:
            raise TimeUp
        return trace

    sys.settrace(trace)
    try:
        yield
    finally:
        sys.settrace(previous)
