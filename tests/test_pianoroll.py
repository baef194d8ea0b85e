"""Tests for helpers.pianoroll: piano-roll plots of NoteSequences."""

import io
import math
import random

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection, PathCollection, PolyCollection  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from helpers import meter as meter_module  # noqa: E402
from helpers import music  # noqa: E402
from helpers.notes import add_note, new_sequence  # noqa: E402
from helpers.pianoroll import plot_pianoroll, plot_pianorolls  # noqa: E402
from helpers.tokenizers import PositionTokenizer  # noqa: E402


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


# --- bar and beat lines -------------------------------------------------------------------

def drawn_lines(ax, gid):
    """The x positions of the bar lines (``gid="bar lines"``) or beat lines drawn on ``ax``."""
    found = [c for c in ax.collections if isinstance(c, LineCollection) and c.get_gid() == gid]
    assert len(found) <= 1
    return [float(segment[0][0]) for segment in found[0].get_segments()] if found else []


def jig_with_pickup():
    """A 6/8 tune with an eighth-note pickup at the end of bar 0 (as the corpus stores one).

    Bar 0 is 3 quarter notes long; the pickup fills its last eighth (2.5 to 3
    quarters), so the first full bar starts at 3. 120 qpm until the third bar
    line (6 quarters, 3 s), then 60 qpm: bars last 1.5 s, then 3 s.
    """
    seq = new_sequence(qpm=120, numerator=6, denominator=8)
    seq.tempos.add(time=3.0, qpm=60)
    tempo_map = music.TempoMap(seq)
    # (pitch, start, end) in quarter notes: the pickup, then two bars of D - F# - A
    for pitch, start, end in [(57, 2.5, 3.0), (62, 3.0, 4.0), (66, 4.0, 4.5), (69, 4.5, 6.0),
                              (74, 6.0, 7.5), (69, 7.5, 9.0)]:
        add_note(seq, pitch, tempo_map.seconds(start), tempo_map.seconds(end))
    return seq


def token_bar_starts(seq, end_quarters):
    """Where PositionTokenizer puts its bars (in quarter notes), up to ``end_quarters``."""
    from helpers.tokenizers.grid import Report

    tok = PositionTokenizer()
    changes = tok.meter_changes(seq, Report())
    return [step / tok.steps_per_quarter
            for step, _ in tok.bar_lines(changes, round(end_quarters * tok.steps_per_quarter))]


def test_bars_of_a_jig_with_a_pickup_in_beats():
    seq = jig_with_pickup()
    _, ax = plot_pianoroll(seq, time_unit="beats")
    assert ax.get_xlim() == (0.0, 9.0)
    assert drawn_lines(ax, "bar lines") == [0.0, 3.0, 6.0, 9.0]
    assert drawn_lines(ax, "beat lines") == [1.5, 4.5, 7.5]  # dotted quarters: two beats a bar
    pickup = bars(ax)[0].get_paths()[0].vertices[:, 0]
    assert pickup.min() == 2.5 and pickup.max() == 3.0  # the last eighth of bar 0
    # the tokens have their BARs where the piano roll has its bar lines
    assert token_bar_starts(seq, 9.0) == [0.0, 3.0, 6.0]
    tok = PositionTokenizer()
    assert tok.tokens(seq)[:5] == ["BOS", "BAR", "TIMESIG_6/8", "POSITION_10", "NOTE_ON_57"]


def test_bars_of_a_jig_with_a_pickup_in_seconds_follow_the_tempo():
    _, ax = plot_pianoroll(jig_with_pickup(), time_unit="seconds")
    assert ax.get_xlim() == (0.0, 6.0)  # 3 s at 120 qpm, then 3 quarters at 60 qpm
    assert drawn_lines(ax, "bar lines") == [0.0, 1.5, 3.0, 6.0]
    assert drawn_lines(ax, "beat lines") == [0.75, 2.25, 4.5]


def meter_change(at_quarters):
    """3/4, then 2/4 from ``at_quarters``; a note in every quarter for 14 quarters, at 90 qpm."""
    seq = new_sequence(qpm=90, numerator=3, denominator=4)
    seq.tempos.add(time=4.0, qpm=180)  # from quarter 6 on, twice as fast
    tempo_map = music.TempoMap(seq)
    seq.time_signatures.add(time=tempo_map.seconds(at_quarters), numerator=2, denominator=4)
    for quarter in range(14):
        add_note(seq, 60 + quarter % 5, tempo_map.seconds(quarter), tempo_map.seconds(quarter + 1))
    return seq


@pytest.mark.parametrize("at,expected", [
    (6.0, [0.0, 3.0, 6.0, 8.0, 10.0, 12.0, 14.0]),  # on a bar line: from that bar on
    (7.0, [0.0, 3.0, 6.0, 9.0, 11.0, 13.0]),        # inside bar 2: from the next bar line
])
def test_time_signature_change_takes_effect_at_the_next_bar_line(at, expected):
    seq = meter_change(at)
    _, ax = plot_pianoroll(seq, time_unit="beats")
    assert drawn_lines(ax, "bar lines") == expected
    beats = drawn_lines(ax, "beat lines")
    assert beats == [q for q in range(1, 14) if q not in expected]  # a quarter each, in 3/4 and 2/4
    assert token_bar_starts(seq, 14.0) == [x for x in expected if x < 14]  # bars before the end
    tempo_map = music.TempoMap(seq)
    _, ax = plot_pianoroll(seq, time_unit="seconds")
    assert drawn_lines(ax, "bar lines") == pytest.approx(list(tempo_map.seconds(expected)))
    assert drawn_lines(ax, "beat lines") == pytest.approx(list(tempo_map.seconds(beats)))


@pytest.mark.parametrize("meter,bar,beats", [((4, 4), 4, [1, 2, 3]), ((3, 4), 3, [1, 2]),
                                             ((2, 2), 4, [2]), ((5, 8), 2.5, [0.5, 1, 1.5, 2]),
                                             ((9, 8), 4.5, [1.5, 3]), ((12, 8), 6, [1.5, 3, 4.5]),
                                             ((6, 4), 6, [3]), ((3, 8), 1.5, [0.5, 1])])
def test_beats_simple_and_compound(meter, bar, beats):
    assert meter_module.bar_length(*meter) == bar
    one_bar = meter_module.beat_lines(meter_module.bar_lines(new_sequence(
        numerator=meter[0], denominator=meter[1]), bar))
    assert one_bar.tolist() == beats


def test_meter_rules():
    seq = new_sequence()
    del seq.time_signatures[:]
    assert meter_module.meter_changes(seq) == [(0.0, 4, 4)]  # none: MIDI's 4/4
    seq.time_signatures.add(time=1.0, numerator=3, denominator=4)  # first at quarter 2: from 0
    seq.time_signatures.add(time=2.0, numerator=0, denominator=4)  # no meter: ignored
    seq.time_signatures.add(time=2.5, numerator=1, denominator=128)  # a bar of a 128th: ignored
    assert meter_module.meter_changes(seq) == [(2.0, 3, 4)]
    assert meter_module.bar_lines(seq, 7.0) == [(0.0, 3, 4), (3.0, 3, 4), (6.0, 3, 4)]
    assert meter_module.bar_lines(seq, 0.0) == []


def test_bar_lines_agree_with_the_tokens_on_random_meters():
    rng = random.Random(1)
    meters = [(4, 4), (3, 4), (2, 4), (6, 8), (5, 8), (7, 8), (2, 2), (12, 8)]
    for _ in range(100):
        seq = new_sequence(qpm=rng.choice([60, 90, 120, 150]))
        seq.tempos.add(time=rng.uniform(0, 10), qpm=rng.choice([50, 100, 200]))
        tempo_map = music.TempoMap(seq)
        del seq.time_signatures[:]
        for _ in range(rng.randint(1, 4)):  # on the 16th grid, on or off the bar lines
            numerator, denominator = rng.choice(meters)
            seq.time_signatures.add(time=tempo_map.seconds(rng.randrange(0, 160) / 4),
                                    numerator=numerator, denominator=denominator)
        end = rng.randrange(4, 200) / 4
        starts = [start for start, _, _ in meter_module.bar_lines(seq, end)]
        assert starts == token_bar_starts(seq, end)


def test_grid_can_be_turned_off():
    _, ax = plot_pianoroll(jig_with_pickup(), grid=False)
    assert not [c for c in ax.collections if isinstance(c, LineCollection)]
    _, ax = plot_pianoroll(jig_with_pickup())
    assert drawn_lines(ax, "bar lines")


def test_dense_bar_lines_are_thinned_to_every_few_bars():
    seq = new_sequence(qpm=120)
    add_note(seq, 60, 0.0, 600.0)  # ten minutes of 4/4: 300 bars, 1,200 beats
    _, ax = plot_pianoroll(seq, time_unit="beats")
    lines = drawn_lines(ax, "bar lines")
    assert lines[:3] in ([0, 8, 16], [0, 16, 32], [0, 32, 64])  # every 2nd, 4th or 8th bar
    assert 300 / 8 <= len(lines) <= 300 / 2 + 1
    assert not drawn_lines(ax, "beat lines")


def test_time_range_zooms_in():
    _, ax = plot_pianoroll(jig_with_pickup(), time_unit="beats", time_range=(3, 6))
    assert ax.get_xlim() == (3.0, 6.0)
    with pytest.raises(ValueError, match="time_range"):
        plot_pianoroll(jig_with_pickup(), time_range=(6, 3))
    with pytest.raises(ValueError, match="time_range.*empty"):
        plot_pianoroll(jig_with_pickup(), time_range=(3, 3))
    with pytest.raises(TypeError, match="time_range start"):
        plot_pianoroll(jig_with_pickup(), time_range=("start", 3))


# --- readable figures ------------------------------------------------------------------------

def png_size(fig):
    """The PNG's (width, height) in pixels as JupyterLab's inline backend saves it."""
    from PIL import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")  # the inline backend's setting
    buffer.seek(0)
    return Image.open(buffer).size


def smallest_text(fig):
    return min(t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text())


def three_continuations():
    """Lesson 5's case: one prompt, three continuations of different lengths."""
    rng = random.Random(5)
    pieces = []
    for length in (300, 120, 60):
        seq = new_sequence(qpm=120, numerator=6, denominator=8)
        for i in range(length // 3):
            add_note(seq, rng.randint(60, 84), i * 0.25, i * 0.25 + 0.25)
        pieces.append(seq)
    return pieces


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5])
def test_comparison_figures_fit_the_notebook_and_share_time(count):
    pieces = (three_continuations() * 2)[:count]
    fig, axes = plot_pianorolls(pieces, [f"temperature {t}" for t in range(count)],
                                markers=[3.0] * count)
    width, height = png_size(fig)
    assert width <= 960 and height >= 200 * math.ceil(count / (1 if count <= 3 else 2))
    assert smallest_text(fig) >= 9
    assert {ax.get_xlim() for ax in axes} == {(0.0, 25.0)}  # the longest piece: 100 quarters
    columns = 1 if count <= 3 else 2
    assert len({ax.get_position().x0 for ax in axes}) == columns
    # the time axis is labelled under the lowest plot of each column only
    labelled = [ax.xaxis.label.get_visible() for ax in axes]
    assert labelled == [i + columns >= count for i in range(count)]
    assert fig.legends and [t.get_text() for t in fig.legends[0].get_texts()] == [
        "Acoustic Grand Piano (program 0)", "prompt ends here"]  # one legend, each entry once


def test_one_piece_fits_the_notebook():
    fig, _ = plot_pianoroll(two_instruments(), title="a title")
    assert png_size(fig)[0] <= 960
    assert smallest_text(fig) >= 9


def dense_piece(minutes=5, qpm=120):
    """Thousands of notes over minutes: 16th notes on top, a held chord every bar below."""
    rng = random.Random(2)
    seq = new_sequence(qpm=qpm)
    sixteenth = 15 / qpm
    for i in range(int(minutes * 60 / sixteenth)):
        add_note(seq, rng.randint(72, 96), i * sixteenth, (i + 0.9) * sixteenth,
                 velocity=rng.randint(30, 110))
    for bar in range(int(minutes * qpm / 4)):
        for pitch in (48, 52, 55):
            add_note(seq, pitch, bar * 16 * sixteenth, (bar + 1) * 16 * sixteenth, instrument=1)
    return seq


def test_every_note_of_a_dense_piece_is_at_least_a_pixel_wide():
    seq = dense_piece()
    assert len(seq.notes) >= 2000 and seq.total_time >= 300
    fig, ax = plot_pianoroll(seq)
    fig.canvas.draw()
    one_point = fig.dpi / 72  # pixels
    widest, narrowest = 0.0, np.inf
    for collection in bars(ax):
        xs = np.array([ax.transData.transform(p.vertices)[:, 0] for p in collection.get_paths()])
        widths = xs.max(axis=1) - xs.min(axis=1) + collection.get_linewidths()[0] * one_point
        narrowest, widest = min(narrowest, widths.min()), max(widest, widths.max())
    assert 1.0 <= narrowest < 2.0  # a 16th note is 0.25 px wide, drawn with a 1 px edge
    assert widest > 3  # a held chord: a bar of 2 s


def test_a_note_shorter_than_a_pixel_still_shows():
    """Render the figure and measure each tiny note's ink: at least one pixel's worth."""
    seq = new_sequence(qpm=120)
    times = [20.0 + 29.0 * k for k in range(20)]
    for k, start in enumerate(times):  # 10 ms notes in a 10-minute piece: 0.015 px wide
        add_note(seq, 62 + k % 8, start, start + 0.01, velocity=127)
    add_note(seq, 70, 599.0, 600.0, velocity=127)
    fig, ax = plot_pianoroll(seq, legend=False, grid=False, pitch_range=(61, 71))
    fig.canvas.draw()
    image = np.asarray(fig.canvas.buffer_rgba())[:, :, 0].astype(float)  # red: the blue's contrast
    red = 0x1F  # the first instrument's colour, #1f77b4, fully opaque
    for k, start in enumerate(times):
        x, y = ax.transData.transform((start + 0.005, 62 + k % 8))
        row = image[int(image.shape[0] - y), int(x) - 4:int(x) + 5]
        ink = ((255 - row) / (255 - red)).clip(0, 1).sum()  # pixels' worth of the note's colour
        assert ink >= 0.9, (start, ink)
