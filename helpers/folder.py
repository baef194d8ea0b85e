"""Load any folder of MIDI files into NoteSequences, skipping what cannot be read.

Real MIDI collections hold broken files: empty ones, text files renamed
``.mid``, truncated downloads, corrupt bytes, files with no notes at all. A
dataset builder must not stop at the first of them, and must not hide them
either. :func:`load_folder` loads every readable file and lists every other one
in a report, with the reason, so that you can look at it (lesson 2,
"Building a dataset")::

    pieces, report = load_folder("my_midi")
    print(load_summary(pieces, report))   # loaded 12 of 15 files; 3 skipped
    report                                # one row per skipped file: file, reason, size

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
from pathlib import Path

from helpers.errors import ReadError
from helpers.notes import MIDI_SUFFIXES, load_midi, note_seq

# Below this many files, starting worker processes costs more than it saves.
MIN_FILES_FOR_PROCESSES = 32
# Files handed to a worker at a time: fewer messages between processes.
BATCH_SIZE = 16
REPORT_COLUMNS = ["file", "reason", "size"]


def find_midi_files(folder, recursive=True):
    """The MIDI files in ``folder`` (.mid, .midi, .kar in any case), sorted.

    With ``recursive=True`` subfolders are searched too. Raises ReadError when
    ``folder`` does not exist or is a file.
    """
    folder = Path(folder)
    if not folder.exists():
        raise ReadError(folder, "no such folder")
    if not folder.is_dir():
        raise ReadError(folder, "this is a file, not a folder (use load_midi for one file)")
    found = []
    for here, _, names in os.walk(folder):
        found += [Path(here) / name for name in names
                  if Path(name).suffix.lower() in MIDI_SUFFIXES]
        if not recursive:
            break
    return sorted(found)


def load_one_file(path, name):
    """Load one MIDI file safely: returns ``(name, data, reason)``.

    ``data`` is the NoteSequence serialized to bytes (``reason`` is None), or
    None when the file is skipped (``reason`` says why). This function never
    raises: whatever the file holds, the caller gets an answer. Warnings are
    silenced, because broken files trigger many and they would drown the
    report. ``name`` becomes the sequence's ``filename``.
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
    with ProcessPoolExecutor(max_workers=workers) as pool:
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


def load_files(files, root, workers=None, progress=True, desc="loading MIDI"):
    """Load a list of MIDI files: returns ``(pieces, report)`` like :func:`load_folder`.

    Each piece's ``filename`` is its path relative to ``root``. ``workers`` is
    the number of worker processes (None: one per CPU core; 1: load here,
    without processes). :mod:`helpers.lakh` loads a genre with this function.
    """
    root = Path(root)
    items = [(str(path), Path(path).relative_to(root).as_posix()) for path in files]
    if workers is None:
        workers = os.cpu_count() or 1
    note_seq()  # import it here, once: forked workers inherit it
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


def make_report(rows):
    """A report table (columns file, reason, size in bytes) from a list of dicts."""
    import pandas as pd

    return pd.DataFrame(rows, columns=REPORT_COLUMNS)


def load_summary(pieces, report):
    """One line of counts, e.g. ``"loaded 12 of 15 files; 3 skipped"``."""
    total = len(pieces) + len(report)
    return f"loaded {len(pieces)} of {total} files; {len(report)} skipped"


def load_folder(folder, recursive=True, workers=None, progress=True, limit=None):
    """Load every MIDI file in ``folder``: returns ``(pieces, report)``.

    * ``pieces``: a list of NoteSequences, in sorted file order, each with
      ``filename`` set to its path relative to ``folder``.
    * ``report``: a pandas DataFrame with one row per skipped file (columns
      ``file``, ``reason``, ``size`` in bytes): empty, non-MIDI, corrupt and
      truncated files, and files without notes.

    ``recursive``: search subfolders too. ``workers``: worker processes (None:
    one per CPU core; 1: none). ``progress``: show a progress bar, then print
    :func:`load_summary`. ``limit``: load only the first ``limit`` files, to
    try things out on a big folder.

    Never stops on a bad file. Raises ReadError only when ``folder`` itself is
    missing or is a file.
    """
    folder = Path(folder).expanduser()
    files = find_midi_files(folder, recursive=recursive)
    if limit is not None:
        files = files[:limit]
    pieces, report = load_files(files, folder, workers=workers, progress=progress)
    if progress:
        print(load_summary(pieces, report))
        if not files:
            print(f"no MIDI files ({', '.join(MIDI_SUFFIXES)}) in {folder}")
    return pieces, report
