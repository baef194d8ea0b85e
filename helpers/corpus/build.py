"""Build the corpus cache in worker processes, and the ``python -m helpers data`` command.

:func:`build_corpus` parses every tune and chorale once and writes
``pieces.csv``, ``notes.npz``, ``failures.csv`` and, last,
``manifest.json`` (versions, counts, timings) into ``corpus_dir()``. A
valid cache (same :data:`FORMAT_VERSION`, same music21) is reused at once.
"""

import json
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import datetime, timezone
from multiprocessing import get_context

import numpy as np

from helpers.corpus.abc_parse import parse_abc_file
from helpers.corpus.chorales import chorale_tasks, parse_chorale
from helpers.corpus.layout import (COLLECTIONS, COLUMNS, FOLK_COLLECTIONS, FORMAT_VERSION,
                                         NOTE_ARRAYS, corpus_dir)
from helpers.corpus.sources import folk_tasks, library_versions, repeated_tunes
from helpers.paths import write_atomic

FAILURE_COLUMNS = ["id", "source", "tune", "title", "reason"]


def run_tasks(worker, tasks: list, pool, progress: bool, desc: str, sizes: list) -> list:
    """Run ``worker(*task)`` for every task, in ``pool`` (or here when None).

    The biggest tasks start first so that no worker is left with a long one at
    the end. Results come back in the tasks' order, whatever order they finish in.
    Example: ``run_tasks(parse_chorale, chorale_tasks(2), None, False, "chorales", [1, 1])``
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


def read_manifest() -> dict | None:
    """The manifest of the built corpus, or None when there is none.

    Example: ``read_manifest()["counts"]["folk"]`` -> ``11358``
    """
    path = corpus_dir() / "manifest.json"
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text())
    except ValueError:
        return None


def is_fresh(manifest: dict | None, limit_files: int | None = None) -> bool:
    """True when the cache was built by this format, this music21, with all its files.

    Example: ``is_fresh(read_manifest())`` -> ``True`` once the corpus is built
    """
    return (manifest is not None
            and manifest.get("format_version") == FORMAT_VERSION
            and manifest.get("music21_version") == library_versions()["music21"]
            and manifest.get("limit_files") == limit_files
            and all((corpus_dir() / name).exists()
                    for name in ("pieces.csv", "notes.npz", "failures.csv")))


def build_corpus(force: bool = False, workers: int | None = None, progress: bool = True,
                 limit_files: int | None = None) -> dict:
    """Build the corpus cache, unless a valid one exists; return its manifest.

    A valid cache is reused at once (the manifest is all that is read).
    ``force=True`` rebuilds; ``workers`` defaults to one process per CPU
    (``workers=1`` parses in this process); ``progress=False`` hides the
    progress bars; ``limit_files=2`` builds from the two smallest files of
    each collection (for tests).
    Example: ``build_corpus()["counts"]["chorales"]`` -> ``365``
    """
    manifest = read_manifest()
    if not force and is_fresh(manifest, limit_files):
        return manifest
    workers = workers or os.cpu_count() or 1
    started = time.perf_counter()
    folk = folk_tasks(limit_files)
    chorales = chorale_tasks(limit_files)
    # Fresh ("spawn") workers: forking a Jupyter kernel, which runs threads, can hang.
    pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn")) if workers > 1 else None
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
    counts["repeats_skipped"] = len(repeated_tunes(limit_files))
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


def write_data(results: list) -> dict:
    """Write pieces.csv, failures.csv and notes.npz from the workers' results.

    The old manifest is deleted first and the new one written last (by
    :func:`build_corpus`), so a build that stops half-way never leaves a
    cache that looks valid. Returns the counts for the manifest.
    Example: ``write_data(results)["folk"]`` -> ``11358``
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
    failure_table = pd.DataFrame(failures, columns=FAILURE_COLUMNS)
    write_atomic(folder / "failures.csv", lambda f: failure_table.to_csv(f, index=False))
    arrays = flat_arrays(notes, table["id"])
    write_atomic(folder / "notes.npz", lambda f: np.savez(f, **arrays), binary=True)
    return table_counts(table, results) | {"failures": len(failures), "notes": len(arrays["pitch"])}


def table_counts(table, results: list) -> dict:
    """The manifest's counts: pieces per collection, pickups, bar lines, ornaments removed.

    Example: ``table_counts(table, results)["folk_pickups"]`` -> ``7913``
    """
    per_collection = table["collection"].value_counts()
    counts = {name: int(per_collection.get(name, 0)) for name in COLLECTIONS}
    folk = table[table["collection"].isin(FOLK_COLLECTIONS)]
    chorales = table[table["collection"] == "chorales"]
    worker_counts = {}
    for result in results:
        for name, value in result.get("counts", {}).items():
            worker_counts[name] = worker_counts.get(name, 0) + int(value)
    return {**counts,
            "folk": len(folk),
            "folk_pickups": int((folk["pickup"] > 0).sum()),
            "folk_tunes_off_grid": int((folk["bars_off_grid"] > 0).sum()),
            **worker_counts,
            "chorale_pickups": int((chorales["pickup"] > 0).sum()),
            "chorale_files_skipped": sum(result.get("skipped", 0) for result in results)}


def flat_arrays(notes: list, ids) -> dict:
    """All pieces' notes end to end, with ``offsets``: piece i is ``offsets[i]:offsets[i+1]``.

    Example: ``flat_arrays([notes], ["essen/han1/0001"])["offsets"].tolist()`` -> ``[0, 58]``
    """
    lengths = [len(n["pitch"]) for n in notes]
    arrays = {"ids": np.array(list(ids), dtype=str),
              "offsets": np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)}
    for name in NOTE_ARRAYS:
        arrays[name] = np.concatenate([n[name] for n in notes]) if notes else np.zeros(0, np.int64)
    return arrays


def version_of(manifest: dict) -> dict:
    """What identifies a built corpus (from its manifest): the models' manifests record it.

    Example: ``version_of(read_manifest())["format"]`` -> ``2``
    """
    return {"format": FORMAT_VERSION, "music21": manifest["music21_version"],
            "symusic": manifest["symusic_version"], "collections": list(FOLK_COLLECTIONS),
            "tunes": manifest["counts"]["folk"]}


def corpus_version() -> dict:
    """What identifies the built folk corpus, building it first if needed (cache keys, manifests).

    Example: ``corpus_version()["tunes"]`` -> the number of folk tunes
    """
    return version_of(build_corpus())


def built_version() -> dict | None:
    """:func:`corpus_version` if the cache is built and fresh, else None (never builds).

    Example: ``built_version() is None`` -> ``True`` before the first build
    """
    manifest = read_manifest()
    return version_of(manifest) if is_fresh(manifest) else None


def summary_line(manifest: dict) -> str:
    """One line for the terminal about a built corpus.

    Example: ``summary_line(read_manifest())`` -> ``"corpus: 11,358 folk tunes (essen 8,460, ...) ..."``
    """
    c = manifest["counts"]
    folk = ", ".join(f"{name} {c[name]:,}" for name in FOLK_COLLECTIONS)
    return (f"corpus: {c['folk']:,} folk tunes ({folk}), {c['chorales']:,} chorales, "
            f"{c['failures']:,} failures, built in {manifest['build_seconds']} s "
            f"-> {manifest['folder']}")


def data_command(action: str, force: bool = False) -> int:
    """``python -m helpers data build [--force]`` and ``python -m helpers data info``.

    Both end with :func:`summary_line`; ``info`` never builds, and returns 1
    when there is no valid cache. ``info`` also says what the build removed
    and how many bar lines miss the grid.
    Example: ``data_command("info")`` -> ``0`` (and prints the summary)
    """
    if action == "build":
        print(summary_line(build_corpus(force=force)))
        return 0
    manifest = read_manifest()
    if not is_fresh(manifest):
        print(f"corpus: not built or out of date in {corpus_dir()}; "
              "run `python -m helpers data build`")
        return 1
    c = manifest["counts"]
    print(f"built {manifest['built_at']} with music21 {manifest['music21_version']}, "
          f"symusic {manifest['symusic_version']}, note-seq {manifest['note_seq_version']}; "
          f"{c['notes']:,} notes")
    print(f"pickups: {c['folk_pickups']:,} folk tunes, {c['chorale_pickups']:,} chorales; "
          f"removed: {c['grace_notes']:,} grace notes, {c['ornaments']:,} ornaments, "
          f"{c['repeats_skipped']:,} repeated O'Neill's tunes; "
          f"{c['bar_lines_off_grid']:,} of {c['bar_lines']:,} folk bar lines off the grid")
    print(summary_line(manifest))
    return 0
