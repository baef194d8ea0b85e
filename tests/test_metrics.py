"""Metrics for generated music, each checked on hand-made pieces whose answer is known."""

import math

import matplotlib
import numpy as np
import pytest

from helpers.metrics import (FEATURES, MelodyIndex, bar_vectors, compare_sets, empty_beat_rate,
                             feature_matrix, inter_onset_intervals, inter_set_distances,
                             intra_set_distances, kde, kl_divergence, melody_pitches, note_density,
                             overlap_area, plot_self_similarity, scale_consistency, self_similarity)
from helpers.music import melody
from helpers.notes import add_note, new_sequence

matplotlib.use("Agg")
C_MAJOR = [60, 62, 64, 65, 67, 69, 71, 72]


def chords(*onsets_and_pitches, qpm=120.0):
    """A piece from (beat, [pitches], length in beats) triples."""
    seq = new_sequence(qpm=qpm)
    for beat, pitches, length in onsets_and_pitches:
        for pitch in pitches:
            add_note(seq, pitch, beat * 60 / qpm, (beat + length) * 60 / qpm)
    return seq


def test_note_density_counts_notes_per_quarter_note_at_any_tempo():
    assert note_density(melody([60, 62, 64, 65], beats=0.5)) == 2.0
    assert note_density(melody([60, 62, 64, 65], beats=0.5, qpm=60)) == 2.0   # tempo does not matter
    assert note_density(chords((0, [60, 64, 67], 2))) == 1.5                  # 3 notes in 2 beats
    assert note_density(new_sequence()) == 0.0


def test_inter_onset_intervals_count_a_chord_once():
    assert inter_onset_intervals(melody([60, 62, 64], beats=[1, 0.5, 1])).tolist() == [1.0, 0.5]
    piece = chords((0, [60, 64], 1), (1, [62], 0.5), (3, [60, 67], 1))
    assert inter_onset_intervals(piece).tolist() == [1.0, 2.0]


def test_scale_consistency_finds_the_best_major_or_minor_scale():
    assert scale_consistency(melody(C_MAJOR)) == (1.0, "C major")
    share, name = scale_consistency(melody(C_MAJOR + [66]))        # one F sharp among 9 notes
    assert share == pytest.approx(8 / 9) and name in ("C major", "G major")
    assert scale_consistency(melody([60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71]))[0] == pytest.approx(7 / 12)
    # A harmonic-minor melody: G sharp is outside every natural minor and major scale with A, C, E
    assert scale_consistency(melody([69, 71, 72, 74, 76, 77, 80, 81]))[0] == pytest.approx(7 / 8)
    assert math.isnan(scale_consistency(new_sequence())[0])


def test_empty_beat_rate_counts_silent_quarter_notes():
    assert empty_beat_rate(melody([60, 62, 64, 65])) == 0.0           # notes end exactly on beats
    assert empty_beat_rate(melody([60, None, 62])) == pytest.approx(1 / 3)
    assert empty_beat_rate(melody([60, None, None, 62])) == pytest.approx(2 / 4)
    assert empty_beat_rate(chords((0, [60], 0.25), (2, [62], 1))) == pytest.approx(1 / 3)   # beat 2 silent
    assert empty_beat_rate(chords((0.5, [60], 1))) == 0.0              # off-beat note covers beats 1 and 2
    assert math.isnan(empty_beat_rate(new_sequence()))


def test_distances_between_and_within_sets():
    features = np.array([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]])
    assert sorted(intra_set_distances(features)) == pytest.approx([1.0, math.sqrt(18), 5.0])
    assert inter_set_distances(np.array([[0.0]]), np.array([[1.0], [3.0]])).tolist() == [1.0, 3.0]
    assert len(inter_set_distances(np.zeros((4, 2)), np.ones((5, 2)))) == 20


def test_kde_integrates_to_one_and_overlap_and_kl_behave():
    rng = np.random.default_rng(0)
    a, b, far = rng.normal(0, 1, 400), rng.normal(0, 1, 400), rng.normal(20, 1, 400)
    grid = np.linspace(-8, 8, 2001)
    assert np.trapezoid(kde(a, grid), grid) == pytest.approx(1.0, abs=1e-3)
    bandwidth = a.std() * len(a) ** -0.2                         # the sum over every sample, by hand
    exact = np.exp(-0.5 * ((grid[:, None] - a) / bandwidth) ** 2).sum(1) / (len(a) * bandwidth * np.sqrt(2 * np.pi))
    assert np.abs(kde(a, grid) - exact).max() < 0.01 * exact.max()
    assert overlap_area(a, a) == pytest.approx(1.0, abs=1e-3) and abs(kl_divergence(a, a)) < 1e-9
    assert overlap_area(a, b) > 0.85 and kl_divergence(a, b) < 0.05
    assert overlap_area(a, far) < 0.01 and kl_divergence(a, far) > 10
    identical = np.zeros(10)                       # all distances 0: still a density, no crash
    assert overlap_area(identical, identical) == pytest.approx(1.0, abs=1e-2)


def test_compare_sets_tells_a_similar_set_from_a_different_one():
    rng = np.random.default_rng(1)
    def tune(pitches):
        return melody([int(p) for p in pitches], beats=float(rng.choice([0.5, 1.0])))
    reference = [tune(rng.choice(C_MAJOR, 16)) for _ in range(30)]
    similar = [tune(rng.choice(C_MAJOR, 16)) for _ in range(30)]
    chromatic = [tune(rng.integers(60, 72, 16)) for _ in range(30)]
    near = compare_sets(similar, reference, ("pitch_class_histogram", "scale_consistency"))
    away = compare_sets(chromatic, reference, ("pitch_class_histogram", "scale_consistency"))
    for name in ("pitch_class_histogram", "scale_consistency"):
        assert near[name]["overlap"] > away[name]["overlap"]
        assert near[name]["kl"] < away[name]["kl"]
    assert near["scale_consistency"]["reference_mean"] == [1.0]
    assert away["scale_consistency"]["generated_mean"][0] < 0.9
    assert feature_matrix(reference, "pitch_class_histogram").shape == (30, 12)
    assert set(compare_sets(similar, reference)) == set(FEATURES)
    with pytest.raises(ValueError, match="unknown feature"):
        feature_matrix(reference, "loudness")


def test_self_similarity_shows_a_repeated_bar():
    a, b = [60, 62, 64, 65], [67, 69, 71, 72]
    piece = melody(a + b + a + [62, 60, 64, 65])           # bars A B A A': 4/4, quarter notes
    matrix = self_similarity(piece)
    assert matrix.shape == (4, 4)
    assert np.allclose(np.diag(matrix), 1.0)
    assert matrix[0, 2] == pytest.approx(1.0)              # bar 3 repeats bar 1
    assert matrix[0, 1] == pytest.approx(0.0)              # no pitch class at the same place
    assert matrix[0, 3] == pytest.approx(0.5)              # same notes, two of four in place
    assert bar_vectors(piece).shape == (4, 12 * 16)
    assert self_similarity(piece, beats_per_bar=2).shape == (8, 8)
    fig, ax = plot_self_similarity(matrix)
    assert ax.get_xlabel() == "bar" and ax.images[0].get_array().shape == (4, 4)
    fig2, ax2 = plot_self_similarity(matrix, ax=ax)
    assert ax2 is ax and fig2 is fig


def test_melody_is_the_top_line():
    piece = chords((0, [60, 64, 67], 1), (1, [65], 1), (2, [59, 62], 1))
    assert melody_pitches(piece) == [67, 65, 62]


def test_melody_index_finds_a_transposed_copy_and_its_tune():
    rng = np.random.default_rng(2)
    tunes = {f"tune-{i}": [int(p) for p in rng.integers(55, 80, 60)] for i in range(300)}
    copied = [p + 5 for p in tunes["tune-123"][20:32]]      # 12 notes, a fourth higher
    piece = melody([40, 90, 41] + copied + [95, 30])
    index = MelodyIndex(tunes, n=4)
    match = index.longest_match(piece)
    assert (match.notes, match.tune, match.piece_start, match.tune_start) == (12, "tune-123", 3, 20)
    assert index.longest_match([1, 50, 2, 70]).notes == 0       # no 5-note run anywhere
    from_sequences = MelodyIndex({"x": melody([60, 62, 64, 65, 67, 69])}, n=3)
    assert from_sequences.longest_match(melody([70, 72, 74, 75, 30])).notes == 4
    with pytest.raises(ValueError, match="n must be"):
        MelodyIndex(tunes, n=8)
