"""Checks for lesson 6, "A Markov baseline" (notebooks/medium/06_a_markov_baseline.ipynb).

Sequences are lists of token ids (whole numbers, some with one digit and some
with three); counts are dicts ``{(previous, next): count}``. The discounted
model is compared with the course's ``helpers.models.NGramModel`` (order 2).
"""

import math
import random

import numpy as np

from helpers.check.calling import expect_function
from helpers.check.cases import Case, run_cases
from helpers.check.compare import as_numbers, expect_close, expect_int
from helpers.check.core import Hint, register
from helpers.check.describe import show
from helpers.models import NGramConfig, NGramModel

SEQUENCES = [[1, 5, 6, 5, 6, 2], [1, 5, 5, 7, 2]]


def _random_sequences(rng: random.Random, vocab: int = 8, count: int | None = None) -> list[list[int]]:
    count = rng.randint(1, 4) if count is None else count
    ids = list(range(vocab)) if vocab <= 12 else rng.sample(range(vocab), 8)
    return [[rng.choice(ids) for _ in range(rng.randint(0, 9))] for _ in range(count)]


def count_bigrams_reference(sequences: list) -> dict:
    """``{(previous, next): count}`` over the neighbouring pairs inside each sequence, as ``NGramModel`` counts them.

    Example: ``count_bigrams_reference([[1, 5, 5]])`` -> ``{(1, 5): 1, (5, 5): 1}``
    """
    vocab = max((token for seq in sequences for token in seq), default=0) + 1
    model = NGramModel(NGramConfig(vocab_size=vocab, order=2)).fit(sequences)
    return {(context[0], token): count for context, following in model.counts[1].items()
            for token, count in following.items()}


@register("markov-bigrams")
def check_bigrams(answer, rng: random.Random) -> None:
    """Lesson 6, exercise 1: ``count_bigrams(sequences)``.

    Example: ``check("markov-bigrams", count_bigrams)``
    """
    expect_function(answer, "count_bigrams")

    def compare(got, expected, case):
        if not isinstance(got, dict):
            raise Hint(f"expected a dict {{(previous, next): count}} {expected}, got {type(got).__name__}.")
        got = {k: expect_int(v, "a count") for k, v in got.items() if v}
        if got != expected:
            wrong = {k: got.get(k, 0) for k in set(expected) | set(got) if got.get(k, 0) != expected.get(k, 0)}
            raise Hint(f"expected {expected}; yours differ at (pair: your count) {wrong}. Count every pair "
                       "of neighbours inside each sequence, never across two sequences.")

    cases = [Case((SEQUENCES,)), Case(([[3], [], [4, 4, 4]],), "sequences of one and zero tokens; a repeat"),
             Case(([[7, 150, 7], [150, 7]],), "ids with one and three digits"), Case(([],), "no sequences: {}")]
    cases += [Case((_random_sequences(rng, rng.choice([6, 200])),)) for _ in range(10)]
    run_cases(answer, "count_bigrams", cases, count_bigrams_reference, compare)


def bigram_probability_reference(counts: dict, previous: int, token: int, vocab_size: int, alpha: float) -> float:
    """Add-alpha smoothing: (count(previous, token) + alpha) / (count(previous, anything) + alpha * vocab_size).

    Example: ``bigram_probability_reference({(5, 6): 2, (5, 7): 1}, 5, 6, 8, 1.0)`` -> ``0.2727...``
    """
    total = sum(c for (a, _), c in counts.items() if a == previous)
    return (counts.get((previous, token), 0) + alpha) / (total + alpha * vocab_size)


@register("markov-probability")
def check_probability(answer, rng: random.Random) -> None:
    """Lesson 6, exercise 2: ``bigram_probability(counts, previous, token, vocab_size, alpha)``.

    Example: ``check("markov-probability", bigram_probability)``
    """
    expect_function(answer, "bigram_probability")
    counts = count_bigrams_reference(SEQUENCES)
    cases = [Case((counts, 5, 6, 8, 0.0), "alpha = 0: plain counts"), Case((counts, 5, 6, 8, 1.0)),
             Case((counts, 5, 1, 8, 1.0), "a pair never seen"),
             Case((counts, 3, 4, 8, 1.0), "a previous token never seen: uniform, 1 / vocab_size")]
    for _ in range(12):
        counts = count_bigrams_reference(_random_sequences(rng, 6, 4))
        seen = sorted({a for a, _ in counts}) or [0]
        cases.append(Case((counts, rng.choice(seen + [5]), rng.randrange(6), rng.choice([6, 9]),
                           rng.choice([0.01, 0.1, 0.5, 1.0, round(rng.uniform(0.05, 2), 2)]))))
    run_cases(answer, "bigram_probability", cases, bigram_probability_reference,
              lambda got, want, case: _close(got, want, "add-alpha: (count(prev, next) + alpha) / "
                                             "(count(prev, any next) + alpha * vocab_size)", 1e-6))


def _close(got, expected: float, tip: str, tol: float = 1e-9) -> None:
    try:
        expect_close(got, expected, tol=tol)
    except Hint as hint:
        raise Hint(f"{hint} [{tip}]") from None


def bits_per_note_reference(nats_per_token: float, n_tokens: int, n_notes: int) -> float:
    """The loss of all tokens, shared among the notes, in bits.

    Example: ``bits_per_note_reference(1.0, 300, 100)`` -> ``4.328...``
    """
    return nats_per_token * n_tokens / n_notes / math.log(2)


@register("markov-bits-per-note")
def check_bits_per_note(answer, rng: random.Random) -> None:
    """Lesson 6, exercise 3: ``bits_per_note(nats_per_token, n_tokens, n_notes)``.

    Example: ``check("markov-bits-per-note", bits_per_note)``
    """
    expect_function(answer, "bits_per_note")
    cases = [Case((1.0, 300, 100)), Case((0.5, 1000, 300), "tokens do not divide evenly among the notes"),
             Case((2.0, 50, 50))]
    for _ in range(12):
        notes = rng.randint(10, 500)
        cases.append(Case((round(rng.uniform(0.2, 3.0), 3), notes * rng.randint(2, 4) + rng.randint(1, notes - 1), notes)))
    run_cases(answer, "bits_per_note", cases, bits_per_note_reference,
              lambda got, want, case: _close(got, want, "nats per token x tokens / notes / ln 2", 1e-6),
              mistakes={"divide by ln 2 to turn nats into bits": lambda n, t, k: n * t / k,
                        "n_tokens / n_notes, not //": lambda n, t, k: n * (t // k) / math.log(2)})


def discounted_matrix_reference(counts: dict, vocab_size: int, discount: float) -> np.ndarray:
    """P(next | previous) for every pair: ``NGramModel`` of order 2 (interpolated absolute discounting).

    Example: ``discounted_matrix_reference({(0, 1): 2}, 3, 0.75)[0]`` -> the row after token 0
    """
    pairs = [[a, b] for (a, b), c in counts.items() for _ in range(c)]
    model = NGramModel(NGramConfig(vocab_size=vocab_size, order=2, discount=discount)).fit(pairs)
    return np.stack([model.distribution([a]) for a in range(vocab_size)])


def as_matrix(got, size: int) -> list[list[float]]:
    """A ``size`` x ``size`` table of numbers (nested lists, numpy array or tensor) as nested lists of floats.

    Example: ``as_matrix(numpy.eye(2), 2)`` -> ``[[1.0, 0.0], [0.0, 1.0]]``
    """
    if hasattr(got, "tolist") and getattr(got, "ndim", 0) == 2:
        got = got.tolist()
    if not isinstance(got, (list, tuple)) or len(got) != size:
        rows = f"{len(got)} rows" if isinstance(got, (list, tuple)) else show(got, 60)
        raise Hint(f"expected a {size} x {size} table (one row per previous token), got "
                   f"{type(got).__name__} {rows}.")
    return [as_numbers(row, size, f"row {a}") for a, row in enumerate(got)]


@register("markov-discounting")
def check_discounting(answer, rng: random.Random) -> None:
    """Lesson 6, exercise 4: ``discounted_matrix(counts, vocab_size, discount)`` against ``NGramModel``.

    Example: ``check("markov-discounting", discounted_matrix)``
    """
    expect_function(answer, "discounted_matrix")

    def compare(got, expected, case):
        rows = as_matrix(got, case.args[1])
        for a, (row, want) in enumerate(zip(rows, expected.tolist())):
            if any(abs(g - w) > 1e-6 for g, w in zip(row, want)):
                raise Hint(f"row {a} (the next token after {a}) should be {[round(w, 4) for w in want]}, "
                           f"got {[round(g, 4) for g in row]}.")

    counts = count_bigrams_reference([[1, 2, 1, 2, 3], [2, 1, 3, 3]])
    cases = [Case((counts, 4, 0.75), "token 0 is never a previous token: its row is the unigram P1"),
             Case((counts, 5, 0.5), "token 4 is never seen at all"), Case(({}, 3, 0.75), "no counts: uniform")]
    for _ in range(8):
        vocab = rng.randint(3, 7)
        counts = count_bigrams_reference(_random_sequences(rng, vocab))
        cases.append(Case((counts, vocab, rng.choice([0.25, 0.5, 0.75, 0.9]))))
    run_cases(answer, "discounted_matrix", cases, discounted_matrix_reference, compare, mistakes={
        "the discounted mass goes to the unigram P1, not to the uniform 1 / vocab_size":
            lambda c, v, d: _discounted_to_uniform(c, v, d)})


def _discounted_to_uniform(counts: dict, vocab_size: int, discount: float) -> np.ndarray:
    """A known mistake: back off from the bigram counts straight to the uniform distribution."""
    out = discounted_matrix_reference(counts, vocab_size, discount)
    for a in range(vocab_size):
        row = {b: c for (x, b), c in counts.items() if x == a}
        if row:
            total = sum(row.values())
            out[a] = discount * len(row) / total / vocab_size
            for b, c in row.items():
                out[a, b] += max(c - discount, 0) / total
    return out


def held_out_nll_reference(probs, sequences: list) -> float:
    """Mean negative log-likelihood (nats) of every bigram inside the sequences: -ln probs[previous][next].

    Example: ``held_out_nll_reference([[0.5, 0.5], [0.5, 0.5]], [[0, 1, 1]])`` -> ``0.693...``
    """
    logs = [math.log(float(probs[a][b])) for seq in sequences for a, b in zip(seq, seq[1:])]
    return -sum(logs) / len(logs)


@register("markov-held-out")
def check_held_out(answer, rng: random.Random) -> None:
    """Lesson 6, exercise 5: ``held_out_nll(probs, sequences)``.

    Example: ``check("markov-held-out", held_out_nll)``
    """
    expect_function(answer, "held_out_nll")
    skewed = [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.6, 0.1]]
    cases = [Case((skewed, [[0, 0, 2], [1, 2]]), "a table that is not symmetric: probs[previous][next]"),
             Case((skewed, [[2, 1, 0, 2, 2], [1], []]), "sequences of one and zero tokens add nothing")]
    for _ in range(10):
        vocab = rng.randint(3, 6)
        table = np.array([[rng.random() + 0.05 for _ in range(vocab)] for _ in range(vocab)])
        table /= table.sum(axis=1, keepdims=True)
        sequences = [s for s in _random_sequences(rng, vocab, rng.randint(2, 4))]
        sequences.append([rng.randrange(vocab), rng.randrange(vocab)])
        cases.append(Case((table.round(3) if rng.random() < 0.5 else table.round(3).tolist(), sequences)))
    run_cases(answer, "held_out_nll", cases, held_out_nll_reference,
              lambda got, want, case: _close(got, want, "the mean over every bigram of every sequence "
                                             "(not the mean of per-sequence means) of -ln probs[previous][next]"),
              mistakes={"average over all bigrams together, not sequence by sequence": _per_sequence_mean,
                        "the row is the previous token: probs[previous][next], not probs[next][previous]":
                            lambda p, s: held_out_nll_reference([list(r) for r in zip(*p)], s),
                        "natural logarithms (nats), not log2": lambda p, s: held_out_nll_reference(p, s) / math.log(2)})


def _per_sequence_mean(probs, sequences: list) -> float:
    """A known mistake: the mean of each sequence's mean."""
    means = [held_out_nll_reference(probs, [s]) for s in sequences if len(s) > 1]
    return sum(means) / len(means)
