"""The course's error types.

One error type, :class:`ReadError`, covers every way reading a piece of music
can fail (missing file, empty file, a file that is not MIDI, a corrupt MIDI),
so learners and the dataset builders catch one thing. The message always names
the file and the reason. Used from lesson 0 on.
"""


class ReadError(ValueError):
    """A piece of music could not be read.

    Attributes:
        source: the file path (or a short name such as ``"<bytes>"``).
        reason: what is wrong, in plain words.
    """

    def __init__(self, source, reason):
        self.source = str(source)
        self.reason = reason
        super().__init__(f"Cannot read {self.source!r}: {reason}")
