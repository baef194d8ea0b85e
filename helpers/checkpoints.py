"""Save and load model checkpoints safely (lessons 4-8).

A checkpoint is one ``torch.save`` file holding only tensors and plain
Python values: the weights, the model kind and configuration, the tokenizer's
vocabulary as JSON text, the training metadata, and (for resuming) the
optimizer and random-number states. It is written to a temporary file and
renamed, so a crash never leaves half a checkpoint, and read back with
``torch.load(..., weights_only=True)``, which cannot run code hidden in a file.
"""

from dataclasses import asdict
from pathlib import Path

import torch

from helpers.paths import file_sha256, write_atomic

FORMAT = 1


class CheckpointError(ValueError):
    """A checkpoint cannot be used: bad checksum, other tokenizer, other model shape."""


def save_checkpoint(path, model, tokenizer_json, meta=None, resume_state=None):
    """Write a checkpoint atomically; ``resume_state`` holds optimizer and RNG states."""
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


def read_checkpoint(path, expected_sha256=None):
    """The checkpoint's contents as a dict, after checking its checksum if one is given."""
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


def load_checkpoint(path, tokenizer_json=None, expected_sha256=None, device="cpu"):
    """Rebuild the model stored in a checkpoint. Returns ``(model, payload)``.

    With ``tokenizer_json``, refuse a checkpoint trained with another tokenizer:
    its token ids would mean different things.
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
