"""What the corpus cache holds: its folder, its table's columns, its note arrays.

Every module of ``helpers.corpus`` takes these names from here, so each
default has one source.
"""

from pathlib import Path

import numpy as np

from helpers.paths import cache_dir

FORMAT_VERSION = 2  # bump when the files' layout or content changes (2: pickups, no ornaments, O'Neill's once)
TPQ = 480  # ticks per quarter note in notes.npz

FOLK_FOLDERS = {"essen": "essenFolksong", "oneills": "oneills1850", "ryans": "ryansMammoth"}
FOLK_COLLECTIONS = tuple(FOLK_FOLDERS)
COLLECTIONS = ("essen", "oneills", "ryans", "chorales")
COLUMNS = ["id", "collection", "title", "region", "country", "type", "meter", "pickup", "key",
           "n_notes", "beats", "lowest", "highest", "qpm", "bars_off_grid", "source", "tune"]
NOTE_ARRAYS = ("pitch", "start", "end", "velocity", "voice")
VOICES = ("Soprano", "Alto", "Tenor", "Bass")  # the chorales' voices 0..3 (instruments)


def corpus_dir() -> Path:
    """The folder of the built corpus: ``cache_dir() / "corpus"``.

    Example: ``corpus_dir().name`` -> ``"corpus"``
    """
    return cache_dir() / "corpus"


def concat(arrays) -> np.ndarray:
    """Join integer arrays end to end (an empty list gives an empty array).

    Example: ``concat([[1, 2], [3]]).tolist()`` -> ``[1, 2, 3]``
    """
    return np.concatenate([np.asarray(a, dtype=np.int64) for a in arrays] + [np.zeros(0, np.int64)])


def sort_notes(notes: dict) -> dict:
    """Notes in time order (then voice, then pitch), as compact integer arrays.

    ``notes`` maps each of :data:`NOTE_ARRAYS` to a list or array.
    Example: ``sort_notes(notes)["start"]`` -> the starts, smallest first
    """
    order = np.lexsort((notes["pitch"], notes["voice"], notes["start"]))
    dtypes = {"pitch": np.int16, "start": np.int64, "end": np.int64,
              "velocity": np.int16, "voice": np.int16}
    return {name: np.asarray(notes[name])[order].astype(dtypes[name]) for name in NOTE_ARRAYS}


def note_stats(notes: dict) -> dict:
    """The table columns that come from the notes: n_notes, beats, lowest, highest.

    ``beats`` is where the last note ends, in quarter notes from the start of
    bar 0 (a pickup's lead-in included).
    Example: ``note_stats(notes)["n_notes"]`` -> ``103``
    """
    return {
        "n_notes": len(notes["pitch"]),
        "beats": round(float(notes["end"].max()) / TPQ, 4),
        "lowest": int(notes["pitch"].min()),
        "highest": int(notes["pitch"].max()),
    }
