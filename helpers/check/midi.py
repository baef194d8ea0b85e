"""Checks for lesson 1, "MIDI and notes" (notebooks/easy/01_midi_and_notes.ipynb).

Each check compares the learner's function with the reference version in
``helpers.music`` on a few inputs chosen to catch the usual mistakes.
"""

from helpers import music
from helpers.check.compare import expect_close, expect_same_notes, expect_sequence, expect_type
from helpers.check.core import Hint, call, expect_function, register
from helpers.notes import add_note, new_sequence


def _song_with_drums():
    seq = new_sequence(qpm=90)
    for i, pitch in enumerate([60, 62, 64, 65, 67]):
        add_note(seq, pitch, i * 0.5, i * 0.5 + 0.4, velocity=70 + i)
    add_note(seq, 48, 0.0, 2.0, program=32, instrument=1)
    for i in range(3):
        add_note(seq, 36, i * 0.8, i * 0.8 + 0.1, instrument=9, is_drum=True)
    return seq


@register("midi-pitch-name")
def check_pitch_name(answer):
    expect_function(answer, "pitch_name")
    for pitch in [60, 61, 69, 59, 21, 108, 0, 127, 70]:
        got = call(answer, pitch)
        expect_type(got, str, f"pitch_name({pitch})")
        try:
            same = music.pitch_number(got) == pitch
        except ValueError:
            same = False
        if not same:
            raise Hint(f"pitch_name({pitch}) should be {music.pitch_name(pitch)!r}, got {got!r}. "
                       "Middle C, pitch 60, is C4; the octave number goes up at every C.")


@register("midi-seconds-to-beats")
def check_seconds_to_beats(answer):
    expect_function(answer, "seconds_to_beats")
    for seconds, qpm in [(1.0, 60), (1.0, 120), (0.5, 90), (3.0, 100), (0.0, 140)]:
        got = call(answer, seconds, qpm)
        expect_close(got, music.seconds_to_beats(seconds, qpm),
                     f"seconds_to_beats({seconds}, {qpm}) (at {qpm} beats per minute a beat lasts "
                     f"{60 / qpm:g} s)")


@register("midi-melody")
def check_melody(answer):
    expect_function(answer, "make_melody")
    for pitches, qpm in [([60, 62, 64, 65, 67], 120), ([67, 64, 60], 90)]:
        got = call(answer, pitches, qpm)
        what = f"make_melody({pitches}, {qpm})"
        expect_sequence(got, what)
        expect_same_notes(got, music.melody(pitches, 1.0, qpm=qpm), what)
        if not got.tempos or abs(got.tempos[0].qpm - qpm) > 1e-6:
            raise Hint(f"{what}: the sequence should carry its tempo: seq.tempos.add(qpm={qpm}).")


@register("midi-transpose")
def check_transpose(answer):
    expect_function(answer, "transpose")
    seq = _song_with_drums()
    before = seq.SerializeToString()
    for semitones in (3, -5, 12):
        got = call(answer, seq, semitones)
        what = f"transpose(seq, {semitones})"
        expect_sequence(got, what)
        if seq.SerializeToString() != before:
            raise Hint(f"{what} changed the sequence it was given; work on a copy "
                       "(copy.deepcopy(seq)) and return the copy.")
        drums = [n.pitch for n in got.notes if n.is_drum]
        if drums and drums != [36] * len(drums):
            raise Hint(f"{what} moved the drum notes; their pitch numbers choose the drum "
                       "(36 is a bass drum), so leave notes with is_drum=True alone.")
        expect_same_notes(got, music.transpose(seq, semitones), what)


@register("midi-stretch")
def check_stretch(answer):
    expect_function(answer, "stretch")
    seq = _song_with_drums()
    for factor in (2.0, 0.5, 1.25):
        got = call(answer, seq, factor)
        what = f"stretch(seq, {factor})"
        expect_same_notes(got, music.stretch(seq, factor), what)
        if not got.tempos or abs(got.tempos[0].qpm - 90 / factor) > 1e-6:
            shown = got.tempos[0].qpm if got.tempos else "no tempo"
            raise Hint(f"{what}: the notes are right, but the tempo should become "
                       f"90 / {factor} = {90 / factor:g} quarter notes per minute (got {shown}), "
                       "so that each note keeps its length in beats.")
        expect_close(got.total_time, seq.total_time * factor, f"{what}.total_time")


@register("midi-snap")
def check_snap(answer):
    expect_function(answer, "snap_to_grid")
    cases = [(0.26, 120, 4), (0.37, 120, 4), (1.01, 60, 4), (0.9, 100, 2), (0.1, 120, 4), (2.0, 90, 3)]
    for seconds, qpm, steps in cases:
        step = music.beats_to_seconds(1, qpm) / steps
        expected = round(seconds / step) * step
        expect_close(call(answer, seconds, qpm, steps), expected,
                     f"snap_to_grid({seconds}, {qpm}, {steps}) (the grid step is {step:g} s; "
                     "round to the nearest step, not down)")
