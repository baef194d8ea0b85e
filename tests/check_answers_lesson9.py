"""Answers for the checks of lesson 9: right ones, right ones written differently, wrong ones.

The same layout as check_answers_medium.py: each wrong answer comes with a
piece of text its hint must contain. tests/test_check.py runs them.
"""

import random

import numpy as np
import torch

from helpers.keys import KRUMHANSL_MAJOR, KRUMHANSL_MINOR, pitch_class
from helpers.obedience import confusion_counts
from helpers.prompt import key_from_words
from helpers.sampling import guided_logits


# --- prompt-key-words ---------------------------------------------------------------

MAJORS = ["C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
MINORS = ["Cm", "C#m", "Dm", "Ebm", "Em", "Fm", "F#m", "Gm", "G#m", "Am", "Bbm", "Bm"]
LETTERS = {"c": 0, "d": 2, "e": 4, "f": 5, "g": 7, "a": 9, "b": 11}


def _key_by_table(note, mode):
    text = note.strip().lower().replace(" sharp", "#").replace(" flat", "b")
    tonic = (LETTERS[text[0]] + text.count("#") - text[1:].count("b")) % 12
    minor = mode in ("minor", "m", "dorian", "phrygian", "aeolian", "locrian")
    return (MINORS if minor else MAJORS)[tonic]


def _key_sharps(note, mode):
    name = _key_by_table(note, mode)
    return {"Db": "C#", "Ab": "G#"}.get(name, name)


def _key_case_sensitive(note, mode):
    letters = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
    tonic = (letters[note[0]] + note.count("#") - note[1:].count("b")) % 12
    return (MINORS if mode == "minor" else MAJORS)[tonic]


def _key_ignores_words(note, mode):
    text = note.strip()
    tonic = (LETTERS[text[0].lower()] + text.count("#") - text[1:].count("b")) % 12
    return (MINORS if mode in ("minor", "dorian", "phrygian", "aeolian", "locrian") else MAJORS)[tonic]


# --- prompt-key-correlations -----------------------------------------------------------

def _correlations(profile):
    p = np.asarray(profile, dtype=float)
    if np.ptp(p) == 0:
        return np.zeros(24)
    return np.array([np.corrcoef(p, np.roll(w, t))[0, 1]
                     for w in (KRUMHANSL_MAJOR, KRUMHANSL_MINOR) for t in range(12)])


def _correlations_rolling_the_profile(profile):
    p = np.asarray(profile, dtype=float)
    if p.max() == p.min():
        return np.zeros(24)
    out = []
    for weights in (KRUMHANSL_MAJOR, KRUMHANSL_MINOR):
        w = np.asarray(weights) - np.mean(weights)
        for t in range(12):
            q = np.roll(p, -t) - p.mean()
            out.append(float(q @ w / np.sqrt((q @ q) * (w @ w))))
    return np.array(out)


def _correlations_wrong_roll(profile):
    p = np.asarray(profile, dtype=float)
    if np.ptp(p) == 0:
        return np.zeros(24)
    return np.array([np.corrcoef(p, np.roll(w, -t))[0, 1]
                     for w in (KRUMHANSL_MAJOR, KRUMHANSL_MINOR) for t in range(12)])


def _correlations_cosine(profile):
    p = np.asarray(profile, dtype=float)
    norm = np.linalg.norm(p)
    return np.array([p @ np.roll(w, t) / (norm * np.linalg.norm(w)) if norm else 0.0
                     for w in (KRUMHANSL_MAJOR, KRUMHANSL_MINOR) for t in range(12)])


def _correlations_no_flat_case(profile):
    return np.array([np.corrcoef(np.asarray(profile, float), np.roll(w, t))[0, 1]
                     for w in (KRUMHANSL_MAJOR, KRUMHANSL_MINOR) for t in range(12)])


def _correlations_normalising_in_place(profile):
    total = sum(profile) or 1.0
    for i in range(12):
        profile[i] = profile[i] / total
    return _correlations(profile)


# --- prompt-drop-conditions ----------------------------------------------------------

def _drop(conditions, p, rng):
    return [c for c in conditions if rng.random() >= p]


def _drop_loop(conditions, p, rng):
    kept = []
    for condition in conditions:
        if rng.random() < 1 - p:
            kept.append(condition)
    return kept


def _drop_all_or_nothing(conditions, p, rng):
    return [] if rng.random() < p else list(conditions)


def _drop_in_place(conditions, p, rng):
    for condition in list(conditions):
        if rng.random() < p:
            conditions.remove(condition)
    return conditions


def _drop_shuffled(conditions, p, rng):
    kept = [c for c in conditions if rng.random() >= p]
    rng.shuffle(kept)
    return kept if len(kept) < 2 else kept[::-1]


# --- prompt-confusion ------------------------------------------------------------------

def _confusion_loops(asked, found, labels):
    counts = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for a, f in zip(asked, found):
        if a in labels and f in labels:
            counts[labels.index(a)][labels.index(f)] += 1
    return counts


def _confusion_crashes(asked, found, labels):
    counts = np.zeros((len(labels), len(labels)), dtype=int)
    for a, f in zip(asked, found):
        counts[labels.index(a), labels.index(f)] += 1
    return counts


def _confusion_sorting(asked, found, labels):
    asked.sort()
    return confusion_counts(asked, found, labels)


# --- prompt-guidance -------------------------------------------------------------------

def _guided_in_place(prompted, free, guidance):
    free += guidance * (prompted - free)
    return free


RIGHT = {
    "prompt-key-words": key_from_words,
    "prompt-key-correlations": _correlations,
    "prompt-drop-conditions": _drop,
    "prompt-confusion": confusion_counts,
    "prompt-guidance": guided_logits,
}

ALSO_RIGHT = {
    "prompt-key-words": [_key_by_table, lambda note, mode: key_from_words(note, mode.lower())],
    "prompt-key-correlations": [_correlations_rolling_the_profile],
    "prompt-drop-conditions": [_drop_loop, lambda c, p, rng: [x for x, r in zip(c, [rng.random() for _ in c]) if r >= p]],
    "prompt-confusion": [_confusion_loops],
    "prompt-guidance": [lambda p, f, g: g * p + (1 - g) * f, lambda p, f, g: torch.lerp(f, p, g),
                        lambda p, f, g: f.add(p - f, alpha=g), lambda p, f, g: (f + g * (p - f)).double()],
}

WRONG = {
    "prompt-key-words": [
        (lambda note, mode: key_from_words(note, "major" if mode in ("dorian", "phrygian", "aeolian", "locrian") else mode),
         "fold by their third"),
        (_key_sharps, "spell each key as in KEYS"),
        (_key_case_sensitive, "raised KeyError"),
        (_key_ignores_words, "expected"),
        (lambda note, mode: (pitch_class(note), mode == "minor"), "as a str"),
        (lambda note, mode: key_from_words(note, "minor" if mode == "mixolydian" else mode), "expected"),
    ],
    "prompt-key-correlations": [
        (_correlations_wrong_roll, "np.roll(profile, t)"),
        (_correlations_cosine, "Pearson"),
        (lambda p: np.concatenate([_correlations(p)[12:], _correlations(p)[:12]]), "major keys, then the minor"),
        (lambda p: list(_correlations(p)), "numpy array"),
        (_correlations_no_flat_case, "got nan"),
        (_correlations_normalising_in_place, "changed its input"),
        (lambda p: np.array([np.corrcoef(np.asarray(p, float), np.roll(KRUMHANSL_MAJOR, t))[0, 1] if np.ptp(p) else 0.0
                             for _ in range(2) for t in range(12)]), "should be"),
    ],
    "prompt-drop-conditions": [
        (lambda c, p, rng: [x for x in c if rng.random() < p], "p is the chance to drop"),
        (_drop_all_or_nothing, "draw once per condition"),
        (lambda c, p, rng: [x for x in c if random.random() >= p], "rng you are given"),
        (_drop_in_place, "changed its input"),
        (_drop_shuffled, "in their order"),
        (lambda c, p, rng: tuple(_drop(c, p, rng)), "should be a list"),
    ],
    "prompt-confusion": [
        (lambda a, f, labels: confusion_counts(f, a, labels), "the other way"),
        (lambda a, f, labels: confusion_counts(a, f, labels).astype(float), "dtype"),
        (lambda a, f, labels: confusion_counts(a, f, labels).tolist(), "numpy array"),
        (_confusion_crashes, "raised ValueError"),
        (lambda a, f, labels: confusion_counts(a, f, labels)[:, :max(1, len(labels) - 1)], "shape"),
        (_confusion_sorting, "changed its input"),
    ],
    "prompt-guidance": [
        (lambda p, f, g: p + g * (p - f), "start from the free logits"),
        (lambda p, f, g: f + g * (f - p), "prompted - free, not free - prompted"),
        (lambda p, f, g: g * (p - f), "add the free logits"),
        (lambda p, f, g: torch.softmax(f + g * (p - f), dim=-1), "no softmax"),
        (_guided_in_place, "changed its input"),
        (lambda p, f, g: (f + g * (p - f)).tolist(), "should be a torch tensor"),
        (lambda p, f, g: p, "expected"),
        (lambda p, f, g: (f + g * (p - f)).round(), "expected"),
        (lambda p, f, g: (f + g * (p - f)).flatten(), "shape"),
    ],
}
