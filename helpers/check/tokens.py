"""Checks for lesson 3, "Tokenization" (notebooks/easy/03_tokenization.ipynb).

Notes are ``(pitch, start_step, end_step)`` triples on a 16th-note grid, as
``helpers.tokenizers.grid_notes`` returns them; token names are those of the
course's tokenizers ("TIME_SHIFT_4", "PITCH_60", "HOLD", "REST", "BAR",
"POSITION_0", ...). Each reference runs the course's own tokenizer
(``EventTokenizer``, ``MelodyTokenizer``, ``PositionTokenizer``) on a piece made
from the notes.
"""

import random

from helpers.check.calling import expect_function
from helpers.check.cases import Case, run_cases
from helpers.check.compare import expect_int, expect_list
from helpers.check.core import Hint, register
from helpers.check.inputs import random_pitch
from helpers.tokenizers import EventTokenizer, MelodyTokenizer, PositionTokenizer, grid_notes
from helpers.tokenizers.grid import notes_to_sequence


def _piece(notes: list, meter: str = "4/4"):
    """A NoteSequence at 120 qpm from ``(pitch, start, end)`` grid notes (16th steps)."""
    numerator, denominator = (int(x) for x in meter.split("/"))
    return notes_to_sequence([(s, p, e, 80) for p, s, e in notes], 120.0, 4, [(0, numerator, denominator)])


def _expect_names(got, expected) -> list:
    got = expect_list(got, "the result", item=str, item_name="token names (strings)")
    if got != expected:
        step = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))
        raise Hint(f"expected {expected}, got {got}: they first differ at item {step} "
                   f"(expected {expected[step] if step < len(expected) else 'nothing more'!r}, "
                   f"got {got[step] if step < len(got) else 'nothing more'!r}).")
    return got


def time_shift_reference(steps: int, max_shift: int) -> list[str]:
    """The TIME_SHIFT tokens ``EventTokenizer(max_shift=...)`` writes for a wait of ``steps``.

    Example: ``time_shift_reference(35, 16)`` -> ``["TIME_SHIFT_16", "TIME_SHIFT_16", "TIME_SHIFT_3"]``
    """
    if steps == 0:
        return []
    names = EventTokenizer(max_shift=max_shift, velocity_bins=0).tokens(_piece([(60, 0, steps)]))
    return names[2:-2]   # without BOS, NOTE_ON_60 ... NOTE_OFF_60, EOS


@register("tok-time-shift")
def check_time_shift(answer, rng: random.Random) -> None:
    """Lesson 3, exercise 1: ``time_shift_tokens(steps, max_shift)``.

    Example: ``check("tok-time-shift", time_shift_tokens)``
    """
    expect_function(answer, "time_shift_tokens")
    cases = [Case((4, 16)), Case((35, 16)), Case((16, 16), "exactly max_shift"),
             Case((32, 16), "exactly two max_shifts: no TIME_SHIFT_0"), Case((0, 16), "no wait: no tokens"),
             Case((9, 4)), Case((3, 1))]
    cases += [Case((rng.randint(1, 80), rng.randint(1, 20))) for _ in range(12)]
    run_cases(answer, "time_shift_tokens", cases, time_shift_reference,
              lambda got, want, case: _expect_names(got, want))


def _random_melody(rng: random.Random, n_notes: int) -> list[tuple]:
    """Non-overlapping notes with random gaps and lengths, as (pitch, start, end)."""
    notes, now = [], rng.choice([0, 0, 1, 3])
    for _ in range(n_notes):
        start = now + rng.choice([0, 0, 1, 2])
        end = start + rng.randint(1, 6)
        notes.append((random_pitch(rng), start, end))
        now = end
    return notes


def melody_grid_reference(notes: list, n_steps: int) -> list[str]:
    """``MelodyTokenizer``'s tokens for the notes, then REST up to ``n_steps``.

    Example: ``melody_grid_reference([(60, 0, 2)], 3)`` -> ``["PITCH_60", "HOLD", "REST"]``
    """
    names = MelodyTokenizer(pitch_range=(0, 127)).tokens(_piece(notes))[1:-1]
    return names + ["REST"] * (n_steps - len(names))


@register("tok-melody-grid")
def check_melody_grid(answer, rng: random.Random) -> None:
    """Lesson 3, exercise 2: ``melody_to_grid(notes, n_steps)``.

    Example: ``check("tok-melody-grid", melody_to_grid)``
    """
    expect_function(answer, "melody_to_grid")
    cases = [Case(([(60, 0, 4), (62, 4, 6), (64, 8, 9)], 10)),
             Case(([(67, 2, 3), (65, 3, 5)], 5), "two notes back to back, the last one ends at n_steps"),
             Case(([(64, 6, 8), (60, 0, 2)], 9), "notes not in time order"),
             Case(([], 3), "no notes"), Case(([(5, 0, 1), (100, 1, 3)], 4), "pitches with one and three digits")]
    for _ in range(10):
        notes = _random_melody(rng, rng.randint(1, 5))
        rng.shuffle(notes)
        cases.append(Case((notes, max(end for _, _, end in notes) + rng.randint(0, 3))))
    run_cases(answer, "melody_to_grid", cases, melody_grid_reference,
              lambda got, want, case: _expect_names(got, want))


def grid_to_notes_reference(tokens: list[str]) -> list[tuple]:
    """What ``MelodyTokenizer.decode`` reads in grid tokens, as ``(pitch, start, end)`` in time order.

    Example: ``grid_to_notes_reference(["PITCH_60", "HOLD", "REST"])`` -> ``[(60, 0, 2)]``
    """
    tokenizer = MelodyTokenizer(pitch_range=(0, 127))
    return grid_notes(tokenizer.decode(tokenizer.vocab.ids(tokens)))


@register("tok-grid-to-notes")
def check_grid_to_notes(answer, rng: random.Random) -> None:
    """Lesson 3, exercise 3: ``grid_to_notes(tokens)``.

    Example: ``check("tok-grid-to-notes", grid_to_notes)``
    """
    expect_function(answer, "grid_to_notes")

    def compare(got, expected, case):
        got = expect_list(got, "grid_to_notes")
        if not all(isinstance(n, tuple) and len(n) == 3 for n in got):
            raise Hint(f"expected a list of (pitch, start, end) tuples {expected}, got {got}.")
        got = [tuple(expect_int(x, "a pitch or step") for x in n) for n in got]
        if got != expected:
            raise Hint(f"expected {expected}, got {got}. A PITCH token starts a note (and ends the one "
                       "before), REST ends it, HOLD continues it (and does nothing after a REST), and "
                       "a note still sounding at the end ends after the last step.")

    cases = [Case((["REST", "PITCH_60", "HOLD", "PITCH_60", "REST", "HOLD", "PITCH_72", "HOLD", "HOLD"],),
                  "the same pitch twice in a row, HOLD after REST, a note that lasts to the end"),
             Case((["HOLD", "PITCH_5", "PITCH_100"],), "HOLD first, pitches with one and three digits"),
             Case(([],), "no tokens")]
    for _ in range(10):
        tokens = [rng.choice(["HOLD", "HOLD", "REST", f"PITCH_{random_pitch(rng)}"]) for _ in range(rng.randint(1, 12))]
        cases.append(Case((tokens,)))
    run_cases(answer, "grid_to_notes", cases, grid_to_notes_reference, compare)


SPECIAL = ["PAD", "BOS", "EOS"]


def vocab_reference(token_names: list[str]) -> dict:
    """PAD 0, BOS 1, EOS 2, then every other distinct name once, in sorted order.

    Example: ``vocab_reference(["BOS", "NOTE_ON_62", "NOTE_ON_60"])`` -> ``{"PAD": 0, "BOS": 1, "EOS": 2, "NOTE_ON_60": 3, "NOTE_ON_62": 4}``
    """
    names = SPECIAL + sorted(set(token_names) - set(SPECIAL))
    return {name: i for i, name in enumerate(names)}


@register("tok-vocab")
def check_vocab(answer, rng: random.Random) -> None:
    """Lesson 3, exercise 4: ``build_vocab(token_names)``.

    Example: ``check("tok-vocab", build_vocab)``
    """
    expect_function(answer, "build_vocab")

    def compare(got, expected, case):
        if not isinstance(got, dict):
            raise Hint(f"expected a dict from token name to id, got {type(got).__name__} {got!r:.80}.")
        if {k: expect_int(v, "an id") for k, v in got.items()} != expected:
            raise Hint(f"expected {expected}, got {got}. PAD=0, BOS=1, EOS=2 (also when the names "
                       "include them), then each other distinct name once, in sorted() order.")

    names = ["NOTE_ON_62", "TIME_SHIFT_4", "NOTE_ON_60", "NOTE_ON_62", "TIME_SHIFT_4"]
    cases = [Case((names,)), Case((["BOS", "BAR", "NOTE_ON_60", "EOS"],), "BOS and EOS among the names"),
             Case(([],), "no names"), Case((["NOTE_ON_60", "NOTE_ON_100", "NOTE_ON_9"],),
                                          "sorted() puts 'NOTE_ON_100' before 'NOTE_ON_60'")]
    pool = ["BAR", "HOLD", "REST", "BOS", "EOS", "PAD"] + [f"PITCH_{p}" for p in (5, 60, 62, 100)] + \
        [f"TIME_SHIFT_{k}" for k in (1, 4, 16)]
    cases += [Case(([rng.choice(pool) for _ in range(rng.randint(1, 10))],)) for _ in range(10)]
    run_cases(answer, "build_vocab", cases, vocab_reference, compare)


def position_tokens_reference(notes: list, meter: str) -> list[str]:
    """``PositionTokenizer``'s tokens for the notes in one meter, without BOS and EOS.

    Example: ``position_tokens_reference([(62, 0, 4)], "6/8")`` -> ``["BAR", "TIMESIG_6/8", "POSITION_0", "NOTE_ON_62", "DURATION_4"]``
    """
    return PositionTokenizer().tokens(_piece(notes, meter))[1:-1]


def _random_positions_piece(rng: random.Random) -> list[tuple]:
    """Chords, gaps of empty bars and, sometimes, a note longer than two bars of 4/4."""
    notes, used = [], set()
    for _ in range(rng.randint(1, 6)):
        start = rng.choice([0, 2, 4, 6, 9, 12, 16, 20, 24, 30, 40])
        pitch = rng.randint(21, 108)
        if (start, pitch) not in used:
            used.add((start, pitch))
            notes.append((pitch, start, start + rng.choice([1, 2, 3, 4, 6, 8, 12, 40])))
    rng.shuffle(notes)
    return notes


@register("tok-positions")
def check_positions(answer, rng: random.Random) -> None:
    """Lesson 3, exercise 5: ``position_tokens(notes, meter)`` against ``PositionTokenizer``.

    Example: ``check("tok-positions", position_tokens)``
    """
    expect_function(answer, "position_tokens")
    cases = [Case(([(62, 0, 4), (66, 4, 6), (69, 6, 12), (74, 12, 16)], "6/8"), "a bar of 6/8 is 12 steps"),
             Case(([(67, 0, 8), (60, 0, 8), (64, 0, 8)], "2/4"), "a chord, given high to low"),
             Case(([(60, 2, 4), (62, 30, 31)], "3/4"), "an empty bar between two notes"),
             Case(([(65, 13, 15)], "3/4"), "the first note is in bar 2"),
             Case(([(60, 4, 44)], "4/4"), "a note of 40 steps: DURATION_32, bars while it sounds"),
             Case(([], "3/4"), "no notes")]
    cases += [Case((_random_positions_piece(rng), rng.choice(["2/4", "3/4", "4/4", "6/8"]))) for _ in range(12)]
    run_cases(answer, "position_tokens", cases, position_tokens_reference,
              lambda got, want, case: _expect_names(got, want))
