"""The edges of the one representation: reading and writing pieces, and bad inputs."""

import pytest

from helpers import music, notes
from helpers.errors import ReadError
from helpers.paths import example
from conftest import GOOD_TRACK, raw_midi

EXPECTED_REASON = {
    "missing": "no such file",
    "empty": "empty",
    "text": "not a MIDI file",
    "truncated": "truncated",
    "byte_above_127": "data byte must be in range 0..127",
    "folder": "folder",
}


@pytest.mark.parametrize("kind", sorted(EXPECTED_REASON))
def test_bad_midi_files_raise_one_error_naming_file_and_reason(bad_midi_files, kind):
    path = bad_midi_files[kind]
    with pytest.raises(ReadError) as info:
        notes.load_midi(path)
    assert info.value.source == str(path)
    assert EXPECTED_REASON[kind] in info.value.reason
    assert path.name in str(info.value)


def test_read_error_is_a_value_error_so_generic_handlers_catch_it(bad_midi_files):
    with pytest.raises(ValueError):
        notes.load_midi(bad_midi_files["text"])


def test_hand_made_midi_reads_one_note():
    seq = notes.midi_bytes_to_sequence(raw_midi(GOOD_TRACK))
    assert [(n.pitch, n.velocity) for n in seq.notes] == [(60, 64)]
    assert seq.notes[0].end_time == pytest.approx(0.5)  # one beat at the default 120 qpm


def test_write_and_reload_keeps_notes_tempo_and_instruments(tmp_path):
    seq = notes.load_midi(example("band.mid"))
    path = notes.save_midi(seq, tmp_path / "sub" / "copy.mid")
    again = notes.load_midi(path)
    assert len(again.notes) == len(seq.notes) == 92
    assert again.tempos[0].qpm == pytest.approx(110, abs=0.01)
    assert {(n.program, n.is_drum) for n in again.notes} == {(0, False), (33, False), (73, False), (0, True)}
    assert not list(tmp_path.glob("sub/*.tmp"))  # the atomic write left nothing behind


def test_pretty_midi_and_symusic_objects_convert_to_the_same_notes():
    import pretty_midi
    import symusic

    path = example("twinkle.mid")
    via_pm = notes.from_pretty_midi(pretty_midi.PrettyMIDI(str(path)))
    via_sm = notes.from_symusic(symusic.Score(str(path)))
    direct = notes.load_midi(path)
    for seq in (via_pm, via_sm):
        assert [(n.pitch, round(n.start_time, 4)) for n in seq.notes] == \
               [(n.pitch, round(n.start_time, 4)) for n in direct.notes]


def test_abc_tune_reads_pitches_and_meter():
    abc = "X:1\nT:Test jig\nM:6/8\nL:1/8\nK:D\nDFA dfa|g3 f3|]\n"
    seq = notes.from_abc(abc)
    assert [n.pitch for n in seq.notes] == [62, 66, 69, 74, 78, 81, 79, 78]
    assert (seq.time_signatures[0].numerator, seq.time_signatures[0].denominator) == (6, 8)


def test_empty_or_broken_abc_raises_read_error():
    with pytest.raises(ReadError, match="empty"):
        notes.from_abc("   \n")


def test_musicxml_chorale_from_the_installed_music21_corpus():
    import music21

    path = music21.corpus.getWork("bach/bwv66.6")
    seq = notes.load(path)
    assert len(seq.notes) > 100
    assert len({n.instrument for n in seq.notes}) == 4  # soprano, alto, tenor, bass


def test_load_rejects_unknown_suffix(tmp_path):
    path = tmp_path / "song.mp3"
    path.write_bytes(b"ID3")
    with pytest.raises(ReadError, match="unknown file type"):
        notes.load(path)


def test_examples_are_what_the_generator_writes():
    from helpers.course.examples import write_examples

    assert write_examples(check=True) == []


def test_summary_of_an_example():
    info = music.summary(notes.load_midi(example("waltz.mid")))
    assert info["meter"] == "3/4" and info["notes"] == 40 and not info["drums"]
