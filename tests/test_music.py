"""The reference versions of lesson 1's functions."""

import math

import numpy as np
import pytest
from conftest import delta, midi_file

from helpers import music
from helpers.notes import add_note, load_midi, new_sequence


@pytest.mark.parametrize("pitch,name", [(60, "C4"), (61, "C#4"), (69, "A4"), (21, "A0"),
                                        (108, "C8"), (0, "C-1"), (127, "G9"), (59, "B3")])
def test_pitch_names_round_trip(pitch, name):
    assert music.pitch_name(pitch) == name
    assert music.pitch_number(name) == pitch


def test_pitch_number_accepts_flats_and_rejects_nonsense():
    assert music.pitch_number("Bb3") == 58
    for bad in ("H4", "C", "C#x", "G10"):
        with pytest.raises(ValueError):
            music.pitch_number(bad)
    with pytest.raises(ValueError):
        music.pitch_name(128)


def test_beats_and_seconds():
    assert music.seconds_to_beats(1.5, 120) == 3
    assert music.beats_to_seconds(3, 90) == 2


def test_melody_with_rest_and_lengths():
    seq = music.melody([60, None, 64], beats=[1, 1, 2], qpm=60)
    assert [(n.pitch, n.start_time, n.end_time) for n in seq.notes] == [(60, 0, 1), (64, 2, 4)]
    assert seq.total_time == 4 and seq.tempos[0].qpm == 60
    with pytest.raises(ValueError):
        music.melody([60, 62], beats=[1])


def test_transpose_leaves_drums_and_input_alone():
    seq = new_sequence()
    add_note(seq, 60, 0, 1)
    add_note(seq, 36, 0, 1, is_drum=True)
    up = music.transpose(seq, 7)
    assert [n.pitch for n in up.notes] == [67, 36]
    assert [n.pitch for n in seq.notes] == [60, 36]
    with pytest.raises(ValueError, match="outside"):
        music.transpose(seq, 100)


def test_stretch_keeps_beats():
    seq = music.melody([60, 62], qpm=120)
    slow = music.stretch(seq, 2)
    assert [n.end_time for n in slow.notes] == [1.0, 2.0]
    assert slow.tempos[0].qpm == 60 and slow.total_time == 2.0
    assert music.set_tempo(seq, 60).notes[1].start_time == 1.0
    with pytest.raises(ValueError):
        music.stretch(seq, 0)


def test_quantize_snaps_to_sixteenths_and_never_empties_a_note():
    seq = new_sequence(qpm=120)  # a 16th lasts 0.125 s
    add_note(seq, 60, 0.13, 0.36)
    add_note(seq, 62, 0.50, 0.51)
    q = music.quantize(seq, 4)
    assert [(n.start_time, n.end_time) for n in q.notes] == [(0.125, 0.375), (0.5, 0.625)]


# --- tempo maps ------------------------------------------------------------------------

def tempo_event(microseconds_per_quarter):
    """A MIDI set-tempo meta event (without its delta time)."""
    return b"\xff\x51\x03" + microseconds_per_quarter.to_bytes(3, "big")


def note_events(pitch, start_delta, ticks):
    """Note on after ``start_delta`` ticks, note off ``ticks`` later (velocity 64)."""
    return (delta(start_delta) + bytes([0x90, pitch, 0x40])
            + delta(ticks) + bytes([0x80, pitch, 0x40]))


def test_tempo_map_with_several_changes():
    seq = new_sequence(qpm=120)
    for time, qpm in [(2.0, 60), (5.0, 180), (7.0, 90)]:
        seq.tempos.add(time=time, qpm=qpm)
    tempo_map = music.TempoMap(seq)
    # 2 s at 120 qpm = 4 quarters, 3 s at 60 = 3, 2 s at 180 = 6, then 1.5 a second
    seconds = [0.0, 1.0, 2.0, 3.5, 5.0, 6.0, 7.0, 9.0]
    quarters = [0.0, 2.0, 4.0, 5.5, 7.0, 10.0, 13.0, 16.0]
    assert tempo_map.beats(seconds).tolist() == pytest.approx(quarters)
    assert tempo_map.seconds(quarters).tolist() == pytest.approx(seconds)
    assert tempo_map.beats(3.5) == pytest.approx(5.5) and isinstance(tempo_map.beats(3.5), float)
    rng = np.random.default_rng(0)
    times = rng.uniform(0, 100, 1000)
    assert tempo_map.seconds(tempo_map.beats(times)) == pytest.approx(times)


def test_tempo_map_ignores_tempos_that_are_no_tempo():
    seq = new_sequence(qpm=90)
    seq.tempos.add(time=4.0, qpm=180)
    clean = music.TempoMap(seq)
    for time, qpm in [(1.0, 0.0), (2.0, -60.0), (3.0, math.inf), (3.5, math.nan)]:
        seq.tempos.add(time=time, qpm=qpm)
    dirty = music.TempoMap(seq)
    seconds = np.linspace(0, 10, 41)
    assert dirty.beats(seconds).tolist() == clean.beats(seconds).tolist()
    assert dirty.beats(5.0) == 4 * 1.5 + 1 * 3  # 90 qpm for 4 s, then 180 for 1 s


def test_tempo_map_before_the_first_tempo_and_without_any():
    seq = new_sequence()
    del seq.tempos[:]
    assert music.TempoMap(seq).beats(3.0) == 6.0  # MIDI's default: 120 qpm
    seq.tempos.add(time=2.0, qpm=60)  # 120 qpm until the first tempo event
    assert music.TempoMap(seq).beats([1.0, 2.0, 3.0]).tolist() == [2.0, 4.0, 5.0]


def test_tempo_map_agrees_with_music21_on_a_midi_file(tmp_path):
    """Quarter notes from the seconds pretty_midi gives = music21's offsets, read from the ticks."""
    import music21

    track = (b"\x00" + tempo_event(500_000)              # 120 qpm
             + note_events(60, 0, 480)                   # quarter 0, one quarter long
             + delta(480) + tempo_event(1_000_000)       # 60 qpm from quarter 2
             + note_events(62, 240, 720)                 # quarter 2.5, dotted quarter
             + delta(0) + tempo_event(333_333)           # 180 qpm from quarter 4
             + note_events(64, 960, 120)                 # quarter 6, a 16th
             + b"\x00\xff\x2f\x00")
    path = tmp_path / "three_tempos.mid"
    path.write_bytes(midi_file([track]))
    seq = load_midi(path)
    tempo_map = music.TempoMap(seq)
    ours = [(n.pitch, tempo_map.beats(n.start_time), tempo_map.beats(n.end_time)) for n in seq.notes]
    score = music21.converter.parse(path, quantizePost=False)
    reference = [(n.pitch.midi, float(n.offset), float(n.offset + n.quarterLength))
                 for n in score.flatten().notes]
    assert reference == [(60, 0.0, 1.0), (62, 2.5, 4.0), (64, 6.0, 6.25)]
    assert [(p, pytest.approx(s, abs=1e-6), pytest.approx(e, abs=1e-6))
            for p, s, e in ours] == reference


def test_two_tempos_at_the_same_time_the_later_one_counts(tmp_path):
    """MIDI plays the last of two tempo events at one tick; pretty_midi and music21 agree.

    helpers.music.TempoMap sorts the tempo changes by (time, qpm), so at equal
    times the faster tempo wins, whatever the order in the file: here the note
    at quarter 4 lands at quarter 4.5. Fix: sort by time only (a stable sort
    keeps the file's order), ``sorted(..., key=lambda change: change[0])``.
    """
    import music21

    track = (b"\x00" + tempo_event(500_000) + delta(960) + tempo_event(600_000)  # 100 qpm ...
             + b"\x00" + tempo_event(750_000)                                    # ... then 80 at once
             + note_events(60, 960, 480) + b"\x00\xff\x2f\x00")
    path = tmp_path / "two_tempos_one_tick.mid"
    path.write_bytes(midi_file([track]))
    seq = load_midi(path)
    assert [(t.time, t.qpm) for t in seq.tempos] == [(0.0, 120.0), (1.0, 100.0), (1.0, 80.0)]
    note = music21.converter.parse(path, quantizePost=False).flatten().notes[0]
    assert (note.offset, note.quarterLength) == (4.0, 1.0)
    tempo_map = music.TempoMap(seq)
    assert tempo_map.beats(seq.notes[0].start_time) == pytest.approx(4.0)
    assert tempo_map.beats(seq.notes[0].end_time) == pytest.approx(5.0)


def test_quantize_follows_tempo_changes():
    seq = new_sequence(qpm=120)  # a 16th: 0.125 s until 2 s (quarter 4), then 0.25 s at 60 qpm
    seq.tempos.add(time=2.0, qpm=60)
    add_note(seq, 60, 1.06, 1.49)  # 16ths 8.48 .. 11.92 -> 8 .. 12
    add_note(seq, 62, 2.0, 2.2)    # at the change: 16ths 16 .. 16.8 -> 16 .. 17
    add_note(seq, 64, 4.3, 4.9)    # after it: quarters 6.3 .. 6.9 -> 16ths 25 .. 28
    q = music.quantize(seq, 4)
    assert [t for n in q.notes for t in (n.start_time, n.end_time)] == pytest.approx(
        [1.0, 1.5, 2.0, 2.25, 4.25, 5.0])
    assert [tuple(t) for t in zip(*music.grid_span([8.48 / 4, 4.0, 6.3], [11.92 / 4, 4.2, 6.9]))] \
        == [(8, 12), (16, 17), (25, 28)]
    assert q.tempos[1].time == 2.0 and q.tempos[1].qpm == 60  # the tempo map is kept
