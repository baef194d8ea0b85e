"""Lesson 10's latent-space helpers: windows, interpolation, sampling, attributes, measures."""

import math

import pytest
import torch

from helpers import corpus
from helpers import latent as L
from helpers.notes import add_note, new_sequence
from helpers.token_data import folk_split

TOK = L.melody_tokenizer()
REST, HOLD = TOK.rest_id, TOK.hold_id


def pitch(p):
    return TOK.pitch_base + p


def test_cut_windows_hops_pads_turns_leading_holds_into_rests_and_drops_sparse_windows():
    bar1 = [pitch(60), HOLD, HOLD, HOLD] * 4                       # 4 notes
    bar2 = [HOLD] * 4 + [pitch(62), HOLD, HOLD, HOLD] * 3          # a tied note, then 3 notes
    bar3 = [pitch(64)] + [HOLD] * 15                               # 1 note
    ids = [1] + bar1 + bar2 + bar3 + [2]                           # BOS ... EOS
    windows = L.cut_windows(ids, TOK)
    assert [start for start, _ in windows] == [0, 16]              # bar 3 alone (1 note) is too sparse
    assert windows[0][1] == bar1 + bar2
    assert windows[1][1] == [REST] * 4 + bar2[4:] + bar3           # the tie became rests
    assert L.cut_windows(ids, TOK, min_notes=5) == [(0, bar1 + bar2)]
    last = L.cut_windows([1] + bar3 * 2 + [pitch(60)] * 4 + [2], TOK)
    assert last[-1][1][-12:] == [REST] * 12                        # the last window is filled with rests


def test_windows_come_from_duple_meter_tunes_and_respect_the_split():
    data = L.melody_windows(limit=30)
    splits = folk_split()
    table = corpus.corpus_table().set_index("id")
    for split in L.SPLITS:
        windows = data.windows[split]
        assert windows.dtype == torch.long and windows.shape[1] == 32 and len(windows) == len(data.tunes[split])
        assert set(data.tunes[split]) <= set(splits[split])
        assert set(table.loc[sorted(set(data.tunes[split]))].meter) <= set(L.DUPLE_METERS)
        assert (L.note_density(windows) >= L.MIN_NOTES).all()
    assert not set(data.tunes["train"]) & (set(data.tunes["valid"]) | set(data.tunes["test"]))
    assert "train" in data.summary()


def melody(notes, qpm=120.0):
    """A NoteSequence of (pitch, start_step, end_step) at 16th steps."""
    seq = new_sequence(qpm=qpm)
    step = 60.0 / qpm / 4
    for p, start, end in notes:
        add_note(seq, p, start * step, end * step, 80)
    return seq


def test_first_window_and_its_errors():
    seq = melody([(60 + i, 2 * i, 2 * i + 2) for i in range(20)])
    window = L.first_window(seq)
    assert window.shape == (32,) and L.note_density(window[None])[0] == 16
    assert L.to_sequences(window[None])[0].notes[0].pitch == 60
    with pytest.raises(ValueError, match="no usable 2-bar window"):
        L.first_window(melody([(60, 0, 4), (62, 4, 8)]))
    with pytest.raises(TypeError, match="NoteSequence"):
        L.first_window([60, 62])


def test_slerp_ends_arc_parallel_fallback_and_rows():
    a, b = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 2.0])
    assert torch.allclose(L.slerp(a, b, 0.0), a) and torch.allclose(L.slerp(a, b, 1.0), b)
    half = L.slerp(torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0]), 0.5)
    assert torch.allclose(half, torch.full((2,), math.sqrt(0.5)))
    assert torch.allclose(L.slerp(a, 3 * a, 0.5), L.lerp(a, 3 * a, 0.5))           # parallel: lerp
    assert not torch.isnan(L.slerp(a, 2 * a + 1e-6, 0.3)).any()
    torch.manual_seed(0)
    rows_a, rows_b = torch.randn(4, 7), torch.randn(4, 7)
    together = L.slerp(rows_a, rows_b, 0.3)
    assert torch.allclose(together, torch.stack([L.slerp(x, y, 0.3) for x, y in zip(rows_a, rows_b)]), atol=1e-6)
    unit_a, unit_b = rows_a[0] / rows_a[0].norm(), rows_b[0] / rows_b[0].norm()
    assert L.slerp(unit_a, unit_b, 0.4).norm().item() == pytest.approx(1.0, abs=1e-5)   # stays on the sphere
    assert L.lerp(unit_a, unit_b, 0.5).norm().item() < 1.0                                 # the chord does not


def test_latent_path_validates_its_arguments():
    path = L.latent_path(torch.zeros(3), torch.ones(3), 3, "lerp")
    assert torch.allclose(path, torch.tensor([[0.0] * 3, [0.5] * 3, [1.0] * 3]))
    with pytest.raises(ValueError, match="method"):
        L.latent_path(torch.zeros(3), torch.ones(3), 3, "cubic")
    with pytest.raises(ValueError, match="n_steps"):
        L.latent_path(torch.zeros(3), torch.ones(3), 1)


def test_smoothness_and_crossfade():
    a, b = torch.full((32,), REST), torch.full((32,), HOLD)
    fade = L.crossfade(a, b, 5)
    assert torch.equal(fade[0], a) and torch.equal(fade[-1], b)
    assert L.smoothness(fade) == {"mean": 8.0, "max": 8}
    assert L.smoothness(torch.stack([a, a]))["mean"] == 0.0
    with pytest.raises(ValueError, match="at least 2 rows"):
        L.smoothness(a)


@pytest.fixture(scope="module")
def shipped():
    model, _ = L.load_vae()
    return model


def test_interpolate_pieces_includes_the_reconstructed_ends(shipped):
    a = melody([(60 + (i % 5), 2 * i, 2 * i + 2) for i in range(16)])
    b = melody([(72 - (i % 3), 4 * i, 4 * i + 3) for i in range(8)])
    pieces = L.interpolate_pieces(shipped, a, b, n_steps=4)
    assert len(pieces) == 4
    ends = L.to_sequences(L.decode(shipped, L.encode_mu(shipped, torch.stack([L.first_window(a), L.first_window(b)]))))
    for got, want in ((pieces[0], ends[0]), (pieces[-1], ends[1])):
        assert [(n.pitch, n.start_time) for n in got.notes] == [(n.pitch, n.start_time) for n in want.notes]
    with pytest.raises(ValueError, match="piece b"):
        L.interpolate_pieces(shipped, a, melody([(60, 0, 4)]))


def test_sample_prior_repeats_with_a_seed_and_checks_its_arguments(shipped):
    first, again = L.sample_prior(shipped, 3, seed=5), L.sample_prior(shipped, 3, seed=5)
    assert len(first) == 3
    assert [[(n.pitch, n.start_time) for n in s.notes] for s in first] == \
           [[(n.pitch, n.start_time) for n in s.notes] for s in again]
    assert all(len(s.notes) > 0 for s in L.sample_prior(shipped, 4, seed=1, temperature=0.0))
    with pytest.raises(ValueError, match="n must be"):
        L.sample_prior(shipped, 0)
    with pytest.raises(ValueError, match="temperature"):
        L.sample_prior(shipped, 2, temperature=-1.0)


def test_the_density_vector_moves_decoded_melodies_toward_more_notes(shipped):
    data = L.melody_windows()
    train, test = data.windows["train"][:4000], data.windows["test"][:300]
    vector = L.attribute_vector(shipped, train, L.note_density(train))
    mu = L.encode_mu(shipped, test)
    sparse, dense = (L.note_density(L.decode(shipped, mu + k * vector)).float().mean() for k in (-1.0, 1.0))
    assert dense > sparse + 2


def test_the_shipped_model_uses_its_latent_space_and_rebuilds_held_out_windows(shipped):
    test = L.melody_windows().windows["test"][:500]
    kl = L.kl_by_dimension(shipped, test)
    assert kl.shape == (shipped.config.latent,) and (kl > 0.1).sum() >= shipped.config.latent // 2
    accuracy = L.reconstruction_accuracy(shipped, test)
    assert accuracy["teacher_forced"] >= accuracy["greedy"] > 0.55


def test_plot_kl_by_dimension_returns_figure_and_axes():
    import matplotlib.pyplot as plt

    fig, ax = L.plot_kl_by_dimension({"a": torch.rand(8), "b": torch.zeros(8)})
    assert ax.get_xlabel().startswith("latent") and len(ax.patches) == 16
    fig2, ax2 = plt.subplots()
    assert L.plot_kl_by_dimension({"a": torch.rand(4)}, ax=ax2) == (fig2, ax2)
    plt.close("all")
