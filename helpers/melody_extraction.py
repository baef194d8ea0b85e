"""A melody from a multi-track MIDI file, cut into bar-aligned windows (lesson 9).

The folk model knows one line of melody. A Lakh MIDI file of a rock song has
drums, bass, rhythm guitar, keyboards, a vocal line... To fine-tune on Rock,
each file must give back its tune. Three steps:

1. **Choose the melody track** (:func:`choose_melody_track`), by track-level
   features, following Rizo et al. (2006), "A pattern recognition approach for
   melody track selection in MIDI files" (ISMIR 2006), who found a melody
   track told apart mainly by its pitch, its polyphony and how much of the
   piece it occupies. Here those features are rules, not a trained classifier
   (:func:`track_table` lists them for every track):

   * never drums, never a bass program (GM programs 32-39);
   * a track must sound during at least :data:`MIN_OCCUPATION` of the time the
     busiest track sounds (a few fills are not the tune);
   * mostly one note at a time: on average at most :data:`MAX_POLYPHONY` notes
     beyond the first sound together (chords are accompaniment), unless no
     track qualifies, when polyphonic tracks are tried too;
   * of those, the highest mean pitch wins (the tune is usually on top).

   :func:`skyline_notes` is the other classic answer, Uitdenbogerd and Zobel's
   "skyline" (ACM Multimedia 1999): at each onset keep the highest note of all
   tracks. It needs no track choice but mixes voices whenever the accompaniment
   goes above the tune; ``benchmarks/obedience.py`` measures both on the Bach
   chorales, whose soprano is the melody.
2. **Make it one line**: the chosen track, reduced by the skyline rule when it
   still has chords, each note cut where the next one starts.
3. **Keep 4/4 and cut windows** (:func:`melody_windows`): the stretches of the
   piece in 4/4 (a file without a time signature is 4/4, as MIDI says), cut
   at bar lines into windows of ``bars`` bars, each a new piece at 120
   quarter notes per minute starting at 0; windows with fewer than
   ``min_notes`` notes are dropped.
"""

import numpy as np

from helpers.music import TempoMap

MIN_OCCUPATION = 0.3   # of the busiest track's sounding time
MAX_POLYPHONY = 0.2    # notes sounding at once, on average, beyond the first
BASS_PROGRAMS = range(32, 40)
WINDOW_QPM = 120.0


def _tracks(piece) -> dict:
    """The notes of each track, keyed by (instrument, program, is_drum)."""
    tracks = {}
    for note in piece.notes:
        tracks.setdefault((note.instrument, note.program, note.is_drum), []).append(note)
    return tracks


def _sounding_time(notes) -> float:
    """Seconds during which at least one of ``notes`` sounds (overlaps counted once)."""
    total, end = 0.0, -np.inf
    for note in sorted(notes, key=lambda n: n.start_time):
        start = max(note.start_time, end)
        if note.end_time > start:
            total += note.end_time - start
        end = max(end, note.end_time)
    return total


def _polyphony(notes, sounding: float) -> float:
    """How many notes sound at once, on average over the time the track sounds, minus one.

    0 for a single line (short legato overlaps add almost nothing), about 2 for triads.
    """
    return sum(n.end_time - n.start_time for n in notes) / sounding - 1 if sounding > 0 else 0.0


def track_table(piece) -> "pd.DataFrame":
    """One row per track with the features the melody choice uses.

    Columns: instrument, program, is_drum, notes, mean_pitch, polyphony (notes
    sounding together beyond the first, on average), occupation (sounding time
    / the busiest track's),
    and ``role``: why it is or is not a candidate.
    Example: ``track_table(load_midi("song.mid"))``
    """
    import pandas as pd

    tracks = _tracks(piece)
    sounding = {key: _sounding_time(notes) for key, notes in tracks.items()}
    busiest = max([t for (_, _, drum), t in sounding.items() if not drum] or [0.0])
    rows = []
    for (instrument, program, is_drum), notes in sorted(tracks.items()):
        row = {"instrument": instrument, "program": program, "is_drum": is_drum, "notes": len(notes),
               "mean_pitch": round(float(np.mean([n.pitch for n in notes])), 1),
               "polyphony": round(_polyphony(notes, sounding[instrument, program, is_drum]), 3),
               "occupation": round(sounding[instrument, program, is_drum] / busiest, 3) if busiest else 0.0}
        row["role"] = _role(row)
        rows.append(row)
    return pd.DataFrame(rows, columns=["instrument", "program", "is_drum", "notes", "mean_pitch",
                                       "polyphony", "occupation", "role"])


def _role(row) -> str:
    if row["is_drum"]:
        return "drums"
    if row["program"] in BASS_PROGRAMS:
        return "bass"
    if row["occupation"] < MIN_OCCUPATION:
        return "too little"
    return "chords" if row["polyphony"] > MAX_POLYPHONY else "candidate"


def choose_melody_track(piece) -> tuple[int, int] | None:
    """The ``(instrument, program)`` of the melody track (see the module's docstring), or None.

    None when no track qualifies (only drums and bass, or no notes).
    Example: ``choose_melody_track(load_midi("song.mid"))`` -> ``(3, 53)``
    """
    table = track_table(piece)
    for roles in (("candidate",), ("candidate", "chords")):
        pool = table[table["role"].isin(roles)]
        if len(pool):
            best = pool.sort_values(["mean_pitch", "occupation"], ascending=False).iloc[0]
            return int(best["instrument"]), int(best["program"])
    return None


def skyline_notes(notes) -> list:
    """The top line of ``notes``: the skyline rule, as ``(pitch, start, end, velocity)`` tuples.

    At each onset the highest note starting there is kept, unless a higher
    kept note is still sounding; a kept note is cut where the next kept one
    starts. (Uitdenbogerd and Zobel's skyline keeps the highest onset even
    under a held higher note; not cutting into a held note keeps more of a
    tune whose lower voices move while it holds.)
    Example: ``skyline_notes(chorale.notes)`` -> the top line of the chorale
    """
    by_onset = {}
    for note in notes:
        key = round(note.start_time, 6)
        if key not in by_onset or note.pitch > by_onset[key].pitch:
            by_onset[key] = note
    line = []   # [pitch, start, end, velocity]
    for onset in sorted(by_onset):
        note = by_onset[onset]
        if line and line[-1][2] > note.start_time + 1e-6:
            if line[-1][0] > note.pitch:
                continue            # under a higher note that still sounds
            line[-1][2] = note.start_time
        line.append([note.pitch, note.start_time, note.end_time, note.velocity])
    return [tuple(item) for item in line]


def extract_melody(piece) -> "NoteSequence | None":
    """The piece's melody as a one-track NoteSequence (same times and tempo), or None if it has none.

    Example: ``extract_melody(load_midi("song.mid"))`` -> a NoteSequence of one line
    """
    from helpers.notes import add_note, new_sequence

    choice = choose_melody_track(piece)
    if choice is None:
        return None
    notes = [n for n in piece.notes if (n.instrument, n.program) == choice and not n.is_drum]
    melody = new_sequence()
    del melody.tempos[:], melody.time_signatures[:]
    melody.tempos.extend(piece.tempos)
    melody.time_signatures.extend(piece.time_signatures)
    for pitch, start, end, velocity in skyline_notes(notes):
        add_note(melody, pitch, start, end, velocity)
    return melody


def four_four_spans(piece) -> list[tuple[float, float]]:
    """The stretches of the piece in 4/4, as ``(start, end)`` in quarter notes.

    A piece without a time signature is in 4/4 (MIDI's default).
    Example: ``four_four_spans(song)`` -> ``[(0.0, 412.0)]``
    """
    tempo_map = TempoMap(piece)
    end = tempo_map.beats(max([n.end_time for n in piece.notes] or [0.0]))
    changes = sorted((tempo_map.beats(ts.time), f"{ts.numerator}/{ts.denominator}")
                     for ts in piece.time_signatures) or [(0.0, "4/4")]
    if changes[0][0] > 0:
        changes.insert(0, (0.0, "4/4"))
    spans = []
    for (start, meter), (stop, _) in zip(changes, changes[1:] + [(end, None)]):
        if meter == "4/4" and min(stop, end) > start:
            spans.append((start, min(stop, end)))
    return spans


def melody_windows(piece, bars: int = 8, min_notes: int = 8) -> list:
    """The melody of ``piece`` in 4/4, cut at bar lines into windows of ``bars`` bars.

    Each window is a new NoteSequence at :data:`WINDOW_QPM`, starting at 0, in 4/4.
    Example: ``melody_windows(load_midi("song.mid"), bars=8)`` -> ``[<8 bars>, <8 bars>, ...]``
    """
    from helpers.notes import add_note, new_sequence

    if not (isinstance(bars, int) and bars >= 1):
        raise ValueError(f"bars must be a whole number >= 1, not {bars!r}")
    melody = extract_melody(piece)
    if melody is None:
        return []
    tempo_map = TempoMap(melody)
    notes = [(n.pitch, tempo_map.beats(n.start_time), tempo_map.beats(n.end_time), n.velocity)
             for n in melody.notes]
    windows, length = [], 4.0 * bars
    seconds = 60.0 / WINDOW_QPM
    for span_start, span_end in four_four_spans(melody):
        start = span_start
        while start + length <= span_end + 1e-6:
            inside = [n for n in notes if start - 1e-6 <= n[1] < start + length - 1e-6]
            if len(inside) >= min_notes:
                window = new_sequence(qpm=WINDOW_QPM)
                for pitch, on, off, velocity in inside:
                    off = min(off, start + length)
                    add_note(window, pitch, (on - start) * seconds, (off - start) * seconds, velocity)
                windows.append(window)
            start += length
    return windows
