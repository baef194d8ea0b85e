"""Filter, de-duplicate, split and augment a collection of pieces (lesson 2).

These functions work on the metadata table (a pandas DataFrame with an ``id``
column, as ``helpers.corpus.corpus_table()`` returns) and on *keys*: short
values that are equal exactly when two pieces are (nearly) the same. A
*melody key* is equal when two pieces have the same notes (or, with
``transposed=True``, the same notes up to transposition); an *interval key*
when their top lines open with the same melodic intervals, rhythm ignored,
which also catches variants of one tune (another ornament, a dotted rhythm,
another key). Keys make duplicate detection and a leak-free split fast: no
piece needs to be compared with every other. Used by
notebooks/easy/02_building_a_dataset.ipynb and helpers.token_data.
"""

import hashlib

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:   # for the type hints only
    import pandas as pd

SPLITS = ("train", "valid", "test")


# --- filtering ---------------------------------------------------------------

def filter_pieces(table: "pd.DataFrame", **conditions) -> "pd.DataFrame":
    """Rows of ``table`` (a pandas DataFrame) that meet every condition.

    A condition on a column is one of:
      * a string: case-insensitive match of the whole value ("jig" matches "Jig", not "slip jig");
      * a list or set: the value is one of them (strings compared case-insensitively);
      * a (low, high) tuple: low <= value <= high;
      * a function: called on the column, returns True/False per row.

    Example: ``filter_pieces(table, type=["jig", "double jig"], meter="6/8")`` -> the jigs in 6/8
    """
    keep = table.index == table.index  # all True
    for column, wanted in conditions.items():
        if column not in table.columns:
            raise KeyError(f"no column {column!r}; the columns are: {', '.join(table.columns)}")
        keep &= _condition_mask(table[column], wanted).to_numpy(dtype=bool)
    return table[keep]


def _condition_mask(values, wanted):
    if callable(wanted):
        return values.map(wanted).astype(bool)
    if isinstance(wanted, tuple) and len(wanted) == 2:
        return values.between(*wanted)
    if isinstance(wanted, (list, set, frozenset)):
        lowered = {w.lower() if isinstance(w, str) else w for w in wanted}
        return values.map(lambda v: (v.lower() if isinstance(v, str) else v) in lowered)
    if isinstance(wanted, str):
        return values.fillna("").astype(str).str.lower() == wanted.lower()
    return values == wanted


def search(table, column: str, text: str):
    """Rows of ``table`` whose ``column`` contains ``text`` (case-insensitive).

    Example: ``search(table, "region", "irland")`` -> the Essen songs from Ireland
    """
    return table[table[column].fillna("").astype(str).str.contains(text, case=False, regex=False)]


# --- melody keys and duplicates ----------------------------------------------

def melody_key(pitches, starts, ends, transposed: bool = False) -> str:
    """A short string that identifies a melody.

    ``pitches``, ``starts`` and ``ends`` list the notes (times in any fixed unit,
    e.g. ticks or grid steps). The notes are sorted, times are measured from the
    first note, and with ``transposed=True`` pitches from the lowest one, so a
    melody and its transposition get the same key.
    Example: ``melody_key([60, 64], [0, 10], [10, 20]) == melody_key([64, 60], [110, 100], [120, 110])`` -> ``True``
    """
    notes = sorted(zip(starts, pitches, ends))
    if not notes:
        return "empty"
    t0 = notes[0][0]
    p0 = min(p for _, p, _ in notes) if transposed else 0
    text = ";".join(f"{s - t0},{p - p0},{e - s}" for s, p, e in notes)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def sequence_key(seq, transposed: bool = False, ticks_per_quarter: int = 480) -> str:
    """:func:`melody_key` of a NoteSequence (times in ticks, following its tempo map; drums ignored).

    Example: ``sequence_key(tune, transposed=True) == sequence_key(transpose(tune, 5), transposed=True)`` -> ``True``
    """
    from helpers.music import TempoMap

    notes = [n for n in seq.notes if not n.is_drum]
    if not notes:
        return melody_key([], [], [], transposed)
    tempo_map = TempoMap(seq)
    starts = np.rint(tempo_map.beats([n.start_time for n in notes]) * ticks_per_quarter)
    ends = np.rint(tempo_map.beats([n.end_time for n in notes]) * ticks_per_quarter)
    return melody_key([n.pitch for n in notes], starts.astype(int).tolist(),
                      ends.astype(int).tolist(), transposed)


def find_duplicates(ids, keys) -> list[list]:
    """Groups of ids that share a key: a list of lists, only groups of two or more.

    Example: ``find_duplicates(["a", "b", "c"], ["k1", "k2", "k1"])`` -> ``[["a", "c"]]``
    """
    groups = {}
    for piece_id, key in zip(ids, keys):
        groups.setdefault(key, []).append(piece_id)
    return [members for members in groups.values() if len(members) > 1]


def top_line(pitches, starts) -> list[int]:
    """The melody on top: the highest pitch at each onset, in time order.

    ``pitches`` and ``starts`` list the notes (times in any fixed unit).
    Example: ``top_line([60, 64, 62], [0, 0, 10])`` -> ``[64, 62]``
    """
    highest = {}
    for pitch, start in zip(pitches, starts):
        highest[start] = max(int(pitch), highest.get(start, -1))
    return [highest[start] for start in sorted(highest)]


def interval_key(pitches, n: int = 24) -> tuple[int, ...]:
    """The first ``n`` melodic intervals of a melody, in semitones: its shape, whatever its key and rhythm.

    ``pitches`` is the melody, one pitch per note (e.g. :func:`top_line`). A
    shorter melody gives all its intervals. Two variants of one tune (a
    dotted rhythm, another key) mostly share this key; ``n=24`` is long enough
    that different tunes rarely do.
    Example: ``interval_key([60, 62, 64, 60], n=2)`` -> ``(2, 2)``
    """
    pitches = [int(p) for p in pitches]
    return tuple(b - a for a, b in zip(pitches, pitches[1:]))[:n]


def find_near_duplicates(ids, melodies, n: int = 24) -> list[list]:
    """Groups of ids whose top lines open with the same ``n`` intervals (only groups of two or more).

    ``melodies`` gives each piece's notes as ``(pitches, starts, ...)``, the
    way ``corpus.piece_arrays(id)`` returns them; rhythm and key are ignored.
    In the folk corpus (11,358 tunes, corpus format 2) it finds 561 groups
    holding 1,201 tunes; in 462 of them the transposition-free melody key
    tells the tunes apart, e.g. O'Neill's "The Maid of Selma" and Ryan's
    "Maid of Selma -- Jig", or the Essen "An cuimhin leat an oíche úd?" and
    O'Neill's "Do You Remember That Night?". ``benchmarks/leaks.py`` counts them.
    A melody with no steps (one note or none) is nobody's near-duplicate, as
    in :func:`group_pieces`, which splits the corpus with the same keys.
    Example: ``find_near_duplicates(ids, [corpus.piece_arrays(i) for i in ids])`` -> ``[..., ["oneills/0201-0300/0050", "ryans/MaidOfSelmaJig/1"], ...]``
    """
    keyed = [(piece_id, interval_key(top_line(notes[0], notes[1]), n))
             for piece_id, notes in zip(ids, melodies)]
    keyed = [(piece_id, key) for piece_id, key in keyed if key]
    return find_duplicates([piece_id for piece_id, _ in keyed], [key for _, key in keyed])


def group_pieces(ids, *key_lists) -> list[str]:
    """One group name per piece: pieces that share a key of any of the lists are in one group.

    Each key list gives one key per id (e.g. melody keys and interval keys).
    Sharing is followed through: if A and B share a melody key and B and C
    an interval key, A, B and C are one group (union-find). A group is named
    after its first id in sorted order, so the names do not depend on the
    order of ``ids``. Empty keys (``""``, ``()``, None) join nothing.
    Example: ``group_pieces("abc", [1, 1, 2], [5, 6, 6])`` -> ``["a", "a", "a"]``
    """
    ids = list(ids)
    parent = {piece_id: piece_id for piece_id in ids}

    def root(piece_id):
        while parent[piece_id] != piece_id:
            piece_id = parent[piece_id]
        return piece_id

    for keys in key_lists:
        first_with = {}
        for piece_id, key in zip(ids, keys):
            if key in ("", (), None):
                continue
            other = first_with.setdefault(key, piece_id)
            a, b = sorted((root(piece_id), root(other)))
            parent[b] = a  # the smaller id becomes the root
    return [root(piece_id) for piece_id in ids]


def drop_duplicates(table: "pd.DataFrame", keys) -> "pd.DataFrame":
    """The table without repeats: of each group of equal keys, the first row stays.

    Example: ``drop_duplicates(table, moved_keys)`` -> the table, one row per melody
    """
    keys = list(keys)
    if len(keys) != len(table):
        raise ValueError(f"{len(keys)} keys for {len(table)} rows")
    seen, keep = set(), []
    for key in keys:
        keep.append(key not in seen)
        seen.add(key)
    return table[keep]


# --- splitting ---------------------------------------------------------------

def split_fraction(key, seed: int = 0) -> float:
    """A number in [0, 1) fixed by the key and the seed: the same on every machine.

    Example: ``split_fraction("k1") == split_fraction("k1")`` -> ``True``
    """
    digest = hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()
    return int(digest[:15], 16) / 16 ** 15


def split_pieces(ids, keys, fractions=(0.8, 0.1, 0.1), seed: int = 0) -> dict[str, list]:
    """Split ids into train / valid / test by their key.

    Pieces with the same key (pass transposition-invariant melody keys, or the
    group names of :func:`group_pieces`) always land in the same split, so no
    melody leaks from training into testing. The split depends only on the
    keys and the seed, not on the order of the pieces.
    Returns ``{"train": [...], "valid": [...], "test": [...]}``.
    Example: ``split_pieces(ids, group_pieces(ids, exact, near), (0.9, 0.05, 0.05))["test"]``
    """
    if len(fractions) != 3 or abs(sum(fractions) - 1) > 1e-9 or min(fractions) < 0:
        raise ValueError(f"fractions must be three non-negative numbers that sum to 1, not {fractions}")
    bounds = (fractions[0], fractions[0] + fractions[1])
    splits = {name: [] for name in SPLITS}
    for piece_id, key in zip(ids, keys):
        x = split_fraction(key, seed)
        splits["train" if x < bounds[0] else "valid" if x < bounds[1] else "test"].append(piece_id)
    return splits


def check_no_leakage(splits: dict, key_of: dict) -> bool:
    """Raise ValueError if a melody key appears in two splits; ``key_of`` maps id -> key.

    Example: ``check_no_leakage(splits, dict(zip(ids, keys)))`` -> ``True``
    """
    owner = {}
    for name, ids in splits.items():
        for piece_id in ids:
            key = key_of[piece_id]
            if owner.setdefault(key, (name, piece_id))[0] != name:
                other_split, other_id = owner[key]
                raise ValueError(f"leak: {piece_id!r} ({name}) has the same melody as "
                                 f"{other_id!r} ({other_split})")
    return True


def leak_rate(splits: dict, key_of: dict, split: str = "test") -> float:
    """The share of ``split``'s pieces whose key (``key_of[id]``) is also a training piece's key.

    Example: ``leak_rate({"train": ["a"], "valid": [], "test": ["b", "c"]}, {"a": 1, "b": 1, "c": 2})`` -> ``0.5``
    """
    train_keys = {key_of[piece_id] for piece_id in splits["train"]}
    pieces = splits[split]
    return sum(key_of[piece_id] in train_keys for piece_id in pieces) / max(len(pieces), 1)


# --- augmentation ------------------------------------------------------------

def allowed_shifts(lowest: int, highest: int, low: int = 0, high: int = 127,
                   max_shift: int = 6) -> list[int]:
    """Transpositions (in semitones, -max_shift..max_shift) that keep lowest..highest within low..high.

    Example: ``allowed_shifts(60, 72, low=58, high=75, max_shift=6)`` -> ``[-2, -1, 0, 1, 2, 3]``
    """
    return [s for s in range(-max_shift, max_shift + 1) if low <= lowest + s and highest + s <= high]


def transpositions(seq, low: int = 0, high: int = 127, max_shift: int = 6) -> list[tuple]:
    """Copies of a piece transposed by every allowed shift (0 included): a list of (shift, piece).

    The classic augmentation for melody models: more training data, and a model
    that does not learn one key per tune. Drums are never transposed.
    Example: ``[shift for shift, _ in transpositions(tune, low=55, high=84)]`` -> ``[-6, ..., 6]``
    """
    from helpers.music import transpose

    pitched = [n.pitch for n in seq.notes if not n.is_drum]
    if not pitched:
        return [(0, seq)]
    return [(s, transpose(seq, s)) for s in allowed_shifts(min(pitched), max(pitched), low, high, max_shift)]
