"""Checks for lesson 12, "The studio" (notebooks/easy/12_the_studio.ipynb).

* ``studio-next-name``: the library's name for a new piece, compared with
  :func:`helpers.studio_library.next_name` on the edge cases the exercise
  names (nothing taken, a gap, a repeat in other case, unsafe characters, an
  empty label, a label too long for the suffix) and on random labels and
  folders.
"""

import random

from helpers.check.cases import Case, run_cases
from helpers.check.calling import expect_function
from helpers.check.core import Hint, register
from helpers.filenames import MAX_LENGTH, safe_filename
from helpers.studio_library import next_name

WORDS = ["jig", "Jig", "reel", "slow air", "a fast Irish jig in D", "waltz/2", "../x", "Ländler", "hymn"]


def _taken(rng: random.Random, base: str) -> set:
    """Names already in a folder: some of ``base-1``, ``base-2``, ... in any case, and others."""
    names = {f"{base}-{n}" for n in range(1, rng.randint(1, 6)) if rng.random() < 0.7}
    names = {name.upper() if rng.random() < 0.3 else name for name in names}
    return names | {f"other-{rng.randint(1, 3)}", f"{base}-{rng.randint(7, 9)}"}


def _cut(base: str, number: int) -> str:
    suffix = f"-{number}"
    return base[:MAX_LENGTH - len(suffix)] + suffix


def _case_sensitive(label, taken):
    base, number = safe_filename(label), 1
    while _cut(base, number) in taken:
        number += 1
    return _cut(base, number)


def _after_the_largest(label, taken):
    base = safe_filename(label)
    numbers = [int(name.rsplit("-", 1)[1]) for name in taken
               if name.lower().startswith(_cut(base, 1)[:-2].lower() + "-")
               and name.rsplit("-", 1)[1].isdigit()]
    return _cut(base, max(numbers, default=0) + 1)


def _unsafe(label, taken):
    taken = {name.lower() for name in taken}
    number = 1
    while _cut(label, number).lower() in taken:
        number += 1
    return _cut(label, number)


def _not_cut(label, taken):
    taken = {name.lower() for name in taken}
    base, number = safe_filename(label), 1
    while f"{base}-{number}".lower() in taken:
        number += 1
    return f"{base}-{number}"


MISTAKES = {
    "names that differ only in upper and lower case are the same file on Windows and macOS: "
    "compare them in lower case": _case_sensitive,
    "take the first free number, not one more than the largest (a deleted piece leaves a gap)":
        _after_the_largest,
    "pass the label through safe_filename first: it may hold '/', spaces or '..'": _unsafe,
    f"cut the base so that the name with its suffix stays within MAX_LENGTH ({MAX_LENGTH}) "
    "characters": _not_cut,
}


@register("studio-next-name")
def check_next_name(answer, rng: random.Random) -> None:
    """Lesson 12, exercise 1: ``next_name(label, taken)``. Example: ``check("studio-next-name", next_name)``"""
    expect_function(answer, "next_name")

    def compare(got, expected, case):
        if not isinstance(got, str):
            raise Hint(f"expected the name as a str such as {expected!r}, got {type(got).__name__} {got!r}.")
        if got != expected:
            raise Hint(f"expected {expected!r}, got {got!r}.")

    long = "x" * 120
    cases = [Case(("jig", set()), "nothing taken: the first name ends in -1"),
             Case(("jig", {"jig-1", "jig-3"}), "a gap: -2 is free"),
             Case(("jig", {"JIG-1"}), "the same name in other case is taken"),
             Case(("slow air/2", {"slow_air_2-1"}), "a label with a space and a slash"),
             Case(("", {"piece-1"}), "an empty label is called 'piece'"),
             Case(("../../x", set()), "a label that climbs out of the folder"),
             Case((long, {long[:98] + "-1"}), f"a label longer than {MAX_LENGTH} characters")]
    for _ in range(20):
        label = rng.choice(WORDS) + rng.choice(["", " 2", "!", "_b"])
        cases.append(Case((label, _taken(rng, safe_filename(label)))))
    run_cases(answer, "next_name", cases, next_name, compare, MISTAKES)
