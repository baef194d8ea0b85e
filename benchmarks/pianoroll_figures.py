"""Are the piano rolls readable in a notebook? Size, text, note widths and time, measured on PNGs.

Four figures, each saved as a notebook shows it (``bbox_inches="tight"``, the
inline backend's setting, at matplotlib's 100 dpi) and measured:

1. lesson 5's case: three continuations of a jig by the shipped
   folk-transformer (0.7, 1.0, 1.3), as ``plot_continuations`` draws them;
2. a long dense piano piece built here: about 5 minutes, thousands of notes
   (16th-note figures over an Alberti bass), tempo changes, 4/4 then 3/4;
3. four corpus pieces of different meters in a 2 x 2 grid, in beats;
4. tests/test_pianoroll.py's ten-minute random piece: 40,000 notes in eight
   instruments, one of them drums (the time to plot and draw them).

For each: the PNG's size in pixels (JupyterLab's output area is about
900-970 pixels wide; a wider PNG is shrunk), the smallest font (points), the
narrowest note as drawn (pixels: its own width plus its one-pixel edge) and
without the edge, and how many bar and beat lines were drawn.

Run with::

    .venv/bin/python benchmarks/pianoroll_figures.py [--out output/benchmarks/pianoroll]

then open the PNGs at 100 %.
"""

import argparse
import random
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.collections import LineCollection, PolyCollection  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from PIL import Image  # noqa: E402

from helpers.music import TempoMap  # noqa: E402
from helpers.notes import add_note, new_sequence  # noqa: E402
from helpers.pianoroll import plot_pianoroll, plot_pianorolls  # noqa: E402


def dense_piano_piece(minutes=5.0, qpm=100.0, seed=0):
    """A piano piece: 16th notes over an Alberti bass, 4/4 then 3/4 from bar 41, two slower passages."""
    rng = random.Random(seed)
    seq = new_sequence(qpm=qpm)
    seq.id = "dense piano piece"
    time, last_beat, last_qpm = 0.0, 0, qpm
    for beat, new_qpm in ((120, qpm * 0.75), (128, qpm), (380, qpm * 0.6), (390, qpm)):
        time += (beat - last_beat) * 60 / last_qpm
        seq.tempos.add(time=time, qpm=new_qpm)
        last_beat, last_qpm = beat, new_qpm
    seconds = TempoMap(seq).seconds  # quarter notes -> seconds
    seq.time_signatures.add(time=seconds(160), numerator=3, denominator=4)
    scale = [0, 2, 4, 5, 7, 9, 11]
    chords = [[0, 4, 7], [5, 9, 12], [7, 11, 14], [0, 4, 7], [9, 12, 16], [2, 5, 9], [7, 11, 14]]
    for beat in range(int(minutes * qpm)):
        chord = chords[(beat // 4) % len(chords)]
        for sixteenth in range(4):  # right hand: 16th notes in the scale
            pitch = 72 + rng.choice(scale) + 12 * rng.choice([0, 0, 1])
            start = beat + sixteenth / 4
            add_note(seq, pitch, seconds(start), seconds(start + 0.22), velocity=rng.randint(50, 100))
        for eighth in range(2):  # left hand: Alberti bass, low - high - middle - high
            pitch = 48 + chord[[0, 2, 1, 2][(2 * beat + eighth) % 4]]
            start = beat + eighth / 2
            add_note(seq, pitch, seconds(start), seconds(start + 0.48), velocity=rng.randint(40, 70),
                     instrument=1)
        if beat % 4 == 0:  # a long bass note every four beats
            add_note(seq, 36 + chord[0], seconds(beat), seconds(beat + 4), velocity=60, instrument=1)
    return seq


def lesson5_continuations():
    """Lesson 5's cell: three continuations of Ryan's jig no. 4 by the shipped model."""
    from helpers import corpus, dataset
    from helpers.checkpoints import load_pretrained
    from helpers.generate import continue_primer

    model, tokenizer = load_pretrained("folk-transformer")
    table = corpus.corpus_table()
    jig_id = dataset.filter_pieces(table, collection="ryans", type="jig").iloc[3]["id"]
    return continue_primer(model, tokenizer, corpus.load_piece(jig_id), n_notes=12,
                           n_tokens=300, temperatures=(0.7, 1.0, 1.3), seed=0)


def grid_figure():
    """Four corpus pieces of different meters, two by two, in beats."""
    from helpers import corpus, dataset

    table = corpus.corpus_table()
    pieces, titles = [], []
    for collection, kind in (("ryans", "jig"), ("ryans", "reel"), ("ryans", "hornpipe"),
                             ("chorales", None)):
        filters = {"collection": collection} | ({"type": kind} if kind else {})
        row = dataset.filter_pieces(table, **filters).iloc[0]
        pieces.append(corpus.load_piece(row["id"]))
        titles.append(f"{row['title']} ({row['meter']})")
    return plot_pianorolls(pieces, titles, time_unit="beats")


def orchestral_piece(tracks=8, notes_per_track=5000, seconds=600):
    """tests/test_pianoroll.py's long piece: 8 instruments (one of them drums), 5,000 random notes each."""
    rng = random.Random(0)
    seq = new_sequence(qpm=120)
    for track in range(tracks):
        for _ in range(notes_per_track):
            start = rng.uniform(0, seconds)
            add_note(seq, rng.randint(30, 90), start, start + rng.uniform(0.05, 1.0),
                     velocity=rng.randint(1, 127), program=track * 8, instrument=track,
                     is_drum=(track == tracks - 1))
    return seq


def measure(fig, path):
    """Save as the notebook would; the PNG's size, smallest text, narrowest notes and line counts."""
    fig.savefig(path, bbox_inches="tight")
    width, height = Image.open(path).size
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]
    one_pixel = fig.dpi / 72  # pixels per point
    narrowest, drawn, bars, beats = np.inf, np.inf, 0, 0
    for ax in fig.axes:
        for collection in ax.collections:
            if isinstance(collection, PolyCollection):
                xs = np.array([ax.transData.transform(path.vertices)[:, 0]
                               for path in collection.get_paths()])
                left, right = ax.transAxes.transform([(0, 0), (1, 0)])[:, 0]
                seen = (xs.max(axis=1) > left) & (xs.min(axis=1) < right)  # notes in the view
                widths = (xs.max(axis=1) - xs.min(axis=1))[seen]
                edge = collection.get_linewidths()[0] * one_pixel
                narrowest, drawn = min(narrowest, widths.min()), min(drawn, widths.min() + edge)
            elif isinstance(collection, LineCollection):
                count = len(collection.get_segments())
                bars += count if collection.get_gid() == "bar lines" else 0
                beats += count if collection.get_gid() == "beat lines" else 0
    return {"png": f"{width} x {height} px", "smallest text": f"{min(sizes):g} pt",
            "narrowest note": f"{narrowest:.2f} px, drawn {drawn:.2f} px",
            "lines": f"{bars} bar, {beats} beat"}


def timed(make):
    start = time.perf_counter()
    fig, axes = make()
    fig.canvas.draw()
    return fig, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "output" / "benchmarks" / "pianoroll"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from helpers.generate import plot_continuations

    dense = dense_piano_piece()
    orchestral = orchestral_piece()
    continuations = lesson5_continuations()
    cases = [
        ("lesson5_continuations", lambda: plot_continuations(continuations, time_unit="seconds")),
        ("dense_piano_seconds", lambda: plot_pianoroll(dense, title="dense piano piece")),
        ("dense_piano_first_16_bars", lambda: plot_pianoroll(dense, time_unit="beats",
                                                             time_range=(0, 64))),
        ("four_pieces_grid", grid_figure),
        ("orchestral_40000_notes", lambda: plot_pianoroll(orchestral, time_unit="beats")),
    ]
    print(f"dense piano piece: {len(dense.notes)} notes, {dense.total_time / 60:.1f} minutes; "
          f"orchestral: {len(orchestral.notes)} notes")
    for name, make in cases:
        fig, seconds = timed(make)
        path = out / f"{name}.png"
        figures = measure(fig, path)
        print(f"{name:28s} plot+draw {seconds:5.2f} s  " + "  ".join(
            f"{key}: {value}" for key, value in figures.items()))
        plt.close(fig)
    print(f"PNGs in {out}")


if __name__ == "__main__":
    main()
