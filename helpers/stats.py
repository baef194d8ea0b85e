"""Simple statistics of generated and real music (lesson 4; lesson 11 adds more).

Each function takes one NoteSequence or a list of them and pools the notes.
"""

import numpy as np

from helpers.notes import is_sequence


def _pieces(pieces):
    return [pieces] if is_sequence(pieces) else list(pieces)


def _melody(piece):
    """The pitched notes in time order (onset, then pitch)."""
    return sorted((n for n in piece.notes if not n.is_drum), key=lambda n: (n.start_time, n.pitch))


def pitch_class_histogram(pieces) -> np.ndarray:
    """Share of notes on each pitch class C, C#, ..., B: 12 numbers summing to 1 (0s if no notes).

    ``pieces`` is one NoteSequence or a list of them (their notes are pooled); drums are skipped.
    Example: ``pitch_class_histogram(tune)[0]`` -> the share of C's
    """
    counts = np.zeros(12)
    for piece in _pieces(pieces):
        for note in _melody(piece):
            counts[note.pitch % 12] += 1
    return counts / max(counts.sum(), 1)


def interval_histogram(pieces, span: int = 12) -> np.ndarray:
    """Share of steps between consecutive notes by size, from -span to +span semitones.

    Larger leaps count at the ends (-span and +span). Returns 2 * span + 1 numbers.
    Example: ``interval_histogram(tune)[12]`` -> the share of repeated notes (step 0)
    """
    counts = np.zeros(2 * span + 1)
    for piece in _pieces(pieces):
        pitches = [n.pitch for n in _melody(piece)]
        for a, b in zip(pitches, pitches[1:]):
            counts[int(np.clip(b - a, -span, span)) + span] += 1
    return counts / max(counts.sum(), 1)
