"""Comparisons that explain themselves: each raises a Hint naming the first difference.

Types are exact where the next cell depends on them (an ``int`` count, a
``bool``, integer token tensors for an embedding, notes and not pitches,
never ``None``), and lenient where nothing depends on them: numpy scalars
count as Python numbers, a list as a tuple where it is only unpacked, a
float64 tensor as a float32 one when its numbers are right.
"""

import math
import numbers

from helpers.check.core import Hint
from helpers.check.describe import show, show_note
from helpers.notes import is_sequence


def _is_tensor(value) -> bool:
    return type(value).__module__.split(".")[0] == "torch" and hasattr(value, "dtype")


def expect_int(got, what: str = "the result") -> int:
    """``got`` as an int: Python or numpy integers pass, floats and bools do not.

    Example: ``expect_int(numpy.int64(3))`` -> ``3``
    """
    if isinstance(got, numbers.Integral) and not isinstance(got, bool) and not _is_tensor(got):
        return int(got)
    tip = " (use .item() to get a number out of a tensor)" if _is_tensor(got) else ""
    raise Hint(f"{what} should be a whole number (an int), but it is {type(got).__name__} {show(got, 60)}{tip}.")


def expect_number(got, what: str = "the result") -> float:
    """``got`` as a float: ints, floats and numpy numbers pass; tensors, bools, text and None do not.

    Example: ``expect_number(numpy.float32(0.5))`` -> ``0.5``
    """
    if isinstance(got, numbers.Real) and not isinstance(got, bool) and not _is_tensor(got):
        return float(got)
    tip = " Use .item() to turn a one-number tensor into a Python float." if _is_tensor(got) else ""
    raise Hint(f"{what} should be a number, but it is {type(got).__name__} {show(got, 60)}.{tip}")


def expect_close(got, expected: float, what: str = "the result", tol: float = 1e-6) -> None:
    """A number within ``tol`` (relative or absolute) of ``expected``.

    Example: ``expect_close(0.1 + 0.2, 0.3)`` passes
    """
    value = expect_number(got, what)
    if not (math.isclose(value, expected, rel_tol=tol, abs_tol=tol)
            or (math.isinf(expected) and value == expected)):
        raise Hint(f"expected {expected:.6g}, got {value:.6g}.")


def expect_bool(got, what: str = "the result") -> bool:
    """``got`` as a bool: True/False (numpy's too); 0, 1, None and text do not pass.

    Example: ``expect_bool(numpy.bool_(True))`` -> ``True``
    """
    if isinstance(got, bool) or type(got).__name__ == "bool_":
        return bool(got)
    raise Hint(f"{what} should be True or False, but it is {type(got).__name__} {show(got, 60)}.")


def expect_list(got, what: str = "the result", item=None, item_name: str = "") -> list:
    """``got`` must be a list (of ``item`` instances when given).

    Example: ``expect_list(["BAR"], item=str, item_name="token names")`` -> ``["BAR"]``
    """
    if not isinstance(got, list):
        raise Hint(f"{what} should be a list{' of ' + item_name if item_name else ''}, but it is "
                   f"{type(got).__name__} {show(got, 80)}.")
    if item is not None:
        for i, value in enumerate(got):
            if not isinstance(value, item):
                raise Hint(f"{what} should be a list of {item_name or item.__name__}, but item {i} is "
                           f"{type(value).__name__} {show(value, 60)}.")
    return got


def as_numbers(got, length: int, what: str = "the result") -> list[float]:
    """A list, tuple, numpy array or 1-D tensor of ``length`` numbers, as Python floats.

    Example: ``as_numbers(torch.tensor([0.5, 0.5]), 2)`` -> ``[0.5, 0.5]``
    """
    if _is_tensor(got) or type(got).__module__.split(".")[0] == "numpy":
        if getattr(got, "ndim", 1) != 1:
            raise Hint(f"{what} should be one row of {length} numbers, but its shape is {tuple(got.shape)}.")
        got = got.tolist()
    if not isinstance(got, (list, tuple)):
        raise Hint(f"{what} should be {length} numbers (a list or a tensor), but it is "
                   f"{type(got).__name__} {show(got, 60)}.")
    if len(got) != length:
        raise Hint(f"{what} should have {length} numbers, one per item, but it has {len(got)}.")
    return [expect_number(v, f"item {i} of {what}") for i, v in enumerate(got)]


def expect_float_tensor(got, shape: tuple, what: str = "the result"):
    """A torch tensor of a floating dtype (float32 or float64) with this shape.

    Example: ``expect_float_tensor(torch.softmax(x, -1), (5,))``
    """
    import torch

    if not isinstance(got, torch.Tensor):
        raise Hint(f"{what} should be a torch tensor (the next cell passes it on to torch), but it is "
                   f"{type(got).__name__} {show(got, 60)}. torch.tensor(...) turns a list into one.")
    if not got.is_floating_point():
        raise Hint(f"{what} should hold floating-point numbers, but its dtype is {got.dtype}.")
    if tuple(got.shape) != tuple(shape):
        raise Hint(f"{what} should have shape {tuple(shape)}, but it has shape {tuple(got.shape)}.")
    return got


def expect_close_numbers(got: list, expected: list, tol: float = 1e-5, tip: str = "") -> None:
    """Two equally long lists of numbers agree within ``tol``; the hint shows both.

    Example: ``expect_close_numbers([0.5, 0.5], [0.5, 0.5])`` passes
    """
    if any(not (math.isclose(g, e, rel_tol=tol, abs_tol=tol) or g == e) for g, e in zip(got, expected)):
        raise Hint(f"expected {[round(e, 4) for e in expected]}, got {[round(g, 4) for g in got]}. {tip}".strip())


def expect_sequence(got, what: str = "the result") -> None:
    """``got`` must be a NoteSequence.

    Example: ``expect_sequence(notes.new_sequence())`` passes
    """
    if not is_sequence(got):
        raise Hint(f"{what} should be a NoteSequence, but it is {type(got).__name__} {show(got, 60)}.")


NOTE_FIELDS = ("pitch", "velocity", "start_time", "end_time", "instrument", "program", "is_drum")


def _note_key(note):
    return (round(note.start_time, 6), note.pitch, note.is_drum, note.instrument, round(note.end_time, 6))


def expect_same_notes(got_notes, expected_notes, tol: float = 1e-6) -> None:
    """The same notes (every field) in any stored order; the hint names the first difference in time order.

    Example: ``expect_same_notes(mine.notes, reference.notes)``
    """
    if len(got_notes) != len(expected_notes):
        raise Hint(f"expected {len(expected_notes)} notes, got {len(got_notes)}.")
    pairs = zip(sorted(got_notes, key=_note_key), sorted(expected_notes, key=_note_key))
    for i, (g, e) in enumerate(pairs):
        for name in NOTE_FIELDS:
            a, b = getattr(g, name), getattr(e, name)
            if (abs(a - b) > tol) if isinstance(b, float) else a != b:
                raise Hint(f"note {i + 1} in time order should be {show_note(e)}, but it is "
                           f"{show_note(g)} ({name} differs).")


def expect_same_piece(got, expected, tol: float = 1e-6, total_time: bool = True) -> None:
    """A NoteSequence equal to ``expected`` in notes, tempos, time and key signatures (and total time).

    Example: ``expect_same_piece(my_stretch(piece, 2), music.stretch(piece, 2))``
    """
    expect_sequence(got)
    expect_same_notes(got.notes, expected.notes, tol)
    for field, attrs in (("tempos", ("time", "qpm")), ("time_signatures", ("time", "numerator", "denominator")),
                         ("key_signatures", ("time", "key", "mode"))):
        want = sorted(tuple(getattr(x, a) for a in attrs) for x in getattr(expected, field))
        have = sorted(tuple(getattr(x, a) for a in attrs) for x in getattr(got, field))
        if len(want) != len(have) or any(abs(a - b) > tol for w, h in zip(want, have) for a, b in zip(w, h)):
            raise Hint(f"the notes are right, but {field} should be {_rounded(want)} "
                       f"({' and '.join(attrs)}), got {_rounded(have)}.")
    if total_time and abs(got.total_time - expected.total_time) > tol:
        raise Hint(f"the notes are right, but total_time should be {expected.total_time:g}, "
                   f"got {got.total_time:g}.")


def _rounded(rows):
    return [tuple(round(v, 4) if isinstance(v, float) else v for v in row) for row in rows]


def expect_notes(got, what: str = "the result") -> list:
    """A list of NoteSequence notes (objects with pitch, start_time, ...), not pitches or tuples.

    Example: ``expect_notes(list(seq.notes))``
    """
    items = expect_list(got, what)
    for i, note in enumerate(items):
        if not all(hasattr(note, name) for name in NOTE_FIELDS):
            raise Hint(f"{what} should be a list of notes (the objects in seq.notes, with .pitch, "
                       f".start_time, ...), but item {i} is {type(note).__name__} {show(note, 60)}.")
    return items
