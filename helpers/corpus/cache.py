"""Read the built corpus: the table, the failures, the notes, pieces as NoteSequences.

Each function builds the cache first when there is no valid one
(``build.build_corpus``), so a lesson can start with any of them.
"""

import numpy as np

from helpers.corpus.build import build_corpus
from helpers.corpus.layout import TPQ, VOICES, corpus_dir

TEXT_COLUMNS = {"title": str, "region": str, "country": str, "type": str, "meter": str, "key": str}


def corpus_table():
    """The metadata of every piece, one row each (``COLUMNS``), as a pandas DataFrame; builds if needed.

    ``type`` is the song or dance type (see ``abc_fields.tune_type`` for what
    it means in each collection), ``pickup`` the length of the upbeat in
    quarter notes (0 when the piece starts on a downbeat), ``bars_off_grid``
    how many of its bar lines miss the bars the tokenizers draw (repeats
    with a short last bar, a second part with its own pickup; 0 for most
    tunes). Empty text is ``""``, never NaN.
    Example: ``corpus_table().query("type == 'reel'")``
    """
    import pandas as pd

    build_corpus()
    return pd.read_csv(corpus_dir() / "pieces.csv", keep_default_na=False, dtype=TEXT_COLUMNS)


def corpus_failures():
    """The tunes that could not be read: id, source, tune, title and reason (a DataFrame).

    Example: ``len(corpus_failures())`` -> ``2``
    """
    import pandas as pd

    build_corpus()
    return pd.read_csv(corpus_dir() / "failures.csv", keep_default_na=False,
                       dtype={"title": str, "reason": str})


_ARRAYS = {}  # the loaded notes.npz, kept while the file stays the same


def corpus_arrays() -> dict:
    """Every note of the corpus as flat numpy arrays (loaded once, then kept).

    The first call builds the cache if needed and loads ``notes.npz``; later
    calls return the same arrays at once while the file stays the same, so
    :func:`piece_arrays` can be called for every tune.

    Keys: ``ids``, ``offsets`` (piece i's notes are ``offsets[i]:offsets[i+1]``),
    ``pitch``, ``start`` and ``end`` (ticks, 480 per quarter, from the start of
    bar 0), ``velocity``, ``voice``, and ``index`` (a dict from id to piece
    number). Tokenizers and the de-duplication in lesson 2 read these.
    Example: ``corpus_arrays()["pitch"].shape`` -> ``(1046789,)``
    """
    path = corpus_dir() / "notes.npz"
    if path.exists() and _ARRAYS.get("stamp") == file_stamp(path):
        return _ARRAYS["arrays"]  # checked and loaded before, and the file has not changed
    build_corpus()
    stamp = file_stamp(path)
    if _ARRAYS.get("stamp") != stamp:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        arrays["index"] = {piece_id: i for i, piece_id in enumerate(arrays["ids"].tolist())}
        _ARRAYS.clear()
        _ARRAYS.update(stamp=stamp, arrays=arrays)
    return _ARRAYS["arrays"]


def file_stamp(path) -> tuple:
    """What changes when a file is rewritten: its path, modification time and size.

    Example: ``file_stamp(corpus_dir() / "notes.npz")`` -> ``("/.../notes.npz", 1763937659000000000, 24804490)``
    """
    stat = path.stat()
    return str(path), stat.st_mtime_ns, stat.st_size


def piece_arrays(piece_id: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One piece's notes as numpy arrays: ``(pitch, start, end)``, times in ticks (480 per quarter).

    Example: ``pitch, start, end = piece_arrays("oneills/0550-0625/0016")``
    """
    arrays = corpus_arrays()
    if piece_id not in arrays["index"]:
        raise KeyError(f"No piece {piece_id!r} in the corpus; see corpus_table()['id']")
    i = arrays["index"][piece_id]
    part = slice(arrays["offsets"][i], arrays["offsets"][i + 1])
    return arrays["pitch"][part], arrays["start"][part], arrays["end"][part]


def load_piece(piece_id: str):
    """One piece as a NoteSequence.

    Example: ``load_piece("chorales/bwv66.6").time_signatures[0].numerator`` -> ``4``
    """
    return load_pieces([piece_id])[0]


def load_pieces(ids) -> list:
    """Several pieces as NoteSequences (the table and the notes are read once).

    Times in seconds follow the piece's qpm; the tempo and the time signature
    are set at time 0; a piece with a pickup starts with the rest of bar 0,
    so its first full bar starts on a bar line. Each chorale voice is its own
    instrument (0 soprano .. 3 bass).
    Example: ``[seq.id for seq in load_pieces(["essen/han1/0001"])]`` -> ``["essen/han1/0001"]``
    """
    table = corpus_table().set_index("id")
    arrays = corpus_arrays()
    unknown = [piece_id for piece_id in ids if piece_id not in arrays["index"]]
    if unknown:
        raise KeyError(f"No piece {unknown[0]!r} in the corpus; see corpus_table()['id']")
    return [piece_sequence(piece_id, table.loc[piece_id], arrays) for piece_id in ids]


def piece_sequence(piece_id: str, row, arrays: dict):
    """Build the NoteSequence of one piece from its table row and the arrays.

    A piece without a meter (Essen's free-meter songs) is written in 4/4.
    Example: ``piece_sequence(id, corpus_table().set_index("id").loc[id], corpus_arrays())``
    """
    from helpers.notes import add_note, new_sequence

    numerator, denominator = (row["meter"] or "4/4").split("/")
    seq = new_sequence(qpm=row["qpm"], numerator=int(numerator), denominator=int(denominator))
    seq.ticks_per_quarter = TPQ
    seq.id, seq.filename, seq.collection_name = piece_id, row["source"], row["collection"]
    if row["collection"] == "chorales":
        for part, name in enumerate(VOICES):
            seq.part_infos.add(part=part, name=name)
    seconds_per_tick = 60.0 / (row["qpm"] * TPQ)
    i = arrays["index"][piece_id]
    for j in range(arrays["offsets"][i], arrays["offsets"][i + 1]):
        add_note(seq, arrays["pitch"][j], arrays["start"][j] * seconds_per_tick,
                 arrays["end"][j] * seconds_per_tick, velocity=arrays["velocity"][j],
                 instrument=arrays["voice"][j])
    return seq
