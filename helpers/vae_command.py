"""Train and ship the lesson-10 VAE: ``python -m helpers vae train --out DIR``, ``vae ship DIR``.

:func:`train_vae` is the training loop (random batches of windows, AdamW,
the course's warm-up and cosine schedule from :func:`helpers.training.learning_rate`,
gradient clipping, ``best.pt`` kept by the validation loss, a time limit);
:func:`train_and_report` adds the scores on held-out windows and writes the
``report.json`` that ``ship`` records in ``data/checkpoints/manifest.json``
with :func:`helpers.train_command.ship`, like every shipped model.
"""

import json
import shlex
import time
from dataclasses import asdict
from pathlib import Path

import torch

from helpers.models.vae import MusicVAE, VAEConfig, beta_at, vae_loss


def vae_train_config(**changes) -> "TrainConfig":
    """The :class:`~helpers.training.TrainConfig` of the shipped VAE (``block_size`` unused): one source.

    Example: ``vae_train_config(max_steps=20).batch_size`` -> ``64``
    """
    from helpers.training import TrainConfig

    settings = dict(max_steps=3000, batch_size=64, block_size=32, lr=2e-3, min_lr=1e-4, warmup_steps=100,
                    weight_decay=0.0, grad_clip=1.0, eval_every=250, eval_batches=16, max_minutes=10.0)
    return TrainConfig(**{**settings, **changes})


@torch.no_grad()
def validation_loss(model: MusicVAE, windows: torch.Tensor, batch_size: int = 1024) -> dict:
    """Mean reconstruction loss and KL per window (nats) with ``z`` drawn as in training (fixed seed).

    Example: ``validation_loss(model, data.windows["valid"])["recon"]``
    """
    model.eval()
    generator = torch.Generator().manual_seed(0)
    recon = kl = 0.0
    for i in range(0, len(windows), batch_size):
        batch = windows[i:i + batch_size]
        mu, logvar = model.encode(batch)
        eps = torch.randn(mu.shape, generator=generator)
        logits, _, _ = model(batch, eps)
        parts = vae_loss(logits, batch, mu, logvar, beta=1.0, free_bits=0.0)
        recon += parts["recon"].item() * len(batch)
        kl += parts["kl"].item() * len(batch)
    return {"recon": recon / len(windows), "kl": kl / len(windows), "elbo": (recon + kl) / len(windows)}


def train_vae(model: MusicVAE, train: torch.Tensor, valid: torch.Tensor, cfg: "TrainConfig",
              out_dir: str | Path | None = None, progress: bool = True, threads: int | None = 1) -> list:
    """Train ``model`` on windows (n, 32); return the history (one dict per evaluation).

    The KL weight follows :func:`helpers.models.vae.beta_at` and the free bits
    the model's config. Every ``cfg.eval_every`` steps the first
    ``cfg.eval_batches * cfg.batch_size`` validation windows are scored; with
    ``out_dir``, ``best.pt`` keeps the weights with the lowest validation
    reconstruction + KL (the negative ELBO). ``cfg.patience`` is not used.
    Example: ``history = train_vae(MusicVAE(VAEConfig()), data.windows["train"], data.windows["valid"][:2000], vae_train_config())``
    """
    from tqdm.auto import tqdm

    from helpers.checkpoints import save_checkpoint
    from helpers.latent import melody_tokenizer
    from helpers.training import learning_rate, seed_everything

    seed_everything(cfg.seed)
    generator = torch.Generator().manual_seed(cfg.seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    threads_before = torch.get_num_threads()
    torch.set_num_threads(threads or threads_before)
    history, seen, best, started = [], [], float("inf"), time.monotonic()
    bar = tqdm(total=cfg.max_steps, disable=not progress, desc="training", unit="step")
    try:
        for step in range(cfg.max_steps):
            model.train()
            batch = train[torch.randint(len(train), (cfg.batch_size,), generator=generator)]
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(step, cfg)
            logits, mu, logvar = model(batch)
            parts = vae_loss(logits, batch, mu, logvar, beta_at(step, model.config), model.config.free_bits)
            optimizer.zero_grad(set_to_none=True)
            parts["loss"].backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
            optimizer.step()
            seen.append((parts["recon"].item(), parts["kl"].item()))
            bar.update(1)
            last = step + 1 == cfg.max_steps
            out_of_time = cfg.max_minutes and time.monotonic() - started > 60 * cfg.max_minutes
            if (step + 1) % cfg.eval_every and not last and not out_of_time:
                continue
            valid_loss = validation_loss(model, valid[:cfg.eval_batches * cfg.batch_size])
            history.append({"step": step + 1, "train_recon": sum(r for r, _ in seen) / len(seen),
                            "train_kl": sum(k for _, k in seen) / len(seen), "beta": beta_at(step, model.config),
                            "valid_recon": valid_loss["recon"], "valid_kl": valid_loss["kl"],
                            "seconds": round(time.monotonic() - started, 1)})
            seen = []
            bar.set_postfix(recon=f"{valid_loss['recon']:.2f}", kl=f"{valid_loss['kl']:.1f}")
            if out_dir is not None and valid_loss["elbo"] < best:
                best = valid_loss["elbo"]
                save_checkpoint(Path(out_dir) / "best.pt", model, melody_tokenizer().to_json(),
                                {"train_config": asdict(cfg), "step": step + 1, "history": history})
            if out_of_time:
                print(f"time limit of {cfg.max_minutes} minutes reached at step {step + 1}")
                break
    finally:
        bar.close()
        torch.set_num_threads(threads_before)
    return history


def scores(model: MusicVAE, windows: torch.Tensor) -> dict:
    """Reconstruction accuracy (``z = mu``) and mean KL (nats) on windows. Example: ``scores(model, data.windows["test"])``"""
    from helpers.latent import kl_by_dimension, reconstruction_accuracy

    result = reconstruction_accuracy(model, windows)
    kl = kl_by_dimension(model, windows)
    return {**{k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()},
            "kl": round(kl.sum().item(), 3), "active_dims": int((kl > 0.1).sum().item())}


def train_and_report(out_dir: str | Path, cfg: "TrainConfig | None" = None, model_cfg: VAEConfig | None = None,
                     limit: int | None = None, threads: int | None = 1, command: str = "") -> dict:
    """Train the VAE on the folk windows, score it on valid and test, write ``best.pt`` and ``report.json``.

    Example: ``train_and_report("output/folk-vae")["test"]["greedy"]``
    """
    from helpers.latent import load_vae_file, melody_windows
    from helpers.training import seed_everything

    cfg, model_cfg, out_dir = cfg or vae_train_config(), model_cfg or VAEConfig(), Path(out_dir)
    data = melody_windows(limit)
    seed_everything(cfg.seed)
    model = MusicVAE(model_cfg)
    started = time.monotonic()
    history = train_vae(model, data.windows["train"], data.windows["valid"], cfg, out_dir, threads=threads)
    seconds = time.monotonic() - started
    best = load_vae_file(out_dir / "best.pt")
    threads_before = torch.get_num_threads()
    torch.set_num_threads(threads or threads_before)
    valid, test = scores(best, data.windows["valid"]), scores(best, data.windows["test"])
    torch.set_num_threads(threads_before)
    report = {"command": command or "helpers.vae_command.train_and_report", "model": "vae",
              "model_config": asdict(model_cfg), "train_config": asdict(cfg),
              "data": {**data.info, "windows": {s: len(w) for s, w in data.windows.items()},
                       "tunes": {s: len(set(t)) for s, t in data.tunes.items()}},
              "steps": history[-1]["step"], "train_seconds": round(seconds, 1), "threads": threads,
              "parameters": sum(p.numel() for p in best.parameters()),
              "valid": valid, "test": test}
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(json.dumps(report, indent=1))
    return report


def main(argv: list[str]) -> int:
    """``python -m helpers vae train --out DIR [options]`` or ``vae ship DIR [--name NAME]``.

    ``train`` takes every TrainConfig and VAEConfig field as an option.
    Example: ``main(["train", "--out", "output/folk-vae"])``
    """
    import argparse

    from helpers.train_command import add_config_options, ship

    parser = argparse.ArgumentParser(prog="python -m helpers vae", description="The lesson-10 VAE.")
    actions = parser.add_subparsers(dest="action", required=True)
    train = actions.add_parser("train", help="train and score the VAE")
    train.add_argument("--out", required=True, help="folder for best.pt and report.json")
    train.add_argument("--limit", type=int, default=None, help="tunes per split (quick runs)")
    train.add_argument("--threads", type=int, default=1, help="CPU threads (default: 1, fastest on a busy 2-core CPU)")
    add_config_options(train.add_argument_group("training (helpers.training.TrainConfig)"), vae_train_config())
    add_config_options(train.add_argument_group("the model (helpers.models.vae.VAEConfig)"), VAEConfig())
    shipping = actions.add_parser("ship", help="copy DIR/best.pt to data/checkpoints/ with its manifest entry")
    shipping.add_argument("run_dir")
    shipping.add_argument("--name", default="folk-vae")
    args = parser.parse_args(argv)
    if args.action == "ship":
        ship(args.run_dir, args.name)
        return 0
    fields = vars(args)
    cfg = vae_train_config(**{k: fields[k] for k in asdict(vae_train_config())})
    model_cfg = VAEConfig(**{k: fields[k] for k in asdict(VAEConfig())})
    report = train_and_report(args.out, cfg, model_cfg, args.limit, args.threads,
                              command="python -m helpers vae " + shlex.join(argv))
    print(f"{report['steps']} steps in {report['train_seconds']:.0f} s; test: teacher-forced accuracy "
          f"{report['test']['teacher_forced']:.3f}, greedy {report['test']['greedy']:.3f}, KL {report['test']['kl']:.1f} nats")
    return 0
