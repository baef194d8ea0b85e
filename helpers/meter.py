"""Where the bars and beats of a piece fall: the grid that a piano roll draws.

Times here are quarter notes from the start of the piece (MIDI's beats; see
:mod:`helpers.music`). The rules are those of the positions tokenizer of
lesson 3, so that the piano roll and the tokens show the same bars:

* bars start at time 0 and last numerator * 4 / denominator quarter notes
  (4/4 and 2/2: 4, 3/4 and 6/8: 3, 5/8: 2.5), as
  ``helpers.tokenizers.positions.bar_length`` counts them;
* a time signature's time is put on the 16th-note grid (as the tokenizers
  put it), and the new meter starts at the first bar line at or after it: a
  change in the middle of a bar waits for the next bar, as in
  ``PositionTokenizer.bar_lines``;
* before the first time signature the piece is in that signature's meter,
  and a piece with none is in 4/4 (MIDI's default);
* a time signature that is no meter (a numerator or denominator below 1, or a
  bar shorter than a 64th note) is ignored.

The course's corpus puts the pickup (upbeat) of a tune that opens with one at
the end of bar 0, so that its first full bar is bar 1: a piano roll then
shows the pickup as the last notes before the second bar line.

Beats: one per denominator unit in simple meters (a quarter in 3/4, a half
in 2/2, an eighth in 5/8), one per dotted unit in compound meters, whose
numerator is a multiple of 3 above 3 (a dotted quarter in 6/8, 9/8 and
12/8; a dotted half in 6/4).

Used by :mod:`helpers.pianoroll`.
"""

import math

import numpy as np

from helpers.tokenizers.grid import meter_steps

SHORTEST_BAR = 1 / 16  # quarter notes: a 64th note; a meter with shorter bars is ignored


def bar_length(numerator: int, denominator: int) -> float:
    """Quarter notes in one bar of ``numerator``/``denominator``.

    Example: ``bar_length(6, 8)`` -> ``3.0``
    """
    return numerator * 4 / denominator


def beat_length(numerator: int, denominator: int) -> float:
    """Quarter notes in one beat: the denominator's unit, dotted in compound meters.

    Example: ``beat_length(6, 8)`` -> ``1.5`` (a dotted quarter); ``beat_length(3, 4)`` -> ``1.0``
    """
    unit = 4 / denominator
    compound = numerator % 3 == 0 and numerator > 3
    return 3 * unit if compound else unit


def meter_changes(seq) -> list[tuple[float, int, int]]:
    """``[(quarter note, numerator, denominator), ...]``: the piece's time signatures in time order.

    Their times are put on the 16th-note grid; signatures that are no meter are
    left out; a piece with none gets 4/4 from time 0.
    Example: ``meter_changes(new_sequence(numerator=3, denominator=4))`` -> ``[(0.0, 3, 4)]``
    """
    changes = [(step / 4, numerator, denominator)
               for step, numerator, denominator in meter_steps(seq, 4)
               if numerator >= 1 and denominator >= 1
               and bar_length(numerator, denominator) >= SHORTEST_BAR]
    return changes or [(0.0, 4, 4)]


def bar_lines(seq, end: float) -> list[tuple[float, int, int]]:
    """``[(start, numerator, denominator), ...]`` for every bar that starts before ``end``.

    ``start`` and ``end`` are quarter notes from the start of the piece; a
    bar's meter is the last time signature at or before its start.
    Example: ``bar_lines(waltz, 7.0)`` -> ``[(0.0, 3, 4), (3.0, 3, 4), (6.0, 3, 4)]``
    """
    changes = meter_changes(seq)
    _, numerator, denominator = changes[0]
    bars, start, i = [], 0.0, 0
    while start < end:
        while i < len(changes) and changes[i][0] <= start + 1e-9:
            _, numerator, denominator = changes[i]
            i += 1
        bars.append((start, numerator, denominator))
        start += bar_length(numerator, denominator)
    return bars


def beat_lines(bars: list[tuple[float, int, int]], end: float = math.inf) -> np.ndarray:
    """The beats inside ``bars`` (as :func:`bar_lines` gives them), without the bar lines, up to ``end``.

    Example: ``beat_lines([(0.0, 6, 8), (3.0, 6, 8)])`` -> ``array([1.5, 4.5])``
    """
    beats = []
    for start, numerator, denominator in bars:
        length, beat = bar_length(numerator, denominator), beat_length(numerator, denominator)
        count = math.ceil(length / beat - 1e-9)  # beats in the bar, the first on the bar line
        beats.extend(start + k * beat for k in range(1, count))
    beats = np.array(beats, dtype=float)
    return beats[beats <= end]
