"""Exercise checks: ``check("exercise-id", your_function)`` prints a pass or a hint.

The checks live here, in the package, not in notebook metadata, so they work
in Colab where no notebook file is on disk. Each lesson's checks are in their
own module (``start`` 0, ``midi`` 1, ``data`` 2, ``tokens`` 3, ``sampling`` 4,
``continuation`` 5, ``markov`` 6, ``lstm`` and ``train_loop`` 7,
``transformer`` 8, ``prompt`` 9, ``evaluation`` 11), registered by id. ``needs_exercises`` lets "Run All" skip,
with one line, a cell that uses an exercise not done yet.

What every check does (the machinery, shared by all):

* it runs the learner's function on many inputs: the edge cases the exercise
  text names, then inputs drawn at random from a seed that is new at every
  run (``check(..., seed=3)`` repeats a run), and compares each result with
  the reference implementation, which lives in ``helpers`` wherever the
  course has one (``helpers.music.stretch``, ``helpers.training.train_step``...);
* the hint shows the *smallest* failing input written out, what was expected
  for it, and how many inputs were right, so no fixed value can pass;
* every argument is compared before and after each call: "your function
  changed its input" (:mod:`~helpers.check.protect`);
* types are exact where the next cell depends on them and lenient where
  nothing does (:mod:`~helpers.check.compare`);
* the learner's code gets a few seconds in all, then is stopped with a hint
  (:mod:`~helpers.check.timelimit`);
* a stub that still raises ``NotImplementedError`` gives "not done yet", and
  a bug in a checker gives "checker error", never a traceback.

Writing a new check (e.g. for lessons 9-12)
-------------------------------------------

1. In the solution notebook, under a heading ``### Exercise N: title``, put
   the answer between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` and end the
   cell with ``check("lesson-thing", my_function)``. The exercise text must
   name every edge case the check tries. Wrap any later cell that *uses*
   ``my_function`` in ``with needs_exercises():`` and keep it self-contained.
2. In the lesson's module here (a new one is imported at the bottom of this
   file and added to ``LESSON_MODULES``), write the check::

       @register("lesson-thing")            # seconds=20 for a slow one
       def check_thing(answer, rng: random.Random) -> None:
           \"\"\"Lesson 9, exercise 1: ``thing(x, n)``. Example: ``check("lesson-thing", thing)``\"\"\"
           expect_function(answer, "thing")
           cases = [Case((x0, 2), "the edge case the text names")]          # fixed edge cases first
           cases += [Case((random_x(rng), rng.randint(1, 5))) for _ in range(10)]   # then random ones
           run_cases(answer, "thing", cases, helpers.somewhere.thing, compare)

   ``compare(got, expected, case)`` raises ``Hint("expected ..., got ... . tip")``
   when they differ; the helpers in :mod:`~helpers.check.compare` check types
   and numbers (``expect_int``, ``expect_number``, ``expect_close``,
   ``as_numbers``, ``expect_float_tensor``, ``expect_same_piece``, ...), and
   :mod:`~helpers.check.inputs` draws pieces, probabilities and tensors. A
   check that cannot be written as cases (a training loop, a step-by-step
   cache) calls the learner through :func:`~helpers.check.calling.call`
   itself, which still protects the inputs and applies the time limit.
3. In a ``tests/check_answers_<lesson>.py`` file, listed in ``CATALOGUES`` in
   ``tests/test_check.py``, add ``RIGHT[id]`` (the right answer),
   ``ALSO_RIGHT[id]`` (right answers written differently: numpy, a list for
   a tuple, ...) and ``WRONG[id]``: at least five wrong answers of different
   kinds (a bug one easy input hides, a value copied from a hint, a changed
   input, a wrong type or None), each with a substring its hint must contain.
   Then run ``python -m helpers build-exercises`` and the solution notebook
   (every check must print ✅) and the exercise notebook (every check ⏳, every
   cell that uses an exercise "⏭ skipped") as ``tests/test_notebooks.py`` does.
"""

from helpers.check.core import CHECKS, CheckResult, Hint, NotDone, StopCheck, check, run_check
from helpers.check.skip import needs_exercises
from helpers.check import (continuation, data, evaluation, latent, lstm, markov, midi, prompt, sampling,
                           start, studio, tokens, train_loop, transformer)  # (importing them registers the checks)

# The lesson modules, in lesson order; a new lesson's module is imported above and added here.
LESSON_MODULES = (start, midi, data, tokens, sampling, continuation, markov, lstm, train_loop, transformer,
                  prompt, latent, evaluation, studio)

__all__ = ["CHECKS", "LESSON_MODULES", "CheckResult", "Hint", "NotDone", "StopCheck", "check",
           "needs_exercises", "run_check"]
