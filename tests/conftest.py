"""Shared test fixtures: the repository root and small MIDI files good and bad."""

import os
import struct
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("COURSE_QUICK", "1")
# the studio (lesson 12) keeps its library here during the tests, not in output/studio/
os.environ.setdefault("COURSE_STUDIO_DIR", os.path.join(tempfile.mkdtemp(prefix="studio-"), "studio"))

ROOT = Path(__file__).resolve().parent.parent


def raw_midi(track):
    """A one-track MIDI file (format 0, 480 ticks per beat) around raw track bytes."""
    header = b"MThd" + struct.pack(">IHHH", 6, 0, 1, 480)
    return header + b"MTrk" + struct.pack(">I", len(track)) + track


# one middle C, velocity 64, lasting one beat, then end of track
GOOD_TRACK = b"\x00\x90\x3c\x40" + b"\x83\x60\x80\x3c\x40" + b"\x00\xff\x2f\x00"


@pytest.fixture
def bad_midi_files(tmp_path):
    """The bad inputs the issue lists, each as a file, by name."""
    files = {
        "missing": tmp_path / "missing.mid",
        "empty": tmp_path / "empty.mid",
        "text": tmp_path / "notes.mid",
        "truncated": tmp_path / "truncated.mid",
        "byte_above_127": tmp_path / "velocity200.mid",
        "folder": tmp_path / "folder.mid",
    }
    files["empty"].write_bytes(b"")
    files["text"].write_text("These are not MIDI notes, just a text file renamed .mid\n")
    files["truncated"].write_bytes(raw_midi(GOOD_TRACK)[:-6])
    files["byte_above_127"].write_bytes(raw_midi(GOOD_TRACK.replace(b"\x3c\x40", b"\x3c\xc8", 1)))
    files["folder"].mkdir()
    return files


def midi_file(tracks, fmt=0, division=480, declared_tracks=None, chunks_before=b""):
    """A MIDI file from raw track bytes: any header values, and extra chunks before the tracks.

    ``division`` is the header's timing field (ticks per beat, or SMPTE when
    its top bit is set); ``declared_tracks`` is the track count the header
    claims (default: the real one).
    """
    count = len(tracks) if declared_tracks is None else declared_tracks
    header = b"MThd" + struct.pack(">IHHH", 6, fmt, count, division)
    body = b"".join(b"MTrk" + struct.pack(">I", len(track)) + track for track in tracks)
    return header + chunks_before + body


def delta(ticks):
    """A MIDI delta time: a variable-length number, 7 bits a byte, high bit = more to come."""
    out = [ticks & 0x7F]
    while ticks > 0x7F:
        ticks >>= 7
        out.insert(0, (ticks & 0x7F) | 0x80)
    return bytes(out)


def smpte_division(frames_per_second, ticks_per_frame):
    """The header's timing field for SMPTE time: -fps in the high byte, ticks per frame low."""
    return struct.unpack(">H", struct.pack(">bB", -frames_per_second, ticks_per_frame))[0]


THIRTEEN_HOURS = 13 * 3600  # seconds


def thirteen_hour_midi():
    """Two half-second notes 13 hours apart: one huge delta time (96 ticks a beat, 120 qpm).

    At 192 ticks a second the pause is 8,985,504 ticks, under pretty_midi's
    limit of 10,000,000, so the file reads; rendered whole at 48 kHz stereo
    it would need 9 GB.
    """
    pause = THIRTEEN_HOURS * 192 - 96
    track = (b"\x00\x90\x3c\x40" + b"\x60\x80\x3c\x40"
             + delta(pause) + b"\x90\x3e\x40" + b"\x60\x80\x3e\x40" + b"\x00\xff\x2f\x00")
    return midi_file([track], division=96)


@pytest.fixture
def damaged_midi_files(tmp_path):
    """Headers, timing and chunks that real-world files get wrong, each as a file, by name."""
    set_tempo_0 = b"\x00\xff\x51\x03\x00\x00\x00"
    foreign = b"XFIH" + struct.pack(">I", 5) + b"hello"  # a chunk kind no reader knows
    files = {
        "zero_tracks": midi_file([], fmt=1),
        "zero_ticks_per_beat": midi_file([GOOD_TRACK], division=0),
        "tempo_zero": midi_file([set_tempo_0 + GOOD_TRACK]),
        "foreign_chunk": midi_file([GOOD_TRACK], chunks_before=foreign),
        "smpte": midi_file([GOOD_TRACK], division=smpte_division(25, 40)),
    }
    paths = {}
    for name, data in files.items():
        paths[name] = tmp_path / f"{name}.mid"
        paths[name].write_bytes(data)
    paths["symlink_loop"] = tmp_path / "loop.mid"
    paths["symlink_loop"].symlink_to(tmp_path / "loop.mid")
    paths["fifo"] = tmp_path / "pipe.mid"
    os.mkfifo(paths["fifo"])
    return paths


# `make test-fast` runs `pytest -m "not slow"`: everything but these (a file, or a file and the
# start of test names). `make test` and CI run them all.
SLOW = {
    "test_notebooks.py": ("",),                   # every notebook, run top to bottom
    "test_studio_browser.py": ("",),              # JupyterLab in a real browser
    "test_tokenizers.py": ("test_every_folk_tune_round_trips", "test_bach_chorales_round_trip"),
    "test_corpus_music.py": ("test_first_downbeats_are_on_bar_lines_as_music21_reads_them",
                             "test_chorale_pickups_agree_with_music21"),
    "test_install.py": ("test_pip_resolves_the_course_on_colab",),   # pip's resolver, online
    "test_pretrained.py": ("test_shipped_model_scores_what_its_manifest_says",),  # the whole test split
}


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a test `make test-fast` leaves out (see tests/conftest.py)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        prefixes = SLOW.get(item.path.name, ())
        if any(item.name.startswith(prefix) for prefix in prefixes):
            item.add_marker(pytest.mark.slow)
