"""Which files of music21's corpus the course reads, and which tunes it skips.

music21 ships some of O'Neill's *Music of Ireland* twice: files whose tune
ranges overlap (0626-0635 inside 0626-0700, 1556-1576 and 1577-1624 inside
1556-1624, 1710-1750 inside 1701-1780), two transcriptions of 0732-0758 and
of 1116-1135 (``_bs``, ``_mh``, ``_ml``: the transcribers' initials), and
single tunes at the ends of neighbouring files. Read as they are, they give
2,009 rows for a book of 1,850 tunes, and a tune in the training set may
have its twin in the test set. The corpus reads each tune once: the tunes
in :data:`ONEILLS_REPEATED_FILES` and :data:`ONEILLS_REPEATED_TUNES` are
skipped (the manifest counts them), which leaves 1,839 of O'Neill's tunes
(the book's numbers 573, 589, 620-624 and 1371-1374 are not in music21).
"""

import re
from importlib import metadata, util
from pathlib import Path

from helpers.corpus.abc_fields import header_fields, split_tunes
from helpers.corpus.layout import FOLK_FOLDERS

# File -> why it is skipped (the file that is read instead is named).
ONEILLS_REPEATED_FILES = {
    "0626-0635.abc": "tunes 626-635 again: 0626-0700.abc has them (and 626 in its written 4/4, not 3/4)",
    "0732-0758_bs.abc": "a second transcription of tunes 732-758: 0732-0758_mh.abc is read",
    "1116-1135_ml.abc": "a second transcription of tunes 1116-1135: 1116-1135_mh.abc is read",
    "1556-1576.abc": "tunes 1556-1576 again: 1556-1624.abc has them",
    "1577-1624.abc": "tunes 1577-1624 again: 1556-1624.abc has them",
    "1710-1750.abc": "tunes 1710-1750 again: 1701-1780.abc has them",
}
# (file, X: number) -> why that one tune is skipped.
ONEILLS_REPEATED_TUNES = {
    ("0550-0625.abc", 550): "tune 550 again: 0501-0550.abc ends with it",
    ("0981-1000.abc", 981): "tune 981 again: 0951-0981.abc ends with it",
    ("1031-1115.abc", 1031): "tune 1031 again: 1001-1031.abc ends with it",
    ("1701-1780.abc", 1781): "X:1781 here is tune 1780 again, Caroline O'Neill's Hornpipe (its B: "
                             "says O'Neill's 1780); tune 1781 is in 1781-1800.abc",
}


def music21_corpus_dir() -> Path:
    """The ``corpus`` folder inside the installed music21 package.

    ``find_spec`` locates music21 without importing it (an import takes 0.5 s).
    Example: ``music21_corpus_dir() / "oneills1850"``
    """
    spec = util.find_spec("music21")
    if spec is None:
        raise ModuleNotFoundError("music21 is not installed: run `python -m helpers doctor`")
    return Path(spec.origin).parent / "corpus"


def library_versions() -> dict[str, str]:
    """The versions that decide whether a cached corpus is still valid.

    Example: ``library_versions()["music21"]`` -> ``"10.5.1"``
    """
    return {name: metadata.version(name) for name in ("music21", "symusic", "note-seq")}


def repeat_reason(source: str, number: int) -> str:
    """Why the tune ``X:number`` of ``source`` is skipped as a repeat (``""`` when it is read).

    Example: ``repeat_reason("oneills1850/1710-1750.abc", 1712)`` -> ``"tunes 1710-1750 again: ..."``
    """
    folder, _, name = source.partition("/")
    if folder != FOLK_FOLDERS["oneills"]:
        return ""
    return ONEILLS_REPEATED_FILES.get(name) or ONEILLS_REPEATED_TUNES.get((name, number), "")


def x_number(tune: str) -> int:
    """The number of a tune's ``X:`` field (-1 when it has none).

    Example: ``x_number("X: 565\\nT:Fragrant Blossoms")`` -> ``565``
    """
    digits = re.match(r"\d+", header_fields(tune).get("X", ""))
    return int(digits.group()) if digits else -1


def folk_files(limit_files: int | None = None) -> list[tuple[str, Path]]:
    """Every ABC file of the folk collections: ``[(collection, path), ...]``.

    music21's ``essenFolksong/test*.abc`` are left out: they are its parser's
    test files, copies of real Essen tunes with their regions changed (a
    German song marked "Irland"). ``limit_files`` keeps the smallest files of
    each collection, for a quick test build.
    Example: ``folk_files(1)[0][0]`` -> ``"essen"``
    """
    root = music21_corpus_dir()
    files = []
    for collection, folder in FOLK_FOLDERS.items():
        paths = sorted(p for p in (root / folder).glob("*.abc") if not p.name.startswith("test"))
        if limit_files is not None:
            paths = sorted(paths, key=lambda p: (p.stat().st_size, p.name))[:limit_files]
        files += [(collection, path) for path in paths]
    return files


def read_tunes(path: Path) -> list[tuple[int, str]]:
    """The tunes of one ABC file, numbered from 1 in file order: ``[(index, text), ...]``.

    Example: ``read_tunes(music21_corpus_dir() / "ryansMammoth/AcaciaReel.abc")[0][0]`` -> ``1``
    """
    text = path.read_bytes().decode("utf-8", errors="replace")
    return list(enumerate(split_tunes(text), start=1))


def folk_tasks(limit_files: int | None = None) -> list[tuple[str, str, list]]:
    """One task per ABC file: ``(collection, source, [(index, tune), ...])``, repeats left out.

    ``source`` is the path inside music21's corpus. The index is the tune's
    place in its file, counted before repeats are left out, so ids stay put.
    Example: ``folk_tasks(1)[0][1]`` -> ``"essenFolksong/..."``
    """
    root = music21_corpus_dir()
    tasks = []
    for collection, path in folk_files(limit_files):
        source = path.relative_to(root).as_posix()
        tunes = [(index, tune) for index, tune in read_tunes(path)
                 if not repeat_reason(source, x_number(tune))]
        if tunes:
            tasks.append((collection, source, tunes))
    return tasks


def repeated_tunes(limit_files: int | None = None) -> list[dict]:
    """The tunes :func:`folk_tasks` leaves out, each with its source, ``X:`` number and reason.

    Example: ``len(repeated_tunes())`` -> ``170``
    """
    root = music21_corpus_dir()
    skipped = []
    for _, path in folk_files(limit_files):
        source = path.relative_to(root).as_posix()
        if not source.startswith(FOLK_FOLDERS["oneills"]):
            continue
        for _, tune in read_tunes(path):
            reason = repeat_reason(source, x_number(tune))
            if reason:
                skipped.append({"source": source, "x": x_number(tune), "reason": reason})
    return skipped
