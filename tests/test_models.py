"""Models, sampling, training and checkpoints on tiny sizes (seconds, CPU)."""

import pytest
import torch

from helpers.checkpoints import CheckpointError, load_checkpoint, save_checkpoint
from helpers.paths import file_sha256
from helpers.models import build_model
from helpers.sampling import filter_logits, sample
from helpers.training import TrainConfig, evaluate, learning_rate, train

PATTERN = torch.tensor([1 + i % 7 + (i // 7) % 3 for i in range(4000)])


def tiny(kind, **extra):
    torch.manual_seed(0)
    sizes = {"transformer": dict(n_layer=1, n_head=2, n_embd=32, block_size=32),
             "lstm": dict(n_embd=16, hidden=32, n_layer=1),
             "ngram": dict(order=3)}[kind]
    return build_model(kind, vocab_size=12, **{**sizes, **extra})


def test_default_transformer_is_the_student_project_size():
    model = build_model("transformer", vocab_size=300)
    cfg = model.config
    assert (cfg.n_layer, cfg.n_head, cfg.n_embd, cfg.block_size) == (4, 4, 128, 256)
    assert 0.8e6 < sum(p.numel() for p in model.parameters()) < 1.0e6


@pytest.mark.parametrize("kind", ["transformer", "lstm", "ngram"])
def test_cached_steps_give_the_same_scores_as_one_full_pass(kind):
    model = tiny(kind)
    if kind == "ngram":
        model.fit([PATTERN[:500].tolist()])
    model.eval()
    x = PATTERN[:20].unsqueeze(0)
    full, _ = model(x)
    logits, cache = model(x[:, :5], model.new_cache(1))
    steps = [logits]
    for t in range(5, 20):
        logits, cache = model(x[:, t:t + 1], cache)
        steps.append(logits)
    assert torch.allclose(torch.cat(steps, dim=1), full, atol=1e-5)


def test_a_transformer_makes_a_cache_only_when_asked_and_extends_it_by_a_whole_chunk():
    model = tiny("transformer").eval()
    x = PATTERN[:20].unsqueeze(0)
    full, none = model(x)
    assert none is None
    cache = model.new_cache(1)
    assert cache[0].length == 0 and cache[0].keys.shape == (1, 2, 32, 16)
    first, cache = model(x[:, :8], cache)
    rest, cache = model(x[:, 8:], cache)     # several new tokens after a filled cache
    assert cache[0].length == 20
    assert torch.allclose(torch.cat([first, rest], dim=1), full, atol=1e-5)


def test_transformer_refuses_input_longer_than_its_context():
    with pytest.raises(ValueError, match="context of 32"):
        tiny("transformer")(torch.zeros(1, 33, dtype=torch.long))


def test_ngram_probabilities_sum_to_one_and_learn_the_pattern():
    model = tiny("ngram").fit([PATTERN.tolist()])
    p = model.distribution([1, 2])
    assert p.sum() == pytest.approx(1.0) and p.min() > 0
    assert p.argmax() == 3


@pytest.mark.parametrize("kwargs,message", [
    (dict(temperature=0), "temperature"), (dict(temperature=-1), "temperature"),
    (dict(top_k=0), "top_k"), (dict(top_k=13), "top_k"), (dict(top_k=2.5), "top_k"),
    (dict(top_p=0), "top_p"), (dict(top_p=1.2), "top_p"),
])
def test_bad_sampling_settings_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        sample(tiny("transformer"), [1], 5, **kwargs)


def test_empty_prompt_is_refused():
    with pytest.raises(ValueError, match="prompt is empty"):
        sample(tiny("lstm"), [], 5)


def test_sampling_repeats_with_a_seed_and_stops_at_eos():
    model = tiny("transformer")
    a = sample(model, [1, 2], 40, n_pieces=3, seed=7, top_k=5, top_p=0.9)
    assert a == sample(model, [1, 2], 40, n_pieces=3, seed=7, top_k=5, top_p=0.9)
    assert len(a) == 3 and all(len(piece) == 40 for piece in a)
    stopped = sample(model, [1], 200, seed=0, eos_id=3, n_pieces=4)
    assert all(piece[-1] == 3 or len(piece) == 200 for piece in stopped)
    assert all(3 not in piece[:-1] for piece in stopped)


def test_a_prompt_longer_than_the_context_and_long_generation_work():
    model = tiny("transformer")
    out = sample(model, list(PATTERN[:100].tolist()), 80, seed=0)
    assert len(out[0]) == 80


def test_allowed_mask_is_obeyed():
    def only_even(history):
        return torch.tensor([i % 2 == 0 for i in range(12)])
    out = sample(tiny("lstm"), [1], 50, seed=0, allowed=only_even)
    assert all(t % 2 == 0 for t in out[0])


def test_filter_logits_top_k_and_top_p():
    logits = torch.log(torch.tensor([[0.5, 0.3, 0.15, 0.05]]))
    assert torch.isinf(filter_logits(logits, top_k=2)).tolist() == [[False, False, True, True]]
    assert torch.isinf(filter_logits(logits, top_p=0.7)).tolist() == [[False, False, True, True]]
    assert torch.isinf(filter_logits(logits, top_p=0.5)).tolist() == [[False, True, True, True]]


def test_learning_rate_warms_up_then_decays():
    cfg = TrainConfig(max_steps=100, warmup_steps=10, lr=1e-3, min_lr=1e-4)
    assert learning_rate(0, cfg) == pytest.approx(1e-4)
    assert learning_rate(9, cfg) == pytest.approx(1e-3)
    assert learning_rate(100, cfg) == pytest.approx(1e-4)


@pytest.mark.parametrize("kind", ["transformer", "lstm"])
def test_training_lowers_validation_loss_and_saves_checkpoints(kind, tmp_path):
    model = tiny(kind)
    cfg = TrainConfig(max_steps=60, batch_size=8, block_size=32, eval_every=20, eval_batches=2,
                      warmup_steps=5, lr=3e-3)
    history = train(model, PATTERN, PATTERN, cfg, tmp_path, '{"tok": 1}', progress=False)
    assert history[-1]["valid_loss"] < history[0]["valid_loss"]
    assert (tmp_path / "best.pt").exists() and (tmp_path / "latest.pt").exists()
    assert not list(tmp_path.glob("*.tmp"))
    again, payload = load_checkpoint(tmp_path / "latest.pt", tokenizer_json='{"tok": 1}')
    assert payload["meta"]["step"] == 60
    assert evaluate(again, PATTERN, 32, batch_size=8, max_batches=2) == pytest.approx(history[-1]["valid_loss"], rel=1e-5)


def test_interrupted_and_resumed_training_gives_the_same_weights(tmp_path):
    cfg = TrainConfig(max_steps=24, batch_size=4, block_size=32, eval_every=6, eval_batches=1, warmup_steps=3)
    whole = tiny("transformer")
    train(whole, PATTERN, PATTERN, cfg, tmp_path / "a", "{}", progress=False)
    resumed = tiny("transformer")
    train(resumed, PATTERN, PATTERN, cfg, tmp_path / "b", "{}", progress=False, stop_after=12)
    resumed = tiny("transformer")  # a fresh process would start from new weights
    train(resumed, PATTERN, PATTERN, cfg, tmp_path / "b", "{}", progress=False, resume=True)
    for a, b in zip(whole.state_dict().values(), resumed.state_dict().values()):
        assert torch.equal(a, b)


def test_early_stopping(tmp_path):
    cfg = TrainConfig(max_steps=1000, batch_size=4, block_size=32, eval_every=2, eval_batches=1,
                      patience=2, lr=0.0, min_lr=0.0)
    history = train(tiny("lstm"), PATTERN, PATTERN, cfg, tmp_path, "{}", progress=False)
    assert len(history) == 3  # the first evaluation, then two without improvement


def test_checkpoint_refuses_wrong_checksum_other_tokenizer_and_garbage(tmp_path):
    path = save_checkpoint(tmp_path / "m.pt", tiny("lstm"), '{"vocab": ["a"]}')
    load_checkpoint(path, tokenizer_json='{"vocab": ["a"]}', expected_sha256=file_sha256(path))
    with pytest.raises(CheckpointError, match="checksum mismatch"):
        load_checkpoint(path, expected_sha256="0" * 64)
    with pytest.raises(CheckpointError, match="different tokenizer"):
        load_checkpoint(path, tokenizer_json='{"vocab": ["b"]}')
    (tmp_path / "bad.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="not a readable checkpoint"):
        load_checkpoint(tmp_path / "bad.pt")
    with pytest.raises(CheckpointError, match="no such checkpoint"):
        load_checkpoint(tmp_path / "missing.pt")


def test_cached_and_uncached_sampling_give_the_same_tokens_within_the_context():
    model = tiny("transformer")
    for seed in range(3):
        cached = sample(model, [1, 2, 3], 25, seed=seed, n_pieces=2, top_k=8)
        uncached = sample(model, [1, 2, 3], 25, seed=seed, n_pieces=2, top_k=8, use_cache=False)
        assert cached == uncached


def test_the_prompt_head_stays_in_view_past_the_context_when_asked():
    seen = []

    class Recorder(torch.nn.Module):
        """Remembers every window it is given (a context of 8 tokens)."""
        kind = "recorder"
        context = 8
        config = type("Config", (), {"vocab_size": 12})

        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.zeros(1))

        def new_cache(self, batch_size):
            return None

        def forward(self, ids, cache=None):
            if ids.shape[1] > 1:
                seen.append(ids[0].tolist())
            return torch.zeros(ids.shape[0], ids.shape[1], 12), cache

    out = sample(Recorder(), [1, 9], 20, seed=0, keep_prefix=2, use_cache=False)[0]
    assert len(out) == 20 and len(seen) > 10
    assert all(window[:2] == [1, 9] for window in seen)     # BOS and the condition stay
    assert all(len(window) <= 7 for window in seen)
    with pytest.raises(ValueError, match="keep_prefix"):
        sample(Recorder(), [1, 9], 5, keep_prefix=3)


def test_get_batch_with_starts_begins_every_window_at_one_of_them():
    from helpers.training import get_batch

    data = torch.arange(100)
    starts = torch.tensor([0, 40, 70, 95])           # 95 leaves no room for a window of 9
    x, y = get_batch(data, 64, 8, torch.Generator().manual_seed(0), starts)
    assert set(x[:, 0].tolist()) == {0, 40, 70}
    assert torch.equal(y, x + 1)
    with pytest.raises(ValueError, match="no window"):
        get_batch(data, 4, 8, torch.Generator().manual_seed(0), torch.tensor([95]))


@pytest.mark.parametrize("kind", ["transformer", "lstm"])
def test_guidance_mixes_the_two_runs_logits(kind):
    model = tiny(kind)
    prompted, free = [1, 5, 2], [1, 2]
    with torch.no_grad():
        a = model(torch.tensor([prompted]))[0][0, -1]
        b = model(torch.tensor([free]))[0][0, -1]
    for guidance in (0.0, 1.5, 3.0):    # greedy: the first token is the argmax of the mixed logits
        first = sample(model, prompted, 1, top_k=1, guidance=guidance, unprompted=free)[0][0]
        assert first == int(torch.argmax(b + guidance * (a - b)))
    # 0: the conditions count for nothing, as if sampling from `free` (its BOS kept in view)
    for seed in range(3):
        assert (sample(model, prompted, 30, seed=seed, guidance=0, unprompted=free, keep_prefix=2)
                == sample(model, free, 30, seed=seed, keep_prefix=1))
    # 1: plain sampling, whatever `unprompted` says
    assert (sample(model, prompted, 30, seed=4, guidance=1, unprompted=free)
            == sample(model, prompted, 30, seed=4))


def test_guided_sampling_past_the_context_keeps_both_heads():
    model = tiny("transformer")     # a context of 32 tokens
    out = sample(model, [1, 5, 6], 100, seed=0, n_pieces=2, keep_prefix=3, guidance=2.0,
                 unprompted=[1])
    assert [len(piece) for piece in out] == [100, 100]


@pytest.mark.parametrize("kwargs,message", [
    (dict(guidance=-1, unprompted=[1]), "guidance must be a number from 0"),
    (dict(guidance="strong", unprompted=[1]), "guidance must be a number"),
    (dict(guidance=2.0), "needs `unprompted`"),
    (dict(guidance=2.0, unprompted=[]), "needs `unprompted`"),
])
def test_bad_guidance_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        sample(tiny("transformer"), [1, 5], 5, **kwargs)


def test_guidance_accepts_any_real_number():
    import numpy as np

    model = tiny("transformer")
    for guidance in (np.float32(2.0), 2, np.float64(0.5)):
        assert len(sample(model, [1, 5], 4, seed=0, guidance=guidance, unprompted=[1])[0]) == 4
    with pytest.raises(ValueError, match="guidance must be a number"):
        sample(model, [1, 5], 4, guidance=True, unprompted=[1])
