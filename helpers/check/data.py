"""Checks for lesson 2, "Building a dataset" (notebooks/easy/02_building_a_dataset.ipynb).

The checks build their own small tables, melodies and splits at random, with
the traps real metadata has (capitals, missing values, near-miss meters,
leaks into the valid split as well as the test split) and the variants a
tune has (transposed, another ending, one note changed), so they run in a
second and do not need the corpus cache.
"""

import math
import random

import pandas as pd

from helpers import dataset
from helpers.check.calling import expect_function
from helpers.check.cases import Case, run_cases
from helpers.check.compare import expect_int, expect_list
from helpers.check.core import Hint, register
from helpers.check.inputs import random_pitch

REGIONS = ["Europa, Mitteleuropa, Deutschland", "Mitteleuropa, Deutschland (BRD)",
           "mitteleuropa, deutschland", "DEUTSCHLAND, Schlesien", "Luxemburg", "Irland",
           "Europa, Westeuropa, Frankreich", None, math.nan]
METERS = ["3/4", "3/8", "6/8", "2/4", "4/4", "3/2", "6/4"]
TYPES = ["Lied", "Ballade", "jig", "reel", "Liebes - Lied", None]


def _table(rng: random.Random, rows: int):
    """A metadata table with shuffled, non-consecutive row labels and the traps above."""
    labels = rng.sample(range(10, 1000), rows)
    return pd.DataFrame({
        "id": [f"essen/{label}" for label in labels],
        "region": [rng.choice(REGIONS) for _ in range(rows)],
        "meter": [rng.choice(METERS) for _ in range(rows)],
        "type": [rng.choice(TYPES) for _ in range(rows)],
        "notes": [rng.randint(10, 60) for _ in range(rows)],
    }, index=labels)


def _fixed_table():
    return pd.DataFrame({
        "id": [f"essen/{i}" for i in range(8)],
        "region": ["Europa, Mitteleuropa, Deutschland", "Mitteleuropa, Deutschland (BRD)",
                   "Europa, Mitteleuropa, Deutschland", "Luxemburg", None,
                   "mitteleuropa, deutschland", "Irland", "Europa, Mitteleuropa, Deutschland"],
        "meter": ["3/4", "3/4", "6/8", "3/4", "3/4", "3/4", "3/4", "3/8"],
        "type": ["Liebes - Lied", "Ballade", "jig", None, "Lied", "Lied", "jig", "Lied"],
    })


def german_reference(table: pd.DataFrame) -> pd.DataFrame:
    """Rows whose region contains "deutschland" in any case (``dataset.search``) and meter is exactly 3/4.

    Example: ``german_reference(corpus_table())`` -> the German songs in 3/4
    """
    hits = dataset.search(table, "region", "deutschland")
    return hits[hits["meter"] == "3/4"]


@register("data-german-3-4")
def check_german_songs(answer, rng: random.Random) -> None:
    """Lesson 2, exercise 1: ``german_songs_in_3_4(table)``.

    Example: ``check("data-german-3-4", german_songs_in_3_4)``
    """
    expect_function(answer, "german_songs_in_3_4")

    def compare(got, expected, case):
        if not isinstance(got, pd.DataFrame):
            raise Hint(f"expected the matching rows as a DataFrame (all columns), got {type(got).__name__}.")
        if list(got.columns) != list(expected.columns):
            raise Hint(f"keep every column of the rows: expected columns {list(expected.columns)}, "
                       f"got {list(got.columns)}.")
        want, have = sorted(expected["id"]), sorted(got["id"])
        if have != want:
            raise Hint(f"expected the rows with ids {want}, got {have}. Match 'deutschland' anywhere in "
                       "the region, in any case, with missing regions not matching "
                       "(str.contains(..., case=False, na=False)), and the meter exactly '3/4' "
                       "(not '3/8' or '3/2').")

    cases = [Case((_fixed_table(),), "capitals, a missing region, a 3/8 meter")]
    cases += [Case((_table(rng, rng.randint(4, 10)),)) for _ in range(10)]
    run_cases(answer, "german_songs_in_3_4", cases, german_reference, compare)


def _column_with_distinct_counts(rng: random.Random, values: list, missing_first: bool):
    """A column in which the values have different counts (no ties), in shuffled order."""
    counts = rng.sample(range(1, 9), len(values))
    column = [v for v, c in zip(values, counts) for _ in range(c)]
    if missing_first:
        column += [None] * (max(counts) + 1)   # missing values are the most common: not counted
    rng.shuffle(column)
    return column


def top_values_reference(table, column: str, n: int) -> list:
    """The ``n`` most common values of ``table[column]`` with their counts, missing values not counted.

    Example: ``top_values_reference(table, "meter", 2)`` -> ``[("6/8", 5), ("4/4", 3)]``
    """
    return [(value, int(count)) for value, count in table[column].value_counts().head(n).items()]


@register("data-top-values")
def check_top_values(answer, rng: random.Random) -> None:
    """Lesson 2, exercise 2: ``top_values(table, column, n)``.

    Example: ``check("data-top-values", top_values)``
    """
    expect_function(answer, "top_values")

    def compare(got, expected, case):
        got = expect_list(got, "top_values")
        pairs = []
        for item in got:
            if not isinstance(item, (tuple, list)) or len(item) != 2:
                raise Hint(f"expected a list of (value, count) pairs {expected}, but one item is {item!r}.")
            pairs.append((item[0], expect_int(item[1], "a count")))
        if pairs != expected:
            raise Hint(f"expected {expected}, got {pairs}. Most common first, at most n pairs; missing "
                       "values (None) are not counted. table[column].value_counts() counts for you.")

    cases = []
    for column, values in (("meter", ["6/8", "4/4", "3/4", "9/8"]), ("type", ["jig", "reel", "hornpipe"]),
                           ("key", ["D", "G", "A", "Em", "Bm"]), ("notes", [32, 48, 64])):
        for n in (1, 2, len(values) + 1):
            table = pd.DataFrame({column: _column_with_distinct_counts(rng, values, rng.random() < 0.5),
                                  "other": "x"})
            cases.append(Case((table, column, n)))
    rng.shuffle(cases)
    fixed = pd.DataFrame({"meter": ["6/8"] * 5 + ["4/4"] * 3 + ["3/4"] * 2 + ["9/8"] + [None] * 6})
    cases = [Case((fixed, "meter", 2), "six missing values, not counted"), Case((fixed, "meter", 9))] + cases
    run_cases(answer, "top_values", cases, top_values_reference, compare)


def interval_key_reference(pitches: list, n: int = 24) -> tuple:
    """The first ``n`` steps between consecutive pitches, as a tuple (``dataset.interval_key``).

    Example: ``interval_key_reference([62, 66, 69, 74], n=2)`` -> ``(4, 3)``
    """
    return dataset.interval_key(pitches, n)


def _walk(rng: random.Random, length: int) -> list:
    """A random melody: a walk of small steps (repeated notes included) from a random pitch."""
    pitches = [rng.randint(50, 80)]
    for _ in range(length - 1):
        pitches.append(min(127, max(0, pitches[-1] + rng.choice([-5, -3, -2, -1, 0, 1, 2, 2, 3, 4, 7]))))
    return pitches


@register("data-interval-key")
def check_interval_key(answer, rng: random.Random) -> None:
    """Lesson 2, exercise 3: ``interval_key(pitches, n=24)``, the near-duplicate key.

    Example: ``check("data-interval-key", interval_key)``
    """
    expect_function(answer, "interval_key")

    def compare(got, expected, case):
        if not isinstance(got, tuple):
            raise Hint(f"expected the tuple {expected} (a tuple can be a dict key or go in a set), "
                       f"got {type(got).__name__} {got!r}.")
        if tuple(expect_int(x, "a step") for x in got) != expected:
            raise Hint(f"expected {expected}: the first n steps, each pitch minus the one before it "
                       f"(n steps need n + 1 notes); got {got}.")

    tune = [62, 66, 69, 74, 69, 66, 62, 64, 66, 67]
    cases = [Case((tune, 4)), Case(([p + 7 for p in tune], 4), "the same tune 7 semitones higher"),
             Case((tune[:3], 24), "a melody shorter than n: all its steps"),
             Case((tune, 9), "exactly n + 1 notes: every step"),
             Case(([62], 24), "one note: no steps"), Case(([], 24), "no notes"),
             Case(([5, 100, 127, 0], 2), "pitches with one and three digits"),
             Case((_walk(rng, 30),), "n left at its default, 24, on a 30-note melody")]
    cases += [Case((_walk(rng, rng.randint(2, 12)), rng.randint(1, 10))) for _ in range(10)]
    run_cases(answer, "interval_key", cases, interval_key_reference, compare, mistakes={
        "n intervals need the first n + 1 notes, not the first n": lambda p, n=24: dataset.interval_key(p[:n], n),
        "keep only the first n steps": lambda p, n=24: dataset.interval_key(p, len(p)),
        "each step is the later pitch minus the earlier one": lambda p, n=24: tuple(
            -step for step in dataset.interval_key(p, n))})


def find_leaks_reference(splits: dict, key_of: dict) -> list:
    """The valid and test ids whose key is also the key of a training piece.

    Example: ``find_leaks_reference({"train": ["a"], "valid": ["b"], "test": []}, {"a": 1, "b": 1})`` -> ``["b"]``
    """
    train = {key_of[piece] for piece in splits["train"]}
    return [piece for name in ("valid", "test") for piece in splits[name] if key_of[piece] in train]


def _random_splits(rng: random.Random):
    """Splits with leaks into valid and test, keys shared by valid and test only, repeats inside train."""
    names = iter(rng.sample([f"{a}{b}" for a in "abcdefghjkmnpqrstuvwxyz" for b in range(10)], 60))
    key_of, splits = {}, {"train": [], "valid": [], "test": []}
    train_keys = [f"k{rng.randrange(1000)}" for _ in range(rng.randint(2, 5))]
    shared = f"k{rng.randrange(1000, 2000)}"   # in valid and test, never in train
    for split, count in (("train", rng.randint(2, 6)), ("valid", rng.randint(1, 4)), ("test", rng.randint(1, 4))):
        for _ in range(count):
            piece = next(names)
            roll = rng.random()
            if split == "train" or roll < 0.35:
                key = rng.choice(train_keys)
            elif roll < 0.55:
                key = shared
            else:
                key = f"k{rng.randrange(2000, 3000)}"
            key_of[piece] = key
            splits[split].append(piece)
    return splits, key_of


@register("data-find-leaks")
def check_find_leaks(answer, rng: random.Random) -> None:
    """Lesson 2, exercise 4: ``find_leaks(splits, key_of)``.

    Example: ``check("data-find-leaks", find_leaks)``
    """
    expect_function(answer, "find_leaks")

    def compare(got, expected, case):
        got = expect_list(got, "find_leaks", item=str, item_name="piece ids")
        if sorted(got) != sorted(expected):
            raise Hint(f"expected the leaked ids {sorted(expected)} (in any order), got {got}. Collect the "
                       "training keys in a set, then list the valid and test pieces whose key is in it; "
                       "keys shared by valid and test only are not leaks.")

    key_of = {"a": "k1", "b": "k2", "c": "k3", "d": "k2", "e": "k4", "f": "k4", "g": "k5"}
    cases = [Case(({"train": ["a", "b", "c"], "valid": ["d"], "test": ["g"]}, key_of), "a leak into valid"),
             Case(({"train": ["a", "b"], "valid": ["c"], "test": ["d", "g"]}, key_of), "a leak into test"),
             Case(({"train": ["a"], "valid": ["e"], "test": ["f"]}, key_of),
                  "valid and test share a key, training does not: no leak"),
             Case(({"train": ["a", "c"], "valid": ["g"], "test": []}, key_of), "no leaks at all")]
    cases += [Case(_random_splits(rng)) for _ in range(10)]
    run_cases(answer, "find_leaks", cases, find_leaks_reference, compare, mistakes={
        "the valid split can leak too": lambda splits, key_of: [
            p for p in splits["test"] if key_of[p] in {key_of[t] for t in splits["train"]}]})


def near_duplicates_reference(melodies: dict, n: int = 24) -> list:
    """Groups (lists of ids, two or more) of melodies with the same :func:`dataset.interval_key`.

    ``melodies`` maps an id to a list of pitches. A melody with no steps (one
    note or none) is nobody's near-duplicate, as in ``dataset.group_pieces``.
    Example: ``near_duplicates_reference({"a": [60, 62], "b": [65, 67], "c": [60]})`` -> ``[["a", "b"]]``
    """
    ids = list(melodies)
    keys = [dataset.interval_key(melodies[piece], n) for piece in ids]
    return [group for group in dataset.find_duplicates(ids, keys) if keys[ids.index(group[0])]]


def _as_groups(got) -> list:
    """The learner's groups as sorted lists of ids, in sorted order; a Hint when the shape is wrong."""
    got = expect_list(got, "near_duplicates")
    groups = []
    for group in got:
        if not isinstance(group, (list, tuple, set)) or not all(isinstance(i, str) for i in group):
            raise Hint(f"near_duplicates should return a list of groups, each a list of ids (strings), "
                       f"but one group is {type(group).__name__} {group!r}.")
        groups.append(sorted(group))
    return sorted(groups)


def _variant(rng: random.Random, tune: list, n: int) -> list:
    """A changed copy of ``tune``: transposed, with a new ending after ``n`` steps, or one note changed."""
    kind = rng.choice(["transposed", "new ending", "one note changed", "transposed"])
    if kind == "transposed":
        shift = rng.choice([-7, -5, -2, 2, 3, 5, 12])
        return [min(127, max(0, p + shift)) for p in tune]
    if kind == "new ending":   # the notes after the first n steps change
        return tune[:n + 1] + _walk(rng, rng.randint(1, 5))
    changed = list(tune)
    changed[rng.randrange(len(changed))] += rng.choice([-2, -1, 1, 2])
    return changed


def _random_melodies(rng: random.Random, n: int) -> dict:
    """Ids -> pitches: a few tunes, their variants (some near-duplicates, some not), one-note melodies."""
    names = iter(rng.sample([f"{a}{b}" for a in "abcdefghjkmnpqrstuvwxyz" for b in range(10)], 40))
    melodies = {}
    for _ in range(rng.randint(2, 4)):
        tune = _walk(rng, rng.randint(max(2, n - 2), n + 6))
        melodies[next(names)] = tune
        for _ in range(rng.randint(0, 3)):
            melodies[next(names)] = _variant(rng, tune, n)
    if rng.random() < 0.5:
        melodies[next(names)] = [rng.randint(50, 80)]
    items = list(melodies.items())
    rng.shuffle(items)
    return dict(items)


@register("data-near-duplicates")
def check_near_duplicates(answer, rng: random.Random) -> None:
    """Lesson 2, exercise 5: ``near_duplicates(melodies, n=24)``.

    Example: ``check("data-near-duplicates", near_duplicates)``
    """
    expect_function(answer, "near_duplicates")

    def compare(got, expected, case):
        if _as_groups(got) != sorted(sorted(group) for group in expected):
            raise Hint(f"expected the groups {sorted(sorted(g) for g in expected)} (in any order), got "
                       f"{got}. Melodies are near-duplicates when their interval keys (first n steps) are "
                       "equal; return only groups of two or more.")

    tune = [62, 66, 69, 74, 69, 66, 62, 64]
    fixed = {"tune": tune, "up a fourth": [p + 5 for p in tune], "new ending": tune[:5] + [60, 59],
             "other": [60, 62, 64, 65, 67, 69, 71, 72]}
    cases = [Case((fixed, 4), "a transposed copy and a copy with another ending"),
             Case(({"dotted": tune, "even": list(tune), "other": tune[::-1]}, 24),
                  "the same pitches in another rhythm, and melodies shorter than n"),
             Case(({"tune": tune, "repeated": tune[:2] + tune[1:]}, 24),
                  "one note split in two (a repeated note adds a step 0): not the same key"),
             Case(({"start": tune[:3], "whole": tune}, 24), "a short melody that is the start of a longer one"),
             Case(({"one": [60], "other one": [67], "none": [], "tune": tune}, 4),
                  "one-note melodies and an empty one: no steps, nobody's near-duplicate"),
             Case(({"a": [60, 62, 64], "b": [70, 72, 74], "c": [60, 59], "d": [61, 60], "e": [60, 62, 65]}, 2),
                  "two separate groups"),
             Case(({"a": tune},), "one melody, n left at its default"),
             Case((_random_melodies(rng, 24),), "n left at its default, 24")]
    for _ in range(10):
        n = rng.randint(2, 6)
        cases.append(Case((_random_melodies(rng, n), n)))
    run_cases(answer, "near_duplicates", cases, near_duplicates_reference, compare, mistakes={
        "return only groups of two or more ids": lambda m, n=24: [
            [i for i in m if dataset.interval_key(m[i], n) == key]
            for key in dict.fromkeys(dataset.interval_key(p, n) for p in m.values()) if key],
        "compare the interval keys, not the pitches: a transposed copy is a near-duplicate": lambda m, n=24: [
            g for g in dataset.find_duplicates(list(m), [tuple(p[:n + 1]) for p in m.values()]) if len(m[g[0]]) > 1],
        "only the first n steps count: a new ending keeps a near-duplicate": lambda m, n=24: [
            g for g in dataset.find_duplicates(list(m), [dataset.interval_key(p, 10 ** 6) for p in m.values()])
            if len(m[g[0]]) > 1],
        "a melody with no steps (one note or none) joins no group": lambda m, n=24: dataset.find_duplicates(
            list(m), [dataset.interval_key(p, n) for p in m.values()])})


@register("data-allowed-shifts")
def check_allowed_shifts(answer, rng: random.Random) -> None:
    """Lesson 2, exercise 6: ``allowed_shifts(lowest, highest, low, high, max_shift)`` against ``helpers.dataset``.

    Example: ``check("data-allowed-shifts", allowed_shifts)``
    """
    expect_function(answer, "allowed_shifts")

    def compare(got, expected, case):
        got = expect_list(got, "allowed_shifts")
        if sorted(expect_int(s, "a shift") for s in got) != expected:
            raise Hint(f"expected {expected}, got {got}. Keep a shift s from -max_shift to +max_shift "
                       "(both included) when lowest + s >= low and highest + s <= high (both included).")

    cases = [Case((60, 72, 55, 79, 6)), Case((60, 72, 60, 72, 6), "the tune fills the range exactly"),
             Case((48, 96, 55, 79, 6), "the tune is wider than the range: no shift fits"),
             Case((60, 64, 0, 127, 0), "max_shift 0"), Case((60, 64, 57, 66, 3), "both ends reached")]
    for _ in range(12):
        low = rng.randint(30, 60)
        high = low + rng.randint(6, 30)
        lowest = rng.randint(low - 4, high - 2)
        cases.append(Case((lowest, lowest + rng.randint(0, high - lowest + 3), low, high, rng.randint(1, 8))))
    run_cases(answer, "allowed_shifts", cases, dataset.allowed_shifts, compare)
