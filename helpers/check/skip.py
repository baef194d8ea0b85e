"""Let "Run All" go on past exercises that are not done yet.

A cell that *uses* a learner's function (not a check cell) is wrapped in
``with needs_exercises():``. While the function is still the exercise stub,
it raises ``NotImplementedError("Exercise N: title")``; the block stops
there, prints one line instead of a red traceback, and the notebook runs on
to the next exercise::

    with needs_exercises():
        my_tune = make_melody(MY_PITCHES, qpm=110)
        plot_pianoroll(my_tune)

prints ``⏭ skipped: finish Exercise 3 (a melody from scratch) first`` until
Exercise 3 is done. Any other error goes through as usual. Keep such cells
self-contained (a later cell should not need a name made in one), so that a
skipped cell cannot cause a NameError further down.
"""

import re

_STUB = re.compile(r"^Exercise\s+(\d+)\s*(?::\s*(.*))?$", re.DOTALL)


class needs_exercises:  # noqa: N801 - used like a function: ``with needs_exercises():``
    """Context manager: skip the rest of the block, with one line, when it meets an exercise stub."""

    def __enter__(self) -> "needs_exercises":
        """Start the block. Example: ``with needs_exercises(): print(count_notes(band))``"""
        return self

    def __exit__(self, kind, error, traceback) -> bool:
        """Swallow a stub's NotImplementedError (printing what to finish); let anything else through."""
        if kind is None or not issubclass(kind, NotImplementedError):
            return False
        match = _STUB.match(str(error).strip())
        if not match:
            return False
        number, title = match.group(1), (match.group(2) or "").strip()
        print(f"⏭ skipped: finish Exercise {number}{f' ({title})' if title else ''} first")
        return True
