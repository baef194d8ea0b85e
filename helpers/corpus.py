"""The course's corpus: about 11,500 folk tunes and 365 Bach chorales.

Lesson 2 (``notebooks/easy/02_building_a_dataset.ipynb``) explores it, and
the later lessons train on it. The music comes from the corpus that ships
inside the music21 package, read from where music21 is installed (the Essen
licence allows use within music21 only, so the files are never copied):

* ``essenFolksong/*.abc``: the Essen folk songs (German, Chinese and other
  European songs; region in ``O:``, song type in ``R:``);
* ``oneills1850/*.abc``: O'Neill's *Music of Ireland* (1903), 1,850 airs and
  dance tunes, some transcribed twice;
* ``ryansMammoth/*.abc``: Ryan's Mammoth Collection (1883), reels, jigs,
  hornpipes, ...;
* ``bach/*.mxl``: the Bach chorales with exactly four parts (soprano, alto,
  tenor, bass).

:func:`build_corpus` parses everything once (20 to 40 seconds on 2 cores)
and keeps the result in ``cache_dir() / "corpus"``:

* ``pieces.csv``: one row per piece (:data:`COLUMNS`), read by :func:`corpus_table`;
* ``notes.npz``: every note of every piece as flat integer arrays, times in
  ticks at 480 per quarter note, read by :func:`corpus_arrays`;
* ``failures.csv``: the tunes that could not be read, and why;
* ``manifest.json``: versions, counts and timings; the cache is rebuilt when
  :data:`FORMAT_VERSION` or the music21 version changes.

ABC tunes are parsed with symusic (about 18 times faster than music21's own
parser, see ``benchmarks/corpus_build.py``), MusicXML with note-seq, in
parallel worker processes. No pickle touches the disk: CSV, JSON and ``.npz``
loaded with ``allow_pickle=False``.
"""

import contextlib
import json
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import datetime, timezone
from importlib import metadata, util
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from helpers.paths import cache_dir, write_atomic

FORMAT_VERSION = 1  # bump when the files' layout or content changes
TPQ = 480  # ticks per quarter note in notes.npz

FOLK_FOLDERS = {"essen": "essenFolksong", "oneills": "oneills1850", "ryans": "ryansMammoth"}
COLLECTIONS = ("essen", "oneills", "ryans", "chorales")
COLUMNS = ["id", "collection", "title", "region", "country", "type", "meter", "key",
           "n_notes", "beats", "lowest", "highest", "qpm", "source", "tune"]
NOTE_ARRAYS = ("pitch", "start", "end", "velocity", "voice")
VOICES = ("Soprano", "Alto", "Tenor", "Bass")  # the chorales' voices 0..3 (instruments)


# --- where things are --------------------------------------------------------

def music21_corpus_dir():
    """The ``corpus`` folder inside the installed music21 package.

    ``find_spec`` locates music21 without importing it (an import takes 0.5 s).
    """
    spec = util.find_spec("music21")
    if spec is None:
        raise ModuleNotFoundError("music21 is not installed: run `python -m helpers doctor`")
    return Path(spec.origin).parent / "corpus"


def corpus_dir():
    """The folder of the built corpus: ``cache_dir() / "corpus"``."""
    return cache_dir() / "corpus"


def library_versions():
    """The versions that decide whether a cached corpus is still valid."""
    return {name: metadata.version(name) for name in ("music21", "symusic", "note-seq")}


# --- ABC files: tunes and their header fields --------------------------------

def split_tunes(text):
    """Split the text of an ABC file into tunes, one per ``X:`` line."""
    parts = re.split(r"(?m)^(?=X:)", text)
    return [part for part in parts if part.startswith("X:")]


def header_fields(tune):
    """The header fields of one ABC tune, e.g. ``{"T": "Acacia -- Reel", "K": "G"}``.

    The header runs from ``X:`` to the first ``K:`` line; when a field appears
    twice (a subtitle ``T:``), the first one counts.
    """
    fields = {}
    for line in tune.splitlines():
        match = re.match(r"([A-Za-z]):(.*)", line)
        if match:
            fields.setdefault(match.group(1), clean_field(match.group(2)))
            if match.group(1) == "K":
                break
    return fields


def clean_field(value):
    """Strip a field's spaces, its ``%`` comment and the stray ``]`` of the Essen files."""
    value = value.split("%")[0].strip()
    return value.rstrip("]").strip()


def clean_meter(value):
    """A meter as a fraction: ``"6/8"``; ``C`` is ``4/4``, ``C|`` is ``2/2``, ``none`` is ``""``."""
    if value.startswith("C|"):
        return "2/2"
    if value.startswith("C"):
        return "4/4"
    match = re.search(r"\d+/\d+", value)
    return match.group(0) if match else ""


MODE_NAMES = {"": "", "m": "m", "min": "m", "minor": "m", "maj": "", "major": "", "ion": ""}


def clean_key(value):
    """An ABC key in one spelling: ``"D"``, ``"Am"``, ``"Ador"``, ``"Gmix"``.

    The files write the same key several ways (``Amin``, ``AMix``, ``A Mix``).
    """
    match = re.match(r"([A-G][#b]?)\s*([A-Za-z]*)", value)
    if not match:
        return value
    tonic, mode = match.group(1), match.group(2).lower()
    return tonic + MODE_NAMES.get(mode, mode[:3])


CONTINENTS = {"europa", "mitteleuropa", "osteuropa", "suedosteuropa", "nordeuropa",
              "suedeuropa", "westeuropa", "asien", "ostasien", "amerika", "mittelamerika",
              "nord - amerika", "sued - amerika"}


def country_of(region):
    """The country of an Essen region: the first part that is not a continent.

    ``"China, Shaanxi, Zizhou"`` -> ``"China"``;
    ``"Europa, Mitteleuropa, Deutschland (BRD)"`` -> ``"Deutschland"``.
    """
    for part in region.split(","):
        part = re.split(r"[;/(]", part)[0].strip()
        if part and part.lower() not in CONTINENTS:
            return part
    return ""


TYPE_SYNONYMS = {"slipjig": "slip jig", "fling": "highland fling", "walk around": "walkaround"}
DANCE_TYPES = ("slip jig", "highland fling", "double jig", "hornpipe", "strathspey", "reel",
               "jig", "clog", "walkaround", "waltz", "polka", "march", "essence")


def normalise_type(text):
    """A dance type in one spelling: ``"R:Reel"`` and ``"R: reel"`` -> ``"reel"``."""
    text = re.sub(r"[^a-z]+", " ", text.lower()).strip()
    return TYPE_SYNONYMS.get(text, text)


def type_from_title(title):
    """The dance type named in a title, e.g. ``"CAMP MEETING -- JIG."`` -> ``"jig"``."""
    text = normalise_type(title)
    for words, synonym in TYPE_SYNONYMS.items():
        text = text.replace(words, synonym)
    for dance in DANCE_TYPES:
        if re.search(rf"\b{dance}\b", text):
            return dance
    return ""


# Sections of O'Neill's Music of Ireland by tune number (the X: field). More
# than half of the files have no R: field; their type is their section's.
ONEILLS_SECTIONS = [
    (700, "air"),  # 1-625 airs and songs, 626-700 O'Carolan's tunes
    (1115, "double jig"),
    (1175, "slip jig"),
    (1555, "reel"),
    (1800, "hornpipe"),  # 1701-1800 long dances, marked "hornpipe" where R: is given
    (1850, "march"),
]


def oneills_section(number):
    """The type of O'Neill's tune ``number`` from its section of the book."""
    for last, kind in ONEILLS_SECTIONS:
        if number <= last:
            return kind
    return ""


def tune_type(collection, fields, number):
    """The ``type`` column: the song or dance type of one tune.

    Essen: the ``R:`` field as written (German, e.g. "Liebes - Lied"; its
    "???" becomes ""). O'Neill's: ``R:`` normalised, else the book's section.
    Ryan's: ``R:`` normalised, else the dance named in the title.
    """
    given = fields.get("R", "")
    if collection == "essen":
        return given.strip("? ")
    if given:
        return normalise_type(given)
    if collection == "oneills":
        return oneills_section(number)
    return type_from_title(fields.get("T", ""))


def tune_row(collection, source, index, tune):
    """The metadata row of one tune, before its notes are known."""
    fields = header_fields(tune)
    digits = re.match(r"\d+", fields.get("X", ""))
    number = int(digits.group()) if digits else index
    stem = Path(source).stem
    # Essen and O'Neill's files hold hundreds of tunes; Ryan's one or two.
    position = str(index) if collection == "ryans" else f"{index:04d}"
    region = fields.get("O", "")
    return {
        "id": f"{collection}/{stem}/{position}",
        "collection": collection,
        "title": fields.get("T", ""),
        "region": region,
        "country": country_of(region),
        "type": tune_type(collection, fields, number),
        "meter": clean_meter(fields.get("M", "")),
        "key": clean_key(fields.get("K", "")),
        "source": source,
        "tune": number,
    }


# --- parsing in worker processes ---------------------------------------------

@contextlib.contextmanager
def captured_output():
    """Send everything written to file descriptors 1 and 2 to a temporary file.

    symusic runs the abc2midi program, which prints its warnings straight to
    the terminal, below Python's ``sys.stdout``; only redirecting the file
    descriptors themselves (``os.dup2``) catches them. Yields the file's
    descriptor; read it with :func:`take_output`.
    """
    with tempfile.TemporaryFile() as capture:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        saved = [os.dup(1), os.dup(2)]
        os.dup2(capture.fileno(), 1)
        os.dup2(capture.fileno(), 2)
        try:
            yield capture.fileno()
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def take_output(fd):
    """What was written to the capture file since the last call; empties it."""
    size = os.lseek(fd, 0, os.SEEK_END)
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, size).decode("utf-8", errors="replace") if size else ""
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    return " ".join(text.split())


def parse_abc_tune(tune):
    """The notes of one ABC tune as integer arrays, and its tempo (qpm).

    ``%%MIDI gchordoff`` stops abc2midi from adding chord and bass tracks for
    the chord symbols ("A MINOR") written above some tunes: the melody stays.
    abc2midi starts every note one tick late (its ends are exact), so starts
    move back one tick. Raises whatever symusic raises.
    """
    import symusic

    first_line, _, rest = tune.partition("\n")
    score = symusic.Score.from_abc(f"{first_line}\n%%MIDI gchordoff\n{rest}")
    tracks = [track.notes.numpy() for track in score.tracks]
    start = concat([t["time"] for t in tracks])
    end = start + concat([t["duration"] for t in tracks])
    notes = {
        "pitch": concat([t["pitch"] for t in tracks]),
        "start": np.maximum(start - 1, 0) * TPQ // score.tpq,
        "end": end * TPQ // score.tpq,
        "velocity": concat([t["velocity"] for t in tracks]),
        "voice": concat([np.full(len(t["pitch"]), i) for i, t in enumerate(tracks)]),
    }
    qpm = round(score.tempos[0].qpm, 3) if len(score.tempos) else 120.0
    return sort_notes(notes), float(qpm)


def concat(arrays):
    """Join integer arrays end to end (an empty list gives an empty array)."""
    return np.concatenate([np.asarray(a, dtype=np.int64) for a in arrays] + [np.zeros(0, np.int64)])


def sort_notes(notes):
    """Notes in time order (then voice, then pitch), as compact integer arrays."""
    order = np.lexsort((notes["pitch"], notes["voice"], notes["start"]))
    dtypes = {"pitch": np.int16, "start": np.int64, "end": np.int64,
              "velocity": np.int16, "voice": np.int16}
    return {name: np.asarray(notes[name])[order].astype(dtypes[name]) for name in NOTE_ARRAYS}


def note_stats(notes):
    """The columns that come from the notes: n_notes, beats, lowest, highest."""
    return {
        "n_notes": len(notes["pitch"]),
        "beats": round(float(notes["end"].max()) / TPQ, 4),
        "lowest": int(notes["pitch"].min()),
        "highest": int(notes["pitch"].max()),
    }


def parse_abc_file(collection, source, tunes):
    """Parse the tunes of one ABC file (runs in a worker process).

    ``tunes`` is a list of ``(index, text)``. Returns ``{"rows", "notes",
    "failures"}``: a row per tune read, their notes one after another, and a
    failure (with the reason and abc2midi's messages) per tune that raised or
    gave no notes. Nothing reaches the learner's screen.
    """
    result = {"rows": [], "notes": [], "failures": []}
    with captured_output() as fd:
        for index, tune in tunes:
            row = tune_row(collection, source, index, tune)
            try:
                notes, row["qpm"] = parse_abc_tune(tune)
                problem = "" if len(notes["pitch"]) else "no notes"
            except Exception as err:  # symusic raises RuntimeError, ValueError, ...
                problem = f"{type(err).__name__}: {err}"
            messages = take_output(fd)
            if problem:
                reason = f"{problem}; abc2midi says: {messages[:500]}" if messages else problem
                result["failures"].append({"id": row["id"], "source": source, "tune": row["tune"],
                                           "title": row["title"], "reason": reason})
                continue
            row.update(note_stats(notes))
            result["rows"].append(row)
            result["notes"].append(notes)
    return result


MAJOR_KEYS = ["Cb", "Gb", "Db", "Ab", "Eb", "Bb", "F", "C", "G", "D", "A", "E", "B", "F#", "C#"]
MINOR_KEYS = ["Abm", "Ebm", "Bbm", "Fm", "Cm", "Gm", "Dm", "Am", "Em", "Bm", "F#m", "C#m",
              "G#m", "D#m", "A#m"]  # both indexed by the number of sharps + 7


def musicxml_text(path):
    """The XML text of a MusicXML file, compressed (``.mxl``) or not."""
    import zipfile

    if path.suffix != ".mxl":
        return path.read_text(encoding="utf-8", errors="replace")
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist()
                    if n.endswith((".xml", ".musicxml")) and not n.startswith("META-INF"))
        return archive.read(name).decode("utf-8", errors="replace")


def musicxml_key(text):
    """The first key in MusicXML text, e.g. ``"F#m"``, or ``""`` when it has none.

    Read from the XML itself: note-seq 0.0.5 reads every key as major.
    """
    fifths = re.search(r"<fifths>\s*(-?\d+)\s*</fifths>", text)
    if not fifths:
        return ""
    mode = re.search(r"<mode>\s*(\w+)\s*</mode>", text)
    names = MINOR_KEYS if mode and mode.group(1) == "minor" else MAJOR_KEYS
    return names[int(fifths.group(1)) + 7]


def main_meter(seq):
    """The time signature in force for longest, e.g. ``"4/4"`` (a pickup bar may differ)."""
    signatures = list(seq.time_signatures)
    if not signatures:
        return ""
    ends = [s.time for s in signatures[1:]] + [seq.total_time]
    longest = max(zip(signatures, ends), key=lambda pair: pair[1] - pair[0].time)[0]
    return f"{longest.numerator}/{longest.denominator}"


def chorale_notes(seq):
    """The chorale's notes in ticks; voice = part (0 soprano .. 3 bass).

    Grace notes, which MusicXML gives no duration, are left out.
    """
    qpm = seq.tempos[0].qpm if seq.tempos else 120.0
    if len(seq.tempos) > 1:
        raise ValueError("tempo changes are not supported")
    to_ticks = TPQ * qpm / 60.0
    notes = [n for n in seq.notes if n.end_time > n.start_time]
    notes = {
        "pitch": [n.pitch for n in notes],
        "start": np.rint(np.array([n.start_time for n in notes]) * to_ticks).astype(np.int64),
        "end": np.rint(np.array([n.end_time for n in notes]) * to_ticks).astype(np.int64),
        "velocity": [n.velocity for n in notes],
        "voice": [n.part for n in notes],
    }
    return sort_notes(notes), float(qpm)


def parse_chorale(source, title, number):
    """Parse one Bach chorale from MusicXML with note-seq (runs in a worker process).

    Returns the same ``{"rows", "notes", "failures"}`` as :func:`parse_abc_file`,
    plus ``"skipped"``: 1 when the file does not have exactly four parts (the
    orchestrated chorales add instruments), found before the slow parse.
    """
    from helpers.notes import from_musicxml

    result = {"rows": [], "notes": [], "failures": [], "skipped": 0}
    piece_id = f"chorales/{Path(source).stem}"
    path = music21_corpus_dir() / source
    try:
        text = musicxml_text(path)
        if text.count("<score-part ") != 4:
            result["skipped"] = 1
            return result
        seq = from_musicxml(path)
        notes, qpm = chorale_notes(seq)
    except Exception as err:
        result["failures"].append({"id": piece_id, "source": source, "tune": number,
                                   "title": title, "reason": f"{type(err).__name__}: {err}"})
        return result
    row = {"id": piece_id, "collection": "chorales", "title": title, "region": "", "country": "",
           "type": "chorale", "meter": main_meter(seq), "key": musicxml_key(text),
           "qpm": qpm, "source": source, "tune": number}
    row.update(note_stats(notes))
    result["rows"].append(row)
    result["notes"].append(notes)
    return result


# --- what to parse -------------------------------------------------------------

def folk_tasks(limit_files=None):
    """One task per ABC file: ``(collection, source, [(index, tune), ...])``.

    music21's ``essenFolksong/test*.abc`` are left out: they are its parser's
    test files, copies of real Essen tunes with their regions changed (a
    German song marked "Irland"). ``limit_files`` keeps the smallest files of
    each collection, for a quick test build.
    """
    root = music21_corpus_dir()
    tasks = []
    for collection, folder in FOLK_FOLDERS.items():
        paths = sorted(p for p in (root / folder).glob("*.abc") if not p.name.startswith("test"))
        if limit_files is not None:
            paths = sorted(paths, key=lambda p: (p.stat().st_size, p.name))[:limit_files]
        for path in paths:
            text = path.read_bytes().decode("utf-8", errors="replace")
            tunes = list(enumerate(split_tunes(text), start=1))
            tasks.append((collection, path.relative_to(root).as_posix(), tunes))
    return tasks


def chorale_tasks(limit_files=None):
    """One task per Bach MusicXML file: ``(source, title, Riemenschneider number)``.

    Titles and numbers come from music21's own chorale list, where it knows
    the BWV number (0 where it does not).
    """
    from music21.corpus.chorales import ChoraleListRKBWV

    known = ChoraleListRKBWV().byBWV
    root = music21_corpus_dir()
    paths = sorted(p for p in (root / "bach").iterdir() if p.suffix in (".mxl", ".xml"))
    if limit_files is not None:
        paths = sorted(paths, key=lambda p: (p.stat().st_size, p.name))[:limit_files]
    tasks = []
    for path in paths:
        bwv = path.stem.removeprefix("bwv").split("-")[0]
        info = known.get(bwv, {})
        title = info.get("title", "").replace("\u2019", "'")
        tasks.append((path.relative_to(root).as_posix(), title or f"BWV {bwv}",
                      int(info.get("riemenschneider", 0))))
    return tasks


def run_tasks(worker, tasks, pool, progress, desc, sizes):
    """Run ``worker(*task)`` for every task, in ``pool`` (or here when None).

    The biggest tasks start first so that no worker is left with a long one at
    the end. Results come back in the tasks' order, whatever order they finish in.
    """
    from tqdm.auto import tqdm

    results = [None] * len(tasks)
    with tqdm(total=sum(sizes), desc=desc, unit=" pieces", disable=not progress) as bar:
        if pool is None:
            for i, task in enumerate(tasks):
                results[i] = worker(*task)
                bar.update(sizes[i])
            return results
        order = sorted(range(len(tasks)), key=lambda i: -sizes[i])
        futures = {pool.submit(worker, *tasks[i]): i for i in order}
        for future in as_completed(futures):
            i = futures[future]
            results[i] = future.result()
            bar.update(sizes[i])
    return results


# --- building and the cache ----------------------------------------------------

def read_manifest():
    """The manifest of the built corpus, or None when there is none."""
    path = corpus_dir() / "manifest.json"
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text())
    except ValueError:
        return None


def is_fresh(manifest, limit_files=None):
    """True when the cache was built by this format, this music21, with all its files."""
    return (manifest is not None
            and manifest.get("format_version") == FORMAT_VERSION
            and manifest.get("music21_version") == library_versions()["music21"]
            and manifest.get("limit_files") == limit_files
            and all((corpus_dir() / name).exists()
                    for name in ("pieces.csv", "notes.npz", "failures.csv")))


def build_corpus(force=False, workers=None, progress=True, limit_files=None):
    """Build the corpus cache, unless a valid one exists; return its manifest.

    A valid cache is reused at once (the manifest is all that is read).
    ``force=True`` rebuilds; ``workers`` defaults to one process per CPU
    (``workers=1`` parses in this process); ``progress=False`` hides the
    progress bars; ``limit_files=2`` builds from the two smallest files of
    each collection (for tests).
    """
    manifest = read_manifest()
    if not force and is_fresh(manifest, limit_files):
        return manifest
    workers = workers or os.cpu_count() or 1
    started = time.perf_counter()
    folk = folk_tasks(limit_files)
    chorales = chorale_tasks(limit_files)
    # Fresh ("spawn") workers: forking a Jupyter kernel, which runs threads, can hang.
    context = get_context("spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context) if workers > 1 else None
    try:
        folk_results = run_tasks(parse_abc_file, folk, pool, progress, "folk tunes",
                                 [len(task[2]) for task in folk])
        folk_done = time.perf_counter()
        chorale_results = run_tasks(parse_chorale, chorales, pool, progress, "chorales",
                                    [1] * len(chorales))
        chorales_done = time.perf_counter()
    finally:
        if pool is not None:
            pool.shutdown()
    counts = write_data(folk_results + chorale_results)
    manifest = {
        "format_version": FORMAT_VERSION,
        **{f"{name.replace('-', '_')}_version": v for name, v in library_versions().items()},
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - started, 1),
        "folk_seconds": round(folk_done - started, 1),
        "chorale_seconds": round(chorales_done - folk_done, 1),
        "workers": workers,
        "limit_files": limit_files,
        "counts": counts,
        "folder": str(corpus_dir()),
    }
    write_atomic(corpus_dir() / "manifest.json", lambda f: f.write(json.dumps(manifest, indent=2)))
    return manifest


def write_data(results):
    """Write pieces.csv, failures.csv and notes.npz from the workers' results.

    The old manifest is deleted first and the new one written last (by
    :func:`build_corpus`), so a build that stops half-way never leaves a
    cache that looks valid. Returns the counts for the manifest.
    """
    import pandas as pd

    folder = corpus_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").unlink(missing_ok=True)
    rows = [row for result in results for row in result["rows"]]
    notes = [n for result in results for n in result["notes"]]
    failures = [f for result in results for f in result["failures"]]
    table = pd.DataFrame(rows, columns=COLUMNS)
    write_atomic(folder / "pieces.csv", lambda f: table.to_csv(f, index=False))
    failure_table = pd.DataFrame(failures, columns=["id", "source", "tune", "title", "reason"])
    write_atomic(folder / "failures.csv", lambda f: failure_table.to_csv(f, index=False))
    arrays = flat_arrays(notes, table["id"])
    write_atomic(folder / "notes.npz", lambda f: np.savez(f, **arrays), binary=True)
    per_collection = table["collection"].value_counts()
    counts = {name: int(per_collection.get(name, 0)) for name in COLLECTIONS}
    return {**counts,
            "folk": sum(counts[name] for name in FOLK_FOLDERS),
            "failures": len(failures),
            "chorale_files_skipped": sum(result.get("skipped", 0) for result in results),
            "notes": len(arrays["pitch"])}


def flat_arrays(notes, ids):
    """All pieces' notes end to end, with ``offsets``: piece i is ``offsets[i]:offsets[i+1]``."""
    lengths = [len(n["pitch"]) for n in notes]
    arrays = {"ids": np.array(list(ids), dtype=str),
              "offsets": np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)}
    for name in NOTE_ARRAYS:
        arrays[name] = np.concatenate([n[name] for n in notes]) if notes else np.zeros(0, np.int64)
    return arrays


FOLK_COLLECTIONS = tuple(FOLK_FOLDERS)


def version_of(manifest):
    """What identifies a built corpus (from its manifest): the models' manifests record it."""
    return {"format": FORMAT_VERSION, "music21": manifest["music21_version"],
            "symusic": manifest["symusic_version"], "collections": list(FOLK_COLLECTIONS),
            "tunes": manifest["counts"]["folk"]}


def corpus_version():
    """What identifies the built folk corpus, building it first if needed (cache keys, manifests).

    Example: ``corpus_version()["tunes"]`` -> the number of folk tunes
    """
    return version_of(build_corpus())


def built_version():
    """:func:`corpus_version` if the cache is built and fresh, else None (never builds)."""
    manifest = read_manifest()
    return version_of(manifest) if is_fresh(manifest) else None


def summary_line(manifest):
    """One line for the terminal, e.g. ``corpus: 11,512 folk tunes (essen 8,462, ...)``."""
    c = manifest["counts"]
    folk = ", ".join(f"{name} {c[name]:,}" for name in FOLK_FOLDERS)
    return (f"corpus: {c['folk']:,} folk tunes ({folk}), {c['chorales']:,} chorales, "
            f"{c['failures']:,} failures, built in {manifest['build_seconds']} s "
            f"-> {manifest['folder']}")


def data_command(action, force=False):
    """``python -m helpers data build [--force]`` and ``python -m helpers data info``.

    Both end with :func:`summary_line`; ``info`` never builds, and returns 1
    when there is no valid cache.
    """
    if action == "build":
        print(summary_line(build_corpus(force=force)))
        return 0
    manifest = read_manifest()
    if not is_fresh(manifest):
        print(f"corpus: not built or out of date in {corpus_dir()}; "
              "run `python -m helpers data build`")
        return 1
    print(f"built {manifest['built_at']} with music21 {manifest['music21_version']}, "
          f"symusic {manifest['symusic_version']}, note-seq {manifest['note_seq_version']}; "
          f"{manifest['counts']['notes']:,} notes")
    print(summary_line(manifest))
    return 0


# --- reading the built corpus ------------------------------------------------

def corpus_table():
    """The metadata of every piece, one row each (:data:`COLUMNS`); builds if needed.

    Lesson 2 filters it: ``table[table.type == "reel"]``,
    ``table[table.country == "China"]``. Empty text is ``""``, never NaN.
    """
    import pandas as pd

    build_corpus()
    return pd.read_csv(corpus_dir() / "pieces.csv", keep_default_na=False,
                       dtype={"title": str, "region": str, "country": str, "type": str,
                              "meter": str, "key": str})


def corpus_failures():
    """The tunes that could not be read: id, source, tune, title and reason."""
    import pandas as pd

    build_corpus()
    return pd.read_csv(corpus_dir() / "failures.csv", keep_default_na=False,
                       dtype={"title": str, "reason": str})


_ARRAYS = {}  # the loaded notes.npz, kept while the file stays the same


def corpus_arrays():
    """Every note of the corpus as flat numpy arrays (loaded once, then kept).

    Keys: ``ids``, ``offsets`` (piece i's notes are ``offsets[i]:offsets[i+1]``),
    ``pitch``, ``start`` and ``end`` (ticks, 480 per quarter), ``velocity``,
    ``voice``, and ``index`` (a dict from id to piece number). Tokenizers and
    the de-duplication in lesson 2 read these.
    """
    build_corpus()
    path = corpus_dir() / "notes.npz"
    stamp = (str(path), path.stat().st_mtime_ns)
    if _ARRAYS.get("stamp") != stamp:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        arrays["index"] = {piece_id: i for i, piece_id in enumerate(arrays["ids"].tolist())}
        _ARRAYS.clear()
        _ARRAYS.update(stamp=stamp, arrays=arrays)
    return _ARRAYS["arrays"]


def piece_arrays(piece_id):
    """One piece's notes as numpy arrays: ``(pitch, start, end)`` in ticks (480 per quarter)."""
    arrays = corpus_arrays()
    if piece_id not in arrays["index"]:
        raise KeyError(f"No piece {piece_id!r} in the corpus; see corpus_table()['id']")
    i = arrays["index"][piece_id]
    part = slice(arrays["offsets"][i], arrays["offsets"][i + 1])
    return arrays["pitch"][part], arrays["start"][part], arrays["end"][part]


def load_piece(piece_id):
    """One piece as a NoteSequence, e.g. ``load_piece("chorales/bwv66.6")``."""
    return load_pieces([piece_id])[0]


def load_pieces(ids):
    """Several pieces as NoteSequences (the table and the notes are read once).

    Times in seconds follow the piece's qpm; the tempo and time signature are
    set; each chorale voice is its own instrument (0 soprano .. 3 bass).
    """
    table = corpus_table().set_index("id")
    arrays = corpus_arrays()
    unknown = [piece_id for piece_id in ids if piece_id not in arrays["index"]]
    if unknown:
        raise KeyError(f"No piece {unknown[0]!r} in the corpus; see corpus_table()['id']")
    return [piece_sequence(piece_id, table.loc[piece_id], arrays) for piece_id in ids]


def piece_sequence(piece_id, row, arrays):
    """Build the NoteSequence of one piece from its table row and the arrays."""
    from helpers.notes import add_note, new_sequence

    numerator, denominator = (row["meter"] or "4/4").split("/")
    seq = new_sequence(qpm=row["qpm"], numerator=int(numerator), denominator=int(denominator))
    seq.ticks_per_quarter = TPQ
    seq.id, seq.filename, seq.collection_name = piece_id, row["source"], row["collection"]
    if row["collection"] == "chorales":
        for part, name in enumerate(VOICES):
            seq.part_infos.add(part=part, name=name)
    seconds_per_tick = 60.0 / (row["qpm"] * TPQ)
    i = arrays["index"][piece_id]
    for j in range(arrays["offsets"][i], arrays["offsets"][i + 1]):
        add_note(seq, arrays["pitch"][j], arrays["start"][j] * seconds_per_tick,
                 arrays["end"][j] * seconds_per_tick, velocity=arrays["velocity"][j],
                 instrument=arrays["voice"][j])
    return seq
