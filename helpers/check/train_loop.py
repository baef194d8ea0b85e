"""Checks for lesson 7, "Train an LSTM", part 2: the training step and "overfit one batch".

The learner's step runs on tiny models (an LSTM and a Transformer of the
course, with a few hundred weights) next to ``helpers.training.train_step``,
three steps in a row, with SGD, plain and with momentum (an optimizer whose
update grows with the gradient, so a missing clip shows; Adam's would hide
it, and would turn rounding noise in tiny gradients into full steps). When the weights differ, the check replays the usual
mistakes (no clipping, no ``zero_grad``, no ``step``) to say which one it
was. Tiny models train on one thread: a second thread only slows them down.
"""

import copy
import random
from contextlib import contextmanager
from typing import Callable, Iterator

import torch

from helpers import training
from helpers.check.calling import call, expect_function
from helpers.check.compare import expect_list, expect_number
from helpers.check.core import Hint, register
from helpers.check.describe import show
from helpers.models import LSTMConfig, LSTMModel, Transformer, TransformerConfig

VOCAB, BATCH, LENGTH = 12, 3, 6
CLIP = 1.0


@contextmanager
def one_thread() -> Iterator[None]:
    """Run torch on one CPU thread inside the block (tiny models are fastest so), then restore.

    Example: ``with one_thread(): losses = overfit(model)``
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def tiny_model(kind: str, seed: int, big_gradients: bool = False):
    """A tiny ``"lstm"`` or ``"transformer"`` of the course, its weights drawn from ``seed``.

    With ``big_gradients`` its output layer is scaled up so that the gradient
    norm is well above the clip of 1.0.
    Example: ``tiny_model("lstm", 0)`` -> an LSTMModel with a 12-token vocabulary
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if kind == "lstm":
            model = LSTMModel(LSTMConfig(vocab_size=VOCAB, n_embd=8, hidden=12, n_layer=1))
        else:
            model = Transformer(TransformerConfig(vocab_size=VOCAB, n_layer=1, n_head=2, n_embd=8, block_size=8))
    if big_gradients:
        with torch.no_grad():
            model.head.weight.mul_(12.0)
    return model


def tiny_batch(rng: random.Random) -> tuple:
    """Random inputs and targets: two (3, 6) tensors of token ids (int64).

    Example: ``x, y = tiny_batch(random.Random(0))``
    """
    generator = torch.Generator().manual_seed(rng.randrange(2 ** 31))
    return (torch.randint(0, VOCAB, (BATCH, LENGTH), generator=generator),
            torch.randint(0, VOCAB, (BATCH, LENGTH), generator=generator))


def _weights(model) -> list:
    return [p.detach().clone() for p in model.parameters()]


def _same(a: list, b: list) -> bool:
    return all(torch.allclose(x, y, rtol=1e-4, atol=1e-6) for x, y in zip(a, b))


def _reference_step(model, optimizer, x, y):
    return training.train_step(model, optimizer, x, y, optimizer.param_groups[0]["lr"], CLIP)


def _step_without(skip: str) -> Callable:
    """A training step that leaves out one thing ("clip", "zero_grad" or "step"): a known mistake."""
    def step(model, optimizer, x, y):
        logits, _ = model(x)
        loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), y.flatten())
        if skip != "zero_grad":
            optimizer.zero_grad()
        loss.backward()
        if skip != "clip":
            torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        if skip != "step":
            optimizer.step()
        return loss.item()
    return step


MISTAKES = {
    "clip": "the gradient was not clipped: call torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0) "
            "after loss.backward() and before optimizer.step()",
    "zero_grad": "the gradients of the previous step were added to this one's: call optimizer.zero_grad() "
                 "before loss.backward()",
    "step": "the weights did not move: call optimizer.step() after clipping",
}


def _trajectory(step, model, make_optimizer, x, y, steps: int) -> list:
    """The weights after each of ``steps`` calls of ``step``, on a copy of ``model``."""
    model = copy.deepcopy(model)
    optimizer = make_optimizer(model)
    weights = []
    for _ in range(steps):
        step(model, optimizer, x, y)
        weights.append(_weights(model))
    return weights


def _cases(rng: random.Random) -> list:
    return [("a tiny LSTM, SGD (lr 0.5), gradients above the clip", tiny_model("lstm", rng.randrange(10 ** 6), True),
             lambda m: torch.optim.SGD(m.parameters(), lr=0.5)),
            ("a tiny Transformer, SGD (lr 0.2)", tiny_model("transformer", rng.randrange(10 ** 6)),
             lambda m: torch.optim.SGD(m.parameters(), lr=0.2)),
            ("a tiny Transformer, SGD with momentum (lr 0.3), gradients above the clip",
             tiny_model("transformer", rng.randrange(10 ** 6), True),
             lambda m: torch.optim.SGD(m.parameters(), lr=0.3, momentum=0.9))]


@register("lstm-train-step", seconds=20)
def check_train_step(answer, rng: random.Random) -> None:
    """Lesson 7, exercise 5: ``train_step(model, optimizer, x, y)`` against ``helpers.training.train_step``.

    Example: ``check("lstm-train-step", train_step)``
    """
    expect_function(answer, "train_step")
    with one_thread():
        for note, model, make_optimizer in _cases(rng):
            x, y = tiny_batch(rng)
            _compare_steps(answer, note, model, make_optimizer, x, y, steps=3)


def _compare_steps(answer, note, model, make_optimizer, x, y, steps: int) -> None:
    reference = copy.deepcopy(model)
    reference_optimizer = make_optimizer(reference)
    mine = copy.deepcopy(model)
    optimizer = make_optimizer(mine)
    for i in range(steps):
        want_loss = _reference_step(reference, reference_optimizer, x, y)
        got = call(answer, mine, optimizer, x, y, name="train_step", may_change=(0, 1))
        loss = expect_number(got, "train_step's result (the loss)")
        where = f"On {note}, at step {i + 1}"
        if abs(loss - want_loss) > 1e-4 * max(1.0, abs(want_loss)):
            raise Hint(f"{where}, the loss should be {want_loss:.5f} (cross-entropy of the logits "
                       f"against y, before the update), got {loss:.5f}. Compute logits, _ = model(x), then "
                       "F.cross_entropy(logits.flatten(0, 1), y.flatten()), and return loss.item().")
        if not _same(_weights(mine), _weights(reference)):
            raise Hint(f"{where}, the weights differ from the reference step's: {_diagnose(model, make_optimizer, x, y, i, mine)}.")


def _diagnose(model, make_optimizer, x, y, index: int, mine) -> str:
    for mistake, message in MISTAKES.items():
        replay = _trajectory(_step_without(mistake), model, make_optimizer, x, y, index + 1)
        if _same(_weights(mine), replay[index]):
            return message
    return ("do, in this order: optimizer.zero_grad(), loss.backward(), "
            "torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0), optimizer.step()")


def overfit_reference(model, x: torch.Tensor, y: torch.Tensor, steps: int, lr: float) -> list[float]:
    """AdamW (default settings) and ``helpers.training.train_step`` ``steps`` times on one batch; the losses.

    Example: ``overfit_reference(tiny_model("lstm", 0), x, y, 30, 0.01)[-1]`` -> well under the first loss
    """
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    return [training.train_step(model, optimizer, x, y, lr, CLIP) for _ in range(steps)]


@register("lstm-overfit", seconds=20)
def check_overfit(answer, rng: random.Random) -> None:
    """Lesson 7, exercise 6: ``overfit_one_batch(model, x, y, steps, lr)`` (which calls your ``train_step``).

    Example: ``check("lstm-overfit", overfit_one_batch)``
    """
    expect_function(answer, "overfit_one_batch")
    with one_thread():
        for kind, steps, lr in (("lstm", 30, 0.02), ("transformer", 25, 0.01), ("lstm", 1, 0.01)):
            model = tiny_model(kind, rng.randrange(10 ** 6))
            x, y = tiny_batch(rng)
            want = overfit_reference(copy.deepcopy(model), x, y, steps, lr)
            got = call(answer, model, x, y, steps, lr, name="overfit_one_batch", may_change=(0,))
            losses = [expect_number(v, "each loss") for v in expect_list(got, "overfit_one_batch")]
            where = f"On a tiny {'LSTM' if kind == 'lstm' else 'Transformer'} with steps={steps}, lr={lr}"
            if len(losses) != steps:
                raise Hint(f"{where}, expected one loss per step ({steps}), got {len(losses)}.")
            if steps > 1 and not losses[-1] < 0.8 * losses[0]:
                raise Hint(f"{where}, the loss should fall (to about {want[-1]:.3f}), but it went from "
                           f"{losses[0]:.3f} to {losses[-1]:.3f}. Make one optimizer, AdamW(model.parameters(), "
                           "lr=lr), before the loop, and call your train_step with it at every step.")
            if any(abs(a - b) > 1e-3 * max(1.0, abs(b)) for a, b in zip(losses, want)):
                raise Hint(f"{where}, expected the losses {show([round(v, 4) for v in want], 200)}, got "
                           f"{show([round(v, 4) for v in losses], 200)}. Use torch.optim.AdamW(model."
                           "parameters(), lr=lr) with its default settings, made once, and your train_step.")
