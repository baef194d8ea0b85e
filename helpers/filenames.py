"""File names made from a learner's text: one rule for every download and saved piece.

A label such as ``"my jig/2"`` or ``"../../x"`` may come from a learner or a
web form. :func:`safe_filename` turns it into a name that stays inside its
folder; :func:`unique_filenames` also makes a list of names distinct, so that
several downloads never overwrite each other. :mod:`helpers.generate` saves
pieces with these names and :func:`helpers.playback.play_all` names its
downloads with them.
"""

import re

MAX_LENGTH = 100  # characters kept from a name


def safe_filename(name, default: str = "piece") -> str:
    """A file name made from user text that stays inside its folder.

    Keeps letters, digits, ``-``, ``_`` and ``.``; every other character
    (``/``, ``\\``, spaces, ...) becomes ``_``; leading dots are removed, so
    ``"../../x"`` becomes ``"_.._x"``, never a path that climbs out.

    Example: ``safe_filename("my jig/2")`` -> ``"my_jig_2"``
    """
    text = re.sub(r"[^A-Za-z0-9._-]", "_", str(name)).lstrip(".")
    return text[:MAX_LENGTH] or default


def unique_filenames(names: list, default: str = "piece") -> list[str]:
    """:func:`safe_filename` of each name, with ``-2``, ``-3``, ... added to repeats.

    Names that differ only in upper and lower case count as repeats, because
    Windows and macOS would save them as the same file.

    Example: ``unique_filenames(["jig", "Jig", "a/b"])`` -> ``["jig", "Jig-2", "a_b"]``
    """
    taken, result = set(), []
    for name in names:
        base = safe_filename(name, default)
        candidate, count = base, 1
        while candidate.lower() in taken:
            count += 1
            suffix = f"-{count}"
            candidate = base[:MAX_LENGTH - len(suffix)] + suffix  # stays within MAX_LENGTH
        taken.add(candidate.lower())
        result.append(candidate)
    return result
