"""Checks for lesson 11, "How good is it?" (solutions/medium/11_how_good_is_it.ipynb).

* ``eval-frame-nll``: the frame NLL of given key probabilities, compared with
  :func:`helpers.jsb.frame_nll_from_probs` (natural log, summed over the 88
  keys, mean over frames, probabilities clipped into [1e-7, 1 - 1e-7]);
* ``eval-overlap``: the overlapping area of two histograms, compared with
  :func:`helpers.metrics.histogram_overlap` (each normalised, sum of the
  smaller bin);
* ``eval-shared-run``: the longest transposition-free run of notes two
  melodies share, compared with :func:`helpers.metrics.longest_shared_run`.

Each names the usual mistakes: bits for nats, a mean over keys, a missing
``1 - p`` term, no clipping; unnormalised histograms, ``max`` for ``min``;
absolute pitches for intervals, intervals counted instead of notes.
"""

import math
import random

import numpy as np

from helpers.check.calling import call, expect_function
from helpers.check.cases import Case, _known_mistake, run_cases
from helpers.check.compare import expect_int, expect_number
from helpers.check.core import Hint, StopCheck, register
from helpers.check.protect import snapshot
from helpers.jsb import PROB_CLIP, frame_nll_from_probs
from helpers.metrics import histogram_overlap, longest_shared_run

KEYS = 88


# --- eval-frame-nll ---------------------------------------------------------------------

def _frames(rng: random.Random, n: int) -> np.ndarray:
    """``n`` chorale-like frames: 0 to 5 keys sounding, mostly in the middle of the piano."""
    frames = np.zeros((n, KEYS))
    for t in range(n):
        for _ in range(rng.choice([0, 3, 4, 4, 4, 5])):
            frames[t, min(max(int(rng.gauss(40, 10)), 0), KEYS - 1)] = 1
    return frames


def _probs(rng: random.Random, frames: np.ndarray) -> np.ndarray:
    """Key probabilities a half-trained model might give: most keys unlikely, the sounding ones likelier."""
    noise = np.array([[rng.random() for _ in range(KEYS)] for _ in range(len(frames))])
    return np.round(np.clip(0.02 + 0.05 * noise + 0.6 * frames * noise, 0.001, 0.999), 4)


def _frame_nll_cases(rng: random.Random) -> list[Case]:
    silent, one = np.zeros((1, KEYS)), np.zeros((1, KEYS))
    one[0, 39] = 1                                             # middle C sounds
    half = np.full((1, KEYS), 0.5)
    certain = np.where(one == 1, 1.0, 0.0)                    # p = 1 where it sounds, 0 elsewhere
    wrong_zero = np.full((1, KEYS), 0.1)
    wrong_zero[0, 39] = 0.0                                    # middle C sounds, the model said 0
    cases = [Case((half, silent), "one silent frame, every key p = 0.5: 88 log 2 nats"),
             Case((np.full((1, KEYS), 0.1), one), "one frame, middle C sounds, every key p = 0.1"),
             Case((wrong_zero, one), "middle C sounds but its p is exactly 0: clipped to 1e-7, 16.1 nats"),
             Case((certain, one), "p = 1 where a key sounds and p = 0 where it does not: clipped, about 0")]
    for n in (2, 3, 5, 8, 16):
        frames = _frames(rng, n)
        cases.append(Case((_probs(rng, frames), frames)))
    frames = _frames(rng, 6)
    probs = _probs(rng, frames)
    probs[0, rng.randrange(KEYS)], probs[-1, rng.randrange(KEYS)] = 0.0, 1.0   # float32 rounding
    cases.append(Case((probs, frames), "one key with p exactly 0 and one with p exactly 1"))
    return cases


def _bits(probs, frames):
    return frame_nll_from_probs(probs, frames) / math.log(2)


def _mean_over_keys(probs, frames):
    return frame_nll_from_probs(probs, frames) / KEYS


def _only_sounding_keys(probs, frames):
    p = np.clip(np.asarray(probs, float), PROB_CLIP, 1 - PROB_CLIP)
    return float(-(np.asarray(frames) * np.log(p)).sum(1).mean())


def _sum_over_frames(probs, frames):
    return frame_nll_from_probs(probs, frames) * len(frames)


def _float32(probs, frames):
    p = np.clip(np.asarray(probs, np.float32), np.float32(PROB_CLIP), np.float32(1 - PROB_CLIP))
    x = np.asarray(frames, np.float32)
    return float(-(x * np.log(p) + (1 - x) * np.log(1 - p)).sum(1).mean())


def _exact(probs, frames):
    p, x = np.asarray(probs, float), np.asarray(frames, float)
    with np.errstate(divide="ignore"):
        return float(-np.where(x == 1, np.log(p), np.log1p(-p)).sum(1).mean())


@register("eval-frame-nll")
def check_frame_nll(answer, rng: random.Random) -> None:
    """Lesson 11, exercise 1: ``frame_nll(probs, frames)``. Example: ``check("eval-frame-nll", frame_nll)``"""
    expect_function(answer, "frame_nll")

    def compare(got, expected, case):
        value = expect_number(got, "frame_nll(...)")
        if math.isnan(value) or math.isinf(value):
            raise Hint(f"expected {expected:.6g} nats, got {value}: a probability of exactly 0 or 1 "
                       f"meets log(0). Clip the probabilities into [{PROB_CLIP:g}, 1 - {PROB_CLIP:g}] first "
                       "(np.clip), in float64.")
        if not math.isclose(value, expected, rel_tol=1e-6, abs_tol=1e-9):
            raise Hint(f"expected {expected:.6g} nats per frame, got {value:.6g}.")

    mistakes = {f"clip p into [{PROB_CLIP:g}, 1 - {PROB_CLIP:g}] before taking logs: p = 0 or 1 comes from "
                "rounding, not from the model": _exact,
                "natural logarithms (nats), not log2 (bits)": _bits,
                "sum over the 88 keys of a frame, then the mean over the frames (you took the mean over keys)":
                    _mean_over_keys,
                "the keys that are off count too: add (1 - x) log(1 - p)": _only_sounding_keys,
                "the mean over the frames, not their sum": _sum_over_frames,
                "compute in float64 (np.asarray(probs, dtype=float)): in float32, 1 - 1e-7 rounds to "
                "1 - 1.19e-7": _float32}
    _run_frame_cases(answer, _frame_nll_cases(rng), compare, mistakes)


def _run_frame_cases(answer, cases: list[Case], compare, mistakes: dict) -> None:
    """:func:`~helpers.check.cases.run_cases` for (T, 88) arrays: the hint describes the input in words."""
    failures = []
    for index, case in enumerate(cases):
        expected = frame_nll_from_probs(*snapshot(case.args))
        got = None
        try:
            got = call(answer, *snapshot(case.args), name="frame_nll")
            compare(got, expected, case)
        except StopCheck:
            raise
        except Hint as hint:
            failures.append((len(case.args[1]), index, case, str(hint), got))
    if failures:
        _, _, case, message, got = min(failures, key=lambda f: f[:2])
        note = f" [This input: {case.note}.]" if case.note else ""
        tip = _known_mistake(got, case, compare, mistakes)
        raise Hint(f"frame_nll(probs, frames) with {_describe_frames(*case.args)}: {message}{note}{tip} "
                   f"(Right on {len(cases) - len(failures)} of {len(cases)} inputs.)")


def _describe_frames(probs: np.ndarray, frames: np.ndarray) -> str:
    """The input in words: each frame's sounding keys, the probabilities' range, where p is 0 or 1."""
    sounding = "; ".join(f"frame {t}: keys {np.nonzero(row)[0].tolist()}" for t, row in enumerate(frames[:4]))
    more = f"; ... ({len(frames)} frames)" if len(frames) > 4 else ""
    lo, hi = float(probs.min()), float(probs.max())
    shown = f"p = {lo:g} for every key" if lo == hi else f"p from {lo:g} to {hi:g}"
    for value in (0.0, 1.0):
        where = np.argwhere(probs == value).tolist()
        if len(where) and lo != hi:
            shown += f", exactly {value:g} at (frame, key) {where[:3]}{' ...' if len(where) > 3 else ''}"
    return f"{len(frames)} frame(s) of 88 keys ({sounding}{more}), {shown}"


# --- eval-overlap -------------------------------------------------------------------------

def _histogram(rng: random.Random, bins: int, scale: float) -> list:
    """Random counts (some bins empty), or a density when ``scale`` is not 1."""
    counts = [rng.choice([0, 0, 1, 2, 3, 5, 8, 13]) for _ in range(bins)]
    counts[rng.randrange(bins)] += 1                       # a positive total
    return counts if scale == 1 else [round(c * scale, 4) for c in counts]


def _overlap_cases(rng: random.Random) -> list[Case]:
    cases = [Case(([1, 1, 0], [1, 1, 0]), "the same histogram: 1"),
             Case(([1, 0, 0], [0, 0, 1]), "no bin in common: 0"),
             Case(([2, 2, 0], [0, 1, 1]), "different totals: scale each to 1 first"),
             Case(([10, 30, 60], [1, 3, 6]), "the same shape, ten times the counts: 1"),
             Case(([0.5, 1.5], [1, 1]), "densities, not counts")]
    for _ in range(10):
        bins = rng.randint(3, 12)
        cases.append(Case((_histogram(rng, bins, 1), _histogram(rng, bins, rng.choice([1, 1, 0.01, 2.5])))))
    cases.append(Case((np.array(_histogram(rng, 12, 1), dtype=float), np.array(_histogram(rng, 12, 1), dtype=float)),
                      "numpy arrays"))
    return cases


def _raw(p, q):
    return float(np.minimum(np.asarray(p, float), np.asarray(q, float)).sum())


def _with_max(p, q):
    p, q = np.asarray(p, float), np.asarray(q, float)
    return float(np.maximum(p / p.sum(), q / q.sum()).sum())


def _by_peak(p, q):
    p, q = np.asarray(p, float), np.asarray(q, float)
    return float(np.minimum(p / p.max(), q / q.max()).sum())


def _first_only(p, q):
    p, q = np.asarray(p, float), np.asarray(q, float)
    return float(np.minimum(p / p.sum(), q).sum())


def _distance(p, q):
    p, q = np.asarray(p, float), np.asarray(q, float)
    return float(np.abs(p / p.sum() - q / q.sum()).sum())


@register("eval-overlap")
def check_overlap(answer, rng: random.Random) -> None:
    """Lesson 11, exercise 2: ``overlap(p, q)``. Example: ``check("eval-overlap", overlap)``"""
    expect_function(answer, "overlap")

    def compare(got, expected, case):
        value = expect_number(got, "overlap(p, q)")
        if not math.isclose(value, expected, rel_tol=1e-6, abs_tol=1e-9):
            raise Hint(f"expected {expected:.6g}, got {value:.6g}.")

    mistakes = {"scale each histogram to total 1 first (p / p.sum()): counts of different sizes do not compare":
                    _raw,
                "the overlap is under both curves at once: the smaller of the two bins (min, not max)": _with_max,
                "scale each to total 1 (divide by its sum, not its largest bin)": _by_peak,
                "scale both histograms, q too": _first_only,
                "that is the distance sum |p - q|; the overlap is sum min(p, q)": _distance}
    run_cases(answer, "overlap", _overlap_cases(rng), histogram_overlap, compare, mistakes)


# --- eval-shared-run ------------------------------------------------------------------------

def _melody(rng: random.Random, n: int) -> list[int]:
    """A folk-like melody: small steps and a few leaps, within a singable range."""
    pitches = [rng.randint(60, 72)]
    for _ in range(n - 1):
        pitches.append(min(max(pitches[-1] + rng.choice([-2, -1, 0, 1, 2, 2, -3, 3, 5, -5, 7]), 48), 88))
    return pitches


def _shared_run_cases(rng: random.Random) -> list[Case]:
    cases = [Case(([60, 62, 64, 65], [67, 69, 71, 50]), "the same steps a fifth higher: 3 notes"),
             Case(([60, 62, 64], [60, 62, 64]), "the same melody: all 3 notes"),
             Case(([72], [72]), "one note each: a single note always matches, 1"),
             Case(([], [60, 62]), "an empty melody: 0"),
             Case(([60, 64, 67], [60, 61, 63]), "no interval in common: 1 note"),
             Case(([60, 62, 64, 60, 62, 64, 65], [50, 52, 54, 55]), "the match ends the piece"),
             Case(([64, 62, 60], [60, 62, 64]), "the same steps downwards are no copy: 1 note")]
    for _ in range(8):
        tune = _melody(rng, rng.randint(8, 30))
        start, length = rng.randint(0, len(tune) - 4), rng.randint(3, 8)
        shift = rng.choice([-7, -5, -2, 2, 3, 5, 12])
        copied = [p + shift for p in tune[start:start + length]]
        piece = _melody(rng, rng.randint(0, 8)) + copied + _melody(rng, rng.randint(0, 8))
        cases.append(Case((piece, tune), "a run of the tune, transposed, inside the piece"))
    for _ in range(4):
        cases.append(Case((_melody(rng, rng.randint(5, 20)), _melody(rng, rng.randint(5, 20)))))
    return cases


def _pitches_not_intervals(piece, tune):
    best = 0
    for i in range(len(piece)):
        for j in range(len(tune)):
            k = 0
            while i + k < len(piece) and j + k < len(tune) and piece[i + k] == tune[j + k]:
                k += 1
            best = max(best, k)
    return best


@register("eval-shared-run")
def check_shared_run(answer, rng: random.Random) -> None:
    """Lesson 11, exercise 3: ``longest_shared_run(piece, tune)``. Example: ``check("eval-shared-run", longest_shared_run)``"""
    expect_function(answer, "longest_shared_run")

    def compare(got, expected, case):
        value = expect_int(got, "longest_shared_run(...)")
        if value != expected:
            raise Hint(f"expected {expected} notes, got {value}.")

    mistakes = {"compare intervals, not pitches: a copy in another key is still a copy": _pitches_not_intervals,
                "count notes, not intervals: k shared intervals are k + 1 notes":
                    lambda piece, tune: max(longest_shared_run(piece, tune) - 1, 0),
                "an empty melody shares no notes (0); two melodies with notes always share at least 1":
                    lambda piece, tune: longest_shared_run(piece, tune) or 1}
    run_cases(answer, "longest_shared_run", _shared_run_cases(rng), longest_shared_run, compare, mistakes)
