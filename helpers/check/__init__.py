"""Exercise checks: ``check("exercise-id", your_answer)`` prints a pass or a hint.

The checks live here, in the package, not in notebook metadata, so they work
in Colab where no notebook file is on disk. Each lesson's checks are in their
own module (``start`` 0, ``midi`` 1, ``data`` 2, ``tokens`` 3, ``sampling`` 4,
``continuation`` 5, ``markov`` 6, ``lstm`` 7, ``transformer`` 8), registered by id.
Every check has tests that feed it the right answer and wrong ones.
"""

from helpers.check.core import CHECKS, CheckResult, Hint, NotDone, check, run_check
from helpers.check import (continuation, data, lstm, markov, midi, sampling, start,  # noqa: F401
                           tokens, transformer)  # (importing them registers the checks)

__all__ = ["CHECKS", "CheckResult", "Hint", "NotDone", "check", "run_check"]
