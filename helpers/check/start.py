"""Checks for lesson 0, "Getting started" (notebooks/easy/00_getting_started.ipynb).

Inputs: an empty piece, pieces whose drums sit on instruments other than 9
(``is_drum`` decides, not the channel), a pitched part on instrument 9,
repeated pitches, and random pieces.
"""

import copy
import random

from helpers.check.calling import expect_function
from helpers.check.cases import Case, run_cases
from helpers.check.compare import expect_int
from helpers.check.core import Hint, register
from helpers.check.inputs import piece_from_notes, random_piece
from helpers.notes import add_note, new_sequence


def _edge_pieces() -> list[Case]:
    """The pieces the exercise text names: empty, drums off channel 9, a pitched part on 9."""
    empty = new_sequence(qpm=100)
    drums_on_3 = piece_from_notes([(60, 0.0, 0.5), (60, 0.5, 1.0), (72, 1.0, 2.0)], qpm=90)
    add_note(drums_on_3, 35, 0.0, 0.1, instrument=3, is_drum=True)
    add_note(drums_on_3, 81, 0.5, 0.6, instrument=3, is_drum=True)
    piano_on_9 = piece_from_notes([(64, 0.0, 1.0)], qpm=140)
    add_note(piano_on_9, 40, 0.0, 2.0, instrument=9, program=33)
    add_note(piano_on_9, 38, 1.0, 1.1, instrument=2, is_drum=True)
    only_drums = new_sequence(qpm=80)
    add_note(only_drums, 36, 0.0, 0.1, instrument=9, is_drum=True)
    add_note(only_drums, 42, 0.5, 0.6, instrument=4, is_drum=True)
    return [Case((empty,), "an empty piece"),
            Case((drums_on_3,), "drums on instrument 3, pitch 60 twice"),
            Case((piano_on_9,), "a bass part on instrument 9 that is not a drum, drums on instrument 2"),
            Case((only_drums,), "drum hits only, on instruments 9 and 4")]


def _random_pieces(rng: random.Random, count: int) -> list[Case]:
    return [Case((random_piece(rng, drums=rng.randint(0, 3)),)) for _ in range(count)]


def count_notes_reference(seq) -> int:
    """Every note of every instrument, drum hits and repeated pitches included.

    Example: ``count_notes_reference(band)`` -> ``len(band.notes)``
    """
    return len(seq.notes)


@register("start-count-notes")
def check_count_notes(answer, rng: random.Random) -> None:
    """Lesson 0, exercise 1: ``count_notes(seq)``.

    Example: ``check("start-count-notes", count_notes)``
    """
    expect_function(answer, "count_notes")

    def compare(got, expected, case):
        got = expect_int(got, "count_notes")
        if got != expected:
            raise Hint(f"expected {expected} notes, got {got}. Count every note in seq.notes: every "
                       "instrument, drum hits and repeated pitches too.")

    run_cases(answer, "count_notes", _edge_pieces() + _random_pieces(rng, 12), count_notes_reference, compare,
              mistakes={"is_drum decides what is a drum, and drums count too, whatever their instrument":
                            lambda seq: sum(n.instrument != 9 for n in seq.notes),
                        "drum hits count too": lambda seq: sum(not n.is_drum for n in seq.notes),
                        "a pitch played twice counts twice": lambda seq: len({n.pitch for n in seq.notes})})


def pitch_range_reference(seq) -> tuple | None:
    """``(lowest, highest)`` pitch of the notes that are not drums (``is_drum``), or None if there are none.

    Example: ``pitch_range_reference(band)`` -> ``(40, 72)``
    """
    pitches = [n.pitch for n in seq.notes if not n.is_drum]
    return (min(pitches), max(pitches)) if pitches else None


@register("start-pitch-range")
def check_pitch_range(answer, rng: random.Random) -> None:
    """Lesson 0, exercise 2: ``pitch_range(seq)``.

    Example: ``check("start-pitch-range", pitch_range)``
    """
    expect_function(answer, "pitch_range")

    def compare(got, expected, case):
        if expected is None:
            if got is not None:
                raise Hint(f"a piece with no pitched notes should give None, got {got!r}.")
            return
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise Hint(f"expected a tuple (lowest, highest) = {expected}, got {type(got).__name__} {got!r}.")
        got = (expect_int(got[0], "lowest"), expect_int(got[1], "highest"))
        if got != expected:
            raise Hint(f"expected {expected}, got {got}. Skip the notes with note.is_drum (their "
                       "numbers choose a drum, not a pitch), whatever their instrument number.")

    cases = _edge_pieces() + _random_pieces(rng, 12)
    run_cases(answer, "pitch_range", cases, pitch_range_reference, compare, mistakes={
        "skip the drum notes": lambda seq: (min(n.pitch for n in seq.notes), max(n.pitch for n in seq.notes))
        if len(seq.notes) else None})



def notes_per_instrument_reference(seq) -> dict:
    """``{instrument number: notes it plays}``, drum hits under their own instrument number.

    Example: ``notes_per_instrument_reference(band)`` -> ``{0: 16, 1: 12, 2: 16, 3: 48}`` (its drums are instrument 3)
    """
    counts = {}
    for note in seq.notes:
        counts[note.instrument] = counts.get(note.instrument, 0) + 1
    return counts


@register("start-per-instrument")
def check_notes_per_instrument(answer, rng: random.Random) -> None:
    """Lesson 0, exercise 3: ``notes_per_instrument(seq)``.

    Example: ``check("start-per-instrument", notes_per_instrument)``
    """
    expect_function(answer, "notes_per_instrument")

    def compare(got, expected, case):
        if not isinstance(got, dict):
            raise Hint(f"expected a dict {{instrument: number of notes}} {expected}, got {type(got).__name__} "
                       f"{got!r:.80}.")
        got = {expect_int(k, "an instrument number"): expect_int(v, "a count") for k, v in got.items() if v}
        if got != expected:
            raise Hint(f"expected {expected}, got {got}. Count the notes of each note.instrument, drum "
                       "hits included, whatever their instrument number.")

    run_cases(answer, "notes_per_instrument", _edge_pieces() + _random_pieces(rng, 12),
              notes_per_instrument_reference, compare, mistakes={
                  "drum hits count too, under their own instrument number": lambda seq: notes_per_instrument_reference(
                      _without(seq, lambda n: n.is_drum)),
                  "is_drum decides what is a drum, not instrument 9 (and drums count here anyway)":
                      lambda seq: notes_per_instrument_reference(_without(seq, lambda n: n.instrument == 9))})


def _without(seq, drop):
    """A copy of ``seq`` without the notes for which ``drop(note)`` is True (to replay a mistake)."""
    out = copy.deepcopy(seq)
    keep = [copy.deepcopy(n) for n in out.notes if not drop(n)]
    del out.notes[:]
    out.notes.extend(keep)
    return out
