"""Checks for lesson 7, "Train an LSTM" (notebooks/medium/07_train_an_lstm.ipynb), part 1.

Batches, early stopping, the learning-rate schedule and transposition on
tokens. The training step and "overfit one batch" are in
:mod:`helpers.check.train_loop`. The schedule is compared with
``helpers.training.learning_rate`` at steps all along the curve.
"""

import math
import random

import torch

from helpers import training
from helpers.check.calling import expect_function
from helpers.check.cases import Case, run_cases
from helpers.check.compare import expect_bool, expect_close, expect_list
from helpers.check.core import Hint, register
from helpers.check.inputs import random_pitch, torch_generator


def make_batch_reference(data: torch.Tensor, starts: list, block_size: int) -> tuple:
    """Inputs ``data[s:s + block_size]`` and targets ``data[s + 1:s + block_size + 1]``, stacked.

    Example: ``make_batch_reference(torch.arange(10), [0, 3], 2)`` -> ``(tensor([[0, 1], [3, 4]]), tensor([[1, 2], [4, 5]]))``
    """
    x = torch.stack([data[s:s + block_size] for s in starts])
    y = torch.stack([data[s + 1:s + block_size + 1] for s in starts])
    return x, y


@register("lstm-batch")
def check_batch(answer, rng: random.Random) -> None:
    """Lesson 7, exercise 1: ``make_batch(data, starts, block_size)``.

    Example: ``check("lstm-batch", make_batch)``
    """
    expect_function(answer, "make_batch")

    def compare(got, expected, case):
        if not (isinstance(got, (tuple, list)) and len(got) == 2 and all(isinstance(t, torch.Tensor) for t in got)):
            raise Hint(f"expected two tensors (inputs, targets), got {type(got).__name__} {got!r:.80}.")
        for label, have, want in (("inputs", got[0], expected[0]), ("targets", got[1], expected[1])):
            if have.dtype != want.dtype:
                raise Hint(f"the {label} should keep the token ids' dtype {want.dtype} (an embedding "
                           f"needs whole numbers), but they are {have.dtype}.")
            if tuple(have.shape) != tuple(want.shape):
                raise Hint(f"the {label} should have shape {tuple(want.shape)} (one row per start, "
                           f"block_size columns), got {tuple(have.shape)}.")
            if not torch.equal(have, want):
                raise Hint(f"the {label} should be {want.tolist()}, got {have.tolist()}. Inputs: "
                           "data[s:s + block_size]; targets: the same window shifted by one token.")

    cases = [Case((torch.arange(100, 120), [0, 5, 10], 4)),
             Case((torch.arange(30, 40), [0, 8], 1), "block_size 1; the last start that fits")]
    for _ in range(10):
        length, block = rng.randint(8, 30), rng.randint(1, 6)
        data = torch.randint(0, 300, (length,), generator=torch_generator(rng))
        last = length - block - 1
        starts = [rng.randint(0, last) for _ in range(rng.randint(1, 4))] + rng.choice([[], [0], [last]])
        cases.append(Case((data, starts, block)))
    run_cases(answer, "make_batch", cases, make_batch_reference, compare)


def should_stop_reference(valid_losses: list, patience: int) -> bool:
    """True when the last ``patience`` losses are all no better than the best one before them.

    The rule of ``helpers.training.train`` (``bad_evals >= patience``).
    Example: ``should_stop_reference([3.0, 2.5, 2.6, 2.7], 2)`` -> ``True``
    """
    if len(valid_losses) <= patience:
        return False
    return min(valid_losses[-patience:]) >= min(valid_losses[:-patience])


@register("lstm-early-stop")
def check_early_stop(answer, rng: random.Random) -> None:
    """Lesson 7, exercise 2: ``should_stop(valid_losses, patience)``.

    Example: ``check("lstm-early-stop", should_stop)``
    """
    expect_function(answer, "should_stop")

    def compare(got, expected, case):
        if expect_bool(got, "should_stop") != expected:
            raise Hint(f"expected {expected}: stop when the last `patience` losses are all no better "
                       "(equal counts as no better) than the best loss before them, and never while "
                       "there are no more than `patience` losses.")

    cases = [Case(([3.0, 2.5, 2.4, 2.45, 2.5], 2)), Case(([3.0, 2.5, 2.4, 2.45, 2.39], 2)),
             Case(([3.0, 2.4, 2.5, 2.4], 2), "a loss equal to the best is no better"),
             Case(([3.0, 3.1], 2), "only `patience` losses: never stop yet"), Case(([], 1), "no losses yet"),
             Case(([2.0, 1.0, 1.5, 1.2, 1.1], 3), "the best is not the first loss")]
    for _ in range(12):
        losses = [round(rng.uniform(1.0, 3.0), 1) for _ in range(rng.randint(1, 8))]
        cases.append(Case((losses, rng.randint(1, 4))))
    run_cases(answer, "should_stop", cases, should_stop_reference, compare, mistakes={
        "a loss equal to the best one is no better": lambda losses, p:
            len(losses) > p and min(losses[-p:]) > min(losses[:-p])})


def lr_reference(step: int, warmup: int, max_steps: int, lr: float, min_lr: float) -> float:
    """``helpers.training.learning_rate`` with these settings: linear warm-up, then a half cosine.

    Example: ``lr_reference(0, 10, 110, 1e-3, 1e-4)`` -> ``1e-04``
    """
    cfg = training.TrainConfig(warmup_steps=warmup, max_steps=max_steps, lr=lr, min_lr=min_lr)
    return training.learning_rate(step, cfg)


@register("lstm-lr-schedule")
def check_lr_schedule(answer, rng: random.Random) -> None:
    """Lesson 7, exercise 3: ``lr_at(step, warmup, max_steps, lr, min_lr)``, all along the curve.

    Example: ``check("lstm-lr-schedule", lr_at)``
    """
    expect_function(answer, "lr_at")
    fixed = (10, 110, 1e-3, 1e-4)
    cases = [Case((0,) + fixed, "step 0 gets lr / warmup"), Case((9,) + fixed, "the last warm-up step: lr"),
             Case((35,) + fixed, "a quarter of the way down the cosine"), Case((10,) + fixed),
             Case((97,) + fixed), Case((110,) + fixed, "max_steps: min_lr"), Case((200,) + fixed, "after max_steps: min_lr")]
    for _ in range(16):
        warmup = rng.randint(1, 50)
        total = warmup + rng.randint(10, 400)
        lr = rng.choice([1e-3, 2e-3, 3e-4, 5e-3])
        cases.append(Case((rng.randint(0, total + 30), warmup, total, lr, lr * rng.choice([0.0, 0.1, 0.05]))))
    run_cases(answer, "lr_at", cases, lr_reference, lambda got, want, case: _close_lr(got, want), mistakes={
        "that is a straight line from lr to min_lr, not a half cosine": lambda s, w, m, lr, mn: _linear(s, w, m, lr, mn),
        "during the warm-up step 0 gets lr / warmup, not 0: use (step + 1)": lambda s, w, m, lr, mn:
            lr * s / w if s < w else lr_reference(s, w, m, lr, mn),
        "after max_steps the rate stays at min_lr: progress is at most 1": lambda s, w, m, lr, mn:
            mn + 0.5 * (lr - mn) * (1 + math.cos(math.pi * (s - w) / (m - w))) if s >= w else lr_reference(s, w, m, lr, mn),
        "the cosine goes down to min_lr, not to 0": lambda s, w, m, lr, mn: lr_reference(s, w, m, lr, 0.0)})


def _linear(step, warmup, max_steps, lr, min_lr):
    if step < warmup:
        return lr * (step + 1) / warmup
    return lr - (lr - min_lr) * min(1.0, (step - warmup) / (max_steps - warmup))


def _close_lr(got, expected: float) -> None:
    try:
        expect_close(got, expected, tol=1e-9)
    except Hint as hint:
        raise Hint(f"{hint} Warm-up: lr * (step + 1) / warmup for step < warmup; then "
                   "min_lr + (lr - min_lr) * (1 + cos(pi * progress)) / 2 with progress = "
                   "(step - warmup) / (max_steps - warmup), at most 1.") from None


def transpose_tokens_reference(tokens: list[str], shift: int) -> list[str]:
    """Every ``NOTE_ON_<pitch>`` moved by ``shift``; every other token as it is.

    Example: ``transpose_tokens_reference(["BAR", "NOTE_ON_60"], 2)`` -> ``["BAR", "NOTE_ON_62"]``
    """
    return [f"NOTE_ON_{int(t[len('NOTE_ON_'):]) + shift}" if t.startswith("NOTE_ON_") else t for t in tokens]


@register("lstm-transpose-tokens")
def check_transpose_tokens(answer, rng: random.Random) -> None:
    """Lesson 7, exercise 4: ``transpose_tokens(tokens, shift)``.

    Example: ``check("lstm-transpose-tokens", transpose_tokens)``
    """
    expect_function(answer, "transpose_tokens")

    def compare(got, expected, case):
        got = expect_list(got, "transpose_tokens", item=str, item_name="token names")
        if got != expected:
            diff = [(i, w, g) for i, (w, g) in enumerate(zip(expected, got)) if w != g][:3]
            raise Hint(f"expected {expected}, got {got}" + (f" (item, expected, got: {diff})" if diff else "") +
                       ". Add shift to the number of every NOTE_ON_ token, whatever its number of digits, "
                       "and leave every other token (POSITION_60, DURATION_12, ...) as it is.")

    tokens = ["BOS", "BAR", "TIMESIG_6/8", "POSITION_0", "NOTE_ON_60", "DURATION_4", "POSITION_12",
              "NOTE_ON_67", "DURATION_16", "EOS"]
    cases = [Case((tokens, 3)), Case((tokens, -60), "down to one-digit pitches"),
             Case((["POSITION_60", "NOTE_ON_98", "DURATION_60"], 5), "98 + 5 = 103: three digits; 60 in other tokens"),
             Case((["NOTE_ON_100", "NOTE_ON_9"], -2), "three digits and one digit"), Case(([], 4), "no tokens")]
    for _ in range(10):
        shift = rng.randint(-8, 8)
        names = ["BOS", "BAR", "TIMESIG_4/4"]
        for _ in range(rng.randint(1, 5)):
            names += [f"POSITION_{rng.randrange(16)}", f"NOTE_ON_{random_pitch(rng, 8, 119)}",
                      f"DURATION_{rng.randint(1, 32)}"]
        cases.append(Case((names + ["EOS"], shift)))
    run_cases(answer, "transpose_tokens", cases, transpose_tokens_reference, compare, mistakes={
        "a pitch can have one, two or three digits: read the whole number after NOTE_ON_": lambda tokens, s:
            [f"{t[:-2]}{int(t[-2:]) + s}" if t.startswith("NOTE_ON_") else t for t in tokens],
        "only NOTE_ON tokens change; POSITION, DURATION and TIMESIG keep their numbers": lambda tokens, s:
            [t.rsplit("_", 1)[0] + "_" + str(int(t.rsplit("_", 1)[1]) + s) if t.rsplit("_", 1)[-1].isdigit() else t
             for t in tokens]})
