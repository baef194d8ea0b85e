"""Print how long the corpus build takes, and how much faster symusic reads ABC than music21.

1. A full build from scratch (folk tunes, chorales, total) into a temporary
   cache folder, with one worker per CPU; then a second build, which finds the
   valid cache, and the time corpus_table() takes to load.
2. The same sample of folk tunes (every n-th tune of the corpus) parsed in this
   one process by symusic (what the build does: ornaments removed, abc2midi
   with its bar-line drum) and by music21's own ABC parser,
   ``music21.converter.parse(text, format="abc")``.

Lesson 2 (notebooks/easy/02_building_a_dataset.ipynb) quotes these figures.
Run: .venv/bin/python benchmarks/corpus_build.py [sample size, default 100]
"""

import os
import sys
import tempfile
import time


def full_build():
    """Build into a fresh temporary cache; print the timings and counts."""
    from helpers import corpus

    with tempfile.TemporaryDirectory() as folder:
        os.environ["COURSE_CACHE"] = folder
        manifest = corpus.build_corpus(force=True, progress=False)
        start = time.perf_counter()
        corpus.build_corpus()
        cached = time.perf_counter() - start
        start = time.perf_counter()
        table = corpus.corpus_table()
        load = time.perf_counter() - start
    print(f"full build, {manifest['workers']} workers ({os.cpu_count()} CPUs):")
    print(f"  folk tunes  {manifest['folk_seconds']:6.1f} s")
    print(f"  chorales    {manifest['chorale_seconds']:6.1f} s")
    print(f"  total       {manifest['build_seconds']:6.1f} s (with writing the cache)")
    print(f"  second build with a valid cache {cached:.3f} s; "
          f"corpus_table() {load:.3f} s ({len(table):,} rows)")
    c = manifest["counts"]
    print(f"  pickups: {c['folk_pickups']:,} of {c['folk']:,} folk tunes, {c['chorale_pickups']} of "
          f"{c['chorales']} chorales; bar lines off the grid: {c['bar_lines_off_grid']:,} of "
          f"{c['bar_lines']:,} ({c['bar_lines_off_grid'] / c['bar_lines']:.1%}) in "
          f"{c['folk_tunes_off_grid']:,} tunes")
    print(f"  removed: {c['grace_notes']:,} grace notes ({c['tunes_with_grace_notes']:,} tunes), "
          f"{c['ornaments']:,} trills, rolls and fermatas, "
          f"{c['repeats_skipped']} repeated O'Neill's tunes")
    print(f"  {corpus.summary_line(manifest)}")


def sample_tunes(size):
    """Every n-th folk tune of the corpus, ``size`` in all."""
    from helpers import corpus

    tunes = [tune for _, _, file_tunes in corpus.folk_tasks() for _, tune in file_tunes]
    step = max(1, len(tunes) // size)
    return tunes[::step][:size]


def seconds_to_parse(parse, tunes):
    """Seconds to parse all ``tunes`` one by one, and how many failed.

    Both parsers print warnings; they are captured, as in the build.
    """
    from helpers.corpus import captured_output

    failed = 0
    with captured_output():
        start = time.perf_counter()
        for tune in tunes:
            try:
                parse(tune)
            except Exception:
                failed += 1
        elapsed = time.perf_counter() - start
    return elapsed, failed


def compare_parsers(size):
    """Time symusic and music21 on the same tunes, in this one process."""
    import music21

    from helpers.corpus import parse_abc_tune, strip_ornaments

    tunes = sample_tunes(size)
    music21.converter.parse(tunes[0], format="abc")  # load music21's modules first
    fast, fast_failed = seconds_to_parse(lambda t: parse_abc_tune(strip_ornaments(t)[0]), tunes)
    slow, slow_failed = seconds_to_parse(lambda t: music21.converter.parse(t, format="abc"), tunes)
    print(f"ABC parsing, the same {len(tunes)} tunes, one process:")
    print(f"  symusic  {fast:6.2f} s ({1000 * fast / len(tunes):5.1f} ms a tune, "
          f"{fast_failed} failed)")
    print(f"  music21  {slow:6.2f} s ({1000 * slow / len(tunes):5.1f} ms a tune, "
          f"{slow_failed} failed)")
    print(f"  symusic is {slow / fast:.0f} times faster")


if __name__ == "__main__":
    full_build()
    compare_parsers(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
