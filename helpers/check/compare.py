"""Comparisons that explain themselves: each raises a Hint naming the first difference."""

import math

from helpers.check.core import Hint, short
from helpers.notes import is_sequence


def expect_type(value, kind, what):
    """``kind`` is a type or tuple of types; the hint names what came back instead."""
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise Hint(f"{what} should be a {names}, but it returned {type(value).__name__} {short(value)}.")


def expect_close(got, expected, what, tol=1e-6):
    expect_type(got, (int, float), what)
    if not math.isclose(got, expected, rel_tol=tol, abs_tol=tol):
        raise Hint(f"{what}: expected {expected:g}, got {got:g}.")


def expect_sequence(value, what):
    if not is_sequence(value):
        raise Hint(f"{what} should return a NoteSequence, but it returned "
                   f"{type(value).__name__} {short(value)}.")


def _key(note):
    return (round(note.start_time, 6), note.pitch, note.is_drum)


def expect_same_notes(got, expected, what, tol=1e-6):
    """Compare two sequences note by note (in time order); name the first difference."""
    expect_sequence(got, what)
    if len(got.notes) != len(expected.notes):
        raise Hint(f"{what}: expected {len(expected.notes)} notes, got {len(got.notes)}.")
    for i, (g, e) in enumerate(zip(sorted(got.notes, key=_key), sorted(expected.notes, key=_key))):
        for field in ("pitch", "velocity", "is_drum", "start_time", "end_time"):
            a, b = getattr(g, field), getattr(e, field)
            if (abs(a - b) > tol) if isinstance(b, float) else a != b:
                raise Hint(f"{what}: note {i} (in time order) should have {field} = {b:g}, "
                           f"but has {a:g}. Expected {_describe(e)}, got {_describe(g)}.")


def _describe(note):
    drum = ", drum" if note.is_drum else ""
    return (f"(pitch {note.pitch}, velocity {note.velocity}, {note.start_time:g}-"
            f"{note.end_time:g} s{drum})")
