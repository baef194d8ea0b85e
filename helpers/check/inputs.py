"""Random inputs for the checks, drawn from the check's seeded ``random.Random``.

The inputs carry the traps real data has and simple test data hides: tempos
other than 120 and tempo changes after time 0, drums on channels other than
9 (and a pitched part on instrument 9), pitches with one and three digits,
unequal durations and velocities, notes stored out of time order.
"""

import random

from helpers.notes import add_note, new_sequence

METERS = ((4, 4), (3, 4), (2, 4), (6, 8))
DRUM_INSTRUMENTS = (9, 3, 10, 1)   # is_drum decides, not the channel number


def random_qpm(rng: random.Random) -> float:
    """A tempo in quarter notes per minute, anything from 50 to 200 except the default 120.

    Example: ``random_qpm(random.Random(0))`` -> ``148.0``
    """
    qpm = 120
    while qpm == 120:
        qpm = rng.randrange(50, 201)
    return float(qpm)


def random_pitch(rng: random.Random, low: int = 0, high: int = 127) -> int:
    """A pitch in low..high; one time in four with one digit (below 10) or three (100 and up).

    Example: ``random_pitch(random.Random(1))`` -> ``64``
    """
    choices = [p for p in range(low, high + 1)]
    edges = [p for p in choices if p < 10 or p >= 100]
    return rng.choice(edges) if edges and rng.random() < 0.25 else rng.choice(choices)


def random_piece(rng: random.Random, n_notes: int | None = None, *, drums: int = 0,
                 tempo_change: bool = False, meter: tuple | None = None, low: int = 0,
                 high: int = 127, key_change: bool = False, qpm: float | None = None):
    """A small NoteSequence with the traps above; notes stored in shuffled order.

    ``drums`` drum hits go on an instrument other than 9 half of the time;
    ``tempo_change`` adds a second tempo at a time after 0; ``key_change`` a
    key signature after 0.
    Example: ``random_piece(random.Random(0), 5, drums=2, tempo_change=True)``
    """
    n_notes = rng.randint(2, 7) if n_notes is None else n_notes
    numerator, denominator = meter or rng.choice(METERS)
    seq = new_sequence(qpm=qpm or random_qpm(rng), numerator=numerator, denominator=denominator)
    if tempo_change:
        seq.tempos.add(time=rng.choice([0.5, 1.0, 1.5, 2.25]), qpm=random_qpm(rng))
    if key_change:
        seq.key_signatures.add(time=0.0, key=rng.randrange(12))
        seq.key_signatures.add(time=rng.choice([1.0, 2.0]), key=rng.randrange(12))
    notes = []
    for _ in range(n_notes):
        start = round(rng.randrange(0, 64) * 0.0625, 4)
        length = round(rng.choice([0.125, 0.25, 0.3, 0.5, 0.75, 1.0, 1.5]), 4)
        pitched_on_nine = rng.random() < 0.15
        notes.append(dict(pitch=random_pitch(rng, low, high), start=start, end=start + length,
                          velocity=rng.randint(20, 127), instrument=9 if pitched_on_nine else rng.choice([0, 0, 1]),
                          program=rng.choice([0, 0, 24, 33]), is_drum=False))
    drum_instrument = rng.choice(DRUM_INSTRUMENTS)
    for _ in range(drums):
        start = round(rng.randrange(0, 64) * 0.0625, 4)
        notes.append(dict(pitch=rng.choice([35, 36, 38, 42, 46, 49, 81]), start=start, end=start + 0.1,
                          velocity=rng.randint(40, 127), instrument=drum_instrument, program=0, is_drum=True))
    rng.shuffle(notes)
    for n in notes:
        add_note(seq, n["pitch"], n["start"], n["end"], velocity=n["velocity"], program=n["program"],
                 instrument=n["instrument"], is_drum=n["is_drum"])
    return seq


def piece_from_notes(notes: list[tuple], qpm: float = 120.0, meter: tuple = (4, 4)):
    """A NoteSequence from ``(pitch, start, end)`` or ``(pitch, start, end, velocity)`` tuples in seconds.

    Example: ``piece_from_notes([(60, 0.0, 0.5), (64, 0.5, 1.0, 100)], qpm=90)``
    """
    seq = new_sequence(qpm=qpm, numerator=meter[0], denominator=meter[1])
    for note in notes:
        add_note(seq, note[0], note[1], note[2], velocity=note[3] if len(note) > 3 else 80)
    return seq


def torch_generator(rng: random.Random):
    """A torch.Generator seeded from ``rng``, so that tensors follow the check's seed.

    Example: ``torch.randn(3, generator=torch_generator(rng))``
    """
    import torch

    return torch.Generator().manual_seed(rng.randrange(2 ** 31))


def random_probs(rng: random.Random, n: int, gap: float = 0.01):
    """A float32 tensor of ``n`` distinct probabilities summing to 1, no two closer than ``gap``.

    Example: ``random_probs(random.Random(0), 5)`` -> ``tensor([0.31, 0.05, ...])``
    """
    import torch

    while True:
        weights = [rng.random() ** 2 + 0.01 for _ in range(n)]
        total = sum(weights)
        probs = sorted(w / total for w in weights)
        if all(b - a > gap / n for a, b in zip(probs, probs[1:])):
            break
    return torch.tensor([w / total for w in weights], dtype=torch.float32)
