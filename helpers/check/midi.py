"""Checks for lesson 1, "MIDI and notes" (notebooks/easy/01_midi_and_notes.ipynb).

Each check compares the learner's function with the reference in
``helpers.music`` on the edge cases the exercise names and on random inputs:
tempos other than 120, tempo changes after time 0, drums on channels other
than 9, pitches with one and three digits.
"""

import copy
import random
import re

from helpers import music
from helpers.check.calling import expect_function
from helpers.check.cases import Case, run_cases
from helpers.check.compare import expect_close, expect_same_notes, expect_same_piece, expect_sequence
from helpers.check.core import Hint, register
from helpers.check.inputs import piece_from_notes, random_piece, random_pitch, random_qpm
from helpers.notes import add_note

_NAME = re.compile(r"^[A-G][#b]?-?\d+$")


@register("midi-pitch-name")
def check_pitch_name(answer, rng: random.Random) -> None:
    """Lesson 1, exercise 1: ``pitch_name(pitch)``, tried on all 128 MIDI pitches.

    Example: ``check("midi-pitch-name", pitch_name)``
    """
    expect_function(answer, "pitch_name")

    def compare(got, expected, case):
        pitch = case.args[0]
        if not isinstance(got, str):
            raise Hint(f"expected the text {expected!r}, got {type(got).__name__} {got!r}.")
        try:
            same = bool(_NAME.match(got)) and music.pitch_number(got) == pitch
        except ValueError:
            same = False
        if not same:
            raise Hint(f"expected {expected!r}, got {got!r}. Middle C, pitch 60, is C4; the octave "
                       "number goes up at every C, and pitch 0 is C-1.")

    pitches = list(range(128))
    rng.shuffle(pitches)
    cases = [Case((p,)) for p in [60, 61, 69, 21, 0, 127, 11, 12, 59] + pitches]
    run_cases(answer, "pitch_name", cases, music.pitch_name, compare)


@register("midi-seconds-to-beats")
def check_seconds_to_beats(answer, rng: random.Random) -> None:
    """Lesson 1, exercise 2: ``seconds_to_beats(seconds, qpm)``.

    Example: ``check("midi-seconds-to-beats", seconds_to_beats)``
    """
    expect_function(answer, "seconds_to_beats")
    cases = [Case((1.0, 60)), Case((0.0, 140)), Case((1.5, 90))]
    cases += [Case((round(rng.uniform(0, 10), 3), random_qpm(rng))) for _ in range(15)]
    run_cases(answer, "seconds_to_beats", cases, music.seconds_to_beats,
              lambda got, expected, case: expect_close(got, expected, tol=1e-6))


def melody_reference(pitches: list, qpm: float):
    """One quarter note per pitch at ``qpm``, velocity 80: ``helpers.music.melody``.

    Example: ``melody_reference([60, 64], 90).notes[1].start_time`` -> ``0.6666...``
    """
    return music.melody(pitches, 1.0, qpm=qpm, velocity=80)


@register("midi-melody")
def check_melody(answer, rng: random.Random) -> None:
    """Lesson 1, exercise 3: ``make_melody(pitches, qpm)``.

    Example: ``check("midi-melody", make_melody)``
    """
    expect_function(answer, "make_melody")

    def compare(got, expected, case):
        expect_sequence(got)
        expect_same_notes(got.notes, expected.notes, tol=1e-6)
        tempos = [(t.time, round(t.qpm, 6)) for t in got.tempos]
        if tempos != [(0.0, case.args[1])]:
            raise Hint(f"the notes are right, but the piece should carry one tempo of {case.args[1]:g} "
                       f"qpm at time 0 (notes.new_sequence(qpm=qpm) makes it), got (time, qpm) {tempos}.")
        if abs(got.total_time - expected.total_time) > 1e-6:
            raise Hint(f"the notes are right, but total_time should be {expected.total_time:g} s, "
                       f"got {got.total_time:g} (notes.add_note keeps it up to date).")

    cases = [Case(([60, 62, 64], 120.0)), Case(([], 90.0), "no pitches: an empty melody, with its tempo"),
             Case(([5, 100, 127], 75.0), "pitches with one and three digits")]
    for _ in range(8):
        cases.append(Case(([random_pitch(rng) for _ in range(rng.randint(1, 6))], random_qpm(rng))))
    run_cases(answer, "make_melody", cases, melody_reference, compare)


def _band():
    """A piece with drums on instrument 3, a pitched part on instrument 9 and a tempo change."""
    seq = piece_from_notes([(60, 0.0, 0.4, 70), (67, 0.5, 1.25, 100), (64, 0.5, 1.0, 55)], qpm=90)
    add_note(seq, 40, 0.0, 2.0, velocity=90, program=33, instrument=9)
    add_note(seq, 36, 0.0, 0.1, instrument=3, is_drum=True)
    add_note(seq, 42, 0.75, 0.85, instrument=3, is_drum=True)
    seq.tempos.add(time=1.5, qpm=60.0)
    seq.time_signatures.add(time=2.0, numerator=3, denominator=4)
    seq.key_signatures.add(time=1.0, key=7)
    return seq


@register("midi-transpose")
def check_transpose(answer, rng: random.Random) -> None:
    """Lesson 1, exercise 4: ``transpose(seq, semitones)`` against ``helpers.music.transpose``.

    Example: ``check("midi-transpose", transpose)``
    """
    expect_function(answer, "transpose")
    band = _band()
    cases = [Case((band, 3), "drums on instrument 3 (is_drum=True), a bass part on instrument 9 "
                             "that is not a drum"),
             Case((band, -5)), Case((band, 0))]
    for _ in range(10):
        shift = rng.randint(-12, 12)
        piece = random_piece(rng, drums=rng.randint(0, 3), tempo_change=rng.random() < 0.5,
                             low=max(0, -shift), high=min(127, 127 - shift))
        cases.append(Case((piece, shift)))
    run_cases(answer, "transpose", cases, music.transpose, lambda got, want, case: expect_same_piece(got, want),
              mistakes={"leave the notes with is_drum=True alone": lambda seq, s: _moved(seq, s, lambda n: True),
                        "is_drum decides what is a drum, not the instrument number 9":
                            lambda seq, s: _moved(seq, s, lambda n: n.instrument != 9)})


def _moved(seq, semitones, moves):
    """A known mistake: transpose the notes for which ``moves(note)`` is True."""
    out = copy.deepcopy(seq)
    for note in out.notes:
        if moves(note):
            note.pitch += semitones
    return out


@register("midi-stretch")
def check_stretch(answer, rng: random.Random) -> None:
    """Lesson 1, exercise 5: ``stretch(seq, factor)`` against ``helpers.music.stretch``.

    Example: ``check("midi-stretch", stretch)``
    """
    expect_function(answer, "stretch")
    band = _band()
    note = "a tempo change at 1.5 s, a time signature at 2 s and a key signature at 1 s"
    cases = [Case((band, 2.0), note), Case((band, 0.5), note), Case((band, 1.0))]
    for _ in range(10):
        piece = random_piece(rng, drums=rng.randint(0, 2), tempo_change=rng.random() < 0.7,
                             key_change=rng.random() < 0.5)
        cases.append(Case((piece, rng.choice([0.25, 0.75, 1.25, 1.5, 3.0, round(rng.uniform(0.2, 4), 2)]))))
    run_cases(answer, "stretch", cases, music.stretch, lambda got, want, case: expect_same_piece(got, want),
              mistakes={"the tempo changes move too: multiply every tempo's time by factor":
                        lambda seq, f: _stretch_keeping(seq, f, "tempos"),
                        "time and key signatures move too: multiply their times by factor":
                        lambda seq, f: _stretch_keeping(seq, f, "signatures")})


def _stretch_keeping(seq, factor, kept: str):
    """A known mistake: stretch everything but the times of the tempos (or of the signatures)."""
    out = music.stretch(seq, factor)
    events = (list(out.tempos) if kept == "tempos" else list(out.time_signatures) + list(out.key_signatures))
    for event in events:
        event.time /= factor
    return out


def snap_reference(seconds: float, qpm: float, steps_per_quarter: int) -> float:
    """The grid time nearest ``seconds``, by the course's one rounding rule (``music.grid_span``).

    Example: ``snap_reference(0.37, 120, 4)`` -> ``0.375``
    """
    beats = music.seconds_to_beats(seconds, qpm)
    step, _ = music.grid_span(beats, beats, steps_per_quarter)
    return music.beats_to_seconds(step / steps_per_quarter, qpm)


def _off_the_middle(rng: random.Random, qpm: float, steps: int) -> float:
    """A time at least 5 % of a step away from the middle between two grid points (no ties)."""
    step = 60 / qpm / steps
    while True:
        seconds = round(rng.uniform(0, 4), 3)
        if abs((seconds / step) % 1 - 0.5) > 0.05:
            return seconds


@register("midi-snap")
def check_snap(answer, rng: random.Random) -> None:
    """Lesson 1, exercise 6: ``snap_to_grid(seconds, qpm, steps_per_quarter)``.

    Example: ``check("midi-snap", snap_to_grid)``
    """
    expect_function(answer, "snap_to_grid")
    cases = [Case((0.37, 120.0, 4)), Case((0.26, 120.0, 4)), Case((0.0, 90.0, 4)),
             Case((1.01, 60.0, 4)), Case((0.9, 100.0, 2))]
    for _ in range(15):
        qpm, steps = random_qpm(rng), rng.choice([1, 2, 3, 4, 6, 8])
        cases.append(Case((_off_the_middle(rng, qpm, steps), qpm, steps)))

    def compare(got, expected, case):
        step = 60 / case.args[1] / case.args[2]
        try:
            expect_close(got, expected, tol=1e-9)
        except Hint as hint:
            raise Hint(f"{hint} The grid step is {step:.6g} s; round to the nearest step, not down.") from None

    run_cases(answer, "snap_to_grid", cases, snap_reference, compare, mistakes={
        "round to the nearest step, not down": lambda s, q, k: int(s / (60 / q / k)) * (60 / q / k)})
