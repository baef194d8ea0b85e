"""The course's error types.

One error type, :class:`ReadError`, covers every way reading a piece of music
can fail (a missing file, a folder or a named pipe instead of a file, an empty
file, a file that is not MIDI, a corrupt or too large MIDI), so learners and
the dataset builders catch one thing. The message always names the file and
the reason, in words rather than in the parser's. Used from lesson 0 on.
"""

import os


class ReadError(ValueError):
    """A piece of music could not be read.

    Attributes:
        source: the file path (or a short name such as ``"<bytes>"``).
        reason: what is wrong, in plain words.

    Example: ``str(ReadError("a.mid", "no such file"))`` -> ``"Cannot read 'a.mid': no such file"``
    """

    def __init__(self, source: str | os.PathLike, reason: str):
        self.source = str(source)
        self.reason = reason
        super().__init__(f"Cannot read {self.source!r}: {reason}")
