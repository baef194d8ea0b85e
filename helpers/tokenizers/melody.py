"""The melody grid of MelodyRNN and MusicVAE: one token per grid step.

Each step (a 16th note by default) gets one token: ``PITCH_<p>`` when a note
starts there, ``HOLD`` while it goes on, ``REST`` when nothing sounds::

    BOS PITCH_62 HOLD HOLD HOLD PITCH_66 HOLD REST REST PITCH_69 ... EOS

The sequence length is the piece's length in steps, whatever the notes, and a
model always knows where it is in time. The price: one note at a time.

Decisions (reported in ``tokenizer.last_report`` when they change a note):

* **Monophonic.** For polyphonic input the melody is the *skyline*: at every
  step, the highest note sounding. A note entirely under higher notes is
  dropped (``hidden``); a note partly under one is cut (``shortened``), and
  when it outlasts the higher note it comes back, struck again, as a new note.
* **Same key twice:** a note that still sounds when the same pitch starts
  again ends there (``shortened``); two notes with the same pitch and onset
  become one, the longer (``duplicates``).
* **Pitch range** is 36..96 (C2..C7) by default: the folk corpus uses 36..93.
  MelodyRNN's default is narrower (48..84); notes outside are dropped
  (``out_of_range``) before the skyline is taken.
* **Velocity** is not stored: decode gives 80.
"""

from helpers.tokenizers.base import Tokenizer
from helpers.tokenizers.grid import (DEFAULT_VELOCITY, MAX_TOKENS, cut_same_pitch_overlaps,
                                     notes_to_sequence, read_notes)


class MelodyTokenizer(Tokenizer):
    """PITCH / HOLD / REST, one token per step; see the module's docstring."""

    scheme = "melody"

    def __init__(self, steps_per_quarter=4, pitch_range=(36, 96), conditions=(),
                 max_tokens=MAX_TOKENS):
        super().__init__(steps_per_quarter, pitch_range, max_tokens)
        self.build_vocabulary(conditions)
        low = self.pitch_range[0]
        self.rest_id = self.vocab.id("REST")
        self.hold_id = self.vocab.id("HOLD")
        self.pitch_base = self.vocab.id(f"PITCH_{low}") - low

    def config(self) -> dict:
        """The constructor's arguments (see :meth:`Tokenizer.config`)."""
        return {"steps_per_quarter": self.steps_per_quarter, "pitch_range": list(self.pitch_range),
                "conditions": list(self.conditions)}

    def scheme_tokens(self) -> list[str]:
        """The scheme's token names (see :meth:`Tokenizer.scheme_tokens`)."""
        low, high = self.pitch_range
        return ["REST", "HOLD"] + [f"PITCH_{pitch}" for pitch in range(low, high + 1)]

    # --- encoding -------------------------------------------------------------

    def representable_notes(self, piece, report):
        """Grid notes in range, no drums, one at a time (the skyline)."""
        notes = read_notes(piece, self.steps_per_quarter, self.pitch_range, report)
        self.check_size(piece, notes)
        notes = skyline(cut_same_pitch_overlaps(notes, report), report)
        return [(start, pitch, end, DEFAULT_VELOCITY) for start, pitch, end, _ in notes]

    def size_bound(self, notes, piece):
        """One token per step, up to the end of the last note."""
        return max((end for _, _, end, _ in notes), default=0)

    def note_ids(self, notes: list[tuple], piece, report) -> list[int]:
        """The ids that write ``notes`` (see :meth:`Tokenizer.note_ids`)."""
        ids = []
        now = 0
        for start, pitch, end, _ in notes:
            ids += [self.rest_id] * (start - now)
            ids.append(self.pitch_base + pitch)
            ids += [self.hold_id] * (end - start - 1)
            now = end
        return ids

    # --- decoding -------------------------------------------------------------

    def decode(self, ids, qpm=120.0):
        """Token ids back to a NoteSequence at ``qpm`` (4/4).

        Any sequence of valid ids decodes: PITCH starts a note (ending the one
        before), HOLD continues it (or the silence, after a REST), REST ends
        it; each of these lasts one step. PAD, BOS, EOS and conditioning
        tokens take no time and are skipped.
        """
        parsed = self.parsed
        notes = []
        step, start, pitch = 0, None, None  # the note sounding, if any, began at ``start``
        for token_id in self.vocab.check_ids(ids):
            kind, value = parsed[token_id]
            if kind == "PITCH" or kind == "REST":
                if start is not None:
                    notes.append((start, pitch, step, DEFAULT_VELOCITY))
                start, pitch = (step, value) if kind == "PITCH" else (None, None)
            elif kind != "HOLD":
                continue  # PAD, BOS, EOS, conditions: no time passes
            step += 1
        if start is not None:
            notes.append((start, pitch, step, DEFAULT_VELOCITY))
        return notes_to_sequence(notes, qpm, self.steps_per_quarter)


def is_monophonic(notes):
    """True when no note starts before the notes before it have ended."""
    sounding_until = 0
    for start, _, end, _ in notes:
        if start < sounding_until:
            return False
        sounding_until = max(sounding_until, end)
    return True


def skyline(notes, report):
    """The highest note at every step, as monophonic notes; ``report`` counts the losses.

    ``notes`` are sorted, and no two notes of the same pitch overlap.
    """
    if is_monophonic(notes):
        return notes
    length = max(end for _, _, end, _ in notes)
    top = [-1] * length  # at each step, the index of the highest note sounding
    for i, (start, pitch, end, _) in enumerate(notes):
        for t in range(start, end):
            if top[t] < 0 or pitch > notes[top[t]][1]:
                top[t] = i
    melody = []
    pieces = [0] * len(notes)  # how many melody notes each note became
    steps = [0] * len(notes)   # and how many steps of it are left
    t = 0
    while t < length:
        i = top[t]
        if i < 0:
            t += 1
            continue
        begin = t
        while t < length and top[t] == i:
            t += 1
        melody.append((begin, notes[i][1], t, notes[i][3]))
        pieces[i] += 1
        steps[i] += t - begin
    for i, (start, _, end, _) in enumerate(notes):
        if pieces[i] == 0:
            report.hidden += 1
        elif pieces[i] > 1 or steps[i] < end - start:
            report.shortened += 1
    return melody
