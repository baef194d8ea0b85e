"""Piano-roll plots of NoteSequences: pitch up the side, time along the bottom.

A piano roll is the quickest way to *see* a piece: every note is a horizontal
bar at its pitch, from its start to its end. Here

* each instrument (voice) gets its own colour, named in the legend;
* louder notes are drawn stronger (velocity 0..127 -> opacity 0.25..1.0);
* drums are black crosses at their key numbers (a drum has no pitch, only a
  key that chooses the sound), so they never look like melody notes;
* time is in seconds or in beats (quarter notes), following the tempo map;
* bar lines, and lighter beat lines, come from the piece's time signatures
  (:mod:`helpers.meter`, the bars of the positions tokens), so a pickup and
  the meter show; ``grid=False`` leaves them out;
* a vertical line can mark a moment ("prompt ends here") and shaded spans can
  highlight regions (the model's continuation, a repeated phrase).

Like libfmp (the helper package of the FMP notebooks), each plotting function
takes ``ax=None`` and returns ``(fig, ax)``: give it an axes to draw into a
figure you made, or let it make one. Nothing here calls ``plt.show()``; the
notebook shows the figure.

Figures fit a notebook: 9.4 inches wide, at most 960 pixels at matplotlib's
100 dpi with the margins the notebook adds, so JupyterLab shows them at full
size and their text (9 points at least) stays readable.
:func:`plot_pianorolls` stacks up to three pieces on one time axis (four or
more go in two columns). Every note is drawn at least one pixel wide, so a
dense piece of several minutes does not lose its short notes.

Used by notebooks/easy/00_getting_started.ipynb (first look at a piece),
notebooks/easy/01_midi_and_notes.ipynb (notes, velocity, beats versus seconds)
and the later lessons that compare samples and continuations of a prompt
(:func:`plot_pianorolls`).

How the notes and lines are drawn (one matplotlib collection per instrument,
so tens of thousands of notes plot in a couple of seconds) is in
:mod:`helpers.pianoroll_draw`.
"""

import math

import numpy as np

from helpers.music import pitch_name
from helpers.notes import is_sequence
from helpers.pianoroll_draw import draw_grid, draw_notes, in_unit, note_handles

TIME_UNITS = ("seconds", "beats")
FIGURE_WIDTH = 9.4  # inches: at most 960 pixels at 100 dpi with the 0.1-inch margins of a notebook
ROW_HEIGHT = 2.4  # inches per row of plots in plot_pianorolls
LEGEND_FONT_SIZE = 9  # points: the smallest text in these figures
MARKER = {"color": "crimson", "linestyle": "--", "linewidth": 1.5}
SHADE = {"color": "gold", "alpha": 0.25}
MARKER_LABEL = "prompt ends here"  # the marker's default name in the legend


# --- checking arguments -------------------------------------------------------

def _check_sequence(seq, function):
    """Raise a TypeError that says what was given instead of a NoteSequence."""
    if is_sequence(seq):
        return
    given = type(seq).__name__
    hint = ""
    if given in ("str", "PosixPath", "WindowsPath", "Path"):
        hint = "; load the file first with helpers.notes.load(path)"
    elif given == "PrettyMIDI":
        hint = "; convert it first with helpers.notes.from_pretty_midi(pm)"
    elif given in ("list", "tuple"):
        hint = "; to plot several pieces use plot_pianorolls"
    raise TypeError(f"{function} expects a NoteSequence, got {given}{hint}")


def _check_time_unit(time_unit):
    if time_unit not in TIME_UNITS:
        raise ValueError(
            f"time_unit must be one of {', '.join(map(repr, TIME_UNITS))}, "
            f"not {time_unit!r}"
        )


def _check_number(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{name} must be a number (a time), got {type(value).__name__}")


def _shade_spans(shade):
    """``shade`` as a list of (start, end) pairs; accepts one pair or a list of pairs."""
    if shade is None:
        return []
    if isinstance(shade, tuple) and len(shade) == 2 and not isinstance(shade[0], (tuple, list)):
        shade = [shade]
    if not isinstance(shade, (list, tuple)):
        raise TypeError(f"shade must be a (start, end) tuple or a list of them, "
                        f"got {type(shade).__name__}")
    spans = []
    for span in shade:
        if not isinstance(span, (tuple, list)) or len(span) != 2:
            raise ValueError(f"each shade span must be a (start, end) pair, got {span!r}")
        start, end = span
        _check_number(start, "shade start")
        _check_number(end, "shade end")
        if end < start:
            raise ValueError(f"shade span ({start}, {end}) ends before it starts")
        spans.append((float(start), float(end)))
    return spans


def _check_range(value, name, low_name, high_name):
    """``None``, or a ``(low, high)`` pair of numbers, low <= high: ``pitch_range``, ``time_range``."""
    if value is None:
        return None
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError(f"{name} must be a ({low_name}, {high_name}) pair, got {value!r}")
    low, high = value
    _check_number(low, f"{name} {low_name}")
    _check_number(high, f"{name} {high_name}")
    if high < low:
        raise ValueError(f"{name} {value!r}: {high_name} is below {low_name}")
    return low, high


# --- axes ---------------------------------------------------------------------------------

def _set_pitch_axis(ax, seq, pitch_range):
    """Y limits (padded note range, or ``pitch_range``) and ticks named at every C."""
    if pitch_range is not None:
        low, high = pitch_range[0] - 0.5, pitch_range[1] + 0.5
    elif len(seq.notes):
        pitches = [n.pitch for n in seq.notes]
        low, high = min(pitches) - 2.5, max(pitches) + 2.5
    else:
        low, high = 59.5, 72.5  # an empty piece: show the octave above middle C
    ax.set_ylim(low, high)
    in_view = range(max(math.ceil(low), 0), min(math.floor(high), 127) + 1)
    ticks = [p for p in in_view if p % 12 == 0]
    if not ticks:  # a narrow range with no C: name its lowest and highest pitch
        ticks = sorted({in_view[0], in_view[-1]}) if in_view else []
    ax.set_yticks(ticks)
    ax.set_yticklabels([pitch_name(p) for p in ticks])
    ax.set_ylabel("pitch")
    ax.grid(axis="y", color="0.85", linewidth=0.8)
    ax.set_axisbelow(True)


def _time_span(seq, time_unit, marker, spans):
    """``(left, right)``: from 0 to the end of the piece, or of the marker or shading."""
    last_end = max([seq.total_time] + [n.end_time for n in seq.notes])
    ends = [float(in_unit(seq, last_end, time_unit))]
    ends += [marker] if marker is not None else []
    ends += [end for _, end in spans]
    starts = [0.0] + [start for start, _ in spans] + ([marker] if marker is not None else [])
    left, right = min(starts), max(ends)
    return (left, right) if right > left else (left, left + 1.0)


def _legend_handles(seq, marker, marker_label, spans, shade_label):
    """Legend entries: the instruments (drums last), the shading, the marker."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = note_handles(seq)
    if spans and shade_label:
        handles.append(Patch(label=shade_label, **SHADE))
    if marker is not None and marker_label:
        handles.append(Line2D([], [], label=marker_label, **MARKER))
    return handles


def _draw_legend(ax, handles, below=False):
    """The legend outside the plot, so it never hides notes: to the right, or below."""
    if below:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.18),
                  ncols=2, fontsize=LEGEND_FONT_SIZE)
    else:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  fontsize=LEGEND_FONT_SIZE, borderaxespad=0)


def _title(title, empty):
    if not empty:
        return title
    note = "(empty piece: no notes)"
    return f"{title} {note}" if title else note


def _figure_and_axes(ax, figsize=(FIGURE_WIDTH, 3.6)):
    """The given axes and its figure, or a new figure with one axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        return fig, ax
    if not hasattr(ax, "add_collection"):
        raise TypeError(f"ax must be a matplotlib Axes (or None), got {type(ax).__name__}")
    return ax.figure, ax


# --- one piece -------------------------------------------------------------------------

def plot_pianoroll(seq, ax=None, *, time_unit: str = "seconds", marker: float | None = None,
                   marker_label: str = MARKER_LABEL, shade=None,
                   shade_label: str | None = None, title: str | None = None,
                   legend: bool | str = True, pitch_range: tuple | None = None,
                   time_range: tuple | None = None, grid: bool = True) -> tuple:
    """Draw one piece as a piano roll and return ``(fig, ax)``.

    Args:
        seq: the piece, a NoteSequence.
        ax: a matplotlib Axes to draw into; ``None`` makes a new figure.
        time_unit: ``"seconds"`` or ``"beats"`` (quarter notes, following the
            piece's tempo changes; 120 qpm if it has no tempo).
        marker: a time (in ``time_unit``) to mark with a dashed vertical line,
            e.g. where the prompt ends and the model's continuation begins.
        marker_label: the marker's name in the legend.
        shade: a ``(start, end)`` span, or a list of them, to shade.
        shade_label: the shading's name in the legend (none if ``None``).
        title: the axes title.
        legend: draw the legend (instruments, drums, marker, shading) to the
            right of the plot (``True``), ``"below"`` it, or not (``False``).
        pitch_range: ``(lowest, highest)`` MIDI pitches to show; default: the
            notes' range with a little room above and below.
        time_range: ``(start, end)`` in ``time_unit`` to show, e.g. ``(0, 16)``
            for the first 16 beats; default: from 0 to the end of the piece.
        grid: draw bar lines, and lighter beat lines, from the time signatures
            (where bars are only a few pixels apart, every 2nd, 4th, ... bar).

    A piece with no notes gives an empty plot (no bar lines) whose title says so.
    Example: ``fig, ax = plot_pianoroll(tune, time_unit="beats", title="my tune")``
    """
    _check_sequence(seq, "plot_pianoroll")
    _check_time_unit(time_unit)
    if marker is not None:
        _check_number(marker, "marker")
    spans = _shade_spans(shade)
    pitch_range = _check_range(pitch_range, "pitch_range", "lowest", "highest")
    time_range = _check_range(time_range, "time_range", "start", "end")
    if time_range and time_range[0] == time_range[1]:
        raise ValueError(f"time_range {time_range!r} is empty: its end must come after its start")
    if legend not in (True, False, None, "right", "below"):
        raise ValueError(f"legend must be True, False or 'below', not {legend!r}")
    fig, ax = _figure_and_axes(ax)

    if len(seq.notes):
        draw_notes(ax, seq, time_unit)
    for start, end in spans:
        ax.axvspan(start, end, zorder=0, **SHADE)
    if marker is not None:
        ax.axvline(marker, zorder=4, label=marker_label, **MARKER)
    _set_pitch_axis(ax, seq, pitch_range)
    ax.set_xlim(time_range or _time_span(seq, time_unit, marker, spans))
    ax.set_xlabel(f"time ({time_unit})")
    if grid and len(seq.notes):  # an empty piece stays empty
        draw_grid(ax, seq, time_unit)
    ax.set_title(_title(title, empty=not len(seq.notes)))
    handles = _legend_handles(seq, marker, marker_label, spans, shade_label)
    if legend and handles:
        _draw_legend(ax, handles, below=(legend == "below"))
    return fig, ax


# --- several pieces ----------------------------------------------------------------------

def _per_piece(values, count, name):
    """``values`` as a list with one entry per piece (``None`` -> all None)."""
    if values is None:
        return [None] * count
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        raise TypeError(f"{name} must be a list with one entry per piece, "
                        f"got {type(values).__name__}")
    if len(values) != count:
        raise ValueError(f"{name} has {len(values)} entries but there are {count} pieces")
    return list(values)


def _check_pieces(seqs, kwargs):
    """Refuse what plot_pianorolls cannot draw, with what to do instead."""
    if is_sequence(seqs):
        raise TypeError("plot_pianorolls expects a list of NoteSequences, got one "
                        "NoteSequence; for one piece use plot_pianoroll")
    if not isinstance(seqs, (list, tuple)):
        raise TypeError(f"plot_pianorolls expects a list of NoteSequences, "
                        f"got {type(seqs).__name__}")
    if not seqs:
        raise ValueError("plot_pianorolls needs at least one piece, got an empty list")
    for index, seq in enumerate(seqs):
        _check_sequence(seq, f"plot_pianorolls (piece {index})")
    for name, use in (("ax", "it makes its own axes"), ("marker", "use markers=[...]"),
                      ("title", "use titles=[...]")):
        if name in kwargs:
            raise TypeError(f"plot_pianorolls does not take {name}=; {use}")


def _common_pitch_range(seqs):
    """(lowest, highest) pitch over several pieces with some room, or None if all are empty."""
    pitches = [n.pitch for seq in seqs for n in seq.notes]
    return (min(pitches) - 2, max(pitches) + 2) if pitches else None


def _common_time_range(seqs, time_unit, markers, spans):
    """One ``(start, end)`` for every plot: from 0 to the end of the longest piece (or marker)."""
    ranges = [_time_span(seq, time_unit, marker, spans) for seq, marker in zip(seqs, markers)]
    return min(left for left, _ in ranges), max(right for _, right in ranges)


def _axes_grid(count, ncols, figsize, sharey, legend_above):
    """``(fig, axes, ncols)``: ``count`` plots on one time axis, ``ncols`` a row.

    By default one a row up to 3 plots (stacked, their times aligned), else 2.
    """
    import matplotlib.pyplot as plt

    if ncols is None:
        ncols = 1 if count <= 3 else 2
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a whole number of at least 1, not {ncols!r}")
    nrows = math.ceil(count / ncols)
    figsize = figsize or (FIGURE_WIDTH, ROW_HEIGHT * nrows + (0.3 if legend_above else 0))
    fig, grid = plt.subplots(nrows, ncols, figsize=figsize, sharex=True, sharey=sharey,
                             squeeze=False, layout="constrained")
    axes = list(grid.flat)
    for unused in axes[count:]:
        fig.delaxes(unused)
    return fig, axes[:count], ncols


def _figure_legend(fig, entries):
    """One legend above all the plots, each (label, colour) once, in as many columns as fit."""
    from matplotlib.colors import to_hex

    handles, seen = [], set()
    for handle in entries:
        colour = handle.get_facecolor() if hasattr(handle, "get_facecolor") else handle.get_color()
        key = (handle.get_label(), to_hex(colour))
        if key not in seen:
            seen.add(key)
            handles.append(handle)
    if not handles:
        return
    # about 5 points a character at 9 points, and 40 for the handle and the gap
    column = max(len(handle.get_label()) for handle in handles) * 5 + 40
    ncols = max(1, min(len(handles), int(fig.get_figwidth() * 72 // column)))
    fig.legend(handles=handles, loc="outside upper center", ncols=ncols,
               fontsize=LEGEND_FONT_SIZE, frameon=False)


def plot_pianorolls(seqs: list, titles: list | None = None, *, ncols: int | None = None,
                    time_unit: str = "seconds", markers: list | None = None,
                    sharey: bool = True, legend: bool | str = True,
                    figsize: tuple | None = None, **kwargs) -> tuple:
    """Draw several pieces on one time axis, one above the other, and return ``(fig, axes)``.

    For comparing pieces: samples from a model, or continuations of one prompt
    at different temperatures (``markers`` shows where each prompt ends).
    Every plot shows the same stretch of time, so lengths compare at a glance.

    Args:
        seqs: a list of NoteSequences.
        titles: one title per piece, or ``None``.
        ncols: plots per row (default: 1 for up to 3 pieces, else 2).
        time_unit: ``"seconds"`` or ``"beats"``, for every plot.
        markers: one marker time (or ``None``) per piece, or ``None``.
        sharey: one pitch axis for all plots, spanning every piece's notes.
        legend: one legend above the plots (``True``), one per plot
            (``"below"`` or ``"right"``), or none (``False``).
        figsize: the figure size in inches; default ``FIGURE_WIDTH`` (9.4)
            wide, which a notebook shows unshrunk, and 2.4 inches per row.
        **kwargs: passed to :func:`plot_pianoroll` (``shade``, ``time_range``,
            ``pitch_range``, ``grid``, ``marker_label``, ...).

    ``axes`` is a flat list, one Axes per piece, in the order of ``seqs``.
    Example: ``fig, axes = plot_pianorolls([tune, back], ["original", "decoded"], time_unit="beats")``
    """
    _check_pieces(seqs, kwargs)
    _check_time_unit(time_unit)
    titles = _per_piece(titles, len(seqs), "titles")
    markers = _per_piece(markers, len(seqs), "markers")
    for marker in markers:
        if marker is not None:
            _check_number(marker, "each marker")
    if legend not in (True, False, None, "right", "below"):
        raise ValueError(f"legend must be True, False, 'below' or 'right', not {legend!r}")
    fig, axes, ncols = _axes_grid(len(seqs), ncols, figsize, sharey, legend_above=legend is True)
    spans = _shade_spans(kwargs.get("shade"))
    if kwargs.get("time_range") is None:
        kwargs["time_range"] = _common_time_range(seqs, time_unit, markers, spans)
    if sharey and kwargs.get("pitch_range") is None:
        kwargs["pitch_range"] = _common_pitch_range(seqs)
    for index, (seq, ax, title, marker) in enumerate(zip(seqs, axes, titles, markers)):
        plot_pianoroll(seq, ax, time_unit=time_unit, marker=marker, title=title,
                       legend=legend if legend in ("below", "right") else False, **kwargs)
        lowest = index + ncols >= len(seqs)  # no plot below it: it shows the time axis
        ax.tick_params(axis="x", labelbottom=lowest)
        ax.xaxis.label.set_visible(lowest)
    if legend is True:
        labels = kwargs.get("marker_label", MARKER_LABEL), kwargs.get("shade_label")
        _figure_legend(fig, [handle for seq, marker in zip(seqs, markers)
                             for handle in _legend_handles(seq, marker, labels[0], spans, labels[1])])
    return fig, axes
