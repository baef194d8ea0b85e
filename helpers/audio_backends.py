"""The three ways the course turns notes into sound, and which of them work here.

:mod:`helpers.playback` tries them in this order and uses the first that works:

1. ``"fluidsynth"``: FluidSynth through pretty_midi, with the General MIDI
   SoundFont ``TimGM6mb.sf2`` that ships with pretty_midi. Needs a system
   library and the pyfluidsynth package, so it is often missing.
2. ``"midirenderer"``: a pip-installable SoundFont renderer, same SoundFont.
   It renders at 48 kHz stereo and asks for the whole buffer at once (192 KB
   per second of music), so it must only be given a piece cut to the budget.
3. ``"numpy"``: the course's own synthesizer (:mod:`helpers.synth`). It
   sounds plain but always works.

Each renderer takes a NoteSequence and returns ``(samples, sample_rate)``.
"""

import importlib.util
import io
import sys
import wave
from functools import lru_cache
from pathlib import Path

import numpy as np

from helpers.notes import note_seq, sequence_to_midi_bytes
from helpers.synth import synthesize

BACKENDS = ("fluidsynth", "midirenderer", "numpy")
SOUNDFONT = "TimGM6mb.sf2"
DESCRIPTIONS = {
    "fluidsynth": f"FluidSynth + {SOUNDFONT}",
    "midirenderer": f"midirenderer + {SOUNDFONT}",
    "numpy": "the course's numpy synthesizer (simple tones, no SoundFont)",
}
TAIL_SECONDS = 0.5    # sound kept after the last note ends: its release


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


def available_backends() -> list[tuple[str, bool, str]]:
    """A list of (name, available, reason) for the three backends, in the order tried.

    Example: ``available_backends()[2]`` -> ``("numpy", True, "numpy is always there")``
    """
    statuses = [_fluidsynth_status(), _midirenderer_status(), (True, "numpy is always there")]
    return [(name, ok, reason) for name, (ok, reason) in zip(BACKENDS, statuses)]


# --- the three renderers: each returns (samples, sample_rate) ------------------

def _render_fluidsynth(seq, sample_rate):
    pm = note_seq().midi_io.note_sequence_to_pretty_midi(seq)
    return pm.fluidsynth(fs=sample_rate, sf2_path=str(_soundfont_path())), sample_rate


def _render_midirenderer(seq, sample_rate):
    import midirenderer

    # midirenderer stops at the file's last event, cutting the last notes'
    # release; a tempo mark (the same tempo) a moment later lets them ring.
    with_tail = type(seq)()
    with_tail.CopyFrom(seq)
    qpm = max(seq.tempos, key=lambda tempo: tempo.time).qpm if seq.tempos else 120.0
    last_note_end = max(note.end_time for note in seq.notes)
    with_tail.tempos.add(time=last_note_end + TAIL_SECONDS, qpm=qpm)
    wav = midirenderer.render_wave_from(_soundfont_bytes(), sequence_to_midi_bytes(with_tail))
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


def render_with(name: str, seq, sample_rate: int = 16000) -> tuple[np.ndarray, int]:
    """Render ``seq`` with the backend called ``name``: ``(samples, their sample rate)``.

    Samples have shape (frames,) or (frames, channels); the rate may differ
    from ``sample_rate`` (midirenderer always gives 48 kHz stereo). Errors are
    the backend's own: :func:`helpers.playback.render` catches them.
    Example: ``render_with("numpy", seq, 16000)[1]`` -> ``16000``
    """
    if name == "fluidsynth":
        return _render_fluidsynth(seq, sample_rate)
    if name == "midirenderer":
        return _render_midirenderer(seq, sample_rate)
    return synthesize(seq, sample_rate), sample_rate
