"""The JSB Chorales benchmark: the canonical split, its frame NLL, a baseline and a model that beats it (lesson 11).

382 Bach chorales, split 229 / 76 / 77 (train / valid / test) as in
Boulanger-Lewandowski et al. (ICML 2012), read from the public repository
``czhuang/JSB-Chorales-dataset``. A piece is a list of quarter-note *frames*;
a frame is the list of sounding MIDI pitches. Papers report the *frame NLL*:
the negative log-likelihood, in nats, of each whole frame (the 88-key
multi-hot vector) given all earlier frames of its piece, averaged over all
test frames, the first frame of each piece included.

* :func:`load_jsb` reads the split from a folder (sha256-checked), and
  :func:`download_jsb` fetches the files when online;
* :func:`fit_bernoulli` / :func:`bernoulli_nll`: the independent-Bernoulli
  baseline, one probability per key (11.06 nats on test);
* :func:`train_jsb_model` trains the course's frame model (an LSTM over
  frames with a MADE output over the keys, :mod:`helpers.models.frames`),
  picks it on validation and scores it once on test with :func:`frame_nll`,
  which is exact; ``python -m helpers jsb train`` and ``ship`` (:func:`main`)
  made the shipped one, :func:`load_shipped` loads it;
* :func:`repeat_baseline_16th`: the "repeat the voice's last pitch" baseline
  on the 16th-note, voice-separated version of the same split.

The shipped model ``data/checkpoints/jsb-frames.pt`` was made with::

    python -m helpers jsb train --out output/jsb-frames --hidden 384 --made-hidden 512 \\
        --dropout 0.5 --max-steps 2500 --eval-every 100 --patience 8 --max-minutes 0
    python -m helpers jsb ship output/jsb-frames

``benchmarks/jsb.py`` prints the results table.
"""

import json
import math
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import numpy as np

from helpers.downloads import fetch
from helpers.models.frames import piano_roll   # one frame format for the data and the model
from helpers.paths import REPO_ROOT, cache_dir, file_sha256, write_atomic

QUARTER_FILE = "jsb-chorales-quarter.json"
SIXTEENTH_FILE = "Jsb16thSeparated.json"
SHA256 = {QUARTER_FILE: "2db9329f1881a1d3f49703ec556bf1d6f84b4f6c1d702c156536e93cf31e1c91",
          SIXTEENTH_FILE: "79294cc374f9252e95ef4b703161524c1c53dc1f712c236f00f1c1f5d54af5a7"}
COMMIT = "9a7f733ddb4ed91f48da64ac7f0f621c34aadd4d"
URL = "https://raw.githubusercontent.com/czhuang/JSB-Chorales-dataset/{commit}/{name}"
SPLITS = ("train", "valid", "test")
PIECES = {"train": 229, "valid": 76, "test": 77}

# Test-set frame NLL (nats per quarter-note frame) reported on this split; see
# ../shared/benchmarks/jsb/README.md for the sources and how far each was checked.
PUBLISHED = [
    ("RNN, tanh (Chung et al. 2014)", 9.19),
    ("LSTM (Chung et al. 2014)", 8.67),
    ("GRU (Chung et al. 2014)", 8.54),
    ("TCN (Bai et al. 2018; first frame skipped)", 8.10),
    ("RNN-RBM (Boulanger-Lewandowski et al. 2012)", 6.27),
    ("RNN-NADE (Boulanger-Lewandowski et al. 2012)", 5.56),
]


# --- the data --------------------------------------------------------------------

def download_jsb(folder: str | Path, names: tuple = (QUARTER_FILE, SIXTEENTH_FILE)) -> Path:
    """Download the benchmark files (online) into ``folder``, each checked against its sha256.

    Files already there with the right checksum are kept.
    Example: ``load_jsb(download_jsb("data/jsb"))``
    """
    folder = Path(folder)
    for name in names:
        if name not in SHA256:
            raise ValueError(f"{name!r} is not a JSB benchmark file; choose from {', '.join(SHA256)}")
        path = folder / name
        if not (path.is_file() and file_sha256(path) == SHA256[name]):
            fetch(URL.format(commit=COMMIT, name=name), path, expected_sha256=SHA256[name],
                  expected_from=f"the benchmark's published sha256 of {name}")
    return folder


def _read_json(folder: str | Path, name: str) -> dict:
    """One benchmark file from ``folder``, after checking that it exists and is the canonical one."""
    path = Path(folder) / name
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file. The JSB Chorales files are read from a folder "
                                f"(the course's tests use ../shared/benchmarks/jsb); online, "
                                f"helpers.jsb.download_jsb({str(folder)!r}) fetches them")
    actual = file_sha256(path)
    if actual != SHA256[name]:
        raise ValueError(f"{path}: sha256 {actual[:12]}... is not the benchmark's {SHA256[name][:12]}...; "
                         "this is not the canonical file, so its scores would not compare")
    data = json.loads(path.read_text())
    counts = {split: len(data.get(split, [])) for split in SPLITS}
    if counts != PIECES:
        raise ValueError(f"{path}: expected {PIECES} pieces per split, found {counts}")
    return data


def load_jsb(folder: str | Path) -> dict:
    """The quarter-note chorales: ``{"train" | "valid" | "test": [piece, ...]}``, a piece a list of frames.

    Example: ``load_jsb("../shared/benchmarks/jsb")["test"][0][0]`` -> ``[53, 65, 69, 74]`` (a frame)
    """
    return _read_json(folder, QUARTER_FILE)


def load_jsb_16th(folder: str | Path) -> dict:
    """The 16th-note, voice-separated chorales: each frame is [soprano, alto, tenor, bass], -1 silent.

    Example: ``load_jsb_16th("../shared/benchmarks/jsb")["train"][0][0]`` -> ``[74, 70, 65, 58]``
    """
    return _read_json(folder, SIXTEENTH_FILE)


def transpose_frames(piece: list, semitones: int) -> list:
    """The piece moved by ``semitones``. Example: ``transpose_frames([[60, 64]], 2)`` -> ``[[62, 66]]``"""
    return [[pitch + semitones for pitch in frame] for frame in piece]


def frames_to_sequence(piece: list, qpm: float = 80.0, velocity: int = 80) -> "NoteSequence":
    """A NoteSequence of a piece of frames, to plot or hear it; each frame lasts one quarter note.

    A pitch sounding in consecutive frames becomes one held note: the
    benchmark files do not tell a held note from a repeated one. The
    quarter-note file's pitches sit about an octave above the voice-separated
    file's (median highest note 84 against 71 in the training pieces): move
    them with :func:`transpose_frames` before listening if that matters.
    Example: ``play(frames_to_sequence(load_jsb(folder)["test"][0]))``
    """
    from helpers.notes import add_note, new_sequence

    seq, beat = new_sequence(qpm=qpm), 60.0 / qpm
    started = {}   # pitch -> frame where its current note began
    for t, frame in enumerate(list(piece) + [[]]):
        for pitch in [p for p in started if p not in frame]:
            add_note(seq, pitch, started.pop(pitch) * beat, t * beat, velocity)
        for pitch in frame:
            started.setdefault(pitch, t)
    return seq


# --- the independent-Bernoulli baseline ----------------------------------------------

def fit_bernoulli(pieces: list, smoothing: float = 1.0) -> np.ndarray:
    """One probability per key: how often it sounds in the training frames, smoothed.

    ``(frames with the key + smoothing) / (frames + 2 * smoothing)``: with
    ``smoothing=1`` (Laplace's add-one rule) a key never heard in training
    gets a small probability instead of 0. It matters: test frames use
    pitch 45, which no training frame does, so the maximum-likelihood
    estimate (``smoothing=0``) gives an infinite test NLL.
    Example: ``fit_bernoulli(load_jsb(folder)["train"])[60 - 21]`` -> ``0.27`` (middle C)
    """
    rolls = np.concatenate([piano_roll(piece) for piece in pieces])
    return (rolls.sum(0) + smoothing) / (len(rolls) + 2 * smoothing)


def bernoulli_nll(probs: np.ndarray, pieces: list) -> float:
    """Mean NLL in nats per frame of ``pieces`` under independent keys with ``probs``.

    Example: ``bernoulli_nll(fit_bernoulli(jsb["train"]), jsb["test"])`` -> ``11.06``
    """
    rolls = np.concatenate([piano_roll(piece) for piece in pieces])
    with np.errstate(divide="ignore"):
        log_on, log_off = np.log(probs), np.log1p(-probs)
    per_frame = -(np.where(rolls == 1, log_on, 0) + np.where(rolls == 0, log_off, 0)).sum(1)
    return float(per_frame.mean())


PROB_CLIP = 1e-7   # frame_nll_from_probs clips probabilities into [PROB_CLIP, 1 - PROB_CLIP]


def frame_nll_from_probs(probs: np.ndarray, frames: np.ndarray) -> float:
    """Mean NLL in nats per frame of 0/1 ``frames`` (T, 88) given each key's probability ``probs`` (T, 88).

    A frame's NLL is the sum over its 88 keys of ``-log p`` (key sounds) or
    ``-log(1 - p)`` (key off), natural logarithms; the result is the mean over
    the frames. ``probs`` may also be one row of 88 (the same for every
    frame). Probabilities are first clipped into ``[PROB_CLIP, 1 - PROB_CLIP]``
    in float64: a float32 sigmoid returns exactly 1.0 for logits above about
    17, which is not a model's belief but rounding, and ``0 * log 0`` would
    give nan.
    Example: ``frame_nll_from_probs(np.full((1, 88), 0.5), np.zeros((1, 88)))`` -> ``60.997`` (88 log 2)
    """
    probs, frames = np.asarray(probs, dtype=np.float64), np.asarray(frames, dtype=np.float64)
    if frames.ndim != 2 or frames.shape[1] != 88:
        raise ValueError(f"frames should have shape (T, 88), got {frames.shape}")
    if probs.shape not in (frames.shape, (88,)):
        raise ValueError(f"probs should have the shape of frames {frames.shape} or (88,), got {probs.shape}")
    probs = np.clip(probs, PROB_CLIP, 1 - PROB_CLIP)
    per_frame = -(frames * np.log(probs) + (1 - frames) * np.log1p(-probs)).sum(axis=1)
    return float(per_frame.mean())


# --- the frame model: training and scoring ------------------------------------------------

def default_folder() -> Path:
    """Where the benchmark files are read from by default.

    The shared benchmark folder beside the repository when there is one (the
    course's own machines and CI), else ``.cache/jsb``, where
    ``download_jsb(default_folder())`` puts them.
    Example: ``load_jsb(default_folder())``
    """
    shared = REPO_ROOT.parent / "shared" / "benchmarks" / "jsb"
    return shared if shared.is_dir() else cache_dir() / "jsb"


def training_rolls(pieces: list, transpose: int = 0) -> list:
    """Piano rolls (float tensors) of the pieces, each also moved by every shift -k..k that stays on the piano.

    Example: ``len(training_rolls(jsb["train"], transpose=6))`` -> ``2977`` (229 pieces in 13 keys)
    """
    import torch

    rolls = []
    for piece in pieces:
        pitches = [p for frame in piece for p in frame] or [60]
        for shift in range(-transpose, transpose + 1):
            if 21 <= min(pitches) + shift and max(pitches) + shift <= 108:
                rolls.append(torch.tensor(piano_roll(transpose_frames(piece, shift)), dtype=torch.float32))
    return rolls


def frame_nll(model: "FrameModel", pieces: list) -> dict:
    """The exact frame NLL of a frame model on ``pieces``: mean nats per frame, over all their frames.

    Each piece is scored on its own from its first frame, each frame given
    all the earlier frames of its piece (the LSTM reads the whole piece).
    Example: ``frame_nll(model, jsb["test"])`` -> ``{"nats_per_frame": 5.26, "frames": 4725}``
    """
    from helpers.models.frames import mean_nll

    rolls = [piano_roll(piece) for piece in pieces]
    return {"nats_per_frame": round(mean_nll(model, rolls), 4), "frames": sum(map(len, rolls))}


def jsb_train_config(**changes) -> "TrainConfig":
    """The :class:`~helpers.training.TrainConfig` of the 10-minute JSB model: one source for its settings.

    ``block_size`` counts frames (quarter notes) here. ``changes`` override fields.
    Example: ``jsb_train_config(max_steps=20).batch_size`` -> ``32``
    """
    from helpers.training import TrainConfig

    settings = dict(max_steps=1500, batch_size=32, block_size=64, lr=4e-3, min_lr=1e-4,
                    warmup_steps=50, weight_decay=0.01, grad_clip=1.0, eval_every=100,
                    patience=5, max_minutes=10.0)
    return TrainConfig(**{**settings, **changes})


TRANSPOSE = 6   # training pieces in all 12 keys (-6..+6 semitones)


def train_jsb_model(out_dir: str | Path, folder: str | Path | None = None, config: "TrainConfig | None" = None,
                    model_config: "FrameModelConfig | None" = None,
                    transpose: int = TRANSPOSE, progress: bool = True, threads: int | None = 1,
                    command: str = "") -> dict:
    """Train the frame model on the JSB training chorales, pick it on validation, score it once on test.

    Defaults: :func:`jsb_train_config` (at most 10 minutes) and
    :class:`~helpers.models.frames.FrameModelConfig`. Writes ``best.pt`` and
    ``report.json`` (what ``python -m helpers jsb ship`` copies) to ``out_dir``.
    Example: ``train_jsb_model("output/jsb")["test"]["nats_per_frame"]`` -> ``5.3``
    """
    from helpers.frame_training import load_frame_model, train_frames
    from helpers.models.frames import FrameModel, FrameModelConfig
    from helpers.training import seed_everything

    jsb, out_dir = load_jsb(folder or default_folder()), Path(out_dir)
    cfg, model_cfg = config or jsb_train_config(), model_config or FrameModelConfig()
    seed_everything(cfg.seed)     # the initial weights too, so that the same command gives the same model
    model = FrameModel(model_cfg)
    train_rolls = training_rolls(jsb["train"], transpose)
    model.start_from_frequencies(train_rolls)
    data = {"dataset": "JSB Chorales, quarter-note frames", "file": QUARTER_FILE,
            "sha256": SHA256[QUARTER_FILE], "pieces": PIECES, "transpose": transpose}
    started = time.monotonic()
    history = train_frames(model, train_rolls, training_rolls(jsb["valid"]), cfg, out_dir,
                           {"data": data}, progress, threads)
    seconds = time.monotonic() - started
    best = load_frame_model(out_dir / "best.pt")
    report = {"command": command or "helpers.jsb.train_jsb_model", "model": "frames",
              "model_config": asdict(model_cfg), "train_config": asdict(cfg), "data": data,
              "steps": history[-1]["step"], "best_step": min(history, key=lambda h: h["valid_loss"])["step"],
              "train_seconds": round(seconds, 1), "threads": threads,
              "parameters": sum(p.numel() for p in best.parameters()),
              "valid": frame_nll(best, jsb["valid"]), "test": frame_nll(best, jsb["test"])}
    write_atomic(out_dir / "report.json", lambda f: json.dump(report, f, indent=1))
    return report


def load_shipped(name: str = "jsb-frames") -> "FrameModel":
    """The shipped JSB frame model, after checking its sha256 against the manifest.

    Example: ``frame_nll(load_shipped(), load_jsb(default_folder())["test"])``
    """
    from helpers.checkpoints import CHECKPOINT_DIR, pretrained_info
    from helpers.frame_training import load_frame_model

    info = pretrained_info(name)
    return load_frame_model(CHECKPOINT_DIR / info["file"], expected_sha256=info["sha256"])


# --- the 16th-note, voice-separated version ------------------------------------------------

def repeat_baseline_16th(data: dict, smoothing: float = 1.0) -> dict:
    """NLL (nats per token) of "repeat the voice's last pitch, else its usual pitches" on the 16th-note data.

    A token is one voice's pitch at one 16th (or -1, silent), voices
    interleaved S, A, T, B as in Music Transformer's JSB experiment. The model,
    fitted on train: ``p(x) = r [x = the voice's previous pitch] + (1 - r) f_v(x)``,
    ``r`` the share of training steps where a voice repeats (0.78), ``f_v`` the
    voice's pitch frequencies, add-``smoothing`` over -1 and 21..108; a
    piece's first step uses ``f_v`` alone.
    Example: ``repeat_baseline_16th(load_jsb_16th(folder))`` -> ``{"repeat_share": 0.78, "valid": 1.07, "test": 1.14}``
    """
    symbols = [-1] + list(range(21, 109))
    counts = [Counter() for _ in range(4)]
    repeats = steps = 0
    for piece in data["train"]:
        for t, frame in enumerate(piece):
            for voice, pitch in enumerate(frame):
                counts[voice][pitch] += 1
                if t:
                    steps += 1
                    repeats += pitch == piece[t - 1][voice]
    r = repeats / steps
    freq = [{s: (c[s] + smoothing) / (sum(c.values()) + smoothing * len(symbols)) for s in symbols}
            for c in counts]
    result = {"repeat_share": round(r, 4)}
    for split in ("valid", "test"):
        nll = n = 0
        for piece in data[split]:
            for t, frame in enumerate(piece):
                for voice, pitch in enumerate(frame):
                    p = freq[voice][pitch] * (1 - r if t else 1)
                    p += r if t and pitch == piece[t - 1][voice] else 0
                    nll, n = nll - math.log(p), n + 1
        result[split] = round(nll / n, 4)
    return result


def published_table() -> list[tuple[str, float]]:
    """The published test frame NLLs on this split (nats per quarter-note frame), worst first.

    Example: ``published_table()[-1]`` -> ``("RNN-NADE (Boulanger-Lewandowski et al. 2012)", 5.56)``
    """
    return list(PUBLISHED)



# --- the command line: python -m helpers jsb ... ----------------------------------------------

def main(argv: list[str]) -> int:
    """``python -m helpers jsb train --out DIR``, ``jsb ship DIR [--name NAME]``, ``jsb download [DIR]``.

    ``train`` takes every :class:`~helpers.training.TrainConfig` field and
    every :class:`~helpers.models.frames.FrameModelConfig` field as an option
    (defaults: the 10-minute model), plus ``--data``, ``--transpose`` and ``--threads``.
    Example: ``main(["train", "--out", "output/jsb", "--max-steps", "1500"])``
    """
    import argparse
    import shlex

    from helpers.models.frames import FrameModelConfig
    from helpers.train_command import add_config_options, ship

    parser = argparse.ArgumentParser(prog="python -m helpers jsb",
                                     description="The JSB Chorales benchmark (lesson 11).")
    actions = parser.add_subparsers(dest="action", required=True)
    train = actions.add_parser("train", help="train and score the frame model")
    train.add_argument("--out", required=True, help="folder for best.pt and report.json")
    train.add_argument("--data", default=None, help=f"folder with {QUARTER_FILE} (default: {default_folder()})")
    train.add_argument("--transpose", type=int, default=TRANSPOSE, help="train in keys -N..N semitones away")
    train.add_argument("--threads", type=int, default=1, help="CPU threads (default: 1)")
    add_config_options(train.add_argument_group("training (helpers.training.TrainConfig)"), jsb_train_config())
    add_config_options(train.add_argument_group("the model (helpers.models.frames.FrameModelConfig)"),
                 FrameModelConfig())
    shipping = actions.add_parser("ship", help="copy DIR/best.pt to data/checkpoints/ with its manifest entry")
    shipping.add_argument("run_dir")
    shipping.add_argument("--name", default="jsb-frames")
    download = actions.add_parser("download", help="download the benchmark files (online)")
    download.add_argument("folder", nargs="?", default=None)
    args = parser.parse_args(argv)
    if args.action == "train":
        fields = vars(args)
        config = jsb_train_config(**{k: fields[k] for k in asdict(jsb_train_config())})
        model_config = FrameModelConfig(**{k: fields[k] for k in asdict(FrameModelConfig())})
        report = train_jsb_model(args.out, args.data, config, model_config, args.transpose,
                                 threads=args.threads, command="python -m helpers jsb " + shlex.join(argv))
        print(f"{report['steps']} steps in {report['train_seconds']:.0f} s; frame NLL: "
              f"valid {report['valid']['nats_per_frame']:.3f}, test {report['test']['nats_per_frame']:.3f}")
    elif args.action == "ship":
        ship(args.run_dir, args.name)
    else:
        print(f"downloaded to {download_jsb(args.folder or cache_dir() / 'jsb')}")
    return 0
