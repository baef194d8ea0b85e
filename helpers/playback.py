"""Listen to a piece in the notebook: playback that is never silent.

``play(piece)`` shows an audio player, a line saying how the sound was made,
and a link to download the piece as MIDI. It never fails quietly: when there
is nothing to play, or no way to make sound, it says so and says how to fix it.
Lessons 0 and 1 use it (``notebooks/easy/00_getting_started.ipynb`` and
``notebooks/easy/01_midi_and_notes.ipynb``), and every later lesson plays its
generated pieces with it.

A NoteSequence holds notes, not sound, so it has to be rendered (synthesized)
first. Three backends can do this; the first one that works is used:

1. ``"fluidsynth"``: FluidSynth through pretty_midi, with the General MIDI
   SoundFont ``TimGM6mb.sf2`` that ships with pretty_midi. Needs a system
   library and the pyfluidsynth package, so it is often missing.
2. ``"midirenderer"``: a pip-installable SoundFont renderer, same SoundFont.
3. ``"numpy"``: a tiny synthesizer written below in numpy (a few harmonics
   per note, noise bursts for drums). It sounds plain but always works.

Set the environment variable ``COURSE_AUDIO_BACKEND`` (or pass ``backend=``)
to try one backend first. The audio is mono 16-bit WAV at 16 kHz, embedded in
the notebook: about 32 KB per second of music.
"""

import base64
import html
import importlib.util
import io
import os
import sys
import wave
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from helpers.errors import ReadError
from helpers.notes import as_sequence, note_seq, sequence_to_midi_bytes

BACKENDS = ("fluidsynth", "midirenderer", "numpy")
ENV_VAR = "COURSE_AUDIO_BACKEND"
SOUNDFONT = "TimGM6mb.sf2"
NO_NOTES = "This piece has no notes, so there is nothing to play."
DESCRIPTIONS = {
    "fluidsynth": f"FluidSynth + {SOUNDFONT}",
    "midirenderer": f"midirenderer + {SOUNDFONT}",
    "numpy": "the course's numpy synthesizer (simple tones, no SoundFont)",
}


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

    @property
    def seconds(self):
        return len(self.samples) / self.sample_rate


# --- which backends work here ------------------------------------------------

def _in_colab():
    return "google.colab" in sys.modules


def _soundfont_path():
    """Path of TimGM6mb.sf2 inside the pretty_midi package, or None (no import needed)."""
    spec = importlib.util.find_spec("pretty_midi")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / SOUNDFONT
    return path if path.exists() else None


@lru_cache(maxsize=1)
def _soundfont_bytes():
    """The SoundFont's bytes, read once (about 6 MB)."""
    return _soundfont_path().read_bytes()


def _fluidsynth_status():
    import ctypes.util

    if _in_colab():
        fix = "run `!apt-get install -y fluidsynth` and `!pip install pyfluidsynth`, then restart the session"
    else:
        fix = ("run `sudo apt-get install libfluidsynth3 && pip install pyfluidsynth` "
               "(macOS: `brew install fluid-synth && pip install pyfluidsynth`)")
    if ctypes.util.find_library("fluidsynth") is None:
        return False, f"the FluidSynth system library is not installed; to use it, {fix}"
    try:
        import fluidsynth  # noqa: F401  (the pyfluidsynth package)
    except Exception as err:  # ImportError, or OSError from a broken library
        return False, f"the Python package pyfluidsynth does not import ({err}); to use it, {fix}"
    if _soundfont_path() is None:
        return False, f"{SOUNDFONT} was not found in the pretty_midi package; reinstall pretty_midi"
    return True, "FluidSynth and pyfluidsynth are installed"


def _midirenderer_status():
    fix = "`!pip install midirenderer`" if _in_colab() else "`pip install midirenderer`"
    try:
        import midirenderer  # noqa: F401
    except Exception as err:
        return False, f"the package midirenderer does not import ({err}); to use it, run {fix}"
    if _soundfont_path() is None:
        return False, f"{SOUNDFONT} was not found in the pretty_midi package; reinstall pretty_midi"
    return True, "midirenderer is installed"


def available_backends():
    """A list of (name, available, reason) for the three backends, in the order tried."""
    statuses = [_fluidsynth_status(), _midirenderer_status(), (True, "numpy is always there")]
    return [(name, ok, reason) for name, (ok, reason) in zip(BACKENDS, statuses)]


def _backend_order(backend):
    """Backends to try: the chosen one (argument, else COURSE_AUDIO_BACKEND) first."""
    choice = (backend or os.environ.get(ENV_VAR, "")).strip().lower()
    if not choice:
        return list(BACKENDS)
    if choice not in BACKENDS:
        raise ValueError(f"Unknown audio backend {choice!r}; the backends are: {', '.join(BACKENDS)}")
    return [choice] + [name for name in BACKENDS if name != choice]


# --- the three renderers: each returns (samples, sample_rate) ------------------

def _render_fluidsynth(seq, sample_rate):
    pm = note_seq().midi_io.note_sequence_to_pretty_midi(seq)
    return pm.fluidsynth(fs=sample_rate, sf2_path=str(_soundfont_path())), sample_rate


def _render_midirenderer(seq, sample_rate):
    import midirenderer

    wav = midirenderer.render_wave_from(_soundfont_bytes(), sequence_to_midi_bytes(seq))
    return _read_wav(bytes(wav))  # stereo, 16-bit, 48 kHz


def _read_wav(data):
    """(samples with shape (frames, channels), sample_rate) from 16-bit WAV bytes."""
    with wave.open(io.BytesIO(data)) as wav:
        rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
        frames = wav.readframes(wav.getnframes())
    if width != 2:
        raise ValueError(f"expected 16-bit WAV, got {8 * width}-bit")
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
    return samples.reshape(-1, channels), rate


HARMONICS = np.array([1.0, 0.5, 0.3, 0.15])  # loudness of partials 1, 2, 3, 4
ATTACK, RELEASE = 0.01, 0.15  # seconds
DRUM_SECONDS = 0.3
CYMBALS = {42, 44, 46, 49, 51, 52, 53, 55, 57, 59}  # hi-hats and cymbals ring longer


def _render_numpy(seq, sample_rate):
    """Add up one short sound per note: a tone, or a noise burst for drums."""
    end = max(note.end_time for note in seq.notes)
    out = np.zeros(int((end + RELEASE) * sample_rate) + 1)
    rng = np.random.default_rng(0)  # the same noise every time
    for note in seq.notes:
        sound = _drum_hit(note, sample_rate, rng) if note.is_drum else _tone(note, sample_rate)
        start = int(note.start_time * sample_rate)
        sound = sound[: len(out) - start]
        out[start:start + len(sound)] += sound
    return out, sample_rate


def _tone(note, sample_rate):
    """A pitched note: a few harmonics, a quick attack, a fade, a short release."""
    length = max(note.end_time - note.start_time, 0.0)
    t = np.arange(int((length + RELEASE) * sample_rate)) / sample_rate
    freq = 440.0 * 2 ** ((note.pitch - 69) / 12)
    k = np.arange(1, len(HARMONICS) + 1)
    amps = np.where(freq * k < sample_rate / 2, HARMONICS, 0.0)  # no partials above Nyquist
    wave_ = amps @ np.sin(2 * np.pi * freq * np.outer(k, t))
    envelope = np.minimum(t / ATTACK, 1.0) * (0.4 + 0.6 * np.exp(-3.0 * t))
    envelope *= np.clip(1.0 - (t - length) / RELEASE, 0.0, 1.0)
    return (note.velocity / 127) * envelope * wave_


def _drum_hit(note, sample_rate, rng):
    """A drum: white noise that dies away; kick drums (35, 36) add a low thump."""
    t = np.arange(int(DRUM_SECONDS * sample_rate)) / sample_rate
    decay = 0.08 if note.pitch in CYMBALS else 0.04
    sound = 0.6 * rng.uniform(-1.0, 1.0, len(t)) * np.exp(-t / decay)
    if note.pitch in (35, 36):
        sound += np.sin(2 * np.pi * 60 * t) * np.exp(-t / 0.08)
    return (note.velocity / 127) * sound


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


def normalize(samples, target_rms=0.2, peak=0.9):
    """Scale to a comfortable loudness (RMS ``target_rms``) without peaks above ``peak``."""
    top = float(np.max(np.abs(samples))) if len(samples) else 0.0
    if top == 0.0:
        return samples
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return (samples * min(target_rms / rms, peak / top)).astype(np.float32)


def _render_with(name, seq, sample_rate):
    if name == "fluidsynth":
        return _render_fluidsynth(seq, sample_rate)
    if name == "midirenderer":
        return _render_midirenderer(seq, sample_rate)
    return _render_numpy(seq, sample_rate)


def render(piece, backend=None, sample_rate=16000):
    """Synthesize ``piece`` (a NoteSequence or MIDI path) into mono audio.

    ``backend`` (or ``COURSE_AUDIO_BACKEND``) names the backend to try first;
    if it is unavailable or fails, the next one is tried and the reason is
    kept in ``Rendered.skipped``. Raises ValueError for an unknown backend or
    a piece with no notes, ReadError for an unreadable file, and
    PlaybackError when no backend works.
    """
    order = _backend_order(backend)
    seq = _as_sequence(piece)
    if not seq.notes:
        raise ValueError(NO_NOTES)
    status = {name: (ok, reason) for name, ok, reason in available_backends()}
    skipped = []
    for name in order:
        ok, reason = status[name]
        if not ok:
            skipped.append((name, reason))
            continue
        try:
            samples, rate = _render_with(name, seq, sample_rate)
            samples = _resample(_to_mono(samples), rate, sample_rate)
        except Exception as err:  # a backend failing must not stop playback
            skipped.append((name, f"it failed while rendering ({type(err).__name__}: {err})"))
            continue
        if len(samples) == 0 or np.max(np.abs(samples)) < 1e-6:
            skipped.append((name, "it produced only silence"))
            continue
        return Rendered(normalize(samples), sample_rate, name, skipped)
    raise PlaybackError(skipped)


def to_wav_bytes(rendered):
    """16-bit mono PCM WAV bytes of ``rendered`` (32 KB per second at 16 kHz)."""
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

    def _repr_html_(self):
        return self.html


def _data_uri(mime, data):
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _midi_link(seq, name):
    """A link that downloads ``seq`` as ``name.mid`` ('' if it cannot be written)."""
    try:
        data = sequence_to_midi_bytes(seq)
    except Exception:
        return ""
    filename = html.escape(f"{name}.mid")
    return f'<a download="{filename}" href="{_data_uri("audio/midi", data)}">Download {filename}</a>'


def _box(*parts):
    return '<div class="course-player">' + "".join(f"<div>{p}</div>" for p in parts if p) + "</div>"


def _failure_html(err, link):
    items = "".join(f"<li><b>{html.escape(name)}</b>: {html.escape(why)}</li>"
                    for name, why in err.reasons)
    return _box("<b>No sound:</b> no audio backend could play this piece.",
                f"<ul>{items}</ul>", "You can still download the MIDI and play it elsewhere.", link)


def play(piece, backend=None, name="piece"):
    """An audio player for ``piece`` (a NoteSequence or MIDI path), to show in a notebook.

    Never raises for playback problems (unreadable file, no notes, no working
    backend): it shows what went wrong instead, and offers the MIDI download
    whenever there is a piece. An unknown ``backend`` name is a ValueError.
    """
    _backend_order(backend)  # check the name first: a typo should be loud
    try:
        seq = _as_sequence(piece)
    except (ReadError, TypeError) as err:
        return Player(_box(f"<b>Cannot play:</b> {html.escape(str(err))}"), str(err))
    link = _midi_link(seq, name)
    if not seq.notes:
        return Player(_box(html.escape(NO_NOTES), link), NO_NOTES)
    try:
        rendered = render(seq, backend=backend)
    except PlaybackError as err:
        return Player(_failure_html(err, link), str(err))
    message = f"played with {DESCRIPTIONS[rendered.backend]} ({rendered.seconds:.1f} s of audio)"
    audio = f'<audio controls src="{_data_uri("audio/wav", to_wav_bytes(rendered))}"></audio>'
    others = "".join(f"<li>{html.escape(n)}: {html.escape(why)}</li>" for n, why in rendered.skipped)
    details = f"<details><summary>other backends</summary><ul>{others}</ul></details>" if others else ""
    return Player(_box(audio, html.escape(message), link, details), message,
                  rendered.backend, rendered)
