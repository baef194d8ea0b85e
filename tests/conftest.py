"""Shared test fixtures: the repository root and small MIDI files good and bad."""

import os
import struct
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("COURSE_QUICK", "1")

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
