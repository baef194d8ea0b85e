"""The machinery behind ``check("exercise-id", answer)``: registering checks and reporting verdicts.

A check is a function ``check_x(answer, rng)`` that receives the learner's
answer and a seeded ``random.Random``, and raises :class:`Hint` with a
specific message when the answer is wrong. :func:`run_check` turns every
outcome into one short line: a pass, a hint, "not done yet" for a stub that
still raises ``NotImplementedError``, and never a traceback from inside the
checker.

Each run draws a fresh seed, so every run tries new random inputs besides the
fixed edge cases; ``check(..., seed=3)`` repeats one run exactly.
"""

import difflib
import random
from dataclasses import dataclass
from typing import Callable

from helpers.check.timelimit import time_budget

DEFAULT_SECONDS = 5.0  # what a learner's function may take in all, in one check

CHECKS: dict[str, Callable] = {}
SECONDS: dict[str, float] = {}


class Hint(Exception):
    """The answer is wrong; the message tells the learner what and why."""


class StopCheck(Hint):
    """The answer is wrong in a way that ends the check at once (it changed its input, ran too long)."""


class NotDone(Exception):
    """The answer still raises NotImplementedError (the exercise stub)."""


@dataclass
class CheckResult:
    """The verdict of one check: ``status`` is "passed", "wrong", "not done", "unknown" or "checker error"."""

    exercise_id: str
    status: str
    message: str

    @property
    def passed(self) -> bool:
        """True when the answer passed."""
        return self.status == "passed"

    def text(self) -> str:
        """The one line ``check`` prints, starting with ✅, ❌, ⏳ or ⚠️.

        Example: ``run_check("midi-pitch-name", pitch_name).text()`` -> ``"✅ midi-pitch-name: correct, well done!"``
        """
        icon = {"passed": "✅", "wrong": "❌", "not done": "⏳"}.get(self.status, "⚠️")
        return f"{icon} {self.exercise_id}: {self.message}"


def register(exercise_id: str, seconds: float = DEFAULT_SECONDS) -> Callable:
    """Decorator that files a check function under ``exercise_id``.

    ``seconds`` is the time the learner's function may take in all during the
    check (the hint names it when it runs out).
    Example: ``@register("midi-transpose")`` above ``def check_transpose(answer, rng): ...``
    """
    def wrap(func):
        if exercise_id in CHECKS:
            raise ValueError(f"two checks are called {exercise_id!r}")
        CHECKS[exercise_id] = func
        SECONDS[exercise_id] = seconds
        return func
    return wrap


def run_check(exercise_id: str, answer, seed: int | None = None) -> CheckResult:
    """Run one check and return a :class:`CheckResult` (never raises).

    ``seed`` fixes the random inputs; by default each run draws new ones.
    Example: ``run_check("midi-transpose", transpose, seed=0).passed`` -> ``True``
    """
    func = CHECKS.get(exercise_id)
    if func is None:
        close = difflib.get_close_matches(str(exercise_id), CHECKS, n=3)
        hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        return CheckResult(str(exercise_id), "unknown", f"there is no check called {exercise_id!r}.{hint}")
    rng = random.Random(seed if seed is not None else random.SystemRandom().randrange(2 ** 32))
    try:
        with time_budget(SECONDS[exercise_id]):
            message = func(answer, rng)
    except NotDone as err:
        return CheckResult(exercise_id, "not done",
                           f"not done yet ({err}). Replace the `raise NotImplementedError` line "
                           "with your code, run that cell, then run this one again.")
    except Hint as hint:
        return CheckResult(exercise_id, "wrong", str(hint))
    except Exception as err:  # a bug in the checker must not look like the learner's fault
        return CheckResult(exercise_id, "checker error",
                           f"the checker itself failed ({type(err).__name__}: {err}). "
                           "Your answer may be right; please report this.")
    return CheckResult(exercise_id, "passed", message or "correct, well done!")


def check(exercise_id: str, answer, seed: int | None = None) -> None:
    """Check an exercise answer and print the verdict: a pass or a specific hint.

    Example: ``check("midi-transpose", transpose)`` prints ``✅ midi-transpose: correct, well done!``
    """
    print(run_check(exercise_id, answer, seed).text())
