"""From a NoteSequence to notes on a time grid, and back; the report of what changed.

Tokens count time in grid steps, not seconds: with ``steps_per_quarter=4``
(the default) one step is a 16th note. Seconds become quarter notes with the
piece's tempo map (every tempo change counts: a beat is a beat, whatever the
tempo), then steps with :func:`helpers.music.grid_span`, the rule
``helpers.music.quantize`` uses too: a note never shrinks to nothing, it keeps
at least one step.

Inside the tokenizers a note is a plain tuple ``(start, pitch, end, velocity)``
with times in steps. Tuples sort by start, then pitch: the order in which the
tokens are written. Plain tuples (not protocol-buffer notes) keep encoding fast.
"""

from dataclasses import dataclass, fields

import numpy as np

from helpers.music import TempoMap, grid_span
from helpers.notes import new_sequence

DEFAULT_VELOCITY = 80  # the velocity decode gives when the tokens say none


def step_seconds(qpm, steps_per_quarter):
    """How many seconds one grid step lasts at ``qpm`` quarter notes per minute."""
    return 60.0 / qpm / steps_per_quarter


@dataclass
class Report:
    """What encoding did to a piece's notes, so that nothing changes silently.

    ``encode`` leaves one in ``tokenizer.last_report``; ``encode_with_report``
    returns it. Every count but the last is a number of notes.
    """

    notes: int = 0          # notes in the piece
    encoded: int = 0        # notes written as tokens
    drums: int = 0          # drum notes: skipped (the schemes are for pitched notes)
    out_of_range: int = 0   # pitched notes outside the pitch range: dropped
    duplicates: int = 0     # a second note with the same pitch and start: dropped (longest kept)
    finer: int = 0          # a note of a figure finer than the grid (e.g. a 16th-note triplet): dropped
    shortened: int = 0      # notes made shorter: too long, overlapped, or partly under a higher one
    hidden: int = 0         # melody only: notes entirely under a higher note: dropped
    meters_replaced: int = 0  # positions only: time signatures not in the vocabulary, read as 4/4

    def changed(self):
        """True when some note was dropped or changed (beyond snapping to the grid)."""
        return any(getattr(self, f.name) for f in fields(self)
                   if f.name not in ("notes", "encoded"))

    def __str__(self):
        labels = {"drums": "drum notes skipped", "out_of_range": "out of the pitch range (dropped)",
                  "duplicates": "duplicates dropped",
                  "finer": "notes of figures finer than the grid dropped", "shortened": "shortened",
                  "hidden": "hidden under a higher note (dropped)",
                  "meters_replaced": "time signatures read as 4/4"}
        changes = [f"{label}: {getattr(self, key)}" for key, label in labels.items()
                   if getattr(self, key)]
        return (f"{self.notes} notes in, {self.encoded} encoded; "
                + (", ".join(changes) if changes else "nothing dropped or changed"))


def steps_of(piece, seconds, steps_per_quarter):
    """Times in seconds (an array) as grid steps (floats), following the piece's tempo map."""
    return TempoMap(piece).beats(np.asarray(seconds, dtype=float)) * steps_per_quarter


MAX_TOKENS = 100_000  # the default limit on one encoded piece (Tokenizer(max_tokens=...))


def piece_name(piece):
    """How errors name a piece: its file name or id, else "the piece"."""
    name = getattr(piece, "filename", "") or getattr(piece, "id", "")
    return repr(name) if name else "the piece"


def check_size(piece, tokens, max_tokens):
    """Raise ValueError when encoding ``piece`` would take more than ``max_tokens`` tokens.

    Called with an upper bound, before any list of that size is made, so that
    a piece that is hours long (or has an absurd tempo) fails at once and
    never fills the memory.
    """
    if tokens > max_tokens:
        raise ValueError(f"{piece_name(piece)} would take about {tokens:,} tokens, more than the "
                         f"limit of {max_tokens:,}: cut the piece (e.g. its first minutes), or make "
                         f"the tokenizer with max_tokens={tokens + 1000:,} if you really want it")


def meter_steps(piece, steps_per_quarter):
    """``[(step, numerator, denominator), ...]``: the piece's time signatures on the grid, in time order."""
    signatures = sorted(piece.time_signatures, key=lambda ts: ts.time)
    if not signatures:
        return []
    steps = np.rint(steps_of(piece, [ts.time for ts in signatures], steps_per_quarter)).astype(int)
    return [(int(step), ts.numerator, ts.denominator) for step, ts in zip(steps, signatures)]


def read_notes(piece, steps_per_quarter, pitch_range, report):
    """The piece's notes on the grid, sorted, as ``(start, pitch, end, velocity)``.

    Drum notes and notes outside ``pitch_range`` (lowest, highest; both
    included) are left out, and so is a note with the same pitch and start as
    a longer one. ``report`` counts each.
    """
    low, high = pitch_range
    report.notes += len(piece.notes)
    kept = []
    for note in piece.notes:
        if note.is_drum:
            report.drums += 1
        elif note.pitch < low or note.pitch > high:
            report.out_of_range += 1
        else:
            kept.append(note)
    if not kept:
        return []
    tempo_map = TempoMap(piece)
    exact_starts = tempo_map.beats([n.start_time for n in kept]) * steps_per_quarter
    exact_ends = tempo_map.beats([n.end_time for n in kept]) * steps_per_quarter
    starts, ends = grid_span(exact_starts / steps_per_quarter, exact_ends / steps_per_quarter,
                             steps_per_quarter)
    keep = thin_finer_than_grid([n.instrument for n in kept], exact_starts, exact_ends, starts, report)
    notes = sorted((int(starts[i]), kept[i].pitch, int(ends[i]), kept[i].velocity) for i in keep)
    return drop_duplicates(notes, report)


def thin_finer_than_grid(voices, exact_starts, exact_ends, steps, report):
    """The indices of the notes to keep when a voice's figure is finer than the grid.

    Two notes of one voice (instrument) that follow each other (the first has
    ended when the second starts) but land on the same step, such as two notes
    of a 16th-note triplet on a 16th grid, cannot both be written: the one
    whose exact start is nearer the step stays (the earlier on a tie) and the
    other is counted in ``report.finer``. Notes that sound together (a written
    chord, or a chord played slightly rolled) stay a chord.
    """
    order = sorted(range(len(steps)), key=lambda i: (voices[i], exact_starts[i]))
    keep, last = [], None
    for i in order:
        follows = (last is not None and voices[i] == voices[last] and steps[i] == steps[last]
                   and exact_starts[i] > exact_starts[last] + 1e-6
                   and exact_ends[last] <= exact_starts[i] + 1e-6)
        if not follows:
            keep.append(i)
            last = i
            continue
        report.finer += 1
        if abs(exact_starts[i] - steps[i]) < abs(exact_starts[last] - steps[last]):
            keep[-1] = last = i
    return keep


def drop_duplicates(notes, report):
    """Keep one note per (start, pitch): the longest (the last one, in sorted order)."""
    kept = []
    for note in notes:
        if kept and kept[-1][0] == note[0] and kept[-1][1] == note[1]:
            kept[-1] = note
            report.duplicates += 1
        else:
            kept.append(note)
    return kept


def cut_same_pitch_overlaps(notes, report):
    """End a note where the next note of the same pitch starts, if it is still sounding.

    A key cannot be pressed twice without being released: the event and melody
    schemes need this. ``notes`` are sorted and free of duplicates.
    """
    out = []
    last_index = {}  # pitch -> where its latest note is in ``out``
    for note in notes:
        start, pitch = note[0], note[1]
        i = last_index.get(pitch)
        if i is not None and out[i][2] > start:
            earlier = out[i]
            out[i] = (earlier[0], pitch, start, earlier[3])
            report.shortened += 1
        last_index[pitch] = len(out)
        out.append(note)
    return out


def notes_to_sequence(notes, qpm, steps_per_quarter, time_signatures=()):
    """A new NoteSequence from ``(start, pitch, end, velocity)`` notes in steps.

    ``time_signatures`` is a list of ``(step, numerator, denominator)``; with
    none the sequence says 4/4. Notes are written in sorted order, all on one
    piano part (program 0), which is what decode and prepare return.
    """
    step = step_seconds(qpm, steps_per_quarter)
    seq = new_sequence(qpm=qpm)
    if time_signatures:
        del seq.time_signatures[:]
        for at, numerator, denominator in time_signatures:
            seq.time_signatures.add(time=at * step, numerator=numerator, denominator=denominator)
    notes = sorted(notes)
    for start, pitch, end, velocity in notes:
        # program 0, instrument 0, not a drum: the defaults of a new note
        seq.notes.add(pitch=pitch, velocity=velocity, start_time=start * step, end_time=end * step)
    seq.total_time = max((end for _, _, end, _ in notes), default=0) * step
    return seq


def grid_notes(piece, steps_per_quarter: int = 4) -> list[tuple[int, int, int]]:
    """Every note of ``piece`` as ``(pitch, start_step, end_step)``, sorted by start and pitch.

    Times are put on the grid as tokenizers do (tempo map, then
    :func:`helpers.music.grid_span`). Use it to compare what went into a
    tokenizer with what came out, e.g.
    ``grid_notes(tok.decode(tok.encode(x))) == grid_notes(tok.prepare(x))``.

    Example: ``grid_notes(tune)[:2]`` -> ``[(67, 0, 2), (72, 2, 6)]``
    """
    if not len(piece.notes):
        return []
    tempo_map = TempoMap(piece)
    starts, ends = grid_span(tempo_map.beats([n.start_time for n in piece.notes]),
                             tempo_map.beats([n.end_time for n in piece.notes]), steps_per_quarter)
    notes = sorted(zip(starts.tolist(), [n.pitch for n in piece.notes], ends.tolist()))
    return [(pitch, start, end) for start, pitch, end in notes]
