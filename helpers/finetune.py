"""Fine-tune a trained model on a genre: the gain on the genre, the forgetting of the rest (lesson 9).

The genre generator learners arrive with took MusicVAE, trained on everything,
and fine-tuned it on the Lakh MIDI files tagged Rock. Done properly, that is:

1. a subset to fine-tune on, split so that its held-out pieces are ones the
   model never trained on: a folk subset chosen with lesson 2's filters
   (:func:`subset_token_data` keeps the folk split, so the subset's test tunes
   are in the folk test split), or pieces of your own, a folder of MIDI files
   or Lakh Rock melodies (:func:`pieces_token_data` splits them by melody, or
   by song when a song gives several windows);
2. training that starts from the trained weights, with a lower learning rate
   and fewer steps (:func:`fine_tune_config`), in the same loop as always;
3. two numbers before and after (:func:`before_after`): bits per note on the
   subset's held-out pieces (the gain) and on the folk test split (what was
   forgotten).

:func:`lakh_melody_pieces` turns multi-track Lakh files into melody windows
(:mod:`helpers.melody_extraction`), so the same three steps run on Rock once
the dataset is downloaded.
"""

import copy
import hashlib
import json

from helpers.dataset import SPLITS, sequence_key, split_pieces
from helpers.training import TrainConfig, score, train

FINE_TUNE = {"max_steps": 60, "lr": 5e-4, "min_lr": 5e-5, "warmup_steps": 10, "eval_every": 20,
             "patience": 3}   # what changes from TrainConfig's defaults for fine-tuning


def fine_tune_config(**changes) -> TrainConfig:
    """TrainConfig with the fine-tuning settings (:data:`FINE_TUNE`), and ``changes`` on top.

    A quarter of the usual learning rate and a few dozen steps: the model should adapt, not start over.
    Example: ``fine_tune_config(max_steps=100)`` -> ``TrainConfig(max_steps=100, lr=0.0005, ...)``
    """
    return TrainConfig(**{**FINE_TUNE, **changes})


def subset_token_data(data: "TokenData", piece_ids) -> "TokenData":
    """The tunes of ``data`` (a folk TokenData) whose ids are in ``piece_ids``, each in its own split.

    Example: ``subset_token_data(folk_token_data(tok), filter_pieces(table, country="China").id)``
    """
    from helpers.token_data import TokenData

    wanted = set(piece_ids)
    pieces, ids, notes = {}, {}, {}
    for split in SPLITS:
        if len(data.pieces[split]) != len(data.ids[split]):
            raise ValueError(f"{split}: {len(data.pieces[split])} tunes but {len(data.ids[split])} "
                             "sequences; subset_token_data needs one sequence per tune (transpose=0)")
        kept = [(p, seq) for p, seq in zip(data.pieces[split], data.ids[split]) if p in wanted]
        pieces[split] = [p for p, _ in kept]
        ids[split] = [seq for _, seq in kept]
        notes[split] = sum(_count_notes(data.tokenizer, seq) for seq in ids[split])
    if not pieces["train"] or not pieces["test"]:
        raise ValueError(f"the subset has {len(pieces['train'])} training and {len(pieces['test'])} "
                         "test tunes; choose a larger one")
    info = {**data.info, "subset": {"pieces": {s: len(pieces[s]) for s in SPLITS},
                                    "ids_sha256": _digest(pieces)}}
    return TokenData(data.tokenizer, pieces, ids, notes, info)


def pieces_token_data(tokenizer, pieces: list, groups: list | None = None,
                      fractions=(0.8, 0.1, 0.1), seed: int = 0) -> "TokenData":
    """Your own pieces, encoded and split train / valid / test without leaks.

    Pieces with the same group (default: the same melody up to transposition,
    lesson 2's key) land in the same split: pass each window's song as its
    group, so no song is on both sides.
    Example: ``pieces_token_data(tokenizer, windows, groups=[w.id for w in windows])``
    """
    from helpers.token_data import TokenData

    if groups is None:
        groups = [sequence_key(piece, transposed=True) for piece in pieces]
    if len(groups) != len(pieces):
        raise ValueError(f"one group per piece: {len(pieces)} pieces, {len(groups)} groups")
    numbers = split_pieces(list(range(len(pieces))), [str(g) for g in groups], fractions, seed)
    ids, notes, names = {}, {}, {}
    for split in SPLITS:
        ids[split], notes[split] = [], 0
        for i in numbers[split]:
            encoded, report = tokenizer.encode_with_report(pieces[i])
            ids[split].append(encoded)
            notes[split] += report.encoded
        names[split] = [pieces[i].id or pieces[i].filename or f"piece {i}" for i in numbers[split]]
    info = {"pieces": {s: len(names[s]) for s in SPLITS}, "ids_sha256": _digest(names)}
    return TokenData(tokenizer, names, ids, notes, info)


def fine_tune(model, data, cfg: TrainConfig, out_dir, progress: bool = True) -> tuple:
    """A copy of ``model`` trained further on ``data``'s training split; the original is unchanged.

    Returns ``(tuned model, history)``; ``out_dir`` gets best.pt and latest.pt.
    Example: ``tuned, history = fine_tune(model, subset, fine_tune_config(), "output/lesson9/finetune")``
    """
    from helpers.checkpoints import load_checkpoint

    tuned = copy.deepcopy(model)
    history = train(tuned, data.stream("train"), data.stream("valid"), cfg, out_dir,
                    data.tokenizer.to_json(), progress=progress, meta={"data": data.info})
    best, _ = load_checkpoint(f"{out_dir}/best.pt", data.tokenizer.to_json())
    return best, history


def before_after(before, after, subset, folk, block_size: int = 256) -> "pd.DataFrame":
    """Bits per note on the subset's test pieces and on the folk test split, before and after.

    Rows ``subset test`` and ``folk test``; columns before, after, change.
    Example: ``before_after(model, tuned, subset, folk_token_data(tokenizer))``
    """
    import pandas as pd

    rows = {}
    for name, data in (("subset test", subset), ("folk test", folk)):
        b = score(before, data, "test", block_size)["bits_per_note"]
        a = score(after, data, "test", block_size)["bits_per_note"]
        rows[name] = {"before": b, "after": a, "change": round(a - b, 4)}
    return pd.DataFrame(rows).T


def lakh_melody_pieces(root, genre: str = "Rock", sample: int | None = None, bars: int = 8,
                       min_notes: int = 8, progress: bool = True) -> tuple[list, list]:
    """Melody windows of one Lakh genre's files, and each window's song (its MSD track id).

    Loads the files with :func:`helpers.lakh.load_genre` (corrupt ones are
    skipped and reported there), then :func:`helpers.melody_extraction.melody_windows`.
    Example: ``windows, songs = lakh_melody_pieces("data/lakh", "Rock", sample=200)``
    """
    from helpers.lakh import load_genre
    from helpers.melody_extraction import melody_windows

    files, _ = load_genre(root, genre, sample=sample, progress=progress)
    windows, songs = [], []
    for piece in files:
        for window in melody_windows(piece, bars=bars, min_notes=min_notes):
            window.id = f"{piece.id}#{len(windows)}"
            windows.append(window)
            songs.append(piece.id)
    return windows, songs


def _count_notes(tokenizer, ids) -> int:
    """Notes in a sequence of ids: one NOTE_ON (positions, events) or PITCH (melody) each."""
    parsed = tokenizer.parsed
    return sum(parsed[token][0] in ("NOTE_ON", "PITCH") for token in ids)


def _digest(pieces: dict) -> str:
    text = json.dumps({name: sorted(map(str, ids)) for name, ids in pieces.items()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()
