"""Print how many valid and test tunes leak from the training set, for two ways of splitting.

A *leak* is a valid or test tune whose top line opens with the same 24
melodic intervals (rhythm and key ignored) as a training tune: a variant of
a tune the model has seen. For comparison, the exact leak: the same notes up
to transposition (``melody_key(transposed=True)``).

1. The old split: by the exact transposition-free melody key alone.
2. The split every model uses (``helpers.token_data.folk_split``): groups of
   tunes that share either key, each group in one split.

Both are 90/5/5 with seed 0 on the folk corpus as built now.
Run: .venv/bin/python benchmarks/leaks.py
"""

import collections
import time

from helpers import corpus, dataset
from helpers.token_data import FOLK, NEAR_INTERVALS, folk_split


def keys_of_folk_tunes():
    """The folk ids, their exact keys and their interval keys."""
    table = corpus.corpus_table()
    ids = list(table.id[table.collection.isin(FOLK)])
    notes = [corpus.piece_arrays(piece_id) for piece_id in ids]
    exact = [dataset.melody_key(*piece, transposed=True) for piece in notes]
    near = [dataset.interval_key(dataset.top_line(pitches, starts), NEAR_INTERVALS)
            for pitches, starts, _ in notes]
    return ids, exact, near


def print_leaks(name, splits, exact_of, near_of):
    print(f"{name}: " + ", ".join(f"{split} {len(splits[split]):,}" for split in dataset.SPLITS))
    for split in ("valid", "test"):
        n = len(splits[split])
        near = dataset.leak_rate(splits, near_of, split)
        exact = dataset.leak_rate(splits, exact_of, split)
        print(f"  {split:>5}: {round(near * n):4d} of {n} ({near:5.1%}) open with the same "
              f"{NEAR_INTERVALS} intervals as a training tune; {round(exact * n):3d} ({exact:5.1%}) "
              "have its exact notes")


def main():
    start = time.perf_counter()
    ids, exact, near = keys_of_folk_tunes()
    exact_of, near_of = dict(zip(ids, exact)), dict(zip(ids, near))
    print(f"{len(ids):,} folk tunes, keys in {time.perf_counter() - start:.1f} s")
    old = dataset.split_pieces(ids, exact, fractions=(0.9, 0.05, 0.05), seed=0)
    print_leaks("split by the exact key (before)", old, exact_of, near_of)
    start = time.perf_counter()
    new = folk_split()
    print_leaks("split by groups of near-duplicates (folk_split)", new, exact_of, near_of)
    tops = {piece_id: dataset.top_line(*corpus.piece_arrays(piece_id)[:2]) for piece_id in ids}
    for n in (16, 12):  # shorter openings than the split groups by: what is left
        shorter = {piece_id: dataset.interval_key(top, n) for piece_id, top in tops.items()}
        print(f"  with the opening {n} intervals: " + ", ".join(
            f"{split} {dataset.leak_rate(new, shorter, split):.1%}" for split in ("valid", "test")))
    sizes = collections.Counter(dataset.group_pieces(ids, exact, near)).values()
    print(f"  {len(sizes):,} groups; {sum(size > 1 for size in sizes):,} of two or more tunes, "
          f"the largest {max(sizes)}; folk_split took {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
