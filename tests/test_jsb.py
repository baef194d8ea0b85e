"""The JSB Chorales benchmark: the canonical split, the baselines, the exact frame NLL, the shipped model.

The benchmark files are read from ../shared/benchmarks/jsb beside the
repository (CI has them); nothing is downloaded.
"""

import io
import json
import math

import pytest
import torch

from helpers import jsb as J
from helpers.checkpoints import CHECKPOINT_DIR, pretrained_info
from helpers.downloads import ChecksumError
from helpers.frame_training import load_frame_model
from helpers.models.frames import (FrameModel, FrameModelConfig, frame_nll, pieces_nll, sample_frames,
                                   window_batch)
from helpers.paths import REPO_ROOT, file_sha256

FOLDER = REPO_ROOT.parent / "shared" / "benchmarks" / "jsb"


@pytest.fixture(scope="module")
def jsb():
    if not (FOLDER / J.QUARTER_FILE).is_file():
        pytest.fail(f"{FOLDER} has no {J.QUARTER_FILE}: the JSB benchmark folder beside the "
                    "repository is missing (CI provides it; see helpers.jsb.download_jsb)")
    return J.load_jsb(FOLDER)


def tiny_model(seed=0):
    torch.manual_seed(seed)
    return FrameModel(FrameModelConfig(hidden=16, made_hidden=24, dropout=0.0))


def test_the_canonical_split(jsb):
    assert {split: len(jsb[split]) for split in J.SPLITS} == {"train": 229, "valid": 76, "test": 77}
    assert sum(len(piece) for piece in jsb["test"]) == 4725
    pitches = [p for split in J.SPLITS for piece in jsb[split] for frame in piece for p in frame]
    assert 21 <= min(pitches) and max(pitches) <= 108


def test_loading_refuses_a_missing_folder_and_a_changed_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="download_jsb"):
        J.load_jsb(tmp_path / "nowhere")
    data = json.loads((FOLDER / J.QUARTER_FILE).read_text())
    data["test"][0][0] = [60]
    (tmp_path / J.QUARTER_FILE).write_text(json.dumps(data))
    with pytest.raises(ValueError, match="sha256"):
        J.load_jsb(tmp_path)


def test_download_checks_the_sha256_without_the_network(tmp_path, monkeypatch):
    served = {}
    def fake_open(url):
        served["url"] = url
        return io.BytesIO(served["bytes"])
    monkeypatch.setattr("helpers.downloads.open_url", fake_open)
    served["bytes"] = (FOLDER / J.QUARTER_FILE).read_bytes()
    J.download_jsb(tmp_path, names=(J.QUARTER_FILE,))
    assert served["url"].endswith(f"/{J.COMMIT}/{J.QUARTER_FILE}") and "czhuang/JSB-Chorales-dataset" in served["url"]
    assert len(J.load_jsb(tmp_path)["train"]) == 229
    served["bytes"] = b"{}"
    with pytest.raises(ChecksumError):
        J.download_jsb(tmp_path / "other", names=(J.QUARTER_FILE,))
    assert not (tmp_path / "other" / J.QUARTER_FILE).exists()


def test_independent_bernoulli_baseline_reproduces_11_06(jsb):
    probs = J.fit_bernoulli(jsb["train"])                      # add-one smoothing
    assert round(J.bernoulli_nll(probs, jsb["test"]), 2) == 11.06
    assert round(J.bernoulli_nll(probs, jsb["valid"]), 2) == 10.95
    raw = J.fit_bernoulli(jsb["train"], smoothing=0)           # maximum likelihood
    assert raw[45 - 21] == 0 and math.isinf(J.bernoulli_nll(raw, jsb["test"]))   # pitch 45: test only
    assert math.isfinite(J.bernoulli_nll(raw, jsb["valid"]))


def test_repeat_baseline_on_the_16th_note_voices(jsb):
    result = J.repeat_baseline_16th(J.load_jsb_16th(FOLDER))
    assert round(result["repeat_share"], 2) == 0.78
    assert (round(result["valid"], 2), round(result["test"], 2)) == (1.07, 1.14)


def test_piano_roll_transposition_and_held_notes():
    roll = J.piano_roll([[21, 108], [], [60]])
    assert roll.shape == (3, 88) and roll.sum() == 3 and roll[0, 87] == 1 and roll[2, 39] == 1
    with pytest.raises(ValueError, match="frame 0"):
        J.piano_roll([[20]])
    assert J.transpose_frames([[60, 64]], -2) == [[58, 62]]
    seq = J.frames_to_sequence([[60, 64], [60, 65], []], qpm=60)
    notes = sorted((n.pitch, n.start_time, n.end_time) for n in seq.notes)
    assert notes == [(60, 0.0, 2.0), (64, 0.0, 1.0), (65, 1.0, 2.0)]   # the held C is one note


def test_the_made_output_for_a_key_sees_only_lower_keys():
    model = tiny_model().eval()
    frames = (torch.rand(2, 5, 88) < 0.1).float().requires_grad_()
    logits, _ = model(frames)
    for key in (0, 40, 87):
        frames.grad = None
        logits[:, 3, key].sum().backward(retain_graph=True)
        assert frames.grad[:, 3, key:].abs().sum() == 0          # not itself, nothing above
        assert frames.grad[:, 4:].abs().sum() == 0               # nor any later frame
    assert frames.grad[:, 3, :87].abs().sum() > 0 and frames.grad[:, :3].abs().sum() > 0


def test_frame_nll_is_exact_per_piece_and_padding_changes_nothing(jsb):
    assert frame_nll(torch.zeros(1, 1, 88), torch.zeros(1, 1, 88)).item() == pytest.approx(88 * math.log(2))
    model = tiny_model()
    rolls = [torch.tensor(J.piano_roll(piece), dtype=torch.float32) for piece in jsb["test"][:5]]
    together = pieces_nll(model, rolls)
    alone = [pieces_nll(model, [roll])[0] for roll in rolls]
    for a, b, roll in zip(together, alone, rolls):
        assert len(a) == len(roll) and torch.allclose(a, b, atol=1e-4)
    changed = rolls[0].clone()
    changed[10:] = 0                                        # later frames do not change earlier NLLs
    assert torch.allclose(pieces_nll(model, [changed])[0][:10], alone[0][:10], atol=1e-5)
    result = J.frame_nll(model, jsb["test"][:5])
    assert result["frames"] == sum(len(r) for r in rolls)
    assert result["nats_per_frame"] == pytest.approx(float(sum(a.sum() for a in alone)) / result["frames"], abs=1e-3)


def test_training_windows_never_pretend_to_start_a_piece():
    import random
    roll = torch.zeros(100, 88)
    roll[torch.arange(100), torch.arange(100) % 88] = 1               # frame t: key t % 88
    inputs, targets, mask = window_batch([roll], 8, 16, random.Random(0))
    for b in range(8):
        first = int(targets[b, 0].argmax())
        if inputs[b, 0, -1] == 1:                                  # the start input: frame 0 follows
            assert first == 0 and inputs[b, 0, :88].sum() == 0
        else:                                                      # else the frame before the window
            assert int(inputs[b, 0, :88].argmax()) == (first - 1) % 88
        assert torch.equal(inputs[b, 1:, :88], targets[b, :-1])
    short = window_batch([roll[:5]], 2, 16, random.Random(0))[2]
    assert short[0].tolist() == [1.0] * 5 + [0.0] * 11


def test_training_command_writes_a_scored_checkpoint(jsb, tmp_path):
    J.main(["train", "--out", str(tmp_path), "--data", str(FOLDER), "--max-steps", "12",
            "--eval-every", "6", "--hidden", "32", "--made-hidden", "32"])
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["command"].startswith("python -m helpers jsb train --out")
    assert report["steps"] == 12 and report["train_config"]["max_steps"] == 12
    assert report["model_config"]["hidden"] == 32 and report["data"]["transpose"] == J.TRANSPOSE
    model = load_frame_model(tmp_path / "best.pt")
    assert J.frame_nll(model, jsb["valid"]) == report["valid"]
    assert report["test"]["frames"] == 4725 and 5 < report["test"]["nats_per_frame"] < 20
    J.main(["train", "--out", str(tmp_path / "again"), "--data", str(FOLDER), "--max-steps", "12",
            "--eval-every", "6", "--hidden", "32", "--made-hidden", "32"])
    assert file_sha256(tmp_path / "again" / "best.pt") == file_sha256(tmp_path / "best.pt")   # same command, same model


def test_sampling_gives_frames_of_piano_keys_and_repeats_with_a_seed():
    model = tiny_model()
    frames = sample_frames(model, 6, seed=1)
    assert len(frames) == 6 and frames == sample_frames(model, 6, seed=1)
    assert all(frame == sorted(frame) and all(21 <= p <= 108 for p in frame) for frame in frames)
    assert len(sample_frames(model, 2, seed=1, primer=[[60, 64, 67]])) == 2
    with pytest.raises(ValueError, match="temperature"):
        sample_frames(model, 2, temperature=0)


def test_the_shipped_model_beats_the_gru_and_scores_what_its_manifest_says(jsb):
    info = pretrained_info("jsb-frames")
    assert (CHECKPOINT_DIR / info["file"]).stat().st_size == info["bytes"] <= 5_000_000
    assert info["command"].startswith("python -m helpers jsb train ")
    model = J.load_shipped("jsb-frames")
    test = J.frame_nll(model, jsb["test"])
    assert test["frames"] == info["test"]["frames"] == 4725
    assert test["nats_per_frame"] == pytest.approx(info["test"]["nats_per_frame"], abs=2e-3)
    assert test["nats_per_frame"] < 8.54                      # the GRU of Chung et al. 2014


def test_load_frame_model_refuses_other_checkpoints(tmp_path):
    from helpers.checkpoints import CheckpointError, save_checkpoint
    from helpers.models import LSTMConfig, LSTMModel

    path = save_checkpoint(tmp_path / "lstm.pt", LSTMModel(LSTMConfig(vocab_size=10, n_embd=4, hidden=4)), "{}")
    with pytest.raises(CheckpointError, match="not a frame model"):
        load_frame_model(path)
