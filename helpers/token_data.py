"""The folk corpus as token ids, split for training, validation and testing (lessons 6-8).

``folk_token_data(tokenizer)`` does the steps of lessons 2 and 3 in one call:

1. take every folk tune of the corpus (Essen, O'Neill's, Ryan's);
2. split them train / valid / test by a transposition-free melody key, so a
   tune and its transposed copy never sit on both sides (lesson 2);
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
from helpers.dataset import SPLITS, allowed_shifts, melody_key, split_pieces
from helpers.paths import cache_dir, write_atomic

FOLK = ("essen", "oneills", "ryans")
FORMAT_VERSION = 1


@dataclass
class TokenData:
    """Token ids of the train / valid / test pieces, with their note counts."""

    tokenizer: object
    pieces: dict            # split name -> list of piece ids
    ids: dict               # split name -> list of token-id lists (one per encoded piece)
    notes: dict             # split name -> number of notes the ids encode
    info: dict = field(default_factory=dict)   # what made it: corpus, tokenizer, split

    def stream(self, split):
        """All pieces of a split, one after the other, as one 1-D tensor (BOS ... EOS BOS ...)."""
        return torch.tensor([token for piece in self.ids[split] for token in piece], dtype=torch.long)

    def n_tokens(self, split):
        return sum(len(piece) for piece in self.ids[split])

    def tokens_per_note(self, split):
        return self.n_tokens(split) / max(self.notes[split], 1)

    def bits_per_note(self, nats_per_token, split="test"):
        """Convert a mean loss (nats per token) on ``split`` to bits per note."""
        return nats_per_token * self.tokens_per_note(split) / math.log(2)

    def summary(self):
        lines = []
        for split in SPLITS:
            lines.append(f"{split:>5}: {len(self.pieces[split]):6,} tunes, "
                         f"{len(self.ids[split]):6,} sequences, {self.n_tokens(split):9,} tokens, "
                         f"{self.notes[split]:9,} notes")
        return "\n".join(lines)


def folk_token_data(tokenizer, fractions=(0.9, 0.05, 0.05), seed=0, transpose=0, limit=None):
    """The folk corpus encoded by ``tokenizer`` and split; see the module's docstring.

    ``limit`` keeps only the first ``limit`` tunes of each split (quick mode).
    The split never depends on ``limit`` or ``transpose``: the test tunes are
    always the same ones.
    """
    if not (isinstance(transpose, int) and 0 <= transpose <= 12):
        raise ValueError(f"transpose must be a whole number of semitones from 0 to 12, not {transpose!r}")
    info = {
        "corpus": corpus_version(),
        "tokenizer_sha256": hashlib.sha256(tokenizer.to_json().encode()).hexdigest(),
        "split": {"fractions": list(fractions), "seed": seed, "key": "melody_key(transposed=True)"},
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


def folk_split(fractions=(0.9, 0.05, 0.05), seed=0):
    """Folk tune ids split train / valid / test by transposition-free melody key.

    The split is cached next to the token files (JSON), keyed by the corpus
    build and the arguments: computing 11,500 melody keys takes a while.
    """
    from helpers import corpus

    key = {"fractions": list(fractions), "seed": seed, "corpus": corpus_version()}
    path = cache_dir() / "tokens" / f"split-{_digest(key)}.json"
    if path.exists():
        return json.loads(path.read_text())
    table = corpus.corpus_table()
    folk_ids = list(table.id[table.collection.isin(FOLK)])
    keys = [melody_key(*corpus.piece_arrays(piece_id), transposed=True) for piece_id in folk_ids]
    splits = split_pieces(folk_ids, keys, fractions, seed)
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
