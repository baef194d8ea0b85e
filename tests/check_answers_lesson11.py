"""Answers for the checks of lesson 11: right ones, right ones written differently, wrong ones.

The same layout as check_answers_lesson9.py: each wrong answer comes with a
piece of text its hint must contain. tests/test_check.py runs them.
"""

import math

import numpy as np
import torch

from helpers.jsb import frame_nll_from_probs
from helpers.metrics import histogram_overlap, longest_shared_run


# --- eval-frame-nll ------------------------------------------------------------------

def _nll(probs, frames):
    p = np.clip(np.asarray(probs, dtype=float), 1e-7, 1 - 1e-7)
    x = np.asarray(frames, dtype=float)
    return float(-(x * np.log(p) + (1 - x) * np.log(1 - p)).sum(axis=1).mean())


def _nll_loops(probs, frames):
    total = 0.0
    for p_row, x_row in zip(probs, frames):
        for p, x in zip(p_row, x_row):
            p = min(max(float(p), 1e-7), 1 - 1e-7)
            total -= math.log(p) if x else math.log(1 - p)
    return total / len(frames)


def _nll_torch(probs, frames):
    p = torch.as_tensor(probs, dtype=torch.float64).clamp(1e-7, 1 - 1e-7)
    x = torch.as_tensor(frames, dtype=torch.float64)
    return torch.nn.functional.binary_cross_entropy(p, x, reduction="none").sum(-1).mean().item()


def _nll_where(probs, frames):
    p = np.clip(np.asarray(probs, dtype=float), 1e-7, 1 - 1e-7)
    return float(-np.where(np.asarray(frames) == 1, np.log(p), np.log1p(-p)).sum() / len(frames))


def _nll_bits(probs, frames):
    p = np.clip(np.asarray(probs, dtype=float), 1e-7, 1 - 1e-7)
    x = np.asarray(frames, dtype=float)
    return float(-(x * np.log2(p) + (1 - x) * np.log2(1 - p)).sum(axis=1).mean())


def _nll_mean_over_keys(probs, frames):
    p = np.clip(np.asarray(probs, dtype=float), 1e-7, 1 - 1e-7)
    x = np.asarray(frames, dtype=float)
    return float(-(x * np.log(p) + (1 - x) * np.log(1 - p)).mean())


def _nll_no_off_term(probs, frames):
    p = np.clip(np.asarray(probs, dtype=float), 1e-7, 1 - 1e-7)
    return float(-(np.asarray(frames) * np.log(p)).sum(axis=1).mean())


def _nll_no_clip(probs, frames):
    p, x = np.asarray(probs, dtype=float), np.asarray(frames, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(-(x * np.log(p) + (1 - x) * np.log(1 - p)).sum(axis=1).mean())


def _nll_exact_where(probs, frames):
    """No nan (np.where), but no clipping either: an impossible key gives inf."""
    p = np.asarray(probs, dtype=float)
    with np.errstate(divide="ignore"):
        return float(-np.where(np.asarray(frames) == 1, np.log(p), np.log1p(-p)).sum(axis=1).mean())


def _nll_clips_in_place(probs, frames):
    np.clip(probs, 1e-7, 1 - 1e-7, out=probs)
    return _nll(probs, frames)


def _nll_float32(probs, frames):
    p = torch.as_tensor(probs, dtype=torch.float32).clamp(1e-7, 1 - 1e-7)
    x = torch.as_tensor(frames, dtype=torch.float32)
    return float(-(x * p.log() + (1 - x) * (1 - p).log()).sum(-1).mean())


# --- eval-overlap ----------------------------------------------------------------------

def _overlap_loops(p, q):
    sp, sq = sum(p), sum(q)
    return sum(min(a / sp, b / sq) for a, b in zip(p, q))


def _overlap_half_distance(p, q):
    p, q = np.asarray(p, float), np.asarray(q, float)
    return 1 - 0.5 * float(np.abs(p / p.sum() - q / q.sum()).sum())


def _overlap_normalising_in_place(p, q):
    p /= p.sum()
    q /= q.sum()
    return float(np.minimum(p, q).sum())


# --- eval-shared-run ------------------------------------------------------------------

def _common_run(a, b):
    """The longest run of equal items that a and b share, by plain loops."""
    best = 0
    for i in range(len(a)):
        for j in range(len(b)):
            k = 0
            while i + k < len(a) and j + k < len(b) and a[i + k] == b[j + k]:
                k += 1
            best = max(best, k)
    return best


def _run_loops(piece, tune):
    if not piece or not tune:
        return 0
    steps = [y - x for x, y in zip(piece, piece[1:])]
    return _common_run(steps, [y - x for x, y in zip(tune, tune[1:])]) + 1


def _run_by_strings(piece, tune):
    """Intervals as text, then the longest slice of one found in the other."""
    if len(piece) == 0 or len(tune) == 0:
        return 0
    a = [f"{y - x:+d}," for x, y in zip(piece, piece[1:])]
    b = "," + "".join(f"{y - x:+d}," for x, y in zip(tune, tune[1:]))
    best = 0
    for i in range(len(a)):
        for j in range(i + 1, len(a) + 1):
            if "," + "".join(a[i:j]) in b:
                best = max(best, j - i)
    return best + 1


def _run_intervals(piece, tune):
    return max(longest_shared_run(piece, tune) - 1, 0)


def _run_plus_one_always(piece, tune):
    return _common_run(np.diff(piece), np.diff(tune)) + 1


def _run_pitches(piece, tune):
    return _common_run(piece, tune)


def _run_abs_intervals(piece, tune):
    return _run_loops([0] + list(np.cumsum(np.abs(np.diff(piece)))) if piece else [],
                      [0] + list(np.cumsum(np.abs(np.diff(tune)))) if tune else [])


def _run_from_the_start(piece, tune):
    if not piece or not tune:
        return 0
    k = 1
    while k < len(piece) and k < len(tune) and piece[k] - piece[k - 1] == tune[k] - tune[k - 1]:
        k += 1
    return k


def _run_sorting(piece, tune):
    result = longest_shared_run(piece, tune)
    piece.sort()
    return result


RIGHT = {
    "eval-frame-nll": frame_nll_from_probs,
    "eval-overlap": histogram_overlap,
    "eval-shared-run": longest_shared_run,
}

ALSO_RIGHT = {
    "eval-frame-nll": [_nll, _nll_loops, _nll_torch, _nll_where],
    "eval-overlap": [_overlap_loops, _overlap_half_distance,
                     lambda p, q: float(np.minimum(np.divide(p, np.sum(p)), np.divide(q, np.sum(q))).sum())],
    "eval-shared-run": [_run_loops, _run_by_strings],
}

WRONG = {
    "eval-frame-nll": [
        (_nll_bits, "not log2"),
        (_nll_mean_over_keys, "sum over the 88 keys"),
        (_nll_no_off_term, "the keys that are off count too"),
        (_nll_no_clip, "Clip the probabilities"),
        (_nll_exact_where, "Clip the probabilities"),
        (lambda probs, frames: frame_nll_from_probs(probs, frames) * len(frames), "not their sum"),
        (_nll_clips_in_place, "changed its input"),
        (lambda probs, frames: torch.tensor(frame_nll_from_probs(probs, frames)), ".item()"),
        (_nll_float32, "float64"),
        (lambda probs, frames: 60.99695, "expected"),
    ],
    "eval-overlap": [
        (lambda p, q: float(np.minimum(np.asarray(p, float), np.asarray(q, float)).sum()), "scale each histogram"),
        (lambda p, q: float(np.maximum(np.divide(p, np.sum(p)), np.divide(q, np.sum(q))).sum()),
         "min, not max"),
        (lambda p, q: float(np.minimum(np.divide(p, np.max(p)), np.divide(q, np.max(q))).sum()), "not its largest bin"),
        (lambda p, q: float(np.minimum(np.divide(p, np.sum(p)), q).sum()), "q too"),
        (lambda p, q: float(np.abs(np.divide(p, np.sum(p)) - np.divide(q, np.sum(q))).sum()), "sum min(p, q)"),
        (lambda p, q: np.minimum(np.divide(p, np.sum(p)), np.divide(q, np.sum(q))), "should be a number"),
        (_overlap_normalising_in_place, "changed its input"),
        (lambda p, q: 1.0, "expected"),
    ],
    "eval-shared-run": [
        (_run_pitches, "compare intervals, not pitches"),
        (_run_intervals, "count notes, not intervals"),
        (_run_plus_one_always, "an empty melody shares no notes"),
        (_run_abs_intervals, "expected"),
        (_run_from_the_start, "expected"),
        (_run_sorting, "changed its input"),
        (lambda piece, tune: float(longest_shared_run(piece, tune)), "whole number"),
    ],
}
