"""A small MusicVAE: 2-bar melodies to a latent vector and back (lesson 10).

A *variational autoencoder* (VAE) squeezes each melody through a vector
``z`` of ``latent`` numbers, and learns to rebuild the melody from ``z``
alone. Its input and output are 32 ids of the melody grid of lesson 3
(:class:`helpers.tokenizers.MelodyTokenizer`: one id per 16th step,
``PITCH_<p>`` where a note starts, ``HOLD`` while it sounds, ``REST``), that
is 2 bars of 4/4. The parts, as in MusicVAE's flat model (Roberts et al.,
ICML 2018), only much smaller:

* **encoder**: a bidirectional LSTM reads the 32 ids; its last forward and
  backward states give the mean ``mu`` and the log-variance ``logvar`` of a
  Gaussian over ``z`` (:meth:`MusicVAE.encode`);
* **reparameterisation**: ``z = mu + sigma * eps`` with ``sigma = exp(logvar / 2)``
  and ``eps`` drawn from N(0, 1), so that gradients reach ``mu`` and
  ``logvar`` (:func:`reparameterize`);
* **decoder**: an LSTM whose first state comes from ``z`` and which also reads
  ``z`` at every step, next to the previous id; it writes the melody one id at
  a time (:meth:`MusicVAE.decode_logits` with teacher forcing,
  :meth:`MusicVAE.generate` on its own);
* **loss**: the reconstruction cross-entropy (summed over the 32 steps)
  plus ``beta`` times the KL divergence from the prior N(0, 1)
  (:func:`kl_divergence`), with ``beta`` ramped up from 0 (*annealing*) and
  *free bits*: each latent dimension's KL counts only above
  ``free_bits`` nats (:func:`vae_loss`). Without them an autoregressive
  decoder learns to ignore ``z`` (*posterior collapse*).

Conventions: KL in nats, summed over the latent dimensions, averaged over
the batch.
"""

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

STEPS = 32   # 2 bars of 4/4 on the 16th grid


@dataclass
class VAEConfig:
    """The model's shape and its loss settings; the defaults are the shipped model's."""

    vocab_size: int = 66       # MelodyTokenizer(): PAD BOS EOS REST HOLD + PITCH_36..96
    steps: int = STEPS         # ids per window
    embed: int = 64            # id embedding size
    encoder_hidden: int = 128  # per direction
    decoder_hidden: int = 256
    latent: int = 32           # size of z
    free_bits: float = 0.25    # nats per latent dimension that the KL does not charge for
    beta: float = 0.2          # the KL weight after the warm-up (1 is the true ELBO; less rebuilds better)
    beta_warmup: int = 1000    # steps over which beta rises linearly from 0


def reparameterize(mu: torch.Tensor, logvar: torch.Tensor, eps: torch.Tensor | None = None) -> torch.Tensor:
    """``z = mu + sigma * eps`` with ``sigma = exp(logvar / 2)``; ``eps`` ~ N(0, 1) when not given.

    Example: ``reparameterize(torch.zeros(2), torch.zeros(2), torch.ones(2))`` -> ``tensor([1., 1.])``
    """
    if eps is None:
        eps = torch.randn_like(mu)
    return mu + torch.exp(0.5 * logvar) * eps


def kl_per_dimension(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, sigma^2) || N(0, 1)) of each latent dimension, averaged over the batch (nats).

    Per dimension: ``0.5 * (mu^2 + sigma^2 - 1 - log sigma^2)``.
    Example: ``kl_per_dimension(torch.zeros(4, 3), torch.zeros(4, 3))`` -> ``tensor([0., 0., 0.])``
    """
    return (0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar)).reshape(-1, mu.shape[-1]).mean(0)


def kl_divergence(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """The KL term: summed over the latent dimensions, averaged over the batch (nats, a 0-d tensor).

    Example: ``kl_divergence(torch.ones(1, 2), torch.zeros(1, 2))`` -> ``tensor(1.)``
    """
    return kl_per_dimension(mu, logvar).sum()


def beta_at(step: int, cfg: VAEConfig) -> float:
    """The KL weight at a training step: from 0 up to ``cfg.beta`` over ``cfg.beta_warmup`` steps.

    Example: ``beta_at(400, VAEConfig(beta_warmup=800))`` -> ``0.5``
    """
    if cfg.beta_warmup <= 0:
        return cfg.beta
    return cfg.beta * min(1.0, step / cfg.beta_warmup)


def vae_loss(logits: torch.Tensor, targets: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor,
             beta: float, free_bits: float) -> dict:
    """The training loss and its parts, each per window (nats).

    ``recon``: cross-entropy summed over the steps; ``kl``: :func:`kl_divergence`;
    ``loss = recon + beta * sum_d max(KL_d, free_bits)`` (the free bits: a
    dimension's KL below ``free_bits`` costs nothing, so the model may as well use it).
    Example: ``vae_loss(logits, ids, mu, logvar, beta=1.0, free_bits=0.25)["loss"].backward()``
    """
    recon = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                            reduction="sum") / targets.shape[0]
    per_dim = kl_per_dimension(mu, logvar)
    charged = per_dim.clamp(min=free_bits).sum() if free_bits > 0 else per_dim.sum()
    return {"loss": recon + beta * charged, "recon": recon, "kl": per_dim.sum()}


class MusicVAE(nn.Module):
    """Bidirectional LSTM encoder, latent ``z``, autoregressive LSTM decoder; see the module's docstring."""

    kind = "vae"

    def __init__(self, cfg: VAEConfig):
        """Build the layers for ``cfg``. Example: ``MusicVAE(VAEConfig(latent=16))``"""
        super().__init__()
        self.config = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.embed)
        self.encoder = nn.LSTM(cfg.embed, cfg.encoder_hidden, batch_first=True, bidirectional=True)
        self.to_mu = nn.Linear(2 * cfg.encoder_hidden, cfg.latent)
        self.to_logvar = nn.Linear(2 * cfg.encoder_hidden, cfg.latent)
        self.to_state = nn.Linear(cfg.latent, 2 * cfg.decoder_hidden)
        self.decoder = nn.LSTM(cfg.embed + cfg.latent, cfg.decoder_hidden, batch_first=True)
        self.out = nn.Linear(cfg.decoder_hidden, cfg.vocab_size)
        self.start = nn.Parameter(torch.zeros(cfg.embed))   # the decoder's input at step 0

    def encode(self, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(mu, logvar)``, each (batch, latent), of windows of ids (batch, steps).

        Example: ``mu, logvar = model.encode(windows[:8])``
        """
        _, (h, _) = self.encoder(self.embed(ids))      # h: (2 directions, batch, hidden)
        both = torch.cat([h[0], h[1]], dim=-1)
        return self.to_mu(both), self.to_logvar(both)

    def initial_state(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The decoder LSTM's first (h, c), computed from ``z``. Example: ``state = model.initial_state(z)``"""
        h, c = torch.tanh(self.to_state(z)).chunk(2, dim=-1)
        return h.unsqueeze(0).contiguous(), c.unsqueeze(0).contiguous()

    def decode_logits(self, z: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
        """Teacher forcing: the scores (batch, steps, vocab) of every step, given the true earlier ids.

        Example: ``model.decode_logits(z, windows[:8]).argmax(-1)`` -> each step's best guess
        """
        batch, steps = ids.shape
        previous = torch.cat([self.start.expand(batch, 1, -1), self.embed(ids[:, :-1])], dim=1)
        inputs = torch.cat([previous, z.unsqueeze(1).expand(-1, steps, -1)], dim=-1)
        hidden, _ = self.decoder(inputs, self.initial_state(z))
        return self.out(hidden)

    def forward(self, ids: torch.Tensor, eps: torch.Tensor | None = None) -> tuple:
        """``(logits, mu, logvar)``: encode, draw ``z`` by reparameterisation, decode with teacher forcing.

        Example: ``logits, mu, logvar = model(windows[:8])``
        """
        mu, logvar = self.encode(ids)
        z = reparameterize(mu, logvar, eps)
        return self.decode_logits(z, ids), mu, logvar

    @torch.no_grad()
    def generate(self, z: torch.Tensor, temperature: float = 0.0,
                 generator: torch.Generator | None = None, allowed: torch.Tensor | None = None) -> torch.Tensor:
        """Write ``steps`` ids from each ``z`` (batch, latent), one step at a time, feeding back each id.

        ``temperature=0`` takes the most likely id at each step (argmax);
        above 0 it samples. ``allowed`` (a bool mask over the vocabulary)
        keeps out the ids that are no melody steps (PAD, BOS, EOS).
        Example: ``model.generate(torch.zeros(1, 32))`` -> a (1, 32) tensor of ids
        """
        batch, cfg = z.shape[0], self.config
        state = self.initial_state(z)
        previous = self.start.expand(batch, -1)
        ids = []
        for _ in range(cfg.steps):
            hidden, state = self.decoder(torch.cat([previous, z], dim=-1).unsqueeze(1), state)
            logits = self.out(hidden[:, 0])
            if allowed is not None:
                logits = logits.masked_fill(~allowed, float("-inf"))
            if temperature > 0:
                probs = torch.softmax(logits / temperature, dim=-1)
                step = torch.multinomial(probs, 1, generator=generator)[:, 0]
            else:
                step = logits.argmax(-1)
            ids.append(step)
            previous = self.embed(step)
        return torch.stack(ids, dim=1)
