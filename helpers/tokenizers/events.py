"""The event scheme of Performance RNN and Music Transformer: NOTE_ON, NOTE_OFF, TIME_SHIFT.

A piece is what a player does, in order: press a key (``NOTE_ON_<pitch>``),
release it (``NOTE_OFF_<pitch>``), wait (``TIME_SHIFT_<k>``, k grid steps),
and, optionally, change how hard the next keys are pressed
(``VELOCITY_<bin>``)::

    BOS VELOCITY_20 NOTE_ON_60 NOTE_ON_64 TIME_SHIFT_4 NOTE_OFF_60 NOTE_OFF_64 NOTE_ON_62 ... EOS

Performance RNN waits in steps of 10 ms; here, as everywhere in the course,
time is on a grid of ``steps_per_quarter`` steps per quarter note.

Decisions (reported in ``tokenizer.last_report`` when they change a note):

* **Long waits** repeat ``TIME_SHIFT_<max_shift>``: 20 steps with max_shift 16
  are ``TIME_SHIFT_16 TIME_SHIFT_4``.
* **Same time:** releases come before presses, each from low to high, so a
  repeated note is ``NOTE_OFF_60 NOTE_ON_60``.
* **Same key twice:** a key cannot be pressed again while it is down, so a note
  that still sounds when the same pitch starts again ends there (``shortened``);
  two notes with the same pitch and onset become one, the longer (``duplicates``).
* **Velocity:** with ``velocity_bins=32`` (the default, as in Performance RNN)
  velocities 0..127 fall into 32 bins of 4 and come back as the bin's middle;
  ``VELOCITY`` is written only when the bin changes. ``velocity_bins=0`` leaves
  velocity out (decode gives 80).
"""

from helpers.tokenizers.base import Tokenizer
from helpers.tokenizers.grid import (DEFAULT_VELOCITY, MAX_TOKENS, cut_same_pitch_overlaps,
                                     notes_to_sequence, read_notes)


class EventTokenizer(Tokenizer):
    """NOTE_ON / NOTE_OFF / TIME_SHIFT / VELOCITY tokens; see the module's docstring."""

    scheme = "events"

    def __init__(self, steps_per_quarter=4, pitch_range=(21, 108), max_shift=16, velocity_bins=32,
                 conditions=(), max_tokens=MAX_TOKENS):
        super().__init__(steps_per_quarter, pitch_range, max_tokens)
        if not (isinstance(max_shift, int) and max_shift >= 1):
            raise ValueError(f"max_shift must be a whole number of steps >= 1, not {max_shift!r}")
        if not (isinstance(velocity_bins, int) and 0 <= velocity_bins <= 64):
            raise ValueError(f"velocity_bins must be 0 (no velocity) to 64, not {velocity_bins!r}")
        self.max_shift = max_shift
        self.velocity_bins = velocity_bins
        self.build_vocabulary(conditions)
        low = self.pitch_range[0]
        self.note_on_base = self.vocab.id(f"NOTE_ON_{low}") - low
        self.note_off_base = self.vocab.id(f"NOTE_OFF_{low}") - low
        self.shift_base = self.vocab.id("TIME_SHIFT_1") - 1
        self.velocity_base = self.vocab.id("VELOCITY_1") - 1 if velocity_bins else None

    def config(self) -> dict:
        """The constructor's arguments (see :meth:`Tokenizer.config`)."""
        return {"steps_per_quarter": self.steps_per_quarter, "pitch_range": list(self.pitch_range),
                "max_shift": self.max_shift, "velocity_bins": self.velocity_bins,
                "conditions": list(self.conditions)}

    def scheme_tokens(self) -> list[str]:
        """The scheme's token names (see :meth:`Tokenizer.scheme_tokens`)."""
        low, high = self.pitch_range
        return ([f"NOTE_ON_{pitch}" for pitch in range(low, high + 1)]
                + [f"NOTE_OFF_{pitch}" for pitch in range(low, high + 1)]
                + [f"TIME_SHIFT_{k}" for k in range(1, self.max_shift + 1)]
                + [f"VELOCITY_{b}" for b in range(1, self.velocity_bins + 1)])

    # --- velocity bins ----------------------------------------------------------

    def velocity_bin(self, velocity):
        """The bin (1..velocity_bins) of a MIDI velocity (0..127)."""
        return min(velocity, 127) * self.velocity_bins // 128 + 1

    def bin_velocity(self, velocity_bin):
        """The velocity a bin decodes to: the middle of the bin (at least 1)."""
        return max(1, (2 * velocity_bin - 1) * 128 // (2 * self.velocity_bins))

    # --- encoding -------------------------------------------------------------

    def representable_notes(self, piece, report):
        """Grid notes in range, no drums, no key pressed twice; velocities binned."""
        notes = read_notes(piece, self.steps_per_quarter, self.pitch_range, report)
        self.check_size(piece, notes)
        notes = cut_same_pitch_overlaps(notes, report)
        if not self.velocity_bins:
            return [(start, pitch, end, DEFAULT_VELOCITY) for start, pitch, end, _ in notes]
        return [(start, pitch, end, self.bin_velocity(self.velocity_bin(velocity)))
                for start, pitch, end, velocity in notes]

    def size_bound(self, notes, piece):
        """Press and release per note, a VELOCITY per note at most, and the waits between event times.

        Counted without writing a token: ``ceil(gap / max_shift)`` TIME_SHIFTs
        per gap between consecutive times at which a key goes down or up.
        """
        if not notes:
            return 0
        times = sorted({start for start, _, _, _ in notes} | {end for _, _, end, _ in notes})
        waits = sum(-(-(b - a) // self.max_shift) for a, b in zip([0] + times, times))
        velocities = len(notes) if self.velocity_bins else 0
        return 2 * len(notes) + velocities + waits

    def note_ids(self, notes: list[tuple], piece, report) -> list[int]:
        """The ids that write ``notes`` (see :meth:`Tokenizer.note_ids`)."""
        # (time, 0 = release / 1 = press, pitch, velocity): sorting puts releases first
        events = [(start, 1, pitch, velocity) for start, pitch, _, velocity in notes]
        events += [(end, 0, pitch, 0) for _, pitch, end, _ in notes]
        events.sort()
        ids = []
        now, current_bin = 0, None
        for time, press, pitch, velocity in events:
            wait = time - now
            while wait > self.max_shift:
                ids.append(self.shift_base + self.max_shift)
                wait -= self.max_shift
            if wait:
                ids.append(self.shift_base + wait)
            now = time
            if not press:
                ids.append(self.note_off_base + pitch)
                continue
            if self.velocity_bins:
                velocity_bin = self.velocity_bin(velocity)
                if velocity_bin != current_bin:
                    ids.append(self.velocity_base + velocity_bin)
                    current_bin = velocity_bin
            ids.append(self.note_on_base + pitch)
        return ids

    # --- decoding -------------------------------------------------------------

    def decode(self, ids, qpm=120.0):
        """Token ids back to a NoteSequence at ``qpm`` (4/4).

        Any sequence of valid ids decodes; tokens that make no sense are skipped:

        * NOTE_OFF of a key that is not down is skipped;
        * NOTE_ON of a key already down ends the sounding note there and starts
          a new one;
        * a note that would last zero steps (NOTE_OFF right after its NOTE_ON,
          with no TIME_SHIFT between) is dropped;
        * keys still down at the end are released at the end of the last
          TIME_SHIFT (at least one step after they were pressed);
        * PAD, BOS, EOS and conditioning tokens are skipped.
        """
        parsed = self.parsed
        notes = []
        down = {}  # pitch -> (start, velocity) of each key held down
        now, velocity = 0, DEFAULT_VELOCITY
        for token_id in self.vocab.check_ids(ids):
            kind, value = parsed[token_id]
            if kind == "TIME_SHIFT":
                now += value
            elif kind == "NOTE_ON":
                held = down.get(value)
                if held is not None and held[0] < now:
                    notes.append((held[0], value, now, held[1]))
                down[value] = (now, velocity)
            elif kind == "NOTE_OFF":
                held = down.pop(value, None)
                if held is not None and held[0] < now:
                    notes.append((held[0], value, now, held[1]))
            elif kind == "VELOCITY":
                velocity = self.bin_velocity(value)
        for pitch, (start, held_velocity) in down.items():
            notes.append((start, pitch, max(now, start + 1), held_velocity))
        return notes_to_sequence(notes, qpm, self.steps_per_quarter)
