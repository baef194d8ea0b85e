"""Checks for lesson 0, "Getting started" (notebooks/easy/00_getting_started.ipynb)."""

from helpers.check.compare import expect_type
from helpers.check.core import Hint, call, expect_function, register
from helpers.notes import add_note, new_sequence


def _band():
    """Two instruments and a drum: enough to catch answers that look at one track only."""
    seq = new_sequence(qpm=120)
    for i, pitch in enumerate([60, 64, 67, 72]):
        add_note(seq, pitch, i * 0.5, i * 0.5 + 0.5, program=0, instrument=0)
    for i, pitch in enumerate([40, 43]):
        add_note(seq, pitch, i, i + 1.0, program=33, instrument=1)
    for i, key in enumerate([35, 81, 35, 81]):  # bass drum and triangle
        add_note(seq, key, i * 0.5, i * 0.5 + 0.1, instrument=9, is_drum=True)
    add_note(seq, 60, 1.5, 2.0, instrument=0)  # a repeated pitch
    return seq


@register("start-count-notes")
def check_count_notes(answer):
    expect_function(answer, "count_notes")
    seq = _band()
    got = call(answer, seq)
    expect_type(got, int, "count_notes")
    if got != len(seq.notes):
        raise Hint(f"a piece with 11 notes (5 piano, 2 bass, 4 drum hits, pitch 60 twice) gave {got}. "
                   "Count every note in seq.notes, in every instrument, repeated pitches too.")
    empty = call(answer, new_sequence())
    if empty != 0:
        raise Hint(f"an empty piece should have 0 notes, got {empty}.")


@register("start-pitch-range")
def check_pitch_range(answer):
    expect_function(answer, "pitch_range")
    got = call(answer, _band())
    if not isinstance(got, tuple) or len(got) != 2:
        raise Hint(f"pitch_range should return a tuple (lowest, highest), got {type(got).__name__} {got!r}.")
    if got != (40, 72):
        hint = (" Skip drum notes (note.is_drum): their numbers choose a drum, not a pitch."
                if 35 in got or 81 in got else "")
        raise Hint(f"for a piece with pitches 40..72 (and drum hits on keys 35 and 81) expected "
                   f"(40, 72), got {got}.{hint}")
