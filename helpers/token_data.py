"""The folk corpus as token ids, split for training, validation and testing (lessons 6-8).

``folk_token_data(tokenizer)`` does the steps of lessons 2 and 3 in one call:

1. take every folk tune of the corpus (Essen, O'Neill's, Ryan's);
2. split them train / valid / test by groups of near-duplicates (lesson 2):
   tunes that share a transposition-free melody key, or whose top lines
   open with the same 24 melodic intervals (rhythm ignored, so variants of
   one tune count), always land in the same split (:func:`folk_split`);
3. encode each tune with the tokenizer (BOS ... EOS, lesson 3), and, with
   ``transpose=k``, add to the *training* split each tune shifted by every
   amount from -k to +k semitones that keeps it in the tokenizer's range.

The result, a :class:`TokenData`, holds each split's pieces as lists of ids
and counts their notes, so a model's loss in nats per token can be turned
into bits per note, a figure that does not depend on the tokenizer.

The encoded corpus is cached in ``.cache/tokens`` (numpy arrays, no pickle),
keyed by the tokenizer, the split and the corpus build, so the second call
takes a fraction of a second.
"""

import hashlib
import json
import math
from dataclasses import dataclass, field

import numpy as np
import torch

from helpers.corpus import corpus_version
from helpers.dataset import (SPLITS, allowed_shifts, group_pieces, interval_key, melody_key,
                             split_pieces, top_line)
from helpers.paths import cache_dir, write_atomic

FOLK = ("essen", "oneills", "ryans")
FORMAT_VERSION = 1
NEAR_INTERVALS = 24  # tunes whose top lines open with the same 24 intervals are one group
SPLIT_KEY = (f"groups: melody_key(transposed=True) or interval_key(top_line, n={NEAR_INTERVALS}) "
             "shared, union-find")


@dataclass
class TokenData:
    """Token ids of the train / valid / test pieces, with their note counts."""

    tokenizer: object
    pieces: dict            # split name -> list of piece ids
    ids: dict               # split name -> list of token-id lists (one per encoded piece)
    notes: dict             # split name -> number of notes the ids encode
    info: dict = field(default_factory=dict)   # what made it: corpus, tokenizer, split

    def stream(self, split: str) -> torch.Tensor:
        """All pieces of a split, one after the other, as one 1-D tensor (BOS ... EOS BOS ...).

        Example: ``data.stream("train")[:2].tolist()`` -> ``[1, 3]`` (BOS, then BAR with PositionTokenizer)
        """
        return torch.tensor([token for piece in self.ids[split] for token in piece], dtype=torch.long)

    def n_tokens(self, split: str) -> int:
        """How many tokens a split holds.

        Example: ``data.n_tokens("test") > len(data.pieces["test"])`` -> ``True``
        """
        return sum(len(piece) for piece in self.ids[split])

    def tokens_per_note(self, split: str) -> float:
        """Tokens per encoded note in a split (about 3 for the position scheme).

        Example: ``data.tokens_per_note("test")`` -> ``3.26`` (PositionTokenizer on the folk tunes)
        """
        return self.n_tokens(split) / max(self.notes[split], 1)

    def bits_per_note(self, nats_per_token: float, split: str = "test") -> float:
        """Convert a mean loss (nats per token) on ``split`` to bits per note.

        Example: ``data.bits_per_note(1.0)`` -> ``data.tokens_per_note("test") / math.log(2)``
        """
        return nats_per_token * self.tokens_per_note(split) / math.log(2)

    def summary(self) -> str:
        """One line per split: tunes, sequences, tokens and notes.

        Example: ``print(data.summary())`` -> ``train: 10,218 tunes, 10,218 sequences, ...``
        """
        lines = []
        for split in SPLITS:
            lines.append(f"{split:>5}: {len(self.pieces[split]):6,} tunes, "
                         f"{len(self.ids[split]):6,} sequences, {self.n_tokens(split):9,} tokens, "
                         f"{self.notes[split]:9,} notes")
        return "\n".join(lines)


def folk_token_data(tokenizer, fractions=(0.9, 0.05, 0.05), seed: int = 0, transpose: int = 0,
                    limit: int | None = None) -> TokenData:
    """The folk corpus encoded by ``tokenizer`` and split; see the module's docstring.

    ``limit`` keeps only the first ``limit`` tunes of each split (quick mode).
    The split never depends on ``limit`` or ``transpose``: the test tunes are
    always the same ones.
    Example: ``folk_token_data(PositionTokenizer(), limit=40).pieces["test"][:2]``
    """
    if not (isinstance(transpose, int) and 0 <= transpose <= 12):
        raise ValueError(f"transpose must be a whole number of semitones from 0 to 12, not {transpose!r}")
    info = {
        "corpus": corpus_version(),
        "tokenizer_sha256": hashlib.sha256(tokenizer.to_json().encode()).hexdigest(),
        "split": {"fractions": list(fractions), "seed": seed, "key": SPLIT_KEY},
        "transpose": transpose,
        "limit": limit,
    }
    path = cache_dir() / "tokens" / f"{_digest(info)}.npz"
    if path.exists():
        splits, ids, notes = _read(path)
    else:
        splits = folk_split(fractions, seed)
        if limit is not None:
            splits = {name: piece_ids[:limit] for name, piece_ids in splits.items()}
        ids, notes = _encode(tokenizer, splits, transpose)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, lambda f: np.savez(f, **_arrays(splits, ids, notes)), binary=True)
    info["split"]["pieces"] = {name: len(piece_ids) for name, piece_ids in splits.items()}
    info["split"]["ids_sha256"] = _ids_digest(splits)
    return TokenData(tokenizer, splits, ids, notes, info)


def folk_split(fractions=(0.9, 0.05, 0.05), seed=0) -> dict[str, list[str]]:
    """Folk tune ids split train / valid / test, near-duplicates kept together.

    Two tunes are one group when they have the same transposition-free
    melody key or when their top lines open with the same
    :data:`NEAR_INTERVALS` melodic intervals, rhythm ignored; groups are
    followed through (see ``dataset.group_pieces``), and each group lands
    in one split (``dataset.split_pieces``). The split is cached next to the
    token files (JSON), keyed by the corpus build, the grouping and the
    arguments: computing 11,000 melody keys takes a while.
    Example: ``len(folk_split()["test"])`` -> about 5 % of the tunes
    """
    from helpers import corpus

    key = {"fractions": list(fractions), "seed": seed, "corpus": corpus_version(), "key": SPLIT_KEY}
    path = cache_dir() / "tokens" / f"split-{_digest(key)}.json"
    if path.exists():
        return json.loads(path.read_text())
    table = corpus.corpus_table()
    folk_ids = list(table.id[table.collection.isin(FOLK)])
    notes = [corpus.piece_arrays(piece_id) for piece_id in folk_ids]
    exact = [melody_key(*piece, transposed=True) for piece in notes]
    near = [interval_key(top_line(pitches, starts), NEAR_INTERVALS) for pitches, starts, _ in notes]
    splits = split_pieces(folk_ids, group_pieces(folk_ids, exact, near), fractions, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, lambda f: json.dump(splits, f))
    return splits


def _encode(tokenizer, splits, transpose):
    from helpers import corpus
    from helpers.music import transpose as shift_piece

    low, high = tokenizer.pitch_range
    ids, notes = {}, {}
    for split in SPLITS:
        ids[split], notes[split] = [], 0
        shifts_wanted = transpose if split == "train" else 0
        for piece in corpus.load_pieces(splits[split]):
            pitches = [n.pitch for n in piece.notes]
            if not pitches:
                continue
            for shift in allowed_shifts(min(pitches), max(pitches), low, high, shifts_wanted):
                shifted = shift_piece(piece, shift) if shift else piece
                piece_ids, report = tokenizer.encode_with_report(shifted)
                ids[split].append(piece_ids)
                notes[split] += report.encoded
    return ids, notes


def _arrays(splits, ids, notes):
    arrays = {}
    for split in SPLITS:
        arrays[f"{split}_pieces"] = np.array(splits[split], dtype=str)
        lengths = [len(piece) for piece in ids[split]]
        arrays[f"{split}_tokens"] = np.array([t for piece in ids[split] for t in piece], dtype=np.int32)
        arrays[f"{split}_offsets"] = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])
        arrays[f"{split}_notes"] = np.array(notes[split], dtype=np.int64)
    return arrays


def _read(path):
    splits, ids, notes = {}, {}, {}
    with np.load(path, allow_pickle=False) as data:
        for split in SPLITS:
            splits[split] = data[f"{split}_pieces"].tolist()
            tokens, offsets = data[f"{split}_tokens"].tolist(), data[f"{split}_offsets"].tolist()
            ids[split] = [tokens[a:b] for a, b in zip(offsets[:-1], offsets[1:])]
            notes[split] = int(data[f"{split}_notes"])
    return splits, ids, notes


def _digest(info):
    text = json.dumps({**info, "format": FORMAT_VERSION}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _ids_digest(splits):
    text = json.dumps({name: sorted(ids) for name, ids in splits.items()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()
