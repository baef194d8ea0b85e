"""Which tokens may come next: the rules that keep generated tokens decodable (lessons 4-8).

A language model can put any token anywhere: a DURATION with no NOTE_ON before
it, a POSITION behind the one before, a NOTE_OFF for a key that is not down.
The decoders skip such tokens, but then the music is not what the model
"said". ``grammar_for(tokenizer)`` returns a function ``allowed(history)``
that :func:`helpers.sampling.sample` calls before every new token: it gives a
True/False mask over the vocabulary, and sampling only picks allowed tokens.
So every generated sequence is one the tokenizer's own ``encode`` could have
written.

The rules, per scheme (after BOS; PAD, BOS and conditioning tokens are never
generated, conditions belong in the prompt):

* positions: ``BAR TIMESIG`` first; after BAR: TIMESIG, POSITION, BAR or EOS;
  POSITION (inside the bar, later than the last one) -> NOTE_ON -> DURATION;
  after a DURATION: a higher NOTE_ON (a chord), a later POSITION, BAR or EOS.
* events: NOTE_ON only for a key that is up, NOTE_OFF only for a key that is
  down; TIME_SHIFT, VELOCITY and EOS any time.
* melody: HOLD only while a note sounds (after PITCH or HOLD); PITCH, REST and
  EOS any time.
"""

import torch

from helpers.tokenizers.vocab import BOS_ID, EOS_ID


def grammar_for(tokenizer) -> "Grammar":
    """The ``allowed(history) -> bool tensor`` function for ``tokenizer``'s scheme.

    Example: ``sample(model, [BOS_ID], 64, allowed=grammar_for(tokenizer))``
    """
    grammars = {"positions": PositionGrammar, "events": EventGrammar, "melody": MelodyGrammar}
    return grammars[tokenizer.scheme](tokenizer)


class Grammar:
    """Masks built from token kinds; a subclass says which kinds may follow."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.parsed = tokenizer.parsed
        self.size = len(tokenizer.vocab)

    def kinds(self, *kinds):
        """A mask with every token of these kinds allowed."""
        mask = torch.zeros(self.size, dtype=torch.bool)
        for i, (kind, _) in enumerate(self.parsed):
            if kind in kinds:
                mask[i] = True
        return mask

    def where(self, kind, test):
        """A mask of the tokens of ``kind`` whose value passes ``test``."""
        mask = torch.zeros(self.size, dtype=torch.bool)
        for i, (k, value) in enumerate(self.parsed):
            if k == kind and test(value):
                mask[i] = True
        return mask

    def music(self, history):
        """The kinds and values after the last BOS (skipping conditions)."""
        start = len(history) - 1 - history[::-1].index(BOS_ID) if BOS_ID in history else -1
        return [self.parsed[t] for t in history[start + 1:] if self.parsed[t][0] != "CONDITION"]

    def eos(self):
        """A mask with only EOS allowed."""
        mask = torch.zeros(self.size, dtype=torch.bool)
        mask[EOS_ID] = True
        return mask

    def __call__(self, history):
        raise NotImplementedError


class PositionGrammar(Grammar):
    """BAR / TIMESIG / POSITION / NOTE_ON / DURATION in the order ``encode`` writes them."""

    def __init__(self, tokenizer):
        super().__init__(tokenizer)
        self.bar_lengths = tokenizer.bar_lengths
        self.bar = self.kinds("BAR")
        self.timesig = self.kinds("TIMESIG")
        self.note_on = self.kinds("NOTE_ON")
        self.duration = self.kinds("DURATION")
        self.notes_above = {}    # pitch -> mask of the NOTE_ONs above it (worked out when needed)
        self.positions = {}      # (after, bar length) -> mask of the POSITIONs between

    def __call__(self, history):
        music = self.music(history)
        if not music:
            return self.bar | self.eos()           # a piece starts with a bar (or is empty)
        meter, position, last_pitch = "4/4", None, None
        for kind, value in music:
            if kind == "TIMESIG":
                meter = value
            elif kind == "BAR":
                position, last_pitch = None, None
            elif kind == "POSITION":
                position, last_pitch = value, None
            elif kind == "NOTE_ON":
                last_pitch = value
        kind = music[-1][0]
        if kind == "POSITION":
            return self.note_on.clone()
        if kind == "NOTE_ON":
            return self.duration.clone()
        after, bar_length = -1 if position is None else position, self.bar_lengths[meter]
        if (after, bar_length) not in self.positions:
            self.positions[after, bar_length] = self.where("POSITION", lambda p: after < p < bar_length)
        mask = self.positions[after, bar_length] | self.bar | self.eos()
        if kind == "BAR":
            first_bar = sum(1 for k, _ in music if k == "BAR") == 1
            return self.timesig.clone() if first_bar else mask | self.timesig
        if kind == "DURATION":
            if last_pitch not in self.notes_above:
                self.notes_above[last_pitch] = self.where("NOTE_ON", lambda p: p > last_pitch)
            mask |= self.notes_above[last_pitch]
        return mask


class EventGrammar(Grammar):
    """Keys go down before they come up, and not twice."""

    def __init__(self, tokenizer):
        super().__init__(tokenizer)
        self.always = self.kinds("TIME_SHIFT", "VELOCITY") | self.eos()
        self.on_ids = {value: i for i, (kind, value) in enumerate(self.parsed) if kind == "NOTE_ON"}
        self.off_ids = {value: i for i, (kind, value) in enumerate(self.parsed) if kind == "NOTE_OFF"}

    def __call__(self, history):
        down = set()
        for kind, value in self.music(history):
            if kind == "NOTE_ON":
                down.add(value)
            elif kind == "NOTE_OFF":
                down.discard(value)
        mask = self.always.clone()
        for pitch, i in self.on_ids.items():
            mask[i] = pitch not in down
        for pitch in down:
            mask[self.off_ids[pitch]] = True
        return mask


class MelodyGrammar(Grammar):
    """HOLD only continues a note."""

    def __init__(self, tokenizer):
        super().__init__(tokenizer)
        self.free = self.kinds("PITCH", "REST") | self.eos()
        self.hold = self.kinds("HOLD")

    def __call__(self, history):
        music = self.music(history)
        if music and music[-1][0] in ("PITCH", "HOLD"):
            return self.free | self.hold
        return self.free.clone()


def is_grammatical(tokenizer, ids) -> bool:
    """True when every token of ``ids`` (BOS first) is one the grammar allows where it stands.

    Example: ``is_grammatical(tok, tok.encode(tune))`` -> ``True``
    """
    allowed = grammar_for(tokenizer)
    ids = list(ids)
    for i in range(1, len(ids)):
        if tokenizer.parsed[ids[i]][0] == "CONDITION" and all(
                tokenizer.parsed[t][0] == "CONDITION" for t in ids[1:i]):
            continue  # conditions right after BOS belong to the prompt
        if not allowed(ids[:i])[ids[i]]:
            return False
        if ids[i] == EOS_ID:
            return i == len(ids) - 1
    return True
