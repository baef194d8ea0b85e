"""The shipped checkpoints: small, intact, and as good as their manifest says."""

import json
import shutil

import pytest

from helpers import checkpoints as pretrained
from helpers.checkpoints import CheckpointError, load_checkpoint
from helpers.checkpoints import CHECKPOINT_DIR, load_pretrained, pretrained_info, pretrained_names
from helpers.token_data import folk_token_data
from helpers.tokenizers import MelodyTokenizer
from helpers.training import score

NAMES = ["folk-lstm", "folk-transformer"]


def test_the_transformer_and_the_lstm_are_shipped_small_with_a_full_manifest():
    assert set(NAMES) <= set(pretrained_names())
    for name in NAMES:
        info = pretrained_info(name)
        path = CHECKPOINT_DIR / info["file"]
        assert path.stat().st_size == info["bytes"] <= 5_000_000
        assert info["command"].startswith("python -m helpers train ")
        for key in ("corpus", "tokenizer_sha256", "split"):
            assert key in info["data"]
        assert info["valid"]["bits_per_note"] > 0 and info["test"]["bits_per_note"] > 0
    assert pretrained_info("folk-transformer")["model_config"]["n_layer"] == 4


@pytest.mark.parametrize("name", NAMES)
def test_shipped_model_scores_what_its_manifest_says_on_the_test_split(name):
    info = pretrained_info(name)
    model, tokenizer = load_pretrained(name)
    data = folk_token_data(tokenizer)
    assert data.info["split"]["ids_sha256"] == info["data"]["split"]["ids_sha256"], \
        "the corpus split differs from the one the model was trained on"
    assert data.info["tokenizer_sha256"] == info["data"]["tokenizer_sha256"]
    result = score(model, data, "test")
    assert result["nats_per_token"] == pytest.approx(info["test"]["nats_per_token"], abs=2e-4)


def test_the_transformer_beats_the_lstm_in_the_manifest():
    assert (pretrained_info("folk-transformer")["test"]["bits_per_note"]
            < pretrained_info("folk-lstm")["test"]["bits_per_note"])


def test_a_damaged_checkpoint_or_another_tokenizer_is_refused(tmp_path, monkeypatch):
    info = pretrained_info("folk-lstm")
    shutil.copy(CHECKPOINT_DIR / info["file"], tmp_path / info["file"])
    (tmp_path / "manifest.json").write_text(json.dumps({"folk-lstm": info}))
    monkeypatch.setattr(pretrained, "CHECKPOINT_DIR", tmp_path)
    monkeypatch.setattr(pretrained, "MANIFEST", tmp_path / "manifest.json")
    load_pretrained("folk-lstm")                        # the intact copy loads
    data = bytearray((tmp_path / info["file"]).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tmp_path / info["file"]).write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="checksum"):
        load_pretrained("folk-lstm")
    with pytest.raises(KeyError, match="folk-lstm"):
        load_pretrained("folk-gru")
    with pytest.raises(CheckpointError, match="different tokenizer"):
        load_checkpoint(CHECKPOINT_DIR / info["file"], tokenizer_json=MelodyTokenizer().to_json())
