"""The models that ship with the course, so the easy track needs no training (lessons 4, 5, 8).

``data/checkpoints/manifest.json`` lists each checkpoint with its sha256, the
exact ``python -m helpers train`` command that made it, the corpus, tokenizer
and split it was trained on, and its validation and test scores::

    model, tokenizer = load_pretrained("folk-transformer")
    pretrained_info("folk-lstm")["test"]["bits_per_note"]

Loading checks the file's sha256 against the manifest first: a damaged or
replaced file is refused, never silently used.
"""

import json

from helpers.checkpoints import CheckpointError, load_checkpoint
from helpers.paths import DATA_DIR
from helpers.tokenizers import Tokenizer

CHECKPOINT_DIR = DATA_DIR / "checkpoints"
MANIFEST = CHECKPOINT_DIR / "manifest.json"


def pretrained_names():
    """The names of the shipped checkpoints, e.g. ``["folk-lstm", "folk-transformer"]``."""
    return sorted(_manifest())


def pretrained_info(name):
    """The manifest entry of one shipped checkpoint (a dict)."""
    manifest = _manifest()
    if name not in manifest:
        raise KeyError(f"no shipped checkpoint called {name!r}; there are: {', '.join(sorted(manifest))}")
    return manifest[name]


def load_pretrained(name="folk-transformer", device="cpu"):
    """``(model, tokenizer)`` of a shipped checkpoint, after verifying its checksum."""
    info = pretrained_info(name)
    model, payload = load_checkpoint(CHECKPOINT_DIR / info["file"], expected_sha256=info["sha256"],
                                     device=device)
    return model, Tokenizer.from_json(payload["tokenizer"], source=info["file"])


def _manifest():
    if not MANIFEST.exists():
        raise CheckpointError(f"{MANIFEST} is missing; the shipped checkpoints come with the repository")
    return json.loads(MANIFEST.read_text())
