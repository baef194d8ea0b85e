"""Which key is a melody in? Key names, and the Krumhansl-Schmuckler key finder (lesson 9).

A key is a tonic (one of 12 pitch classes) and a mode. The course writes the
24 major and minor keys one way each: ``"D"`` is D major, ``"Dm"`` D minor,
``"F#"``, ``"Bb"``, ``"C#m"``... (:data:`KEYS`). Church modes fold into the
major or minor key on the same tonic, by their third: Ionian, Lydian and
Mixolydian are major; Dorian, Phrygian, Aeolian and Locrian minor.

**The key finder** (:func:`find_key`) is the Krumhansl-Schmuckler algorithm
(Krumhansl 1990, *Cognitive Foundations of Musical Pitch*, chapter 4):

1. count how long each pitch class sounds in the piece (a 12-number profile);
2. correlate (Pearson) that profile with a key profile rotated to each of the
   12 tonics, for major and for minor: 24 correlations;
3. the key with the highest correlation wins.

The key profiles are Krumhansl and Kessler's probe-tone ratings (Krumhansl &
Kessler 1982, "Tracing the dynamic changes in perceived tonal organization in
a spatial representation of musical keys", *Psychological Review* 89(4),
334-368), :data:`KRUMHANSL_MAJOR` and :data:`KRUMHANSL_MINOR`, the same numbers
as music21's ``analysis.discrete.KrumhanslSchmuckler`` (the tests check that
both give the same key). ``profiles="aarden"`` uses Aarden's profiles (2003),
counted from the Essen folk songs themselves, which
``benchmarks/obedience.py`` compares on the corpus.
"""

import re

import numpy as np

from helpers.notes import is_sequence

NOTE_LETTERS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
MAJOR_NAMES = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
MINOR_NAMES = ("Cm", "C#m", "Dm", "Ebm", "Em", "Fm", "F#m", "Gm", "G#m", "Am", "Bbm", "Bm")
KEYS = MAJOR_NAMES + MINOR_NAMES   # index: tonic pitch class, + 12 for minor

# Where each mode's tonic lies in the major scale of its key signature, in semitones
# above that scale's tonic: D dorian uses C major's notes, and D is 2 above C.
MODE_DEGREES = {"major": 0, "ionian": 0, "dorian": 2, "phrygian": 4, "lydian": 5,
                "mixolydian": 7, "minor": 9, "aeolian": 9, "locrian": 11}
MINOR_MODES = {"dorian", "phrygian", "minor", "aeolian", "locrian"}
# How ABC's K: field and prompts abbreviate modes ("Ador", "Gmix", "Em", "D min").
MODE_ABBREVIATIONS = {"": "major", "maj": "major", "ion": "ionian", "dor": "dorian",
                      "phr": "phrygian", "lyd": "lydian", "mix": "mixolydian", "m": "minor",
                      "min": "minor", "aeo": "aeolian", "loc": "locrian"}

# Krumhansl & Kessler (1982) probe-tone profiles, tonic first.
KRUMHANSL_MAJOR = (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88)
KRUMHANSL_MINOR = (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)
# Aarden (2003), from the Essen folk songs (as in music21's AardenEssen and Humdrum's keycor).
AARDEN_MAJOR = (17.7661, 0.145624, 14.9265, 0.160186, 19.8049, 11.3587, 0.291248, 22.062,
                0.145624, 8.15494, 0.232998, 4.95122)
AARDEN_MINOR = (18.2648, 0.737619, 14.0499, 16.8599, 0.702494, 14.4362, 0.702494, 18.6161,
                4.56621, 1.93186, 7.37619, 1.75623)
PROFILES = {"krumhansl": (KRUMHANSL_MAJOR, KRUMHANSL_MINOR), "aarden": (AARDEN_MAJOR, AARDEN_MINOR)}


def key_name(tonic: int, minor: bool) -> str:
    """The course's name of a key from its tonic pitch class (0 = C) and mode.

    Example: ``key_name(1, True)`` -> ``"C#m"``
    """
    return (MINOR_NAMES if minor else MAJOR_NAMES)[int(tonic) % 12]


def key_tonic(name: str) -> int:
    """The tonic pitch class of a key name of :data:`KEYS`. Example: ``key_tonic("Bbm")`` -> ``10``"""
    return KEYS.index(check_key(name)) % 12


def is_minor(name: str) -> bool:
    """True for a minor key of :data:`KEYS`. Example: ``is_minor("F#m")`` -> ``True``"""
    return KEYS.index(check_key(name)) >= 12


def check_key(name: str) -> str:
    """``name`` if it is one of :data:`KEYS`, else a ValueError listing them.

    Example: ``check_key("Dm")`` -> ``"Dm"``
    """
    if name not in KEYS:
        raise ValueError(f"{name!r} is not a key name; use one of {', '.join(KEYS)}")
    return name


def pitch_class(text: str) -> int:
    """The pitch class of a note name with any accidentals: ``"F#"`` -> 6, ``"Bb"`` -> 10.

    Accepts ``#``/``b`` and the words ``sharp``/``flat`` (``"B flat"``).
    Example: ``pitch_class("Eb")`` -> ``3``
    """
    match = re.fullmatch(r"\s*([A-Ga-g])\s*((?:#|b|sharp|flat|\s)*)\s*", text)
    if not match:
        raise ValueError(f"{text!r} is not a note name such as 'C', 'F#' or 'Bb'")
    accidentals = match.group(2).replace("sharp", "#").replace("flat", "b").replace(" ", "")
    return (NOTE_LETTERS[match.group(1).upper()] + accidentals.count("#")
            - accidentals.count("b")) % 12


def parse_abc_key(text: str) -> tuple[int, str]:
    """``(tonic pitch class, mode)`` of an ABC ``K:`` value: ``"Ador"`` -> ``(9, "dorian")``.

    The mode is a key of :data:`MODE_DEGREES`; no mode means major.
    Example: ``parse_abc_key("F#m")`` -> ``(6, "minor")``
    """
    match = re.fullmatch(r"\s*([A-G][#b]?)\s*([A-Za-z]*)\s*", text or "")
    mode = MODE_ABBREVIATIONS.get(match.group(2).lower()[:3]) if match else None
    if mode is None:
        raise ValueError(f"{text!r} is not an ABC key such as 'D', 'Em', 'Ador' or 'Gmix'")
    return pitch_class(match.group(1)), mode


def mode_key(tonic: int, mode: str) -> str:
    """The major or minor key a mode folds into (by its third): ``(2, "dorian")`` -> ``"Dm"``.

    Example: ``mode_key(7, "mixolydian")`` -> ``"G"``
    """
    if mode not in MODE_DEGREES:
        raise ValueError(f"unknown mode {mode!r}; use one of {', '.join(MODE_DEGREES)}")
    return key_name(tonic, mode in MINOR_MODES)


def pitch_class_profile(piece) -> np.ndarray:
    """How long each pitch class C, C#, ..., B sounds, in seconds (drums skipped): 12 numbers.

    ``piece`` is a NoteSequence or a list of ``(pitch, duration)`` pairs.
    Example: ``pitch_class_profile([(60, 1.0), (64, 0.5), (72, 1.0)])[0]`` -> ``2.0``
    """
    if is_sequence(piece):
        pairs = [(n.pitch, n.end_time - n.start_time) for n in piece.notes if not n.is_drum]
    else:
        pairs = list(piece)
    profile = np.zeros(12)
    for pitch, duration in pairs:
        profile[int(pitch) % 12] += duration
    return profile


def key_correlations(profile, profiles: str = "krumhansl") -> np.ndarray:
    """The Pearson correlation of a pitch-class profile with each of the 24 keys of :data:`KEYS`.

    Entry ``t`` compares the profile with the major key profile rotated to
    tonic ``t``; entry ``12 + t`` with the minor one. A flat profile (no
    notes, or every pitch class alike) correlates with nothing: all zeros.
    Example: ``KEYS[int(np.argmax(key_correlations(pitch_class_profile(tune))))]`` -> ``"G"``
    """
    if profiles not in PROFILES:
        raise ValueError(f"profiles must be one of {', '.join(PROFILES)}, not {profiles!r}")
    profile = np.asarray(profile, dtype=float)
    if profile.shape != (12,):
        raise ValueError(f"a pitch-class profile has 12 numbers, not shape {profile.shape}")
    scores = np.zeros(24)
    if np.ptp(profile) == 0:
        return scores
    for mode, weights in enumerate(PROFILES[profiles]):
        for tonic in range(12):
            # the key profile rotated so that its tonic sits on pitch class `tonic`
            rotated = np.roll(weights, tonic)
            scores[12 * mode + tonic] = np.corrcoef(profile, rotated)[0, 1]
    return scores


def find_key(piece, profiles: str = "krumhansl") -> str:
    """The key of a piece by the Krumhansl-Schmuckler algorithm (see the module's docstring).

    ``piece``: a NoteSequence or ``(pitch, duration)`` pairs. A piece without
    notes raises ValueError: it has no key.
    Example: ``find_key(load_piece("oneills/0001-0050/0018"))`` -> ``"G"``
    """
    profile = pitch_class_profile(piece)
    if not profile.any():
        raise ValueError("the piece has no pitched notes, so it has no key")
    return KEYS[int(np.argmax(key_correlations(profile, profiles)))]
