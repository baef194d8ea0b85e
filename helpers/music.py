"""Music basics on NoteSequences: pitch names, beats and seconds, tempo maps, and edits.

These are the reference versions of what lesson 1 ("MIDI and notes") asks
learners to write: the checks in ``helpers.check`` compare a learner's answer
with them. Every edit returns a new sequence and leaves its input unchanged.

Times in a NoteSequence are seconds; music is counted in beats. Here a
"beat" is a quarter note, the unit of MIDI's tempo (``qpm``, quarter notes
per minute), whatever the meter: a bar of 6/8 lasts three of them, a bar of
2/2 four. :class:`TempoMap` converts between seconds and quarter notes
following every tempo change of a piece, and :func:`grid_span` is the one
rule for putting a note on a grid (lesson 1's quantize, every tokenizer of
lesson 3, the melody keys of lesson 2).
"""

import copy
import math

import numpy as np

from helpers.notes import add_note, new_sequence

PITCH_CLASSES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
_LETTERS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def pitch_name(pitch: int) -> str:
    """MIDI pitch number to name, with middle C (60) as "C4"; the octave number goes up at every C.

    Example: ``pitch_name(61)`` -> ``"C#4"``; ``pitch_name(21)`` -> ``"A0"``
    """
    if not 0 <= pitch <= 127:
        raise ValueError(f"a MIDI pitch is 0..127, not {pitch}")
    return f"{PITCH_CLASSES[pitch % 12]}{pitch // 12 - 1}"


def pitch_number(name: str) -> int:
    """Note name to MIDI number; sharps ``#`` and flats ``b``, any octave from -1.

    Example: ``pitch_number("Bb3")`` -> ``58``; ``pitch_number("C-1")`` -> ``0``
    """
    text = name.strip()
    letter, rest = text[:1].upper(), text[1:]
    if letter not in _LETTERS:
        raise ValueError(f"{name!r} does not start with a note letter A-G")
    shift = 0
    while rest[:1] in ("#", "b"):
        shift += 1 if rest[0] == "#" else -1
        rest = rest[1:]
    try:
        octave = int(rest)
    except ValueError:
        raise ValueError(f"{name!r} does not end with an octave number, e.g. 'C4'") from None
    pitch = 12 * (octave + 1) + _LETTERS[letter] + shift
    if not 0 <= pitch <= 127:
        raise ValueError(f"{name!r} is outside the MIDI range 0..127")
    return pitch


def seconds_to_beats(seconds: float, qpm: float) -> float:
    """Seconds to beats (quarter notes) at one tempo of ``qpm`` quarter notes per minute.

    For a piece whose tempo changes, use :class:`TempoMap`.
    Example: ``seconds_to_beats(1.5, 120)`` -> ``3.0``
    """
    return seconds * qpm / 60.0


def beats_to_seconds(beats: float, qpm: float) -> float:
    """Beats (quarter notes) to seconds at one tempo of ``qpm`` quarter notes per minute.

    Example: ``beats_to_seconds(3, 90)`` -> ``2.0``
    """
    return beats * 60.0 / qpm


DEFAULT_QPM = 120.0  # the MIDI standard's tempo when a file sets none


def tempo(seq) -> float:
    """The sequence's first tempo in quarter notes per minute (120 if it has none).

    Example: ``tempo(melody([60], qpm=90))`` -> ``90.0``
    """
    return seq.tempos[0].qpm if len(seq.tempos) else DEFAULT_QPM


class TempoMap:
    """Seconds <-> quarter notes for one piece, following every tempo change.

    Before the first tempo event (or with none) the tempo is 120 qpm, as in
    MIDI; tempos that are not a positive, finite number are ignored. Both
    directions take a number or a numpy array.

    Example: ``TempoMap(seq).beats(2.0)`` -> ``4.0`` at 120 qpm; ``TempoMap(seq).seconds(4.0)`` -> ``2.0``
    """

    def __init__(self, seq):
        """Read the tempo changes of ``seq`` (a NoteSequence)."""
        # in time order; of two tempos at the same time the later one in the file counts
        changes = sorted(((t.time, t.qpm) for t in seq.tempos
                          if t.qpm > 0 and math.isfinite(t.qpm) and t.time >= 0),
                         key=lambda change: change[0])
        if not changes or changes[0][0] > 0:
            changes.insert(0, (0.0, DEFAULT_QPM))
        self.times = np.array([time for time, _ in changes], dtype=float)
        self.qpms = np.array([qpm for _, qpm in changes], dtype=float)
        # quarter notes elapsed at each change: seconds in each segment x quarters per second
        self.starts = np.concatenate([[0.0], np.cumsum(np.diff(self.times) * self.qpms[:-1] / 60.0)])

    def beats(self, seconds):
        """Quarter notes elapsed at ``seconds`` (a number or an array).

        Example: ``TempoMap(seq).beats([0.0, 0.5])`` -> ``array([0., 1.])`` at 120 qpm
        """
        seconds = np.asarray(seconds, dtype=float)
        segment = np.clip(np.searchsorted(self.times, seconds, side="right") - 1, 0, None)
        result = self.starts[segment] + (seconds - self.times[segment]) * self.qpms[segment] / 60.0
        return float(result) if result.ndim == 0 else result

    def seconds(self, beats):
        """Seconds at ``beats`` quarter notes (a number or an array).

        Example: ``TempoMap(seq).seconds(4.0)`` -> ``2.0`` at 120 qpm
        """
        beats = np.asarray(beats, dtype=float)
        segment = np.clip(np.searchsorted(self.starts, beats, side="right") - 1, 0, None)
        result = self.times[segment] + (beats - self.starts[segment]) * 60.0 / self.qpms[segment]
        return float(result) if result.ndim == 0 else result


def grid_span(start_beats, end_beats, steps_per_quarter: int = 4):
    """A note's start and end on a grid of ``steps_per_quarter`` steps per quarter note.

    The course's one rounding rule: both ends go to the nearest step, a note
    never starts before 0, and it keeps at least one step. Takes numbers or
    numpy arrays and returns whole numbers (numpy arrays for arrays).

    Example: ``grid_span(0.3, 0.32)`` -> ``(1, 2)``: 16th steps 1.2 -> 1, 1.28 -> 1, then at least one step
    """
    start = np.maximum(np.rint(np.asarray(start_beats, dtype=float) * steps_per_quarter), 0)
    end = np.maximum(np.rint(np.asarray(end_beats, dtype=float) * steps_per_quarter), start + 1)
    if start.ndim == 0:
        return int(start), int(end)
    return start.astype(np.int64), end.astype(np.int64)


def melody(pitches: list, beats: float | list = 1.0, qpm: float = 120.0, velocity: int = 80,
           program: int = 0):
    """Build a one-voice melody: one note per pitch, ``None`` for a rest.

    ``beats`` is one length for every note or a list with one length each.
    Lesson 1 writes this function from scratch.

    Example: ``melody([60, None, 64], beats=[1, 1, 2], qpm=60)`` -> C4 for 1 s, a rest, E4 for 2 s
    """
    lengths = [beats] * len(pitches) if isinstance(beats, (int, float)) else list(beats)
    if len(lengths) != len(pitches):
        raise ValueError(f"{len(pitches)} pitches but {len(lengths)} lengths")
    seq = new_sequence(qpm=qpm)
    time = 0.0
    for pitch, length in zip(pitches, lengths):
        duration = beats_to_seconds(length, qpm)
        if pitch is not None:
            add_note(seq, pitch, time, time + duration, velocity=velocity, program=program)
        time += duration
    seq.total_time = time
    return seq


def transpose(seq, semitones: int):
    """Shift every pitched note by ``semitones``; drum notes stay where they are.

    Raises ValueError if a note would leave the MIDI range 0..127.
    Example: ``transpose(tune, 7)`` -> the tune a fifth higher
    """
    out = copy.deepcopy(seq)
    for note in out.notes:
        if note.is_drum:
            continue
        new = note.pitch + semitones
        if not 0 <= new <= 127:
            raise ValueError(f"pitch {note.pitch} + {semitones} = {new} is outside 0..127")
        note.pitch = new
    return out


def stretch(seq, factor: float):
    """Make a piece ``factor`` times longer (factor 2 = half as fast).

    Every time (notes, tempos, time signatures, keys, total) is multiplied by
    ``factor`` and every tempo divided by it, so the beats stay the same.
    Example: ``stretch(tune, 2.0)`` -> the tune at half its tempo
    """
    if factor <= 0:
        raise ValueError(f"factor must be positive, not {factor}")
    out = copy.deepcopy(seq)
    for note in out.notes:
        note.start_time *= factor
        note.end_time *= factor
    for event in list(out.tempos) + list(out.time_signatures) + list(out.key_signatures):
        event.time *= factor
    for event in out.tempos:
        event.qpm /= factor
    out.total_time *= factor
    return out


def set_tempo(seq, qpm: float):
    """Play a (single-tempo) piece at a new tempo: ``stretch`` by old / new tempo.

    Example: ``set_tempo(tune, 60)`` -> the tune at 60 quarter notes per minute
    """
    return stretch(seq, tempo(seq) / qpm)


def quantize(seq, steps_per_quarter: int = 4):
    """Snap note starts and ends to a grid of ``steps_per_quarter`` steps per quarter note.

    The grid follows the piece's tempo changes (:class:`TempoMap`), and the
    rounding is :func:`grid_span`'s: a note never shrinks to nothing, it keeps
    at least one step. Lesson 1 uses a 16th-note grid (4 steps per quarter).

    Example: ``quantize(played, 4)`` -> the same notes, on 16th notes
    """
    out = copy.deepcopy(seq)
    if not len(out.notes):
        return out
    tempo_map = TempoMap(seq)
    starts = tempo_map.beats([n.start_time for n in out.notes])
    ends = tempo_map.beats([n.end_time for n in out.notes])
    start_steps, end_steps = grid_span(starts, ends, steps_per_quarter)
    new_starts = tempo_map.seconds(start_steps / steps_per_quarter)
    new_ends = tempo_map.seconds(end_steps / steps_per_quarter)
    for note, start, end in zip(out.notes, new_starts, new_ends):
        note.start_time, note.end_time = float(start), float(end)
    out.total_time = max([out.total_time] + [n.end_time for n in out.notes])
    return out


def summary(seq) -> dict:
    """A dict that describes a piece: notes, length, tempo, meter, instruments.

    Example: ``summary(tune)`` -> ``{"notes": 16, "seconds": 9.6, "qpm": 100.0, "meter": "4/4", ...}``
    """
    programs = sorted({(n.instrument, n.program, n.is_drum) for n in seq.notes})
    meter = (f"{seq.time_signatures[0].numerator}/{seq.time_signatures[0].denominator}"
             if len(seq.time_signatures) else "unknown")
    return {
        "notes": len(seq.notes),
        "seconds": round(seq.total_time, 2),
        "qpm": round(tempo(seq), 2),
        "meter": meter,
        "tracks": len(programs),
        "drums": any(is_drum for _, _, is_drum in programs),
        "lowest": pitch_name(min(n.pitch for n in seq.notes)) if seq.notes else None,
        "highest": pitch_name(max(n.pitch for n in seq.notes)) if seq.notes else None,
    }
