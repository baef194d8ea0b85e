"""Parse ABC tunes with symusic (which runs abc2midi), bar lines included, in worker processes.

abc2midi knows where the bars are, but a MIDI file has no bar lines. One
trick brings them out: a ``%%MIDI drum`` pattern restarts at every bar line,
so with a one-hit pattern switched on (:data:`BAR_DRUM`) abc2midi writes an
extra drum track with one hit at the start of the piece and one at each bar
line, repeats expanded. :func:`parse_abc_tune` reads the bar lines from it
and drops it; ``bars.align_to_bars`` then puts a pickup at the end of bar 0.
"""

import contextlib
import os
import re
import sys
import tempfile

import numpy as np

from helpers.corpus.abc_cleaning import strip_midi_directives, strip_ornaments
from helpers.corpus.abc_fields import tune_row
from helpers.corpus.bars import align_to_bars, inner_bar_lines
from helpers.corpus.layout import TPQ, concat, note_stats, sort_notes

# After the K: line (abc2midi refuses drumon before it): no chord accompaniment
# for the chord symbols some tunes carry ("A MINOR"), the notes of a written
# chord [ceg] all at once (abc2midi staggers them by 10 ticks otherwise), and
# one drum hit per bar.
BAR_DRUM = "%%MIDI gchordoff\n%%MIDI chordattack 0\n%%MIDI drum d 76 100\n%%MIDI drumon"


@contextlib.contextmanager
def captured_output():
    """Send everything written to file descriptors 1 and 2 to a temporary file.

    symusic runs the abc2midi program, which prints its warnings straight to
    the terminal, below Python's ``sys.stdout``; only redirecting the file
    descriptors themselves (``os.dup2``) catches them. Yields the file's
    descriptor; read it with :func:`take_output`.
    Example: ``with captured_output() as fd: parse_abc_tune(tune)``
    """
    with tempfile.TemporaryFile() as capture:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        saved = [os.dup(1), os.dup(2)]
        os.dup2(capture.fileno(), 1)
        os.dup2(capture.fileno(), 2)
        try:
            yield capture.fileno()
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def take_output(fd: int) -> str:
    """What was written to the capture file since the last call, on one line; empties it.

    Example: ``take_output(fd)`` -> ``"Warning in line-char 5-3 : Track 1 Bar 2 has 5 time units ..."``
    """
    size = os.lseek(fd, 0, os.SEEK_END)
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, size).decode("utf-8", errors="replace") if size else ""
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    return " ".join(text.split())


def with_bar_drum(tune: str) -> str:
    """The tune with :data:`BAR_DRUM` after its first ``K:`` line (after the first line if it has none).

    Example: ``with_bar_drum("X:1\\nK:G\\nG|")`` -> ``"X:1\\nK:G\\n%%MIDI gchordoff\\n...\\n%%MIDI drumon\\nG|"``
    """
    key = re.search(r"(?m)^K:.*$", tune) or re.search(r"^.*$", tune)
    return f"{tune[:key.end()]}\n{BAR_DRUM}{tune[key.end():]}"


def parse_abc_tune(tune: str) -> tuple[dict, float, np.ndarray]:
    """The notes of one ABC tune as integer arrays, its tempo (qpm) and its bar lines.

    The tune is parsed as it is given (see :func:`parse_abc_file` for the
    cleaning). Times are ticks, 480 per quarter, from the start of the
    piece; the bar lines are abc2midi's (see the module's docstring).
    abc2midi starts every note one tick late (its ends are exact), so starts
    move back one tick. Raises whatever symusic raises.
    Example: ``parse_abc_tune("X:1\\nM:6/8\\nL:1/8\\nK:C\\nG|c2e\\n")[2].tolist()`` -> ``[0, 240, ...]``
    """
    import symusic

    score = symusic.Score.from_abc(with_bar_drum(tune))
    tracks = [track.notes.numpy() for track in score.tracks if not track.is_drum]
    drums = [track.notes.numpy() for track in score.tracks if track.is_drum]

    def ticks(times):
        return np.maximum(times - 1, 0) * TPQ // score.tpq

    start = concat([t["time"] for t in tracks])
    end = start + concat([t["duration"] for t in tracks])
    notes = {
        "pitch": concat([t["pitch"] for t in tracks]),
        "start": ticks(start),
        "end": end * TPQ // score.tpq,
        "velocity": concat([t["velocity"] for t in tracks]),
        "voice": concat([np.full(len(t["pitch"]), i) for i, t in enumerate(tracks)]),
    }
    bar_lines = np.unique(ticks(concat([d["time"] for d in drums])))
    qpm = round(score.tempos[0].qpm, 3) if len(score.tempos) else 120.0
    return sort_notes(notes), float(qpm), bar_lines


def parse_abc_file(collection: str, source: str, tunes: list) -> dict:
    """Parse the tunes of one ABC file (runs in a worker process).

    ``tunes`` is a list of ``(index, text)``. Each tune loses its ornaments
    and ``%%MIDI`` lines (``abc_cleaning``), is parsed, and its notes are
    moved so that a pickup ends bar 0 (``bars.align_to_bars``). Returns
    ``{"rows", "notes", "failures", "counts"}``: a row per tune read, their
    notes one after another, a failure (with the reason and abc2midi's
    messages) per tune that raised or gave no notes, and counts for the
    manifest. Nothing reaches the learner's screen.
    Example: ``parse_abc_file("essen", "essenFolksong/han1.abc", [(1, text)])["rows"][0]["pickup"]`` -> ``0.0``
    """
    result = {"rows": [], "notes": [], "failures": [],
              "counts": {"grace_notes": 0, "tunes_with_grace_notes": 0, "ornaments": 0,
                         "bar_lines": 0, "bar_lines_off_grid": 0}}
    with captured_output() as fd:
        for index, tune in tunes:
            row = tune_row(collection, source, index, tune)
            text, removed = strip_ornaments(strip_midi_directives(tune))
            try:
                notes, row["qpm"], bar_lines = parse_abc_tune(text)
                problem = "" if len(notes["pitch"]) else "no notes"
            except Exception as err:  # symusic raises RuntimeError, ValueError, ...
                problem = f"{type(err).__name__}: {err}"
            messages = take_output(fd)
            if problem:
                reason = f"{problem}; abc2midi says: {messages[:500]}" if messages else problem
                result["failures"].append({"id": row["id"], "source": source, "tune": row["tune"],
                                           "title": row["title"], "reason": reason})
                continue
            n_bar_lines = len(inner_bar_lines(bar_lines, int(notes["end"].max())))
            notes, pickup, off_grid = align_to_bars(notes, bar_lines, row["meter"])
            row.update(pickup=round(pickup / TPQ, 4), bars_off_grid=off_grid, **note_stats(notes))
            result["rows"].append(row)
            result["notes"].append(notes)
            add_counts(result["counts"], removed, n_bar_lines, off_grid)
    return result


def add_counts(counts: dict, removed: dict, n_bar_lines: int, off_grid: int) -> None:
    """Add one tune's figures to its file's counts (for the manifest).

    Example: ``add_counts(counts, {"grace_notes": 2, "ornaments": 0}, 32, 0)``
    """
    counts["grace_notes"] += removed["grace_notes"]
    counts["tunes_with_grace_notes"] += int(removed["grace_notes"] > 0)
    counts["ornaments"] += removed["ornaments"]
    counts["bar_lines"] += n_bar_lines
    counts["bar_lines_off_grid"] += off_grid
