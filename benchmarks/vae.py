"""Every figure of lesson 10 ("Latent spaces"), computed in this run from the shipped VAE and the folk windows.

1. Reconstruction of held-out 2-bar windows (valid and test tunes only):
   per-step token accuracy with z = mu, teacher-forced and greedy (the
   decoder writes all 32 steps itself, argmax), and the KL per window, beside
   what the MusicVAE paper reports (see PAPER below).
2. Posterior collapse: two short trainings of the same model, one with
   beta = 1 from the first step and no free bits, one with the fix (the
   shipped settings: beta annealed to 0.2, free bits; warm-up shortened):
   KL per window, dimensions in use (KL > 0.1 nats), greedy accuracy.
3. Interpolation smoothness over random pairs of test windows: mean and
   largest Hamming distance (steps that differ) between neighbouring points
   of a 5-point slerp / lerp path, against a step-by-step crossfade of the
   same (reconstructed) ends.
4. The note-density attribute vector: note starts of decoded z + k * v.
5. Samples from the prior: note starts per window.

Run: .venv/bin/python benchmarks/vae.py [--collapse-steps 400] [--pairs 200]
     (a few minutes on 2 busy CPU cores, most of it the two short trainings)
"""

import argparse
import random
import time

import torch

from helpers import latent as L
from helpers.models.vae import MusicVAE, VAEConfig
from helpers.vae_command import scores, train_vae, vae_train_config

# What the paper says, as far as this course could check it: see the lesson's text.
PAPER = ("MusicVAE (Roberts et al., ICML 2018), Table 1, reports reconstruction accuracies of 2-bar drum "
         "and melody models, with teacher forcing and with sampling. The course could not retrieve the "
         "table's figures (nor check the paper's text) from its offline sources, so none are printed "
         "here: read them in the paper (arXiv:1803.05428). Magenta's configs.py gives its 2-bar melody "
         "models an encoder of size 512 (cat-mel_2bar_small) or 2,048 (cat-mel_2bar_big, the released "
         "checkpoint), decoders of 2 x 256 or 3 x 2,048 units, a 256- or 512-dimensional z, batches of 512 "
         "and scheduled sampling, trained on far more MIDI; ours: about 5,000 folk tunes, 128-unit "
         "(each way) and 256-unit LSTMs, a 32-dimensional z, minutes on a CPU.")


def collapse_runs(data: L.WindowData, steps: int) -> dict:
    """Train the shipped shape twice for ``steps`` steps, without and with the fix; score on valid windows."""
    valid = data.windows["valid"][:1000]
    runs = {"beta = 1, no free bits": VAEConfig(beta=1.0, free_bits=0.0, beta_warmup=0),
            "annealing + free bits": VAEConfig(beta_warmup=steps // 2)}
    result = {}
    for label, model_cfg in runs.items():
        torch.manual_seed(0)
        model = MusicVAE(model_cfg)
        started = time.monotonic()
        train_vae(model, data.windows["train"], valid,
                  vae_train_config(max_steps=steps, eval_every=steps, warmup_steps=min(100, steps // 4)),
                  progress=False)
        result[label] = {**scores(model, valid), "seconds": round(time.monotonic() - started)}
    return result


def smoothness_table(model: MusicVAE, windows: torch.Tensor, pairs: int, seed: int = 0) -> dict:
    """Mean over random pairs of the mean and max neighbour Hamming distance, per method."""
    rng = random.Random(seed)
    totals = {name: [0.0, 0.0] for name in ("slerp", "lerp", "crossfade of the reconstructed ends",
                                            "crossfade of the originals")}
    for _ in range(pairs):
        a, b = windows[rng.randrange(len(windows))], windows[rng.randrange(len(windows))]
        paths = {"slerp": L.interpolate_ids(model, a, b, 5, "slerp"),
                 "lerp": L.interpolate_ids(model, a, b, 5, "lerp")}
        ends = paths["slerp"][[0, -1]]
        paths["crossfade of the reconstructed ends"] = L.crossfade(ends[0], ends[1], 5)
        paths["crossfade of the originals"] = L.crossfade(a, b, 5)
        for name, ids in paths.items():
            result = L.smoothness(ids)
            totals[name][0] += result["mean"] / pairs
            totals[name][1] += result["max"] / pairs
    return totals


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collapse-steps", type=int, default=400)
    parser.add_argument("--pairs", type=int, default=200)
    args = parser.parse_args()
    torch.set_num_threads(1)
    data = L.melody_windows()
    model, info = L.load_vae()
    print(data.summary())
    print(f"\nshipped model: {info['command']}\n  {info['parameters']:,} parameters, {info['steps']} steps, "
          f"{info['train_seconds']:.0f} s of training")
    print("\n1. reconstruction (z = mu), per-step token accuracy")
    for split in ("valid", "test"):
        s = scores(model, data.windows[split])
        print(f"  {split:>5}: {s['windows']:,} windows: teacher-forced {s['teacher_forced']:.3f}, "
              f"greedy {s['greedy']:.3f}, KL {s['kl']:.1f} nats per window, {s['active_dims']} of "
              f"{model.config.latent} dimensions in use")
    print("  " + PAPER)
    print(f"\n2. posterior collapse: {args.collapse_steps} steps each, scored on 1,000 valid windows")
    for label, s in collapse_runs(data, args.collapse_steps).items():
        print(f"  {label:>24}: KL {s['kl']:5.1f} nats, {s['active_dims']:2d} dimensions in use, "
              f"greedy accuracy {s['greedy']:.3f}, teacher-forced {s['teacher_forced']:.3f} ({s['seconds']} s)")
    print(f"\n3. interpolation smoothness: 5 points, {args.pairs} random pairs of test windows; "
          "Hamming distance between neighbours (steps of 32 that differ)")
    for name, (mean, largest) in smoothness_table(model, data.windows["test"], args.pairs).items():
        print(f"  {name:>36}: mean {mean:.2f}, largest {largest:.2f}")
    print("\n4. note density: attribute vector = mean mu of the densest quarter of the training windows "
          "minus that of the sparsest; 500 test windows decoded from mu + k * v")
    train = data.windows["train"][:20000]
    vector = L.attribute_vector(model, train, L.note_density(train))
    test = data.windows["test"][:500]
    mu = L.encode_mu(model, test)
    print(f"  the test windows themselves: {L.note_density(test).float().mean():.2f} note starts")
    for k in (-1.0, -0.5, 0.0, 0.5, 1.0):
        density = L.note_density(L.decode(model, mu + k * vector)).float().mean()
        print(f"  k = {k:+.1f}: {density:.2f} note starts per window")
    print("\n5. prior samples (z ~ N(0, 1)), 500 of them")
    generator = torch.Generator().manual_seed(0)
    z = torch.randn(500, model.config.latent, generator=generator)
    for temperature in (0.0, 1.0):
        ids = L.decode(model, z, temperature, seed=1)
        print(f"  temperature {temperature}: {L.note_density(ids).float().mean():.2f} note starts per window, "
              f"{len(set(map(tuple, ids.tolist())))} different windows")


if __name__ == "__main__":
    main()
