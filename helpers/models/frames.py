"""A model of chord frames: an LSTM over frames with a MADE output over the 88 keys (lesson 11).

The JSB Chorales benchmark scores a model on *frames*: at every quarter note,
the set of sounding keys, an 88-key multi-hot vector ``v``. A model must give
the probability of the whole vector, given the earlier frames. Naming the
keys one by one from low to high, the chain rule splits it exactly::

    p(v | earlier frames) = p(v_1 | h) p(v_2 | v_1, h) ... p(v_88 | v_1..v_87, h)

where ``h`` is the LSTM's summary of the earlier frames. This is the idea of
RNN-NADE (Boulanger-Lewandowski et al., 2012). Here each factor comes from a
MADE (Germain et al., "MADE: Masked Autoencoder for Distribution
Estimation", ICML 2015): one hidden layer whose weight masks let the output
for key ``i`` see only keys below ``i``, plus direct links from the lower
keys; ``h`` shifts its hidden units and its output biases. So all 88
conditional probabilities of a frame come out of one pass, in training and
scoring, while sampling goes key by key.

A frame's negative log-likelihood (NLL) is the sum over the 88 keys of the
binary cross-entropy of each key's logit: exact, in nats.

The input at step ``t`` is frame ``t - 1`` plus one extra unit that is 1 only
at the start of a piece (so a silent frame and "no frame yet" differ); the
output at step ``t`` scores frame ``t``.
"""

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

N_KEYS = 88          # the piano, MIDI pitches 21..108
LOWEST = 21


def piano_roll(piece: list) -> "np.ndarray":
    """A piece's frames as a (frames, 88) array of 0/1: column k is MIDI pitch 21 + k.

    Example: ``piano_roll([[21, 108]]).sum()`` -> ``2.0``
    """
    import numpy as np

    roll = np.zeros((len(piece), N_KEYS))
    for t, frame in enumerate(piece):
        for pitch in frame:
            if not LOWEST <= pitch < LOWEST + N_KEYS:
                raise ValueError(f"frame {t}: pitch {pitch} is outside the piano's 21..108")
            roll[t, pitch - LOWEST] = 1
    return roll


@dataclass
class FrameModelConfig:
    """The frame model's shape; the defaults are the 10-minute model's."""

    hidden: int = 256        # LSTM units
    n_layer: int = 1         # LSTM layers
    made_hidden: int = 256   # MADE hidden units
    dropout: float = 0.2


class FrameModel(nn.Module):
    """LSTM over frames, MADE over the keys of each frame. ``model(frames)`` -> per-key logits."""

    kind = "frames"

    def __init__(self, cfg: FrameModelConfig):
        """Build the layers and the MADE's masks for ``cfg``.

        Example: ``FrameModel(FrameModelConfig(hidden=384))``
        """
        super().__init__()
        self.config = cfg
        self.lstm = nn.LSTM(N_KEYS + 1, cfg.hidden, cfg.n_layer, batch_first=True,
                            dropout=cfg.dropout if cfg.n_layer > 1 else 0.0)
        self.drop = nn.Dropout(cfg.dropout)
        self.to_hidden = nn.Linear(cfg.hidden, cfg.made_hidden)   # the context shifts the MADE's units
        self.to_bias = nn.Linear(cfg.hidden, N_KEYS)              # ... and its output biases
        self.made_in = nn.Linear(N_KEYS, cfg.made_hidden, bias=False)
        self.made_out = nn.Linear(cfg.made_hidden, N_KEYS, bias=False)
        self.direct = nn.Linear(N_KEYS, N_KEYS, bias=False)
        key_degree = torch.arange(1, N_KEYS + 1)                  # key i may depend on keys < i
        unit_degree = torch.arange(cfg.made_hidden) % (N_KEYS - 1) + 1
        self.register_buffer("mask_in", (unit_degree[:, None] >= key_degree[None, :]).float())
        self.register_buffer("mask_out", (key_degree[:, None] > unit_degree[None, :]).float())
        self.register_buffer("mask_direct", (key_degree[:, None] > key_degree[None, :]).float())

    def context(self, previous: torch.Tensor, state: tuple | None = None) -> tuple:
        """The LSTM over input frames (B, T, 89): its output (B, T, hidden) and state.

        Example: ``h, state = model.context(start_input(1))``
        """
        out, state = self.lstm(previous, state)
        return self.drop(out), state

    def key_logits(self, h: torch.Tensor, frames: torch.Tensor) -> torch.Tensor:
        """Logit of each key of ``frames`` (B, T, 88) given the keys below it and the context ``h``.

        Example: ``torch.sigmoid(model.key_logits(h, frames))[..., 0]`` -> p(lowest key sounds)
        """
        units = torch.relu(self.to_hidden(h) + F.linear(frames, self.made_in.weight * self.mask_in))
        return (self.to_bias(h) + F.linear(units, self.made_out.weight * self.mask_out)
                + F.linear(frames, self.direct.weight * self.mask_direct))

    def forward(self, frames: torch.Tensor) -> tuple:
        """Per-key logits (B, T, 88) of whole pieces ``frames`` (B, T, 88), each frame given the ones before.

        Returns ``(logits, state)``, the LSTM state after the last frame;
        ``frame_nll(logits, frames)`` is then each frame's NLL.
        Example: ``logits, _ = model(frames)``
        """
        inputs = torch.cat([start_input(len(frames), frames.device), with_start_flag(frames[:, :-1])], 1)
        h, state = self.context(inputs)
        return self.key_logits(h, frames), state

    def start_from_frequencies(self, rolls: list) -> None:
        """Set the output biases to each key's log-odds in ``rolls``: training starts from the baseline.

        Example: ``model.start_from_frequencies(train_rolls)``
        """
        frames = torch.cat([torch.as_tensor(roll, dtype=torch.float32) for roll in rolls])
        share = (frames.sum(0) + 1) / (len(frames) + 2)
        with torch.no_grad():
            self.to_bias.bias.copy_(torch.log(share / (1 - share)))


def with_start_flag(frames: torch.Tensor) -> torch.Tensor:
    """Frames (B, T, 88) as LSTM inputs (B, T, 89): the extra start-of-piece unit is 0.

    Example: ``with_start_flag(torch.zeros(1, 2, 88)).shape`` -> ``torch.Size([1, 2, 89])``
    """
    return F.pad(frames, (0, 1))


def start_input(batch: int, device: torch.device | str | None = None) -> torch.Tensor:
    """The input before a piece's first frame: no keys, start unit 1. Shape (batch, 1, 89).

    Example: ``start_input(2)[0, 0, -1]`` -> ``tensor(1.)``
    """
    start = torch.zeros(batch, 1, N_KEYS + 1, device=device)
    start[..., -1] = 1
    return start


def frame_nll(logits: torch.Tensor, frames: torch.Tensor) -> torch.Tensor:
    """NLL in nats of each frame, (B, T): the sum over the 88 keys of each key's binary cross-entropy.

    Example: ``frame_nll(*[torch.zeros(1, 1, 88)] * 2)`` -> ``tensor([[60.9993]])`` (88 log 2)
    """
    return F.binary_cross_entropy_with_logits(logits, frames, reduction="none").sum(-1)


def pieces_to_tensor(rolls: list, device: torch.device | str | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Piano rolls of different lengths as one zero-padded batch (B, T, 88) and its mask (B, T).

    Example: ``frames, mask = pieces_to_tensor([roll_a, roll_b])``
    """
    longest = max(len(roll) for roll in rolls)
    frames = torch.zeros(len(rolls), longest, N_KEYS, device=device)
    mask = torch.zeros(len(rolls), longest, device=device)
    for i, roll in enumerate(rolls):
        frames[i, :len(roll)] = torch.as_tensor(roll, dtype=torch.float32)
        mask[i, :len(roll)] = 1
    return frames, mask


@torch.no_grad()
def pieces_nll(model: FrameModel, rolls: list, batch_size: int = 32) -> list[torch.Tensor]:
    """NLL of every frame of each piece (a (T, 88) roll), each given all earlier frames of its piece.

    Pieces run together, padded at the end: the LSTM reads forwards, so the
    padding never changes the frames before it.
    Example: ``sum(nll.sum() for nll in pieces_nll(model, rolls))`` -> the total NLL
    """
    model.eval()
    device = next(model.parameters()).device
    result = []
    for b in range(0, len(rolls), batch_size):
        chunk = rolls[b:b + batch_size]
        frames, _ = pieces_to_tensor(chunk, device)
        logits, _ = model(frames)
        nll = frame_nll(logits, frames).cpu()
        result += [nll[i, :len(roll)] for i, roll in enumerate(chunk)]
    return result


@torch.no_grad()
def sample_frames(model: FrameModel, n_frames: int, temperature: float = 1.0,
                  seed: int | None = None, primer: list | None = None) -> list[list[int]]:
    """Generate ``n_frames`` frames (lists of MIDI pitches), key by key from low to high.

    ``primer``: frames to continue (they are not repeated in the result).
    ``temperature`` divides every key's logit: below 1, safer choices.
    Example: ``sample_frames(model, 32, seed=0)[0]`` -> ``[48, 55, 64, 72]``
    """
    if n_frames < 1 or not temperature > 0:
        raise ValueError(f"need n_frames >= 1 and temperature > 0, got {n_frames} and {temperature}")
    model.eval()
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    inputs = start_input(1)
    if primer:
        roll = torch.tensor(piano_roll(primer), dtype=torch.float32)[None]
        inputs = torch.cat([inputs, with_start_flag(roll)], 1)
    h, state = model.context(inputs)
    h, result = h[:, -1:], []
    for _ in range(n_frames):
        frame = torch.zeros(1, 1, N_KEYS)
        for key in range(N_KEYS):
            p = torch.sigmoid(model.key_logits(h, frame)[0, 0, key] / temperature)
            frame[0, 0, key] = float(torch.rand(1, generator=generator) < p)
        result.append([LOWEST + k for k in frame[0, 0].nonzero().flatten().tolist()])
        h, state = model.context(with_start_flag(frame), state)
    return result


# --- training ---------------------------------------------------------------------------

REPRESENTATION = ('{"scheme": "frames", "keys": 88, "lowest_pitch": 21, '
                  '"frame": "multi-hot of the sounding keys, one per quarter note"}')


def window_batch(rolls: list, batch_size: int, block_size: int, rng: "random.Random") -> tuple:
    """Random windows of ``block_size`` frames: LSTM inputs (B, T, 89), target frames (B, T, 88), mask (B, T).

    A window at the start of a piece begins with the start input; any other
    begins with the frame before it, so no window pretends to start a piece.
    Pieces shorter than the window are padded (and masked).
    Example: ``inputs, targets, mask = window_batch(rolls, 32, 64, random.Random(0))``
    """
    inputs = torch.zeros(batch_size, block_size, N_KEYS + 1)
    targets = torch.zeros(batch_size, block_size, N_KEYS)
    mask = torch.zeros(batch_size, block_size)
    for b in range(batch_size):
        roll = rolls[rng.randrange(len(rolls))]
        start = rng.randint(0, max(0, len(roll) - block_size))
        window = roll[start:start + block_size]
        previous = start_input(1)[0] if start == 0 else with_start_flag(roll[start - 1:start])
        inputs[b, :len(window)] = torch.cat([previous, with_start_flag(window[:-1])])
        targets[b, :len(window)] = window
        mask[b, :len(window)] = 1
    return inputs, targets, mask


def mean_nll(model: FrameModel, rolls: list) -> float:
    """Mean NLL in nats per frame over whole pieces (exact: every frame given all earlier ones).

    Example: ``mean_nll(model, valid_rolls)`` -> ``5.3``
    """
    nlls = pieces_nll(model, rolls)
    return float(sum(nll.sum() for nll in nlls) / sum(len(nll) for nll in nlls))
