"""The small example pieces in ``data/examples/``, written by this code.

No third-party files: each piece is built here from public-domain tunes or
made-up patterns, so ``python -m helpers make-examples`` rebuilds them and a
test checks the committed files match. Lessons 0 and 1 load them with
``helpers.paths.example(name)``.
"""

from helpers import music
from helpers.notes import add_note, new_sequence, sequence_to_midi_bytes
from helpers.paths import EXAMPLES_DIR

C4 = 60


def twinkle():
    """"Twinkle, Twinkle, Little Star" (traditional), one piano voice, 100 qpm."""
    tune = [0, 0, 7, 7, 9, 9, 7, None, 5, 5, 4, 4, 2, 2, 0, None]
    pitches = [None if p is None else C4 + p for p in tune]
    seq = music.melody(pitches, beats=1.0, qpm=100, velocity=80)
    seq.filename = "twinkle.mid"
    return seq


def band():
    """Four bars for a small band: melody (flute), chords (piano), bass, and drums."""
    seq = new_sequence(qpm=110)
    beat = 60 / 110
    chords = [[60, 64, 67], [57, 60, 64], [53, 57, 60], [55, 59, 62]]  # C Am F G
    tune = [72, 71, 69, 67, 69, 72, 74, 72, 69, 67, 65, 64, 67, 71, 74, 79]
    for bar, chord in enumerate(chords):
        t0 = bar * 4 * beat
        for pitch in chord:
            add_note(seq, pitch, t0, t0 + 4 * beat, velocity=60, program=0, instrument=1)
        for b in range(4):
            add_note(seq, chord[0] - 24, t0 + b * beat, t0 + (b + 0.9) * beat,
                     velocity=90 if b % 2 == 0 else 70, program=33, instrument=2)
            add_note(seq, tune[bar * 4 + b], t0 + b * beat, t0 + (b + 1) * beat,
                     velocity=70 + 10 * (b == 0), program=73, instrument=0)
        for eighth in range(8):
            t = t0 + eighth * beat / 2
            add_note(seq, 42, t, t + 0.1, velocity=50 + 20 * (eighth % 2 == 0),
                     instrument=9, is_drum=True)           # closed hi-hat
            if eighth in (0, 4):
                add_note(seq, 36, t, t + 0.1, velocity=100, instrument=9, is_drum=True)  # kick
            if eighth in (2, 6):
                add_note(seq, 38, t, t + 0.1, velocity=90, instrument=9, is_drum=True)   # snare
    seq.filename = "band.mid"
    return seq


def waltz():
    """A waltz in 3/4 that speeds up from 90 to 150 qpm: a piece with tempo changes."""
    seq = new_sequence(qpm=90, numerator=3, denominator=4)
    pattern = [[48, None, None], [None, 64, 64], [None, 67, 67]]  # bass, chord, chord
    time = 0.0
    for bar in range(8):
        qpm = 90 + bar * 60 / 7
        if bar:
            seq.tempos.add(time=time, qpm=qpm)
        beat = 60 / qpm
        for b in range(3):
            for pitch in filter(None, (row[b] for row in pattern)):
                add_note(seq, pitch + (bar % 2) * 5, time + b * beat, time + (b + 0.8) * beat,
                         velocity=90 if b == 0 else 60)
        time += 3 * beat
    seq.filename = "waltz.mid"
    return seq


def played_scale():
    """A C major scale "played by hand": starts off the grid by a few hundredths of a second.

    Lesson 1 quantizes it back onto a 16th-note grid. The offsets are fixed so
    the file is always the same.
    """
    offsets = [0.02, -0.03, 0.04, 0.01, -0.02, 0.05, -0.04, 0.03]
    seq = new_sequence(qpm=120)
    for i, (step, off) in enumerate(zip([0, 2, 4, 5, 7, 9, 11, 12], offsets)):
        start = max(0.0, i * 0.5 + off)
        add_note(seq, C4 + step, start, start + 0.42 - off / 2, velocity=64 + 5 * (i % 3))
    seq.filename = "played_scale.mid"
    return seq


EXAMPLES = {"twinkle.mid": twinkle, "band.mid": band, "waltz.mid": waltz,
            "played_scale.mid": played_scale}


def write_examples(check=False, folder=EXAMPLES_DIR):
    """Write every example (or, with ``check``, list those that differ). Returns the problems."""
    problems = []
    folder.mkdir(parents=True, exist_ok=True)
    for name, build in EXAMPLES.items():
        data = sequence_to_midi_bytes(build())
        path = folder / name
        if check:
            if not path.exists() or path.read_bytes() != data:
                problems.append(f"out of date: data/examples/{name}")
        else:
            path.write_bytes(data)
    return problems
