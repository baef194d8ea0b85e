"""Loading any folder of MIDI files: good ones load, bad ones are reported, never raised."""

import io
import os
import struct
import threading

import mido
import pytest

from helpers import folder, notes
from helpers.errors import ReadError
from conftest import GOOD_TRACK, raw_midi


def mido_bytes(midi_file):
    buffer = io.BytesIO()
    midi_file.save(file=buffer)
    return buffer.getvalue()


def band():
    """Multitrack: piano, bass and drums (written by the project's own save_midi)."""
    seq = notes.new_sequence(qpm=110)
    for i in range(8):
        notes.add_note(seq, 60 + i, i * 0.5, i * 0.5 + 0.4, program=0, instrument=0)
        notes.add_note(seq, 36 + i % 3, i * 0.5, i * 0.5 + 0.5, program=33, instrument=1)
        notes.add_note(seq, 42, i * 0.5, i * 0.5 + 0.1, instrument=9, is_drum=True)
    return seq


def tempo_changes():
    """4/4 at 100 qpm, then 3/4 at 150 qpm from 2 s on."""
    seq = notes.new_sequence(qpm=100)
    seq.tempos.add(time=2.0, qpm=150)
    seq.time_signatures.add(time=2.0, numerator=3, denominator=4)
    for i in range(10):
        notes.add_note(seq, 70 - i, i * 0.4, i * 0.4 + 0.3)
    return seq


def type0(ticks_per_beat):
    """A type-0 file (one track, two channels, one of them drums) made with mido."""
    midi = mido.MidiFile(type=0, ticks_per_beat=ticks_per_beat)
    track = mido.MidiTrack()
    midi.tracks.append(track)
    track += [
        mido.MetaMessage("set_tempo", tempo=500000, time=0),  # 120 qpm
        mido.Message("program_change", program=40, channel=0, time=0),
        mido.Message("note_on", note=60, velocity=90, channel=0, time=0),
        mido.Message("note_on", note=36, velocity=90, channel=9, time=0),
        mido.Message("note_off", note=36, velocity=0, channel=9, time=ticks_per_beat // 2),
        mido.Message("note_off", note=60, velocity=0, channel=0, time=ticks_per_beat // 2),
        mido.Message("note_on", note=62, velocity=90, channel=0, time=0),
        mido.Message("note_off", note=62, velocity=0, channel=0, time=ticks_per_beat),
    ]
    return mido_bytes(midi)


def type1_odd_resolution(ticks_per_beat):
    """A type-1 file: a tempo track and a note track, at an unusual resolution."""
    midi = mido.MidiFile(type=1, ticks_per_beat=ticks_per_beat)
    meta, music = mido.MidiTrack(), mido.MidiTrack()
    midi.tracks += [meta, music]
    meta.append(mido.MetaMessage("set_tempo", tempo=1000000, time=0))  # 60 qpm
    meta.append(mido.MetaMessage("time_signature", numerator=6, denominator=8, time=0))
    for pitch in (60, 64, 67):
        music.append(mido.Message("note_on", note=pitch, velocity=80, time=0))
        music.append(mido.Message("note_off", note=pitch, velocity=0, time=ticks_per_beat))
    return mido_bytes(midi)


def no_notes():
    """A well-formed MIDI file with a tempo and a program change but no note."""
    midi = mido.MidiFile(type=1)
    track = mido.MidiTrack()
    midi.tracks.append(track)
    track += [mido.MetaMessage("set_tempo", tempo=500000, time=0),
              mido.Message("program_change", program=5, time=0)]
    return mido_bytes(midi)


# a delta time of 0x0FFFFFFF ticks: pretty_midi calls the file "likely corrupt"
HUGE_DELTA_TRACK = b"\x00\x90\x3c\x40" + b"\xff\xff\xff\x7f\x80\x3c\x40" + b"\x00\xff\x2f\x00"

GOOD = {"band.mid", "tempo_changes.mid", "type0.MID", "sub/odd96.midi", "sub/deeper/odd1000.kar"}
BAD = {
    "corrupt.mid": "data byte must be in range 0..127",
    "empty.mid": "empty",
    "text.mid": "not a MIDI file",
    "no_notes.mid": "no notes",
    "truncated.mid": "truncated",
    "sub/huge_tick.mid": "likely corrupt",
}


@pytest.fixture
def midi_folder(tmp_path):
    """A folder of good and bad MIDI files, with nested subfolders and non-MIDI files."""
    root = tmp_path / "collection"
    notes.save_midi(band(), root / "band.mid")
    notes.save_midi(tempo_changes(), root / "tempo_changes.mid")
    (root / "type0.MID").write_bytes(type0(480))
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "sub" / "odd96.midi").write_bytes(type1_odd_resolution(96))
    (root / "sub" / "deeper" / "odd1000.kar").write_bytes(type1_odd_resolution(1000))
    (root / "corrupt.mid").write_bytes(raw_midi(GOOD_TRACK.replace(b"\x3c\x40", b"\x3c\xc8", 1)))
    (root / "empty.mid").write_bytes(b"")
    (root / "text.mid").write_text("not MIDI at all, just text with a .mid name\n")
    (root / "no_notes.mid").write_bytes(no_notes())
    (root / "truncated.mid").write_bytes(raw_midi(GOOD_TRACK)[:-6])
    (root / "sub" / "huge_tick.mid").write_bytes(raw_midi(HUGE_DELTA_TRACK))
    (root / "readme.txt").write_text("not a MIDI suffix: ignored, not reported")
    (root / "sub" / "cover.jpg").write_bytes(b"\xff\xd8\xff")
    return root


def test_finds_midi_suffixes_in_any_case_recursively_or_not(midi_folder):
    everything = folder.find_midi_files(midi_folder)
    names = {p.relative_to(midi_folder).as_posix() for p in everything}
    assert names == GOOD | set(BAD)
    assert everything == sorted(everything)
    top = {p.name for p in folder.find_midi_files(midi_folder, recursive=False)}
    assert top == {name for name in GOOD | set(BAD) if "/" not in name}


@pytest.mark.parametrize("workers", [1, 2])
def test_good_files_load_and_bad_ones_are_reported_with_reasons(midi_folder, monkeypatch, workers):
    monkeypatch.setattr(folder, "MIN_FILES_FOR_PROCESSES", 1)  # use processes even for 11 files
    pieces, report = folder.load_folder(midi_folder, workers=workers, progress=False)
    assert sorted(seq.filename for seq in pieces) == sorted(GOOD)
    assert [seq.filename for seq in pieces] == sorted(seq.filename for seq in pieces)
    assert list(report.columns) == ["file", "reason", "size"]
    assert set(report["file"]) == set(BAD)
    for row in report.itertuples():
        assert BAD[row.file] in row.reason, (row.file, row.reason)
    assert report.set_index("file").loc["empty.mid", "size"] == 0
    assert folder.load_summary(pieces, report) == "loaded 5 of 11 files; 6 skipped"


def test_pieces_keep_their_notes_drums_tempos_and_timing(midi_folder):
    pieces, _ = folder.load_folder(midi_folder, workers=1, progress=False)
    by_name = {seq.filename: seq for seq in pieces}

    band_seq = by_name["band.mid"]
    assert len(band_seq.notes) == 24
    assert sum(n.is_drum for n in band_seq.notes) == 8
    assert {n.program for n in band_seq.notes if not n.is_drum} == {0, 33}

    changes = by_name["tempo_changes.mid"]
    assert len(changes.notes) == 10
    assert [round(t.qpm) for t in changes.tempos] == [100, 150]
    assert changes.tempos[1].time == pytest.approx(2.0, abs=0.01)
    assert [(t.numerator, t.denominator) for t in changes.time_signatures] == [(4, 4), (3, 4)]

    zero = by_name["type0.MID"]
    pitches_and_drums = sorted((n.pitch, n.is_drum) for n in zero.notes)
    assert pitches_and_drums == [(36, True), (60, False), (62, False)]
    assert {n.program for n in zero.notes if not n.is_drum} == {40}

    for name, ticks in (("sub/odd96.midi", 96), ("sub/deeper/odd1000.kar", 1000)):
        seq = by_name[name]
        assert seq.ticks_per_quarter == ticks
        assert [n.pitch for n in seq.notes] == [60, 64, 67]
        # one beat per note at 60 qpm: one second each
        assert [round(n.start_time, 6) for n in seq.notes] == [0.0, 1.0, 2.0]
        assert seq.time_signatures[0].numerator == 6


def test_pieces_cross_processes_as_bytes_not_pickled_objects(midi_folder):
    name, data, reason = folder.load_one_file(midi_folder / "band.mid", "band.mid")
    assert (name, reason) == ("band.mid", None)
    assert isinstance(data, bytes)
    again = notes.note_seq().NoteSequence.FromString(data)
    assert again.filename == "band.mid" and len(again.notes) == 24


def test_load_one_file_never_raises_even_with_warnings_as_errors(midi_folder):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in BAD:
            _, data, reason = folder.load_one_file(midi_folder / name, name)
            assert data is None and reason
        _, data, reason = folder.load_one_file(midi_folder / "missing.mid", "missing.mid")
        assert data is None and "no such file" in reason


def _crash_on_corrupt(items):
    """A worker task that kills its process, as the out-of-memory killer would."""
    if any("corrupt" in name for _, name in items):
        os._exit(1)
    return [folder.load_one_file(path, name) for path, name in items]


def test_a_crashing_worker_process_is_reported_not_raised(midi_folder, monkeypatch):
    monkeypatch.setattr(folder, "MIN_FILES_FOR_PROCESSES", 1)
    monkeypatch.setattr(folder, "BATCH_SIZE", 1)
    monkeypatch.setattr(folder, "_load_batch", _crash_on_corrupt)
    pieces, report = folder.load_folder(midi_folder, workers=2, progress=False)
    assert len(pieces) + len(report) == 11
    reasons = dict(zip(report["file"], report["reason"]))
    assert "worker process crashed" in reasons["corrupt.mid"]


def test_limit_loads_the_first_files_only(midi_folder):
    pieces, report = folder.load_folder(midi_folder, workers=1, progress=False, limit=3)
    assert len(pieces) + len(report) == 3


def test_progress_prints_the_summary(midi_folder, capsys):
    folder.load_folder(midi_folder, workers=1, progress=True)
    assert "loaded 5 of 11 files; 6 skipped" in capsys.readouterr().out


def test_empty_folder_gives_nothing_and_an_empty_report(tmp_path):
    pieces, report = folder.load_folder(tmp_path, progress=False)
    assert pieces == [] and report.empty and list(report.columns) == ["file", "reason", "size"]


def test_missing_folder_or_a_file_raises_read_error_naming_it(tmp_path):
    with pytest.raises(ReadError, match="no such folder") as info:
        folder.load_folder(tmp_path / "nowhere")
    assert "nowhere" in str(info.value)
    a_file = tmp_path / "song.mid"
    a_file.write_bytes(raw_midi(GOOD_TRACK))
    with pytest.raises(ReadError, match="not a folder") as info:
        folder.load_folder(a_file)
    assert "song.mid" in str(info.value)


def test_raw_midi_helper_is_a_valid_header():
    # guards the fixtures above: 'MThd', length 6, format 0, one track, 480 ticks
    assert raw_midi(b"")[:14] == b"MThd" + struct.pack(">IHHH", 6, 0, 1, 480)


def test_the_report_lists_what_was_passed_over_and_why(midi_folder):
    (midi_folder / "tunes.abc").write_text("X:1\nK:D\nDFA|\n")
    (midi_folder / "sub" / "chorale.xml").write_text("<score-partwise/>")
    (midi_folder / "album.mid").mkdir()
    notes.save_midi(band(), midi_folder / "album.mid" / "inside.mid")
    os.mkfifo(midi_folder / "pipe.mid")
    (midi_folder / "loop.mid").symlink_to(midi_folder / "loop.mid")
    result = []
    loader = threading.Thread(target=lambda: result.append(
        folder.load_folder(midi_folder, workers=1, progress=False)), daemon=True)
    loader.start()
    loader.join(timeout=60)
    assert not loader.is_alive(), "load_folder blocked (on the named pipe?)"
    pieces, report = result[0]
    reasons = dict(zip(report["file"], report["reason"]))
    passed = {name: reason for name, reason in reasons.items() if reason.startswith("passed over: ")}
    assert set(passed) == {"tunes.abc", "sub/chorale.xml", "album.mid", "pipe.mid", "loop.mid"}
    assert "an ABC file" in passed["tunes.abc"] and "helpers.notes.load" in passed["tunes.abc"]
    assert "a MusicXML file" in passed["sub/chorale.xml"]
    assert "a folder named like a MIDI file" in passed["album.mid"]
    assert "named pipe" in passed["pipe.mid"] and "loop of symbolic links" in passed["loop.mid"]
    assert report.set_index("file").loc["tunes.abc", "size"] == len("X:1\nK:D\nDFA|\n")
    assert "album.mid/inside.mid" in {seq.filename for seq in pieces}  # searched inside all the same
    assert set(reasons) - set(passed) == set(BAD)  # the failed MIDI files are still there
    assert folder.load_summary(pieces, report) == \
        "loaded 6 of 12 files; 6 skipped; 5 passed over (see the report)"
    files, passed_over = folder.scan_folder(midi_folder, recursive=False)
    assert "album.mid" in {row["file"] for row in passed_over}
    assert all("/" not in row["file"] for row in passed_over)
