"""Generation speed of the shipped Transformer, at the sampler's default settings, and where the time goes.

Generates 512 tokens from BOS (no early stop at EOS, no grammar mask: the
model's own speed), as ``sample`` does by default: one CPU thread for fewer
than 8 pieces (a cached step is ~100 tiny operations whose cost is mostly
fixed overhead, which a second thread cannot share), torch's setting for 8
or more. Past the context of 256 tokens the cached version restarts from the
last 128 tokens; the uncached one recomputes the whole window for every
token. Prints, in one run: tokens/s for one piece with and without the
cache (target: the cache at least 5x faster), eight pieces at once, the same
with the grammar mask, and a profile of one cached step (the operations that
take its time).

Run: .venv/bin/python benchmarks/generation.py
"""

import argparse
import statistics
import time

import torch

from helpers.checkpoints import load_pretrained
from helpers.sampling import sample
from helpers.tokenizers import BOS_ID
from helpers.tokenizers.grammar import grammar_for


def timed(repeats, **kwargs):
    times = []
    for seed in range(repeats):
        started = time.perf_counter()
        sample(seed=seed, **kwargs)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def profile_one_step(model, steps=50):
    """The operations of one cached decoding step, by total time (torch.profiler, one thread)."""
    from torch.profiler import ProfilerActivity, profile

    torch.set_num_threads(1)
    with torch.inference_mode():
        cache = model.new_cache(1)
        _, cache = model(torch.tensor([[BOS_ID] * 64]), cache)
        token = torch.tensor([[BOS_ID]])
        started = time.perf_counter()
        for _ in range(steps):
            model(token, cache)   # the cache is not extended: the same step each time
        per_step = (time.perf_counter() - started) / steps
        with profile(activities=[ProfilerActivity.CPU]) as prof:
            for _ in range(steps):
                model(token, cache)
    table = prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=12)
    return per_step, table


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    model, tokenizer = load_pretrained("folk-transformer")
    n = args.tokens
    common = dict(model=model, prompt=[BOS_ID], n_tokens=n)
    print(f"torch {torch.__version__}, torch's threads {torch.get_num_threads()}, {n} tokens, "
          f"median of {args.repeats}")
    cached = timed(args.repeats, **common)
    uncached = timed(args.repeats, use_cache=False, **common)
    print(f"one piece, with the cache:    {cached:6.2f} s  ({n / cached:5.0f} tokens/s; aim: 1,500)")
    print(f"one piece, without the cache: {uncached:6.2f} s  ({n / uncached:5.0f} tokens/s)")
    print(f"the cache is {uncached / cached:.1f}x faster (target: at least 5x)")
    batch = timed(args.repeats, n_pieces=8, **common)
    print(f"8 pieces at once, cached:     {batch:6.2f} s  ({8 * n / batch:7.0f} tokens/s, "
          f"{8 * n / batch / (n / cached):.1f}x one piece's rate)")
    masked = timed(args.repeats, n_pieces=8, allowed=grammar_for(tokenizer), **common)
    print(f"8 pieces, with the grammar:   {masked:6.2f} s  ({8 * n / masked:7.0f} tokens/s)")
    before = torch.get_num_threads()
    per_step, table = profile_one_step(model)
    torch.set_num_threads(before)
    print(f"\none cached step of the model alone: {per_step * 1e3:.2f} ms "
          f"({1 / per_step:.0f} steps/s); its operations:")
    print(table)


if __name__ == "__main__":
    main()
