"""The edges of the one representation: reading and writing pieces, and bad inputs."""

import os
import re
import threading

import pytest

from helpers import midi_file, music, notes
from helpers.errors import ReadError
from helpers.paths import example
from conftest import GOOD_TRACK, midi_file as make_midi, raw_midi, smpte_division

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


DAMAGED_REASON = {
    "zero_tracks": "the header says the file holds 0 tracks",
    "zero_ticks_per_beat": "the header says 0 ticks per beat",
    "tempo_zero": "a tempo event says 0 microseconds per beat",
    "symlink_loop": "a loop of symbolic links",
    "fifo": "this is a named pipe (FIFO), not a regular file",
}
# Raw library text that must never reach a learner: exception names, code, library messages.
LIBRARY_TEXT = re.compile(r"[A-Z][a-z]+Error|\(\)|max\(|division by zero|Note end time|MTrk header")


@pytest.mark.parametrize("kind", sorted(DAMAGED_REASON))
def test_damaged_files_are_refused_with_a_sentence_naming_the_problem(damaged_midi_files, kind):
    path = damaged_midi_files[kind]
    with pytest.raises(ReadError) as info:
        notes.load_midi(path)
    assert info.value.source == str(path)
    assert DAMAGED_REASON[kind] in info.value.reason
    assert not LIBRARY_TEXT.search(info.value.reason), info.value.reason


@pytest.mark.parametrize("kind", sorted(EXPECTED_REASON))
def test_every_bad_file_reason_is_plain_words_not_library_text(bad_midi_files, kind):
    with pytest.raises(ReadError) as info:
        notes.load_midi(bad_midi_files[kind])
    assert not LIBRARY_TEXT.search(info.value.reason), info.value.reason


def test_a_named_pipe_or_a_device_is_refused_at_once_not_read(damaged_midi_files):
    outcome = []

    def read():
        try:
            notes.load_midi(damaged_midi_files["fifo"])
        except ReadError as err:
            outcome.append(err.reason)

    reader = threading.Thread(target=read, daemon=True)  # a blocked open would hang here, not the suite
    reader.start()
    reader.join(timeout=5)
    assert not reader.is_alive(), "load_midi blocked on a named pipe"
    assert "named pipe" in outcome[0]
    with pytest.raises(ReadError, match="a device, not a regular file"):
        notes.load_midi("/dev/zero")  # would read zeros forever


def test_a_foreign_chunk_before_the_tracks_is_skipped_as_the_standard_asks(damaged_midi_files):
    import symusic

    path = damaged_midi_files["foreign_chunk"]
    seq = notes.load_midi(path)
    plain = notes.midi_bytes_to_sequence(raw_midi(GOOD_TRACK))
    assert [(n.pitch, n.start_time, n.end_time) for n in seq.notes] == \
           [(n.pitch, n.start_time, n.end_time) for n in plain.notes] == [(60, 0.0, 0.5)]
    # symusic, which follows the standard here, reads the same note (mido and music21 refuse)
    reference = symusic.Score(str(path), ttype="second")
    assert [(n.pitch, n.time, n.end) for t in reference.tracks for n in t.notes] == [(60, 0.0, 0.5)]


def test_smpte_timing_is_read_in_seconds_and_ignores_tempo_events():
    # 25 frames a second, 40 ticks a frame: 1,000 ticks a second whatever the tempo says.
    at_120_qpm = b"\x00\xff\x51\x03\x07\xa1\x20"
    seq = notes.midi_bytes_to_sequence(make_midi([at_120_qpm + GOOD_TRACK],
                                                 division=smpte_division(25, 40)))
    assert [(n.pitch, n.start_time) for n in seq.notes] == [(60, 0.0)]
    assert seq.notes[0].end_time == pytest.approx(480 / 1000)  # GOOD_TRACK's note lasts 480 ticks
    drop_frame = notes.midi_bytes_to_sequence(make_midi([GOOD_TRACK], division=smpte_division(29, 80)))
    assert drop_frame.notes[0].end_time == pytest.approx(480 / (29.97 * 80))


def test_smpte_timing_with_an_unknown_frame_rate_is_explained():
    with pytest.raises(ReadError, match="SMPTE timing with 20 frames per second"):
        notes.midi_bytes_to_sequence(make_midi([GOOD_TRACK], division=smpte_division(20, 40)))


def test_a_file_above_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = notes.save_midi(notes.load_midi(example("band.mid")), tmp_path / "band.mid")
    monkeypatch.setattr(midi_file, "MAX_MIDI_BYTES", 100)
    with pytest.raises(ReadError, match="the course reads MIDI files up to") as info:
        notes.load_midi(path)
    assert f"{path.stat().st_size / 2**20:.1f} MB" in info.value.reason
    with pytest.raises(ReadError, match="MAX_MIDI_BYTES"):
        notes.midi_bytes_to_sequence(path.read_bytes())


def test_a_broken_link_says_where_it_points(tmp_path):
    link = tmp_path / "song.mid"
    link.symlink_to(tmp_path / "gone.mid")
    with pytest.raises(ReadError, match="a broken link: no such file as .*gone.mid"):
        notes.load_midi(link)


def test_musicxml_and_abc_refuse_special_files_too(tmp_path):
    pipe = tmp_path / "pipe.abc"
    os.mkfifo(pipe)
    with pytest.raises(ReadError, match="named pipe"):
        notes.load(pipe)
    with pytest.raises(ReadError, match="folder"):
        notes.from_musicxml(tmp_path)


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
