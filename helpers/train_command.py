"""``python -m helpers train`` and ``python -m helpers ship``: folk models from the command line.

The shipped checkpoints in ``data/checkpoints/`` were made with exactly these
two commands (the manifest records each one, with its full configuration)::

    python -m helpers train --model transformer --out output/folk-transformer
    python -m helpers ship output/folk-transformer --name folk-transformer

The options are built from the configuration dataclasses, so the defaults
live in one place: :class:`helpers.training.TrainConfig` for training
(``--max-steps``, ``--lr``, ...) and each model's config for the model
(``--dropout``, ``--n-layer``, ``--order``, ...). A lesson never imports this
module: it uses ``TrainConfig``, ``train`` and ``score`` directly.

``train`` encodes the folk corpus (:mod:`helpers.token_data`), trains, then
scores the best checkpoint on the validation and test splits and writes
``report.json`` next to it: the command, the configurations, the data, the
time taken and the losses in nats per token and bits per note. An n-gram
model is "trained" by counting and only gets the report.
"""

import argparse
import dataclasses
import json
import shlex
import time
from pathlib import Path

from helpers.checkpoints import CHECKPOINT_DIR, MANIFEST, load_checkpoint
from helpers.models import CONFIGS, build_model
from helpers.paths import file_sha256, write_atomic
from helpers.token_data import folk_token_data
from helpers.training import TrainConfig, pick_device, score, train

MODEL_KINDS = ("transformer", "lstm", "ngram")
# Set by the command, never an option: the vocabulary from the tokenizer, and the model's
# context from the training windows (--block-size, a TrainConfig field).
NOT_OPTIONS = {"vocab_size", "block_size"}


def option(name):
    """The command-line flag of a config field: ``max_steps`` -> ``--max-steps``."""
    return "--" + name.replace("_", "-")


def add_config_options(parser, config, skip=()):
    """One option per field of a config dataclass, with its default and type.

    ``config`` is the class (its fields' defaults) or an instance (its values:
    e.g. ``jsb_train_config()``, whose defaults are the JSB model's).
    """
    for f in dataclasses.fields(config):
        if f.name in skip:
            continue
        value = getattr(config, f.name)
        parser.add_argument(option(f.name), dest=f.name, type=type(value), default=value,
                            help=f"(default: {value})")


def config_from(args, config_class, skip=(), **fixed):
    """The dataclass built from the parsed options of :func:`add_config_options`, plus ``fixed`` fields."""
    return config_class(**fixed, **{f.name: getattr(args, f.name) for f in dataclasses.fields(config_class)
                                    if f.name not in skip})


def make_parser(model_kind="transformer"):
    """The ``train`` parser: data options, TrainConfig's fields, and the model config's fields."""
    parser = argparse.ArgumentParser(prog="python -m helpers train",
                                     description="Train a model on the folk corpus.")
    parser.add_argument("--model", choices=MODEL_KINDS, default="transformer")
    parser.add_argument("--tokenizer", choices=("positions", "events", "melody"), default="positions")
    parser.add_argument("--out", required=True, help="folder for best.pt, latest.pt and report.json")
    parser.add_argument("--transpose", type=int, default=0, help="augment training tunes by -N..N semitones")
    parser.add_argument("--limit", type=int, default=None, help="use only this many tunes per split")
    parser.add_argument("--resume", action="store_true", help="continue from OUT/latest.pt")
    group = parser.add_argument_group("training (helpers.training.TrainConfig)")
    add_config_options(group, TrainConfig)
    group = parser.add_argument_group(f"the {model_kind} model ({CONFIGS[model_kind].__name__})")
    add_config_options(group, CONFIGS[model_kind], skip=NOT_OPTIONS)
    return parser


def parse_train_args(argv):
    """Parse ``train`` options in two passes: ``--model`` decides which model options exist."""
    first = argparse.ArgumentParser(add_help=False)
    first.add_argument("--model", choices=MODEL_KINDS, default="transformer")
    known, _ = first.parse_known_args(argv)
    return make_parser(known.model).parse_args(argv)


def make_tokenizer(scheme):
    from helpers.tokenizers import SCHEMES
    return SCHEMES[scheme]()


def train_command(args, argv):
    """Run ``python -m helpers train``; returns the report (also written to OUT/report.json)."""
    out = Path(args.out)
    tokenizer = make_tokenizer(args.tokenizer)
    data = folk_token_data(tokenizer, transpose=args.transpose, limit=args.limit)
    print(data.summary())
    fixed = {"vocab_size": len(tokenizer.vocab)}
    if any(f.name == "block_size" for f in dataclasses.fields(CONFIGS[args.model])):
        fixed["block_size"] = args.block_size
    model_config = config_from(args, CONFIGS[args.model], skip=NOT_OPTIONS, **fixed)
    report = {"command": "python -m helpers train " + shlex.join(argv), "model": args.model,
              "model_config": dataclasses.asdict(model_config), "data": data.info}
    started = time.monotonic()
    if args.model == "ngram":
        model = build_model("ngram", **dataclasses.asdict(model_config)).fit(data.ids["train"])
        report["train_seconds"] = round(time.monotonic() - started, 1)
    else:
        cfg = config_from(args, TrainConfig)
        model = build_model(args.model, **dataclasses.asdict(model_config))
        history = train(model, data.stream("train"), data.stream("valid"), cfg, out,
                        tokenizer.to_json(), resume=args.resume, meta={"data": data.info})
        seconds = time.monotonic() - started
        model, _ = load_checkpoint(out / "best.pt", tokenizer.to_json(), device=pick_device(cfg.device))
        steps = history[-1]["step"] if history else 0
        report.update(train_seconds=round(seconds, 1), steps=steps, train_config=dataclasses.asdict(cfg),
                      parameters=sum(p.numel() for p in model.parameters()),
                      tokens_per_second=round(steps * cfg.batch_size * cfg.block_size / seconds))
    for split in ("valid", "test"):
        report[split] = score(model, data, split)
        print(f"{split}: {report[split]['nats_per_token']:.4f} nats/token, "
              f"{report[split]['bits_per_note']:.3f} bits/note")
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "report.json", lambda f: json.dump(report, f, indent=1))
    return report


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
    train_command(parse_train_args(argv), argv)
    return 0
