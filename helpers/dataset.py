"""Filter, de-duplicate, split and augment a collection of pieces (lesson 2).

These functions work on the metadata table (a pandas DataFrame with an ``id``
column, as ``helpers.corpus.corpus_table()`` returns) and on *melody keys*:
short strings that are equal exactly when two pieces have the same notes
(or, with ``transposed=True``, the same notes up to transposition). Keys make
duplicate detection and a leak-free split fast: no piece needs to be compared
with every other. Used by notebooks/easy/02_building_a_dataset.ipynb.
"""

import hashlib

import numpy as np

SPLITS = ("train", "valid", "test")


# --- filtering ---------------------------------------------------------------

def filter_pieces(table, **conditions):
    """Rows of ``table`` that meet every condition, e.g. ``filter_pieces(t, type="jig", meter="6/8")``.

    A condition on a column is one of:
      * a string: case-insensitive match of the whole value ("jig" matches "Jig", not "slip jig");
      * a list or set: the value is one of them (strings compared case-insensitively);
      * a (low, high) tuple: low <= value <= high;
      * a function: called on the column, returns True/False per row.
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


def search(table, column, text):
    """Rows whose ``column`` contains ``text`` (case-insensitive), e.g. search(t, "region", "irland")."""
    return table[table[column].fillna("").astype(str).str.contains(text, case=False, regex=False)]


# --- melody keys and duplicates ----------------------------------------------

def melody_key(pitches, starts, ends, transposed=False):
    """A short string that identifies a melody.

    ``pitches``, ``starts`` and ``ends`` list the notes (times in any fixed unit,
    e.g. ticks or grid steps). The notes are sorted, times are measured from the
    first note, and with ``transposed=True`` pitches from the lowest one, so a
    melody and its transposition get the same key.
    """
    notes = sorted(zip(starts, pitches, ends))
    if not notes:
        return "empty"
    t0 = notes[0][0]
    p0 = min(p for _, p, _ in notes) if transposed else 0
    text = ";".join(f"{s - t0},{p - p0},{e - s}" for s, p, e in notes)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def sequence_key(seq, transposed=False, ticks_per_quarter=480):
    """:func:`melody_key` of a NoteSequence (times in ticks, following its tempo map; drums ignored)."""
    from helpers.music import TempoMap

    notes = [n for n in seq.notes if not n.is_drum]
    if not notes:
        return melody_key([], [], [], transposed)
    tempo_map = TempoMap(seq)
    starts = np.rint(tempo_map.beats([n.start_time for n in notes]) * ticks_per_quarter)
    ends = np.rint(tempo_map.beats([n.end_time for n in notes]) * ticks_per_quarter)
    return melody_key([n.pitch for n in notes], starts.astype(int).tolist(),
                      ends.astype(int).tolist(), transposed)


def find_duplicates(ids, keys):
    """Groups of ids that share a key: a list of lists, only groups of two or more."""
    groups = {}
    for piece_id, key in zip(ids, keys):
        groups.setdefault(key, []).append(piece_id)
    return [members for members in groups.values() if len(members) > 1]


def drop_duplicates(table, keys):
    """The table without repeats: of each group of equal keys, the first row stays."""
    keys = list(keys)
    if len(keys) != len(table):
        raise ValueError(f"{len(keys)} keys for {len(table)} rows")
    seen, keep = set(), []
    for key in keys:
        keep.append(key not in seen)
        seen.add(key)
    return table[keep]


# --- splitting ---------------------------------------------------------------

def split_fraction(key, seed=0):
    """A number in [0, 1) fixed by the key and the seed: the same on every machine."""
    digest = hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()
    return int(digest[:15], 16) / 16 ** 15


def split_pieces(ids, keys, fractions=(0.8, 0.1, 0.1), seed=0):
    """Split ids into train / valid / test by their melody key.

    Pieces with the same key (pass transposition-invariant keys) always land in
    the same split, so no melody leaks from training into testing. The split
    depends only on the keys and the seed, not on the order of the pieces.
    Returns ``{"train": [...], "valid": [...], "test": [...]}``.
    """
    if len(fractions) != 3 or abs(sum(fractions) - 1) > 1e-9 or min(fractions) < 0:
        raise ValueError(f"fractions must be three non-negative numbers that sum to 1, not {fractions}")
    bounds = (fractions[0], fractions[0] + fractions[1])
    splits = {name: [] for name in SPLITS}
    for piece_id, key in zip(ids, keys):
        x = split_fraction(key, seed)
        splits["train" if x < bounds[0] else "valid" if x < bounds[1] else "test"].append(piece_id)
    return splits


def check_no_leakage(splits, key_of):
    """Raise ValueError if a melody key appears in two splits; ``key_of`` maps id -> key."""
    owner = {}
    for name, ids in splits.items():
        for piece_id in ids:
            key = key_of[piece_id]
            if owner.setdefault(key, (name, piece_id))[0] != name:
                other_split, other_id = owner[key]
                raise ValueError(f"leak: {piece_id!r} ({name}) has the same melody as "
                                 f"{other_id!r} ({other_split})")
    return True


# --- augmentation ------------------------------------------------------------

def allowed_shifts(lowest, highest, low=0, high=127, max_shift=6):
    """Transpositions (in semitones, -max_shift..max_shift) that keep lowest..highest within low..high."""
    return [s for s in range(-max_shift, max_shift + 1) if low <= lowest + s and highest + s <= high]


def transpositions(seq, low=0, high=127, max_shift=6):
    """Copies of a piece transposed by every allowed shift (0 included): a list of (shift, piece).

    The classic augmentation for melody models: more training data, and a model
    that does not learn one key per tune. Drums are never transposed.
    """
    from helpers.music import transpose

    pitched = [n.pitch for n in seq.notes if not n.is_drum]
    if not pitched:
        return [(0, seq)]
    return [(s, transpose(seq, s)) for s in allowed_shifts(min(pitched), max(pitched), low, high, max_shift)]
