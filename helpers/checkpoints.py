"""Save and load model checkpoints safely, and the models that ship with the course (lessons 4-8).

A checkpoint is one ``torch.save`` file holding only tensors and plain
Python values: the weights, the model kind and configuration, the tokenizer's
vocabulary as JSON text, the training metadata, and (for resuming) the
optimizer and random-number states. It is written to a temporary file and
renamed, so a crash never leaves half a checkpoint, and read back with
``torch.load(..., weights_only=True)``, which cannot run code hidden in a file.

The shipped checkpoints live in ``data/checkpoints/``; ``manifest.json`` lists
each with its sha256, the exact ``python -m helpers train`` command and
configuration that made it, the corpus, tokenizer and split it was trained
on, and its validation and test scores::

    model, tokenizer = load_pretrained("folk-transformer")
    pretrained_info("folk-lstm")["test"]["bits_per_note"]

Loading checks the file's sha256 against the manifest first: a damaged or
replaced file is refused, never silently used.
"""

import json
import warnings
from dataclasses import asdict
from pathlib import Path

import torch

from helpers.paths import DATA_DIR, file_sha256, write_atomic

FORMAT = 1
CHECKPOINT_DIR = DATA_DIR / "checkpoints"
MANIFEST = CHECKPOINT_DIR / "manifest.json"


class CheckpointError(ValueError):
    """A checkpoint cannot be used: bad checksum, other tokenizer, other model shape."""


# --- any checkpoint ------------------------------------------------------------

def save_checkpoint(path: str | Path, model, tokenizer_json: str, meta: dict | None = None,
                    resume_state: dict | None = None) -> Path:
    """Write a checkpoint atomically; ``resume_state`` holds optimizer and RNG states.

    Example: ``save_checkpoint("output/run/best.pt", model, tokenizer.to_json())``
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": FORMAT,
        "kind": model.kind,
        "config": asdict(model.config),
        "model": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "tokenizer": tokenizer_json,
        "meta": meta or {},
    }
    if resume_state is not None:
        payload["resume"] = resume_state
    return write_atomic(path, lambda f: torch.save(payload, f), binary=True)


def read_checkpoint(path: str | Path, expected_sha256: str | None = None) -> dict:
    """The checkpoint's contents as a dict, after checking its checksum if one is given.

    Example: ``read_checkpoint("output/run/latest.pt")["meta"]["step"]``
    """
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such checkpoint file")
    if expected_sha256 is not None:
        actual = file_sha256(path)
        if actual != expected_sha256:
            raise CheckpointError(f"{path}: checksum mismatch (expected {expected_sha256[:12]}..., "
                                  f"got {actual[:12]}...); the file is damaged or was replaced")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:
        raise CheckpointError(f"{path}: not a readable checkpoint ({type(err).__name__}: {err})") from err
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a course checkpoint of format {FORMAT}")
    return payload


def read_model(path: str | Path, model_class, config_class, what: str,
               expected_sha256: str | None = None):
    """A model of ``model_class`` rebuilt from a checkpoint of its own ``kind``, in eval mode.

    For the models saved without a tokenizer (the VAE, the frame model); a
    checkpoint of another kind raises CheckpointError naming ``what`` it should be.
    Example: ``read_model("output/folk-vae/best.pt", MusicVAE, VAEConfig, "a VAE")``
    """
    payload = read_checkpoint(path, expected_sha256)
    if payload.get("kind") != model_class.kind:
        raise CheckpointError(f"{path}: a {payload.get('kind')!r} checkpoint, not {what}")
    model = model_class(config_class(**payload["config"]))
    model.load_state_dict(payload["model"])
    return model.eval()


def load_checkpoint(path: str | Path, tokenizer_json: str | None = None,
                    expected_sha256: str | None = None, device: str = "cpu"):
    """Rebuild the model stored in a checkpoint. Returns ``(model, payload)``.

    With ``tokenizer_json``, refuse a checkpoint trained with another tokenizer:
    its token ids would mean different things.

    Example: ``model, payload = load_checkpoint("output/lesson8/best.pt", tokenizer.to_json())``
    """
    from helpers.models import CONFIGS, MODELS

    payload = read_checkpoint(path, expected_sha256)
    if tokenizer_json is not None and payload["tokenizer"] != tokenizer_json:
        raise CheckpointError(f"{path}: this checkpoint was trained with a different tokenizer "
                              "(its vocabulary differs from the one given); use the tokenizer "
                              "stored in the checkpoint")
    kind = payload["kind"]
    model = MODELS[kind](CONFIGS[kind](**payload["config"]))
    try:
        model.load_state_dict(payload["model"])
    except RuntimeError as err:
        raise CheckpointError(f"{path}: the weights do not fit a {kind} with this configuration "
                              f"({str(err).splitlines()[0]})") from err
    return model.to(device).eval(), payload


# --- the shipped checkpoints -------------------------------------------------------

def pretrained_names() -> list[str]:
    """The names of the shipped checkpoints.

    Example: ``pretrained_names()`` -> ``["folk-lstm", "folk-transformer", ...]``
    """
    return sorted(_manifest())


def pretrained_info(name: str) -> dict:
    """The manifest entry of one shipped checkpoint: command, configs, data, scores.

    Example: ``pretrained_info("folk-lstm")["test"]["bits_per_note"]``
    """
    manifest = _manifest()
    if name not in manifest:
        raise KeyError(f"no shipped checkpoint called {name!r}; there are: {', '.join(sorted(manifest))}")
    return manifest[name]


def load_pretrained(name: str = "folk-transformer", device: str = "cpu"):
    """``(model, tokenizer)`` of a shipped checkpoint, after verifying its checksum.

    Warns when the learner's corpus may differ from the one the model was
    trained on (another music21 version ships other files), because the
    scores in the manifest then need not repeat.

    Example: ``model, tokenizer = load_pretrained("folk-transformer")``
    """
    from helpers.tokenizers import Tokenizer

    info = pretrained_info(name)
    if info.get("model") == "frames":
        raise CheckpointError(f"{name} is lesson 11's frame model, not a token model: load it with "
                              "helpers.jsb.load_shipped()")
    model, payload = load_checkpoint(CHECKPOINT_DIR / info["file"], expected_sha256=info["sha256"],
                                     device=device)
    message = data_mismatch(info)
    if message:
        warnings.warn(f"{name}: {message}", stacklevel=2)
    return model, Tokenizer.from_json(payload["tokenizer"], source=info["file"])


def data_mismatch(info: dict) -> str:
    """Why this machine's corpus may differ from a shipped model's training data ('' if it does not).

    Cheap: compares music21 versions, and, when the corpus cache is built, its
    identity; it never builds the corpus.

    Example: ``data_mismatch(pretrained_info("folk-lstm"))`` -> ``""``
    """
    from helpers import corpus

    trained = info.get("data", {}).get("corpus")
    if not trained:
        return ""
    installed = corpus.library_versions()["music21"]
    if installed != trained.get("music21"):
        return (f"it was trained on the corpus as music21 {trained.get('music21')} ships it, and "
                f"you have music21 {installed}: the corpus and its test split may differ, so the "
                "scores in its manifest may not repeat here (the model itself works)")
    built = corpus.built_version()
    if built is not None and built != trained:
        return (f"your corpus cache ({built}) differs from the one it was trained on ({trained}); "
                "rebuild it with `python -m helpers data build --force`")
    return ""


def _manifest():
    if not MANIFEST.exists():
        raise CheckpointError(f"{MANIFEST} is missing; the shipped checkpoints come with the repository")
    return json.loads(MANIFEST.read_text())
