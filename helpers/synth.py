"""The course's own synthesizer: notes to sound in a few lines of numpy.

:mod:`helpers.playback` uses it when no SoundFont renderer works. Each
pitched note is a tone of a few harmonics with a quick attack, a fade and a
short release; each drum hit is a burst of noise that dies away (kick drums
add a low thump). It sounds plain, but it always works and shows how little
a synthesizer needs.
"""

import numpy as np

HARMONICS = np.array([1.0, 0.5, 0.3, 0.15])  # loudness of partials 1, 2, 3, 4
ATTACK, RELEASE = 0.01, 0.15  # seconds
DRUM_SECONDS = 0.3
CYMBALS = {42, 44, 46, 49, 51, 52, 53, 55, 57, 59}  # hi-hats and cymbals ring longer
KICKS = (35, 36)


def synthesize(seq, sample_rate: int = 16000) -> np.ndarray:
    """Mono audio of every note in ``seq``: one short sound per note, added up.

    The audio lasts until the last note ends, plus the release. Memory grows
    with that length (8 bytes a sample), so :mod:`helpers.playback` cuts long
    pieces first.
    Example: ``synthesize(seq, 16000).shape`` -> ``(16000 * seconds,)`` roughly
    """
    end = max(note.end_time for note in seq.notes)
    out = np.zeros(int((end + RELEASE) * sample_rate) + 1)
    rng = np.random.default_rng(0)  # the same noise every time
    for note in seq.notes:
        sound = drum_hit(note, sample_rate, rng) if note.is_drum else tone(note, sample_rate)
        start = int(note.start_time * sample_rate)
        sound = sound[: len(out) - start]
        out[start:start + len(sound)] += sound
    return out


def tone(note, sample_rate: int) -> np.ndarray:
    """A pitched note: a few harmonics, a quick attack, a fade, a short release.

    Example: ``len(tone(note, 16000))`` -> samples for the note's length plus 0.15 s
    """
    length = max(note.end_time - note.start_time, 0.0)
    t = np.arange(int((length + RELEASE) * sample_rate)) / sample_rate
    freq = 440.0 * 2 ** ((note.pitch - 69) / 12)
    k = np.arange(1, len(HARMONICS) + 1)
    amps = np.where(freq * k < sample_rate / 2, HARMONICS, 0.0)  # no partials above Nyquist
    wave = amps @ np.sin(2 * np.pi * freq * np.outer(k, t))
    envelope = np.minimum(t / ATTACK, 1.0) * (0.4 + 0.6 * np.exp(-3.0 * t))
    envelope *= np.clip(1.0 - (t - length) / RELEASE, 0.0, 1.0)
    return (note.velocity / 127) * envelope * wave


def drum_hit(note, sample_rate: int, rng: np.random.Generator) -> np.ndarray:
    """A drum: white noise that dies away; kick drums (35, 36) add a low thump.

    Example: ``len(drum_hit(note, 16000, np.random.default_rng(0)))`` -> ``4800`` (0.3 s)
    """
    t = np.arange(int(DRUM_SECONDS * sample_rate)) / sample_rate
    decay = 0.08 if note.pitch in CYMBALS else 0.04
    sound = 0.6 * rng.uniform(-1.0, 1.0, len(t)) * np.exp(-t / decay)
    if note.pitch in KICKS:
        sound += np.sin(2 * np.pi * 60 * t) * np.exp(-t / 0.08)
    return (note.velocity / 127) * sound
