"""Latent spaces of melodies: the data, the shipped VAE, and what to do with ``z`` (lesson 10).

* **Data** (:func:`melody_windows`): 2-bar windows, 32 ids of the melody grid
  (:class:`helpers.tokenizers.MelodyTokenizer`: one id per 16th step) cut at
  bar lines from the folk tunes in 4/4, 2/4 and 2/2 (2 bars of 4/4 = 4 bars of
  2/4 = 2 bars of 2/2 = 8 quarter notes), one window every 16 steps, with the
  train / valid / test split of lessons 6-8 (:func:`helpers.token_data.folk_split`):
  held-out windows come from valid and test tunes only. A window needs at
  least :data:`MIN_NOTES` note starts; a note tied in from the bar before
  becomes a rest. No transposition augmentation.
* **The model**: :class:`helpers.models.vae.MusicVAE`; :func:`load_vae` loads
  the shipped one (``data/checkpoints/folk-vae.pt``, sha256-checked).
* **Moving in the latent space**: :func:`lerp`, :func:`slerp`,
  :func:`interpolate_pieces`, :func:`sample_prior`, :func:`attribute_vector`.
* **Measuring**: :func:`reconstruction_accuracy` (per-step token accuracy with
  ``z = mu``), :func:`kl_by_dimension`, :func:`smoothness` (mean Hamming
  distance between neighbouring steps of an interpolation).
"""

import hashlib
import json
from dataclasses import dataclass, field

import numpy as np
import torch

from helpers.models.vae import STEPS, MusicVAE, VAEConfig, kl_per_dimension
from helpers.paths import cache_dir, write_atomic
from helpers.tokenizers import MelodyTokenizer

DUPLE_METERS = ("4/4", "2/4", "2/2")
HOP = 16          # a window starts at every 4/4 bar line (every second 2/4 bar)
MIN_NOTES = 4     # note starts a window needs
SPLITS = ("train", "valid", "test")
FORMAT = 1


@dataclass
class WindowData:
    """The 2-bar windows of each split: ``windows[split]`` is an (n, 32) tensor of ids."""

    tokenizer: MelodyTokenizer
    windows: dict                 # split -> LongTensor (n, 32)
    tunes: dict                   # split -> list of the tune id of each window
    info: dict = field(default_factory=dict)

    def summary(self) -> str:
        """One line per split: tunes and windows. Example: ``print(data.summary())``"""
        return "\n".join(f"{split:>5}: {len(set(self.tunes[split])):5,} tunes, "
                         f"{len(self.windows[split]):7,} windows" for split in SPLITS)


def melody_tokenizer() -> MelodyTokenizer:
    """The tokenizer of the windows (16th steps, pitches 36..96). Example: ``len(melody_tokenizer().vocab)`` -> ``66``"""
    return MelodyTokenizer()


def cut_windows(ids: list[int], tokenizer: MelodyTokenizer, hop: int = HOP,
                min_notes: int = MIN_NOTES) -> list[tuple[int, list[int]]]:
    """``[(start_step, 32 ids), ...]``: the windows of one tune's step ids (no BOS/EOS), every ``hop`` steps.

    The last window is filled up with rests; leading HOLDs (a note tied in
    from before the window) become rests; windows with fewer than
    ``min_notes`` note starts are left out.
    Example: ``cut_windows(tok.encode(piece)[1:-1], tok)[0][0]`` -> ``0``
    """
    steps = [i for i in ids if tokenizer.parsed[i][0] in ("PITCH", "REST", "HOLD")]
    out = []
    for start in range(0, max(len(steps) - 1, 0), hop):
        window = steps[start:start + STEPS]
        window = window + [tokenizer.rest_id] * (STEPS - len(window))
        lead = 0
        while lead < STEPS and window[lead] == tokenizer.hold_id:
            window[lead] = tokenizer.rest_id
            lead += 1
        if sum(tokenizer.parsed[i][0] == "PITCH" for i in window) >= min_notes:
            out.append((start, window))
    return out


def _duple_tunes(piece_ids: list[str]) -> list[str]:
    """The tunes of ``piece_ids`` in 4/4, 2/4 or 2/2 whose bar lines all fall on the grid."""
    from helpers import corpus

    table = corpus.corpus_table().set_index("id")
    rows = table.loc[[p for p in piece_ids if p in table.index]]
    keep = rows[rows.meter.isin(DUPLE_METERS) & (rows.bars_off_grid == 0)]
    return list(keep.index)


def melody_windows(limit: int | None = None) -> WindowData:
    """The 2-bar windows of the folk corpus, split like lessons 6-8; see the module's docstring.

    ``limit`` keeps the first ``limit`` duple-meter tunes of each split (quick mode).
    The result is cached in ``.cache/vae`` (numpy, no pickle); the first call
    encodes about 6,000 tunes (a minute).
    Example: ``melody_windows(limit=50).windows["train"].shape`` -> ``(n, 32)``
    """
    from helpers import corpus
    from helpers.token_data import folk_split

    tokenizer = melody_tokenizer()
    info = {"corpus": corpus.corpus_version(), "meters": list(DUPLE_METERS), "hop": HOP,
            "min_notes": MIN_NOTES, "limit": limit, "format": FORMAT, "split": "helpers.token_data.folk_split()",
            "tokenizer_sha256": hashlib.sha256(tokenizer.to_json().encode()).hexdigest()}
    digest = hashlib.sha256(json.dumps(info, sort_keys=True).encode()).hexdigest()[:20]
    path = cache_dir() / "vae" / f"windows-{digest}.npz"
    if not path.exists():
        splits = folk_split()
        arrays = {}
        for split in SPLITS:
            tunes = _duple_tunes(splits[split])[:limit]
            rows, names = [], []
            for tune, piece in zip(tunes, corpus.load_pieces(tunes)):
                if not piece.notes:
                    continue
                for _, window in cut_windows(tokenizer.encode(piece), tokenizer):
                    rows.append(window)
                    names.append(tune)
            arrays[f"{split}_ids"] = np.array(rows, dtype=np.int16).reshape(-1, STEPS)
            arrays[f"{split}_tunes"] = np.array(names, dtype=str)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, lambda f: np.savez(f, **arrays), binary=True)
    with np.load(path, allow_pickle=False) as data:
        windows = {s: torch.tensor(data[f"{s}_ids"].astype(np.int64)) for s in SPLITS}
        tunes = {s: data[f"{s}_tunes"].tolist() for s in SPLITS}
    return WindowData(tokenizer, windows, tunes, info)


# --- pieces <-> windows ---------------------------------------------------------------

def first_window(piece, tokenizer: MelodyTokenizer | None = None) -> torch.Tensor:
    """The first 2-bar window (32 ids) of a NoteSequence that starts at a 4/4 bar line and holds notes.

    The piece is read as 4/4 from its start: bar lines every 16 steps. The
    first window with at least :data:`MIN_NOTES` note starts is taken.
    Example: ``first_window(load_midi(example("twinkle.mid")))`` -> a tensor of 32 ids
    """
    from helpers.notes import is_sequence

    if not is_sequence(piece):
        raise TypeError(f"expected a NoteSequence, got {type(piece).__name__}")
    tokenizer = tokenizer or melody_tokenizer()
    windows = cut_windows(tokenizer.encode(piece), tokenizer) if piece.notes else []
    if not windows:
        raise ValueError(f"{getattr(piece, 'filename', '') or 'the piece'} has no usable 2-bar window: "
                         f"no 2 bars of 4/4 from a bar line hold {MIN_NOTES} or more note starts "
                         "(pitches 36..96)")
    return torch.tensor(windows[0][1])


def to_sequences(ids: torch.Tensor, tokenizer: MelodyTokenizer | None = None, qpm: float = 120.0) -> list:
    """Windows of ids (n, 32) as NoteSequences (4/4, ``qpm``). Example: ``to_sequences(data.windows["test"][:3])``"""
    tokenizer = tokenizer or melody_tokenizer()
    return [tokenizer.decode(row.tolist(), qpm=qpm) for row in torch.as_tensor(ids).reshape(-1, STEPS)]


def step_mask(model: MusicVAE, tokenizer: MelodyTokenizer | None = None) -> torch.Tensor:
    """A bool mask over the vocabulary: True for the ids that fill a step (REST, HOLD, PITCH_*).

    Example: ``step_mask(model).sum()`` -> ``63``
    """
    tokenizer = tokenizer or melody_tokenizer()
    return torch.tensor([tokenizer.parsed[i][0] in ("PITCH", "REST", "HOLD")
                         for i in range(model.config.vocab_size)])


@torch.no_grad()
def encode_mu(model: MusicVAE, windows: torch.Tensor, batch_size: int = 1024) -> torch.Tensor:
    """The posterior means ``mu`` (n, latent) of windows (n, 32). Example: ``z = encode_mu(model, windows[:2])``"""
    model.eval()
    return torch.cat([model.encode(windows[i:i + batch_size])[0] for i in range(0, len(windows), batch_size)])


def decode(model: MusicVAE, z: torch.Tensor, temperature: float = 0.0, seed: int | None = None) -> torch.Tensor:
    """Ids (n, 32) written by the decoder from ``z`` (n, latent): argmax at temperature 0, else sampled.

    Example: ``to_sequences(decode(model, encode_mu(model, windows[:2])))``
    """
    if not temperature >= 0:
        raise ValueError(f"temperature must be 0 (argmax) or more, not {temperature!r}")
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    model.eval()
    return model.generate(z, temperature, generator, step_mask(model))


# --- moving in the latent space ---------------------------------------------------------

def lerp(a: torch.Tensor, b: torch.Tensor, t: float) -> torch.Tensor:
    """The straight line: ``(1 - t) * a + t * b``. Example: ``lerp(torch.zeros(2), torch.ones(2), 0.5)`` -> ``tensor([0.5, 0.5])``"""
    return (1 - t) * a + t * b


def slerp(a: torch.Tensor, b: torch.Tensor, t: float, eps: float = 1e-6) -> torch.Tensor:
    """Spherical interpolation along the last dimension (any batch shape); lerp for nearly parallel rows.

    ``omega`` is the angle between ``a`` and ``b`` (from their *normalised*
    dot product); the result is ``sin((1 - t) omega) / sin(omega) * a +
    sin(t omega) / sin(omega) * b``. It keeps the length of ``z`` about
    that of a prior sample, where the straight line passes closer to the
    origin, which the prior makes unusual.
    Example: ``slerp(torch.tensor([1., 0.]), torch.tensor([0., 1.]), 0.5)`` -> ``tensor([0.7071, 0.7071])``
    """
    a, b = torch.as_tensor(a, dtype=torch.float32), torch.as_tensor(b, dtype=torch.float32)
    cos = (a * b).sum(-1, keepdim=True) / (a.norm(dim=-1, keepdim=True) * b.norm(dim=-1, keepdim=True)).clamp_min(1e-12)
    omega = torch.arccos(cos.clamp(-1.0, 1.0))
    sin = torch.sin(omega)
    parallel = sin.abs() < eps
    safe = torch.where(parallel, torch.ones_like(sin), sin)
    spherical = torch.sin((1 - t) * omega) / safe * a + torch.sin(t * omega) / safe * b
    return torch.where(parallel, lerp(a, b, t), spherical)


METHODS = {"lerp": lerp, "slerp": slerp}


def latent_path(z_a: torch.Tensor, z_b: torch.Tensor, n_steps: int = 5, method: str = "slerp") -> torch.Tensor:
    """``n_steps`` points (n_steps, latent) from ``z_a`` to ``z_b``, both ends included.

    Example: ``latent_path(torch.zeros(4), torch.ones(4), 3)[1]`` -> ``tensor([0.5, 0.5, 0.5, 0.5])`` (lerp)
    """
    if method not in METHODS:
        raise ValueError(f"method must be 'slerp' or 'lerp', not {method!r}")
    if not (isinstance(n_steps, int) and n_steps >= 2):
        raise ValueError(f"n_steps must be a whole number >= 2 (both ends included), not {n_steps!r}")
    return torch.stack([METHODS[method](z_a, z_b, i / (n_steps - 1)) for i in range(n_steps)])


def interpolate_ids(model: MusicVAE, a: torch.Tensor, b: torch.Tensor, n_steps: int = 5,
                    method: str = "slerp") -> torch.Tensor:
    """Ids (n_steps, 32) decoded (argmax) along the path between the windows ``a`` and ``b`` (32 ids each).

    Example: ``to_sequences(interpolate_ids(model, windows[0], windows[1]))``
    """
    mu = encode_mu(model, torch.stack([torch.as_tensor(a), torch.as_tensor(b)]))
    return decode(model, latent_path(mu[0], mu[1], n_steps, method))


def interpolate_pieces(model: MusicVAE, a, b, n_steps: int = 5, method: str = "slerp") -> list:
    """NoteSequences from piece ``a`` to piece ``b`` through the latent space, both (reconstructed) ends included.

    Each piece gives its first usable 2-bar window in 4/4 (:func:`first_window`);
    ``n_steps`` counts every point, ends included.
    Example: ``interpolate_pieces(model, tune_a, tune_b, n_steps=5)`` -> 5 NoteSequences
    """
    windows = []
    for name, piece in (("a", a), ("b", b)):
        try:
            windows.append(first_window(piece))
        except (TypeError, ValueError) as err:
            raise ValueError(f"piece {name}: {err}") from None
    return to_sequences(interpolate_ids(model, windows[0], windows[1], n_steps, method))


def sample_prior(model: MusicVAE, n: int, seed: int | None = None, temperature: float = 1.0) -> list:
    """``n`` new 2-bar melodies: ``z`` drawn from the prior N(0, 1), then decoded at ``temperature`` (0: argmax).

    Example: ``sample_prior(model, 4, seed=0)`` -> 4 NoteSequences
    """
    if not (isinstance(n, int) and n >= 1):
        raise ValueError(f"n must be a whole number >= 1, not {n!r}")
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    z = torch.randn(n, model.config.latent, generator=generator)
    return to_sequences(decode(model, z, temperature, None if seed is None else seed + 1))


def note_density(windows: torch.Tensor, tokenizer: MelodyTokenizer | None = None) -> torch.Tensor:
    """Note starts per window (n,). Example: ``note_density(data.windows["train"]).float().mean()``"""
    tokenizer = tokenizer or melody_tokenizer()
    return (torch.as_tensor(windows) >= tokenizer.pitch_base + tokenizer.pitch_range[0]).sum(-1)


def attribute_vector(model: MusicVAE, windows: torch.Tensor, values: torch.Tensor, share: float = 0.25) -> torch.Tensor:
    """Mean ``mu`` of the windows with the highest ``values`` minus that of the lowest (a ``share`` each).

    Adding it to a ``z`` moves the melody toward "more of the attribute".
    Example: ``dense = attribute_vector(model, windows, note_density(windows))``
    """
    if not 0 < share <= 0.5:
        raise ValueError(f"share must be in (0, 0.5], not {share!r}")
    order = torch.argsort(torch.as_tensor(values, dtype=torch.float32), stable=True)
    k = max(1, int(len(order) * share))
    mu = encode_mu(model, windows)
    return mu[order[-k:]].mean(0) - mu[order[:k]].mean(0)


# --- measuring ------------------------------------------------------------------------

@torch.no_grad()
def reconstruction_accuracy(model: MusicVAE, windows: torch.Tensor, batch_size: int = 1024) -> dict:
    """Per-step token accuracy of rebuilding ``windows`` from ``z = mu``.

    ``teacher_forced``: each step's argmax given the true earlier steps;
    ``greedy``: the decoder writes all 32 steps itself (argmax, feeding back
    its own ids), as when it is used. Example: ``reconstruction_accuracy(model, data.windows["test"])``
    """
    model.eval()
    forced = greedy = 0
    for i in range(0, len(windows), batch_size):
        batch = windows[i:i + batch_size]
        mu, _ = model.encode(batch)
        forced += (model.decode_logits(mu, batch).argmax(-1) == batch).sum().item()
        greedy += (decode(model, mu) == batch).sum().item()
    total = windows.numel()
    return {"teacher_forced": forced / total, "greedy": greedy / total, "windows": len(windows)}


@torch.no_grad()
def kl_by_dimension(model: MusicVAE, windows: torch.Tensor, batch_size: int = 1024) -> torch.Tensor:
    """Each latent dimension's KL from the prior (nats), averaged over ``windows``.

    A dimension near 0 carries no information about the melody: collapsed.
    Example: ``kl_by_dimension(model, data.windows["valid"]).sum()`` -> the KL term
    """
    model.eval()
    parts = []
    for i in range(0, len(windows), batch_size):
        batch = windows[i:i + batch_size]
        parts.append(kl_per_dimension(*model.encode(batch)) * len(batch))
    return torch.stack(parts).sum(0) / len(windows)


def smoothness(ids: torch.Tensor) -> dict:
    """Hamming distances (steps that differ) between neighbouring rows of an interpolation (rows, 32).

    Example: ``smoothness(interpolate_ids(model, a, b))`` -> ``{"mean": 5.2, "max": 9}``
    """
    ids = torch.as_tensor(ids)
    if ids.dim() != 2 or len(ids) < 2:
        raise ValueError(f"expected at least 2 rows of ids (rows, steps), got shape {tuple(ids.shape)}")
    distances = (ids[1:] != ids[:-1]).sum(-1).float()
    return {"mean": distances.mean().item(), "max": int(distances.max().item())}


def crossfade(a: torch.Tensor, b: torch.Tensor, n_steps: int = 5) -> torch.Tensor:
    """The data-space baseline: row i takes its first ``round(32 * i / (n_steps - 1))`` steps from ``b``, the rest from ``a``.

    Example: ``crossfade(a, b, 3)[1]`` -> ``b``'s first bar, then ``a``'s second
    """
    rows = []
    for i in range(n_steps):
        cut = round(STEPS * i / (n_steps - 1))
        rows.append(torch.cat([torch.as_tensor(b)[:cut], torch.as_tensor(a)[cut:]]))
    return torch.stack(rows)


# --- the shipped model ------------------------------------------------------------------

def load_vae_file(path, expected_sha256: str | None = None) -> MusicVAE:
    """A VAE from a checkpoint written by ``python -m helpers vae train`` (checksum checked if given).

    Example: ``model = load_vae_file("output/folk-vae/best.pt")``
    """
    from helpers.checkpoints import read_model

    return read_model(path, MusicVAE, VAEConfig, "a VAE", expected_sha256)


def load_vae(name: str = "folk-vae") -> tuple[MusicVAE, dict]:
    """``(model, info)``: the shipped VAE, after checking its sha256 against the manifest; ``info`` is its entry.

    Example: ``model, info = load_vae(); info["test"]["greedy"]``
    """
    from helpers.checkpoints import CHECKPOINT_DIR, pretrained_info

    info = pretrained_info(name)
    return load_vae_file(CHECKPOINT_DIR / info["file"], info["sha256"]), info


def plot_kl_by_dimension(kls: dict, ax=None) -> tuple:
    """Bars of the KL of each latent dimension, sorted, one colour per run (``{"label": tensor}``).

    Example: ``fig, ax = plot_kl_by_dimension({"free bits": kl_a, "no fix": kl_b})``
    """
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 3))
    else:
        fig = ax.figure
    width = 0.8 / max(len(kls), 1)
    for k, (label, kl) in enumerate(kls.items()):
        values = torch.sort(torch.as_tensor(kl), descending=True).values
        ax.bar(np.arange(len(values)) + k * width, values.numpy(), width=width,
               label=f"{label} (total {values.sum():.1f} nats)")
    ax.set_xlabel("latent dimension (sorted by KL)")
    ax.set_ylabel("KL (nats)")
    ax.legend()
    return fig, ax
