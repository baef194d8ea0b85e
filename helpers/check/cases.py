"""Compare the learner's function with the reference on many inputs; report the smallest failure.

Every check builds a list of :class:`Case` (the edge cases its exercise
names, then inputs drawn at random from the check's seed) and hands them to
:func:`run_cases` with the reference implementation and a comparison. The
learner's function runs on every case (through :func:`helpers.check.calling.call`,
so a changed input or a runaway loop stops the check at once); if some cases
fail, the hint shows the *smallest* failing input, what was expected for it,
and how many inputs were right.
"""

from dataclasses import dataclass, field
from typing import Any, Callable

from helpers.check.calling import call
from helpers.check.core import Hint, StopCheck
from helpers.check.describe import show_call
from helpers.check.protect import snapshot


@dataclass
class Case:
    """One input: positional ``args``, optional ``kwargs``, and a ``note`` saying what it tests."""

    args: tuple
    note: str = ""
    kwargs: dict = field(default_factory=dict)


def run_cases(answer: Callable, name: str, cases: list[Case], reference: Callable,
              compare: Callable[[Any, Any, Case], None], mistakes: dict | None = None) -> None:
    """Run ``answer`` and ``reference`` on every case; raise :class:`Hint` for the smallest failure.

    The answer and the reference each get their own copy of every input.
    ``compare(got, expected, case)`` raises Hint with a message such as
    "expected 3, got 4" when the answer is wrong. The hint shows the failing
    input written out (the shortest one when several fail), with the case's
    note. ``mistakes`` maps a tip to a function that makes a known mistake:
    when the answer's result matches that function's on the failing input,
    the tip is added ("that is a straight line, not a cosine").
    Example: ``run_cases(answer, "transpose", cases, music.transpose, expect_same_piece)``
    """
    failures = []
    for index, case in enumerate(cases):
        expected = reference(*snapshot(case.args), **snapshot(case.kwargs))
        shown = show_call(name, case.args, case.kwargs)
        got = None
        try:
            got = call(answer, *snapshot(case.args), name=name, **snapshot(case.kwargs))
            compare(got, expected, case)
        except StopCheck:
            raise
        except Hint as hint:
            failures.append((len(shown), index, shown, case, str(hint), got))
    if failures:
        _, _, shown, case, message, got = min(failures, key=lambda f: (f[0], f[1]))
        if not message.startswith(shown):
            message = f"{shown}: {message}"
        note = f" [This input: {case.note}.]" if case.note else ""
        tip = _known_mistake(got, case, compare, mistakes or {})
        right = len(cases) - len(failures)
        raise Hint(f"{message}{note}{tip} (Right on {right} of {len(cases)} inputs.)")


def _known_mistake(got, case: Case, compare: Callable, mistakes: dict) -> str:
    """`` Probably: <tip>.`` when ``got`` is what one of the known ``mistakes`` gives on this case."""
    if got is None:
        return ""
    for tip, mistake in mistakes.items():
        try:
            compare(got, mistake(*snapshot(case.args), **snapshot(case.kwargs)), case)
        except Exception:
            continue
        return f" Probably: {tip}."
    return ""

