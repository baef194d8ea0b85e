"""Checks for lesson 5, "Continue a melody" (notebooks/easy/05_continue_a_melody.ipynb).

Token sequences are lists of names in the positions scheme ("BAR",
"POSITION_0", "NOTE_ON_60", "DURATION_4", ...); pieces are NoteSequences.
"""

from helpers.check.compare import expect_sequence
from helpers.check.core import Hint, call, expect_function, register


def _piece():
    from helpers.notes import add_note, new_sequence

    seq = new_sequence(qpm=120)
    for pitch, start, end in [(62, 1.0, 2.0), (64, 0.5, 1.0), (60, 0.0, 0.5), (67, 0.5, 1.0), (65, 2.0, 2.5),
                                (59, 0.5, 1.5)]:
        add_note(seq, pitch, start, end)
    return seq


@register("cont-first-notes")
def check_first_notes(answer):
    expect_function(answer, "first_notes")
    piece = _piece()
    got = call(answer, piece, 3)
    expect_sequence(got, "first_notes")
    notes = sorted((n.start_time, n.pitch) for n in got.notes)
    if notes != [(0.0, 60), (0.5, 59), (0.5, 64)]:
        raise Hint(f"first_notes(piece, 3) should keep the notes starting first (by onset, then "
                   f"pitch): C4 at 0 s, B3 and E4 at 0.5 s; got (onset, pitch) {notes}. The notes "
                   "in a NoteSequence are not always in time order: sort them.")
    if len(piece.notes) != 6:
        raise Hint("first_notes changed the piece it was given; work on a copy (copy.deepcopy).")
    if len(got.tempos) != len(piece.tempos):
        raise Hint("keep the piece's tempo in the result: copy the piece, then keep only the notes.")


@register("cont-prompt-tokens")
def check_prompt_tokens(answer):
    expect_function(answer, "prompt_tokens")
    tokens = ["BOS", "BAR", "TIMESIG_4/4", "POSITION_0", "NOTE_ON_60", "DURATION_4", "NOTE_ON_64",
              "DURATION_4", "POSITION_4", "NOTE_ON_62", "DURATION_2", "BAR", "POSITION_0",
              "NOTE_ON_65", "DURATION_8", "EOS"]
    for n, length in ((1, 6), (2, 8), (3, 11), (4, 15)):
        got = call(answer, tokens, n)
        if not isinstance(got, list):
            raise Hint(f"prompt_tokens should return a list of token names, got {type(got).__name__}.")
        if got != tokens[:length]:
            raise Hint(f"prompt_tokens(tokens, {n}) should be the tokens up to and including the "
                       f"DURATION of note {n}: {tokens[:length]}; got {got}.")


@register("cont-new-notes")
def check_new_notes(answer):
    expect_function(answer, "new_notes")
    piece = _piece()
    got = call(answer, piece, 1.0)
    if not isinstance(got, list):
        raise Hint(f"new_notes should return a list of notes, got {type(got).__name__}.")
    pitches = sorted(getattr(n, "pitch", n) for n in got)
    if pitches != [62, 65]:
        raise Hint(f"new_notes(piece, 1.0) should be the notes that start at or after 1.0 s "
                   f"(pitches 62 and 65); got pitches {pitches}. A note that began before and still "
                   f"sounds belongs to the primer.")
    if sorted(getattr(n, "pitch", n) for n in call(answer, piece, 0.5)) != [59, 62, 64, 65, 67]:
        raise Hint("new_notes(piece, 0.5) should include the notes starting exactly at 0.5 s.")
