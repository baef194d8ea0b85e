"""Training and loading the frame model of lesson 11 (:mod:`helpers.models.frames`).

Kept apart from the model file, which needs only torch: this module uses the
course's training pieces (:mod:`helpers.training`, :mod:`helpers.checkpoints`).
"""

import torch

from helpers.models.frames import REPRESENTATION, FrameModel, FrameModelConfig, frame_nll, mean_nll, window_batch


def train_frames(model: FrameModel, train_rolls: list, valid_rolls: list, cfg: "TrainConfig", out_dir: "str | Path",
                 meta: dict | None = None, progress: bool = True, threads: int | None = 1) -> list:
    """Train a frame model; keep ``best.pt`` by validation NLL. Returns the history.

    The course's :class:`~helpers.training.TrainConfig` holds the settings
    (``block_size`` counts frames here; ``eval_batches`` is unused: validation
    scores every valid piece exactly) and :func:`~helpers.training.learning_rate`
    the schedule: the same warm-up, cosine decay, clipping, early stopping and
    time limit as :func:`helpers.training.train`, whose loop is for tokens.
    ``threads``: CPU threads while training. 1 by default: the matrices are
    small, so a second thread gains little on a quiet machine and loses a lot
    on a busy one (``benchmarks/jsb.py`` prints the speed with 1 and with 2).
    Example: ``train_frames(FrameModel(FrameModelConfig()), train_rolls, valid_rolls, TrainConfig(), "output/jsb")``
    """
    import random
    import time
    from dataclasses import asdict
    from pathlib import Path

    from tqdm.auto import tqdm

    from helpers.checkpoints import save_checkpoint
    from helpers.training import (TrainState, learning_rate, pick_device, record_evaluation, seed_everything,
                                  stop_reason)

    device, out_dir = pick_device(cfg.device), Path(out_dir)
    seed_everything(cfg.seed)
    rng, state, losses = random.Random(cfg.seed), TrainState(), []
    model.to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    threads_before = torch.get_num_threads()
    torch.set_num_threads(threads or threads_before)
    started = time.monotonic()
    bar = tqdm(total=cfg.max_steps, disable=not progress, desc="training", unit="step")
    try:
        while state.step < cfg.max_steps:
            model.train()
            inputs, targets, mask = (t.to(device) for t in window_batch(
                train_rolls, cfg.batch_size, cfg.block_size, rng))
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(state.step, cfg)
            h, _ = model.context(inputs)
            loss = (frame_nll(model.key_logits(h, targets), targets) * mask).sum() / mask.sum()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
            optimizer.step()
            losses.append(loss.item())
            state.step += 1
            bar.update(1)
            if state.step % cfg.eval_every and state.step != cfg.max_steps:
                continue
            valid = mean_nll(model, valid_rolls)
            if record_evaluation(state, sum(losses) / len(losses), valid, learning_rate(state.step - 1, cfg)):
                info = {**(meta or {}), "train_config": asdict(cfg), "step": state.step,
                        "best_valid_loss": valid, "history": state.history}
                save_checkpoint(out_dir / "best.pt", model, REPRESENTATION, info)
            losses = []
            bar.set_postfix(valid=f"{valid:.3f}")
            reason = stop_reason(state, cfg, started)
            if reason:
                print(reason)
                break
    finally:
        bar.close()
        torch.set_num_threads(threads_before)
    return state.history


def load_frame_model(path: "str | Path", expected_sha256: str | None = None, device: str = "cpu") -> FrameModel:
    """A frame model from a checkpoint written by :func:`train_frames` (checksum checked if given).

    Example: ``model = load_frame_model("output/jsb/best.pt")``
    """
    from helpers.checkpoints import read_model

    return read_model(path, FrameModel, FrameModelConfig, "a frame model", expected_sha256).to(device)
