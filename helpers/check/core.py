"""The machinery behind ``check("exercise-id", answer)``.

A check is a function that receives the learner's answer and raises
:class:`Hint` with a specific message when the answer is wrong. The runner
turns every outcome into a short message: a pass, a hint, "not done yet" for
a stub that still raises ``NotImplementedError``, and never a traceback from
inside the checker.
"""

import difflib
from dataclasses import dataclass

from helpers.notes import is_sequence

CHECKS = {}


class Hint(Exception):
    """The answer is wrong; the message tells the learner what and why."""


class NotDone(Exception):
    """The answer still raises NotImplementedError (the exercise stub)."""


@dataclass
class CheckResult:
    exercise_id: str
    status: str        # "passed", "wrong", "not done", "unknown", "checker error"
    message: str

    @property
    def passed(self):
        return self.status == "passed"

    def text(self):
        icon = {"passed": "✅", "wrong": "❌", "not done": "⏳"}.get(self.status, "⚠️")
        return f"{icon} {self.exercise_id}: {self.message}"


def register(exercise_id):
    """Decorator that files a check function under ``exercise_id``."""
    def wrap(func):
        if exercise_id in CHECKS:
            raise ValueError(f"two checks are called {exercise_id!r}")
        CHECKS[exercise_id] = func
        return func
    return wrap


def expect_function(answer, name):
    """Reject answers that are not functions, with a hint on how to pass one."""
    if not callable(answer):
        raise Hint(f"expected your function `{name}`, but got {type(answer).__name__} "
                   f"{short(answer)}. Pass the function itself, without calling it: "
                   f"check(..., {name}).")


def call(answer, *args, **kwargs):
    """Call the learner's function; its exceptions become hints, stubs become NotDone."""
    shown = ", ".join([short(a) for a in args] + [f"{k}={short(v)}" for k, v in kwargs.items()])
    try:
        return answer(*args, **kwargs)
    except NotImplementedError as err:
        raise NotDone(str(err)) from None
    except Exception as err:
        raise Hint(f"calling it with ({shown}) raised {type(err).__name__}: {err}") from None


def short(value, limit=60):
    """A one-line, length-limited description of a value for hints."""
    if is_sequence(value):
        return f"<NoteSequence with {len(value.notes)} notes>"
    text = repr(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def run_check(exercise_id, answer):
    """Run one check and return a :class:`CheckResult` (never raises)."""
    func = CHECKS.get(exercise_id)
    if func is None:
        close = difflib.get_close_matches(str(exercise_id), CHECKS, n=3)
        hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        return CheckResult(str(exercise_id), "unknown", f"there is no check called {exercise_id!r}.{hint}")
    try:
        message = func(answer)
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


def check(exercise_id, answer):
    """Check an exercise answer and print the verdict: a pass or a specific hint."""
    print(run_check(exercise_id, answer).text())
