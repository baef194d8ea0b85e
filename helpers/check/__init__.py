"""Exercise checks: ``check("exercise-id", your_answer)`` prints a pass or a hint.

The checks live here, in the package, not in notebook metadata, so they work
in Colab where no notebook file is on disk. Each lesson's checks are in their
own module (``start`` for lesson 0, ``midi`` for lesson 1, ``data`` for lesson 2, ``tokens`` for lesson 3), registered by id.
Every check has tests that feed it the right answer and wrong ones.
"""

from helpers.check.core import CHECKS, CheckResult, Hint, NotDone, check, run_check
from helpers.check import data, midi, start, tokens  # noqa: F401  (registers the checks)

__all__ = ["CHECKS", "CheckResult", "Hint", "NotDone", "check", "run_check"]
