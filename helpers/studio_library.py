"""The studio's library: a folder of generated pieces that outlives the kernel (lesson 12).

Each piece is two files side by side in the library folder (``output/studio/``
by default; the environment variable ``COURSE_STUDIO_DIR`` moves it):

* ``<name>.mid``: the music;
* ``<name>.json``: its record: how it was made (the mode, the prompt or the
  primer, the model and every setting, the seed), when, and how long it is.

Both are written with :func:`helpers.paths.write_atomic`, the MIDI first, so a
crash leaves at worst a MIDI file without its record, never half a file. The
name comes from the learner's text through :func:`next_name` (safe, and never
one already taken). :meth:`Library.entries` reads the folder again each time,
so a new kernel finds every piece; a record it cannot read is listed as
unreadable, with the reason, and does not stop the others from being listed.
"""

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from helpers.filenames import MAX_LENGTH, safe_filename
from helpers.paths import REPO_ROOT, write_atomic

ENV_VAR = "COURSE_STUDIO_DIR"
DEFAULT_FOLDER = REPO_ROOT / "output" / "studio"
RECORD_FORMAT = 1
MAX_RECORD_BYTES = 1_000_000   # a record is a few hundred bytes; anything bigger is not one


def library_folder() -> Path:
    """The studio's folder: ``COURSE_STUDIO_DIR`` if set, else ``output/studio/`` in the repository.

    Example: ``library_folder()`` -> ``Path(".../output/studio")``
    """
    return Path(os.environ.get(ENV_VAR) or DEFAULT_FOLDER)


def next_name(label: str, taken) -> str:
    """A safe file name for ``label`` ending in ``-1``, ``-2``, ...: the first one not in ``taken``.

    ``taken`` holds names already used; case does not count (Windows and macOS
    would save ``Jig-1`` and ``jig-1`` as one file).
    Example: ``next_name("fast jig", {"fast_jig-1"})`` -> ``"fast_jig-2"``
    """
    taken = {str(name).lower() for name in taken}
    base = safe_filename(label)
    number = 1
    while True:
        suffix = f"-{number}"
        candidate = base[:MAX_LENGTH - len(suffix)] + suffix
        if candidate.lower() not in taken:
            return candidate
        number += 1


@dataclass
class Entry:
    """One piece in the library: its name, its files, its record (or why the record is unreadable)."""

    name: str
    midi: Path
    record: dict = field(default_factory=dict)
    problem: str = ""        # "" when the record and the MIDI file are both there and readable

    @property
    def ok(self) -> bool:
        """True when the record was read and the MIDI file exists.

        Example: ``[e.name for e in library.entries() if e.ok]``
        """
        return not self.problem

    def describe(self) -> str:
        """One line about the piece: how it was made, or what is wrong with its files.

        Example: ``entry.describe()`` -> ``"generate: 'a fast jig' (folk-conditioned, temperature 0.9, 128 tokens, seed 0)"``
        """
        if self.problem:
            return f"unreadable: {self.problem}"
        record, settings = self.record, self.record.get("settings", {})
        what = record.get("prompt") or record.get("source") or ""
        model = settings.get("model", record.get("model"))
        parts = [str(model)] if model else []
        parts += [f"{key.replace('_', ' ')} {settings[key]}"
                  for key in ("temperature", "n_tokens", "n_notes", "n_steps", "seed") if key in settings]
        return f"{record.get('mode', '?')}: {what!r} ({', '.join(parts)})"


class Library:
    """The folder of pieces: save, list, load and delete.

    Example: ``Library("output/studio").save(piece, {"mode": "generate", "prompt": "a jig"}, "a jig")``
    """

    def __init__(self, folder=None):
        """Use ``folder`` (created when needed); default: :func:`library_folder`.

        Example: ``Library()`` or ``Library(tmp_path / "studio")``
        """
        self.folder = Path(folder) if folder is not None else library_folder()
        if self.folder.exists() and not self.folder.is_dir():
            raise NotADirectoryError(f"the studio library {self.folder} is a file, not a folder")

    def names(self) -> list[str]:
        """The names of the pieces (from both ``.mid`` and ``.json`` files), sorted.

        Example: ``Library().names()`` -> ``["a_fast_jig-1", "a_fast_jig-2"]``
        """
        if not self.folder.is_dir():
            return []
        return sorted({path.stem for path in self.folder.iterdir()
                       if path.suffix in (".mid", ".json") and path.is_file()})

    def save(self, piece, record: dict, label: str) -> Entry:
        """Write ``piece`` and its ``record`` under a new name made from ``label``; the new Entry.

        The record gets ``name``, ``midi``, ``created`` (UTC), ``notes`` and
        ``seconds`` added; everything in it must be JSON (text, numbers, lists).
        Example: ``library.save(piece, {"mode": "generate", "prompt": text, "settings": {...}}, text)``
        """
        from helpers.notes import sequence_to_midi_bytes

        if not isinstance(record, dict):
            raise TypeError(f"record must be a dict, not {type(record).__name__}")
        self.folder.mkdir(parents=True, exist_ok=True)
        name = next_name(label, self.names())
        midi = self.folder / f"{name}.mid"
        full = {**record, "format": RECORD_FORMAT, "name": name, "midi": midi.name,
                "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "notes": len(piece.notes),
                "seconds": round(max((n.end_time for n in piece.notes), default=0.0), 3)}
        text = json.dumps(full, indent=1, ensure_ascii=False)   # a record that is not JSON fails here,
        data = sequence_to_midi_bytes(piece)                      # before anything is written
        write_atomic(midi, lambda f: f.write(data), binary=True)
        write_atomic(self.folder / f"{name}.json", lambda f: f.write(text + "\n"))
        return Entry(name, midi, full)

    def entry(self, name: str) -> Entry:
        """The Entry called ``name``; its ``problem`` says what is wrong if a file is missing or bad.

        Example: ``library.entry("a_fast_jig-1").record["prompt"]`` -> ``"a fast jig"``
        """
        self._check_name(name)
        midi, path = self.folder / f"{name}.mid", self.folder / f"{name}.json"
        if not path.is_file():
            return Entry(name, midi, {}, f"{path.name} (its record) is missing")
        try:
            if path.stat().st_size > MAX_RECORD_BYTES:
                raise ValueError(f"it is {path.stat().st_size:,} bytes, too big for a record")
            record = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(record, dict):
                raise ValueError(f"it holds a JSON {type(record).__name__}, not an object")
        except (OSError, UnicodeDecodeError, ValueError) as err:
            return Entry(name, midi, {}, f"{path.name} is not a readable record ({err})")
        if not midi.is_file():
            return Entry(name, midi, record, f"{midi.name} (the music) is missing")
        return Entry(name, midi, record)

    def entries(self) -> list[Entry]:
        """Every piece in the folder, newest first (by record date; unreadable ones last).

        Example: ``[entry.describe() for entry in Library().entries()]``
        """
        entries = [self.entry(name) for name in self.names()]
        return sorted(entries, key=lambda e: (e.ok, str(e.record.get("created", "")), e.name),
                      reverse=True)

    def load(self, name: str):
        """The piece called ``name`` as a NoteSequence (ReadError if its MIDI file is bad or gone).

        Example: ``play(library.load("a_fast_jig-1"))``
        """
        from helpers.notes import load_midi

        self._check_name(name)
        return load_midi(self.folder / f"{name}.mid")

    def delete(self, name: str) -> list[Path]:
        """Remove the piece's MIDI file and record; returns the files removed.

        Example: ``library.delete("a_fast_jig-1")`` -> ``[.../a_fast_jig-1.mid, .../a_fast_jig-1.json]``
        """
        self._check_name(name)
        removed = []
        for suffix in (".mid", ".json"):
            path = self.folder / f"{name}{suffix}"
            if path.is_file():
                path.unlink()
                removed.append(path)
        if not removed:
            raise KeyError(f"the library has no piece called {name!r}")
        return removed

    def _check_name(self, name):
        if not isinstance(name, str) or safe_filename(name) != name:
            raise ValueError(f"{name!r} is not a piece name of the library (names are made by "
                             "next_name: letters, digits, '-', '_' and '.')")
