"""Measuring obedience (lesson 9, benchmarks/obedience.py): the readers of a piece and the comparison."""

import pytest
import torch

from helpers.conditioning import condition_table, conditioned_tokenizer
from helpers.corpus import load_piece
from helpers.music import transpose
from helpers.obedience import (asked_fields, describe_piece, matches, obedience, obedience_summary,
                               real_tune_accuracy, type_features)
from helpers.prompt import parse_prompt
from helpers.token_data import folk_split


@pytest.fixture(scope="module")
def features():
    return type_features(condition_table())


def test_a_real_tune_is_read_as_its_book_writes_it():
    tune = load_piece("oneills/0001-0050/0018")      # The Catholic Boys: an air in G, 6/8
    assert describe_piece(tune, "krumhansl") == {"meter": "6/8", "key": "G", "mode": "major",
                                                 "density": "high"}
    assert describe_piece(transpose(tune, -2), "krumhansl")["key"] == "F"
    assert describe_piece(transpose(tune, 3), "krumhansl")["key"] == "Bb"


def test_type_features_come_from_the_corpus(features):
    assert features["jig"][0] == {"6/8"} and features["slipjig"][0] == {"9/8"}
    assert features["reel"][0] == {"2/2", "2/4"} and "low" not in features["reel"][1]
    assert features["hymn"][1] == {"low"}


def test_matches_compares_each_field_asked(features):
    asked = asked_fields(parse_prompt("a jig in D minor"))
    assert asked == {"type": "jig", "mode": "minor", "key": "Dm"}
    right = {"meter": "6/8", "key": "Dm", "mode": "minor", "density": "high"}
    assert matches(asked, right, features) == {"type": True, "key": True}      # mode: part of the key
    wrong = {"meter": "3/4", "key": "F", "mode": "major", "density": "high"}
    assert matches(asked, wrong, features) == {"type": False, "key": False}
    slow = {**right, "density": "low"}                                        # not a jig's density
    assert matches(asked, slow, features)["type"] is False
    assert matches({"mode": "minor"}, right, features) == {"mode": True}


def test_obedience_table_has_a_row_per_piece_and_reads_each_piece(features):
    from helpers.models import Transformer, TransformerConfig

    tokenizer = conditioned_tokenizer()
    torch.manual_seed(0)
    model = Transformer(TransformerConfig(vocab_size=len(tokenizer.vocab), n_layer=1, n_head=2,
                                          n_embd=16, block_size=64))
    prompts = {text: parse_prompt(text) for text in ("a reel in G, 2/2", "a slip jig in E minor")}
    table = obedience(model, tokenizer, prompts, features, n_pieces=3, n_tokens=40, guidance=1.0)
    # 3 pieces per prompt, and 6 unprompted pieces (3 per prompt) compared with both prompts
    assert len(table) == 2 * 3 + 2 * 6 and table.prompted.sum() == 6
    for row in table.itertuples():                # every verdict is the readers' verdict on the piece
        found = describe_piece(row.piece)
        assert (row.found_meter, row.found_key) == (found["meter"] or "", found["key"] or "")
        asked = asked_fields(prompts[row.prompt])
        for field, ok in matches(asked, found, features).items():
            assert getattr(row, f"{field}_ok") == ok
    reel = table[table.prompted & (table.prompt == "a reel in G, 2/2")]
    assert reel.meter_ok.all()                    # the named meter is written, even by an untrained model
    free = table[~table.prompted]                 # the same unprompted pieces judged for each prompt
    assert [p.notes for p in free[free.prompt == "a reel in G, 2/2"].piece] == \
        [p.notes for p in free[free.prompt == "a slip jig in E minor"].piece]
    summary = obedience_summary(table)
    assert list(summary.columns) == ["prompted", "unprompted"]
    assert summary.at["meter", "prompted"] == 1.0
    assert summary.at["key", "prompted"] == round(table[table.prompted].key_ok.mean(), 3)


def test_the_key_finder_on_real_tunes_is_good_but_not_perfect():
    accuracy = real_tune_accuracy(condition_table(), folk_split()["valid"][:120], "aarden")
    assert accuracy["meter"] == 1.0
    assert 0.7 < accuracy["key"] < 0.97


def test_a_meter_asked_for_is_typical_of_the_type_asked_with_it(features):
    asked = asked_fields(parse_prompt("a song in F sharp minor, 6/8"))
    assert "6/8" not in features["song"][0]
    piece = {"meter": "6/8", "key": "F#m", "mode": "minor", "density": "mid"}
    assert matches(asked, piece, features) == {"type": True, "meter": True, "key": True}
    assert matches(asked_fields(parse_prompt("a song")), piece, features) == {"type": False}


def test_the_summary_gives_rounded_shares_per_field():
    import pandas as pd

    table = pd.DataFrame({"prompted": [True, True, True, False],
                          "key_ok": [True, False, False, None], "meter_ok": [True, True, False, False]})
    summary = obedience_summary(table)
    assert summary.to_dict() == {"prompted": {"key": 0.333, "meter": 0.667},
                                 "unprompted": {"key": pytest.approx(float("nan"), nan_ok=True),
                                                "meter": 0.0}}
