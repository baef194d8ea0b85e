"""Answers for the check of lesson 12: right ones, right ones written differently, wrong ones.

The same layout as check_answers_lesson9.py: each wrong answer comes with a
piece of text its hint must contain. tests/test_check.py runs them.
"""

import itertools

from helpers.filenames import MAX_LENGTH, safe_filename
from helpers.studio_library import next_name


# --- studio-next-name ------------------------------------------------------------------

def _with_count(label, taken):
    lower = [name.lower() for name in taken]
    base = safe_filename(label)
    for number in itertools.count(1):
        suffix = "-" + str(number)
        name = base[:MAX_LENGTH - len(suffix)] + suffix
        if lower.count(name.lower()) == 0:
            return name


def _recursive(label, taken, number=1):
    suffix = f"-{number}"
    name = safe_filename(label)[:MAX_LENGTH - len(suffix)] + suffix
    if name.casefold() in {t.casefold() for t in taken}:
        return _recursive(label, taken, number + 1)
    return name


def _case_sensitive(label, taken):
    base, number = safe_filename(label)[:MAX_LENGTH - 2], 1
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _one_more_than_largest(label, taken):
    base = safe_filename(label)[:MAX_LENGTH - 2]
    numbers = [int(t.rsplit("-", 1)[1]) for t in taken
               if t.lower().startswith(base.lower() + "-") and t.rsplit("-", 1)[1].isdigit()]
    return f"{base}-{max(numbers, default=0) + 1}"


def _not_safe(label, taken):
    lower, number = {t.lower() for t in taken}, 1
    while f"{label}-{number}".lower() in lower:
        number += 1
    return f"{label}-{number}"


def _never_cut(label, taken):
    lower, base, number = {t.lower() for t in taken}, safe_filename(label), 1
    while f"{base}-{number}".lower() in lower:
        number += 1
    return f"{base}-{number}"


def _from_zero(label, taken):
    lower, base, number = {t.lower() for t in taken}, safe_filename(label)[:MAX_LENGTH - 2], 0
    while f"{base}-{number}".lower() in lower:
        number += 1
    return f"{base}-{number}"


def _adds_to_taken(label, taken):
    name = next_name(label, taken)
    taken.add(name)                      # remembers it in the caller's set: changes the input
    return name


def _copied_from_a_hint(label, taken):
    return "jig-1"


def _no_return(label, taken):
    next_name(label, taken)


RIGHT = {"studio-next-name": next_name}
ALSO_RIGHT = {"studio-next-name": [_with_count, _recursive]}
WRONG = {"studio-next-name": [
    (_case_sensitive, "compare them in lower case"),
    (_one_more_than_largest, "the first free number"),
    (_not_safe, "safe_filename"),
    (_never_cut, "MAX_LENGTH"),
    (_from_zero, "expected 'jig-1', got 'jig-0'"),
    (_adds_to_taken, "changed"),
    (_copied_from_a_hint, "expected"),
    (_no_return, "got NoneType None"),
]}
