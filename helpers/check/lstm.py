"""Checks for lesson 7, "Train an LSTM" (notebooks/medium/07_train_an_lstm.ipynb)."""

import math

import torch

from helpers.check.compare import expect_close
from helpers.check.core import Hint, call, expect_function, register


@register("lstm-batch")
def check_batch(answer):
    expect_function(answer, "make_batch")
    data = torch.arange(100, 120)
    got = call(answer, data, [0, 5, 10], 4)
    if not (isinstance(got, tuple) and len(got) == 2 and all(isinstance(t, torch.Tensor) for t in got)):
        raise Hint("make_batch should return two tensors, (inputs, targets).")
    x, y = got
    want_x = torch.tensor([[100, 101, 102, 103], [105, 106, 107, 108], [110, 111, 112, 113]])
    if tuple(x.shape) != (3, 4) or tuple(y.shape) != (3, 4):
        raise Hint(f"with 3 starts and block_size 4 both tensors should be 3 x 4; got "
                   f"{tuple(x.shape)} and {tuple(y.shape)}.")
    if not torch.equal(x, want_x):
        raise Hint(f"the inputs should be data[s:s + block_size] for each start: {want_x.tolist()}; got {x.tolist()}.")
    if not torch.equal(y, want_x + 1):
        raise Hint(f"the targets are the inputs shifted by one token (data[s + 1:s + block_size + 1]): "
                   f"{(want_x + 1).tolist()}; got {y.tolist()}.")


@register("lstm-early-stop")
def check_early_stop(answer):
    expect_function(answer, "should_stop")
    cases = (([3.0, 2.5, 2.4, 2.45, 2.5], 2, True), ([3.0, 2.5, 2.4, 2.45, 2.39], 2, False),
             ([3.0, 2.5, 2.4, 2.45], 2, False), ([3.0, 3.1, 3.2, 3.3], 3, True),
             ([3.0], 1, False), ([2.0, 2.0], 1, True))
    for losses, patience, expected in cases:
        got = call(answer, list(losses), patience)
        if not isinstance(got, bool):
            raise Hint(f"should_stop should return True or False, got {type(got).__name__} {got!r}.")
        if got != expected:
            raise Hint(f"should_stop({losses}, patience={patience}) should be {expected}: stop when "
                       f"the last {patience} evaluations are all no better than the best one before them.")


@register("lstm-lr-schedule")
def check_lr_schedule(answer):
    expect_function(answer, "lr_at")
    lr, min_lr, warmup, total = 1e-3, 1e-4, 10, 110

    def expected(step):
        if step < warmup:
            return lr * (step + 1) / warmup
        progress = min(1.0, (step - warmup) / (total - warmup))
        return min_lr + 0.5 * (lr - min_lr) * (1 + math.cos(math.pi * progress))

    for step in (0, 4, 9, 10, 60, 110, 200):
        expect_close(call(answer, step, warmup, total, lr, min_lr), expected(step),
                     f"lr_at({step}, warmup={warmup}, max_steps={total}, lr={lr}, min_lr={min_lr}) "
                     "[linear warm-up to lr over the first `warmup` steps (step 0 gets lr/warmup), "
                     "then a half cosine from lr down to min_lr at max_steps, min_lr after]", tol=1e-9)


@register("lstm-transpose-tokens")
def check_transpose_tokens(answer):
    expect_function(answer, "transpose_tokens")
    tokens = ["BOS", "BAR", "POSITION_0", "NOTE_ON_60", "DURATION_4", "POSITION_12", "NOTE_ON_67",
              "DURATION_16", "EOS"]
    got = call(answer, list(tokens), 3)
    expected = ["BOS", "BAR", "POSITION_0", "NOTE_ON_63", "DURATION_4", "POSITION_12", "NOTE_ON_70",
                "DURATION_16", "EOS"]
    if got != expected:
        raise Hint(f"transpose_tokens(tokens, 3) should add 3 to every NOTE_ON pitch and leave the "
                   f"other tokens alone: {expected}; got {got}.")
    if call(answer, list(tokens), -60) != ["BOS", "BAR", "POSITION_0", "NOTE_ON_0", "DURATION_4",
                                            "POSITION_12", "NOTE_ON_7", "DURATION_16", "EOS"]:
        raise Hint("transpose_tokens(tokens, -60) should work for downward shifts too (NOTE_ON_0, NOTE_ON_7).")
