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
"""

import math
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from helpers.checkpoints import read_checkpoint, save_checkpoint


@dataclass
class TrainConfig:
    max_steps: int = 3000
    batch_size: int = 32
    block_size: int = 256
    lr: float = 1e-3
    min_lr: float = 1e-4
    warmup_steps: int = 100
    weight_decay: float = 0.1
    grad_clip: float = 1.0
    eval_every: int = 100
    eval_batches: int = 16
    patience: int = 5            # evaluations without improvement before stopping
    max_minutes: float = 0.0     # 0 = no time limit
    seed: int = 0
    device: str = "auto"


def pick_device(name="auto"):
    """"auto" -> CUDA if present, else Apple's MPS, else the CPU."""
    if name != "auto":
        return torch.device(name)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed):
    random.seed(seed)
    torch.manual_seed(seed)


def learning_rate(step, cfg):
    """Linear warm-up to ``lr``, then a cosine decay to ``min_lr`` at ``max_steps``."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    progress = min(1.0, (step - cfg.warmup_steps) / max(1, cfg.max_steps - cfg.warmup_steps))
    return cfg.min_lr + 0.5 * (cfg.lr - cfg.min_lr) * (1 + math.cos(math.pi * progress))


def get_batch(data, batch_size, block_size, generator):
    """Random windows of a 1-D token tensor: inputs and the same shifted by one (targets)."""
    if len(data) <= block_size + 1:
        raise ValueError(f"{len(data)} tokens is too few for windows of {block_size + 1}")
    starts = torch.randint(len(data) - block_size - 1, (batch_size,), generator=generator)
    x = torch.stack([data[s:s + block_size] for s in starts.tolist()])
    y = torch.stack([data[s + 1:s + block_size + 1] for s in starts.tolist()])
    return x, y


@torch.no_grad()
def evaluate(model, data, block_size, batch_size=32, max_batches=None, device="cpu"):
    """Mean negative log-likelihood, in nats per token, over consecutive windows of ``data``."""
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


def train(model, train_ids, valid_ids, cfg, out_dir, tokenizer_json, resume=False,
          progress=True, plot=True, meta=None, stop_after=None):
    """Train ``model``; return the history, a list of {step, train_loss, valid_loss, lr}.

    ``stop_after`` (a step number) interrupts the run there, as a crash would:
    the tests use it to check that resuming gives identical weights.
    """
    out_dir = Path(out_dir)
    device = pick_device(cfg.device)
    seed_everything(cfg.seed)
    model.to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    generator = torch.Generator().manual_seed(cfg.seed)
    state = {"step": 0, "best": float("inf"), "bad_evals": 0, "history": []}
    if resume and (out_dir / "latest.pt").exists():
        state = _restore(out_dir / "latest.pt", model, optimizer, generator, device)
    live = LivePlot() if plot and _in_notebook() else None
    bar = _progress_bar(cfg.max_steps, state["step"], progress)
    started, losses = time.monotonic(), []
    while state["step"] < cfg.max_steps:
        if stop_after is not None and state["step"] >= stop_after:
            break
        losses.append(_train_step(model, optimizer, train_ids, cfg, generator, state["step"], device))
        state["step"] += 1
        bar.update(1)
        if state["step"] % cfg.eval_every == 0 or state["step"] == cfg.max_steps:
            _evaluate_and_save(model, optimizer, generator, valid_ids, cfg, out_dir, tokenizer_json,
                               state, losses, meta, device)
            losses = []
            bar.set_postfix(valid=f"{state['history'][-1]['valid_loss']:.3f}")
            if live:
                live.update(state["history"])
            if state["bad_evals"] >= cfg.patience:
                print(f"early stop at step {state['step']}: no improvement in {cfg.patience} evaluations")
                break
            if cfg.max_minutes and time.monotonic() - started > 60 * cfg.max_minutes:
                print(f"time limit of {cfg.max_minutes} minutes reached at step {state['step']}")
                break
    bar.close()
    return state["history"]


def _train_step(model, optimizer, data, cfg, generator, step, device):
    model.train()
    for group in optimizer.param_groups:
        group["lr"] = learning_rate(step, cfg)
    x, y = get_batch(data, cfg.batch_size, cfg.block_size, generator)
    logits, _ = model(x.to(device))
    loss = F.cross_entropy(logits.flatten(0, 1), y.to(device).flatten())
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
    optimizer.step()
    return loss.item()


def _evaluate_and_save(model, optimizer, generator, valid_ids, cfg, out_dir, tokenizer_json,
                       state, losses, meta, device):
    valid = evaluate(model, valid_ids, cfg.block_size, cfg.batch_size, cfg.eval_batches, device)
    state["history"].append({"step": state["step"], "train_loss": sum(losses) / max(len(losses), 1),
                             "valid_loss": valid, "lr": learning_rate(state["step"] - 1, cfg)})
    improved = valid < state["best"]
    state["best"], state["bad_evals"] = (valid, 0) if improved else (state["best"], state["bad_evals"] + 1)
    info = {**(meta or {}), "train_config": asdict(cfg), "step": state["step"],
            "best_valid_loss": state["best"], "history": state["history"]}
    resume_state = {"optimizer": optimizer.state_dict(), "generator": generator.get_state(),
                    "torch_rng": torch.get_rng_state(), "python_rng": list(random.getstate()[1]),
                    "bad_evals": state["bad_evals"]}
    save_checkpoint(out_dir / "latest.pt", model, tokenizer_json, info, resume_state)
    if improved:
        save_checkpoint(out_dir / "best.pt", model, tokenizer_json, info)


def _restore(path, model, optimizer, generator, device):
    payload = read_checkpoint(path)
    model.load_state_dict(payload["model"])
    model.to(device)
    resume = payload["resume"]
    optimizer.load_state_dict(resume["optimizer"])
    generator.set_state(resume["generator"])
    torch.set_rng_state(resume["torch_rng"])
    random.setstate((3, tuple(resume["python_rng"]), None))
    meta = payload["meta"]
    return {"step": meta["step"], "best": meta["best_valid_loss"], "bad_evals": resume["bad_evals"],
            "history": list(meta["history"])}


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

    def update(self, history):
        steps = [h["step"] for h in history]
        self.ax.clear()
        self.ax.plot(steps, [h["train_loss"] for h in history], label="training")
        self.ax.plot(steps, [h["valid_loss"] for h in history], label="validation")
        self.ax.set_xlabel("step")
        self.ax.set_ylabel("loss (nats per token)")
        self.ax.legend()
        self.handle.update(self.fig)
