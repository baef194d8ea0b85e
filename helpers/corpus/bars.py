"""Pickups: put a piece's notes so that its bars start where its written bars start.

Tokenizers and the piano roll draw a bar line every bar of the piece's time
signature from time 0. A tune that opens with an upbeat (a pickup, or
anacrusis: ``G|c2e ...`` in 6/8) would have every bar line one upbeat early.
So the pickup is made the *end* of an incomplete bar 0: every note moves
later by the bar's length minus the pickup's, and the first full bar starts
on a bar line. The time signature stays at time 0.

The parsers give each piece's bar lines in ticks (abc2midi's own for ABC,
the measures for MusicXML); :func:`align_to_bars` reads the pickup from the
first one and counts the bar lines that still miss the regular grid after
the shift (a second part with its own pickup, bars longer or shorter than
the meter, inline meter changes, free meter): the notes stay where they are
written, and the table's ``bars_off_grid`` column says how many there are.
"""

import numpy as np

from helpers.corpus.layout import TPQ

TOLERANCE = 5  # ticks (1/96 of a quarter note): rounding of triplets is not a missed bar line


def bar_ticks(meter: str) -> int:
    """Ticks in one bar of ``meter``; no meter (``""``, free meter) is read as 4/4, like the NoteSequence.

    Example: ``bar_ticks("6/8")`` -> ``1440``
    """
    numerator, denominator = (int(part) for part in (meter or "4/4").split("/"))
    return numerator * 4 * TPQ // denominator


def pickup_ticks(bar_lines, bar: int) -> int:
    """The length of an incomplete first bar: the first bar line after time 0, if it comes before a full bar.

    Example: ``pickup_ticks([0, 240, 1680], 1440)`` -> ``240``
    """
    later = [int(line) for line in bar_lines if line > TOLERANCE]
    if not later or min(later) >= bar - TOLERANCE:
        return 0
    return min(later)


def inner_bar_lines(bar_lines, end: int) -> np.ndarray:
    """The bar lines after time 0 and before ``end`` (the end of the last note).

    Example: ``inner_bar_lines([0, 240, 1680, 3120], 3120).tolist()`` -> ``[240, 1680]``
    """
    lines = np.asarray(bar_lines, dtype=np.int64)
    return lines[(lines > TOLERANCE) & (lines < end - TOLERANCE)]


def bars_off_grid(bar_lines, bar: int, end: int) -> int:
    """How many bar lines strictly between 0 and ``end`` miss the grid of whole bars from 0.

    A bar line that only splits one bar of the grid in two does not count:
    the grid lines just before and after it are bar lines too, as where a
    repeat sign splits a 4/4 bar into 3 beats and a 1-beat upbeat.
    Example: ``bars_off_grid([1440, 2640, 4080], 1440, 5000)`` -> ``2``
    """
    lines = inner_bar_lines(bar_lines, end)

    def is_bar_line(at):
        return at <= 0 or at >= end or bool((np.abs(lines - at) <= TOLERANCE).any())

    count = 0
    for line in lines.tolist():
        offset = line % bar
        if offset <= TOLERANCE or offset >= bar - TOLERANCE:
            continue  # on the grid
        if is_bar_line(line - offset) and is_bar_line(line - offset + bar):
            continue  # it splits one bar of the grid in two
        count += 1
    return count


def align_to_bars(notes: dict, bar_lines, meter: str) -> tuple[dict, int, int]:
    """Move the notes so that a pickup fills the end of bar 0; count the bar lines still off the grid.

    ``notes`` has ``start`` and ``end`` arrays in ticks (480 per quarter);
    ``bar_lines`` are the piece's bar lines in the same ticks; ``meter`` is
    the table's (``""`` for free meter: no pickup then, as there is no
    downbeat to find). Returns ``(moved notes, pickup in ticks, bar lines off
    the grid)``.
    Example: ``align_to_bars(notes, [0, 240, 1680], "6/8")[1]`` -> ``240`` (an eighth-note pickup)
    """
    bar = bar_ticks(meter)
    pickup = pickup_ticks(bar_lines, bar) if meter else 0
    shift = bar - pickup if pickup else 0
    end = int(notes["end"].max()) if len(notes["end"]) else 0
    lines = np.asarray(bar_lines, dtype=np.int64)
    off_grid = bars_off_grid(lines[lines > TOLERANCE] + shift, bar, end + shift)
    moved = {**notes, "start": notes["start"] + shift, "end": notes["end"] + shift}
    return moved, pickup, off_grid
