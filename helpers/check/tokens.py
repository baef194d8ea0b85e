"""Checks for lesson 3, "Tokenization" (notebooks/easy/03_tokenization.ipynb).

Notes are given as (pitch, start_step, end_step) triples on a 16th-note grid,
as ``helpers.tokenizers.grid_notes`` returns them; token names are those of
the course's tokenizers ("TIME_SHIFT_4", "PITCH_60", "HOLD", "REST", ...).
"""

from helpers.check.core import Hint, call, expect_function, register


def _expect_list_of_str(got, what):
    if not isinstance(got, list) or not all(isinstance(t, str) for t in got):
        raise Hint(f"{what} should return a list of token names (strings), got {type(got).__name__} "
                   f"{got!r:.80}.")


@register("tok-time-shift")
def check_time_shift(answer):
    expect_function(answer, "time_shift_tokens")
    cases = {(4, 16): ["TIME_SHIFT_4"], (16, 16): ["TIME_SHIFT_16"],
             (35, 16): ["TIME_SHIFT_16", "TIME_SHIFT_16", "TIME_SHIFT_3"],
             (9, 4): ["TIME_SHIFT_4", "TIME_SHIFT_4", "TIME_SHIFT_1"], (0, 16): []}
    for (steps, max_shift), expected in cases.items():
        got = call(answer, steps, max_shift)
        _expect_list_of_str(got, "time_shift_tokens")
        if got != expected:
            raise Hint(f"time_shift_tokens({steps}, max_shift={max_shift}) should be {expected}, got "
                       f"{got}. Use as many TIME_SHIFT_{max_shift} as fit, then one for the rest "
                       "(none when the rest is 0).")


@register("tok-melody-grid")
def check_melody_grid(answer):
    expect_function(answer, "melody_to_grid")
    notes = [(60, 0, 4), (62, 4, 6), (64, 8, 9)]
    expected = ["PITCH_60", "HOLD", "HOLD", "HOLD", "PITCH_62", "HOLD", "REST", "REST", "PITCH_64", "REST"]
    got = call(answer, notes, 10)
    _expect_list_of_str(got, "melody_to_grid")
    if len(got) != 10:
        raise Hint(f"melody_to_grid(notes, 10) should give one token per step, 10 in all; got {len(got)}.")
    if got != expected:
        step = next(i for i, (a, b) in enumerate(zip(got, expected)) if a != b)
        raise Hint(f"for notes {notes} over 10 steps, step {step} should be {expected[step]!r} but is "
                   f"{got[step]!r}. Expected {expected}. A note's first step is PITCH_<p>, its other "
                   "steps HOLD, steps with no note REST.")
    again = call(answer, [(67, 2, 3), (65, 3, 5)], 5)
    if again != ["REST", "REST", "PITCH_67", "PITCH_65", "HOLD"]:
        raise Hint(f"two notes back to back, (67, 2, 3) then (65, 3, 5), over 5 steps should give "
                   f"['REST', 'REST', 'PITCH_67', 'PITCH_65', 'HOLD'], got {again}.")


@register("tok-grid-to-notes")
def check_grid_to_notes(answer):
    expect_function(answer, "grid_to_notes")
    tokens = ["REST", "PITCH_60", "HOLD", "PITCH_60", "REST", "HOLD", "PITCH_72", "HOLD", "HOLD"]
    expected = [(60, 1, 3), (60, 3, 4), (72, 6, 9)]
    got = call(answer, tokens)
    if not isinstance(got, list):
        raise Hint(f"grid_to_notes should return a list of (pitch, start, end) tuples, got {type(got).__name__}.")
    got = [tuple(n) if isinstance(n, (list, tuple)) else n for n in got]
    if got != expected:
        raise Hint(f"grid_to_notes({tokens}) should be {expected}, got {got}. A PITCH token starts a "
                   "note and ends the one before; REST ends it; a HOLD after a REST does nothing; the "
                   "last note ends after the last step.")


@register("tok-vocab")
def check_vocab(answer):
    expect_function(answer, "build_vocab")
    names = ["NOTE_ON_62", "TIME_SHIFT_4", "NOTE_ON_60", "NOTE_ON_62", "TIME_SHIFT_4"]
    expected = {"PAD": 0, "BOS": 1, "EOS": 2, "NOTE_ON_60": 3, "NOTE_ON_62": 4, "TIME_SHIFT_4": 5}
    got = call(answer, names)
    if not isinstance(got, dict):
        raise Hint(f"build_vocab should return a dict from token name to id, got {type(got).__name__}.")
    if got != expected:
        raise Hint(f"build_vocab({names}) should be {expected}, got {got}. The special tokens come "
                   "first (PAD=0, BOS=1, EOS=2), then each distinct name once, in sorted order.")
