"""Where the course's files are: shipped examples, the data cache, outputs.

The example MIDI files live in the repository's ``data/`` folder next to this
package (the package is installed in editable mode, locally and in Colab).
Lesson 0 loads its first piece with :func:`example`.
"""

import hashlib
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
EXAMPLES_DIR = DATA_DIR / "examples"


def example(name: str) -> Path:
    """Path of a shipped example file in ``data/examples/``.

    Example: ``load_midi(example("twinkle.mid"))``
    """
    path = EXAMPLES_DIR / name
    if not path.exists():
        known = ", ".join(sorted(p.name for p in EXAMPLES_DIR.glob("*"))) or "none"
        raise FileNotFoundError(f"No example called {name!r}; the examples are: {known}")
    return path


def cache_dir() -> Path:
    """The folder for built data (corpus tables, token files).

    ``COURSE_CACHE`` overrides it; the default is ``.cache/`` in the
    repository, which git ignores.
    Example: ``cache_dir() / "corpus"``
    """
    return Path(os.environ.get("COURSE_CACHE", REPO_ROOT / ".cache"))


def quick_mode() -> bool:
    """True when ``COURSE_QUICK`` is set to 1: training notebooks shrink to seconds.

    Quick mode changes sizes (steps, epochs, data), never the code path. The
    tests set it; learners leave it unset.
    Example: ``steps = 6 if quick_mode() else 400``
    """
    return os.environ.get("COURSE_QUICK", "0") not in ("", "0", "false", "False")


def write_atomic(path, write, binary: bool = False) -> Path:
    """Write a file under a temporary name, then rename it: a crash never leaves half a file.

    ``write(f)`` writes into the open temporary file. Used for MIDI files,
    the corpus cache and checkpoints.
    Example: ``write_atomic("out.json", lambda f: f.write("{}"))``
    """
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb" if binary else "w", encoding=None if binary else "utf-8",
              newline=None if binary else "") as f:
        write(f)
    os.replace(tmp, path)
    return path


def file_sha256(path) -> str:
    """The sha256 of a file, read 1 MiB at a time (archives and checkpoints can be big).

    Example: ``file_sha256("data/checkpoints/folk-lstm.pt")`` -> ``"3f2a..."`` (64 hex digits)
    """
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
