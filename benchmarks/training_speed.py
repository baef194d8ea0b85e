"""Training speed on this machine: tokens per second of the course's Transformer and LSTM.

One training step = a batch of 32 windows of 256 tokens, forward, backward and
an AdamW update, as in ``helpers.training``. Timed over ``--steps`` steps
after 3 warm-up steps, with the default number of torch threads and with one.

Run: .venv/bin/python benchmarks/training_speed.py
"""

import argparse
import time

import torch
import torch.nn.functional as F

from helpers.models import build_model


def tokens_per_second(kind, steps, batch=32, block=256, vocab=210):
    """Training speed of a fresh model of ``kind`` (see :func:`time_training`)."""
    torch.manual_seed(0)
    return time_training(build_model(kind, vocab_size=vocab), vocab, steps, batch, block)


def time_training(model, vocab, steps, batch=32, block=256, warmup=3):
    """Tokens per second of ``steps`` AdamW training steps on random tokens, after ``warmup`` steps.

    The model's weights change. ``benchmarks/equal_compute.py`` times the shipped models with it.
    """
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    x = torch.randint(0, vocab, (batch, block + 1), generator=torch.Generator().manual_seed(0))
    model.train()
    for i in range(steps + warmup):
        if i == warmup:
            started = time.perf_counter()
        logits, _ = model(x[:, :-1])
        loss = F.cross_entropy(logits.flatten(0, 1), x[:, 1:].flatten())
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    return steps * batch * block / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()
    default_threads = torch.get_num_threads()
    print(f"torch {torch.__version__}; batch 32 x 256 tokens; {args.steps} timed steps")
    for threads in sorted({default_threads, 1}, reverse=True):
        torch.set_num_threads(threads)
        for kind in ("transformer", "lstm"):
            print(f"{kind:>12}, {threads} thread(s): {tokens_per_second(kind, args.steps):8.0f} tokens/s")


if __name__ == "__main__":
    main()
