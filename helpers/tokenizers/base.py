"""What every tokenizer of the course shares.

A tokenizer turns a piece (a NoteSequence) into a list of token ids and back:

* ``encode(piece, conditions=())`` -> ids: ``BOS``, the conditioning tokens,
  the piece's tokens, ``EOS``;
* ``decode(ids, qpm=120.0)`` -> NoteSequence;
* ``tokens(piece)`` -> the same as names, to read;
* ``prepare(piece)`` -> the piece as the tokenizer can represent it (on the
  grid, drums and out-of-range notes gone, ...): ``decode(encode(x))`` gives
  back exactly the notes of ``prepare(x)``;
* ``save(path)`` / ``load(path)``: the configuration and vocabulary as JSON.

Each scheme (positions, events, melody) is a subclass. Its ``__init__`` checks
its own settings between ``super().__init__`` (the grid and the pitch range)
and ``build_vocabulary``; it says which tokens it has (``scheme_tokens``),
which notes it keeps (``representable_notes``), how it writes them
(``note_ids``) and how it reads ids back (``decode``).

Conditioning tokens (e.g. ``STYLE_jig``, ``KEY_D``, ``METER_6/8``) are given
when the tokenizer is made; they go at the end of the vocabulary, so the ids
of the music tokens do not depend on them. ``decode`` skips them, and skips
PAD, BOS and EOS wherever they are.
"""

import json
from pathlib import Path

from helpers.music import tempo
from helpers.tokenizers.grid import MAX_TOKENS, Report, check_size, meter_steps, notes_to_sequence
from helpers.tokenizers.vocab import BOS_ID, EOS_ID, SPECIAL_TOKENS, Vocab, split_token

SPECIAL = "SPECIAL"      # the kind of PAD, BOS and EOS
CONDITION = "CONDITION"  # the kind of a conditioning token


class Tokenizer:
    """The shared part of the course's tokenizers; use a subclass."""

    scheme = None  # the scheme's name in saved files, set by each subclass

    def __init__(self, steps_per_quarter, pitch_range, max_tokens=MAX_TOKENS):
        """Check and keep the grid and the pitch range (then a subclass builds its vocabulary).

        ``max_tokens`` limits one encoded piece (default :data:`MAX_TOKENS`,
        100,000): a longer one is refused with a ValueError before it can fill
        the memory. It is a safety limit, not part of the saved vocabulary.
        """
        if not (isinstance(steps_per_quarter, int) and steps_per_quarter >= 1):
            raise ValueError("steps_per_quarter must be a whole number >= 1, "
                             f"not {steps_per_quarter!r}")
        low, high = pitch_range
        if not 0 <= low <= high <= 127:
            raise ValueError("pitch_range must be (lowest, highest) within 0..127, "
                             f"not {pitch_range!r}")
        if not (isinstance(max_tokens, int) and max_tokens >= 2):
            raise ValueError(f"max_tokens must be a whole number >= 2, not {max_tokens!r}")
        self.steps_per_quarter = steps_per_quarter
        self.pitch_range = (int(low), int(high))
        self.max_tokens = max_tokens
        self.last_report = None

    def build_vocabulary(self, conditions) -> None:
        """Make ``self.vocab``: PAD, BOS, EOS, the scheme's tokens, then the conditioning tokens."""
        music_tokens = list(SPECIAL_TOKENS) + self.scheme_tokens()
        self.conditions = check_conditions(conditions, music_tokens)
        self.vocab = Vocab(music_tokens + list(self.conditions))
        # (kind, value) of every id, worked out once here so that decode is fast
        self.parsed = ([(SPECIAL, None)] * len(SPECIAL_TOKENS)
                       + [split_token(name) for name in music_tokens[len(SPECIAL_TOKENS):]]
                       + [(CONDITION, name) for name in self.conditions])

    # --- what each scheme provides ------------------------------------------

    def scheme_tokens(self) -> list[str]:
        """The scheme's token names (the vocabulary without specials and conditions)."""
        raise NotImplementedError

    def config(self) -> dict:
        """The constructor's arguments, as a dict that JSON can store."""
        raise NotImplementedError

    def representable_notes(self, piece, report: Report) -> list[tuple]:
        """The notes this scheme can write, as sorted ``(start, pitch, end, velocity)``."""
        raise NotImplementedError

    def size_bound(self, notes: list[tuple], piece) -> int:
        """An upper bound on the tokens that write ``notes`` (grid notes of ``piece``, sorted by start)."""
        raise NotImplementedError

    def check_size(self, piece, notes: list[tuple]) -> None:
        """Refuse ``piece`` if writing its grid ``notes`` could take more than ``max_tokens``."""
        check_size(piece, self.size_bound(notes, piece) + 2, self.max_tokens)

    def note_ids(self, notes: list[tuple], piece, report: Report) -> list[int]:
        """The ids that write ``notes`` (between the conditions and EOS)."""
        raise NotImplementedError

    def decode(self, ids, qpm: float = 120.0):
        """Token ids back to a NoteSequence at ``qpm`` quarter notes per minute."""
        raise NotImplementedError

    # --- encoding -------------------------------------------------------------

    def encode_with_report(self, piece, conditions=()) -> tuple[list[int], Report]:
        """``(ids, report)``: the piece's token ids, and what was dropped or changed.

        Example: ``ids, report = tok.encode_with_report(chorale); print(report)``
        """
        report = Report()
        notes = self.representable_notes(piece, report)
        report.encoded = len(notes)
        ids = [BOS_ID] + self.condition_ids(conditions) + self.note_ids(notes, piece, report)
        ids.append(EOS_ID)
        return ids, report

    def encode(self, piece, conditions=()) -> list[int]:
        """The piece's token ids: BOS, ``conditions``, the music, EOS.

        What had to be dropped or changed is in ``self.last_report``.
        Example: ``PositionTokenizer().encode(tune)`` -> ``[1, 3, 26, 35, ...]``
        """
        ids, self.last_report = self.encode_with_report(piece, conditions)
        return ids

    def tokens(self, piece, conditions=()) -> list[str]:
        """The piece's tokens as names.

        Example: ``PositionTokenizer().tokens(tune)[:4]`` -> ``['BOS', 'BAR', 'TIMESIG_6/8', 'POSITION_10']``
        """
        return self.vocab.names(self.encode(piece, conditions))

    def condition_ids(self, conditions) -> list[int]:
        """The ids of conditioning tokens; each must be one this tokenizer was made with.

        Example: ``PositionTokenizer(conditions=["KEY_D"]).condition_ids(["KEY_D"])`` -> ``[210]``
        """
        if isinstance(conditions, str):
            raise TypeError(f"conditions is a list of token names, e.g. [{conditions!r}]")
        ids = []
        for name in conditions:
            if name not in self.conditions:
                raise ValueError(f"{name!r} is not a conditioning token of this tokenizer; it has "
                                 f"{list(self.conditions) or 'none'} (add tokens with "
                                 f"{type(self).__name__}(conditions=[...]))")
            ids.append(self.vocab.id(name))
        return ids

    def prepare(self, piece):
        """The piece as this tokenizer represents it: a new NoteSequence.

        Notes are snapped to the grid and reduced exactly as ``encode`` does
        (same tempo map, the piece's time signatures), and written at the
        piece's first tempo, so ``decode(encode(piece), qpm=tempo(piece))``
        has the same notes.

        Example: ``MelodyTokenizer().prepare(chorale)`` -> the chorale's top line, on 16th notes
        """
        notes = self.representable_notes(piece, Report())
        meters = meter_steps(piece, self.steps_per_quarter)
        return notes_to_sequence(notes, tempo(piece), self.steps_per_quarter, meters)

    def is_condition(self, token_id: int) -> bool:
        """True for the id of a conditioning token.

        Example: ``tok.is_condition(tok.vocab.id("KEY_D"))`` -> ``True``
        """
        return self.parsed[token_id][0] == CONDITION

    # --- saving and loading -------------------------------------------------

    def to_json(self) -> str:
        """The scheme, its configuration and its vocabulary as JSON text.

        Example: ``json.loads(tok.to_json())["scheme"]`` -> ``"positions"``
        """
        return json.dumps({"scheme": self.scheme, "config": self.config(),
                           "vocabulary": self.vocab.to_list()}, indent=1)

    @classmethod
    def from_json(cls, text: str, source: str = "<json>") -> "Tokenizer":
        """A tokenizer from ``to_json()``'s text; it is identical to the saved one.

        Called on ``Tokenizer`` itself, it makes whichever scheme the text names.
        Example: ``Tokenizer.from_json(tok.to_json()) == tok`` -> ``True``
        """
        from helpers.tokenizers import SCHEMES  # here, because that module imports this one

        data = json.loads(text)
        scheme = data.get("scheme")
        if scheme not in SCHEMES:
            raise ValueError(f"{source}: unknown tokenizer scheme {scheme!r}; "
                             f"expected one of {sorted(SCHEMES)}")
        if cls is not Tokenizer and scheme != cls.scheme:
            raise ValueError(f"{source} holds a {scheme!r} tokenizer, not a {cls.scheme!r} one")
        tokenizer = SCHEMES[scheme](**data["config"])
        if tokenizer.vocab.to_list() != data["vocabulary"]:
            raise ValueError(f"{source}: the saved vocabulary differs from the one its "
                             "configuration makes (was the file edited, or saved by another "
                             "version of the course?)")
        return tokenizer

    def save(self, path) -> Path:
        """Write ``to_json()`` to ``path`` (creating its folder); returns the path.

        Example: ``tok.save("output/vocab.json")``
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json() + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, path) -> "Tokenizer":
        """Read a tokenizer written by ``save``.

        Example: ``PositionTokenizer.load("output/vocab.json")``
        """
        path = Path(path)
        return cls.from_json(path.read_text(encoding="utf-8"), source=str(path))

    def __eq__(self, other):
        return type(self) is type(other) and self.to_json() == other.to_json()

    def __hash__(self):
        return hash(self.to_json())

    def __repr__(self):
        settings = ", ".join(f"{key}={value!r}" for key, value in self.config().items())
        return f"{type(self).__name__}({settings})  # {len(self.vocab)} tokens"


def check_conditions(conditions, music_tokens: list[str]) -> tuple[str, ...]:
    """The conditioning tokens as a tuple, after checking that each is a new, plain name."""
    if isinstance(conditions, str):
        raise TypeError(f"conditions is a list of token names, e.g. [{conditions!r}], "
                        "not one string")
    conditions = tuple(conditions)
    taken = set(music_tokens)
    for name in conditions:
        if not isinstance(name, str) or not name or any(ch.isspace() for ch in name):
            raise ValueError(f"a conditioning token is a name without spaces, e.g. 'STYLE_jig'; "
                             f"got {name!r}")
        if name in taken:
            raise ValueError(f"{name!r} is already a token of this scheme or listed twice; "
                             "conditioning tokens need names of their own")
        taken.add(name)
    return conditions
