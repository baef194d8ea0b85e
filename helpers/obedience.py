"""Does the music do what the prompt asked? Measured, not assumed (lesson 9).

For each generated piece we read back what it *is*, with the same rules for
real tunes and generated ones (:func:`describe_piece`):

* **meter**: its time signature (the model writes it as the TIMESIG token);
* **key**: the Krumhansl-Schmuckler key finder of :mod:`helpers.keys`;
* **density**: notes per quarter note, in the buckets of :mod:`helpers.conditioning`;
* **type**: a type cannot be read off a piece, but its typical features can:
  :func:`type_features` takes, for each type, the meters and density buckets
  that at least :data:`TYPICAL_SHARE` of the corpus's tunes of that type have,
  and a piece "has the type's features" when its meter and density are among them.

:func:`obedience` compares what was asked with what came out, for pieces
generated with the prompt's conditions and for pieces of the same model with
no conditions at all (the baseline: how often the request is met by chance).
:func:`confusion` and :func:`plot_confusion` show which requests turn into
which results.
"""

from helpers.conditioning import density_of, field_of
from helpers.keys import find_key, is_minor
from helpers.prompt import GUIDANCE

TYPICAL_SHARE = 0.15    # a meter or density held by this share of a type's tunes is typical of it
# The fixed prompts of the lesson and of benchmarks/obedience.py: every field, common and rare keys.
# (Make the prompts with helpers.prompt.parse_prompt.)
PROMPTS = ("a fast Irish jig in D", "an Irish reel in G, 2/2", "a hornpipe in A", "a slip jig in E minor",
           "a slow air in G minor, 3/4", "a German song in F, 2/4", "a waltz in C", "a children's song in B flat",
           "a hymn in E flat, 4/4", "a Chinese song in 2/4", "a song in F sharp minor, 6/8",
           "a march in D, 6/8")


def piece_meter(piece) -> str | None:
    """The piece's first time signature as ``"6/8"``, or None if it has none.

    Example: ``piece_meter(load_piece("oneills/0001-0050/0018"))`` -> ``"6/8"``
    """
    signatures = sorted(piece.time_signatures, key=lambda ts: ts.time)
    if not signatures:
        return None
    return f"{signatures[0].numerator}/{signatures[0].denominator}"


def piece_density(piece) -> str | None:
    """The density bucket of a piece (notes per quarter note), or None if it has no notes.

    Example: ``piece_density(tune)`` -> ``"high"``
    """
    from helpers.music import TempoMap

    notes = [n for n in piece.notes if not n.is_drum]
    if not notes:
        return None
    quarters = TempoMap(piece).beats(max(n.end_time for n in notes))
    return density_of(len(notes), quarters)


def describe_piece(piece, profiles: str = "krumhansl") -> dict:
    """What a piece is, field by field: ``{"meter": "6/8", "key": "D", "mode": "major", "density": "high"}``.

    A field that cannot be read (no notes, no time signature) is None.
    Example: ``describe_piece(load_piece("oneills/0001-0050/0018"))`` -> ``{"meter": "6/8", "key": "G", "mode": "major", "density": "high"}``
    """
    key = find_key(piece, profiles) if any(not n.is_drum for n in piece.notes) else None
    return {"meter": piece_meter(piece), "key": key,
            "mode": None if key is None else "minor" if is_minor(key) else "major",
            "density": piece_density(piece)}


def type_features(conditions, share: float = TYPICAL_SHARE) -> dict:
    """For each type, the meters and densities typical of it: ``{"jig": ({"6/8"}, {"high", "mid"}), ...}``.

    ``conditions``: a :func:`helpers.conditioning.condition_table`. A value is
    typical when at least ``share`` of the type's tunes have it.
    Example: ``type_features(condition_table())["reel"]`` -> ``({"2/2", "2/4"}, {"high", "mid"})``
    """
    features = {}
    for kind, tunes in conditions[conditions["type"] != ""].groupby("type"):
        meters = tunes["meter"][tunes["meter"] != ""].value_counts(normalize=True)
        densities = tunes["density"].value_counts(normalize=True)
        features[kind] = (set(meters[meters >= share].index), set(densities[densities >= share].index))
    return features


def asked_fields(prompt) -> dict:
    """What a :class:`helpers.prompt.Prompt` asks for, field by field, its key included.

    Example: ``asked_fields(parse_prompt("a jig in D"))`` -> ``{"type": "jig", "mode": "major", "key": "D"}``
    """
    asked = dict(field_of(name) for name in prompt.conditions)
    if prompt.key:
        asked["key"] = prompt.key
    return asked


def matches(asked: dict, found: dict, features: dict) -> dict:
    """For each field asked for, whether the piece has it (type: its typical features).

    The mode counts only when no key is asked (the key includes it). A meter
    asked for counts as typical of the type asked with it ("a song in 6/8":
    the request, not the corpus's songs, decides the meter).

    ``asked``: :func:`asked_fields`; ``found``: :func:`describe_piece`'s dict.
    Example: ``matches({"meter": "6/8", "key": "D"}, {"meter": "6/8", "key": "G", "density": "high"}, features)`` -> ``{"meter": True, "key": False}``
    """
    result = {}
    for field, value in asked.items():
        if field == "mode" and "key" in asked:
            continue
        if field == "type":
            meters, densities = features.get(value, (set(), set()))
            meters = meters | {asked["meter"]} if "meter" in asked else meters
            result["type"] = found["meter"] in meters and found["density"] in densities
        elif field in found:
            result[field] = found[field] == value
    return result


def obedience(model, tokenizer, prompts: dict, features: dict, n_pieces: int = 8,
              n_tokens: int = 256, seed: int = 0, temperature: float = 1.0,
              profiles: str = "krumhansl", unprompted: bool = True, write_meter: bool = True,
              guidance: float = GUIDANCE):
    """Generate for each prompt, with and without its conditions, and check what came out.

    ``prompts``: ``{name: Prompt}``, e.g. ``{text: parse_prompt(text) for text
    in PROMPTS}``. Returns a DataFrame with one row per piece: prompt,
    ``prompted`` (True/False), the ``piece`` (to plot or play), what was
    asked and found per field (``asked_key``, ``found_key``, ...) and whether
    it matched (``key_ok``, ...; empty where the prompt does not ask). The
    unprompted pieces are one batch of ``n_pieces`` per prompt, written with
    no conditions and not moved, and compared with every prompt's request:
    the chance level. ``write_meter=False`` leaves the meter to the model;
    ``guidance`` is the classifier-free guidance of
    :func:`helpers.prompt.prompt_pieces`.
    Example: ``table = obedience(model, tokenizer, {"jig in D": parse_prompt("a jig in D")}, features)``
    """
    import pandas as pd

    from helpers.generate import generate
    from helpers.prompt import prompt_pieces

    rows = []
    free = generate(model, tokenizer, n_tokens, n_pieces=n_pieces * len(prompts),
                    temperature=temperature, seed=seed + 1) if unprompted else []
    free_found = [describe_piece(piece, profiles) for piece in free]
    for name, prompt in prompts.items():
        asked = asked_fields(prompt)
        pieces = prompt_pieces(model, tokenizer, prompt, n_tokens, n_pieces=n_pieces,
                               temperature=temperature, seed=seed, write_meter=write_meter,
                               guidance=guidance)
        for piece in pieces:
            rows.append(_row(name, True, asked, describe_piece(piece, profiles), features, piece))
        for piece, found in zip(free, free_found):
            rows.append(_row(name, False, asked, found, features, piece))
    return pd.DataFrame(rows)


def _row(name, prompted, asked, found, features, piece):
    row = {"prompt": name, "prompted": prompted, "piece": piece}
    for field in ("region", "type", "meter", "key", "mode", "density"):
        row[f"asked_{field}"] = asked.get(field, "")
        row[f"found_{field}"] = found.get(field) or ""
    for field, ok in matches(asked, found, features).items():
        row[f"{field}_ok"] = ok
    return row


def obedience_summary(table) -> "pd.DataFrame":
    """The share of pieces that did what was asked, per field, prompted vs unprompted.

    Example: ``obedience_summary(obedience(model, tokenizer, prompts, features))``
    """
    columns = [c for c in table.columns if c.endswith("_ok")]
    summary = table.groupby("prompted")[columns].mean().T.astype(float)
    summary.index = [c[:-3] for c in columns]
    summary.columns = ["unprompted" if not c else "prompted" for c in summary.columns]
    return summary[[c for c in ("prompted", "unprompted") if c in summary.columns]].round(3)


def confusion_counts(asked: list, found: list, labels: list) -> "np.ndarray":
    """How often each request gave each result, as counts.

    Cell ``[i, j]`` counts the pieces asked ``labels[i]`` that came out ``labels[j]``. Pairs with a value outside ``labels`` are not counted. Returns a
    ``len(labels)`` x ``len(labels)`` numpy array of ints.
    Example: ``confusion_counts(["6/8", "6/8"], ["6/8", "2/4"], ["2/4", "6/8"])`` -> ``[[0, 0], [1, 1]]``
    """
    import numpy as np

    if len(asked) != len(found):
        raise ValueError(f"asked and found must have one entry per piece; got {len(asked)} and {len(found)}")
    index = {label: i for i, label in enumerate(labels)}
    counts = np.zeros((len(labels), len(labels)), dtype=int)
    for a, f in zip(asked, found):
        if a in index and f in index:
            counts[index[a], index[f]] += 1
    return counts


def confusion(asked, found, labels: list | None = None) -> "pd.DataFrame":
    """:func:`confusion_counts` as a table: rows what was asked, columns what came out.

    ``labels`` fixes the order (default: every value seen, sorted).
    Example: ``confusion(table.asked_meter, table.found_meter, ["2/4", "3/4", "6/8"])``
    """
    import pandas as pd

    asked, found = list(asked), list(found)
    labels = list(labels or sorted(set(asked) | set(found)))
    return pd.DataFrame(confusion_counts(asked, found, labels), index=pd.Index(labels, name="asked"),
                        columns=pd.Index(labels, name="found"))


def plot_confusion(matrix, ax=None, *, title: str | None = None, normalize: bool = True):
    """Draw a :func:`confusion` matrix; rows are requests, columns results. Returns ``(fig, ax)``.

    ``normalize``: colour each row by its shares (each request's pieces sum to
    1), and write the counts in the cells.
    Example: ``fig, ax = plot_confusion(confusion(table.asked_meter, table.found_meter))``
    """
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(1 + 0.45 * matrix.shape[1], 1 + 0.4 * matrix.shape[0]),
                               layout="constrained")
    else:
        fig = ax.figure
    counts = matrix.to_numpy()
    totals = counts.sum(axis=1, keepdims=True)
    shown = counts / totals.clip(min=1) if normalize else counts
    ax.imshow(shown, cmap="Blues", vmin=0, aspect="auto")
    for i in range(counts.shape[0]):
        for j in range(counts.shape[1]):
            if counts[i, j]:
                dark = shown[i, j] > 0.6 * shown.max()
                ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=8,
                        color="white" if dark else "black")
    ax.set_xticks(range(counts.shape[1]), [str(c) for c in matrix.columns], rotation=90)
    ax.set_yticks(range(counts.shape[0]), [str(r) for r in matrix.index])
    ax.set_xlabel(f"found in the piece ({matrix.columns.name or 'found'})")
    ax.set_ylabel(f"asked ({matrix.index.name or 'asked'})")
    if title:
        ax.set_title(title)
    return fig, ax


def real_tune_accuracy(conditions, ids: list[str], profiles: str = "krumhansl") -> dict:
    """How often :func:`describe_piece` agrees with the corpus's own labels, on real tunes.

    The ceiling for obedience: a model that wrote tunes exactly like the
    corpus's would score about this. Returns the share per field.
    Example: ``real_tune_accuracy(condition_table(), folk_split()["valid"])`` -> ``{"meter": 1.0, "key": 0.74, ...}``
    """
    from helpers.corpus import load_pieces

    labels = conditions.set_index("id")
    hits = {field: [] for field in ("meter", "key", "density")}
    for piece_id, piece in zip(ids, load_pieces(ids)):
        found = describe_piece(piece, profiles)
        for field in hits:
            if labels.at[piece_id, field]:
                hits[field].append(found[field] == labels.at[piece_id, field])
    return {field: sum(h) / len(h) if h else float("nan") for field, h in hits.items()}

