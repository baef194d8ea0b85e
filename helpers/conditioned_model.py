"""Train the conditioned folk model, and measure what its conditions are worth (lesson 9).

The shipped ``folk-conditioned`` checkpoint is made by one command (wired as
``python -m helpers condition train``; :func:`main`), then shipped like the others::

    python -m helpers condition train --out output/folk-conditioned-1600 --max-steps 1600
    python -m helpers ship output/folk-conditioned-1600 --name folk-conditioned

Every other setting is the default. 1,600 steps is four times the folk
models' 400, because obeying the conditions is learned more slowly than the
music: with ``benchmarks/obedience.py``'s prompts (16 pieces each, no
guidance) the key was obeyed in 58.0 % of the pieces after 400 steps, 66.5 %
after 800 and 76.1 % after 1,600.

It trains the Transformer of lesson 8 with :func:`helpers.training.train`, its
options built from the same dataclasses as ``python -m helpers train``
(``TrainConfig`` and ``TransformerConfig``: the shipped folk models' settings),
on :func:`helpers.conditioning.conditioned_token_data`, with every window
starting at a piece's BOS (``starts``), and writes ``report.json`` next to
``best.pt``, the file ``ship`` reads. Its ``valid`` and ``test`` scores are
on that data (the folk split's tunes moved to the tonic C, with all their
conditions, in windows of 256 tokens); they do not compare with
``folk-transformer``'s, whose tunes are in their written keys.
``conditioned`` adds :func:`music_bits_per_note` on the test tunes with all
their conditions and with none.
"""

import argparse
import dataclasses
import json
import math
import shlex
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from helpers.conditioning import (DROP, EVERY, FIELDS, condition_table, conditioned_token_data, field_of,
                                  piece_starts, to_tonic_c, tune_tokens)


def music_bits_per_note(model, tokenizer, tunes: list[list[int]], conditions: list[list[str]],
                        fields: tuple = FIELDS, block_size: int = 256) -> float:
    """Bits per note of the music of each tune's first window, after BOS and the conditions of ``fields``.

    ``tunes``: encoded tunes (BOS ... EOS, no conditions); ``conditions``:
    each tune's condition tokens. Only those of ``fields`` go into the prompt
    (``fields=()``: none, an unprompted model's view). Whatever is shown, the
    same music tokens are scored (as many as fit after BOS and all the
    tune's conditions), so two calls differ only by what the prompt said.
    A note is a NOTE_ON.
    Example: ``music_bits_per_note(model, tok, data.ids["test"], names, fields=("type",))`` -> ``4.3``
    """
    if len(tunes) != len(conditions):
        raise ValueError(f"one list of conditions per tune: {len(tunes)} tunes, {len(conditions)} lists")
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}; the fields are {', '.join(FIELDS)}")
    device = next(model.parameters()).device
    note_on = {i for i, (kind, _) in enumerate(tokenizer.parsed) if kind == "NOTE_ON"}
    nats, notes = 0.0, 0
    model.eval()
    with torch.no_grad():
        for tune, names in zip(tunes, conditions):
            music = tune[1:block_size - len(names)]       # the same tokens whatever is shown
            shown = [name for name in names if field_of(name)[0] in fields]
            head = tune[:1] + tokenizer.condition_ids(shown)
            ids = torch.tensor([head + music], device=device)
            logits, _ = model(ids[:, :-1])
            losses = F.cross_entropy(logits[0], ids[0, 1:], reduction="none")[len(head) - 1:]
            nats += losses.sum().item()
            notes += sum(token in note_on for token in music)
    return nats / max(notes, 1) / math.log(2)


def make_parser() -> argparse.ArgumentParser:
    """The options: data (drop, every, limit), then TrainConfig's and TransformerConfig's.

    Example: ``make_parser().parse_args(["--out", "output/cond"]).drop`` -> ``0.5``
    """
    from helpers.models import TransformerConfig
    from helpers.train_command import NOT_OPTIONS, add_config_options
    from helpers.training import TrainConfig

    parser = argparse.ArgumentParser(prog="python -m helpers condition train",
                                     description="Train the conditioned folk Transformer (lesson 9).")
    parser.add_argument("--out", required=True, help="folder for best.pt, latest.pt and report.json")
    parser.add_argument("--drop", type=float, default=DROP, help=f"chance to drop each condition (default {DROP})")
    parser.add_argument("--every", type=int, default=EVERY,
                        help=f"repeat the conditions every this many tokens (default {EVERY})")
    parser.add_argument("--limit", type=int, default=None, help="use only this many tunes per split")
    parser.add_argument("--resume", action="store_true", help="continue from OUT/latest.pt")
    add_config_options(parser.add_argument_group("training (TrainConfig)"), TrainConfig)
    add_config_options(parser.add_argument_group("the model (TransformerConfig)"), TransformerConfig,
                       skip=NOT_OPTIONS)
    return parser


def main(argv: list[str]) -> int:
    """``python -m helpers condition train ...`` (argv without "condition train"); writes OUT/report.json.

    Example: ``main(["--out", "output/cond", "--max-steps", "50", "--limit", "200"])``
    """
    from helpers.checkpoints import load_checkpoint
    from helpers.models import Transformer, TransformerConfig
    from helpers.paths import write_atomic
    from helpers.train_command import NOT_OPTIONS, config_from
    from helpers.training import TrainConfig, pick_device, score, train

    args = make_parser().parse_args(argv)
    out = Path(args.out)
    data = conditioned_token_data(args.drop, args.every, limit=args.limit)
    tokenizer = data.tokenizer
    print(data.summary())
    cfg = config_from(args, TrainConfig)
    model_config = config_from(args, TransformerConfig, skip=NOT_OPTIONS,
                               vocab_size=len(tokenizer.vocab), block_size=cfg.block_size)
    started = time.monotonic()
    history = train(Transformer(model_config), data.stream("train"), data.stream("valid"), cfg, out,
                    tokenizer.to_json(), resume=args.resume, meta={"data": data.info},
                    starts=piece_starts(data, "train"))
    seconds = time.monotonic() - started
    model, _ = load_checkpoint(out / "best.pt", tokenizer.to_json(), device=pick_device(cfg.device))
    steps = history[-1]["step"] if history else 0
    report = {"command": "python -m helpers condition train " + shlex.join(argv), "model": "transformer",
              "model_config": dataclasses.asdict(model_config), "data": data.info,
              "train_seconds": round(seconds, 1), "steps": steps, "train_config": dataclasses.asdict(cfg),
              "parameters": sum(p.numel() for p in model.parameters()),
              "tokens_per_second": round(steps * cfg.batch_size * cfg.block_size / seconds)}
    for split in ("valid", "test"):
        report[split] = score(model, data, split)
    report["conditioned"] = conditioned_scores(model, limit=args.limit)
    print(json.dumps({k: report[k] for k in ("valid", "test", "conditioned")}, indent=1))
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "report.json", lambda f: json.dump(report, f, indent=1))
    return 0


def test_tunes(limit: int | None = None) -> tuple[list, list]:
    """The folk test tunes moved to the tonic C (BOS ... EOS, no conditions), and each one's conditions.

    Example: ``tunes, names = test_tunes(); music_bits_per_note(model, tok, tunes, names)``
    """
    from helpers.tokenizers import PositionTokenizer
    from helpers.token_data import folk_token_data

    plain, labels = folk_token_data(PositionTokenizer(), limit=limit), condition_table()
    by_id = labels.set_index("id")
    tokenizer = PositionTokenizer()
    tunes = [to_tonic_c(tokenizer, ids, by_id.at[piece_id, "key"])
             for piece_id, ids in zip(plain.pieces["test"], plain.ids["test"])]
    return tunes, [tune_tokens(labels, piece_id) for piece_id in plain.pieces["test"]]


def conditioned_scores(model, limit: int | None = None) -> dict:
    """Test bits per note of each tune's first window, with all its conditions and with none.

    Example: ``conditioned_scores(model)`` -> ``{"with": 3.9, "without": 4.4}``
    """
    from helpers.conditioning import conditioned_tokenizer

    tunes, names = test_tunes(limit)
    return {way: round(music_bits_per_note(model, conditioned_tokenizer(), tunes, names,
                                           FIELDS if way == "with" else ()), 4)
            for way in ("with", "without")}
