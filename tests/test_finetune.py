"""Fine-tuning on a subset (lesson 9): leak-free held-out pieces, an unchanged original, gain and forgetting."""

import torch

from helpers import corpus
from helpers.dataset import filter_pieces
from helpers.finetune import (FINE_TUNE, before_after, fine_tune, fine_tune_config, lakh_melody_pieces,
                              pieces_token_data, subset_token_data)
from helpers.lakh import make_practice_dataset
from helpers.models import Transformer, TransformerConfig
from helpers.token_data import folk_split, folk_token_data
from helpers.tokenizers import PositionTokenizer
from helpers.training import TrainConfig


def test_the_fine_tuning_config_changes_only_what_it_says():
    cfg = fine_tune_config(max_steps=7)
    assert cfg.max_steps == 7 and cfg.lr == FINE_TUNE["lr"] < TrainConfig().lr
    assert cfg.batch_size == TrainConfig().batch_size and cfg.block_size == TrainConfig().block_size


def test_a_folk_subset_keeps_the_folk_split():
    tokenizer = PositionTokenizer()
    folk = folk_token_data(tokenizer)
    chinese = set(filter_pieces(corpus.corpus_table(), country="China").id)
    subset = subset_token_data(folk, chinese)
    split = folk_split()
    for name in ("train", "valid", "test"):
        assert set(subset.pieces[name]) <= chinese & set(split[name])
        assert subset.notes[name] == sum(sum(tokenizer.parsed[t][0] == "NOTE_ON" for t in seq)
                                         for seq in subset.ids[name])
    assert subset.pieces["test"] and subset.info["subset"]["pieces"]["train"] == len(subset.pieces["train"])


def test_windows_of_one_song_stay_in_one_split(tmp_path):
    tokenizer = PositionTokenizer()
    chorales = corpus.load_pieces(list(corpus.corpus_table().query("collection == 'chorales'").id[:30]))
    songs = [i // 3 for i in range(len(chorales))]     # pretend every three pieces are one song
    data = pieces_token_data(tokenizer, chorales, groups=songs, fractions=(0.6, 0.2, 0.2))
    where = {}
    for name, ids in data.pieces.items():
        for piece_id in ids:
            where.setdefault(songs[[c.id for c in chorales].index(piece_id)], set()).add(name)
    assert all(len(splits) == 1 for splits in where.values())
    assert sum(len(ids) for ids in data.ids.values()) == len(chorales)


def test_the_lakh_path_runs_offline_on_the_practice_copy(tmp_path):
    root = make_practice_dataset(tmp_path / "lakh")
    windows, songs = lakh_melody_pieces(root, "Rock", bars=1, min_notes=1, progress=False)
    assert len(windows) == len(songs) > 0
    # the corrupt file (the fourth Rock track) is skipped
    assert set(songs) == {"TRAAAAA128F1111111", "TRBBBBB128F2222222", "TRCCCCC128F3333333"}


def test_fine_tune_leaves_the_original_alone_and_reports_gain_and_forgetting(tmp_path):
    tokenizer = PositionTokenizer()
    folk = folk_token_data(tokenizer)
    subset = subset_token_data(folk, filter_pieces(corpus.corpus_table(), collection="oneills").id)
    torch.manual_seed(0)
    model = Transformer(TransformerConfig(vocab_size=len(tokenizer.vocab), n_layer=1, n_head=2,
                                          n_embd=32, block_size=64))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    cfg = fine_tune_config(max_steps=4, eval_every=2, warmup_steps=1, eval_batches=2, block_size=64,
                           batch_size=8, lr=3e-3)
    tuned, history = fine_tune(model, subset, cfg, tmp_path / "ft", progress=False)
    assert all(torch.equal(v, model.state_dict()[k]) for k, v in before.items())
    assert not all(torch.equal(v, tuned.state_dict()[k]) for k, v in before.items())
    assert len(history) == 2
    table = before_after(model, tuned, subset, folk_token_data(tokenizer, limit=40), block_size=64)
    assert list(table.index) == ["subset test", "folk test"]
    assert table.loc["subset test", "after"] < table.loc["subset test", "before"]   # it learned
    assert abs(table.loc["folk test", "change"]
               - (table.loc["folk test", "after"] - table.loc["folk test", "before"])) < 1e-3
