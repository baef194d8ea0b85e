"""How fast is playback, how big is it in the notebook, and does the budget hold?

Three measurements, each in a fresh child process (so that its peak memory is
its own), for every available backend:

1. a 30-second piece for four instruments (piano melody, string chords, bass,
   drums): render time (median of a few runs, after one warm-up) and the
   size of what ``play`` embeds in the notebook, per second of music;
2. the 13-hour file: two notes 13 hours apart (one huge delta time). Whole,
   it would need 9 GB in midirenderer; ``play`` must cut it to 3 minutes;
3. a dense 6-minute piece (about 40 notes a second): ``play`` renders its
   first 3 minutes.

Run with::

    .venv/bin/python benchmarks/playback.py
"""

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from helpers import playback  # noqa: E402
from helpers.notes import add_note, new_sequence  # noqa: E402

SECONDS = 30.0
RUNS = 5
DENSE_SECONDS = 360.0


def build_piece(seconds=SECONDS, notes_per_beat=2):
    """Piano, strings, bass and drums at 120 qpm; ``notes_per_beat`` piano notes a beat."""
    seq = new_sequence(qpm=120)
    melody = [0, 2, 4, 5, 7, 9, 7, 5, 4, 2, 0, -1]
    step = 0.5 / notes_per_beat
    for i in range(int(seconds / step)):  # piano
        add_note(seq, 72 + melody[i % len(melody)], i * step, i * step + step * 0.9, velocity=85)
    for bar in range(int(seconds / 2)):  # strings (program 48), a chord per bar
        root = 48 + [0, 5, 7, 0][bar % 4]
        for pitch in (root, root + 4, root + 7):
            add_note(seq, pitch, bar * 2.0, bar * 2.0 + 2.0, velocity=60, program=48, instrument=1)
        for beat in range(4):  # bass (program 33), quarter notes
            add_note(seq, root - 12, bar * 2.0 + beat * 0.5, bar * 2.0 + beat * 0.5 + 0.45,
                     velocity=90, program=33, instrument=2)
    for i in range(int(seconds / 0.125)):  # drums: kick, snare, hi-hats
        pitch = {0: 36, 4: 38}.get(i % 8, 42)
        add_note(seq, pitch, i * 0.125, i * 0.125 + 0.1, velocity=100, instrument=9, is_drum=True)
    return seq


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_short(backend):
    """Render time and embedded size per second for the 30-second piece."""
    seq = build_piece()
    start = time.perf_counter()
    rendered = playback.render(seq, backend=backend)
    first = time.perf_counter() - start
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        rendered = playback.render(seq, backend=backend)
        times.append(time.perf_counter() - start)
    page = playback.play(seq, backend=backend)._repr_html_()
    return {"used": rendered.backend, "first_s": first, "median_s": statistics.median(times),
            "wav_kb_per_s": len(playback.to_wav_bytes(rendered)) / 1024 / SECONDS,
            "page_kb_per_s": len(page) / 1024 / SECONDS, "peak_mb": peak_mb()}


def child_play(backend, path_or_piece):
    """Time, audio length, embedded size and peak memory of one ``play``."""
    before = peak_mb()
    start = time.perf_counter()
    player = playback.play(path_or_piece, backend=backend)
    took = time.perf_counter() - start
    return {"used": player.backend, "play_s": took, "audio_s": player.rendered.seconds,
            "piece_s": player.rendered.piece_seconds, "page_mb": len(player.html) / 2**20,
            "peak_mb": peak_mb(), "peak_before_mb": before}


def child(scenario, backend, path):
    limit = 2 * 1024 ** 3  # the same cap as the test: the kernel would die above it
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if scenario == "short":
        return child_short(backend)
    if scenario == "13h":
        return child_play(backend, path)
    seq = build_piece(DENSE_SECONDS, notes_per_beat=12)
    return dict(child_play(backend, seq), notes=len(seq.notes))


def run_child(scenario, backend, path=""):
    out = subprocess.run([sys.executable, __file__, "--child", scenario, backend, path],
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        return {"error": f"exit {out.returncode}: {out.stderr.strip()[-300:]}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    from conftest import thirteen_hour_midi

    rows = playback.available_backends()
    for name, ok, reason in rows:
        print(f"  {name:13s} {'available' if ok else 'unavailable'}: {reason}")
    names = [name for name, ok, _ in rows if ok]
    print(f"\nlimits: MAX_SECONDS={playback.MAX_SECONDS:g}, MAX_NOTES={playback.MAX_NOTES:,}, "
          f"TAIL_SECONDS={playback.TAIL_SECONDS:g}; each child runs under a 2 GB address-space cap\n")

    print(f"1. a {SECONDS:g} s piece, 4 instruments")
    print(f"{'backend':13s} {'first call s':>12s} {'median s':>9s} {'render s per s':>14s} "
          f"{'WAV KB/s':>9s} {'embedded KB/s':>14s} {'peak MB':>8s}")
    for name in names:
        r = run_child("short", name)
        if "error" in r:
            print(f"{name:13s} {r['error']}")
            continue
        print(f"{name:13s} {r['first_s']:12.3f} {r['median_s']:9.3f} {r['median_s'] / SECONDS:14.4f} "
              f"{r['wav_kb_per_s']:9.1f} {r['page_kb_per_s']:14.1f} {r['peak_mb']:8.0f}")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "13_hours.mid"
        path.write_bytes(thirteen_hour_midi())
        for title, scenario in (("2. the 13-hour file (2 notes, one huge delta time)", "13h"),
                                (f"3. a dense {DENSE_SECONDS / 60:g}-minute piece", "dense")):
            print(f"\n{title}")
            print(f"{'backend':13s} {'play s':>7s} {'piece s':>9s} {'audio s':>8s} "
                  f"{'embedded MB':>12s} {'peak MB':>8s} {'notes':>7s}")
            for name in names:
                r = run_child(scenario, name, str(path))
                if "error" in r:
                    print(f"{name:13s} {r['error']}")
                    continue
                print(f"{name:13s} {r['play_s']:7.2f} {r['piece_s']:9.1f} {r['audio_s']:8.1f} "
                      f"{r['page_mb']:12.2f} {r['peak_mb']:8.0f} {r.get('notes', 2):7d}")
    print(f"\nmedian of {RUNS} runs after the first; embedded = the whole HTML that play() returns "
          "(WAV and MIDI as base64); peak MB = the child's peak resident memory, imports included")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(*sys.argv[2:5])))
    else:
        main()
