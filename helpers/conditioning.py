"""Conditioning tokens for the folk corpus: what a prompt can ask for (lesson 9).

A conditioned model reads a few tokens after BOS that say what kind of tune
follows, then writes the tune::

    BOS REGION_irish TYPE_jig METER_6/8 MODE_major DENSITY_high BAR TIMESIG_6/8 POSITION_0 ...

There are five fields (:data:`FIELDS`), each from what the corpus knows:

* **region** (``REGION_irish``, ``german``, ``european``, ``chinese``): O'Neill's
  and Ryan's collections and Essen's Irish songs are Irish; Essen's songs from
  Germany, Austria and Switzerland German; its other European songs (Luxembourg,
  Lorraine, Yugoslavia, the Netherlands, ...) European; its Chinese songs Chinese.
* **type** (:data:`TYPES`): the Irish dance types as the books name them (double
  and single jigs are ``jig``, clogs are hornpipes, highland flings
  strathspeys); Essen's German song types (its ``R:`` field, e.g. "Liebes - Lied")
  read as children's songs, waltzes (dance songs in 3/4 or 3/8, "Walzer",
  "Laendler"), other dance songs, marches, hymns, or plain songs.
* **meter**: the time signature, for the meters with at least 100 tunes (:data:`METERS`).
* **mode** (``MODE_major``, ``MODE_minor``), with the tonic: each tune's key
  (:func:`key_of`) is read from its ``K:`` field: O'Neill's and Ryan's give
  tonic and mode, modes folded by their third (A dorian is A minor). Essen's
  ``K:`` gives the tonic only (its songs are written as scale degrees above
  it), so the mode is read from the tune: minor when its minor third above the
  tonic sounds longer than its major third. Essen's Chinese songs get no key:
  their ``K:`` names the pentatonic scale's first note (gong), often not the
  tonic. Every tune with a key is **moved to the tonic C** for training
  (:func:`tonic_shift`), as folk-rnn did (Sturm et al. 2016, "Music
  transcription modelling and composition using deep learning"): the model
  learns tunes relative to their tonic, with a mode token, and a requested
  tonic is applied by transposing what it writes
  (:func:`helpers.prompt.prompt_pieces`). Transposition is exact; a token
  for each of the 24 keys would have to be learned, from a corpus whose keys
  crowd around G, D, F and C. In one experiment made while designing lesson 9
  (400 training steps, ``benchmarks/obedience.py`` on each model; the
  token-per-key variant is not kept in the code, so nothing reruns it): with a
  token per key (tunes moved at random to spread the keys) about 20 % of the
  pieces came out in the requested key; with the tonic moved to C and a mode
  token, about 60 %.
* **density** (``DENSITY_low``, ``mid``, ``high``): notes per quarter note, cut
  at :data:`DENSITY_BOUNDS`, about the corpus's thirds. The corpus has no real
  tempos (almost every tune is at 120 quarter notes per minute), so "fast"
  means busy: many notes per beat.

A field the corpus does not know for a tune (no ``R:`` field, a rare meter)
simply has no token for that tune.

**Dropping conditions.** During training each condition token of each piece (below) is
dropped with probability :data:`DROP` (0.5: a prompt names any subset of the
fields, and 0.5 makes every subset equally likely), so the same model learns
to write a tune from any subset of the conditions, none included.

**Keeping the conditions in view.** Generation starts with BOS and the
conditions at position 0, and past 256 tokens the sampler restarts from BOS,
the conditions and the last half of the context (``keep_prefix`` in
:func:`helpers.sampling.sample`). Training must show the model the same
layout. Random windows of one long stream of tunes would not: most would
begin in the middle of a tune, its conditions out of sight, and BOS would
almost never sit at position 0. So each tune is cut into pieces of at most
:data:`EVERY` (128) tokens, each starting with BOS and the tune's conditions
(:func:`repeat_conditions`: 5.5 % more tokens with every condition kept, 3 %
with half dropped), and every training window starts at the start of a piece
(:func:`piece_starts`, given to :func:`helpers.training.train` as
``starts``). In one experiment made while designing lesson 9 (400 training
steps, a token per key, the model left to write the time signature itself;
not rerun by any script): with random windows about 27 % of the pieces came
out in the requested meter, with windows at piece starts about 70 %.
"""

import random

import numpy as np

from helpers.keys import is_minor, key_name, key_tonic, mode_key, parse_abc_key, pitch_class_profile
from helpers.tokenizers.vocab import BOS_ID

FIELDS = ("region", "type", "meter", "mode", "density")   # their order after BOS
REGIONS = ("irish", "german", "european", "chinese")
TYPES = ("jig", "slipjig", "reel", "hornpipe", "strathspey", "march", "air", "waltz", "dance",
         "children", "hymn", "song")
METERS = ("2/4", "3/4", "4/4", "6/8", "2/2", "3/8", "9/8", "4/2", "6/4", "3/2")
DENSITIES = ("low", "mid", "high")
DENSITY_BOUNDS = (1.3, 1.8)   # notes per quarter note between low / mid / high
MODES = ("major", "minor")
VALUES = {"region": REGIONS, "type": TYPES, "meter": METERS, "mode": MODES, "density": DENSITIES}
DROP = 0.5      # the chance that training leaves out each condition token
EVERY = 128     # the longest stretch of a tune between repeats of its conditions (tokens)

FOLK = ("essen", "oneills", "ryans")
IRISH_TYPES = {"jig": "jig", "double jig": "jig", "slip jig": "slipjig", "reel": "reel",
               "hornpipe": "hornpipe", "clog": "hornpipe", "strathspey": "strathspey",
               "highland fling": "strathspey", "march": "march", "air": "air", "waltz": "waltz"}
GERMAN_SPEAKING = {"deutschland", "oesterreich", "schweiz", "tirol", "steiermark",
                   "unter - oesterreich", "emmenthal", "schweizland"}
NOT_EUROPEAN = {"usa", "kanada", "brasilien"}
# Essen's song types: the first rule whose words occur in the R: field wins.
ESSEN_TYPE_RULES = (("children", ("kinder", "wiegen")),
                    ("waltz", ("walzer", "laendler", "ländler")),
                    ("dance", ("tanz", "reigen", "polka")),
                    ("march", ("marsch",)),
                    ("hymn", ("geistlich", "religi", "kirche", "choral")))
TRIPLE_METERS = ("3/4", "3/8")


def condition_tokens() -> tuple[str, ...]:
    """Every conditioning token, field by field: ``REGION_irish``, ..., ``DENSITY_high``.

    Example: ``condition_tokens()[:2]`` -> ``("REGION_irish", "REGION_german")``
    """
    return tuple(token(field, value) for field in FIELDS for value in VALUES[field])


def token(field: str, value: str) -> str:
    """The token of one field's value, checked: ``token("type", "jig")`` -> ``"TYPE_jig"``.

    Example: ``token("mode", "minor")`` -> ``"MODE_minor"``
    """
    if field not in VALUES:
        raise ValueError(f"unknown field {field!r}; the fields are {', '.join(FIELDS)}")
    if value not in VALUES[field]:
        raise ValueError(f"{value!r} is not a {field}; use one of {', '.join(VALUES[field])}")
    return f"{field.upper()}_{value}"


def field_of(name: str) -> tuple[str, str]:
    """``(field, value)`` of a conditioning token: ``"METER_6/8"`` -> ``("meter", "6/8")``.

    Example: ``field_of("MODE_minor")`` -> ``("mode", "minor")``
    """
    prefix, _, value = name.partition("_")
    field = prefix.lower()
    if field not in VALUES or value not in VALUES[field]:
        raise ValueError(f"{name!r} is not a conditioning token; see condition_tokens()")
    return field, value


def conditioned_tokenizer(**settings) -> "PositionTokenizer":
    """The positions tokenizer of lessons 4-8 with every conditioning token added.

    The music tokens keep their ids (the conditions come at the end of the
    vocabulary), so the folk corpus's token files serve it too.
    Example: ``len(conditioned_tokenizer().vocab)`` -> ``263``
    """
    from helpers.tokenizers import PositionTokenizer

    return PositionTokenizer(conditions=condition_tokens(), **settings)


# --- the labels of one tune ----------------------------------------------------

def region_of(collection: str, country: str) -> str | None:
    """The region of a tune from its collection and (Essen) country, or None.

    Example: ``region_of("essen", "Luxemburg")`` -> ``"european"``
    """
    country = (country or "").strip().lower()
    if collection in ("oneills", "ryans") or country == "irland":
        return "irish"
    if country == "china":
        return "chinese"
    if country in GERMAN_SPEAKING:
        return "german"
    if country and country not in NOT_EUROPEAN:
        return "european"
    return None


def type_of(collection: str, type_text: str, meter: str = "") -> str | None:
    """The tune type of a corpus ``type`` column, normalised (see the module's docstring), or None.

    Example: ``type_of("essen", "Kinder - Lied, Reigen")`` -> ``"children"``
    """
    text = (type_text or "").strip().lower()
    if collection != "essen":
        return IRISH_TYPES.get(text)
    if not text:
        return None
    for kind, words in ESSEN_TYPE_RULES:
        if any(word in text for word in words):
            return "waltz" if kind == "dance" and meter in TRIPLE_METERS else kind
    return "song"


def meter_of(meter: str) -> str | None:
    """The meter if it has a token (:data:`METERS`), else None. Example: ``meter_of("6/8")`` -> ``"6/8"``"""
    return meter if meter in METERS else None


def key_of(collection: str, country: str, k_field: str, profile) -> str | None:
    """The key of a tune (one of :data:`helpers.keys.KEYS`): from its ``K:`` field, and for Essen its thirds.

    ``profile``: how long each pitch class sounds (:func:`helpers.keys.pitch_class_profile`).
    Example: ``key_of("oneills", "", "Ador", profile)`` -> ``"Am"``
    """
    if region_of(collection, country) == "chinese":
        return None
    try:
        tonic, mode = parse_abc_key(k_field)
    except ValueError:
        return None     # no K: field, or one that names no key
    if collection != "essen" or mode != "major":
        return mode_key(tonic, mode)    # the field says the mode
    minor_third, major_third = profile[(tonic + 3) % 12], profile[(tonic + 4) % 12]
    if minor_third == major_third == 0:
        return None     # no third: major or minor cannot be told
    return key_name(tonic, minor_third > major_third)


def density_of(n_notes: int, quarters: float) -> str:
    """``"low"``, ``"mid"`` or ``"high"``: notes per quarter note, cut at :data:`DENSITY_BOUNDS`.

    Example: ``density_of(64, 32.0)`` -> ``"high"`` (2 notes per quarter note)
    """
    if quarters <= 0:
        raise ValueError(f"a tune lasts more than 0 quarter notes, not {quarters}")
    per_quarter = n_notes / quarters
    low, high = DENSITY_BOUNDS
    return "low" if per_quarter < low else "mid" if per_quarter < high else "high"


def tune_labels(row, pitches, starts, ends, ticks_per_quarter: int = 480) -> dict:
    """What the corpus knows about one tune: its key, and the value of each field (None if unknown).

    ``row``: the tune's row of ``corpus_table()``; ``pitches``, ``starts``,
    ``ends``: its notes (times in ticks), as ``corpus.piece_arrays`` gives them.
    Example: ``tune_labels(row, *piece_arrays(row.id))`` -> ``{"key": "D", "region": "irish", "type": "jig", ...}``
    """
    profile = pitch_class_profile(zip(pitches, np.subtract(ends, starts)))
    key = key_of(row["collection"], row["country"], row["key"], profile)
    return {"key": key,
            "region": region_of(row["collection"], row["country"]),
            "type": type_of(row["collection"], row["type"], row["meter"]),
            "meter": meter_of(row["meter"]),
            "mode": None if key is None else "minor" if is_minor(key) else "major",
            "density": density_of(len(pitches), max(ends) / ticks_per_quarter)}


def condition_table(table: "pd.DataFrame | None" = None) -> "pd.DataFrame":
    """Every folk tune's key and fields: a DataFrame with ``id``, ``key`` and one column per field.

    A field the tune has no value for is ``""``. ``table``: rows of
    ``corpus_table()`` (default: all folk tunes).
    Example: ``condition_table()["type"].value_counts()``
    """
    import pandas as pd

    from helpers import corpus

    if table is None:
        table = corpus.corpus_table()
        table = table[table.collection.isin(FOLK)]
    arrays = corpus.corpus_arrays()   # once: piece_arrays() checks the cache at every call
    rows = []
    for row in table.to_dict("records"):
        i = arrays["index"][row["id"]]
        notes = slice(arrays["offsets"][i], arrays["offsets"][i + 1])
        labels = tune_labels(row, arrays["pitch"][notes], arrays["start"][notes], arrays["end"][notes])
        rows.append({"id": row["id"], **{name: value or "" for name, value in labels.items()}})
    return pd.DataFrame(rows, columns=["id", "key", *FIELDS])


def condition_counts(conditions) -> "pd.DataFrame":
    """How many tunes have each conditioning token: columns field, value, token, tunes.

    Every token is listed, those no tune has with 0.
    Example: ``condition_counts(condition_table())``
    """
    import pandas as pd

    rows = [{"field": field, "value": value, "token": token(field, value),
             "tunes": int((conditions[field] == value).sum())}
            for field in FIELDS for value in VALUES[field]]
    return pd.DataFrame(rows)


def tune_tokens(conditions, piece_id: str) -> list[str]:
    """The tokens of one tune's row in a :func:`condition_table`, in field order.

    Example: ``tune_tokens(conditions, "oneills/0001-0050/0018")`` -> ``["REGION_irish", ...]``
    """
    rows = conditions[conditions["id"] == piece_id]
    if rows.empty:
        raise KeyError(f"no tune {piece_id!r} in the condition table")
    row = rows.iloc[0]
    return [token(field, row[field]) for field in FIELDS if row[field]]


# --- training data ---------------------------------------------------------------

def drop_conditions(conditions: list, p: float, rng: random.Random) -> list:
    """A new list of ``conditions`` with each one left out with probability ``p``, order kept.

    Example: ``drop_conditions(["TYPE_jig", "MODE_major"], 0.5, random.Random(0))`` -> ``["MODE_major"]``
    """
    if not 0 <= p <= 1:
        raise ValueError(f"p is a probability from 0 to 1, not {p!r}")
    return [condition for condition in conditions if rng.random() >= p]


def repeat_conditions(ids: list[int], condition_ids: list[int], every: int = EVERY,
                      drop: float = 0.0, rng: random.Random | None = None) -> list[list[int]]:
    """Cut one encoded tune into pieces of at most ``every`` tokens, each starting with BOS and the conditions.

    ``ids``: the tune as the plain tokenizer encodes it (BOS ... EOS).
    ``condition_ids``: its conditioning tokens' ids. Each piece drops each
    condition with probability ``drop`` (drawn from ``rng``), independently.
    Example: ``repeat_conditions([1, 3, 8, 2], [250], every=4)`` -> ``[[1, 250, 3, 8], [1, 250, 2]]``
    """
    if not ids or ids[0] != BOS_ID:
        raise ValueError("ids must be one encoded tune, starting with BOS")
    body = every - 1 - len(condition_ids)
    if body < 1:
        raise ValueError(f"every={every} leaves no room for music after BOS and "
                         f"{len(condition_ids)} conditions")
    rng = rng or random.Random(0)
    music = ids[1:]
    return [[BOS_ID] + drop_conditions(condition_ids, drop, rng) + music[start:start + body]
            for start in range(0, len(music), body)]


def tonic_shift(key: str) -> int:
    """The semitones, from -6 to 5, that move the tonic of ``key`` to C.

    Example: ``tonic_shift("G")`` -> ``5``; ``tonic_shift("Dm")`` -> ``-2``
    """
    return (-key_tonic(key) + 6) % 12 - 6


def transpose_ids(tokenizer, ids: list[int], shift: int) -> list[int] | None:
    """The tune's ids ``shift`` semitones higher (NOTE_ON tokens only), or None if a note leaves the range.

    Example: ``transpose_ids(tok, tok.encode(tune), 2)`` -> the ids of the tune a tone higher
    """
    low, high = tokenizer.pitch_range
    base = tokenizer.note_on_base
    shifted = []
    for token_id in ids:
        if base + low <= token_id <= base + high:
            pitch = token_id - base + shift
            if not low <= pitch <= high:
                return None
            token_id = base + pitch
        shifted.append(token_id)
    return shifted


def to_tonic_c(tokenizer, ids: list[int], key: str) -> list[int]:
    """An encoded tune moved so that its tonic is C (an octave the other way if out of range).

    A tune whose key is unknown (``key=""``) stays as written.
    Example: ``to_tonic_c(tok, tok.encode(tune_in_d), "D")`` -> the tune in C
    """
    if not key:
        return ids
    shift = tonic_shift(key)
    for tried in (shift, shift + 12, shift - 12):
        moved = transpose_ids(tokenizer, ids, tried)
        if moved is not None:
            return moved
    return ids


def piece_starts(data, split: str) -> "torch.Tensor":
    """Where each sequence of a split begins in ``data.stream(split)``: the window starts for training.

    Example: ``train(model, data.stream("train"), ..., starts=piece_starts(data, "train"))``
    """
    import torch

    lengths = torch.tensor([len(sequence) for sequence in data.ids[split]], dtype=torch.long)
    return torch.cumsum(lengths, 0) - lengths


def conditioned_token_data(drop: float = DROP, every: int = EVERY, seed: int = 0,
                           limit: int | None = None) -> "TokenData":
    """The folk corpus with its conditions, as a :class:`helpers.token_data.TokenData`.

    The tunes and the split are those of ``folk_token_data`` (lessons 6-8).
    Each tune with a key is moved to the tonic C; its sequences are the
    pieces of :func:`repeat_conditions`. The training split drops conditions
    with probability ``drop``; validation and test keep them all.
    Example: ``data = conditioned_token_data(limit=100); windows = piece_starts(data, "train")``
    """
    from helpers.tokenizers import PositionTokenizer
    from helpers.token_data import SPLITS, TokenData, folk_token_data

    tokenizer = conditioned_tokenizer()
    plain = folk_token_data(PositionTokenizer(), limit=limit)
    labels = condition_table(_folk_rows(plain.pieces)).set_index("id")
    rng = random.Random(seed)
    ids = {}
    for split in SPLITS:
        if len(plain.ids[split]) != len(plain.pieces[split]):
            raise ValueError(f"the {split} split has {len(plain.pieces[split])} tunes but "
                             f"{len(plain.ids[split])} sequences: a tune without notes?")
        ids[split] = []
        for piece_id, tune in zip(plain.pieces[split], plain.ids[split]):
            row = labels.loc[piece_id]
            names = [token(field, row[field]) for field in FIELDS if row[field]]
            ids[split] += repeat_conditions(to_tonic_c(tokenizer, tune, row["key"]),
                                            tokenizer.condition_ids(names), every,
                                            drop if split == "train" else 0.0, rng)
    info = {**plain.info, "conditions": {"drop": drop, "every": every, "seed": seed, "tonic": "C"}}
    return TokenData(tokenizer, plain.pieces, ids, plain.notes, info)


def _folk_rows(pieces: dict):
    from helpers import corpus

    table = corpus.corpus_table()
    wanted = {piece_id for split in pieces.values() for piece_id in split}
    return table[table["id"].isin(wanted)]
