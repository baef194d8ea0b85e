"""The folk token data, `python -m helpers train` and `ship`, on a few tunes and steps."""

import json
import math

import pytest

from helpers import train_command
from helpers.__main__ import main
from helpers.token_data import folk_token_data
from helpers.tokenizers import MelodyTokenizer, PositionTokenizer


def test_folk_token_data_is_split_without_leaks_and_cached():
    tok = PositionTokenizer()
    data = folk_token_data(tok, limit=40)
    assert all(len(data.pieces[s]) == 40 for s in ("train", "valid", "test"))
    assert not set(data.pieces["train"]) & (set(data.pieces["valid"]) | set(data.pieces["test"]))
    assert all(piece[0] == 1 and piece[-1] == 2 for piece in data.ids["test"])
    assert data.bits_per_note(1.0, "test") == pytest.approx(data.tokens_per_note("test") / math.log(2))
    again = folk_token_data(tok, limit=40)
    assert again.ids == data.ids and again.info == data.info
    full_split = folk_token_data(tok, limit=None).pieces   # the split does not depend on limit
    assert set(data.pieces["test"]) <= set(full_split["test"])


def test_transposition_augments_the_training_split_only():
    tok = MelodyTokenizer()
    plain = folk_token_data(tok, limit=20)
    augmented = folk_token_data(tok, transpose=2, limit=20)
    assert len(augmented.ids["train"]) > 3 * len(plain.ids["train"])
    assert augmented.ids["test"] == plain.ids["test"] and augmented.ids["valid"] == plain.ids["valid"]
    with pytest.raises(ValueError, match="transpose"):
        folk_token_data(tok, transpose=-1)


@pytest.mark.parametrize("kind", ["lstm", "ngram"])
def test_train_command_writes_checkpoints_and_a_report(kind, tmp_path, monkeypatch):
    out = tmp_path / kind
    argv = ["train", "--model", kind, "--max-steps", "4", "--eval-every", "2", "--limit", "30",
            "--out", str(out)] + (["--order", "3"] if kind == "ngram" else [])
    assert main(argv) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["command"] == "python -m helpers " + " ".join(argv)
    assert report["test"]["bits_per_note"] > 0 and report["valid"]["nats_per_token"] > 0
    assert report["data"]["split"]["pieces"] == {"train": 30, "valid": 30, "test": 30}
    if kind == "ngram":
        assert not (out / "best.pt").exists()
        return
    assert (out / "best.pt").exists() and (out / "latest.pt").exists()
    monkeypatch.setattr(train_command, "CHECKPOINT_DIR", tmp_path / "shipped")
    monkeypatch.setattr(train_command, "MANIFEST", tmp_path / "shipped" / "manifest.json")
    assert main(["ship", str(out), "--name", "tiny-lstm"]) == 0
    manifest = json.loads((tmp_path / "shipped" / "manifest.json").read_text())
    assert manifest["tiny-lstm"]["command"] == report["command"]
    assert len(manifest["tiny-lstm"]["sha256"]) == 64
    with pytest.raises(ValueError, match="letters"):
        train_command.ship(out, "../../escape")


def test_the_command_line_is_built_from_the_config_dataclasses():
    from helpers.models import LSTMConfig, NGramConfig, TransformerConfig
    from helpers.training import TrainConfig

    args = train_command.parse_train_args(["--out", "x"])
    assert args.max_steps == TrainConfig().max_steps and args.lr == TrainConfig().lr
    assert args.dropout == TransformerConfig(vocab_size=1).dropout
    assert train_command.parse_train_args(["--model", "lstm", "--out", "x"]).hidden == \
        LSTMConfig(vocab_size=1).hidden
    assert train_command.parse_train_args(["--model", "ngram", "--out", "x"]).order == \
        NGramConfig(vocab_size=1).order
    with pytest.raises(SystemExit):      # an option of another model is refused
        train_command.parse_train_args(["--model", "ngram", "--n-layer", "2", "--out", "x"])
