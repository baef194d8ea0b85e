"""What a piano roll draws: notes (a colour per instrument), drums, bar and beat lines.

The drawing half of :mod:`helpers.pianoroll` (which checks the arguments and
sets up the figure, axes and legend):

* each instrument (an ``(instrument, program)`` pair) gets its own colour,
  named in the legend by its General MIDI program;
* louder notes are drawn stronger: velocity 0..127 -> opacity 0.25..1.0;
* drums are black crosses at their key numbers (a drum has no pitch, only a
  key that chooses the sound), so they never look like melody notes;
* every note has an edge of its own colour one pixel wide, so a note shorter
  than a pixel (a 16th note in a piece of several minutes) is still drawn;
* bar lines, and lighter beat lines, follow the time signatures
  (:mod:`helpers.meter`); lines closer than a few pixels are thinned out.

Each instrument is one matplotlib collection, not one shape per note, so a
ten-minute piece of 40,000 notes in eight instruments plots and draws in about
two seconds on a 2-core CPU (benchmarks/pianoroll_figures.py).
"""

import numpy as np

from helpers.meter import bar_lines, beat_lines
from helpers.music import TempoMap

# matplotlib's "tab10" colours without its grey, which is kept for drums.
TRACK_COLOURS = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#bcbd22", "#17becf",
]
DRUM_COLOUR = "black"
BAR_HEIGHT = 0.8  # in semitones: a small gap between neighbouring pitches
# pixels, as estimated before the layout: bar lines closer than this are thinned
# out to every 2nd (4th, ...) bar, beat lines closer than that are left out
MIN_BAR_GAP, MIN_BEAT_GAP = 12, 8
BAR_LINES = {"colors": "0.6", "linewidths": 0.8, "zorder": 0.8}
BEAT_LINES = {"colors": "0.87", "linewidths": 0.6, "zorder": 0.7}


def in_unit(seq, seconds, time_unit: str) -> np.ndarray:
    """Times in seconds as ``time_unit``: unchanged, or quarter notes (the tempo map) for ``"beats"``.

    Example: ``in_unit(seq, [0.0, 1.0], "beats")`` -> ``array([0., 2.])`` at 120 qpm
    """
    if time_unit == "beats":
        return np.asarray(TempoMap(seq).beats(seconds), dtype=float)
    return np.asarray(seconds, dtype=float)


def program_name(program: int) -> str:
    """General MIDI name of a program number (``"program"`` if unknown).

    Example: ``program_name(40)`` -> ``"Violin"``
    """
    try:
        import pretty_midi
        return pretty_midi.program_to_instrument_name(int(program))
    except (ImportError, ValueError):
        return "program"


def track_labels(keys: list[tuple[int, int]]) -> dict:
    """Legend names for ``(instrument, program)`` pairs.

    When two voices share a program, each is prefixed with its instrument number.
    Example: ``track_labels([(0, 0), (1, 0)])[(1, 0)]`` -> ``"voice 1: Acoustic Grand Piano (program 0)"``
    """
    programs = [program for _, program in keys]
    labels = {}
    for instrument, program in keys:
        label = f"{program_name(program)} (program {program})"
        if programs.count(program) > 1:
            label = f"voice {instrument}: {label}"
        labels[(instrument, program)] = label
    return labels


def velocity_colours(base: str, velocities) -> np.ndarray:
    """One RGBA colour per note: ``base`` with opacity 0.25 (silent) .. 1.0 (velocity 127).

    Example: ``velocity_colours("black", [0, 127])[:, 3]`` -> ``array([0.25, 1.  ])``
    """
    from matplotlib.colors import to_rgba

    colours = np.tile(to_rgba(base), (len(velocities), 1))
    colours[:, 3] = 0.25 + 0.75 * np.clip(np.asarray(velocities, dtype=float), 0, 127) / 127
    return colours


def split_tracks(seq) -> tuple[dict, list]:
    """``({(instrument, program): notes}, drum notes)``, the instruments in sorted order.

    Example: ``tracks, drums = split_tracks(band)``
    """
    tracks, drums = {}, []
    for note in seq.notes:
        if note.is_drum:
            drums.append(note)
        else:
            tracks.setdefault((note.instrument, note.program), []).append(note)
    return dict(sorted(tracks.items())), drums


def note_arrays(notes) -> tuple:
    """Pitches, starts, ends (seconds) and velocities of ``notes`` as numpy arrays.

    Example: ``pitches, starts, ends, velocities = note_arrays(seq.notes)``
    """
    pitches = np.array([n.pitch for n in notes], dtype=float)
    starts = np.array([n.start_time for n in notes], dtype=float)
    ends = np.array([n.end_time for n in notes], dtype=float)
    velocities = np.array([n.velocity for n in notes], dtype=float)
    return pitches, starts, ends, velocities


def draw_track(ax, seq, notes, colour: str, time_unit: str) -> None:
    """Draw ``notes`` (one instrument of ``seq``) as one PolyCollection of rectangles.

    Example: ``draw_track(ax, seq, list(seq.notes), "#1f77b4", "beats")``
    """
    from matplotlib.collections import PolyCollection

    pitches, starts, ends, velocities = note_arrays(notes)
    x0, x1 = in_unit(seq, starts, time_unit), in_unit(seq, ends, time_unit)
    y0, y1 = pitches - BAR_HEIGHT / 2, pitches + BAR_HEIGHT / 2
    # Each rectangle is four corners (x, y): shape (notes, 4, 2).
    corners = np.stack([
        np.column_stack([x0, y0]), np.column_stack([x1, y0]),
        np.column_stack([x1, y1]), np.column_stack([x0, y1]),
    ], axis=1)
    colours = velocity_colours(colour, velocities)
    one_pixel = 72 / ax.figure.dpi  # a line width in points; the edge keeps short notes visible
    ax.add_collection(PolyCollection(corners, facecolors=colours, edgecolors=colours,
                                     linewidths=one_pixel))


def draw_notes(ax, seq, time_unit: str) -> None:
    """Draw every note of ``seq``: one colour per instrument, drums as crosses.

    Example: ``draw_notes(ax, band, "seconds")``
    """
    tracks, drums = split_tracks(seq)
    for index, notes in enumerate(tracks.values()):
        draw_track(ax, seq, notes, TRACK_COLOURS[index % len(TRACK_COLOURS)], time_unit)
    if drums:
        pitches, starts, _, velocities = note_arrays(drums)
        ax.scatter(in_unit(seq, starts, time_unit), pitches, marker="x", s=18,
                   linewidths=1.0, c=velocity_colours(DRUM_COLOUR, velocities), zorder=3)


def note_handles(seq) -> list:
    """Legend entries for ``seq``'s notes: one per instrument in its colour, then the drums.

    Example: ``[h.get_label() for h in note_handles(tune)]`` -> ``["Acoustic Grand Piano (program 0)"]``
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    tracks, drums = split_tracks(seq)
    labels = track_labels(list(tracks))
    handles = [Patch(facecolor=TRACK_COLOURS[index % len(TRACK_COLOURS)], label=labels[key])
               for index, key in enumerate(tracks)]
    if drums:
        handles.append(Line2D([], [], color=DRUM_COLOUR, marker="x", linestyle="none",
                              label="drums"))
    return handles


# --- bar and beat lines ---------------------------------------------------------------

def from_beats(seq, beats, time_unit: str) -> np.ndarray:
    """Quarter notes as ``time_unit``: unchanged, or seconds (the tempo map) for ``"seconds"``.

    Example: ``from_beats(seq, [0, 4], "seconds")`` -> ``array([0., 2.])`` at 120 qpm
    """
    beats = np.asarray(beats, dtype=float)
    return beats if time_unit == "beats" else np.asarray(TempoMap(seq).seconds(beats))


def line_spacing(xs, pixels_per_unit: float, min_gap: float = MIN_BAR_GAP) -> int:
    """Draw every how-many-th line of ``xs`` (1, 2, 4, ...) to keep them ``min_gap`` pixels apart.

    ``xs`` are sorted positions, ``pixels_per_unit`` the axes' scale.
    Example: ``line_spacing([0, 4, 8, 12], 2.0)`` -> ``2``: 8 pixels apart are too close, 16 are not
    """
    if len(xs) < 2:
        return 1
    gap = float(np.median(np.diff(xs))) * pixels_per_unit
    every = 1
    while gap * every < min_gap:
        every *= 2
    return every


def draw_grid(ax, seq, time_unit: str) -> None:
    """Bar lines, and lighter beat lines, from time 0 to the right edge of the axes.

    Bars closer than ``MIN_BAR_GAP`` pixels are thinned to every 2nd (4th,
    ...) bar line; beat lines are drawn only when ``MIN_BEAT_GAP`` apart.
    The lines carry the gids ``"bar lines"`` and ``"beat lines"``.
    Example: ``ax.set_xlim(0, 12); draw_grid(ax, jig, "beats")`` -> bar lines at 0, 3, 6, 9, 12
    """
    left, right = ax.get_xlim()
    end = right if time_unit == "beats" else TempoMap(seq).beats(right)
    bars = bar_lines(seq, end + 1e-9)  # with the bar line at the right edge
    bar_xs = from_beats(seq, [start for start, _, _ in bars], time_unit)
    pixels_per_unit = ax.bbox.width / (right - left)
    every = line_spacing(bar_xs, pixels_per_unit)
    axis = ax.get_xaxis_transform()  # x in data, y from 0 (bottom) to 1 (top)
    ax.vlines(bar_xs[::every], 0, 1, transform=axis, gid="bar lines", **BAR_LINES)
    beat_xs = from_beats(seq, beat_lines(bars, end), time_unit)
    all_lines = np.sort(np.concatenate([bar_xs, beat_xs]))
    if every == 1 and len(beat_xs) and line_spacing(all_lines, pixels_per_unit,
                                                     MIN_BEAT_GAP) == 1:
        ax.vlines(beat_xs, 0, 1, transform=axis, gid="beat lines", **BEAT_LINES)
