"""Piano-roll plots of NoteSequences: pitch up the side, time along the bottom.

A piano roll is the quickest way to *see* a piece: every note is a horizontal
bar at its pitch, from its start to its end. Here

* each instrument (voice) gets its own colour, named in the legend;
* louder notes are drawn stronger (velocity 0..127 -> opacity 0.25..1.0);
* drums are black crosses at their key numbers (a drum has no pitch, only a
  key that chooses the sound), so they never look like melody notes;
* time is in seconds or in beats (quarter notes), following the tempo map;
* a vertical line can mark a moment ("prompt ends here") and shaded spans can
  highlight regions (the model's continuation, a repeated phrase).

Like libfmp (the helper package of the FMP notebooks), each plotting function
takes ``ax=None`` and returns ``(fig, ax)``: give it an axes to draw into a
figure you made, or let it make one. Nothing here calls ``plt.show()``; the
notebook shows the figure.

Used by notebooks/easy/00_getting_started.ipynb (first look at a piece),
notebooks/easy/01_midi_and_notes.ipynb (notes, velocity, beats versus seconds)
and the later lessons that compare samples and continuations of a prompt
(:func:`plot_pianorolls`).

Each instrument is drawn as one matplotlib collection, not one shape per note,
so a ten-minute orchestral MIDI file (tens of thousands of notes) still plots
in about a second.
"""

import math

import numpy as np

from helpers.music import TempoMap, pitch_name
from helpers.notes import is_sequence

TIME_UNITS = ("seconds", "beats")

# matplotlib's "tab10" colours without its grey, which is kept for drums.
TRACK_COLOURS = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#bcbd22", "#17becf",
]
DRUM_COLOUR = "black"
BAR_HEIGHT = 0.8  # in semitones: a small gap between neighbouring pitches


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


def _check_pitch_range(pitch_range):
    if pitch_range is None:
        return None
    if not isinstance(pitch_range, (tuple, list)) or len(pitch_range) != 2:
        raise ValueError(f"pitch_range must be a (lowest, highest) pair, got {pitch_range!r}")
    low, high = pitch_range
    _check_number(low, "pitch_range lowest")
    _check_number(high, "pitch_range highest")
    if high < low:
        raise ValueError(f"pitch_range {pitch_range!r}: highest is below lowest")
    return low, high


# --- seconds to beats ----------------------------------------------------------

def _in_unit(seq, seconds, time_unit):
    """Times in seconds, converted to quarter notes (following the tempo map) for ``"beats"``."""
    if time_unit == "beats":
        return np.asarray(TempoMap(seq).beats(seconds), dtype=float)
    return np.asarray(seconds, dtype=float)


# --- names and colours -----------------------------------------------------------

def _program_name(program):
    """General MIDI name of a program number: 0 -> "Acoustic Grand Piano"."""
    try:
        import pretty_midi
        return pretty_midi.program_to_instrument_name(int(program))
    except (ImportError, ValueError):
        return "program"


def _track_labels(keys):
    """Legend names for (instrument, program) pairs.

    "Violin (program 40)"; when two voices share a program, each is prefixed
    with its instrument number: "voice 2: Acoustic Grand Piano (program 0)".
    """
    programs = [program for _, program in keys]
    labels = {}
    for instrument, program in keys:
        label = f"{_program_name(program)} (program {program})"
        if programs.count(program) > 1:
            label = f"voice {instrument}: {label}"
        labels[(instrument, program)] = label
    return labels


def _velocity_colours(base, velocities):
    """One RGBA colour per note: ``base`` with opacity 0.25 (silent) .. 1.0 (velocity 127)."""
    from matplotlib.colors import to_rgba

    colours = np.tile(to_rgba(base), (len(velocities), 1))
    colours[:, 3] = 0.25 + 0.75 * np.clip(np.asarray(velocities, dtype=float), 0, 127) / 127
    return colours


# --- drawing -------------------------------------------------------------------------

def _note_arrays(notes):
    """Pitches, starts, ends (seconds) and velocities of ``notes`` as numpy arrays."""
    pitches = np.array([n.pitch for n in notes], dtype=float)
    starts = np.array([n.start_time for n in notes], dtype=float)
    ends = np.array([n.end_time for n in notes], dtype=float)
    velocities = np.array([n.velocity for n in notes], dtype=float)
    return pitches, starts, ends, velocities


def _draw_track(ax, seq, notes, colour, time_unit):
    """All notes of one instrument as a single PolyCollection of rectangles."""
    from matplotlib.collections import PolyCollection

    pitches, starts, ends, velocities = _note_arrays(notes)
    x0, x1 = _in_unit(seq, starts, time_unit), _in_unit(seq, ends, time_unit)
    y0, y1 = pitches - BAR_HEIGHT / 2, pitches + BAR_HEIGHT / 2
    # Each rectangle is four corners (x, y): shape (notes, 4, 2).
    corners = np.stack([
        np.column_stack([x0, y0]), np.column_stack([x1, y0]),
        np.column_stack([x1, y1]), np.column_stack([x0, y1]),
    ], axis=1)
    bars = PolyCollection(corners, facecolors=_velocity_colours(colour, velocities),
                          edgecolors="none", linewidths=0)
    ax.add_collection(bars)


def _draw_drums(ax, seq, notes, time_unit):
    """Drum hits as black crosses at their start and key number (one collection)."""
    pitches, starts, _, velocities = _note_arrays(notes)
    ax.scatter(_in_unit(seq, starts, time_unit), pitches, marker="x", s=18,
               linewidths=1.0, c=_velocity_colours(DRUM_COLOUR, velocities), zorder=3)


def _draw_notes(ax, seq, time_unit):
    """Draw every note; return legend handles, one per instrument (drums last)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    tracks, drums = {}, []
    for note in seq.notes:
        if note.is_drum:
            drums.append(note)
        else:
            tracks.setdefault((note.instrument, note.program), []).append(note)
    keys = sorted(tracks)
    labels = _track_labels(keys)
    handles = []
    for index, key in enumerate(keys):
        colour = TRACK_COLOURS[index % len(TRACK_COLOURS)]
        _draw_track(ax, seq, tracks[key], colour, time_unit)
        handles.append(Patch(facecolor=colour, label=labels[key]))
    if drums:
        _draw_drums(ax, seq, drums, time_unit)
        handles.append(Line2D([], [], color=DRUM_COLOUR, marker="x", linestyle="none",
                              label="drums"))
    return handles


def _draw_marker_and_shade(ax, marker, marker_label, spans, shade_label):
    """The vertical marker line and shaded spans; return their legend handles."""
    handles = []
    for index, (start, end) in enumerate(spans):
        label = shade_label if index == 0 else None
        patch = ax.axvspan(start, end, color="gold", alpha=0.25, zorder=0, label=label)
        if label:
            handles.append(patch)
    if marker is not None:
        line = ax.axvline(marker, color="crimson", linestyle="--", linewidth=1.5,
                          zorder=4, label=marker_label)
        if marker_label:
            handles.append(line)
    return handles


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


def _set_time_axis(ax, seq, time_unit, marker, spans):
    """X limits from 0 to the end of the piece (or of the marker or shading)."""
    last_end = max([seq.total_time] + [n.end_time for n in seq.notes])
    ends = [float(_in_unit(seq, last_end, time_unit))]
    ends += [marker] if marker is not None else []
    ends += [end for _, end in spans]
    starts = [0.0] + [start for start, _ in spans] + ([marker] if marker is not None else [])
    left, right = min(starts), max(ends)
    if right <= left:
        right = left + 1.0
    ax.set_xlim(left, right)
    ax.set_xlabel(f"time ({time_unit})")


def _draw_legend(ax, handles, below=False):
    """The legend outside the plot, so it never hides notes: to the right, or below."""
    if below:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.18),
                  ncols=2, fontsize="x-small")
    else:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  fontsize="small", borderaxespad=0)


def _title(title, empty):
    if not empty:
        return title
    note = "(empty piece: no notes)"
    return f"{title} {note}" if title else note


def _figure_and_axes(ax, figsize=(10, 4)):
    """The given axes and its figure, or a new figure with one axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        return fig, ax
    if not hasattr(ax, "add_collection"):
        raise TypeError(f"ax must be a matplotlib Axes (or None), got {type(ax).__name__}")
    return ax.figure, ax


# --- the public functions -------------------------------------------------------------

def plot_pianoroll(seq, ax=None, *, time_unit="seconds", marker=None,
                   marker_label="prompt ends here", shade=None, shade_label=None,
                   title=None, legend=True, pitch_range=None):
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

    A piece with no notes gives an empty plot whose title says so.
    """
    _check_sequence(seq, "plot_pianoroll")
    _check_time_unit(time_unit)
    if marker is not None:
        _check_number(marker, "marker")
    spans = _shade_spans(shade)
    pitch_range = _check_pitch_range(pitch_range)
    if legend not in (True, False, None, "right", "below"):
        raise ValueError(f"legend must be True, False or 'below', not {legend!r}")
    fig, ax = _figure_and_axes(ax)

    handles = _draw_notes(ax, seq, time_unit) if len(seq.notes) else []
    handles += _draw_marker_and_shade(ax, marker, marker_label, spans, shade_label)
    _set_pitch_axis(ax, seq, pitch_range)
    _set_time_axis(ax, seq, time_unit, marker, spans)
    ax.set_title(_title(title, empty=not len(seq.notes)))
    if legend and handles:
        _draw_legend(ax, handles, below=(legend == "below"))
    return fig, ax


def _common_pitch_range(seqs):
    """(lowest, highest) pitch over several pieces with some room, or None if all are empty."""
    pitches = [n.pitch for seq in seqs for n in seq.notes]
    return (min(pitches) - 2, max(pitches) + 2) if pitches else None


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


def plot_pianorolls(seqs, titles=None, *, ncols=None, time_unit="seconds", markers=None,
                    sharey=True, figsize=None, **kwargs):
    """Draw several pieces side by side and return ``(fig, axes)``.

    For comparing pieces: samples from a model, or continuations of one prompt
    at different temperatures (``markers`` shows where each prompt ends).

    Args:
        seqs: a list of NoteSequences.
        titles: one title per piece, or ``None``.
        ncols: plots per row (default: up to 3).
        time_unit: ``"seconds"`` or ``"beats"``, for every plot.
        markers: one marker time (or ``None``) per piece, or ``None``.
        sharey: one pitch axis for all plots, spanning every piece's notes.
        figsize: the figure size in inches; default grows with the grid.
        **kwargs: passed to :func:`plot_pianoroll` (``shade``, ``legend``,
            ``pitch_range``, ``marker_label``, ...).

    ``axes`` is a flat list, one Axes per piece, in the order of ``seqs``.
    """
    import matplotlib.pyplot as plt

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
    _check_time_unit(time_unit)
    titles = _per_piece(titles, len(seqs), "titles")
    markers = _per_piece(markers, len(seqs), "markers")
    if ncols is None:
        ncols = min(len(seqs), 3)
    kwargs.setdefault("legend", "below")  # legends to the right would squeeze the plots
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a whole number of at least 1, not {ncols!r}")
    nrows = math.ceil(len(seqs) / ncols)
    if figsize is None:
        figsize = (5.0 * ncols, 4.0 * nrows)

    fig, grid = plt.subplots(nrows, ncols, figsize=figsize, sharey=sharey,
                             squeeze=False, layout="constrained")
    axes = list(grid.flat)
    for unused in axes[len(seqs):]:
        fig.delaxes(unused)
    axes = axes[:len(seqs)]
    if sharey and kwargs.get("pitch_range") is None:
        kwargs["pitch_range"] = _common_pitch_range(seqs)
    for seq, ax, title, marker in zip(seqs, axes, titles, markers):
        plot_pianoroll(seq, ax, time_unit=time_unit, marker=marker, title=title, **kwargs)
    return fig, axes
