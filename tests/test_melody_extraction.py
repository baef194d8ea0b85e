"""Melody extraction from multi-track MIDI (lesson 9), on real multi-track music that installed packages ship."""

from pathlib import Path

import pytest

from helpers import corpus
from helpers.melody_extraction import (WINDOW_QPM, choose_melody_track, extract_melody,
                                       four_four_spans, melody_windows, skyline_notes, track_table)
from helpers.notes import add_note, load_midi, new_sequence, sequence_to_midi_bytes

MUSIC21 = corpus.music21_corpus_dir().parent
# music21's own MIDI test files whose melody track is known from its name or role
KNOWN_MELODY = {
    "midi/testPrimitive/test02.mid": 0,   # four voices, the top one first
    "midi/testPrimitive/test03.mid": 0,   # "Piano (hi)" over "Piano (lo)"
    "midi/testPrimitive/test09.mid": 0,   # "Right Hand" over "Left Hand"
    "midi/testPrimitive/test12.mid": 0,   # "SOPRANO", "ALTO", "TENOR", "BASS"
    "omr/k525short.mid": 0,               # Eine kleine Nachtmusik: first violins
    "omr/k525MIDIMvt1.mid": 0,
}


def as_midi_file(piece, tmp_path, name):
    path = Path(tmp_path) / name
    path.write_bytes(sequence_to_midi_bytes(piece))
    return load_midi(path)


def test_the_soprano_of_chorales_written_as_multi_track_midi_is_chosen(tmp_path):
    table = corpus.corpus_table()
    ids = list(table.id[table.collection == "chorales"][::8])
    assert len(ids) >= 40
    for piece_id in ids:
        piece = as_midi_file(corpus.load_piece(piece_id), tmp_path, "chorale.mid")
        instruments = sorted({n.instrument for n in piece.notes})
        assert len(instruments) == 4, piece_id
        soprano = instruments[0]
        program = next(n.program for n in piece.notes if n.instrument == soprano)
        assert choose_melody_track(piece) == (soprano, program), piece_id


@pytest.mark.parametrize("relative, melody", sorted(KNOWN_MELODY.items()))
def test_music21s_midi_test_files(relative, melody):
    path = MUSIC21 / relative
    assert path.exists(), f"{path}: music21's test file is missing"
    piece = load_midi(path)
    assert choose_melody_track(piece)[0] == melody
    line = extract_melody(piece)
    assert len(line.notes) > 0
    ordered = sorted(line.notes, key=lambda n: n.start_time)
    assert all(a.end_time <= b.start_time + 1e-6 for a, b in zip(ordered, ordered[1:]))  # one line


def band_song():
    """Drums, bass, high chords and a vocal line in the middle: the line must win."""
    song = new_sequence(qpm=100)
    for beat in range(64):
        t = beat * 0.6
        add_note(song, 36 if beat % 2 == 0 else 38, t, t + 0.1, program=0, instrument=9, is_drum=True)
        add_note(song, 40 + beat % 5, t, t + 0.5, program=33, instrument=1)        # bass
        for pitch in (76, 79, 83):                                                # chords on top
            add_note(song, pitch, t, t + 0.55, program=4, instrument=2)
        add_note(song, 64 + (beat * 3) % 8, t, t + 0.3, program=53, instrument=3)  # the tune
    add_note(song, 96, 1.0, 1.2, program=73, instrument=4)                       # one high fill
    return song


def test_drums_bass_chords_and_fills_are_passed_over(tmp_path):
    song = as_midi_file(band_song(), tmp_path, "band.mid")
    table = track_table(song).set_index("program")
    assert table.at[33, "role"] == "bass" and table.at[4, "role"] == "chords"
    assert table.at[73, "role"] == "too little" and table["role"].eq("drums").sum() == 1
    assert choose_melody_track(song)[1] == 53
    only_rhythm = new_sequence()
    add_note(only_rhythm, 36, 0, 0.1, instrument=9, is_drum=True)
    add_note(only_rhythm, 40, 0, 1.0, program=34, instrument=1)
    assert choose_melody_track(only_rhythm) is None and melody_windows(only_rhythm) == []


def test_skyline_keeps_the_top_note_and_not_notes_under_a_held_one():
    piece = new_sequence()
    add_note(piece, 72, 0.0, 2.0)      # held high note
    add_note(piece, 60, 0.0, 0.5)
    add_note(piece, 64, 0.5, 1.0)      # moves under the held note: not the tune
    add_note(piece, 71, 2.0, 3.0)
    add_note(piece, 67, 2.0, 3.0)
    assert skyline_notes(piece.notes) == [(72, 0.0, 2.0, 80), (71, 2.0, 3.0, 80)]


def test_only_4_4_is_kept_and_windows_start_on_bar_lines():
    piece = new_sequence(qpm=60)   # 1 s per quarter note
    del piece.time_signatures[:]
    piece.time_signatures.add(time=0.0, numerator=4, denominator=4)
    piece.time_signatures.add(time=16.0, numerator=3, denominator=4)   # bar 5 on: 3/4
    for i in range(40):
        add_note(piece, 60 + i % 7, i * 1.0, i * 1.0 + 0.9)
    assert four_four_spans(piece) == [(0.0, 16.0)]
    windows = melody_windows(piece, bars=2, min_notes=4)
    assert len(windows) == 2
    seconds_per_quarter = 60 / WINDOW_QPM
    for window in windows:
        assert window.tempos[0].qpm == WINDOW_QPM
        assert [n.start_time for n in window.notes] == [i * seconds_per_quarter for i in range(8)]
    assert melody_windows(piece, bars=2, min_notes=9) == []
    with pytest.raises(ValueError, match="bars"):
        melody_windows(piece, bars=0)
    no_signature = new_sequence()
    del no_signature.time_signatures[:]
    add_note(no_signature, 60, 0.0, 10.0)
    assert four_four_spans(no_signature) == [(0.0, 20.0)]     # MIDI's default meter is 4/4
