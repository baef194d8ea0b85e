"""Tests for helpers.pianoroll: piano-roll plots of NoteSequences."""

import random

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection, PolyCollection  # noqa: E402

from helpers.notes import add_note, new_sequence  # noqa: E402
from helpers.pianoroll import plot_pianoroll, plot_pianorolls  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def two_instruments():
    """Piano (instrument 0) and violin (instrument 1), two seconds at 120 qpm."""
    seq = new_sequence(qpm=120)
    for i, pitch in enumerate([60, 62, 64, 65]):
        add_note(seq, pitch, i * 0.5, (i + 1) * 0.5, program=0, instrument=0)
    add_note(seq, 76, 0.0, 2.0, program=40, instrument=1)
    return seq


def bars(ax):
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def x_right_edge(ax):
    """The largest x of any note bar."""
    return max(path.vertices[:, 0].max() for c in bars(ax) for path in c.get_paths())


# --- figure and axes -----------------------------------------------------------

def test_returns_new_figure_and_axes():
    fig, ax = plot_pianoroll(two_instruments())
    assert isinstance(fig, matplotlib.figure.Figure)
    assert ax.figure is fig
    assert ax.get_xlabel() == "time (seconds)"


def test_draws_into_given_axes():
    fig, (left, right) = plt.subplots(1, 2)
    got_fig, got_ax = plot_pianoroll(two_instruments(), ax=right)
    assert got_ax is right and got_fig is fig
    assert bars(right) and not left.collections


def test_pitch_ticks_name_the_cs():
    _, ax = plot_pianoroll(two_instruments())
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "C4" in labels and "C5" in labels
    low, high = ax.get_ylim()
    assert low < 60 and high > 76


def test_pitch_range():
    _, ax = plot_pianoroll(two_instruments(), pitch_range=(48, 84))
    assert ax.get_ylim() == (47.5, 84.5)


# --- colours, velocity, drums --------------------------------------------------------

def test_one_colour_per_instrument_with_legend():
    _, ax = plot_pianoroll(two_instruments())
    collections = bars(ax)
    assert len(collections) == 2
    colours = {tuple(np.round(c.get_facecolor()[0][:3], 3)) for c in collections}
    assert len(colours) == 2
    texts = legend_texts(ax)
    assert any("Piano" in t and "program 0" in t for t in texts)
    assert any("Violin" in t and "program 40" in t for t in texts)


def test_same_program_voices_are_numbered():
    seq = new_sequence()
    add_note(seq, 60, 0, 1, instrument=0)
    add_note(seq, 67, 0, 1, instrument=2)
    _, ax = plot_pianoroll(seq)
    texts = legend_texts(ax)
    assert any(t.startswith("voice 0") for t in texts)
    assert any(t.startswith("voice 2") for t in texts)


def test_drums_are_distinct():
    seq = two_instruments()
    for i in range(4):
        add_note(seq, 36, i * 0.5, i * 0.5 + 0.1, instrument=9, is_drum=True)
    _, ax = plot_pianoroll(seq)
    assert "drums" in legend_texts(ax)
    drums = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(drums) == 1 and len(drums[0].get_offsets()) == 4
    drum_rgb = drums[0].get_edgecolor()[0][:3]
    bar_rgbs = [c.get_facecolor()[0][:3] for c in bars(ax)]
    assert all(not np.allclose(drum_rgb, rgb) for rgb in bar_rgbs)
    assert len(bars(ax)) == 2  # drum hits are not drawn as bars


def test_velocity_changes_intensity():
    seq = new_sequence()
    add_note(seq, 60, 0, 1, velocity=127)
    add_note(seq, 62, 1, 2, velocity=20)
    _, ax = plot_pianoroll(seq)
    loud, quiet = bars(ax)[0].get_facecolor()
    assert np.allclose(loud[:3], quiet[:3])  # same instrument colour...
    assert loud[3] > quiet[3]  # ...but the loud note is more opaque
    assert loud[3] == pytest.approx(1.0)


# --- time units ---------------------------------------------------------------------

def one_bar_of_seconds(qpm):
    seq = new_sequence(qpm=qpm)
    add_note(seq, 60, 0.0, 4.0)
    return seq


def test_beats_follow_the_tempo():
    _, ax60 = plot_pianoroll(one_bar_of_seconds(60), time_unit="beats")
    _, ax120 = plot_pianoroll(one_bar_of_seconds(120), time_unit="beats")
    assert x_right_edge(ax60) == pytest.approx(4.0)
    assert x_right_edge(ax120) == pytest.approx(8.0)
    assert ax120.get_xlim()[1] == pytest.approx(8.0)
    assert ax60.get_xlabel() == "time (beats)"


def test_seconds_ignore_the_tempo():
    _, ax = plot_pianoroll(one_bar_of_seconds(60), time_unit="seconds")
    assert x_right_edge(ax) == pytest.approx(4.0)


def test_tempo_change_is_integrated_piecewise():
    seq = new_sequence(qpm=60)  # 2 s at 60 qpm = 2 beats
    seq.tempos.add(time=2.0, qpm=120)  # then 2 s at 120 qpm = 4 beats
    add_note(seq, 60, 0.0, 4.0)
    add_note(seq, 64, 3.0, 4.0)  # starts at beat 2 + 2 = 4
    _, ax = plot_pianoroll(seq, time_unit="beats")
    corners = bars(ax)[0].get_paths()[1].vertices
    assert corners[:, 0].min() == pytest.approx(4.0)
    assert x_right_edge(ax) == pytest.approx(6.0)


def test_no_tempo_means_120_qpm():
    seq = new_sequence()
    del seq.tempos[:]
    add_note(seq, 60, 0.0, 1.0)
    _, ax = plot_pianoroll(seq, time_unit="beats")
    assert x_right_edge(ax) == pytest.approx(2.0)


def test_invalid_time_unit():
    with pytest.raises(ValueError, match="time_unit.*'seconds'.*'beats'"):
        plot_pianoroll(two_instruments(), time_unit="bars")


# --- marker and shading -----------------------------------------------------------------

def test_marker_line_and_label():
    _, ax = plot_pianoroll(two_instruments(), marker=1.5)
    lines = [line for line in ax.get_lines() if line.get_label() == "prompt ends here"]
    assert len(lines) == 1
    assert np.allclose(lines[0].get_xdata(), 1.5)
    assert "prompt ends here" in legend_texts(ax)


def test_marker_beyond_the_piece_is_visible():
    _, ax = plot_pianoroll(two_instruments(), marker=5.0, marker_label="here")
    assert ax.get_xlim()[1] >= 5.0
    assert "here" in legend_texts(ax)


def test_shade_one_and_several_spans():
    _, ax = plot_pianoroll(two_instruments(), shade=(1.0, 2.0), shade_label="continuation")
    assert len(ax.patches) == 1
    assert "continuation" in legend_texts(ax)
    _, ax = plot_pianoroll(two_instruments(), shade=[(0.0, 0.5), (1.0, 1.5)])
    assert len(ax.patches) == 2
    span = ax.patches[1]  # a Rectangle or (matplotlib < 3.9) a Polygon
    xs = span.get_patch_transform().transform(span.get_path().vertices)[:, 0]
    assert xs.min() == pytest.approx(1.0) and xs.max() == pytest.approx(1.5)


def test_bad_shade_and_marker():
    with pytest.raises(ValueError, match="shade"):
        plot_pianoroll(two_instruments(), shade=(2.0, 1.0))
    with pytest.raises(TypeError, match="marker"):
        plot_pianoroll(two_instruments(), marker="end")


def test_no_legend():
    _, ax = plot_pianoroll(two_instruments(), legend=False)
    assert ax.get_legend() is None


# --- edge cases ------------------------------------------------------------------------

def test_empty_piece():
    fig, ax = plot_pianoroll(new_sequence(), title="My piece")
    assert "empty" in ax.get_title()
    assert ax.get_title().startswith("My piece")
    assert not ax.collections
    fig.canvas.draw()


def test_wrong_type_names_what_was_given():
    with pytest.raises(TypeError, match="plot_pianoroll expects a NoteSequence, got list"):
        plot_pianoroll([two_instruments()])
    with pytest.raises(TypeError, match="got str.*helpers.notes.load"):
        plot_pianoroll("song.mid")


def test_long_multitrack_piece_uses_few_artists():
    rng = random.Random(0)
    seq = new_sequence(qpm=120)
    tracks = 8
    for track in range(tracks):
        for _ in range(5000):
            start = rng.uniform(0, 600)
            add_note(seq, rng.randint(30, 90), start, start + rng.uniform(0.05, 1.0),
                     velocity=rng.randint(1, 127), program=track * 8, instrument=track,
                     is_drum=(track == tracks - 1))
    fig, ax = plot_pianoroll(seq, time_unit="beats", marker=600)
    assert len(ax.collections) <= tracks + 2
    assert len(ax.patches) == 0
    assert sum(len(c.get_paths()) for c in bars(ax)) == 35000
    assert ax.get_xlim()[1] >= 1200
    fig.canvas.draw()


# --- several pieces ----------------------------------------------------------------------

def test_three_pieces_with_markers():
    seqs = [two_instruments(), one_bar_of_seconds(60), new_sequence()]
    fig, axes = plot_pianorolls(seqs, titles=["t=0.5", "t=1.0", "t=1.5"],
                                markers=[1.0, 2.0, None])
    assert len(axes) == 3
    assert all(ax.figure is fig for ax in axes)
    assert [ax.get_title() for ax in axes][:2] == ["t=0.5", "t=1.0"]
    assert "empty" in axes[2].get_title()
    for ax, x in zip(axes[:2], [1.0, 2.0]):
        lines = [line for line in ax.get_lines() if line.get_label() == "prompt ends here"]
        assert len(lines) == 1 and np.allclose(lines[0].get_xdata(), x)
    assert not axes[2].get_lines()
    # sharey: every plot shows every piece's notes
    low, high = axes[0].get_ylim()
    assert low < 60 and high > 76
    fig.canvas.draw()


def test_pieces_grid_and_kwargs():
    seqs = [two_instruments()] * 5
    fig, axes = plot_pianorolls(seqs, ncols=2, time_unit="beats", shade=(0.0, 1.0))
    assert len(axes) == 5 and len(fig.axes) == 5  # the unused sixth cell is removed
    assert all(ax.get_xlabel() == "time (beats)" for ax in axes)
    assert all(len(ax.patches) == 1 for ax in axes)


def test_pieces_errors():
    with pytest.raises(ValueError, match="empty list"):
        plot_pianorolls([])
    with pytest.raises(ValueError, match="titles"):
        plot_pianorolls([two_instruments()] * 2, titles=["only one"])
    with pytest.raises(ValueError, match="markers"):
        plot_pianorolls([two_instruments()] * 2, markers=[1.0])
    with pytest.raises(TypeError, match="plot_pianoroll"):
        plot_pianorolls(two_instruments())
    with pytest.raises(TypeError, match="piece 1.*got dict"):
        plot_pianorolls([two_instruments(), {}])
    with pytest.raises(TypeError, match="markers="):
        plot_pianorolls([two_instruments()], marker=1.0)


def test_import_helpers_does_not_load_matplotlib():
    import subprocess
    import sys

    code = "import sys, helpers; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
