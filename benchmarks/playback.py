"""How fast is playback, and how big is it in the notebook?

Builds a 30-second piece for four instruments (piano melody, string chords,
bass, drums), then for each available backend prints the render time (median
of a few runs, after one warm-up) and the size of what ``play`` embeds in the
notebook, in KB per second of music. Run with::

    .venv/bin/python benchmarks/playback.py
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helpers import playback  # noqa: E402
from helpers.notes import add_note, new_sequence  # noqa: E402

SECONDS = 30.0
RUNS = 5


def build_piece():
    seq = new_sequence(qpm=120)
    melody = [0, 2, 4, 5, 7, 9, 7, 5, 4, 2, 0, -1]
    for i in range(120):  # piano, eighth notes
        add_note(seq, 72 + melody[i % len(melody)], i * 0.25, i * 0.25 + 0.22, velocity=85)
    for bar in range(15):  # strings (program 48), a chord per bar
        root = 48 + [0, 5, 7, 0][bar % 4]
        for pitch in (root, root + 4, root + 7):
            add_note(seq, pitch, bar * 2.0, bar * 2.0 + 2.0, velocity=60, program=48, instrument=1)
        for beat in range(4):  # bass (program 33), quarter notes
            add_note(seq, root - 12, bar * 2.0 + beat * 0.5, bar * 2.0 + beat * 0.5 + 0.45,
                     velocity=90, program=33, instrument=2)
    for i in range(240):  # drums: kick, snare, hi-hats
        pitch = {0: 36, 4: 38}.get(i % 8, 42)
        add_note(seq, pitch, i * 0.125, i * 0.125 + 0.1, velocity=100, instrument=9, is_drum=True)
    return seq


def measure(seq, backend):
    start = time.perf_counter()
    rendered = playback.render(seq, backend=backend)
    first = time.perf_counter() - start
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        rendered = playback.render(seq, backend=backend)
        times.append(time.perf_counter() - start)
    wav_kb = len(playback.to_wav_bytes(rendered)) / 1024 / SECONDS
    page_kb = len(playback.play(seq, backend=backend)._repr_html_()) / 1024 / SECONDS
    return rendered, first, statistics.median(times), wav_kb, page_kb


def main():
    seq = build_piece()
    print(f"piece: {len(seq.notes)} notes, {seq.total_time:.1f} s, 4 instruments (one drum track)\n")
    rows = playback.available_backends()
    for name, ok, reason in rows:
        print(f"  {name:13s} {'available' if ok else 'unavailable'}: {reason}")
    default = next(name for name, ok, _ in rows if ok)
    print(f"\ndefault backend: {default}\n")
    print(f"{'backend':13s} {'first call s':>12s} {'median s':>9s} {'WAV KB/s':>9s} {'embedded KB/s':>14s}")
    for name, ok, _ in rows:
        if not ok:
            print(f"{name:13s} {'-':>12s} {'-':>9s} {'-':>9s} {'-':>14s}")
            continue
        rendered, first, median, wav_kb, page_kb = measure(seq, name)
        used = "" if rendered.backend == name else f"  (fell back to {rendered.backend})"
        print(f"{name:13s} {first:12.3f} {median:9.3f} {wav_kb:9.1f} {page_kb:14.1f}{used}")
    print(f"\nmedian of {RUNS} runs after the first; embedded = the whole HTML that play() returns "
          "(WAV and MIDI as base64), per second of music")


if __name__ == "__main__":
    main()
