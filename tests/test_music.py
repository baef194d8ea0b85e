"""The reference versions of lesson 1's functions."""

import pytest

from helpers import music
from helpers.notes import add_note, new_sequence


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
