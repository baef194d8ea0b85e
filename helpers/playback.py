"""Listen to a piece in the notebook: playback that is never silent.

``play(piece)`` shows an audio player, a line saying how the sound was made,
and a link to download the piece as MIDI. It never fails quietly: when there
is nothing to play, or no way to make sound, it says so and says how to fix it.
Lessons 0 and 1 use it (``notebooks/easy/00_getting_started.ipynb`` and
``notebooks/easy/01_midi_and_notes.ipynb``), and every later lesson plays its
generated pieces with it.

A NoteSequence holds notes, not sound, so it has to be rendered (synthesized)
first. Three backends can do this (:mod:`helpers.audio_backends`); the first
one that works is used: ``"fluidsynth"`` (FluidSynth, often not installed),
``"midirenderer"`` (a pip-installable SoundFont renderer) and ``"numpy"``
(the course's own synthesizer, :mod:`helpers.synth`, which always works).

Set the environment variable ``COURSE_AUDIO_BACKEND`` (or pass ``backend=``)
to try one backend first. The audio is mono 16-bit WAV at 16 kHz, embedded in
the notebook: about 43 KB per second of music once written as text (base64).

Playback has a budget, so that no piece can fill the memory or the notebook.
A piece lasts until its last note ends (tempo or meta events after it add no
silence); only its first :data:`MAX_SECONDS` (3 minutes, ``max_seconds=``
changes it) or its first :data:`MAX_NOTES` notes are rendered, and the player
says so. The piece is cut before any backend sees it: midirenderer asks for
the whole 48 kHz stereo buffer at once (192 KB per second: 9 GB for a file
whose one long pause makes it 13 hours long), which would kill the kernel.

``play_all(pieces, labels)`` shows several players side by side, each with a
label and its own download, to compare pieces (temperatures, models, ...).
"""

import base64
import html
import io
import math
import os
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from helpers.audio_backends import (BACKENDS, DESCRIPTIONS, TAIL_SECONDS, available_backends,
                                    render_with)
from helpers.errors import ReadError
from helpers.filenames import safe_filename, unique_filenames
from helpers.notes import as_sequence, is_sequence, sequence_to_midi_bytes

ENV_VAR = "COURSE_AUDIO_BACKEND"
NO_NOTES = "This piece has no notes, so there is nothing to play."
MAX_SECONDS = 180.0   # music rendered at most: 3 minutes, about 7.5 MB in the notebook
MAX_NOTES = 20_000    # notes rendered at most (the numpy synthesizer's time grows with them)
# The parts of a NoteSequence that happen at a time; the cut keeps those up to the last note.
TIMED_FIELDS = ("tempos", "time_signatures", "key_signatures", "control_changes",
                "pitch_bends", "text_annotations")


class PlaybackError(RuntimeError):
    """No backend could render the piece; ``reasons`` is a list of (backend, why)."""

    def __init__(self, reasons):
        self.reasons = list(reasons)
        lines = [f"{name}: {why}" for name, why in self.reasons]
        super().__init__("No audio backend could play this piece.\n" + "\n".join(lines))


@dataclass
class Rendered:
    """Rendered audio: mono float32 samples in [-1, 1] and how they were made."""

    samples: np.ndarray
    sample_rate: int
    backend: str
    skipped: list = field(default_factory=list)  # (backend, why) tried before this one
    piece_seconds: float = 0.0   # the whole piece's length: where its last note ends
    cut_at: float | None = None  # where the piece was cut (seconds), None when played whole

    @property
    def seconds(self) -> float:
        """Length of the audio in seconds.

        Example: ``render(piece).seconds`` -> ``30.5`` when the last note ends at 30 s (midirenderer)
        """
        return len(self.samples) / self.sample_rate


def _backend_order(backend):
    """Backends to try: the chosen one (argument, else COURSE_AUDIO_BACKEND) first."""
    choice = (backend or os.environ.get(ENV_VAR, "")).strip().lower()
    if not choice:
        return list(BACKENDS)
    if choice not in BACKENDS:
        raise ValueError(f"Unknown audio backend {choice!r}; the backends are: {', '.join(BACKENDS)}")
    return [choice] + [name for name in BACKENDS if name != choice]


# --- the budget: what part of a piece is rendered ---------------------------------

def _check_max_seconds(max_seconds):
    if isinstance(max_seconds, bool) or not isinstance(max_seconds, (int, float)) \
            or not 0 < max_seconds < math.inf:
        raise ValueError(f"max_seconds must be a positive number of seconds, not {max_seconds!r}")


def _clock(seconds):
    """``"3:00"`` for 180 s, ``"13:00:02"`` for 46,802 s."""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def piece_length(seq) -> float:
    """How long a piece lasts: where its last note ends (0.0 without notes).

    Tempo, controller and meta events after the last note do not count.
    Example: ``piece_length(load_midi(example("twinkle.mid")))`` -> ``9.0``
    """
    return max((note.end_time for note in seq.notes), default=0.0)


def playable_part(seq, max_seconds: float = MAX_SECONDS) -> tuple[object, float | None]:
    """The part of ``seq`` that playback renders, and where it was cut (None: all of it).

    The part ends with its last note: tempo, controller and meta events after
    it are dropped, so they add no silence. A piece longer than
    ``max_seconds``, or with more than :data:`MAX_NOTES` notes, is cut: the
    notes that start before the cut are kept, and those still sounding end
    there. Raises ValueError when there is no note, or none before the cut.
    Example: ``playable_part(thirteen_hour_piece)[1]`` -> ``180.0``
    """
    _check_max_seconds(max_seconds)
    if not seq.notes:
        raise ValueError(NO_NOTES)
    cut_at = max_seconds if piece_length(seq) > max_seconds else None
    if len(seq.notes) > MAX_NOTES:
        next_start = sorted(note.start_time for note in seq.notes)[MAX_NOTES]
        cut_at = next_start if cut_at is None else min(cut_at, next_start)
    limit = math.inf if cut_at is None else cut_at
    part = type(seq)()
    part.CopyFrom(seq)
    del part.notes[:]
    part.notes.extend(note for note in seq.notes if note.start_time < limit)
    if not part.notes:
        first = min(note.start_time for note in seq.notes)
        raise ValueError(f"Nothing to play in the first {_clock(limit)}: the first note starts "
                         f"at {_clock(first)}. Raise max_seconds, or remove the silence first.")
    for note in part.notes:
        note.end_time = min(note.end_time, limit)
    part.total_time = piece_length(part)
    for name in TIMED_FIELDS:
        kept = [event for event in getattr(seq, name) if event.time <= part.total_time]
        del getattr(part, name)[:]
        getattr(part, name).extend(kept)
    return part, cut_at


# --- rendering -----------------------------------------------------------------

def _as_sequence(piece):
    """A NoteSequence from a NoteSequence or a file path (ReadError if unreadable)."""
    return as_sequence(piece, "the piece to play")


def _to_mono(samples):
    samples = np.asarray(samples, dtype=np.float32)
    return samples.mean(axis=1) if samples.ndim == 2 else samples


def _resample(samples, rate, sample_rate):
    if rate == sample_rate:
        return samples
    from math import gcd

    from scipy.signal import resample_poly

    g = gcd(rate, sample_rate)
    return resample_poly(samples, sample_rate // g, rate // g).astype(np.float32)


def normalize(samples: np.ndarray, target_rms: float = 0.2, peak: float = 0.9) -> np.ndarray:
    """Scale to a comfortable loudness (RMS ``target_rms``) without peaks above ``peak``.

    Example: ``np.abs(normalize(quiet_samples)).max() <= 0.9`` -> ``True``
    """
    top = float(np.max(np.abs(samples))) if len(samples) else 0.0
    if top == 0.0:
        return samples
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return (samples * min(target_rms / rms, peak / top)).astype(np.float32)


def render(piece, backend: str | None = None, sample_rate: int = 16000,
           max_seconds: float = MAX_SECONDS) -> Rendered:
    """Synthesize ``piece`` (a NoteSequence or MIDI path) into mono audio.

    Only :func:`playable_part` is rendered (at most ``max_seconds``), and the
    audio ends :data:`TAIL_SECONDS` after the last note. ``backend`` (or
    ``COURSE_AUDIO_BACKEND``) names the backend to try first; if it is
    unavailable or fails, the next one is tried and the reason is kept in
    ``Rendered.skipped``. Raises ValueError for an unknown backend or a piece
    with no notes (before the cut), ReadError for an unreadable file, and
    PlaybackError when no backend works.
    Example: ``render(load_midi(example("twinkle.mid"))).backend`` -> ``"midirenderer"`` (no FluidSynth)
    """
    order = _backend_order(backend)
    seq = _as_sequence(piece)
    part, cut_at = playable_part(seq, max_seconds)
    status = {name: (ok, reason) for name, ok, reason in available_backends()}
    skipped = []
    for name in order:
        ok, reason = status[name]
        if not ok:
            skipped.append((name, reason))
            continue
        try:
            samples, rate = render_with(name, part, sample_rate)
            samples = _to_mono(samples)[: int((part.total_time + TAIL_SECONDS) * rate)]
            samples = _resample(samples, rate, sample_rate)
        except Exception as err:  # a backend failing must not stop playback
            skipped.append((name, f"it failed while rendering ({type(err).__name__}: {err})"))
            continue
        if len(samples) == 0 or np.max(np.abs(samples)) < 1e-6:
            skipped.append((name, "it produced only silence"))
            continue
        return Rendered(normalize(samples), sample_rate, name, skipped,
                        piece_length(seq), cut_at)
    raise PlaybackError(skipped)


def to_wav_bytes(rendered: Rendered) -> bytes:
    """16-bit mono PCM WAV bytes of ``rendered`` (32 KB per second at 16 kHz).

    Example: ``to_wav_bytes(render(piece))[:4]`` -> ``b"RIFF"``
    """
    pcm = np.clip(rendered.samples, -1.0, 1.0)
    pcm = (pcm * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rendered.sample_rate)
        wav.writeframes(pcm.tobytes())
    return buffer.getvalue()


# --- the player in the notebook ------------------------------------------------

@dataclass
class Player:
    """What ``play`` returns. Jupyter shows ``html``; ``message`` says what happened."""

    html: str = field(repr=False)
    message: str
    backend: str = None  # None when nothing was played
    rendered: Rendered = field(default=None, repr=False)
    filename: str = ""   # the name of the MIDI download, e.g. "jig.mid"

    def _repr_html_(self):
        return self.html


def _data_uri(mime, data):
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _midi_link(seq, filename):
    """A link that downloads ``seq`` as ``filename`` ('' if it cannot be written)."""
    try:
        data = sequence_to_midi_bytes(seq)
    except Exception:
        return ""
    filename = html.escape(filename)
    return f'<a download="{filename}" href="{_data_uri("audio/midi", data)}">Download {filename}</a>'


def _box(*parts):
    return '<div class="course-player">' + "".join(f"<div>{p}</div>" for p in parts if p) + "</div>"


def _failure_html(err, link):
    items = "".join(f"<li><b>{html.escape(name)}</b>: {html.escape(why)}</li>"
                    for name, why in err.reasons)
    return _box("<b>No sound:</b> no audio backend could play this piece.",
                f"<ul>{items}</ul>", "You can still download the MIDI and play it elsewhere.", link)


def _download_name(piece, seq, name):
    """The download's file name: ``name``, else the file's or the sequence's name, made safe."""
    if name is None and isinstance(piece, (str, os.PathLike)):
        name = Path(piece).stem
    elif name is None:
        name = Path(seq.filename).stem or "piece"
    return safe_filename(name) + ".mid"


def _played_message(rendered, max_seconds):
    message = (f"played with {DESCRIPTIONS[rendered.backend]} "
               f"({rendered.seconds:.1f} s of audio)")
    if rendered.cut_at is not None:
        message += (f"; only the first {_clock(rendered.cut_at)} of this "
                    f"{_clock(rendered.piece_seconds)} piece: playback stops at "
                    f"max_seconds={max_seconds:g} or {MAX_NOTES:,} notes; "
                    "the download has the whole piece")
    return message


def play(piece, backend: str | None = None, name: str | None = None,
         max_seconds: float = MAX_SECONDS) -> Player:
    """An audio player for ``piece`` (a NoteSequence or MIDI path), to show in a notebook.

    Never raises for playback problems (unreadable file, no notes, no working
    backend): it shows what went wrong instead, and offers the MIDI download
    whenever there is a piece. The download is ``name.mid`` (made safe with
    :func:`helpers.filenames.safe_filename`); without a name, the file's or
    the sequence's name, else ``piece.mid``. At most ``max_seconds`` of music
    are rendered (see :func:`playable_part`); the player says when the piece
    was cut. An unknown ``backend`` name or a bad ``max_seconds`` is a ValueError.
    Example: ``play(load_midi(example("twinkle.mid")), name="twinkle")``
    """
    _backend_order(backend)  # check the arguments first: a typo should be loud
    _check_max_seconds(max_seconds)
    try:
        seq = _as_sequence(piece)
    except (ReadError, TypeError) as err:
        return Player(_box(f"<b>Cannot play:</b> {html.escape(str(err))}"), str(err))
    filename = _download_name(piece, seq, name)
    link = _midi_link(seq, filename)
    try:
        rendered = render(seq, backend=backend, max_seconds=max_seconds)
    except PlaybackError as err:
        return Player(_failure_html(err, link), str(err), filename=filename)
    except ValueError as err:  # no notes, or none before the cut
        return Player(_box(html.escape(str(err)), link), str(err), filename=filename)
    message = _played_message(rendered, max_seconds)
    audio = f'<audio controls src="{_data_uri("audio/wav", to_wav_bytes(rendered))}"></audio>'
    others = "".join(f"<li>{html.escape(n)}: {html.escape(why)}</li>" for n, why in rendered.skipped)
    details = f"<details><summary>other backends</summary><ul>{others}</ul></details>" if others else ""
    return Player(_box(audio, html.escape(message), link, details), message,
                  rendered.backend, rendered, filename)


@dataclass
class Players:
    """What ``play_all`` returns: labelled players side by side (they wrap into a grid)."""

    players: list
    labels: list

    @property
    def html(self) -> str:
        """The players as one block of plain HTML (no widgets), for Jupyter and Colab.

        Example: ``"<audio" in play_all([a, b], ["a", "b"]).html`` -> ``True``
        """
        cells = "".join(
            '<div style="flex:0 1 340px;border:1px solid #ccc;border-radius:6px;padding:6px">'
            f"<div><b>{html.escape(label)}</b></div>{player.html}</div>"
            for label, player in zip(self.labels, self.players))
        return f'<div class="course-players" style="display:flex;flex-wrap:wrap;gap:10px">{cells}</div>'

    @property
    def message(self) -> str:
        """One line per piece: its label and what its player says.

        Example: ``print(play_all([a, b], ["a", "b"]).message)``
        """
        return "\n".join(f"{label}: {player.message}"
                         for label, player in zip(self.labels, self.players))

    def _repr_html_(self):
        return self.html


def play_all(pieces: list, labels: list | None = None, backend: str | None = None,
             max_seconds: float = MAX_SECONDS) -> Players:
    """Players for several pieces side by side, each under its label, to compare them by ear.

    Each player is :func:`play` of one piece, and its download is named after
    its label (made safe; repeated labels get ``-2``, ``-3``, ...). Without
    labels, the pieces are called "piece 1", "piece 2", ... . Each piece has
    its own ``max_seconds``. The row is plain HTML with the sound and the MIDI
    inside (base64): it works in JupyterLab and in Colab, no widgets needed.
    Example: ``play_all([cold, hot], ["temperature 0.5", "temperature 1.5"])``
    """
    if is_sequence(pieces) or isinstance(pieces, (str, os.PathLike)):
        raise TypeError("play_all needs a list of pieces; to play one piece, use play(piece)")
    pieces = list(pieces)
    labels = [f"piece {i}" for i in range(1, len(pieces) + 1)] if labels is None else [
        str(label) for label in labels]
    if len(labels) != len(pieces):
        raise ValueError(f"play_all got {len(pieces)} pieces but {len(labels)} labels; "
                         "give one label per piece")
    names = unique_filenames(labels)
    players = [play(piece, backend=backend, name=name, max_seconds=max_seconds)
               for piece, name in zip(pieces, names)]
    return Players(players, labels)
