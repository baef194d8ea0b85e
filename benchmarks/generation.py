"""Generation speed of the shipped Transformer: with and without the key/value cache, and in batches.

Generates 512 tokens from BOS (no early stop at EOS, no grammar mask: the
model's own speed). Past the context of 256 tokens the cached version
restarts from the last 128 tokens (``helpers.sampling``); the uncached one
recomputes the whole window for every token. The cache must be at least 5x
faster. Median of ``--repeats`` runs, with torch's default number of threads
and with one: a cached step is ~100 small operations whose cost is mostly
fixed overhead, which a second thread does not reduce, while the uncached
passes over 255 tokens do get faster with two.

Run: .venv/bin/python benchmarks/generation.py
"""

import argparse
import statistics
import time

import torch

from helpers.tokenizers.grammar import grammar_for
from helpers.checkpoints import load_pretrained
from helpers.sampling import sample
from helpers.tokenizers import BOS_ID


def timed(repeats, **kwargs):
    times = []
    for seed in range(repeats):
        started = time.perf_counter()
        sample(seed=seed, **kwargs)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    model, tokenizer = load_pretrained("folk-transformer")
    n = args.tokens
    common = dict(model=model, prompt=[BOS_ID], n_tokens=n)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {n} tokens, "
          f"median of {args.repeats}")
    default_threads = torch.get_num_threads()
    for threads in sorted({default_threads, 1}, reverse=True):
        torch.set_num_threads(threads)
        cached = timed(args.repeats, **common)
        uncached = timed(args.repeats, use_cache=False, **common)
        print(f"{threads} thread(s), one piece, with the cache:    {cached:6.2f} s  ({n / cached:5.0f} tokens/s)")
        print(f"{threads} thread(s), one piece, without the cache: {uncached:6.2f} s  ({n / uncached:5.0f} tokens/s)")
        print(f"{threads} thread(s): the cache is {uncached / cached:.1f}x faster (target: at least 5x)")
    torch.set_num_threads(default_threads)
    cached = timed(args.repeats, **common)
    batch = timed(args.repeats, n_pieces=8, **common)
    print(f"8 pieces at once, cached:     {batch:6.2f} s  ({8 * n / batch:7.0f} tokens/s, "
          f"{8 * n / batch / (n / cached):.1f}x one piece's rate)")
    masked = timed(args.repeats, n_pieces=8, allowed=grammar_for(tokenizer), **common)
    print(f"8 pieces, with the grammar:   {masked:6.2f} s  ({8 * n / masked:7.0f} tokens/s)")


if __name__ == "__main__":
    main()
