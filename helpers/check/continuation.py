"""Checks for lesson 5, "Continue a melody" (notebooks/easy/05_continue_a_melody.ipynb).

Token sequences are lists of names in the positions scheme ("BAR",
"POSITION_0", "NOTE_ON_60", "DURATION_4", ...), made by ``PositionTokenizer``
from random pieces; pieces are NoteSequences with tempos other than 120,
tempo changes and notes stored out of time order.
"""

import copy
import random

from helpers.check.calling import expect_function
from helpers.check.cases import Case, run_cases
from helpers.check.compare import expect_list, expect_notes, expect_same_notes, expect_same_piece
from helpers.check.core import Hint, register
from helpers.check.inputs import piece_from_notes, random_piece
from helpers.tokenizers import PositionTokenizer


def _piece():
    """Six notes stored out of time order, two of them starting together, at 90 qpm then 60."""
    seq = piece_from_notes([(62, 1.0, 2.0, 70), (64, 0.5, 1.0, 90), (60, 0.0, 0.5, 50), (67, 0.5, 1.0, 100),
                            (65, 2.0, 2.5, 80), (59, 0.5, 1.5, 60)], qpm=90)
    seq.tempos.add(time=1.5, qpm=60.0)
    return seq


def _random_piece(rng: random.Random):
    """A random piece without two notes of the same pitch and onset (so "first by onset, then pitch" is clear)."""
    while True:
        piece = random_piece(rng, rng.randint(3, 8), drums=rng.randint(0, 2), tempo_change=rng.random() < 0.6)
        onsets = [(n.start_time, n.pitch) for n in piece.notes]
        if len(set(onsets)) == len(onsets):
            return piece


def first_notes_reference(piece, n: int):
    """A copy of ``piece`` with only its first ``n`` notes by onset, then pitch.

    Example: ``first_notes_reference(twinkle, 8)`` -> the first 8 notes, with the tempo
    """
    out = copy.deepcopy(piece)
    keep = [copy.deepcopy(note) for note in sorted(out.notes, key=lambda note: (note.start_time, note.pitch))[:n]]
    del out.notes[:]
    out.notes.extend(keep)
    return out


@register("cont-first-notes")
def check_first_notes(answer, rng: random.Random) -> None:
    """Lesson 5, exercise 1: ``first_notes(piece, n)``.

    Example: ``check("cont-first-notes", first_notes)``
    """
    expect_function(answer, "first_notes")

    def compare(got, expected, case):
        try:
            expect_same_piece(got, expected, total_time=False)
        except Hint as hint:
            raise Hint(f"{hint} Keep the n notes that start first (by onset, then pitch; the notes of a "
                       "NoteSequence are not stored in time order), in a copy that keeps the tempos.") from None

    cases = [Case((_piece(), 3), "notes stored out of order, two starting together, a tempo change"),
             Case((_piece(), 10), "n larger than the number of notes: all of them")]
    for _ in range(10):
        piece = _random_piece(rng)
        cases.append(Case((piece, rng.randint(1, len(piece.notes) + 1))))
    run_cases(answer, "first_notes", cases, first_notes_reference, compare)


def prompt_tokens_reference(tokens: list[str], n: int) -> list[str]:
    """The tokens up to and including the DURATION of note ``n`` (all of them if there are fewer notes).

    Example: ``prompt_tokens_reference(["BOS", "BAR", "POSITION_0", "NOTE_ON_60", "DURATION_4", "EOS"], 1)`` -> the first five
    """
    seen = 0
    for i, token in enumerate(tokens):
        if token.startswith("DURATION_"):
            seen += 1
            if seen == n:
                return list(tokens[:i + 1])
    return list(tokens)


def _random_tokens(rng: random.Random) -> list[str]:
    """The positions tokens of a random piece on the 16th grid, chords included."""
    notes = []
    for _ in range(rng.randint(1, 6)):
        start = rng.choice([0, 0.125, 0.25, 0.5, 1.0, 1.5, 2.25, 3.0])
        notes.append((rng.randint(40, 90), start, start + rng.choice([0.125, 0.25, 0.5])))
    return PositionTokenizer().tokens(piece_from_notes(notes, meter=rng.choice([(4, 4), (3, 4), (6, 8)])))


@register("cont-prompt-tokens")
def check_prompt_tokens(answer, rng: random.Random) -> None:
    """Lesson 5, exercise 2: ``prompt_tokens(tokens, n)``.

    Example: ``check("cont-prompt-tokens", prompt_tokens)``
    """
    expect_function(answer, "prompt_tokens")

    def compare(got, expected, case):
        got = expect_list(got, "prompt_tokens", item=str, item_name="token names")
        if got != expected:
            raise Hint(f"expected {expected}, got {got}: the tokens up to and including the DURATION of "
                       "note n (every note ends with its DURATION), or all of them when there are fewer "
                       "than n notes.")

    tokens = ["BOS", "BAR", "TIMESIG_4/4", "POSITION_0", "NOTE_ON_60", "DURATION_4", "NOTE_ON_64",
              "DURATION_4", "POSITION_4", "NOTE_ON_62", "DURATION_2", "BAR", "POSITION_0",
              "NOTE_ON_65", "DURATION_8", "EOS"]
    cases = [Case((tokens, 1)), Case((tokens, 2), "a chord: two notes at one POSITION"), Case((tokens, 4)),
             Case((tokens, 7), "more than the 4 notes there are: all the tokens")]
    for _ in range(10):
        names = _random_tokens(rng)
        cases.append(Case((names, rng.randint(1, sum(t.startswith("DURATION_") for t in names) + 1))))
    run_cases(answer, "prompt_tokens", cases, prompt_tokens_reference, compare)


def new_notes_reference(piece, prompt_end: float) -> list:
    """The notes that start at or after ``prompt_end`` seconds.

    Example: ``new_notes_reference(result.piece, result.prompt_end)`` -> the continuation's notes
    """
    return [note for note in piece.notes if note.start_time >= prompt_end]


@register("cont-new-notes")
def check_new_notes(answer, rng: random.Random) -> None:
    """Lesson 5, exercise 3: ``new_notes(piece, prompt_end)``.

    Example: ``check("cont-new-notes", new_notes)``
    """
    expect_function(answer, "new_notes")

    def compare(got, expected, case):
        notes = expect_notes(got, "new_notes")
        try:
            expect_same_notes(notes, expected)
        except Hint as hint:
            raise Hint(f"expected the notes {sorted((n.start_time, n.pitch) for n in expected)} "
                       f"(onset, pitch); {hint} Keep the notes that start at or after prompt_end; a "
                       "note that began before it and still sounds belongs to the primer.") from None

    cases = [Case((_piece(), 1.0), "a note starts exactly at 1.0 s; one began before and still sounds"),
             Case((_piece(), 0.5)), Case((_piece(), 3.0), "no note starts that late: []")]
    for _ in range(10):
        piece = _random_piece(rng)
        onsets = sorted({n.start_time for n in piece.notes})
        cases.append(Case((piece, rng.choice(onsets + [round(rng.uniform(0, 4), 2)]))))
    run_cases(answer, "new_notes", cases, new_notes_reference, compare)
