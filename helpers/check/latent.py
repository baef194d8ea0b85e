"""Checks for lesson 10, "Latent spaces" (notebooks/medium/10_latent_spaces.ipynb).

* ``latent-reparameterize``: ``z = mu + exp(logvar / 2) * eps`` with a given
  ``eps``, compared with :func:`helpers.models.vae.reparameterize` on random
  shapes, and the gradients that reach ``mu`` and ``logvar`` compared too;
* ``latent-kl``: the closed-form KL(N(mu, sigma^2) || N(0, 1)), summed over the
  latent dimensions and averaged over the batch, compared with
  :func:`helpers.models.vae.kl_divergence` (a 0-d tensor that gradients flow through);
* ``latent-slerp``: spherical interpolation, compared with
  :func:`helpers.latent.slerp`: ends exact, vectors of any length, parallel
  and nearly parallel vectors (lerp), rows of a batch.
"""

import math
import random

import torch

from helpers.check.calling import call, expect_function
from helpers.check.cases import Case, run_cases
from helpers.check.core import Hint, register
from helpers.check.inputs import torch_generator
from helpers.latent import lerp, slerp
from helpers.models.vae import kl_divergence, reparameterize


def _expect_tensor_like(got, expected: torch.Tensor, tol: float = 1e-4) -> None:
    """``got`` must be a float tensor of ``expected``'s shape with the same numbers (within ``tol``)."""
    if not isinstance(got, torch.Tensor):
        raise Hint(f"expected a tensor, got {type(got).__name__}: keep to torch operations "
                   "(torch.exp, torch.sin, ...) so that gradients can flow.")
    if tuple(got.shape) != tuple(expected.shape):
        raise Hint(f"expected shape {tuple(expected.shape)}, got {tuple(got.shape)}.")
    if not got.is_floating_point():
        raise Hint(f"expected a float tensor, got dtype {got.dtype}.")
    if torch.isnan(got).any():
        raise Hint(f"the result holds nan: {got.detach().flatten()[:6].tolist()}.")
    if not torch.allclose(got.detach().float(), expected.float(), rtol=tol, atol=tol):
        worst = int((got.detach().float() - expected.float()).abs().flatten().argmax())
        raise Hint(f"expected {expected.flatten()[worst].item():.5f} at flat index {worst}, "
                   f"got {got.detach().flatten()[worst].item():.5f}.")


def _compare_tensor(got, expected: torch.Tensor, case: Case) -> None:
    """``run_cases``' comparison: see :func:`_expect_tensor_like`."""
    _expect_tensor_like(got, expected)


def _gaussian_params(rng: random.Random, batch: int, dims: int) -> tuple:
    generator = torch_generator(rng)
    mu = torch.randn(batch, dims, generator=generator) * 1.5
    logvar = torch.randn(batch, dims, generator=generator) * 1.2 - 0.5
    eps = torch.randn(batch, dims, generator=generator)
    return mu, logvar, eps


@register("latent-reparameterize")
def check_reparameterize(answer, rng: random.Random) -> None:
    """Lesson 10, exercise 1: ``reparameterize(mu, logvar, eps)``. Example: ``check("latent-reparameterize", reparameterize)``"""
    expect_function(answer, "reparameterize")
    cases = [Case((torch.zeros(1, 1), torch.zeros(1, 1), torch.ones(1, 1)), "sigma = 1: z = mu + eps"),
             Case((torch.tensor([[0.5, -1.0]]), torch.tensor([[math.log(4.0), 0.0]]), torch.tensor([[1.0, 2.0]])),
                  "logvar = log 4: sigma = 2"),
             Case((torch.tensor([[1.0, 2.0, 3.0]]), torch.tensor([[0.0, 0.0, 0.0]]), torch.zeros(1, 3)),
                  "eps = 0: z = mu")]
    for _ in range(8):
        cases.append(Case(_gaussian_params(rng, rng.randint(1, 5), rng.randint(1, 8))))
    mistakes = {"sigma is exp(logvar / 2): logvar is the log of the variance sigma^2, so exp(logvar) "
                "is sigma^2, not sigma": lambda mu, logvar, eps: mu + torch.exp(logvar) * eps,
                "multiply by sigma = exp(logvar / 2), not by logvar itself": lambda mu, logvar, eps: mu + logvar * eps,
                "z = mu + sigma * eps (sigma times eps, added to mu)": lambda mu, logvar, eps: mu * torch.exp(0.5 * logvar) + eps}
    _check_uses_eps(answer, rng)
    run_cases(answer, "reparameterize", cases, reparameterize, _compare_tensor, mistakes)
    _check_gradients(answer, rng)


def _check_uses_eps(answer, rng: random.Random) -> None:
    """Two calls with the same ``mu``, ``logvar`` and ``eps`` must give the same ``z``."""
    mu, logvar, eps = _gaussian_params(rng, 2, 3)
    first = call(answer, mu, logvar, eps, name="reparameterize")
    second = call(answer, mu, logvar, eps, name="reparameterize")
    if isinstance(first, torch.Tensor) and isinstance(second, torch.Tensor) and first.shape == second.shape \
            and not torch.equal(first, second):
        raise Hint("two calls with the same mu, logvar and eps gave different z: use the eps you are "
                   "given (the check fixes it), do not draw your own noise.")


def _check_gradients(answer, rng: random.Random) -> None:
    """The gradients of ``z.sum()`` must reach ``mu`` (ones) and ``logvar`` (``sigma * eps / 2``)."""
    mu, logvar, eps = _gaussian_params(rng, 3, 4)
    mu.requires_grad_(True)
    logvar.requires_grad_(True)
    z = call(answer, mu, logvar, eps, name="reparameterize")
    if not isinstance(z, torch.Tensor) or not z.requires_grad:
        raise Hint("the result carries no gradient: z must be computed from mu and logvar with torch "
                   "operations (no .detach(), no torch.no_grad(), no numpy), or the encoder cannot learn.")
    z.sum().backward()
    if mu.grad is None or logvar.grad is None:
        missing = "mu" if mu.grad is None else "logvar"
        raise Hint(f"no gradient reached {missing}: compute z from both mu and logvar.")
    want_logvar = 0.5 * torch.exp(0.5 * logvar.detach()) * eps
    if not torch.allclose(mu.grad, torch.ones_like(mu), atol=1e-5):
        raise Hint("the gradient of z.sum() with respect to mu should be all ones (z = mu + ...); "
                   f"got {mu.grad.flatten()[:4].tolist()}...")
    if not torch.allclose(logvar.grad, want_logvar, atol=1e-4, rtol=1e-4):
        raise Hint("the gradient with respect to logvar should be exp(logvar / 2) * eps / 2; "
                   f"got {logvar.grad.flatten()[:3].tolist()} instead of {want_logvar.flatten()[:3].tolist()}.")


@register("latent-kl")
def check_kl(answer, rng: random.Random) -> None:
    """Lesson 10, exercise 2: ``kl_divergence(mu, logvar)``. Example: ``check("latent-kl", kl_divergence)``"""
    expect_function(answer, "kl_divergence")

    def compare(got, expected, case):
        if not isinstance(got, torch.Tensor):
            raise Hint(f"expected a 0-d tensor (the loss adds it and calls .backward()), got "
                       f"{type(got).__name__} {got!r}.")
        if got.dim() != 0:
            raise Hint(f"expected one number for the whole batch (a 0-d tensor): sum over the latent "
                       f"dimensions, then the mean over the batch; got shape {tuple(got.shape)}.")
        _expect_tensor_like(got, expected, tol=1e-4)

    cases = [Case((torch.zeros(1, 3), torch.zeros(1, 3)), "mu = 0, sigma = 1: the prior itself, KL 0"),
             Case((torch.ones(1, 2), torch.zeros(1, 2)), "mu = 1, sigma = 1: 0.5 per dimension"),
             Case((torch.zeros(1, 1), torch.full((1, 1), math.log(4.0))), "sigma^2 = 4"),
             Case((torch.zeros(3, 1), torch.tensor([[0.0], [2.0], [1.0]])), "a batch of 3: the mean over it")]
    for _ in range(8):
        mu, logvar, _ = _gaussian_params(rng, rng.randint(2, 6), rng.randint(2, 8))
        cases.append(Case((mu, logvar)))
    per_dim = lambda mu, logvar: mu.pow(2) + logvar.exp() - 1 - logvar   # noqa: E731 (twice the KL)
    mistakes = {"KL(q || p) = 0.5 * (mu^2 + sigma^2 - 1 - log sigma^2): the sign is flipped":
                lambda mu, logvar: -kl_divergence(mu, logvar),
                "the closed form has a factor 1/2": lambda mu, logvar: per_dim(mu, logvar).sum(-1).mean(),
                "sum over the latent dimensions, then average over the batch (you averaged over the dimensions)":
                lambda mu, logvar: 0.5 * per_dim(mu, logvar).mean(),
                "average over the batch (you summed over it)": lambda mu, logvar: 0.5 * per_dim(mu, logvar).sum(),
                "the second argument is logvar = log sigma^2, not sigma: sigma^2 = exp(logvar)":
                lambda mu, logvar: (0.5 * (mu.pow(2) + logvar.pow(2) - 1 - torch.log(logvar.pow(2)))).sum(-1).mean()}
    run_cases(answer, "kl_divergence", cases, kl_divergence, compare, mistakes)
    mu, logvar, _ = _gaussian_params(rng, 3, 4)
    mu.requires_grad_(True)
    got = call(answer, mu, logvar, name="kl_divergence")
    if not getattr(got, "requires_grad", False):
        raise Hint("the result carries no gradient: compute it with torch operations (no .item(), "
                   "no numpy, no .detach()), or the KL term cannot pull mu toward 0.")


@register("latent-slerp")
def check_slerp(answer, rng: random.Random) -> None:
    """Lesson 10, exercise 3: ``slerp(a, b, t)``. Example: ``check("latent-slerp", slerp)``"""
    expect_function(answer, "slerp")
    generator = torch_generator(rng)
    x, y = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0])
    v = torch.randn(5, generator=generator)
    tilt = torch.randn(5, generator=generator) * 1e-4
    cases = [Case((x, y, 0.5), "a quarter circle: halfway is (0.7071, 0.7071), not (0.5, 0.5)"),
             Case((x, 3 * y, 0.5), "lengths 1 and 3: the angle comes from the normalised vectors"),
             Case((x, 0.5 * (x + y), 0.5), "lengths 1 and 0.71, 45 degrees apart"),
             Case((v, -0.5 * v.roll(1), 0.0), "t = 0 gives a exactly"),
             Case((v, -0.5 * v.roll(1), 1.0), "t = 1 gives b exactly"),
             Case((v, 2.5 * v, 0.3), "parallel vectors: the angle is 0, fall back to lerp"),
             Case((v, 2.0 * v + tilt, 0.6), "nearly parallel vectors: fall back to lerp"),
             Case((torch.stack([x, x]), torch.stack([y, 2 * x]), 0.25), "a batch of 2 rows, one pair parallel")]
    for _ in range(8):
        batch, dims = rng.choice([(), (1,), (3,)]), rng.randint(2, 12)
        a = torch.randn(*batch, dims, generator=generator) * rng.uniform(0.5, 3)
        b = torch.randn(*batch, dims, generator=generator) * rng.uniform(0.5, 3)
        cases.append(Case((a, b, round(rng.uniform(0.05, 0.95), 3))))
    mistakes = {"the angle omega = arccos(a . b / (|a| |b|)): normalise the vectors before the dot product":
                _slerp_unnormalised_angle,
                "that is lerp, a straight line: slerp follows the arc, sin((1 - t) omega) / sin(omega) "
                "* a + sin(t omega) / sin(omega) * b": lerp,
                "t = 0 should give a and t = 1 give b (you have them the other way)":
                lambda a, b, t: slerp(a, b, 1 - t)}
    run_cases(answer, "slerp", cases, slerp, _compare_tensor, mistakes)


def _slerp_unnormalised_angle(a: torch.Tensor, b: torch.Tensor, t: float) -> torch.Tensor:
    """The mistake: omega from the raw dot product (clamped so that arccos stays defined)."""
    omega = torch.arccos((a * b).sum(-1, keepdim=True).clamp(-1, 1))
    sin = torch.sin(omega)
    safe = torch.where(sin.abs() < 1e-6, torch.ones_like(sin), sin)
    return torch.where(sin.abs() < 1e-6, lerp(a, b, t),
                       torch.sin((1 - t) * omega) / safe * a + torch.sin(t * omega) / safe * b)
