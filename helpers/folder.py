"""Load any folder of MIDI files into NoteSequences, skipping what cannot be read.

Real MIDI collections hold broken files: empty ones, text files renamed
``.mid``, truncated downloads, corrupt bytes, files with no notes at all. A
dataset builder must not stop at the first of them, and must not hide them
either. :func:`load_folder` loads every readable file and lists every other one
in a report, with the reason, so that you can look at it (lesson 2,
"Building a dataset")::

    pieces, report = load_folder("my_midi")
    print(load_summary(pieces, report))   # loaded 12 of 15 files; 3 skipped; 2 passed over
    report                                # one row per file not loaded: file, reason, size

The report also lists what the folder holds that looks like music but is not
loaded, with a reason that starts with "passed over": ABC and MusicXML files
(read them with :func:`helpers.notes.load`), folders named like MIDI files,
and named pipes or devices with a MIDI name (reading one could wait forever).

``pieces`` is a list of NoteSequences; each one's ``filename`` is its path
relative to the folder (for example ``"bach/prelude.mid"``), so that you can
always tell where a piece came from.

Many files load in parallel, one worker process per CPU core. A NoteSequence
travels back from a worker as its serialized bytes (``SerializeToString``),
never pickled, and is rebuilt with ``NoteSequence.FromString``.

A folder that does not exist, or a path that is a file, raises
:class:`helpers.errors.ReadError` (a ``ValueError``), the same error as
``load_midi`` for a missing file.
"""

import os
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING

from helpers.errors import ReadError
from helpers.notes import (ABC_SUFFIXES, MIDI_SUFFIXES, MUSICXML_SUFFIXES, file_problem,
                           load_midi, note_seq)

if TYPE_CHECKING:  # for the type hints only: pandas is imported when a report is made
    import pandas as pd

# Below this many files, starting worker processes costs more than it saves.
MIN_FILES_FOR_PROCESSES = 32
# Files handed to a worker at a time: fewer messages between processes.
BATCH_SIZE = 16
REPORT_COLUMNS = ["file", "reason", "size"]
PASSED_OVER = "passed over: "  # how the reasons for entries that were not even tried begin
NOT_MIDI = {suffix: "an ABC file" for suffix in ABC_SUFFIXES} | {
    suffix: "a MusicXML file" for suffix in MUSICXML_SUFFIXES}


def scan_folder(folder, recursive: bool = True) -> tuple[list[Path], list[dict]]:
    """The MIDI files in ``folder`` to load, and report rows for the entries passed over.

    MIDI files are regular files named .mid, .midi or .kar (in any case),
    sorted. Passed over, each with a reason: ABC and MusicXML files, folders
    named like MIDI files, and MIDI-named entries that are no regular file (a
    named pipe, a device, a broken link). Other files (.txt, .jpg) are
    ignored. Raises ReadError when ``folder`` does not exist or is a file.
    Example: ``files, passed_over = scan_folder("my_midi")``
    """
    folder = Path(folder)
    if not folder.exists():
        raise ReadError(folder, "no such folder")
    if not folder.is_dir():
        raise ReadError(folder, "this is a file, not a folder (use load_midi for one file)")
    found, passed = [], []
    for here, dirs, names in os.walk(folder):
        for name in sorted(dirs):
            if Path(name).suffix.lower() in MIDI_SUFFIXES:
                inside = "; the MIDI files inside it are loaded" if recursive else ""
                passed.append(_row(folder, Path(here) / name, "a folder named like a MIDI file, "
                                   f"not a MIDI file{inside}"))
        for name in sorted(names):
            path, suffix = Path(here) / name, Path(name).suffix.lower()
            if suffix in NOT_MIDI:
                passed.append(_row(folder, path, f"{NOT_MIDI[suffix]}: load_folder reads MIDI "
                                   "files only (read this one with helpers.notes.load)", size=True))
            elif suffix in MIDI_SUFFIXES:
                problem = file_problem(path)
                if problem:
                    passed.append(_row(folder, path, problem))
                else:
                    found.append(path)
        if not recursive:
            break
    return sorted(found), sorted(passed, key=lambda row: row["file"])


def _row(root, path, reason, size=False):
    """A report row for an entry passed over; ``size``: give the file's size in bytes."""
    return {"file": path.relative_to(root).as_posix(), "reason": PASSED_OVER + reason,
            "size": _size(path) if size else None}


def find_midi_files(folder, recursive: bool = True) -> list[Path]:
    """The MIDI files in ``folder`` (regular files named .mid, .midi, .kar in any case), sorted.

    With ``recursive=True`` subfolders are searched too. Raises ReadError when
    ``folder`` does not exist or is a file. :func:`scan_folder` also says what
    was passed over.
    Example: ``find_midi_files("my_midi")`` -> ``[Path("my_midi/a.mid"), ...]``
    """
    return scan_folder(folder, recursive)[0]


def load_one_file(path, name: str) -> tuple[str, bytes | None, str | None]:
    """Load one MIDI file safely: returns ``(name, data, reason)``.

    ``data`` is the NoteSequence serialized to bytes (``reason`` is None), or
    None when the file is skipped (``reason`` says why). This function never
    raises: whatever the file holds, the caller gets an answer. Warnings are
    silenced, because broken files trigger many and they would drown the
    report. ``name`` becomes the sequence's ``filename``.
    Example: ``load_one_file("x/empty.mid", "empty.mid")`` -> ``("empty.mid", None, "the file is empty ...")``
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            seq = load_midi(path)
            if len(seq.notes) == 0:
                return name, None, "no notes (the file holds only tempo, meta or controller events)"
            seq.filename = name
            return name, seq.SerializeToString(), None
    except ReadError as err:
        return name, None, err.reason
    except Exception as err:  # anything else a strange file can trigger
        return name, None, f"unexpected error ({type(err).__name__}: {err})"


def _load_batch(items):
    """Worker-process task: load a few ``(path, name)`` pairs with load_one_file."""
    return [load_one_file(path, name) for path, name in items]


def _batches(items, size):
    return [items[start:start + size] for start in range(0, len(items), size)]


def _progress_bar(total, progress, desc):
    from tqdm.auto import tqdm

    return tqdm(total=total, disable=not progress, desc=desc, unit="file")


def _load_in_this_process(items, bar):
    results = []
    for path, name in items:
        results.append(load_one_file(path, name))
        bar.update(1)
    return results


def _load_in_processes(items, workers, bar):
    """Load in worker processes; if a worker dies, report its unfinished files."""
    results = []
    # fresh ("spawn") workers: forking a Jupyter kernel, which runs threads, can hang
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        futures = {pool.submit(_load_batch, batch): batch for batch in _batches(items, BATCH_SIZE)}
        for future in as_completed(futures):
            batch = futures[future]
            try:
                results += future.result()
            except BrokenProcessPool:
                reason = ("not loaded: a worker process crashed (out of memory?); "
                          "try again with workers=1")
                results += [(name, None, reason) for _, name in batch]
            bar.update(len(batch))
    return results


def load_files(files, root, workers: int | None = None, progress: bool = True,
               desc: str = "loading MIDI") -> tuple[list, "pd.DataFrame"]:
    """Load a list of MIDI files: returns ``(pieces, report)`` like :func:`load_folder`.

    Each piece's ``filename`` is its path relative to ``root``. ``workers`` is
    the number of worker processes (None: one per CPU core; 1: load here,
    without processes). :mod:`helpers.lakh` loads a genre with this function.
    Example: ``pieces, report = load_files(["a/x.mid", "a/y.mid"], "a", workers=1)``
    """
    root = Path(root)
    items = [(str(path), Path(path).relative_to(root).as_posix()) for path in files]
    if workers is None:
        workers = os.cpu_count() or 1
    note_seq()  # import it here, once (each worker process imports it too)
    with _progress_bar(len(items), progress, desc) as bar:
        if workers > 1 and len(items) >= MIN_FILES_FOR_PROCESSES:
            results = _load_in_processes(items, workers, bar)
        else:
            results = _load_in_this_process(items, bar)
    return _pieces_and_report(items, results)


def _pieces_and_report(items, results):
    """Rebuild the NoteSequences in the order of ``items``; list the skipped files."""
    NoteSequence = note_seq().NoteSequence
    by_name = {name: (data, reason) for name, data, reason in results}
    pieces, skipped = [], []
    for path, name in items:
        data, reason = by_name[name]
        if data is not None:
            pieces.append(NoteSequence.FromString(data))
        else:
            skipped.append({"file": name, "reason": reason, "size": _size(path)})
    return pieces, make_report(skipped)


def _size(path):
    """File size in bytes, or None when it cannot be known (e.g. a missing file)."""
    try:
        return os.path.getsize(path)
    except OSError:
        return None


def make_report(rows: list[dict]) -> "pd.DataFrame":
    """A report table (columns file, reason, size in bytes) from a list of dicts.

    Example: ``make_report([{"file": "a.mid", "reason": "empty", "size": 0}])``
    """
    import pandas as pd

    # Int64: whole numbers of bytes, with <NA> where a size cannot be known
    return pd.DataFrame(rows, columns=REPORT_COLUMNS).astype({"size": "Int64"})


def load_summary(pieces: list, report: "pd.DataFrame") -> str:
    """One line of counts: MIDI files loaded and skipped, then entries passed over (if any).

    Example: ``load_summary(pieces, report)`` -> ``"loaded 12 of 15 files; 3 skipped; 2 passed over"``
    """
    passed = int(report["reason"].str.startswith(PASSED_OVER).sum()) if len(report) else 0
    skipped = len(report) - passed
    line = f"loaded {len(pieces)} of {len(pieces) + skipped} files; {skipped} skipped"
    return line + (f"; {passed} passed over (see the report)" if passed else "")


def load_folder(folder, recursive: bool = True, workers: int | None = None,
                progress: bool = True, limit: int | None = None) -> tuple[list, "pd.DataFrame"]:
    """Load every MIDI file in ``folder``: returns ``(pieces, report)``.

    * ``pieces``: a list of NoteSequences, in sorted file order, each with
      ``filename`` set to its path relative to ``folder``.
    * ``report``: a pandas DataFrame with one row per skipped file (columns
      ``file``, ``reason``, ``size`` in bytes): empty, non-MIDI, corrupt and
      truncated files, and files without notes; then one row per entry
      passed over (reason "passed over: ..."; see :func:`scan_folder`).

    ``recursive``: search subfolders too. ``workers``: worker processes (None:
    one per CPU core; 1: none). ``progress``: show a progress bar, then print
    :func:`load_summary`. ``limit``: load only the first ``limit`` files, to
    try things out on a big folder.

    Never stops on a bad file. Raises ReadError only when ``folder`` itself is
    missing or is a file.
    Example: ``pieces, report = load_folder("my_midi")``
    """
    folder = Path(folder).expanduser()
    files, passed_over = scan_folder(folder, recursive=recursive)
    if limit is not None:
        files = files[:limit]
    pieces, report = load_files(files, folder, workers=workers, progress=progress)
    report = make_report(report.to_dict("records") + passed_over)
    if progress:
        print(load_summary(pieces, report))
        if not files:
            print(f"no MIDI files ({', '.join(MIDI_SUFFIXES)}) in {folder}")
    return pieces, report
