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

import errno
import io
import os
import stat
import warnings
from pathlib import Path

from helpers import midi_file
from helpers.errors import ReadError
from helpers.midi_file import MAX_TICK
from helpers.paths import write_atomic

MIDI_SUFFIXES = (".mid", ".midi", ".kar")
ABC_SUFFIXES = (".abc",)
MUSICXML_SUFFIXES = (".xml", ".musicxml", ".mxl")
PathLike = str | os.PathLike  # a file name, as text or as a Path
SPECIAL_FILES = {stat.S_ISFIFO: "a named pipe (FIFO)", stat.S_ISCHR: "a device",
                 stat.S_ISBLK: "a device", stat.S_ISSOCK: "a socket"}


def note_seq():
    """Import and return the note_seq module, quietly.

    note_seq imports pydub, which warns about a missing ffmpeg that the course
    never uses; the warning is hidden so that learners do not worry about it.
    Example: ``note_seq().NoteSequence()`` -> an empty NoteSequence
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


def new_sequence(qpm: float = 120.0, numerator: int = 4, denominator: int = 4):
    """An empty NoteSequence with one tempo and one time signature.

    Lesson 1 builds a melody from scratch starting from this.
    Example: ``new_sequence(qpm=90).tempos[0].qpm`` -> ``90.0``
    """
    seq = note_seq().NoteSequence()
    seq.ticks_per_quarter = 220
    seq.tempos.add(time=0.0, qpm=float(qpm))
    seq.time_signatures.add(time=0.0, numerator=numerator, denominator=denominator)
    return seq


def add_note(seq, pitch: int, start: float, end: float, velocity: int = 80, program: int = 0,
             instrument: int = 0, is_drum: bool = False):
    """Append one note (times in seconds) and keep ``total_time`` up to date.

    Example: ``add_note(seq, 60, 0.0, 0.5)`` adds middle C for half a second
    """
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

def midi_bytes_to_sequence(data: bytes, source="<bytes>"):
    """Parse MIDI bytes into a NoteSequence; ``source`` names them in errors.

    Refuses, with a ReadError that says why in words, data that is empty, not
    MIDI, larger than :data:`helpers.midi_file.MAX_MIDI_BYTES`, truncated or
    corrupt; reads files with SMPTE timing and skips unknown chunks
    (:mod:`helpers.midi_file`).
    Example: ``midi_bytes_to_sequence(Path("song.mid").read_bytes()).notes[0].pitch``
    """
    note_seq()  # imported first: importing it changes pretty_midi's tick limit
    return from_pretty_midi(midi_file.parse(data, source), source=source)


def load_midi(path: PathLike):
    """Read a MIDI file into a NoteSequence (lesson 0).

    Raises :class:`ReadError` for a missing, empty, non-MIDI or corrupt file,
    and at once for a folder, a named pipe or a device (reading those could
    wait forever). The sequence's ``filename`` field records where it came from.
    Example: ``load_midi(example("twinkle.mid")).notes[0].pitch`` -> ``60``
    """
    path = Path(path)
    data = _read_bytes(path, limit=midi_file.MAX_MIDI_BYTES)
    if len(data) > midi_file.MAX_MIDI_BYTES:  # refused before reading the rest of it
        raise ReadError(path, midi_file.too_big(os.path.getsize(path)))
    seq = midi_bytes_to_sequence(data, source=path)
    seq.filename = path.name
    return seq


def file_problem(path: PathLike) -> str | None:
    """Why ``path`` cannot be read as a file, in words, or None when it is a regular file.

    Asks the file system (``os.stat``) without opening anything, so a named
    pipe or a device is refused at once instead of waiting forever.
    Example: ``file_problem("no/such.mid")`` -> ``"no such file"``
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            return f"a broken link: no such file as {os.readlink(path)!r}, where it points"
        return "no such file"
    except OSError as err:
        if err.errno == errno.ELOOP:
            return "a loop of symbolic links: the link leads back to itself, never to a file"
        return f"the file cannot be opened ({err.strerror})"
    if stat.S_ISDIR(info.st_mode):
        return "this is a folder, not a file"
    for is_kind, kind in SPECIAL_FILES.items():
        if is_kind(info.st_mode):
            return f"this is {kind}, not a regular file; reading it could wait forever"
    return None


def _read_bytes(path, limit=None):
    """The bytes of a regular file; at most ``limit + 1`` are read, so a check can refuse more."""
    problem = file_problem(path)
    if problem:
        raise ReadError(path, problem)
    try:
        with open(path, "rb") as file:
            return file.read(-1 if limit is None else limit + 1)
    except OSError as err:
        raise ReadError(path, f"the file cannot be opened ({err.strerror})") from err


def from_pretty_midi(pm, source: str = "<pretty_midi>"):
    """Convert a ``pretty_midi.PrettyMIDI`` object to a NoteSequence.

    Example: ``from_pretty_midi(pretty_midi.PrettyMIDI("song.mid")).notes``
    """
    ns = note_seq()
    try:
        seq = ns.midi_io.midi_to_note_sequence(pm)
    except Exception as err:
        raise ReadError(source, f"cannot convert ({type(err).__name__}: {err})") from err
    for tempo in seq.tempos:
        # MIDI stores microseconds per beat; undo float noise such as 99.99999999999999 qpm.
        tempo.qpm = round(tempo.qpm, 6)
    return seq


def from_symusic(score, source: str = "<symusic>"):
    """Convert a ``symusic.Score`` to a NoteSequence (through MIDI bytes, exactly).

    Example: ``from_symusic(symusic.Score("song.mid")).notes``
    """
    try:
        data = score.dumps_midi()
    except Exception as err:
        raise ReadError(source, f"symusic cannot write it as MIDI ({err})") from err
    return midi_bytes_to_sequence(bytes(data), source=source)


# --- other formats in --------------------------------------------------------

def from_abc(text: str, source="<abc>"):
    """Parse one ABC tune (text) into a NoteSequence with symusic.

    symusic reads one tune at a time; give it the text from an ``X:`` line to
    the next. Used by the folk corpus and lesson 1.
    Example: ``from_abc("X:1\\nM:6/8\\nL:1/8\\nK:D\\nDFA dfa|").notes[0].pitch`` -> ``62``
    """
    import symusic

    if not text.strip():
        raise ReadError(source, "the ABC text is empty")
    try:
        score = symusic.Score.from_abc(text)
    except Exception as err:
        raise ReadError(source, f"invalid ABC ({err})") from err
    return from_symusic(score, source=source)


def from_musicxml(path: PathLike):
    """Read a MusicXML file (.xml, .musicxml or compressed .mxl).

    Example: ``from_musicxml(music21.corpus.getWork("bach/bwv66.6")).notes``
    """
    path = Path(path)
    problem = file_problem(path)  # same errors as MIDI for missing and unreadable files
    if problem:
        raise ReadError(path, problem)
    ns = note_seq()
    try:
        return ns.musicxml_reader.musicxml_file_to_sequence_proto(str(path))
    except Exception as err:
        raise ReadError(path, f"invalid MusicXML ({type(err).__name__}: {err})") from err


def load(path: PathLike):
    """Read a MIDI, ABC or MusicXML file, chosen by its suffix.

    Example: ``load("data/examples/twinkle.mid").notes[0].pitch`` -> ``60``
    """
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

def sequence_to_midi_bytes(seq) -> bytes:
    """The bytes of a standard MIDI file for ``seq``.

    Example: ``sequence_to_midi_bytes(new_sequence())[:4]`` -> ``b"MThd"``
    """
    pm = note_seq().midi_io.note_sequence_to_pretty_midi(seq)
    buffer = io.BytesIO()
    pm.write(buffer)
    return buffer.getvalue()


def save_midi(seq, path: PathLike) -> Path:
    """Write ``seq`` as a MIDI file, creating the folder if needed.

    The file is written under a temporary name and renamed, so a crash never
    leaves half a file. Returns the path.
    Example: ``save_midi(seq, "output/my_tune.mid")`` -> ``Path("output/my_tune.mid")``
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = sequence_to_midi_bytes(seq)
    return write_atomic(path, lambda f: f.write(data), binary=True)
