"""Checks for lesson 2, "Building a dataset" (notebooks/easy/02_building_a_dataset.ipynb).

The checks build their own small tables and melodies, with the traps real
metadata sets (capitals, missing values, near-miss meters), so they run in a
second and do not need the corpus cache.
"""

import pandas as pd

from helpers import dataset
from helpers.check.compare import expect_type
from helpers.check.core import Hint, call, expect_function, register


def _table():
    return pd.DataFrame({
        "id": [f"essen/{i}" for i in range(8)],
        "region": ["Europa, Mitteleuropa, Deutschland", "Mitteleuropa, Deutschland (BRD)",
                   "Europa, Mitteleuropa, Deutschland", "Luxemburg", None,
                   "mitteleuropa, deutschland", "Irland", "Europa, Mitteleuropa, Deutschland"],
        "meter": ["3/4", "3/4", "6/8", "3/4", "3/4", "3/4", "3/4", "3/8"],
        "type": ["Liebes - Lied", "Ballade", "jig", None, "Lied", "Lied", "jig", "Lied"],
    })


@register("data-german-3-4")
def check_german_songs(answer):
    expect_function(answer, "german_songs_in_3_4")
    table = _table()
    got = call(answer, table.copy())
    if not isinstance(got, pd.DataFrame):
        raise Hint(f"german_songs_in_3_4 should return the matching rows as a DataFrame, "
                   f"got {type(got).__name__}.")
    expected = ["essen/0", "essen/1", "essen/5"]
    found = sorted(got["id"]) if "id" in got else None
    if found != expected:
        raise Hint(f"on a test table the German songs in 3/4 are {expected}, you returned {found}. "
                   "Match 'deutschland' anywhere in the region, ignoring case "
                   "(table['region'].str.contains('deutschland', case=False, na=False)), and the "
                   "meter exactly '3/4' (not '3/8').")


@register("data-top-values")
def check_top_values(answer):
    expect_function(answer, "top_values")
    table = pd.DataFrame({"meter": ["6/8"] * 5 + ["4/4"] * 3 + ["3/4"] * 2 + ["9/8"] + [None]})
    for n, expected in [(2, [("6/8", 5), ("4/4", 3)]), (3, [("6/8", 5), ("4/4", 3), ("3/4", 2)])]:
        got = call(answer, table, "meter", n)
        if not isinstance(got, list):
            raise Hint(f"top_values should return a list of (value, count) pairs, got {type(got).__name__}.")
        got = [tuple(pair) if isinstance(pair, (list, tuple)) else pair for pair in got]
        if got != expected:
            raise Hint(f"top_values(table, 'meter', {n}) on 5 x 6/8, 3 x 4/4, 2 x 3/4, 1 x 9/8 "
                       f"should be {expected}, got {got}. Most common first; "
                       "table[column].value_counts() counts for you.")


@register("data-interval-key")
def check_interval_key(answer):
    expect_function(answer, "interval_key")
    tune = [62, 66, 69, 74, 69, 66]
    got = call(answer, tune)
    if not isinstance(got, tuple):
        raise Hint(f"interval_key should return a tuple (it can then be a dict key or go in a set), "
                   f"got {type(got).__name__} {got!r}.")
    if got != (4, 3, 5, -5, -3):
        raise Hint(f"interval_key({tune}) should be (4, 3, 5, -5, -3): each pitch minus the one "
                   f"before it; got {got}.")
    if call(answer, [p + 7 for p in tune]) != got:
        raise Hint("a melody moved up 7 semitones must get the same key: the key should only "
                   "depend on the steps between notes.")
    if call(answer, [62]) != () or call(answer, []) != ():
        raise Hint("a melody with one note (or none) has no intervals: its key is ().")


@register("data-find-leaks")
def check_find_leaks(answer):
    expect_function(answer, "find_leaks")
    splits = {"train": ["a", "b", "c"], "valid": ["d"], "test": ["e", "f"]}
    key_of = {"a": "k1", "b": "k2", "c": "k3", "d": "k4", "e": "k2", "f": "k5"}
    got = call(answer, splits, key_of)
    expect_type(got, list, "find_leaks")
    if sorted(got) != ["e"]:
        raise Hint(f"piece 'e' (test) has the same melody key as 'b' (train), so the answer is ['e']; "
                   f"got {got}. Collect the training keys in a set, then list the valid and test "
                   "pieces whose key is in it.")
    clean = {"train": ["a"], "valid": ["d"], "test": ["f"]}
    if call(answer, clean, key_of) != []:
        raise Hint("with no shared keys there are no leaks: the answer should be [].")
    both = {"train": ["a"], "valid": ["b"], "test": ["e"]}
    if sorted(call(answer, both, key_of)) != []:
        raise Hint("'b' (valid) and 'e' (test) share a key with each other but not with training; "
                   "only leaks from the training set count here, so expect [].")


@register("data-allowed-shifts")
def check_allowed_shifts(answer):
    expect_function(answer, "allowed_shifts")
    cases = [(60, 72, 55, 79, 6), (60, 72, 60, 72, 6), (48, 96, 55, 79, 6), (60, 64, 0, 127, 3)]
    for lowest, highest, low, high, max_shift in cases:
        expected = dataset.allowed_shifts(lowest, highest, low, high, max_shift)
        got = call(answer, lowest, highest, low, high, max_shift)
        if not isinstance(got, list) or sorted(got) != expected:
            raise Hint(f"allowed_shifts({lowest}, {highest}, low={low}, high={high}, "
                       f"max_shift={max_shift}) should be {expected}, got {got!r}. Keep a shift s "
                       "(from -max_shift to +max_shift, both included) when lowest + s >= low "
                       "and highest + s <= high.")
