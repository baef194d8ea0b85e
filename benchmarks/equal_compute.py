"""The shipped Transformer and LSTM compared at equal steps, equal arithmetic and equal time.

Both shipped folk models were trained with the same settings for the same
400 steps (32 windows of 256 tokens each). That is a comparison at equal
*steps* and equal data. Two other yardsticks, printed here in one run:

* equal arithmetic: training costs about 6 multiply-adds per parameter per
  token (forward 2, backward 4), plus, for the Transformer, attention over the
  context (6 x layers x context x width per token, halved by the causal mask);
* equal time on this machine: each model's training speed in tokens per
  second, measured here in the same run (one thread, so that the two are
  timed alike on a busy machine), gives the seconds its 400 steps cost and how
  many LSTM steps fit in the Transformer's time.

``--run DIR`` adds a model trained by ``python -m helpers train`` (e.g. the
LSTM trained for as long as the Transformer: ``--max-steps 1000``), scored on
the same test windows.

Run: .venv/bin/python benchmarks/equal_compute.py [--run output/lstm-equal-time] [--steps 5]
"""

import argparse
import json
from pathlib import Path

import torch

from helpers.checkpoints import load_checkpoint, load_pretrained, pretrained_info
from helpers.token_data import folk_token_data
from helpers.training import score
from training_speed import time_training   # benchmarks/training_speed.py, beside this script

BATCH, BLOCK = 32, 256


def training_flops_per_token(model) -> float:
    """Multiply-adds x 2 per training token: 6 per parameter, plus causal attention for a Transformer.

    Example: ``training_flops_per_token(transformer)`` -> ``5.9e6``
    """
    params = sum(p.numel() for p in model.parameters())
    flops = 6 * params
    config = getattr(model, "config", None)
    if config is not None and hasattr(config, "n_layer") and hasattr(config, "n_embd"):
        flops += 6 * config.n_layer * BLOCK * config.n_embd   # QK^T and AV, forward and backward, causal half
    return float(flops)


def tokens_per_second(model, vocab_size: int, steps: int) -> float:
    """Training speed of ``model``; its weights are restored afterwards."""
    state = {k: v.clone() for k, v in model.state_dict().items()}
    speed = time_training(model, vocab_size, steps, BATCH, BLOCK)
    model.load_state_dict(state)
    model.eval()
    return speed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", action="append", default=[], help="a training folder with best.pt")
    parser.add_argument("--steps", type=int, default=5, help="timed training steps per model")
    args = parser.parse_args()
    torch.set_num_threads(1)

    transformer, tokenizer = load_pretrained("folk-transformer")
    lstm, _ = load_pretrained("folk-lstm")
    data = folk_token_data(tokenizer)
    rows = [("Transformer (shipped)", transformer, pretrained_info("folk-transformer")),
            ("LSTM (shipped)", lstm, pretrained_info("folk-lstm"))]
    for run in args.run:
        model, _ = load_checkpoint(Path(run) / "best.pt", tokenizer.to_json())
        report = json.loads((Path(run) / "report.json").read_text())   # written by the train command
        rows.append((f"{report['model']} ({run})", model, report))

    speeds = {}
    print(f"one thread, batch {BATCH} x {BLOCK} tokens, {args.steps} timed steps per model\n")
    print("| model | parameters | steps | training tokens | training FLOPs | tokens/s here | "
          "seconds for its steps | test bits/note |")
    print("|---|---|---|---|---|---|---|---|")
    for name, model, info in rows:
        steps = info["steps"]
        kind = type(model).__name__
        if kind not in speeds:
            speeds[kind] = tokens_per_second(model, len(tokenizer.vocab), args.steps)
        tokens = steps * BATCH * BLOCK
        test = score(model, data, "test")
        print(f"| {name} | {sum(p.numel() for p in model.parameters()):,} | {steps} | {tokens / 1e6:.1f} M | "
              f"{training_flops_per_token(model) * tokens:.2e} | {speeds[kind]:,.0f} | "
              f"{tokens / speeds[kind]:,.0f} | {test['bits_per_note']:.3f} |")
    ratio = speeds[type(transformer).__name__] / speeds[type(lstm).__name__]
    flops = training_flops_per_token(lstm) / training_flops_per_token(transformer)
    print(f"\nAn LSTM step costs {ratio:.2f} of a Transformer step's time here, and {flops:.2f} times its "
          f"arithmetic: in the Transformer's 400 steps of time the LSTM makes about {400 / ratio:.0f}.")


if __name__ == "__main__":
    main()
