"""The prompt parser (lesson 9): it understands, says what it ignored, and refuses contradictions."""

import re

import pytest
import torch

from helpers.conditioning import condition_table, conditioned_tokenizer
from helpers.prompt import (TYPE_METERS, TYPE_REGIONS, describe_conditions, generate_from_prompt,
                            parse_prompt, prompt_pieces)


def tiny_model(tokenizer, seed: int):
    """An untrained one-layer Transformer for the conditioned tokens: the code paths, not the music."""
    from helpers.models import Transformer, TransformerConfig

    torch.manual_seed(seed)
    return Transformer(TransformerConfig(vocab_size=len(tokenizer.vocab), n_layer=1, n_head=2,
                                         n_embd=16, block_size=64))


@pytest.mark.parametrize("text, conditions, key", [
    ("a fast Irish jig in D", ["REGION_irish", "TYPE_jig", "MODE_major", "DENSITY_high"], "D"),
    ("slow waltz in A minor", ["TYPE_waltz", "MODE_minor", "DENSITY_low"], "Am"),
    ("slip jigs in E dorian", ["TYPE_slipjig", "MODE_minor"], "Em"),
    ("a reel in D mixolydian", ["TYPE_reel", "MODE_major"], "D"),
    ("a hymn in B flat major, 3/4", ["TYPE_hymn", "METER_3/4", "MODE_major"], "Bb"),
    ("Chinese song in F sharp", ["REGION_chinese", "TYPE_song", "MODE_major"], "F#"),
    ("polka in G", ["TYPE_dance", "METER_2/4", "MODE_major"], "G"),
    ("D minor lullaby", ["TYPE_children", "MODE_minor"], "Dm"),
    ("in the key of G, a hornpipe", ["TYPE_hornpipe", "MODE_major"], "G"),
    ("a German tune in cut time", ["REGION_german", "METER_2/2"], None),
    ("IRISH REEL IN A", ["REGION_irish", "TYPE_reel", "MODE_major"], "A"),
    ("a minor jig", ["TYPE_jig", "MODE_minor"], None),
    ("", [], None),
])
def test_prompts_become_the_right_tokens(text, conditions, key):
    prompt = parse_prompt(text)
    assert prompt.ok, prompt.explain()
    assert prompt.conditions == conditions and prompt.key == key


def test_every_word_is_understood_or_listed_as_ignored():
    for text in ("a fast Irish jig in D", "please write me a funky slow air in E minor",
                 "an old German waltz, 3/8, moderate"):
        prompt = parse_prompt(text)
        covered = " ".join([words for words, _, _ in prompt.understood] + prompt.ignored).lower()
        for word in re.findall(r"[\w'/#]+", text.lower()):
            assert word in covered, (word, prompt.explain())
        explained = prompt.explain()
        assert all(repr(w) in explained for w in prompt.ignored)
        assert all(name in explained for _, names, _ in prompt.understood for name in names)


def test_unknown_words_and_unsupported_ideas_get_a_message():
    prompt = parse_prompt("a funky scottish reel")
    assert prompt.ok and prompt.conditions == ["TYPE_reel"]
    assert any("'funky' is not a word the prompt knows" in m for m in prompt.messages)
    assert any("Scottish" in m for m in prompt.messages)
    assert "understood: nothing" in parse_prompt("something happy").explain()


@pytest.mark.parametrize("text, words", [
    ("a jig in 3/4", ("'jig'", "'3/4'", "6/8")),
    ("a reel in D and in E", ("'in D'", "'in E'")),
    ("a fast slow jig", ("'fast'", "'slow'")),
    ("a jig or a reel", ("'jig'", "'reel'")),
    ("a waltz in 6/8", ("'waltz'", "3/4")),
    ("an Irish German air", ("'Irish'", "'German'")),
    ("a jig in D major, minor", ("'in D major'", "'minor'")),
])
def test_contradictions_are_problems_that_stop_generation(text, words):
    prompt = parse_prompt(text)
    assert not prompt.ok and prompt.conditions == []
    assert all(w in " ".join(prompt.problems) for w in words), prompt.problems
    assert "PROBLEM" in prompt.explain()
    with pytest.raises(ValueError, match="contradicts itself"):
        generate_from_prompt(None, None, text, show=False)


def test_the_article_a_is_not_the_key_of_a():
    assert parse_prompt("a tune in a fast style").conditions == ["DENSITY_high"]
    assert parse_prompt("a tune in a").key == "A"
    assert parse_prompt("in a minor").key == "Am"


def test_unusual_combinations_are_allowed_with_a_warning():
    prompt = parse_prompt("a German reel")
    assert prompt.ok and prompt.conditions == ["REGION_german", "TYPE_reel"]
    assert any("no german reels" in m for m in prompt.messages)


def test_the_type_tables_match_the_corpus():
    table = condition_table()
    for kind, meters in TYPE_METERS.items():
        tunes = table[(table["type"] == kind) & (table["meter"] != "")]
        shares = tunes["meter"].value_counts(normalize=True)
        assert all(shares.get(m, 0) >= 0.02 for m in meters), (kind, shares.to_dict())
        assert set(shares[shares >= 0.05].index) <= set(meters), (kind, shares.to_dict())
    for kind, regions in TYPE_REGIONS.items():
        shares = table[table["type"] == kind]["region"].value_counts(normalize=True)
        assert set(shares[shares >= 0.02].index) - {""} <= set(regions), (kind, shares.to_dict())


def test_generate_from_prompt_passes_every_setting_and_moves_to_the_tonic(capsys):
    tokenizer = conditioned_tokenizer()
    model = tiny_model(tokenizer, seed=0)
    settings = dict(n_pieces=3, temperature=0.8, top_k=20, top_p=0.95, seed=1)
    prompt, pieces = generate_from_prompt(model, tokenizer, "a fast jig in 6/8, in D", 40, **settings)
    assert len(pieces) == 3 and prompt.conditions == ["TYPE_jig", "METER_6/8", "MODE_major", "DENSITY_high"]
    assert "understood: 'in D' -> MODE_major + tonic D" in capsys.readouterr().out
    in_c = prompt_pieces(model, tokenizer, parse_prompt("a fast jig in 6/8, in C"), 40, **settings)
    assert [[n.pitch + 2 for n in p.notes] for p in in_c] == [[n.pitch for n in p.notes] for p in pieces]
    _, again = generate_from_prompt(model, tokenizer, "a fast jig in 6/8, in D", 40, show=False, **settings)
    assert [list(p.notes) for p in pieces] == [list(p.notes) for p in again]
    with pytest.raises(TypeError, match="text"):
        parse_prompt(42)
    assert describe_conditions(prompt.conditions) == "jig, 6/8, major, high"
    assert describe_conditions([]) == "unprompted"


def test_a_named_meter_is_written_as_the_first_bars_time_signature():
    from helpers.obedience import piece_meter

    tokenizer = conditioned_tokenizer()
    model = tiny_model(tokenizer, seed=1)
    prompt = parse_prompt("a slip jig in 9/8")
    written = prompt_pieces(model, tokenizer, prompt, 30, n_pieces=6, seed=0)
    assert [piece_meter(p) for p in written] == ["9/8"] * 6
    chosen = prompt_pieces(model, tokenizer, prompt, 30, n_pieces=6, seed=0, write_meter=False)
    assert {piece_meter(p) for p in chosen} != {"9/8"}      # an untrained model does not obey



def test_guidance_runs_the_piece_again_without_its_conditions_but_with_its_meter():
    from helpers.sampling import sample
    from helpers.tokenizers import BOS_ID, EOS_ID
    from helpers.tokenizers.grammar import grammar_for

    tokenizer = conditioned_tokenizer()
    model = tiny_model(tokenizer, seed=2)
    prompt = parse_prompt("a slip jig in 9/8, in C")
    written = tokenizer.vocab.ids(["BAR", "TIMESIG_9/8"])
    # guidance 0 counts only the unprompted run: BOS and the written meter, no conditions
    free = sample(model, [BOS_ID] + written, 40, n_pieces=3, seed=5, eos_id=EOS_ID,
                  allowed=grammar_for(tokenizer), keep_prefix=1)
    pieces = prompt_pieces(model, tokenizer, prompt, 42, n_pieces=3, seed=5, guidance=0)
    expected = [tokenizer.decode([BOS_ID] + tokenizer.condition_ids(prompt.conditions) + written + ids)
                for ids in free]
    assert [list(p.notes) for p in pieces] == [list(p.notes) for p in expected]
    plain = prompt_pieces(model, tokenizer, prompt, 42, n_pieces=3, seed=5, guidance=1)
    strong = prompt_pieces(model, tokenizer, prompt, 42, n_pieces=3, seed=5, guidance=3)
    assert [list(p.notes) for p in plain] != [list(p.notes) for p in strong]
    with pytest.raises(ValueError, match="guidance"):
        prompt_pieces(model, tokenizer, prompt, 42, guidance=-0.5)


def test_a_prompt_without_conditions_is_not_guided():
    from helpers.prompt import GUIDANCE, applied_guidance

    assert applied_guidance(parse_prompt("a jig")) == GUIDANCE
    assert applied_guidance(parse_prompt("a jig"), 2.0) == 2.0
    assert applied_guidance(parse_prompt("")) == 1.0
