"""Tokenizers: from a piece of music to a list of numbers and back (lesson 3).

A language model reads and writes token ids. Three schemes turn a piece (a
NoteSequence) into ids, each from a model family the course re-implements:

* ``PositionTokenizer``: BAR, TIMESIG, POSITION, NOTE_ON, DURATION; the student
  Transformer project's scheme, with bars;
* ``EventTokenizer``: NOTE_ON, NOTE_OFF, TIME_SHIFT, VELOCITY; Performance RNN
  and Music Transformer;
* ``MelodyTokenizer``: PITCH, HOLD, REST, one token per 16th note; MelodyRNN
  and MusicVAE.

``helpers.tokenizers.grammar`` says which token may come next in each scheme
(sampling uses it so that every generated sequence decodes).

Every tokenizer has the same methods::

    tok = PositionTokenizer()               # or EventTokenizer(), MelodyTokenizer()
    ids = tok.encode(piece)                 # [1, 3, 7, ...]: BOS ... EOS
    tok.vocab.names(ids)                    # ['BOS', 'BAR', 'TIMESIG_4/4', ...]
    print(tok.last_report)                  # what was dropped or changed, if anything
    back = tok.decode(ids, qpm=120)         # a NoteSequence
    tok.prepare(piece)                      # what the tokenizer can represent
    tok.save("vocab.json"); PositionTokenizer.load("vocab.json")

Common ground:

* time is on a grid of ``steps_per_quarter`` steps per quarter note (4: 16th
  notes), following every tempo change of the piece; ``decode`` writes
  seconds at the one ``qpm`` it is given;
* a piece that would take more than ``max_tokens`` tokens (100,000 by
  default; ``PositionTokenizer(max_tokens=...)``) is refused with a
  ValueError naming it, before it can fill the memory;
* ids 0, 1, 2 are ``PAD``, ``BOS``, ``EOS``; ``encode`` adds BOS and EOS;
* conditioning tokens (``conditions=["STYLE_jig", "KEY_D"]`` when making the
  tokenizer) go after BOS with ``encode(piece, conditions=[...])``;
* drum notes are skipped and notes outside ``pitch_range`` dropped, both
  counted in the report; all notes become one piano part;
* ``decode`` accepts any sequence of valid ids (a model may write nonsense) and
  skips what makes no sense; an id outside the vocabulary raises ValueError,
  a non-integer TypeError;
* ``decode(encode(x))`` has exactly the notes of ``prepare(x)``; compare them
  with :func:`grid_notes`.
"""

from helpers.tokenizers.base import Tokenizer
from helpers.tokenizers.events import EventTokenizer
from helpers.tokenizers.grid import Report, grid_notes
from helpers.tokenizers.melody import MelodyTokenizer
from helpers.tokenizers.positions import PositionTokenizer
from helpers.tokenizers.vocab import BOS_ID, EOS_ID, PAD_ID, Vocab

SCHEMES = {
    "positions": PositionTokenizer,
    "events": EventTokenizer,
    "melody": MelodyTokenizer,
}


def load_tokenizer(path) -> Tokenizer:
    """Read any tokenizer written by ``save``; the file says which scheme it is.

    Example: ``load_tokenizer("output/positions_vocab.json")``
    """
    return Tokenizer.load(path)


def quantize_for(tokenizer: Tokenizer, piece):
    """The piece as ``tokenizer`` can represent it (the same as ``tokenizer.prepare(piece)``).

    Example: ``quantize_for(MelodyTokenizer(), chorale)``
    """
    return tokenizer.prepare(piece)


__all__ = ["BOS_ID", "EOS_ID", "PAD_ID", "SCHEMES", "EventTokenizer", "MelodyTokenizer",
           "PositionTokenizer", "Report", "Tokenizer", "Vocab", "grid_notes", "load_tokenizer",
           "quantize_for"]
