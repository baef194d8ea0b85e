"""How good is generated music? Measurements that compare pieces with a reference set (lesson 11).

Each function takes NoteSequences (drums are skipped), so it measures a
model's output and real tunes alike:

* **features of one piece**: pitch-class and interval histograms
  (:mod:`helpers.stats`), :func:`note_density`, :func:`inter_onset_intervals`,
  :func:`scale_consistency` (the share of notes in the best-fitting major or
  minor scale, as in Mogren's C-RNN-GAN paper, 2016) and
  :func:`empty_beat_rate`;
* **two sets compared as distributions** (:func:`compare_sets`), the
  method of Yang & Lerch, "On the evaluation of generative models in music",
  Neural Computing and Applications 32 (2020): for each feature, the
  *intra-set* distances (between the pieces of the reference set) and the
  *inter-set* distances (from each generated piece to each reference piece)
  are smoothed into probability densities by Gaussian kernel density
  estimation; the KL divergence from the first to the second, and the area
  where the two densities overlap, say how far the generated pieces sit
  from the reference set compared with how far real pieces sit from each
  other (overlap 1 and KL 0: indistinguishable by this feature);
* **structure**: :func:`self_similarity`, a bar-by-bar similarity matrix in
  which repeated sections show as bright diagonal stripes, and its plot
  :func:`plot_self_similarity` (``ax=None`` in, ``(fig, ax)`` out);
* **copying**: :class:`MelodyIndex` finds the longest run of notes a piece
  shares with any training tune, transposition-free (it compares intervals),
  by hashing n-grams, fast enough for hundreds of pieces against 10,000 tunes.

Libraries checked (2026): MusPy 0.5.0 (the last release, a pure-Python wheel)
installs and runs on Python 3.11 with numpy 2, and has scale consistency and
the empty-beat rate, but it needs its own ``Music`` objects and three more
packages (pypianoroll, miditoolkit, bidict), and its empty-beat rate counts a
note that ends exactly on a beat as sounding in the next beat. mgeval, Yang
& Lerch's own code, is not on PyPI and is Python 2 code built on the
``python-midi`` package; its KL divergence evaluates the two densities on two
different grids. So these few functions are written here, on numpy alone;
the kernel density estimate uses Scott's rule, as scipy's ``gaussian_kde``
(which mgeval uses) does by default.
"""

from dataclasses import dataclass

import numpy as np

from helpers.stats import interval_histogram, pitch_class_histogram

SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}   # natural minor
PITCH_CLASS_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


def _notes_in_beats(piece) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pitches, onsets and ends (in quarter notes, following the tempo map) of the pitched notes, by onset."""
    from helpers.music import TempoMap

    notes = sorted((n for n in piece.notes if not n.is_drum), key=lambda n: (n.start_time, n.pitch))
    if not notes:
        return np.zeros(0, int), np.zeros(0), np.zeros(0)
    tempo_map = TempoMap(piece)
    return (np.array([n.pitch for n in notes]), np.asarray(tempo_map.beats([n.start_time for n in notes])),
            np.asarray(tempo_map.beats([n.end_time for n in notes])))


# --- features of one piece --------------------------------------------------------------

def note_density(piece: "NoteSequence") -> float:
    """Notes per quarter note, from the start of the piece to the end of its last note (0 if empty).

    Example: ``note_density(melody([60, 62, 64, 65], beats=0.5))`` -> ``2.0``
    """
    pitches, _, ends = _notes_in_beats(piece)
    return float(len(pitches) / ends.max()) if len(pitches) and ends.max() > 0 else 0.0


def inter_onset_intervals(piece: "NoteSequence") -> np.ndarray:
    """Quarter notes between one onset and the next (notes starting together count once).

    Example: ``inter_onset_intervals(melody([60, 62, 64], beats=[1, 0.5, 1]))`` -> ``array([1. , 0.5])``
    """
    _, onsets, _ = _notes_in_beats(piece)
    return np.diff(np.unique(np.round(onsets, 6)))


def scale_consistency(piece: "NoteSequence") -> tuple[float, str]:
    """The share of notes in the best-fitting major or minor scale, and that scale's name.

    Mogren's C-RNN-GAN paper (2016): "the fraction of tones that were part of
    a standard scale, reporting the number for the best matching such scale".
    Minor is the natural minor, which holds the same notes as the relative
    major, so a tie goes to the major scale named first. (NaN, "") if empty.
    Example: ``scale_consistency(melody([60, 62, 64, 66]))`` -> ``(1.0, "G major")``
    """
    pitches, _, _ = _notes_in_beats(piece)
    if not len(pitches):
        return float("nan"), ""
    counts = np.bincount(pitches % 12, minlength=12)
    best, name = -1, ""
    for mode, steps in SCALES.items():
        for root in range(12):
            inside = counts[[(root + step) % 12 for step in steps]].sum()
            if inside > best:
                best, name = inside, f"{PITCH_CLASS_NAMES[root]} {mode}"
    return float(best / len(pitches)), name


def empty_beat_rate(piece: "NoteSequence") -> float:
    """The share of quarter-note beats, up to the end of the last note, in which no note sounds.

    A beat ``[k, k + 1)`` is empty when no note overlaps it for any time; a
    note ending exactly at ``k`` does not reach it. NaN for an empty piece.
    Example: ``empty_beat_rate(melody([60, None, 62]))`` -> ``0.333`` (the rest's beat; ``None`` is a rest)
    """
    _, onsets, ends = _notes_in_beats(piece)
    if not len(onsets):
        return float("nan")
    n_beats = int(np.ceil(ends.max() - 1e-9))
    sounding = np.zeros(n_beats, bool)
    for start, end in zip(onsets, ends):
        sounding[int(np.floor(start + 1e-9)):int(np.ceil(end - 1e-9))] = True
    return float(1 - sounding.mean())


def _one(value: float) -> np.ndarray:
    return np.array([0.0 if np.isnan(value) else value])


FEATURES = {   # name -> function of one piece giving a 1-D array: what compare_sets compares
    "pitch_class_histogram": pitch_class_histogram,
    "interval_histogram": interval_histogram,
    "note_density": lambda piece: _one(note_density(piece)),
    "mean_inter_onset_interval": lambda piece: _one(np.mean(inter_onset_intervals(piece))
                                                    if len(inter_onset_intervals(piece)) else 0.0),
    "pitch_range": lambda piece: _one(np.ptp(_notes_in_beats(piece)[0]) if len(_notes_in_beats(piece)[0]) else 0.0),
    "scale_consistency": lambda piece: _one(scale_consistency(piece)[0]),
    "empty_beat_rate": lambda piece: _one(empty_beat_rate(piece)),
}


# --- two sets as distributions (Yang & Lerch 2020) ----------------------------------------

def feature_matrix(pieces: list, feature: str) -> np.ndarray:
    """One row per piece: the named feature of :data:`FEATURES`.

    Example: ``feature_matrix(tunes, "note_density").shape`` -> ``(len(tunes), 1)``
    """
    if feature not in FEATURES:
        raise ValueError(f"unknown feature {feature!r}; choose from {', '.join(FEATURES)}")
    return np.stack([np.atleast_1d(FEATURES[feature](piece)).astype(float) for piece in pieces])


def intra_set_distances(features: np.ndarray) -> np.ndarray:
    """Euclidean distances between every two different rows of one set (each pair once).

    Example: ``intra_set_distances(np.array([[0.0], [1.0], [3.0]]))`` -> ``array([1., 3., 2.])``
    """
    features = np.asarray(features, float).reshape(len(features), -1)
    i, j = np.triu_indices(len(features), k=1)
    return np.linalg.norm(features[i] - features[j], axis=1)


def inter_set_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distances from every row of ``a`` to every row of ``b``.

    Example: ``inter_set_distances(np.array([[0.0]]), np.array([[1.0], [3.0]]))`` -> ``array([1., 3.])``
    """
    a = np.asarray(a, float).reshape(len(a), -1)
    b = np.asarray(b, float).reshape(len(b), -1)
    return np.linalg.norm(a[:, None, :] - b[None, :, :], axis=2).ravel()


def kde(samples: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """A Gaussian kernel density estimate of 1-D ``samples``, evaluated on an evenly spaced ``grid``.

    Bandwidth by Scott's rule (``std * n ** -0.2``, scipy's default), with a
    floor so that identical samples still give a narrow bump. The samples are
    first shared out between their two nearest grid points ("linear binning"),
    then smoothed by the kernel: tens of thousands of distances take
    milliseconds, and the result stays within 1 % of the peak of the exact
    sum over every sample (``tests/test_metrics.py`` checks this).
    Example: ``kde(np.array([0.0, 1.0]), np.linspace(-1, 2, 301))``
    """
    samples, grid = np.asarray(samples, float), np.asarray(grid, float)
    if not len(samples):
        raise ValueError("kde needs at least one sample")
    step = grid[1] - grid[0]
    bandwidth = max(samples.std() * len(samples) ** -0.2, step)
    position = np.clip((samples - grid[0]) / step, 0, len(grid) - 1.000001)
    left, share = position.astype(int), position % 1
    counts = np.bincount(left, 1 - share, len(grid)) + np.bincount(left + 1, share, len(grid))
    offsets = np.arange(-len(grid) + 1, len(grid)) * step
    kernel = np.exp(-0.5 * (offsets / bandwidth) ** 2) / (bandwidth * np.sqrt(2 * np.pi))
    smoothed = np.convolve(counts, kernel)[len(grid) - 1: 2 * len(grid) - 1]   # centred on each grid point
    return smoothed / len(samples)


def _common_grid(a: np.ndarray, b: np.ndarray, points: int = 1000) -> np.ndarray:
    both = np.concatenate([a, b])
    pad = max(both.std(), 1e-3) * 3
    return np.linspace(both.min() - pad, both.max() + pad, points)


def _densities(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    grid = _common_grid(np.asarray(a, float), np.asarray(b, float))
    return grid, kde(a, grid), kde(b, grid)


def overlap_area(a: np.ndarray, b: np.ndarray) -> float:
    """The area under both kernel density estimates at once: 1 = same distribution, 0 = disjoint.

    Example: ``overlap_area(np.random.rand(500), np.random.rand(500))`` -> about ``0.95``
    """
    grid, p, q = _densities(a, b)
    return float(np.trapezoid(np.minimum(p, q), grid))


def kl_divergence(a: np.ndarray, b: np.ndarray) -> float:
    """KL divergence, in nats, from the density of samples ``a`` to that of ``b`` (both estimated, one grid).

    Example: ``kl_divergence(np.random.rand(500), np.random.rand(500))`` -> about ``0.01``
    """
    _, p, q = _densities(a, b)
    p, q = p / p.sum(), np.maximum(q / q.sum(), 1e-12)
    inside = p > 0
    return float(np.sum(p[inside] * np.log(p[inside] / q[inside])))


def histogram_overlap(p: "np.ndarray | list", q: "np.ndarray | list") -> float:
    """The overlapping area of two histograms over the same bins, each first scaled to total 1.

    ``sum(min(p_i, q_i))`` after normalising: 1 for the same shape, 0 when no
    bin is used by both. Counts or densities on an evenly spaced grid alike
    (the bin width cancels). Each needs a positive total and no negative bin.
    Example: ``histogram_overlap([2, 2, 0], [0, 1, 1])`` -> ``0.5``
    """
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape or p.ndim != 1:
        raise ValueError(f"p and q should be two 1-D histograms of the same length, got shapes {p.shape} and {q.shape}")
    for name, h in (("p", p), ("q", q)):
        if (h < 0).any() or not h.sum() > 0:
            raise ValueError(f"{name} should have no negative bin and a positive total, got {h.tolist()[:12]}")
    return float(np.minimum(p / p.sum(), q / q.sum()).sum())


def compare_sets(generated: list, reference: list, features: tuple | None = None) -> dict:
    """Yang & Lerch's comparison of a generated set with a reference set, feature by feature.

    For each feature: the mean of each set (their "absolute" measure), and
    the KL divergence and overlapping area between the reference's intra-set
    distances and the inter-set distances (their "relative" measure).
    Example: ``compare_sets(generated, real)["note_density"]["overlap"]`` -> ``0.8``
    """
    if len(reference) < 2 or not len(generated):
        raise ValueError("compare_sets needs at least 2 reference pieces and 1 generated piece")
    result = {}
    for name in features or tuple(FEATURES):
        gen, ref = feature_matrix(generated, name), feature_matrix(reference, name)
        intra, inter = intra_set_distances(ref), inter_set_distances(gen, ref)
        result[name] = {"generated_mean": gen.mean(0).round(4).tolist(),
                        "reference_mean": ref.mean(0).round(4).tolist(),
                        "kl": round(kl_divergence(intra, inter), 4),
                        "overlap": round(overlap_area(intra, inter), 4)}
    return result


# --- structure: a self-similarity matrix ------------------------------------------------

def bar_vectors(piece: "NoteSequence", beats_per_bar: float | None = None, steps_per_quarter: int = 4) -> np.ndarray:
    """One row per bar: which pitch classes sound at each grid step of the bar (12 x steps, flattened).

    ``beats_per_bar`` defaults to the piece's first time signature (4/4 -> 4,
    6/8 -> 3 quarter notes). Two bars get the same row only when the same
    pitch classes sound at the same places.
    Example: ``bar_vectors(tune).shape`` -> ``(bars, 12 * 16)`` in 4/4
    """
    if beats_per_bar is None:
        sig = piece.time_signatures[0] if len(piece.time_signatures) else None
        beats_per_bar = sig.numerator * 4 / sig.denominator if sig else 4.0
    steps = max(int(round(beats_per_bar * steps_per_quarter)), 1)
    pitches, onsets, ends = _notes_in_beats(piece)
    total = int(np.ceil(ends.max() * steps_per_quarter - 1e-9)) if len(pitches) else 0
    roll = np.zeros((max(-(-total // steps), 1) * steps, 12))
    for pitch, start, end in zip(pitches, onsets, ends):
        a, b = int(round(start * steps_per_quarter)), int(round(end * steps_per_quarter))
        roll[a:max(b, a + 1), pitch % 12] = 1
    return roll.reshape(-1, steps * 12)


def self_similarity(piece: "NoteSequence", beats_per_bar: float | None = None) -> np.ndarray:
    """Cosine similarity of every bar with every other (:func:`bar_vectors`): a (bars, bars) matrix.

    1 on the diagonal; an empty bar is similar to nothing (0), itself included.
    Example: ``self_similarity(tune)[0, 8]`` -> ``1.0`` when bar 9 repeats bar 1
    """
    vectors = bar_vectors(piece, beats_per_bar)
    norms = np.linalg.norm(vectors, axis=1)
    unit = vectors / np.where(norms > 0, norms, 1)[:, None]
    return unit @ unit.T


def plot_self_similarity(matrix: np.ndarray, ax: "matplotlib.axes.Axes | None" = None,
                         title: str = "Self-similarity (bars)") -> tuple:
    """Show a self-similarity matrix, bar 1 at the bottom left; returns ``(fig, ax)``.

    Repeated sections appear as bright stripes parallel to the diagonal.
    Example: ``fig, ax = plot_self_similarity(self_similarity(tune))``
    """
    import matplotlib.pyplot as plt

    fig = ax.figure if ax is not None else plt.subplots(figsize=(4.5, 4))[0]
    ax = ax if ax is not None else fig.axes[0]
    n = len(matrix)
    image = ax.imshow(matrix, origin="lower", cmap="gray_r", vmin=0, vmax=1, aspect="equal",
                      extent=(0.5, n + 0.5, 0.5, n + 0.5), interpolation="nearest")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="similarity")
    ax.set_xlabel("bar")
    ax.set_ylabel("bar")
    ax.set_title(title)
    return fig, ax


# --- copying: the longest run shared with a training tune ----------------------------------

def melody_pitches(piece: "NoteSequence") -> list[int]:
    """The top line of a piece: the highest pitch at each onset, in time order.

    Example: ``melody_pitches(chord_then_note)`` -> ``[67, 65]`` for a C major chord then F
    """
    pitches, onsets, _ = _notes_in_beats(piece)
    top = {}
    for pitch, onset in zip(pitches.tolist(), np.round(onsets, 6).tolist()):
        top[onset] = max(pitch, top.get(onset, pitch))
    return [top[onset] for onset in sorted(top)]


def longest_shared_run(piece: list[int], tune: list[int]) -> int:
    """The most consecutive notes of ``piece`` that also occur, in some key, as consecutive notes of ``tune``.

    Transposition-free: two runs match when their intervals match, so ``k``
    shared notes are ``k - 1`` shared intervals. Any single note matches
    (1 when both melodies have notes); 0 when either is empty. Dynamic
    programming over the two interval lists, ``len(piece) * len(tune)``
    steps: :class:`MelodyIndex` is the fast way for a whole corpus.
    Example: ``longest_shared_run([60, 62, 64, 65], [67, 69, 71, 50])`` -> ``3``
    """
    if not len(piece) or not len(tune):
        return 0
    a, b = np.diff(np.asarray(piece, np.int64)), np.diff(np.asarray(tune, np.int64))
    best, previous = 0, np.zeros(len(b) + 1, np.int64)
    for step in a:
        current = np.zeros(len(b) + 1, np.int64)
        current[1:] = np.where(b == step, previous[:-1] + 1, 0)
        best, previous = max(best, int(current.max())), current
    return best + 1


@dataclass
class Match:
    """The longest run of notes a piece shares with a training tune (0 notes: none as long as the index's n)."""

    notes: int                 # notes in the shared run (intervals + 1)
    tune: object = None        # the training tune's id
    piece_start: int = 0       # where the run starts in the piece's melody (note index)
    tune_start: int = 0        # ... and in the tune's


class MelodyIndex:
    """Every n-gram of intervals of the training tunes, hashed, to find copied runs fast.

    A run of ``n`` intervals is ``n + 1`` notes, in any key. Each interval
    (clipped to +-127 semitones) takes 8 bits of a 64-bit integer, so n <= 7
    n-grams are stored exactly: no two different n-grams share a key.
    Example: ``MelodyIndex({"tune-1": pitches}, n=5).longest_match(piece)``
    """

    def __init__(self, tunes: dict, n: int = 5):
        """``tunes`` maps a tune id to its melody pitches (a list of ints) or to a NoteSequence.

        Example: ``MelodyIndex({"a": [60, 62, 64, 65, 67, 69]}, n=3)``
        """
        if not 1 <= n <= 7:
            raise ValueError(f"n must be from 1 to 7 intervals, not {n}")
        self.n, self.ids = n, list(tunes)
        melodies = [list(v) if isinstance(v, (list, tuple, np.ndarray)) else melody_pitches(v)
                    for v in tunes.values()]
        keys, owners, starts = [], [], []
        self.intervals = []
        for owner, pitches in enumerate(melodies):
            steps = np.clip(np.diff(np.asarray(pitches, np.int64)), -127, 127)
            self.intervals.append(steps)
            grams = self._keys(steps)
            keys.append(grams)
            owners.append(np.full(len(grams), owner))
            starts.append(np.arange(len(grams)))
        order = np.argsort(np.concatenate(keys or [np.zeros(0, np.int64)]), kind="stable")
        self.keys = np.concatenate(keys or [np.zeros(0, np.int64)])[order]
        self.owners = np.concatenate(owners or [np.zeros(0, int)])[order]
        self.starts = np.concatenate(starts or [np.zeros(0, int)])[order]

    def _keys(self, steps: np.ndarray) -> np.ndarray:
        """The exact 64-bit key of every n-gram of intervals (none if the melody is shorter)."""
        if len(steps) < self.n:
            return np.zeros(0, np.int64)
        windows = np.lib.stride_tricks.sliding_window_view(steps + 128, self.n)
        return (windows << (8 * np.arange(self.n, dtype=np.int64))).sum(1)

    def longest_match(self, piece: "NoteSequence | list[int]") -> Match:
        """The longest run of notes ``piece`` (a NoteSequence or pitch list) shares with a tune.

        Every n-gram of the piece is looked up; hits on the same diagonal
        (piece position - tune position) in the same tune that follow each
        other make one run of ``hits + n`` notes.
        Example: ``index.longest_match(generated)`` -> ``Match(notes=12, tune="essen/...", ...)``
        """
        pitches = list(piece) if isinstance(piece, (list, tuple, np.ndarray)) else melody_pitches(piece)
        query = self._keys(np.clip(np.diff(np.asarray(pitches, np.int64)), -127, 127))
        lo = np.searchsorted(self.keys, query, side="left")
        counts = np.searchsorted(self.keys, query, side="right") - lo
        if not counts.sum():
            return Match(0)
        # every hit: (position i in the piece, entry k of the index)
        i = np.repeat(np.arange(len(query)), counts)
        k = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        tune, diagonal = self.owners[k], i - self.starts[k]
        order = np.lexsort((i, diagonal, tune))
        tune, diagonal, i = tune[order], diagonal[order], i[order]
        new_run = np.ones(len(i), bool)
        new_run[1:] = (tune[1:] != tune[:-1]) | (diagonal[1:] != diagonal[:-1]) | (i[1:] != i[:-1] + 1)
        run = np.cumsum(new_run) - 1
        lengths = np.bincount(run)
        best = int(np.argmax(lengths))
        first = int(np.nonzero(run == best)[0][0])
        return Match(int(lengths[best]) + self.n, self.ids[int(tune[first])], int(i[first]),
                     int(i[first] - diagonal[first]))
