"""Lesson 11's checks: the numbers their answers may return, and their reference functions.

The answers are in check_answers_lesson11.py, one of the catalogues
tests/test_check.py runs (right, written differently, wrong with its hint,
stubs, crashes). Here: results that are strange *numbers* (nan, inf) get a
hint, and the reference functions behind the checks agree with independent
ways of computing the same numbers.
"""

import math

import numpy as np
import pytest
import torch

import check_answers_lesson11 as lesson11
from helpers.check import run_check
import helpers.check.evaluation  # noqa: F401  (registers the lesson's checks)
from helpers.jsb import PROB_CLIP, bernoulli_nll, frame_nll_from_probs
from helpers.metrics import MelodyIndex, histogram_overlap, kde, longest_shared_run, overlap_area
from helpers.models.frames import FrameModel, FrameModelConfig, frame_nll


@pytest.mark.parametrize("exercise", sorted(lesson11.RIGHT))
def test_strange_results_get_a_hint_never_a_checker_error(exercise):
    for value in [None, "text", [1.0], 1.5, 7, True, torch.tensor([1, 2]), torch.tensor(float("nan")),
                  {"a": 1}, np.array(["x"]), float("nan"), float("inf")]:
        result = run_check(exercise, lambda *args, _value=value: _value, seed=0)
        assert result.status == "wrong", f"{value!r}: {result.status}: {result.message}"


# --- the reference functions ------------------------------------------------------------

def test_frame_nll_from_probs_is_the_frame_models_own_loss():
    torch.manual_seed(0)
    model = FrameModel(FrameModelConfig(hidden=16, made_hidden=24, dropout=0.0)).eval()
    frames = (torch.rand(1, 12, 88) < 0.05).float()
    with torch.no_grad():
        logits, _ = model(frames)
    expected = frame_nll(logits, frames).mean().item()
    got = frame_nll_from_probs(torch.sigmoid(logits)[0].double().numpy(), frames[0].numpy())
    assert math.isclose(got, expected, rel_tol=1e-5)


def test_frame_nll_from_probs_agrees_with_the_bernoulli_baseline_and_clips():
    rng = np.random.default_rng(0)
    pieces = [[sorted(set(rng.integers(40, 80, 4).tolist())) for _ in range(10)] for _ in range(3)]
    probs = rng.uniform(0.01, 0.5, 88)
    rolls = np.concatenate([np.eye(88)[np.array(frame) - 21].sum(0, keepdims=True) for p in pieces for frame in p])
    assert math.isclose(frame_nll_from_probs(probs, rolls), bernoulli_nll(probs, pieces), rel_tol=1e-9)
    one = np.zeros((1, 88))
    one[0, 39] = 1
    assert math.isclose(frame_nll_from_probs(np.zeros(88), one), -math.log(PROB_CLIP) + 87 * -math.log1p(-PROB_CLIP))
    with pytest.raises(ValueError, match="frames should have shape"):
        frame_nll_from_probs(np.zeros(88), np.zeros((2, 12)))
    with pytest.raises(ValueError, match="probs should have the shape"):
        frame_nll_from_probs(np.zeros((3, 88)), np.zeros((2, 88)))


def test_histogram_overlap_matches_the_kde_overlap_on_one_grid():
    rng = np.random.default_rng(1)
    a, b = rng.normal(0, 1, 2000), rng.normal(1, 1, 2000)
    grid = np.linspace(-6, 7, 2000)
    by_histograms = histogram_overlap(kde(a, grid), kde(b, grid))
    assert abs(by_histograms - overlap_area(a, b)) < 0.01
    assert abs(by_histograms - 2 * (1 - 0.6914624612740131)) < 0.03     # two unit normals 1 apart: 2 Phi(-1/2)
    assert histogram_overlap([1, 0], [0, 3]) == 0.0 and histogram_overlap([1, 2], [2, 4]) == pytest.approx(1.0)
    for p, q, text in (([1, 2], [1, 2, 3], "same length"), ([0, 0], [1, 1], "positive total"),
                       ([1, -1, 2], [1, 1, 1], "no negative")):
        with pytest.raises(ValueError, match=text):
            histogram_overlap(p, q)


def test_longest_shared_run_agrees_with_the_melody_index():
    rng = np.random.default_rng(2)
    tunes = {f"t{i}": (60 + np.cumsum(rng.integers(-3, 4, 40))).tolist() for i in range(20)}
    index = MelodyIndex(tunes, n=1)
    for trial in range(30):
        source = tunes[f"t{trial % 20}"]
        start = int(rng.integers(0, 30))
        piece = (50 + np.cumsum(rng.integers(-5, 6, 6))).tolist() + [p - 7 for p in source[start:start + 8]]
        match = index.longest_match(piece)
        best = max(longest_shared_run(piece, tune) for tune in tunes.values())
        assert match.notes == best and best >= 8
    assert longest_shared_run([], [60]) == 0 and longest_shared_run([60], [61]) == 1
