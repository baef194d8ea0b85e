"""``python -m helpers train`` and ``python -m helpers ship``: folk models from the command line.

The shipped checkpoints in ``data/checkpoints/`` were made with exactly these
two commands (the manifest records each one), and lessons 7 and 8 call the
same functions from a notebook::

    python -m helpers train --model transformer --steps 400 --out output/folk-transformer
    python -m helpers ship output/folk-transformer --name folk-transformer

``train`` encodes the folk corpus (:mod:`helpers.token_data`), trains, then
scores the best checkpoint on the validation and test splits and writes
``report.json`` next to it: the command, the data, the time taken and the
losses in nats per token and bits per note. An n-gram model is "trained" by
counting and only gets the report.
"""

import argparse
import json
import shlex
import time
from dataclasses import asdict
from pathlib import Path

from helpers.models import build_model
from helpers.paths import file_sha256, write_atomic
from helpers.pretrained import CHECKPOINT_DIR, MANIFEST
from helpers.token_data import folk_token_data
from helpers.training import TrainConfig, evaluate, pick_device, train

# The command's defaults, also the starting point of lessons 7 and 8 (folk_train_config).
DEFAULTS = dict(max_steps=400, batch_size=32, block_size=256, lr=1e-3, min_lr=1e-4,
                warmup_steps=100, eval_every=50, eval_batches=8, patience=5)


def add_train_arguments(parser):
    parser.add_argument("--model", choices=("transformer", "lstm", "ngram"), default="transformer")
    parser.add_argument("--tokenizer", choices=("positions", "events", "melody"), default="positions")
    parser.add_argument("--out", required=True, help="folder for best.pt, latest.pt and report.json")
    parser.add_argument("--steps", type=int, default=DEFAULTS["max_steps"], help="training steps (batches)")
    parser.add_argument("--minutes", type=float, default=0.0, help="stop after this long (0: no limit)")
    parser.add_argument("--batch-size", type=int, default=DEFAULTS["batch_size"])
    parser.add_argument("--lr", type=float, default=DEFAULTS["lr"], help="peak learning rate (min: lr / 10)")
    parser.add_argument("--dropout", type=float, default=0.1, help="dropout of the neural models")
    parser.add_argument("--eval-every", type=int, default=DEFAULTS["eval_every"])
    parser.add_argument("--transpose", type=int, default=0,
                        help="augment training tunes by -N..N semitones")
    parser.add_argument("--order", type=int, default=5, help="n-gram order")
    parser.add_argument("--limit", type=int, default=None, help="use only this many tunes per split")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resume", action="store_true", help="continue from OUT/latest.pt")
    parser.add_argument("--device", default="auto")


def folk_train_config(**changes):
    """The command's training settings (:data:`DEFAULTS`), with ``changes``.

    Lessons 7 and 8 start from these and pass the flags of the shipped models'
    commands (``lr=2e-3, min_lr=2e-4``; see the manifest), so a notebook
    trains as the command did.
    """
    return TrainConfig(**{**DEFAULTS, **changes})


def make_tokenizer(scheme):
    from helpers.tokenizers import SCHEMES
    return SCHEMES[scheme]()


def train_command(args, argv):
    """Run ``python -m helpers train``; returns the report (also written to OUT/report.json)."""
    out = Path(args.out)
    tokenizer = make_tokenizer(args.tokenizer)
    data = folk_token_data(tokenizer, transpose=args.transpose, limit=args.limit)
    print(data.summary())
    report = {"command": "python -m helpers train " + shlex.join(argv), "model": args.model,
              "data": data.info}
    started = time.monotonic()
    if args.model == "ngram":
        model = build_model("ngram", vocab_size=len(tokenizer.vocab), order=args.order).fit(data.ids["train"])
        report["train_seconds"] = round(time.monotonic() - started, 1)
    else:
        cfg = folk_train_config(max_steps=args.steps, batch_size=args.batch_size, lr=args.lr,
                                min_lr=args.lr / 10, eval_every=args.eval_every,
                                max_minutes=args.minutes, seed=args.seed, device=args.device)
        model = build_model(args.model, vocab_size=len(tokenizer.vocab), dropout=args.dropout)
        history = train(model, data.stream("train"), data.stream("valid"), cfg, out,
                        tokenizer.to_json(), resume=args.resume, meta={"data": data.info})
        seconds = time.monotonic() - started
        from helpers.checkpoints import load_checkpoint
        model, _ = load_checkpoint(out / "best.pt", tokenizer.to_json(), device=pick_device(args.device))
        report.update(train_seconds=round(seconds, 1), steps=history[-1]["step"] if history else 0,
                      train_config=asdict(cfg), model_config=asdict(model.config),
                      parameters=sum(p.numel() for p in model.parameters()),
                      tokens_per_second=round(history[-1]["step"] * cfg.batch_size * cfg.block_size
                                              / seconds) if history else 0)
    for split in ("valid", "test"):
        report[split] = score(model, data, split)
        print(f"{split}: {report[split]['nats_per_token']:.4f} nats/token, "
              f"{report[split]['bits_per_note']:.3f} bits/note")
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "report.json", lambda f: json.dump(report, f, indent=1))
    return report


def score(model, data, split, block_size=256):
    """Mean loss on a split, in nats per token and bits per note.

    Every model is scored on the same windows: the split's tunes one after the
    other, cut into consecutive windows of ``block_size`` tokens.
    """
    weight = next(model.parameters(), None)   # the n-gram model has none and runs on the CPU
    nats = evaluate(model, data.stream(split), block_size, batch_size=32,
                    device=weight.device if weight is not None else "cpu")
    return {"nats_per_token": round(nats, 5), "bits_per_note": round(data.bits_per_note(nats, split), 4)}


def ship(run_dir, name):
    """Copy ``run_dir/best.pt`` to ``data/checkpoints/<name>.pt`` and record it in the manifest."""
    run_dir = Path(run_dir)
    report_path, best = run_dir / "report.json", run_dir / "best.pt"
    if not report_path.exists() or not best.exists():
        raise FileNotFoundError(f"{run_dir}: no report.json and best.pt; run `python -m helpers train` first")
    if not name.replace("-", "").isalnum():
        raise ValueError(f"checkpoint name {name!r}: use letters, digits and '-' only")
    CHECKPOINT_DIR.mkdir(parents=True, exist_ok=True)
    target = CHECKPOINT_DIR / f"{name}.pt"
    data = best.read_bytes()
    write_atomic(target, lambda f: f.write(data), binary=True)
    manifest = json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {}
    manifest[name] = {"file": target.name, "sha256": file_sha256(target), "bytes": target.stat().st_size,
                      **json.loads(report_path.read_text())}
    write_atomic(MANIFEST, lambda f: json.dump(manifest, f, indent=1, sort_keys=True))
    print(f"{target}: {target.stat().st_size / 1e6:.1f} MB, recorded in {MANIFEST.name}")
    return target


def main(argv):
    """Entry point for ``python -m helpers train ...`` (argv without the word "train")."""
    parser = argparse.ArgumentParser(prog="python -m helpers train",
                                     description="Train a model on the folk corpus.")
    add_train_arguments(parser)
    args = parser.parse_args(argv)
    train_command(args, argv)
    return 0
