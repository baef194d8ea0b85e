"""Answers for the checks of lesson 10: right ones, right ones written differently, wrong ones.

The same layout as check_answers_lesson9.py: each wrong answer comes with a
piece of text its hint must contain. tests/test_check.py runs them.
"""


import numpy as np
import torch

from helpers.latent import slerp
from helpers.models.vae import kl_divergence, reparameterize


# --- latent-reparameterize ------------------------------------------------------------

def _reparam_sqrt(mu, logvar, eps):
    return mu + torch.sqrt(torch.exp(logvar)) * eps


def _reparam_distribution(mu, logvar, eps):
    sigma = (logvar / 2).exp()
    return torch.addcmul(mu, sigma, eps)


def _reparam_exp_logvar(mu, logvar, eps):
    return mu + torch.exp(logvar) * eps


def _reparam_logvar_as_sigma(mu, logvar, eps):
    return mu + logvar * eps


def _reparam_own_noise(mu, logvar, eps):
    return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)


def _reparam_detached(mu, logvar, eps):
    return (mu + torch.exp(0.5 * logvar) * eps).detach()


def _reparam_numpy(mu, logvar, eps):
    return torch.tensor(mu.detach().numpy() + np.exp(logvar.detach().numpy() / 2) * eps.numpy())


def _reparam_in_place(mu, logvar, eps):
    return mu.data.add_(torch.exp(0.5 * logvar) * eps)


def _reparam_no_noise(mu, logvar, eps):
    return mu + torch.exp(0.5 * logvar)


# --- latent-kl -------------------------------------------------------------------------

def _kl_sigma(mu, logvar):
    sigma = torch.exp(logvar / 2)
    return (-torch.log(sigma) + (sigma ** 2 + mu ** 2) / 2 - 0.5).sum(dim=1).mean()


def _kl_loop(mu, logvar):
    total = 0
    for row_mu, row_logvar in zip(mu, logvar):
        total = total + (0.5 * (row_mu ** 2 + row_logvar.exp() - 1 - row_logvar)).sum()
    return total / len(mu)


def _kl_sign(mu, logvar):
    return (0.5 * (1 + logvar - mu ** 2 - logvar.exp())).sum(-1).mean()


def _kl_no_half(mu, logvar):
    return (mu ** 2 + logvar.exp() - 1 - logvar).sum(-1).mean()


def _kl_logvar_as_sigma(mu, logvar):
    return (0.5 * (mu ** 2 + logvar ** 2 - 1 - torch.log(logvar ** 2))).sum(-1).mean()


def _kl_mean_over_dims(mu, logvar):
    return (0.5 * (mu ** 2 + logvar.exp() - 1 - logvar)).mean()


def _kl_sum_over_batch(mu, logvar):
    return (0.5 * (mu ** 2 + logvar.exp() - 1 - logvar)).sum()


def _kl_float(mu, logvar):
    return kl_divergence(mu, logvar).item()


def _kl_per_row(mu, logvar):
    return (0.5 * (mu ** 2 + logvar.exp() - 1 - logvar)).sum(-1)


# --- latent-slerp -----------------------------------------------------------------------

def _slerp_numpy_style(a, b, t):
    a_unit = a / a.norm(dim=-1, keepdim=True)
    b_unit = b / b.norm(dim=-1, keepdim=True)
    dot = (a_unit * b_unit).sum(-1, keepdim=True).clamp(-1, 1)
    omega = torch.acos(dot)
    so = torch.sin(omega)
    near = so < 1e-7
    so = torch.where(near, torch.ones_like(so), so)
    out = (torch.sin((1.0 - t) * omega) / so) * a + (torch.sin(t * omega) / so) * b
    return torch.where(near, (1.0 - t) * a + t * b, out)


def _slerp_with_cosine_threshold(a, b, t):
    cos = torch.nn.functional.cosine_similarity(a, b, dim=-1).unsqueeze(-1)
    omega = torch.arccos(cos.clamp(-1, 1))
    out = (torch.sin((1 - t) * omega) * a + torch.sin(t * omega) * b) / torch.sin(omega).clamp_min(1e-12)
    return torch.where(cos > 0.9999995, torch.lerp(a, b, t), out)


def _slerp_lerp(a, b, t):
    return (1 - t) * a + t * b


def _slerp_unnormalised(a, b, t):
    omega = torch.arccos((a * b).sum(-1, keepdim=True).clamp(-1, 1))
    so = torch.sin(omega)
    return torch.where(so.abs() < 1e-6, (1 - t) * a + t * b,
                       torch.sin((1 - t) * omega) / so * a + torch.sin(t * omega) / so * b)


def _slerp_no_fallback(a, b, t):
    cos = (a * b).sum(-1, keepdim=True) / (a.norm(dim=-1, keepdim=True) * b.norm(dim=-1, keepdim=True))
    omega = torch.arccos(cos.clamp(-1, 1))
    return torch.sin((1 - t) * omega) / torch.sin(omega) * a + torch.sin(t * omega) / torch.sin(omega) * b


def _slerp_one_dimensional(a, b, t):
    cos = torch.dot(a.flatten(), b.flatten()) / (a.norm() * b.norm())
    omega = torch.arccos(cos.clamp(-1, 1))
    if torch.sin(omega).abs() < 1e-6:
        return (1 - t) * a + t * b
    return torch.sin((1 - t) * omega) / torch.sin(omega) * a + torch.sin(t * omega) / torch.sin(omega) * b


def _slerp_swapped(a, b, t):
    return slerp(b, a, t)


def _slerp_list(a, b, t):
    return slerp(a, b, t).tolist()


RIGHT = {"latent-reparameterize": reparameterize, "latent-kl": kl_divergence, "latent-slerp": slerp}

ALSO_RIGHT = {
    "latent-reparameterize": [_reparam_sqrt, _reparam_distribution],
    "latent-kl": [_kl_sigma, _kl_loop],
    "latent-slerp": [_slerp_numpy_style, _slerp_with_cosine_threshold],
}

WRONG = {
    "latent-reparameterize": [
        (_reparam_exp_logvar, "exp(logvar / 2)"),
        (_reparam_logvar_as_sigma, "not by logvar itself"),
        (_reparam_own_noise, "use the eps you are given"),
        (_reparam_detached, "carries no gradient"),
        (_reparam_numpy, "carries no gradient"),
        (_reparam_in_place, "changed"),
        (_reparam_no_noise, "expected"),
    ],
    "latent-kl": [
        (_kl_sign, "the sign is flipped"),
        (_kl_no_half, "factor 1/2"),
        (_kl_logvar_as_sigma, "not sigma"),
        (_kl_mean_over_dims, "averaged over the dimensions"),
        (_kl_sum_over_batch, "you summed over it"),
        (_kl_float, "expected a 0-d tensor"),
        (_kl_per_row, "one number for the whole batch"),
    ],
    "latent-slerp": [
        (_slerp_lerp, "that is lerp"),
        (_slerp_unnormalised, "normalise the vectors"),
        (_slerp_no_fallback, "nan"),
        (_slerp_one_dimensional, "a batch of 2 rows"),
        (_slerp_swapped, "the other way"),
        (_slerp_list, "expected a tensor"),
    ],
}

