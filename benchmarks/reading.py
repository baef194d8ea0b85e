"""Reading MIDI files stays bounded in time and memory: the size limit, measured.

The course refuses MIDI files above ``helpers.midi_file.MAX_MIDI_BYTES``
because mido and pretty_midi keep every event as a Python object: reading
costs far more memory than the file's size. This script builds the densest
files it can (note events with running status, 3 bytes each) at a few sizes
up to the limit, reads each in a fresh child process, and prints the time,
the peak memory and the memory per byte of file; then it shows that a file
ten times the limit is refused at once. Run with::

    .venv/bin/python benchmarks/reading.py
"""

import json
import resource
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpers import midi_file  # noqa: E402

FRACTIONS = (0.25, 0.5, 1.0)  # of the limit


def dense_midi(size):
    """A one-track MIDI file of about ``size`` bytes: note on/off pairs, 3 bytes an event."""
    events = bytearray(b"\x00\x90\x3c\x40")
    pitch = 60
    while len(events) < size - 40:
        events += bytes([10, pitch, 0, 0, 40 + (pitch + 7) % 48, 64])
        pitch = 40 + (pitch + 7) % 48
    events += bytes([10, pitch, 0]) + b"\x00\xff\x2f\x00"
    return b"MThd" + struct.pack(">IHHH", 6, 0, 1, 480) + b"MTrk" + struct.pack(">I", len(events)) \
        + bytes(events)


def child(path):
    from helpers import notes
    from helpers.errors import ReadError

    notes.note_seq()  # imports are not part of the cost
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    try:
        seq = notes.load_midi(path)
        result = {"notes": len(seq.notes)}
    except ReadError as err:
        result = {"refused": err.reason[:70]}
    result["seconds"] = time.perf_counter() - start
    result["extra_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before
    return result


def run_child(path):
    out = subprocess.run([sys.executable, __file__, "--child", str(path)], capture_output=True,
                         text=True, cwd=ROOT)
    if out.returncode != 0:
        return {"error": out.stderr.strip()[-300:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    limit = midi_file.MAX_MIDI_BYTES
    print(f"MAX_MIDI_BYTES = {limit:,} bytes ({limit / 2**20:g} MB)\n")
    print(f"{'file MB':>8s} {'events':>9s} {'notes':>8s} {'read s':>7s} {'extra MB':>9s} "
          f"{'memory / file size':>19s}")
    with tempfile.TemporaryDirectory() as folder:
        for fraction in FRACTIONS + (10.0,):
            path = Path(folder) / f"dense_{fraction}.mid"
            path.write_bytes(dense_midi(int(limit * fraction)))
            size = path.stat().st_size
            r = run_child(path)
            if "error" in r:
                print(f"{size / 2**20:8.2f} {r['error']}")
            elif "refused" in r:
                print(f"{size / 2**20:8.2f} refused in {r['seconds'] * 1000:.1f} ms, "
                      f"{r['extra_mb']:.0f} MB extra: {r['refused']}...")
            else:
                events = (size - 30) // 3
                print(f"{size / 2**20:8.2f} {events:9,d} {r['notes']:8,d} {r['seconds']:7.2f} "
                      f"{r['extra_mb']:9.0f} {r['extra_mb'] * 2**20 / size:18.0f}x")
    print("\nextra MB = the child's peak resident memory while reading, minus the peak after imports")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(sys.argv[2])))
    else:
        main()
