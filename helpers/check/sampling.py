"""Checks for lesson 4, "Sampling a pretrained model" (notebooks/easy/04_sampling_a_pretrained_model.ipynb).

The answers work on one distribution at a time: a 1-D torch tensor of logits
or probabilities over a small vocabulary. Answers may return a tensor, a numpy
array or a list.
"""

import math

import torch

from helpers.check.core import Hint, call, expect_function, register


def as_floats(value, what, length):
    """The answer as a list of ``length`` floats, or a Hint saying what came back."""
    try:
        values = [float(v) for v in (value.tolist() if hasattr(value, "tolist") else value)]
    except (TypeError, ValueError):
        raise Hint(f"{what} should return {length} numbers (a tensor or a list), "
                   f"got {type(value).__name__} {value!r:.60}.") from None
    if len(values) != length:
        raise Hint(f"{what} should return one number per token, {length} in all; got {len(values)}.")
    return values


def expect_distribution(values, what):
    if any(v < -1e-9 or math.isnan(v) for v in values) or abs(sum(values) - 1) > 1e-4:
        raise Hint(f"{what} should be probabilities (no negatives, summing to 1); "
                   f"got {[round(v, 4) for v in values]} (sum {sum(values):.4f}).")


def expect_close_lists(got, expected, what, hint):
    if any(abs(g - e) > 1e-4 for g, e in zip(got, expected)):
        raise Hint(f"{what}: expected {[round(e, 4) for e in expected]}, got "
                   f"{[round(g, 4) for g in got]}. {hint}")


@register("sample-temperature")
def check_temperature(answer):
    expect_function(answer, "apply_temperature")
    logits = torch.tensor([2.0, 1.0, 0.0, -1.0])
    for t in (1.0, 0.5, 2.0):
        got = as_floats(call(answer, logits.clone(), t), "apply_temperature", 4)
        expect_distribution(got, f"apply_temperature(logits, {t})")
        expected = torch.softmax(logits / t, dim=0).tolist()
        expect_close_lists(got, expected, f"apply_temperature({logits.tolist()}, {t})",
                           "Divide the logits by the temperature, then take the softmax.")


PROBS = [0.1, 0.4, 0.05, 0.3, 0.15]


def expect_filter(answer, name, cases, hint):
    """Call ``name(probs, setting)`` for each ``(setting, expected)`` case on :data:`PROBS`."""
    for setting, expected in cases:
        got = as_floats(call(answer, torch.tensor(PROBS), setting), name, len(PROBS))
        expect_distribution(got, f"{name}(probs, {setting})")
        expect_close_lists(got, expected, f"{name}({PROBS}, {setting})", hint)


@register("sample-top-k")
def check_top_k(answer):
    expect_function(answer, "top_k_filter")
    cases = ((2, [0, 0.4 / 0.7, 0, 0.3 / 0.7, 0]), (1, [0, 1, 0, 0, 0]), (5, PROBS))
    expect_filter(answer, "top_k_filter", cases, "Keep the k largest probabilities, set the others "
                  "to 0, and divide by the sum of what is kept.")


@register("sample-top-p")
def check_top_p(answer):
    expect_function(answer, "top_p_filter")
    cases = ((0.5, [0, 0.4 / 0.7, 0, 0.3 / 0.7, 0]),     # 0.4 < 0.5, 0.4 + 0.3 >= 0.5
             (0.7, [0, 0.4 / 0.7, 0, 0.3 / 0.7, 0]),     # exactly reached: stop there
             (0.3, [0, 1, 0, 0, 0]), (1.0, PROBS))
    expect_filter(answer, "top_p_filter", cases, "Sort from most to least likely and keep tokens "
                  "until their total reaches p (the token that reaches it is kept), then renormalise.")


@register("sample-pitch-classes")
def check_pitch_classes(answer):
    from helpers.music import melody

    expect_function(answer, "pitch_class_histogram")
    piece = melody([60, 62, 64, 72, 67, 61], [1, 1, 1, 1, 1, 1])
    expected = [2 / 6, 1 / 6, 1 / 6, 0, 1 / 6, 0, 0, 1 / 6, 0, 0, 0, 0]
    got = as_floats(call(answer, piece), "pitch_class_histogram", 12)
    expect_close_lists(got, expected, "pitch_class_histogram(C D E C' G C#)",
                       "Count each note's pitch % 12 (C=0, C#=1, ...), then divide by the number "
                       "of notes, so the 12 numbers sum to 1.")
