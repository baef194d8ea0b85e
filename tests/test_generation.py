"""Grammar masks, generation, continuation and safe MIDI output, on tiny untrained models."""

import pytest
import torch

from helpers import corpus
from helpers.errors import ReadError
from helpers.generate import continue_primer, generate, primer_ids, safe_filename, save_pieces
from helpers.tokenizers.grammar import grammar_for, is_grammatical
from helpers.models import build_model
from helpers.paths import example
from helpers.sampling import sample
from helpers.tokenizers import SCHEMES, BOS_ID, EOS_ID, MelodyTokenizer, PositionTokenizer


def tiny_transformer(tokenizer, block_size=64):
    torch.manual_seed(0)
    return build_model("transformer", vocab_size=len(tokenizer.vocab), n_layer=1, n_head=2,
                       n_embd=32, block_size=block_size)


@pytest.mark.parametrize("scheme,every", [("positions", 40), ("melody", 40), ("events", 400)])
def test_grammar_accepts_everything_the_encoder_writes(scheme, every):
    tokenizer = SCHEMES[scheme]()
    table = corpus.corpus_table()
    ids = list(table.id[::every])
    for piece_id, piece in zip(ids, corpus.load_pieces(ids)):
        assert is_grammatical(tokenizer, tokenizer.encode(piece)), piece_id


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_sampling_with_the_grammar_gives_sequences_the_encoder_could_write(scheme):
    tokenizer = SCHEMES[scheme]()
    model = tiny_transformer(tokenizer)
    new = sample(model, [BOS_ID], 120, n_pieces=4, seed=1, eos_id=EOS_ID,
                 allowed=grammar_for(tokenizer))
    for ids in new:
        assert is_grammatical(tokenizer, [BOS_ID] + ids)
    # without the grammar an untrained model writes sequences the encoder never would
    free = sample(model, [BOS_ID], 120, n_pieces=4, seed=1, eos_id=EOS_ID)
    assert not all(is_grammatical(tokenizer, [BOS_ID] + ids) for ids in free)


def test_positions_grammar_rules():
    tok = PositionTokenizer()
    allowed = grammar_for(tok)
    names = lambda mask: {tok.vocab.names([i])[0] for i in torch.nonzero(mask).flatten().tolist()}
    assert names(allowed([BOS_ID])) == {"BAR", "EOS"}
    start = [BOS_ID] + tok.vocab.ids(["BAR", "TIMESIG_3/4", "POSITION_4", "NOTE_ON_60", "DURATION_2"])
    after = names(allowed(start))
    assert "POSITION_4" not in after and "POSITION_8" in after and "POSITION_12" not in after
    assert "NOTE_ON_61" in after and "NOTE_ON_60" not in after and "DURATION_2" not in after
    assert names(allowed(start[:-1])) == {f"DURATION_{d}" for d in range(1, 33)}


def test_generate_gives_pieces_that_repeat_with_a_seed():
    tok = MelodyTokenizer()
    model = tiny_transformer(tok)
    pieces = generate(model, tok, 48, n_pieces=3, seed=5)
    again = generate(model, tok, 48, n_pieces=3, seed=5)
    assert len(pieces) == 3 and all(type(p).__name__ == "NoteSequence" for p in pieces)
    assert [[(n.pitch, n.start_time) for n in p.notes] for p in pieces] == \
           [[(n.pitch, n.start_time) for n in p.notes] for p in again]


@pytest.mark.parametrize("kwargs,message", [
    ({"temperature": 0}, "temperature"), ({"temperature": -1}, "temperature"),
    ({"top_k": 0}, "top_k"), ({"top_k": 10_000}, "top_k"),
    ({"top_p": 0}, "top_p"), ({"top_p": 1.5}, "top_p"),
])
def test_generate_refuses_meaningless_settings(kwargs, message):
    tok = MelodyTokenizer()
    with pytest.raises(ValueError, match=message):
        generate(tiny_transformer(tok), tok, 8, **kwargs)


def test_continuation_keeps_the_primer_and_marks_its_end():
    tok = PositionTokenizer()
    model = tiny_transformer(tok, block_size=256)
    results = continue_primer(model, tok, example("twinkle.mid"), n_notes=6, n_tokens=30,
                              temperatures=(0.5, 1.0, 1.5), seed=3)
    assert [r.temperature for r in results] == [0.5, 1.0, 1.5]
    prompt, qpm = primer_ids(tok, example("twinkle.mid"), 6)
    primer = tok.decode(prompt, qpm=qpm)
    assert len(primer.notes) == 6
    for result in results:
        first = sorted((n.start_time, n.pitch) for n in result.piece.notes)[:6]
        assert first == sorted((n.start_time, n.pitch) for n in primer.notes)
        assert result.prompt_end == pytest.approx(max(n.end_time for n in primer.notes))
    again = continue_primer(model, tok, example("twinkle.mid"), n_notes=6, n_tokens=30,
                            temperatures=(1.0,), seed=3)
    assert [(n.pitch, n.start_time) for n in again[0].piece.notes] == \
           [(n.pitch, n.start_time) for n in results[1].piece.notes]


def test_continuation_bad_primers(tmp_path, bad_midi_files):
    tok = PositionTokenizer()
    model = tiny_transformer(tok, block_size=32)
    with pytest.raises(ValueError, match="use fewer notes"):          # longer than the context
        continue_primer(model, tok, example("twinkle.mid"), n_notes=40)
    with pytest.raises(ValueError, match="n_notes"):                  # an empty primer
        continue_primer(model, tok, example("twinkle.mid"), n_notes=0)
    empty = tmp_path / "silence.mid"
    from helpers.notes import new_sequence, save_midi
    save_midi(new_sequence(), empty)
    with pytest.raises(ValueError, match="no notes"):
        continue_primer(model, tok, empty, n_notes=4)
    for name in ("truncated", "text", "missing"):                     # a corrupt primer file
        with pytest.raises(ReadError, match=bad_midi_files[name].name):
            continue_primer(model, tok, bad_midi_files[name], n_notes=4)
    with pytest.raises(TypeError, match="primer"):
        continue_primer(model, tok, 42, n_notes=4)


@pytest.mark.parametrize("name,expected", [
    ("../../x", "_.._x"), ("/etc/passwd", "_etc_passwd"), ("my tune!", "my_tune_"),
    ("..", "piece"), ("", "piece"), ("reel-1.v2", "reel-1.v2"), ("a\\..\\b", "a_.._b"),
])
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_saving_pieces_never_writes_outside_the_folder(tmp_path):
    from helpers.music import melody

    out = tmp_path / "deep" / "out"
    before = set(tmp_path.rglob("*"))
    paths = save_pieces([melody([60, 62]), melody([64])], out, name="../../x")
    written = set(tmp_path.rglob("*")) - before
    assert all(p.parent == out for p in paths) and len(paths) == 2
    assert {p for p in written if p.is_file()} == set(paths)
    assert all(out in p.parents or p == out or p in out.parents for p in written)


def test_top_k_and_top_p_choose_among_the_tokens_the_grammar_allows():
    tok = PositionTokenizer()
    model = tiny_transformer(tok)
    for kwargs in ({"top_k": 1}, {"top_k": 3}, {"top_p": 0.1}):
        new = sample(model, [BOS_ID], 60, n_pieces=2, seed=0, eos_id=EOS_ID, allowed=grammar_for(tok),
                     **kwargs)
        assert all(is_grammatical(tok, [BOS_ID] + ids) for ids in new)
