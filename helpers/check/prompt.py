"""Checks for lesson 9, "From prompt to music" (notebooks/medium/09_from_prompt_to_music.ipynb).

* ``prompt-key-words``: the parser for the key field, compared with
  :func:`helpers.prompt.key_from_words` on every tonic spelling and mode;
* ``prompt-key-correlations``: the Krumhansl-Schmuckler correlations, compared
  with :func:`helpers.keys.key_correlations` on real-looking random profiles;
* ``prompt-drop-conditions``: dropping conditions at random, checked by
  statistics over thousands of calls (each condition kept with probability
  1 - p, independently, in order, from the ``rng`` it is given);
* ``prompt-confusion``: the counts behind a confusion matrix, compared with
  :func:`helpers.obedience.confusion_counts`;
* ``prompt-guidance``: classifier-free guidance's mix of two runs' logits,
  compared with :func:`helpers.sampling.guided_logits` on random logits, one
  piece or a batch, at guidance 0, 1 and between and beyond.
"""

import math
import random

import numpy as np

from helpers.check.calling import call, expect_function
from helpers.check.cases import Case, run_cases
from helpers.check.compare import expect_float_tensor, expect_list
from helpers.check.core import Hint, register
from helpers.conditioning import condition_tokens
from helpers.keys import MODE_DEGREES, key_correlations, key_tonic, pitch_class
from helpers.obedience import confusion_counts
from helpers.prompt import key_from_words
from helpers.sampling import guided_logits

SPELLINGS = {0: ["C", "c"], 1: ["C#", "Db", "D flat", "c sharp"], 2: ["D", "d"], 3: ["Eb", "D#", "E flat"],
             4: ["E", "e"], 5: ["F", "f"], 6: ["F#", "Gb", "F sharp", "g flat"], 7: ["G", "g"],
             8: ["Ab", "G#", "A flat", "g sharp"], 9: ["A", "a"], 10: ["Bb", "A#", "B flat", "b flat"],
             11: ["B", "b"]}
MODES = ["", "major", "minor", *MODE_DEGREES]
MINOR_CHURCH_MODES = ("dorian", "phrygian", "aeolian", "locrian")


@register("prompt-key-words")
def check_key_words(answer, rng: random.Random) -> None:
    """Lesson 9, exercise 1: ``key_from_words(note, mode)``. Example: ``check("prompt-key-words", key_from_words)``"""
    expect_function(answer, "key_from_words")

    def compare(got, expected, case):
        if not isinstance(got, str):
            raise Hint(f"expected the key's name as a str such as {expected!r}, got "
                       f"{type(got).__name__} {got!r}.")
        if got != expected and _same_key(got, expected):
            raise Hint(f"expected {expected!r}, got {got!r}: the same key, but spell each key as "
                       "in KEYS (Db, not C#; G#m, not Abm), so that it names a token.")
        if got != expected:
            raise Hint(f"expected {expected!r}, got {got!r}.")

    cases = [Case(("D", ""), "no mode: major"), Case(("a", "minor"), "a lower-case letter"),
             Case(("E", "dorian"), "dorian has a minor third"),
             Case(("D", "mixolydian"), "mixolydian has a major third"),
             Case(("C#", "major"), "C# major is spelled Db"), Case(("B flat", "minor"), "' flat'"),
             Case(("F sharp", "minor"), "' sharp'"), Case(("Gb", ""), "Gb major is spelled F#"),
             Case(("Ab", "minor"), "Ab minor is spelled G#m")]
    for _ in range(24):
        tonic = rng.randrange(12)
        cases.append(Case((rng.choice(SPELLINGS[tonic]), rng.choice(MODES))))
    mistakes = {"modes fold by their third: dorian, phrygian, aeolian and locrian are minor":
                lambda note, mode: key_from_words(note, "major" if mode in MINOR_CHURCH_MODES else mode)}
    run_cases(answer, "key_from_words", cases, key_from_words, compare, mistakes)


def _same_key(got: str, expected: str) -> bool:
    """True when ``got`` spells the key ``expected`` another way ("C#" for "Db")."""
    try:
        return (pitch_class(got.removesuffix("m")) == key_tonic(expected)
                and got.endswith("m") == expected.endswith("m"))
    except ValueError:
        return False


def _random_profile(rng: random.Random) -> list[float]:
    """Seconds per pitch class of a tune-like melody: a scale, its tonic and fifth weighted, some zeros."""
    tonic, minor = rng.randrange(12), rng.random() < 0.4
    steps = (0, 2, 3, 5, 7, 8, 10) if minor else (0, 2, 4, 5, 7, 9, 11)
    profile = [0.0] * 12
    for step in steps:
        profile[(tonic + step) % 12] = round(rng.uniform(0.2, 3.0), 3)
    profile[tonic] += 3.0
    profile[(tonic + 7) % 12] += 1.5
    if rng.random() < 0.5:
        profile[rng.randrange(12)] += round(rng.uniform(0.0, 1.0), 3)
    return profile


@register("prompt-key-correlations")
def check_key_correlations(answer, rng: random.Random) -> None:
    """Lesson 9, exercise 2: ``key_correlations(profile)``. Example: ``check("prompt-key-correlations", key_correlations)``"""
    expect_function(answer, "key_correlations")

    def compare(got, expected, case):
        if not isinstance(got, np.ndarray):
            raise Hint(f"expected a numpy array of 24 correlations (the next cell takes np.argmax of "
                       f"it), got {type(got).__name__}.")
        if got.shape != (24,):
            raise Hint(f"expected shape (24,): 12 major keys, then 12 minor ones; got {got.shape}.")
        if not np.allclose(got, expected, atol=1e-6):
            worst = int(np.argmax(np.abs(got - expected)))
            raise Hint(f"entry {worst} ({'minor' if worst >= 12 else 'major'}, tonic {worst % 12}) "
                       f"should be {expected[worst]:.4f}, got {got[worst]:.4f}.")

    scale = [1.0, 0, 1.0, 0, 1.0, 1.0, 0, 1.0, 0, 1.0, 0, 1.0]
    cases = [Case((scale,), "the C major scale, every note alike"),
             Case(([2.0] + [0.0] * 11,), "only C sounds"),
             Case(([0.5] * 12,), "a flat profile: all 24 correlations are 0"),
             Case(([0.0] * 12,), "no notes: all 0")]
    cases += [Case((_random_profile(rng),)) for _ in range(12)]
    mistakes = {"rotate the key profile so that its first entry (the tonic) lands on pitch class t: "
                "np.roll(profile, t)": _rolled_the_wrong_way,
                "Pearson's correlation subtracts each one's mean first (np.corrcoef)": _cosine,
                "the first 12 entries are the major keys, then the minor ones": _minor_first}
    run_cases(answer, "key_correlations", cases, key_correlations, compare, mistakes)


def _rolled_the_wrong_way(profile):
    scores = key_correlations(profile)     # np.roll(weights, -t) puts tonic t's scores at -t
    back = [(-t) % 12 for t in range(12)]
    return np.concatenate([scores[:12][back], scores[12:][back]])


def _cosine(profile):
    from helpers.keys import KRUMHANSL_MAJOR, KRUMHANSL_MINOR

    p = np.asarray(profile, float)
    return np.array([p @ np.roll(w, t) / (np.linalg.norm(p) * np.linalg.norm(w) or 1)
                     for w in (KRUMHANSL_MAJOR, KRUMHANSL_MINOR) for t in range(12)])


def _minor_first(profile):
    scores = key_correlations(profile)
    return np.concatenate([scores[12:], scores[:12]])


@register("prompt-drop-conditions", seconds=10)
def check_drop_conditions(answer, rng: random.Random) -> None:
    """Lesson 9, exercise 3: ``drop_conditions(conditions, p, rng)``. Example: ``check("prompt-drop-conditions", drop_conditions)``"""
    expect_function(answer, "drop_conditions")
    names = rng.sample(condition_tokens(), 5)
    for p in (0.0, 1.0):
        got = call(answer, list(names), p, random.Random(1), name="drop_conditions", may_change=(2,))
        expect_list(got, f"drop_conditions({names}, {p}, rng)")
        if got != (list(names) if p == 0 else []):
            raise Hint(f"with p={p} every condition should be "
                       f"{'kept, in their order' if p == 0 else 'dropped'} (p is the chance to drop "
                       f"each one): expected {list(names) if p == 0 else []}, got {got!r}.")
    p, trials = rng.choice([0.3, 0.5, 0.7]), 3000
    seed = rng.randrange(10 ** 6)
    draws = random.Random(seed)
    results = [call(answer, names, p, draws, name="drop_conditions", may_change=(2,)) for _ in range(trials)]
    _check_results(results, names, p, trials)
    random.seed(seed + 1)    # the global generator must not matter, only the rng passed in
    again = [call(answer, names, p, random.Random(seed), name="drop_conditions", may_change=(2,))
             for _ in range(3)]
    if any(a != results[0] for a in again):
        raise Hint("two calls with generators seeded alike gave different results: draw from the "
                   "rng you are given (rng.random()), not from the random module itself.")


def _check_results(results, names, p, trials):
    for got in results[:20]:
        expect_list(got, f"drop_conditions({names}, {p}, rng)")
        if got != [n for n in names if n in got] or len(set(got)) != len(got):
            raise Hint(f"drop_conditions({names}, {p}, rng) gave {got!r}: keep the conditions that "
                       "stay in their order, each once.")
    spread = 4 * math.sqrt(p * (1 - p) / trials)
    for name in names:
        kept = sum(name in got for got in results) / trials
        if abs(kept - (1 - p)) > spread:
            raise Hint(f"with p={p}, {name!r} was kept in {kept:.0%} of {trials} calls; it should be "
                       f"kept in about {1 - p:.0%} (dropped with probability p).")
    both = sum(names[0] in got and names[1] in got for got in results) / trials
    if abs(both - (1 - p) ** 2) > 4 * math.sqrt((1 - p) ** 2 * (1 - (1 - p) ** 2) / trials) + 0.01:
        raise Hint(f"with p={p}, the first two conditions were kept together in {both:.0%} of the "
                   f"calls instead of about {(1 - p) ** 2:.0%}: draw once per condition, not once "
                   "for the whole list.")


@register("prompt-confusion")
def check_confusion(answer, rng: random.Random) -> None:
    """Lesson 9, exercise 4: ``confusion_counts(asked, found, labels)``. Example: ``check("prompt-confusion", confusion_counts)``"""
    expect_function(answer, "confusion_counts")

    def compare(got, expected, case):
        if not isinstance(got, np.ndarray):
            raise Hint(f"expected a numpy array, got {type(got).__name__}.")
        if got.shape != expected.shape:
            raise Hint(f"expected shape {expected.shape} (one row and one column per label), got {got.shape}.")
        if not np.issubdtype(got.dtype, np.integer):
            raise Hint("expected whole-number counts (an int array: np.zeros(..., dtype=int)), got "
                       f"dtype {got.dtype}.")
        if not np.array_equal(got, expected):
            raise Hint(f"expected {expected.tolist()}, got {got.tolist()}.")

    meters = ["2/4", "3/4", "6/8"]
    cases = [Case(([], [], meters), "no pieces"),
             Case((["6/8", "6/8", "3/4"], ["6/8", "2/4", "3/4"], meters), "rows: asked; columns: found"),
             Case((["6/8", "9/8"], ["5/4", "6/8"], meters), "values outside labels are not counted")]
    for _ in range(10):
        labels = rng.sample(["2/4", "3/4", "4/4", "6/8", "9/8", "2/2"], rng.randint(2, 5))
        values = labels + ["5/4"]
        n = rng.randint(3, 25)
        cases.append(Case(([rng.choice(values) for _ in range(n)], [rng.choice(values) for _ in range(n)], labels)))
    mistakes = {"rows are what was asked, columns what came out (you have them the other way)":
                lambda a, f, labels: confusion_counts(f, a, labels)}
    run_cases(answer, "confusion_counts", cases, confusion_counts, compare, mistakes)


@register("prompt-guidance")
def check_guidance(answer, rng: random.Random) -> None:
    """Lesson 9, exercise 5: ``guided_logits(prompted, free, guidance)``. Example: ``check("prompt-guidance", guided_logits)``"""
    import torch

    expect_function(answer, "guided_logits")

    def compare(got, expected, case):
        expect_float_tensor(got, tuple(expected.shape), "the guided logits")
        if not torch.allclose(got.double(), expected.double(), rtol=1e-4, atol=1e-4):
            raise Hint(f"expected {_rounded(expected)}, got {_rounded(got)}.")

    generator = torch.Generator().manual_seed(rng.randrange(2 ** 31))

    def logits(*shape):
        return torch.randn(*shape, generator=generator) * 3

    prompted, free = torch.tensor([2.0, 0.0, -1.0]), torch.tensor([1.0, 1.0, 0.0])
    cases = [Case((prompted, free, 1.0), "guidance 1: the prompted logits"),
             Case((prompted, free, 0.0), "guidance 0: the free logits"),
             Case((prompted, free, 2.0), "guidance 2: twice as far from the free logits"),
             Case((logits(2, 4), logits(2, 4), 1.5), "a batch of 2 pieces")]
    for _ in range(8):
        shape = rng.choice([(5,), (3, 6), (1, 8)])
        cases.append(Case((logits(*shape), logits(*shape), rng.choice([0.5, 1.5, 2.0, 3.0, 7.5]))))
    mistakes = {"start from the free logits and add guidance x (prompted - free)":
                lambda p, f, g: p + g * (p - f),
                "the step goes from the free logits towards the prompted ones: prompted - free, not free - prompted":
                lambda p, f, g: f + g * (f - p),
                "add the free logits to the scaled difference":
                lambda p, f, g: g * (p - f),
                "return logits, not probabilities: no softmax":
                lambda p, f, g: torch.softmax(guided_logits(p, f, g), dim=-1)}
    run_cases(answer, "guided_logits", cases, guided_logits, compare, mistakes)


def _rounded(tensor) -> list:
    return [round(float(x), 3) for x in tensor.flatten()][:8]
