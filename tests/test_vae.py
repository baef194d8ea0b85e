"""The lesson-10 VAE: its parts, its loss, its training command and the shipped checkpoint."""

import json
import math

import pytest
import torch
from torch.distributions import Normal, kl_divergence as torch_kl

from helpers.checkpoints import CHECKPOINT_DIR, CheckpointError, pretrained_info, save_checkpoint
from helpers.latent import load_vae, load_vae_file, melody_tokenizer, melody_windows
from helpers.models.vae import (MusicVAE, VAEConfig, beta_at, kl_divergence, kl_per_dimension,
                                reparameterize, vae_loss)
from helpers.vae_command import main, scores, train_vae, vae_train_config, validation_loss

SMALL = VAEConfig(embed=16, encoder_hidden=24, decoder_hidden=32, latent=8, beta_warmup=20)


def test_the_default_vocabulary_is_the_melody_tokenizers():
    assert VAEConfig().vocab_size == len(melody_tokenizer().vocab)


def test_shapes_of_encode_decode_and_generate():
    torch.manual_seed(0)
    model = MusicVAE(SMALL)
    ids = torch.randint(3, SMALL.vocab_size, (5, 32))
    mu, logvar = model.encode(ids)
    assert mu.shape == logvar.shape == (5, 8)
    logits, _, _ = model(ids)
    assert logits.shape == (5, 32, SMALL.vocab_size)
    allowed = torch.zeros(SMALL.vocab_size, dtype=torch.bool)
    allowed[[3, 4, 40]] = True
    out = model.generate(mu, allowed=allowed)
    assert out.shape == (5, 32) and set(out.unique().tolist()) <= {3, 4, 40}


def test_teacher_forcing_sees_only_earlier_steps():
    torch.manual_seed(0)
    model = MusicVAE(SMALL).eval()
    ids = torch.randint(3, SMALL.vocab_size, (1, 32))
    changed = ids.clone()
    changed[0, 20] = (ids[0, 20] + 1 - 3) % (SMALL.vocab_size - 3) + 3
    z = torch.randn(1, 8)
    a, b = model.decode_logits(z, ids), model.decode_logits(z, changed)
    assert torch.allclose(a[:, :21], b[:, :21]) and not torch.allclose(a[:, 21:], b[:, 21:])


def test_greedy_generation_agrees_with_teacher_forcing_on_its_own_output():
    torch.manual_seed(1)
    model = MusicVAE(SMALL).eval()
    z = torch.randn(3, 8)
    out = model.generate(z)
    assert torch.equal(model.decode_logits(z, out).argmax(-1), out)


def test_reparameterize_with_given_noise_and_its_gradients():
    mu = torch.tensor([[0.5, -1.0]], requires_grad=True)
    logvar = torch.tensor([[math.log(4.0), 0.0]], requires_grad=True)
    eps = torch.tensor([[1.0, 2.0]])
    z = reparameterize(mu, logvar, eps)
    assert torch.allclose(z, torch.tensor([[2.5, 1.0]]))
    z.sum().backward()
    assert torch.allclose(mu.grad, torch.ones(1, 2))
    assert torch.allclose(logvar.grad, torch.tensor([[0.5 * 2.0 * 1.0, 0.5 * 1.0 * 2.0]]))


def test_kl_matches_torch_distributions_summed_over_dims_mean_over_batch():
    torch.manual_seed(0)
    mu, logvar = torch.randn(6, 5), torch.randn(6, 5)
    expected = torch_kl(Normal(mu, (0.5 * logvar).exp()), Normal(0.0, 1.0)).sum(-1).mean()
    assert torch.allclose(kl_divergence(mu, logvar), expected, atol=1e-5)
    assert torch.allclose(kl_per_dimension(mu, logvar).sum(), expected, atol=1e-5)
    assert kl_divergence(torch.zeros(3, 4), torch.zeros(3, 4)).item() == 0.0


def test_free_bits_charge_at_least_the_floor_per_dimension_and_beta_ramps():
    logits, targets = torch.zeros(2, 32, 10), torch.zeros(2, 32, dtype=torch.long)
    mu, logvar = torch.zeros(2, 4), torch.zeros(2, 4)
    mu[:, 0] = 2.0                     # one dimension with KL 2, three with 0
    parts = vae_loss(logits, targets, mu, logvar, beta=0.5, free_bits=0.25)
    recon = 32 * math.log(10)
    assert parts["recon"].item() == pytest.approx(recon, rel=1e-5)
    assert parts["kl"].item() == pytest.approx(2.0)
    assert parts["loss"].item() == pytest.approx(recon + 0.5 * (2.0 + 3 * 0.25), rel=1e-5)
    cfg = VAEConfig(beta=0.8, beta_warmup=100)
    assert [beta_at(s, cfg) for s in (0, 50, 100, 500)] == [0.0, 0.4, 0.8, 0.8]
    assert beta_at(0, VAEConfig(beta=1.0, beta_warmup=0)) == 1.0


def test_a_small_model_learns_to_reconstruct_a_few_windows(tmp_path):
    windows = melody_windows(limit=20).windows["train"][:16]
    torch.manual_seed(0)
    model = MusicVAE(SMALL)
    untrained = validation_loss(model, windows)["recon"]          # about 32 ln(66) = 134 nats
    history = train_vae(model, windows, windows, vae_train_config(max_steps=150, eval_every=50, batch_size=16,
                                                                   warmup_steps=10, lr=5e-3), tmp_path,
                        progress=False)
    assert history[-1]["valid_recon"] < 0.3 * untrained
    assert scores(model, windows)["teacher_forced"] > 0.6
    again = load_vae_file(tmp_path / "best.pt")
    assert again.config == model.config


def test_load_vae_file_refuses_other_checkpoints_and_bad_checksums(tmp_path):
    from helpers.models import LSTMConfig, LSTMModel

    path = save_checkpoint(tmp_path / "lstm.pt", LSTMModel(LSTMConfig(vocab_size=10, n_embd=4, hidden=4)), "{}")
    with pytest.raises(CheckpointError, match="not a VAE"):
        load_vae_file(path)
    with pytest.raises(CheckpointError, match="checksum"):
        load_vae_file(path, expected_sha256="0" * 64)


def test_the_command_trains_and_reports(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "--out", str(out), "--limit", "15", "--max-steps", "4", "--eval-every", "2",
                 "--encoder-hidden", "16", "--decoder-hidden", "16", "--latent", "4"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["command"].startswith("python -m helpers vae train")
    assert report["model_config"]["latent"] == 4 and report["steps"] == 4
    assert 0 <= report["test"]["greedy"] <= 1 and report["data"]["windows"]["test"] > 0
    assert "greedy" in capsys.readouterr().out


def test_the_shipped_vae_is_small_checked_and_scores_what_its_manifest_says():
    info = pretrained_info("folk-vae")
    assert info["bytes"] <= 5_000_000 and (CHECKPOINT_DIR / info["file"]).stat().st_size == info["bytes"]
    assert info["command"].startswith("python -m helpers vae train")
    model, loaded_info = load_vae()
    assert loaded_info == info
    test = melody_windows().windows["test"]
    got = scores(model, test)
    for key in ("teacher_forced", "greedy", "kl", "active_dims"):
        assert got[key] == pytest.approx(info["test"][key], abs=2e-3), key
