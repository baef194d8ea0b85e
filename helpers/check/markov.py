"""Checks for lesson 6, "A Markov baseline" (notebooks/medium/06_a_markov_baseline.ipynb).

Sequences are lists of token ids (small whole numbers).
"""

import math

from helpers.check.compare import expect_close
from helpers.check.core import Hint, call, expect_function, register

SEQUENCES = [[1, 5, 6, 5, 6, 2], [1, 5, 5, 7, 2]]
BIGRAMS = {(1, 5): 2, (5, 6): 2, (6, 5): 1, (6, 2): 1, (5, 5): 1, (5, 7): 1, (7, 2): 1}


@register("markov-bigrams")
def check_bigrams(answer):
    expect_function(answer, "count_bigrams")
    got = call(answer, [list(s) for s in SEQUENCES])
    if not isinstance(got, dict):
        raise Hint(f"count_bigrams should return a dict {{(previous, next): count}}, got {type(got).__name__}.")
    got = {tuple(k) if isinstance(k, list) else k: v for k, v in got.items() if v}
    if got != BIGRAMS:
        missing = {k: v for k, v in BIGRAMS.items() if got.get(k) != v}
        raise Hint(f"for {SEQUENCES} the pairs and counts are {BIGRAMS}; yours differ at "
                   f"{missing or {k: got[k] for k in got if k not in BIGRAMS}}. Count every pair of "
                   "neighbours inside each sequence, never across two sequences.")


@register("markov-probability")
def check_probability(answer):
    expect_function(answer, "bigram_probability")
    cases = (((5, 6), 0.0, 2 / 4), ((5, 6), 1.0, 3 / 12), ((5, 1), 1.0, 1 / 12), ((3, 4), 1.0, 1 / 8))
    for (previous, token), alpha, expected in cases:
        got = call(answer, dict(BIGRAMS), previous, token, 8, alpha)
        expect_close(got, expected, f"bigram_probability(counts, {previous}, {token}, vocab_size=8, "
                     f"alpha={alpha}) [add-alpha: (count(prev, next) + alpha) / (count(prev, any) + "
                     "alpha * vocab_size)]")


@register("markov-bits-per-note")
def check_bits_per_note(answer):
    expect_function(answer, "bits_per_note")
    for nats, tokens, notes in ((1.0, 300, 100), (0.5, 1000, 250), (2.0, 50, 50)):
        expected = nats * tokens / notes / math.log(2)
        expect_close(call(answer, nats, tokens, notes), expected,
                     f"bits_per_note({nats}, n_tokens={tokens}, n_notes={notes}) [the loss of all "
                     "tokens, shared among the notes, in bits: divide nats by ln 2]", tol=1e-4)
