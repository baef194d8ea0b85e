"""Pieces of music in and out: the course's one representation and its edges.

Every piece in the course is a ``NoteSequence`` (Magenta's protocol buffer from
the note-seq package): a list of notes (pitch, velocity, start and end in
seconds, instrument, program, is_drum) plus tempos, time signatures and keys.
This module converts at the edges only:

* in: MIDI files or bytes, ABC text, MusicXML files, pretty_midi and symusic
  objects;
* out: MIDI files and bytes.

Anything that cannot be read raises :class:`helpers.errors.ReadError`, which
names the file and the reason. Lessons 0 ("Getting started") and 1 ("MIDI and
notes") introduce these functions.

note-seq is imported on first use, not when ``helpers`` is imported: it takes
about two seconds to load.
"""

import io
import os
import warnings
from pathlib import Path

from helpers.errors import ReadError
from helpers.paths import write_atomic

MIDI_SUFFIXES = (".mid", ".midi", ".kar")
ABC_SUFFIXES = (".abc",)
MUSICXML_SUFFIXES = (".xml", ".musicxml", ".mxl")
MAX_TICK = 1e7   # pretty_midi's own limit: a file with a later event is corrupt


def note_seq():
    """Import and return the note_seq module, quietly.

    note_seq imports pydub, which warns about a missing ffmpeg that the course
    never uses; the warning is hidden so that learners do not worry about it.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import note_seq as ns
    import pretty_midi

    # Importing note_seq raises pretty_midi's limit on a file's last tick from
    # 1e7 to 1e10. Files beyond 1e7 ticks are corrupt in practice, and reading
    # them fills gigabytes of memory, so the course keeps pretty_midi's limit.
    pretty_midi.pretty_midi.MAX_TICK = MAX_TICK
    return ns


def new_sequence(qpm=120.0, numerator=4, denominator=4):
    """An empty NoteSequence with one tempo and one time signature.

    Lesson 1 builds a melody from scratch starting from this.
    """
    seq = note_seq().NoteSequence()
    seq.ticks_per_quarter = 220
    seq.tempos.add(time=0.0, qpm=float(qpm))
    seq.time_signatures.add(time=0.0, numerator=numerator, denominator=denominator)
    return seq


def add_note(seq, pitch, start, end, velocity=80, program=0, instrument=0, is_drum=False):
    """Append one note (times in seconds) and keep ``total_time`` up to date."""
    note = seq.notes.add(
        pitch=int(pitch), velocity=int(velocity), start_time=float(start),
        end_time=float(end), program=int(program), instrument=int(instrument),
        is_drum=bool(is_drum),
    )
    seq.total_time = max(seq.total_time, note.end_time)
    return note


def is_sequence(value) -> bool:
    """True when ``value`` is a NoteSequence: the one place the course recognises a piece.

    Checked by name, so that asking does not import note-seq (two seconds).
    Example: ``is_sequence(load_midi(example("twinkle.mid")))`` -> ``True``
    """
    return type(value).__name__ == "NoteSequence" and hasattr(value, "notes")


def as_sequence(piece, what: str = "piece"):
    """A NoteSequence from a NoteSequence (returned as it is) or a MIDI, ABC or MusicXML file path.

    Anything else is a TypeError that says what was given, naming it ``what``.
    Example: ``as_sequence("data/examples/twinkle.mid").notes[0].pitch`` -> ``60``
    """
    if is_sequence(piece):
        return piece
    if isinstance(piece, (str, os.PathLike)):
        return load(piece)
    raise TypeError(f"{what} must be a NoteSequence or a path to a MIDI, ABC or MusicXML file, "
                    f"not {type(piece).__name__}")


# --- MIDI in -----------------------------------------------------------------

def _check_midi_bytes(data, source):
    """Reject empty and non-MIDI data before a parser gives an obscure error."""
    if len(data) == 0:
        raise ReadError(source, "the file is empty (0 bytes)")
    if data[:4] != b"MThd":
        raise ReadError(
            source,
            f"not a MIDI file: it should start with b'MThd' but starts with {data[:8]!r}",
        )


def midi_bytes_to_sequence(data, source="<bytes>"):
    """Parse MIDI bytes into a NoteSequence; ``source`` names them in errors."""
    _check_midi_bytes(data, source)
    note_seq()  # imports pretty_midi with the tick limit in place
    import pretty_midi

    try:
        with warnings.catch_warnings():
            # pretty_midi warns about odd but readable files (tempo events on
            # non-zero tracks); those are not errors.
            warnings.simplefilter("ignore")
            pm = pretty_midi.PrettyMIDI(io.BytesIO(data))
    except EOFError as err:
        raise ReadError(source, "corrupt MIDI: the data ends in the middle of a track "
                        "(a truncated file?)") from err
    except Exception as err:  # mido and pretty_midi raise many kinds
        raise ReadError(source, f"corrupt MIDI ({type(err).__name__}: {err})") from err
    return from_pretty_midi(pm, source=source)


def load_midi(path):
    """Read a MIDI file into a NoteSequence (lesson 0).

    Raises :class:`ReadError` for a missing, empty, non-MIDI or corrupt file.
    The sequence's ``filename`` field records where it came from.
    """
    path = Path(path)
    data = _read_bytes(path)
    seq = midi_bytes_to_sequence(data, source=path)
    seq.filename = path.name
    return seq


def _read_bytes(path):
    if not path.exists():
        raise ReadError(path, "no such file")
    if path.is_dir():
        raise ReadError(path, "this is a folder, not a file")
    try:
        return path.read_bytes()
    except OSError as err:
        raise ReadError(path, f"the file cannot be opened ({err.strerror})") from err


def from_pretty_midi(pm, source="<pretty_midi>"):
    """Convert a ``pretty_midi.PrettyMIDI`` object to a NoteSequence."""
    ns = note_seq()
    try:
        seq = ns.midi_io.midi_to_note_sequence(pm)
    except Exception as err:
        raise ReadError(source, f"cannot convert ({type(err).__name__}: {err})") from err
    for tempo in seq.tempos:
        # MIDI stores microseconds per beat; undo float noise such as 99.99999999999999 qpm.
        tempo.qpm = round(tempo.qpm, 6)
    return seq


def from_symusic(score, source="<symusic>"):
    """Convert a ``symusic.Score`` to a NoteSequence (through MIDI bytes, exactly)."""
    try:
        data = score.dumps_midi()
    except Exception as err:
        raise ReadError(source, f"symusic cannot write it as MIDI ({err})") from err
    return midi_bytes_to_sequence(bytes(data), source=source)


# --- other formats in --------------------------------------------------------

def from_abc(text, source="<abc>"):
    """Parse one ABC tune (text) into a NoteSequence with symusic.

    symusic reads one tune at a time; give it the text from an ``X:`` line to
    the next. Used by the folk corpus and lesson 1.
    """
    import symusic

    if not text.strip():
        raise ReadError(source, "the ABC text is empty")
    try:
        score = symusic.Score.from_abc(text)
    except Exception as err:
        raise ReadError(source, f"invalid ABC ({err})") from err
    return from_symusic(score, source=source)


def from_musicxml(path):
    """Read a MusicXML file (.xml, .musicxml or compressed .mxl)."""
    path = Path(path)
    _read_bytes(path)  # same errors as MIDI for missing and unreadable files
    ns = note_seq()
    try:
        return ns.musicxml_reader.musicxml_file_to_sequence_proto(str(path))
    except Exception as err:
        raise ReadError(path, f"invalid MusicXML ({type(err).__name__}: {err})") from err


def load(path):
    """Read a MIDI, ABC or MusicXML file, chosen by its suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in MIDI_SUFFIXES:
        return load_midi(path)
    if suffix in MUSICXML_SUFFIXES:
        return from_musicxml(path)
    if suffix in ABC_SUFFIXES:
        text = _read_bytes(path).decode("utf-8", errors="replace")
        return from_abc(text, source=path)
    raise ReadError(path, f"unknown file type {suffix!r}; expected one of "
                    f"{', '.join(MIDI_SUFFIXES + ABC_SUFFIXES + MUSICXML_SUFFIXES)}")


# --- MIDI out ----------------------------------------------------------------

def sequence_to_midi_bytes(seq):
    """The bytes of a standard MIDI file for ``seq``."""
    pm = note_seq().midi_io.note_sequence_to_pretty_midi(seq)
    buffer = io.BytesIO()
    pm.write(buffer)
    return buffer.getvalue()


def save_midi(seq, path):
    """Write ``seq`` as a MIDI file, creating the folder if needed.

    The file is written under a temporary name and renamed, so a crash never
    leaves half a file. Returns the path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = sequence_to_midi_bytes(seq)
    return write_atomic(path, lambda f: f.write(data), binary=True)
