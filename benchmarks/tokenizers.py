"""How fast are the course's tokenizers, next to miditok's REMI?

Takes the same 1,000 folk tunes for every tokenizer (an even spread of the
corpus: ``helpers.corpus`` when it exists, else music21's ABC files parsed
directly; ``--abc`` forces the latter). Our schemes encode NoteSequences and
decode to NoteSequences; REMI encodes ``symusic.Score`` objects and decodes to
them. Every conversion (NoteSequence -> MIDI bytes -> Score) happens before
the clock starts. Each figure is the best of three passes over all pieces.

REMI's settings match ours: a 16th-note grid (4 steps per beat) and durations
up to 8 beats, pitches 21..108, 32 velocity bins, time signatures on.

Run with::

    .venv/bin/python benchmarks/tokenizers.py [--pieces 1000] [--abc]
"""

import argparse
import contextlib
import os
import re
import sys
import time
from pathlib import Path

# This file has the name of the Hugging Face package that miditok imports
# (``tokenizers``): take its folder off the import path so that the package is found.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

from helpers.errors import ReadError  # noqa: E402
from helpers.notes import from_abc, sequence_to_midi_bytes  # noqa: E402
from helpers.tokenizers import EventTokenizer, MelodyTokenizer, PositionTokenizer  # noqa: E402

PASSES = 3


@contextlib.contextmanager
def silenced():
    """Hide what C libraries print (symusic's ABC parser warns on stdout)."""
    sys.stdout.flush()
    saved = os.dup(1), os.dup(2)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 1)
        os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def spread(items, n):
    """``n`` items spread evenly over the list (the same ones every run)."""
    return items[:: max(1, len(items) // n)][:n]


def corpus_tunes(n):
    """``n`` folk tunes from helpers.corpus."""
    from helpers import corpus

    table = corpus.corpus_table()
    ids = table[table["collection"] != "chorales"]["id"].tolist()
    return corpus.load_pieces(spread(ids, n)), "helpers.corpus"


def abc_tunes(n):
    """``n`` folk tunes parsed from music21's ABC files."""
    import music21

    root = Path(music21.__file__).parent / "corpus"
    texts = []
    for folder in ("essenFolksong", "oneills1850", "ryansMammoth"):
        for path in sorted((root / folder).glob("*.abc")):
            text = path.read_text(encoding="utf-8", errors="replace")
            texts += ["X:" + tune for tune in re.split(r"(?m)^X:", text)[1:]]
    pieces = []
    for text in spread(texts, n + 10):
        try:
            pieces.append(from_abc(text))
        except ReadError:
            pass
    return pieces[:n], "music21's ABC files, parsed with helpers.notes.from_abc"


def best_time(function, items):
    """The shortest of ``PASSES`` runs of ``[function(x) for x in items]``, and its results."""
    best = float("inf")
    for _ in range(PASSES):
        start = time.perf_counter()
        results = [function(item) for item in items]
        best = min(best, time.perf_counter() - start)
    return best, results


def measure_ours(tokenizer, pieces):
    encode_seconds, encoded = best_time(tokenizer.encode, pieces)
    decode_seconds, _ = best_time(tokenizer.decode, encoded)
    return sum(len(ids) for ids in encoded), encode_seconds, decode_seconds


def measure_remi(scores):
    import miditok

    config = miditok.TokenizerConfig(pitch_range=(21, 109), beat_res={(0, 8): 4},
                                     num_velocities=32, use_time_signatures=True)
    remi = miditok.REMI(config)
    encode_seconds, encoded = best_time(remi.encode, scores)
    tokens = sum(len(part.ids) for parts in encoded for part in parts)  # one part per track
    decode_seconds, _ = best_time(remi.decode, encoded)
    return tokens, encode_seconds, decode_seconds, len(remi)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pieces", type=int, default=1000)
    parser.add_argument("--abc", action="store_true",
                        help="parse music21's ABC files instead of using helpers.corpus")
    args = parser.parse_args()

    with silenced():
        try:
            if args.abc:
                raise ImportError
            pieces, source = corpus_tunes(args.pieces)
        except ImportError:
            pieces, source = abc_tunes(args.pieces)
        import symusic

        scores = [symusic.Score.from_midi(sequence_to_midi_bytes(seq)) for seq in pieces]
    notes = sum(len(seq.notes) for seq in pieces)
    print(f"{len(pieces)} folk tunes ({notes:,} notes) from {source}; best of {PASSES} passes\n")

    rows = []
    for name, tokenizer in [("positions (PositionTokenizer)", PositionTokenizer()),
                            ("events (EventTokenizer)", EventTokenizer()),
                            ("melody (MelodyTokenizer)", MelodyTokenizer())]:
        rows.append((name, len(tokenizer.vocab)) + measure_ours(tokenizer, pieces))
    tokens, encode_seconds, decode_seconds, size = measure_remi(scores)
    rows.append(("miditok REMI", size, tokens, encode_seconds, decode_seconds))

    print(f"| {'scheme':30} | vocab | tokens/piece | encode tokens/s | encode pieces/s "
          f"| decode tokens/s | decode pieces/s |")
    print(f"|{'-' * 32}|-------|--------------|-----------------|-----------------"
          f"|-----------------|-----------------|")
    for name, size, tokens, encode_seconds, decode_seconds in rows:
        n = len(pieces)
        print(f"| {name:30} | {size:5} | {tokens / n:12.0f} | {tokens / encode_seconds:15,.0f} "
              f"| {n / encode_seconds:15,.0f} | {tokens / decode_seconds:15,.0f} "
              f"| {n / decode_seconds:15,.0f} |")


if __name__ == "__main__":
    main()
