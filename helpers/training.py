"""One training loop for the course's neural models (lessons 7 and 8).

``train(model, train_ids, valid_ids, config, out_dir, tokenizer_json)`` does
what a careful training script does, in one readable place:

* picks CUDA, MPS or the CPU by itself, and seeds everything;
* draws random windows of ``block_size + 1`` tokens from the training stream;
* AdamW, a linear warm-up then a cosine learning-rate schedule, gradient clipping;
* evaluates on the validation stream every ``eval_every`` steps, shows a
  progress bar and (in a notebook) a live loss plot;
* saves ``latest.pt`` at every evaluation and ``best.pt`` when validation
  improves, atomically, and stops early after ``patience`` evaluations
  without improvement;
* resumes from ``latest.pt`` and then gives exactly the weights an
  uninterrupted run would have given.

:class:`TrainConfig` holds every default, and they are the settings the
shipped models were trained with: ``python -m helpers train`` builds its
options from it, and lessons 7 and 8 start from ``TrainConfig()``.
:func:`score` is the course's yardstick: nats per token and bits per note on
a split, in the same windows for every model.
"""

import math
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F

from helpers.checkpoints import read_checkpoint, save_checkpoint


@dataclass
class TrainConfig:
    """Every training setting, with the defaults the shipped folk models were trained with."""

    max_steps: int = 400         # batches to train on (400 x 32 x 256 tokens: a little over one pass)
    batch_size: int = 32         # windows per batch
    block_size: int = 256        # tokens per window (the Transformer's context)
    lr: float = 2e-3             # peak learning rate, reached after the warm-up
    min_lr: float = 2e-4         # the cosine schedule's floor
    warmup_steps: int = 100
    weight_decay: float = 0.1
    grad_clip: float = 1.0       # largest gradient norm
    eval_every: int = 50         # steps between validations (and checkpoints)
    eval_batches: int = 8        # validation batches per evaluation
    patience: int = 5            # evaluations without improvement before stopping
    max_minutes: float = 0.0     # stop after this long; 0 = no time limit
    seed: int = 0
    device: str = "auto"         # "auto", "cpu", "cuda", "mps"


@dataclass
class TrainState:
    """Where a run stands: what ``latest.pt`` saves and ``resume=True`` restores."""

    step: int = 0
    best: float = math.inf       # the best validation loss so far
    bad_evals: int = 0           # evaluations since the best one
    history: list = field(default_factory=list)   # one dict per evaluation


def pick_device(name: str = "auto") -> torch.device:
    """``"auto"`` -> CUDA if present, else Apple's MPS, else the CPU.

    Example: ``pick_device()`` -> ``device(type='cpu')`` on a laptop
    """
    if name != "auto":
        return torch.device(name)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed: int) -> None:
    """Seed Python's and torch's random numbers. Example: ``seed_everything(0)``"""
    random.seed(seed)
    torch.manual_seed(seed)


def learning_rate(step: int, cfg: TrainConfig) -> float:
    """Linear warm-up to ``lr``, then a cosine decay to ``min_lr`` at ``max_steps``.

    Example: ``learning_rate(0, TrainConfig())`` -> ``2e-05`` (lr / warmup_steps)
    """
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    progress = min(1.0, (step - cfg.warmup_steps) / max(1, cfg.max_steps - cfg.warmup_steps))
    return cfg.min_lr + 0.5 * (cfg.lr - cfg.min_lr) * (1 + math.cos(math.pi * progress))


def get_batch(data: torch.Tensor, batch_size: int, block_size: int, generator: torch.Generator,
              starts: torch.Tensor | None = None):
    """Random windows of a 1-D token tensor: inputs and the same shifted by one (targets).

    ``starts`` (optional): the only positions a window may begin at, e.g. each
    piece's BOS, so that a model conditioned by its first tokens always sees them.

    Example: ``x, y = get_batch(data.stream("train"), 32, 256, torch.Generator().manual_seed(0))``
    """
    if len(data) <= block_size + 1:
        raise ValueError(f"{len(data)} tokens is too few for windows of {block_size + 1}")
    if starts is None:
        starts = torch.randint(len(data) - block_size - 1, (batch_size,), generator=generator)
    else:
        allowed = starts[starts < len(data) - block_size - 1]
        if len(allowed) == 0:
            raise ValueError(f"no window of {block_size + 1} tokens starts at any of the {len(starts)} starts")
        starts = allowed[torch.randint(len(allowed), (batch_size,), generator=generator)]
    x = torch.stack([data[s:s + block_size] for s in starts.tolist()])
    y = torch.stack([data[s + 1:s + block_size + 1] for s in starts.tolist()])
    return x, y


@torch.no_grad()
def evaluate(model, data: torch.Tensor, block_size: int, batch_size: int = 32,
             max_batches: int | None = None, device="cpu") -> float:
    """Mean negative log-likelihood, in nats per token, over consecutive windows of ``data``.

    Example: ``evaluate(model, data.stream("valid"), 256)`` -> ``1.02``
    """
    model.eval()
    starts = list(range(0, len(data) - block_size - 1, block_size))
    if max_batches is not None:
        starts = starts[: max_batches * batch_size]
    total, count = 0.0, 0
    for i in range(0, len(starts), batch_size):
        chunk = starts[i:i + batch_size]
        x = torch.stack([data[s:s + block_size] for s in chunk]).to(device)
        y = torch.stack([data[s + 1:s + block_size + 1] for s in chunk]).to(device)
        logits, _ = model(x)
        total += F.cross_entropy(logits.flatten(0, 1), y.flatten(), reduction="sum").item()
        count += y.numel()
    return total / max(count, 1)


def score(model, data, split: str, block_size: int = 256) -> dict:
    """Mean loss on a split of a :class:`~helpers.token_data.TokenData`, in nats per token and bits per note.

    Every model is scored on the same windows: the split's tunes one after the
    other, cut into consecutive windows of ``block_size`` tokens.

    Example: ``score(model, data, "test")`` -> ``{"nats_per_token": 0.97, "bits_per_note": 4.5}``
    """
    weight = next(model.parameters(), None)   # the n-gram model has none and runs on the CPU
    nats = evaluate(model, data.stream(split), block_size, batch_size=32,
                    device=weight.device if weight is not None else "cpu")
    return {"nats_per_token": round(nats, 5), "bits_per_note": round(data.bits_per_note(nats, split), 4)}


def train(model, train_ids: torch.Tensor, valid_ids: torch.Tensor, cfg: TrainConfig,
          out_dir: str | Path, tokenizer_json: str, resume: bool = False, progress: bool = True,
          plot: bool = True, meta: dict | None = None, stop_after: int | None = None,
          starts: torch.Tensor | None = None) -> list:
    """Train ``model``; return the history, a list of {step, train_loss, valid_loss, lr}.

    ``starts`` (optional): where training windows may begin (see :func:`get_batch`).

    ``stop_after`` (a step number) interrupts the run there, as a crash would:
    the tests use it to check that resuming gives identical weights.

    Example: ``history = train(model, data.stream("train"), data.stream("valid"), TrainConfig(), "output/run", tokenizer.to_json())``
    """
    out_dir = Path(out_dir)
    device = pick_device(cfg.device)
    seed_everything(cfg.seed)
    model.to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    generator = torch.Generator().manual_seed(cfg.seed)
    state = TrainState()
    if resume and (out_dir / "latest.pt").exists():
        state = _restore(out_dir / "latest.pt", model, optimizer, generator, device)
    live = LivePlot() if plot and _in_notebook() else None
    bar = _progress_bar(cfg.max_steps, state.step, progress)
    started, losses = time.monotonic(), []
    while state.step < cfg.max_steps and (stop_after is None or state.step < stop_after):
        x, y = get_batch(train_ids, cfg.batch_size, cfg.block_size, generator, starts)
        losses.append(train_step(model, optimizer, x.to(device), y.to(device),
                                 learning_rate(state.step, cfg), cfg.grad_clip))
        state.step += 1
        bar.update(1)
        if state.step % cfg.eval_every and state.step != cfg.max_steps:
            continue
        valid = evaluate(model, valid_ids, cfg.block_size, cfg.batch_size, cfg.eval_batches, device)
        improved = record_evaluation(state, sum(losses) / len(losses), valid,
                                     learning_rate(state.step - 1, cfg))
        losses = []
        info = {**(meta or {}), "train_config": asdict(cfg), "step": state.step,
                "best_valid_loss": state.best, "history": state.history}
        save_checkpoint(out_dir / "latest.pt", model, tokenizer_json, info,
                        _resume_state(optimizer, generator, state))
        if improved:
            save_checkpoint(out_dir / "best.pt", model, tokenizer_json, info)
        bar.set_postfix(valid=f"{valid:.3f}")
        if live:
            live.update(state.history)
        reason = stop_reason(state, cfg, started)
        if reason:
            print(reason)
            break
    bar.close()
    return state.history


def train_step(model, optimizer, x: torch.Tensor, y: torch.Tensor, lr: float, grad_clip: float) -> float:
    """One update: forward, cross-entropy loss, backward, clip, step. Returns the loss.

    Lesson 7's exercise writes this function. Example:
    ``train_step(model, optimizer, x, y, lr=2e-3, grad_clip=1.0)`` -> ``4.71``
    """
    model.train()
    for group in optimizer.param_groups:
        group["lr"] = lr
    logits, _ = model(x)
    loss = F.cross_entropy(logits.flatten(0, 1), y.flatten())
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
    optimizer.step()
    return loss.item()


def record_evaluation(state: TrainState, train_loss: float, valid_loss: float, lr: float) -> bool:
    """Add an evaluation to the history and update best / bad_evals; True if it improved.

    Shared by :func:`train` and the JSB frame model's loop (lesson 11).
    Example: ``if record_evaluation(state, 1.9, 1.7, 2e-3): save the best checkpoint``
    """
    state.history.append({"step": state.step, "train_loss": train_loss, "valid_loss": valid_loss,
                          "lr": lr})
    if valid_loss < state.best:
        state.best, state.bad_evals = valid_loss, 0
        return True
    state.bad_evals += 1
    return False


def stop_reason(state: TrainState, cfg: TrainConfig, started: float) -> str | None:
    """Why training stops after this evaluation (early stopping, the time limit), or None to go on.

    ``started``: ``time.monotonic()`` when training began.
    Example: ``stop_reason(state, cfg, started)`` -> ``"early stop at step 350: no improvement in 5 evaluations"``
    """
    if state.bad_evals >= cfg.patience:
        return f"early stop at step {state.step}: no improvement in {cfg.patience} evaluations"
    if cfg.max_minutes and time.monotonic() - started > 60 * cfg.max_minutes:
        return f"time limit of {cfg.max_minutes} minutes reached at step {state.step}"
    return None


def _resume_state(optimizer, generator: torch.Generator, state: TrainState) -> dict:
    """What ``latest.pt`` needs beyond the weights to go on exactly: optimizer and random states."""
    version, internal, gauss_next = random.getstate()
    return {"optimizer": optimizer.state_dict(), "generator": generator.get_state(),
            "torch_rng": torch.get_rng_state(),
            "python_rng": {"version": version, "state": list(internal), "gauss_next": gauss_next},
            "bad_evals": state.bad_evals}


def _restore(path: Path, model, optimizer, generator: torch.Generator, device) -> TrainState:
    """Load ``latest.pt`` into the model, optimizer and random generators; return the run's state."""
    payload = read_checkpoint(path)
    model.load_state_dict(payload["model"])
    model.to(device)
    saved = payload["resume"]
    optimizer.load_state_dict(saved["optimizer"])
    generator.set_state(saved["generator"])
    torch.set_rng_state(saved["torch_rng"])
    rng = saved["python_rng"]
    random.setstate((rng["version"], tuple(rng["state"]), rng["gauss_next"]))
    meta = payload["meta"]
    return TrainState(step=meta["step"], best=meta["best_valid_loss"], bad_evals=saved["bad_evals"],
                      history=list(meta["history"]))


def _in_notebook():
    try:
        from IPython import get_ipython
        return get_ipython() is not None and "IPKernelApp" in get_ipython().config
    except ImportError:
        return False


def _progress_bar(total, initial, enabled):
    from tqdm.auto import tqdm
    return tqdm(total=total, initial=initial, disable=not enabled, desc="training", unit="step")


class LivePlot:
    """A loss plot that redraws in place in a notebook after every evaluation."""

    def __init__(self):
        from IPython.display import display
        import matplotlib.pyplot as plt

        self.fig, self.ax = plt.subplots(figsize=(6, 3))
        plt.close(self.fig)   # shown through the display handle only
        self.handle = display(self.fig, display_id=True)

    def update(self, history: list) -> None:
        """Redraw the training and validation curves from ``history``."""
        steps = [h["step"] for h in history]
        self.ax.clear()
        self.ax.plot(steps, [h["train_loss"] for h in history], label="training")
        self.ax.plot(steps, [h["valid_loss"] for h in history], label="validation")
        self.ax.set_xlabel("step")
        self.ax.set_ylabel("loss (nats per token)")
        self.ax.legend()
        self.handle.update(self.fig)
