"""Conditioning tokens (lesson 9): labels checked against music21, training data that keeps them in view."""

import json
import random

import pytest
import torch

from helpers import corpus
from helpers.conditioning import (DROP, EVERY, FIELDS, VALUES, condition_counts, condition_table,
                                  condition_tokens, conditioned_token_data, conditioned_tokenizer,
                                  density_of, drop_conditions, field_of, key_of, piece_starts,
                                  region_of, repeat_conditions, to_tonic_c, token, tonic_shift,
                                  transpose_ids, tune_tokens, type_of)
from helpers.keys import key_name, pitch_class, pitch_class_profile
from helpers.tokenizers import BOS_ID, EOS_ID, PositionTokenizer
from helpers.tokenizers.grammar import is_grammatical


@pytest.fixture(scope="module")
def conditions():
    return condition_table()


def test_condition_tokens_are_new_names_after_the_music_tokens():
    names = condition_tokens()
    assert len(names) == len(set(names)) == sum(len(VALUES[f]) for f in FIELDS)
    plain, conditioned = PositionTokenizer(), conditioned_tokenizer()
    assert conditioned.vocab.to_list()[:len(plain.vocab)] == plain.vocab.to_list()
    assert len(conditioned.vocab) == len(plain.vocab) + len(names)
    assert all(field_of(name) == (field, value) for name, (field, value)
               in zip(names, [(f, v) for f in FIELDS for v in VALUES[f]]))
    with pytest.raises(ValueError, match="jog"):
        token("type", "jog")
    with pytest.raises(ValueError, match="colour"):
        token("colour", "red")
    with pytest.raises(ValueError, match="not a conditioning token"):
        field_of("TYPE_jog")


def test_region_type_and_density_rules():
    assert region_of("oneills", "") == region_of("ryans", "") == region_of("essen", "Irland") == "irish"
    assert region_of("essen", "Deutschland") == region_of("essen", "Schweiz") == "german"
    assert region_of("essen", "Luxemburg") == "european" and region_of("essen", "China") == "chinese"
    assert region_of("essen", "") is None and region_of("essen", "USA") is None
    assert type_of("oneills", "double jig") == type_of("ryans", "jig") == "jig"
    assert type_of("ryans", "clog") == "hornpipe" and type_of("ryans", "highland fling") == "strathspey"
    assert type_of("ryans", "walkaround") is None and type_of("essen", "") is None
    assert type_of("essen", "Kinder - Lied, Reigen, Tanz - Spiel") == "children"
    assert type_of("essen", "Tanz - Lied", "3/4") == "waltz"
    assert type_of("essen", "Tanz - Lied", "2/4") == "dance"
    assert type_of("essen", "geistliches, religiöses Lied") == "hymn"
    assert type_of("essen", "Liebes - Lied, Leid, Klage") == "song"
    assert density_of(10, 10.0) == "low" and density_of(15, 10.0) == "mid" and density_of(20, 10.0) == "high"
    with pytest.raises(ValueError, match="quarter"):
        density_of(3, 0.0)


def test_keys_fold_modes_and_read_essen_modes_from_the_third():
    g_minor_tune = pitch_class_profile([(67, 2.0), (70, 1.0), (74, 1.0), (71, 0.25)])
    g_major_tune = pitch_class_profile([(67, 2.0), (71, 1.0), (74, 1.0), (70, 0.25)])
    assert key_of("oneills", "", "Ador", g_major_tune) == "Am"      # the field says the mode
    assert key_of("ryans", "", "Dmix", g_minor_tune) == "D"
    assert key_of("essen", "Deutschland", "G", g_minor_tune) == "Gm"  # Essen: the third decides
    assert key_of("essen", "Deutschland", "G", g_major_tune) == "G"
    assert key_of("essen", "Deutschland", "G", pitch_class_profile([(67, 1.0)])) is None
    assert key_of("essen", "China", "G", g_major_tune) is None      # gong is not the tonic
    assert key_of("essen", "Deutschland", "", g_major_tune) is None


def test_keys_and_meters_agree_with_music21_on_real_tunes(conditions):
    """music21, the reference ABC parser, reads the same tonic, mode and meter from the K: and M: fields."""
    import music21
    table = corpus.corpus_table()
    irish = table[table.collection.isin(["oneills", "ryans"])]
    sample = list(irish[irish.key.str.contains("m|dor|mix")].id[:6]) + list(irish.id[::400][:6])
    by_id = conditions.set_index("id")
    for piece_id in sample:
        row = table.set_index("id").loc[piece_id]
        text = corpus.split_tunes((corpus.music21_corpus_dir() / row.source).read_text(encoding="latin-1"))
        tune = next(t for t in text if corpus.header_fields(t).get("X", "").strip() == str(row.tune))
        score = music21.converter.parse(tune, format="abc")
        key = score.recurse().getElementsByClass("KeySignature").first()
        meter = score.recurse().getElementsByClass("TimeSignature").first()
        mode = key.mode if hasattr(key, "mode") else "major"
        minor = mode in ("minor", "dorian", "phrygian", "aeolian", "locrian")
        tonic = pitch_class(key.tonic.name.replace("-", "b"))
        assert by_id.at[piece_id, "key"] == key_name(tonic, minor), piece_id
        if meter is not None and meter.ratioString in VALUES["meter"]:
            assert by_id.at[piece_id, "meter"] == meter.ratioString, piece_id


def test_the_corpus_has_every_field_for_most_tunes_and_counts_add_up(conditions):
    assert len(conditions) == len(set(conditions.id)) > 1000
    for field in FIELDS:
        assert (conditions[field] != "").mean() > 0.85, field
    counts = condition_counts(conditions)
    assert list(counts.token) == list(condition_tokens())
    for field in FIELDS:
        assert counts[counts.field == field].tunes.sum() == (conditions[field] != "").sum()
    common = counts[counts.field.isin(["region", "type", "meter", "density"])]
    assert (common.tunes >= 50).all(), common[common.tunes < 50]
    assert tune_tokens(conditions, conditions.id.iloc[0])[0].startswith("REGION_")


def test_drop_conditions_keeps_order_and_drops_each_with_probability_p():
    names = ["REGION_irish", "TYPE_jig", "METER_6/8", "MODE_major", "DENSITY_high"]
    rng = random.Random(0)
    assert drop_conditions(names, 0.0, rng) == names and drop_conditions(names, 1.0, rng) == []
    kept = [drop_conditions(names, 0.3, rng) for _ in range(4000)]
    for name in names:
        assert 0.67 < sum(name in k for k in kept) / len(kept) < 0.73
    assert all(k == [n for n in names if n in k] for k in kept)      # order kept
    assert names == ["REGION_irish", "TYPE_jig", "METER_6/8", "MODE_major", "DENSITY_high"]
    with pytest.raises(ValueError, match="probability"):
        drop_conditions(names, 1.5, rng)


def test_repeat_conditions_cuts_a_tune_into_pieces_that_start_with_its_conditions():
    tune = [BOS_ID] + list(range(10, 60)) + [EOS_ID]
    units = repeat_conditions(tune, [300, 301], every=16)
    assert all(len(u) <= 16 and u[:3] == [BOS_ID, 300, 301] for u in units)
    assert [t for u in units for t in u[3:]] == tune[1:]
    dropped = repeat_conditions(tune, [300, 301], every=16, drop=1.0)
    assert all(u[0] == BOS_ID and u[1] not in (300, 301) for u in dropped)
    with pytest.raises(ValueError, match="no room"):
        repeat_conditions(tune, [300, 301], every=3)
    with pytest.raises(ValueError, match="BOS"):
        repeat_conditions(tune[1:], [300])


def test_tunes_move_to_the_tonic_c_by_the_smallest_shift():
    assert [tonic_shift(k) for k in ("C", "G", "D", "F#", "Bbm", "Am")] == [0, 5, -2, -6, 2, 3]
    tok = conditioned_tokenizer()
    table = corpus.corpus_table()
    piece_id = table.query("collection == 'oneills'").id.iloc[0]
    ids = tok.encode(corpus.load_piece(piece_id))
    pitches = [tok.parsed[i][1] for i in ids if tok.parsed[i][0] == "NOTE_ON"]
    up = transpose_ids(tok, ids, 3)
    assert [tok.parsed[i][1] for i in up if tok.parsed[i][0] == "NOTE_ON"] == [p + 3 for p in pitches]
    assert [tok.parsed[i] for i in up if tok.parsed[i][0] != "NOTE_ON"] == \
        [tok.parsed[i] for i in ids if tok.parsed[i][0] != "NOTE_ON"]
    assert transpose_ids(tok, ids, 100) is None
    assert to_tonic_c(tok, ids, "") == ids
    moved = to_tonic_c(tok, ids, "G")
    assert [tok.parsed[i][1] for i in moved if tok.parsed[i][0] == "NOTE_ON"] == [p + 5 for p in pitches]


def test_training_pieces_start_with_their_conditions_and_windows_start_there():
    data = conditioned_token_data(limit=40)
    tok = data.tokenizer
    assert all(len(u) <= EVERY and u[0] == BOS_ID for split in data.ids for u in data.ids[split])

    def head(unit):   # the two tokens after BOS and the conditions
        music = [t for t in unit[1:] if not tok.is_condition(t)]
        return [tok.parsed[t][0] for t in music[:2]]

    starts = [u for u in data.ids["train"] + data.ids["valid"] if head(u) == ["BAR", "TIMESIG"]]
    assert len(starts) >= 60 and all(is_grammatical(tok, u) for u in starts)
    stream, offsets = data.stream("train"), piece_starts(data, "train")
    assert len(offsets) == len(data.ids["train"]) and offsets[0] == 0
    assert all(int(stream[o]) == BOS_ID for o in offsets.tolist())
    first = data.ids["valid"][0]
    assert tok.vocab.names(first[1:2])[0].startswith("REGION_")   # validation keeps all conditions
    assert data.info["conditions"] == {"drop": DROP, "every": EVERY, "seed": 0, "tonic": "C"}


def test_tunes_with_a_key_are_written_with_the_tonic_c(conditions):
    from helpers.keys import find_key

    data = conditioned_token_data(limit=40, drop=0.0, every=10_000)   # one piece per tune
    tok, by_id = data.tokenizer, conditions.set_index("id")
    agree = []
    for piece_id, ids in zip(data.pieces["valid"], data.ids["valid"]):
        if by_id.at[piece_id, "key"]:
            agree.append(find_key(tok.decode(ids), "aarden") in ("C", "Cm"))
    assert len(agree) > 20 and sum(agree) / len(agree) > 0.7


def test_the_train_command_writes_a_report_that_ship_can_read(tmp_path):
    from helpers.conditioned_model import main

    out = tmp_path / "cond"
    main(["--out", str(out), "--limit", "30", "--max-steps", "2", "--eval-every", "1",
          "--warmup-steps", "1", "--eval-batches", "1", "--n-layer", "1", "--n-embd", "32",
          "--n-head", "2"])
    report = json.loads((out / "report.json").read_text())
    assert report["command"].startswith("python -m helpers condition train --out")
    assert report["model_config"]["vocab_size"] == len(conditioned_tokenizer().vocab)
    for key in ("valid", "test", "conditioned", "train_seconds", "parameters", "data"):
        assert key in report
    assert report["data"]["conditions"]["tonic"] == "C"
    assert set(report["conditioned"]) == {"with", "without"}
    assert (out / "best.pt").exists()
