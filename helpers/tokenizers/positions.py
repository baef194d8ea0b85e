"""The student Transformer project's scheme, with bars: BAR, POSITION, NOTE_ON, DURATION.

The student project wrote each note as ``POSITION_<ticks> NOTE_ON_<pitch>
DURATION_<ticks>``, with positions counted from the start of the piece, so
the numbers (and the vocabulary) grow with the length of the piece. Here a
``BAR`` token starts each bar and a position counts grid steps from the start
of its bar, so a handful of position tokens serve any length::

    BOS BAR TIMESIG_6/8 POSITION_0 NOTE_ON_62 DURATION_4 POSITION_4 NOTE_ON_66 DURATION_2 ...
        BAR POSITION_0 NOTE_ON_69 DURATION_6 ... EOS

Decisions (each one is reported in ``tokenizer.last_report`` when it changes a note):

* **Meter.** ``TIMESIG_<n>/<d>`` follows the first BAR, and every BAR where the
  meter changes; it sets the bar length: n * 4 / d quarter notes (4/4 -> 16
  steps at 4 steps per quarter, 6/8 -> 12, 3/4 -> 12). A change of time
  signature takes effect at the next bar line. A meter outside the
  vocabulary (``time_signatures``) is read as 4/4 (``meters_replaced``): the
  notes still come back exactly, only the bar lines differ.
* **Bars.** One BAR per bar from the start of the piece to the end of its last
  note, empty bars included: a 5-bar tune has 5 BAR tokens.
* **Chords.** POSITION is written once per distinct onset; the notes that start
  there follow from low to high, each ``NOTE_ON`` with its ``DURATION``.
* **Long notes.** Durations are 1 to ``max_duration`` steps (default 32, two
  bars of 4/4); a longer note is cut to ``max_duration`` (``shortened``).
* **Polyphony.** Notes may overlap freely. Two notes with the same pitch and
  onset become one, the longer (``duplicates``).
* **Velocity** is not stored (as in the student project): decode gives 80.
"""

from helpers.tokenizers.base import Tokenizer
from helpers.tokenizers.grid import DEFAULT_VELOCITY, MAX_TOKENS, meter_steps, notes_to_sequence, read_notes

# The meters of the folk corpus and the common ones besides; 4/4 must be one of them.
DEFAULT_TIME_SIGNATURES = (
    "1/4", "2/4", "3/4", "4/4", "5/4", "6/4", "7/4",
    "2/2", "3/2", "4/2", "6/2",
    "2/1", "3/1", "4/1",
    "2/8", "3/8", "4/8", "5/8", "6/8", "7/8", "9/8", "12/8",
)


def bar_length(meter, steps_per_quarter):
    """Steps in one bar of ``meter`` ("6/8"): numerator * 4 / denominator quarter notes."""
    numerator, denominator = (int(part) for part in meter.split("/"))
    steps = numerator * 4 * steps_per_quarter / denominator
    if steps != int(steps) or steps < 1:
        raise ValueError(f"a bar of {meter} is {steps} steps at {steps_per_quarter} steps per "
                         "quarter note; it must be a whole number of steps")
    return int(steps)


class PositionTokenizer(Tokenizer):
    """BAR / TIMESIG / POSITION / NOTE_ON / DURATION tokens; see the module's docstring."""

    scheme = "positions"

    def __init__(self, steps_per_quarter=4, pitch_range=(21, 108), max_duration=32,
                 time_signatures=DEFAULT_TIME_SIGNATURES, conditions=(), max_tokens=MAX_TOKENS):
        super().__init__(steps_per_quarter, pitch_range, max_tokens)
        if not (isinstance(max_duration, int) and max_duration >= 1):
            raise ValueError("max_duration must be a whole number of steps >= 1, "
                             f"not {max_duration!r}")
        if "4/4" not in time_signatures:
            raise ValueError("time_signatures must include '4/4', used for meters outside the list")
        self.max_duration = max_duration
        self.time_signatures = tuple(time_signatures)
        self.bar_lengths = {meter: bar_length(meter, steps_per_quarter)
                            for meter in self.time_signatures}
        self.max_bar_length = max(self.bar_lengths.values())
        self.build_vocabulary(conditions)
        # Ids by arithmetic: NOTE_ON_p is note_on_base + p, and so on.
        low = self.pitch_range[0]
        self.bar_id = self.vocab.id("BAR")
        self.timesig_ids = {meter: self.vocab.id(f"TIMESIG_{meter}")
                            for meter in self.time_signatures}
        self.position_base = self.vocab.id("POSITION_0")
        self.note_on_base = self.vocab.id(f"NOTE_ON_{low}") - low
        self.duration_base = self.vocab.id("DURATION_1") - 1

    def config(self) -> dict:
        """The constructor's arguments (see :meth:`Tokenizer.config`)."""
        return {"steps_per_quarter": self.steps_per_quarter, "pitch_range": list(self.pitch_range),
                "max_duration": self.max_duration, "time_signatures": list(self.time_signatures),
                "conditions": list(self.conditions)}

    def scheme_tokens(self) -> list[str]:
        """The scheme's token names (see :meth:`Tokenizer.scheme_tokens`)."""
        low, high = self.pitch_range
        return (["BAR"]
                + [f"TIMESIG_{meter}" for meter in self.time_signatures]
                + [f"POSITION_{p}" for p in range(self.max_bar_length)]
                + [f"NOTE_ON_{pitch}" for pitch in range(low, high + 1)]
                + [f"DURATION_{d}" for d in range(1, self.max_duration + 1)])

    # --- encoding -------------------------------------------------------------

    def representable_notes(self, piece, report):
        """Grid notes in range, no drums or duplicates, durations cut to ``max_duration``."""
        notes = []
        grid = read_notes(piece, self.steps_per_quarter, self.pitch_range, report)
        self.check_size(piece, grid)
        for start, pitch, end, _ in grid:
            if end - start > self.max_duration:
                end = start + self.max_duration
                report.shortened += 1
            notes.append((start, pitch, end, DEFAULT_VELOCITY))
        return notes

    def size_bound(self, notes, piece):
        """Three tokens per note, and per bar (of the piece's shortest meter) a BAR and a TIMESIG at most."""
        if not notes:
            return 0
        meters = {f"{n}/{d}" for _, n, d in meter_steps(piece, self.steps_per_quarter)}
        shortest = min(self.bar_lengths.get(meter, self.bar_lengths["4/4"]) for meter in meters | {"4/4"})
        bars = max(end for _, _, end, _ in notes) // shortest + 1
        return 3 * len(notes) + 2 * bars

    def meter_changes(self, piece, report):
        """``[(step, meter), ...]`` from the piece's time signatures (the first from step 0)."""
        changes = []
        for step, numerator, denominator in meter_steps(piece, self.steps_per_quarter):
            meter = f"{numerator}/{denominator}"
            if meter not in self.bar_lengths:
                report.meters_replaced += 1
                meter = "4/4"
            changes.append((step, meter))
        return changes or [(0, "4/4")]

    def bar_lines(self, changes, end):
        """``[(start step, meter), ...]`` for every bar from step 0 until ``end``.

        A bar's meter is the last time signature at or before its start.
        """
        bars = []
        start, meter, i = 0, changes[0][1], 0
        while start < end:
            while i < len(changes) and changes[i][0] <= start:
                meter = changes[i][1]
                i += 1
            bars.append((start, meter))
            start += self.bar_lengths[meter]
        return bars

    def note_ids(self, notes: list[tuple], piece, report) -> list[int]:
        """The ids that write ``notes`` (see :meth:`Tokenizer.note_ids`)."""
        if not notes:
            return []
        bars = self.bar_lines(self.meter_changes(piece, report), max(note[2] for note in notes))
        ids = []
        bar, bar_start, meter = -1, 0, None  # the bar written last, its start and meter
        position = None                      # the POSITION written last in this bar
        for start, pitch, end, _ in notes:
            while bar + 1 < len(bars) and bars[bar + 1][0] <= start:
                bar += 1
                bar_start, meter = self.write_bar(ids, bars[bar], meter)
                position = None
            if start - bar_start != position:
                position = start - bar_start
                ids.append(self.position_base + position)
            ids.append(self.note_on_base + pitch)
            ids.append(self.duration_base + end - start)
        for later in bars[bar + 1:]:  # bars after the last onset, while its notes sound
            _, meter = self.write_bar(ids, later, meter)
        return ids

    def write_bar(self, ids, bar, previous_meter):
        """Append BAR (and TIMESIG if the meter changes); return the bar's start and meter."""
        start, meter = bar
        ids.append(self.bar_id)
        if meter != previous_meter:
            ids.append(self.timesig_ids[meter])
        return start, meter

    # --- decoding -------------------------------------------------------------

    def decode(self, ids, qpm=120.0):
        """Token ids back to a NoteSequence at ``qpm``, with the time signatures the tokens say.

        Any sequence of valid ids decodes; tokens that make no sense where they
        stand are skipped:

        * the first BAR starts bar 0, each later BAR the next bar; notes before
          the first BAR are in bar 0;
        * TIMESIG sets the length of the current bar and the ones after it;
        * POSITION sets the onset within the bar (0 after each BAR);
        * a note is a NOTE_ON directly followed by a DURATION: a NOTE_ON not
          followed by a DURATION, or a DURATION not after a NOTE_ON, is skipped;
        * PAD, BOS, EOS and conditioning tokens are skipped.
        """
        parsed = self.parsed
        notes, meters = [], []
        started, bar_start, bar_len = False, 0, self.bar_lengths["4/4"]
        position, pitch = 0, None
        for token_id in self.vocab.check_ids(ids):
            kind, value = parsed[token_id]
            if kind == "NOTE_ON":
                pitch = value
                continue
            if kind == "DURATION":
                if pitch is not None:
                    onset = bar_start + position
                    notes.append((onset, pitch, onset + value, DEFAULT_VELOCITY))
            elif kind == "POSITION":
                position = value
            elif kind == "BAR":
                if started:
                    bar_start += bar_len
                started, position = True, 0
            elif kind == "TIMESIG":
                bar_len = self.bar_lengths[value]
                record_meter(meters, bar_start, value)
            pitch = None  # whatever came after a NOTE_ON, it was not its DURATION
        return notes_to_sequence(notes, qpm, self.steps_per_quarter, meters)


def record_meter(meters, at, meter):
    """Add ``(step, numerator, denominator)`` to ``meters`` unless the meter stays the same."""
    numerator, denominator = (int(part) for part in meter.split("/"))
    if meters and meters[-1][0] == at:
        meters.pop()  # two TIMESIG tokens in one bar: the later one counts
    if not meters or meters[-1][1:] != (numerator, denominator):
        meters.append((at, numerator, denominator))
