"""From a line of text to conditioning tokens, and on to music (lesson 9).

``parse_prompt("a fast Irish jig in D")`` finds the words it knows and turns
them into the conditioning tokens of :mod:`helpers.conditioning`, and a tonic::

    understood: fast -> DENSITY_high, Irish -> REGION_irish, jig -> TYPE_jig,
                in D -> MODE_major + tonic D
    ignored:    a

The model writes every tune with the tonic C (it was trained that way), so a
requested tonic is applied by moving the finished piece (:func:`prompt_pieces`).

It never does nothing in silence: every word is either understood (and shown
with its token) or listed as ignored, an unknown word gets a message saying
what the prompt knows, and contradictions are problems that stop generation
with a clear message: two values for one field ("in D ... in E", "jig or
reel", "fast but slow") or a type with a meter its tunes never have ("a jig
in 3/4": the corpus's jigs are in 6/8 or 9/8). A combination the corpus does
not hold (a German reel) is allowed, with a warning.

:func:`generate_from_prompt` parses, shows what it understood, and calls
:func:`prompt_pieces` with the tokens and the usual settings: ``n_tokens``,
``n_pieces`` (a batch), ``temperature``, ``top_k``, ``top_p`` and ``seed``,
plus ``guidance`` (classifier-free guidance, :data:`GUIDANCE` by default);
the pieces are moved to the requested tonic.
"""

import re
from dataclasses import dataclass, field

from helpers.conditioning import FIELDS, field_of, tonic_shift, token
from helpers.keys import MODE_DEGREES, is_minor, key_tonic, mode_key, pitch_class

# word (lower case) -> the (field, value) pairs it means
WORDS = {
    "irish": [("region", "irish")], "ireland": [("region", "irish")],
    "german": [("region", "german")], "germany": [("region", "german")],
    "austrian": [("region", "german")], "swiss": [("region", "german")],
    "european": [("region", "european")], "europe": [("region", "european")],
    "luxembourgish": [("region", "european")], "dutch": [("region", "european")],
    "chinese": [("region", "chinese")], "china": [("region", "chinese")],
    "jig": [("type", "jig")], "slip jig": [("type", "slipjig")], "slipjig": [("type", "slipjig")],
    "reel": [("type", "reel")], "hornpipe": [("type", "hornpipe")], "clog": [("type", "hornpipe")],
    "strathspey": [("type", "strathspey")], "fling": [("type", "strathspey")],
    "march": [("type", "march")], "air": [("type", "air")], "waltz": [("type", "waltz")],
    "laendler": [("type", "waltz")], "ländler": [("type", "waltz")],
    "dance": [("type", "dance")], "polka": [("type", "dance"), ("meter", "2/4")],
    "children's song": [("type", "children")], "nursery rhyme": [("type", "children")],
    "lullaby": [("type", "children")], "hymn": [("type", "hymn")], "chorale": [("type", "hymn")],
    "religious": [("type", "hymn")], "sacred": [("type", "hymn")],
    "song": [("type", "song")], "ballad": [("type", "song")], "love song": [("type", "song")],
    "fast": [("density", "high")], "quick": [("density", "high")], "lively": [("density", "high")],
    "busy": [("density", "high")], "brisk": [("density", "high")],
    "moderate": [("density", "mid")], "medium": [("density", "mid")],
    "slow": [("density", "low")], "calm": [("density", "low")], "gentle": [("density", "low")],
    "sparse": [("density", "low")],
    "major": [("mode", "major")], "minor": [("mode", "minor")],
    "common time": [("meter", "4/4")], "cut time": [("meter", "2/2")],
    "waltz time": [("meter", "3/4")],
}
# what a word means when it is not literally a token (shown next to it)
NOTES = {"polka": "the corpus has no polkas: a dance song in 2/4",
         "fast": "many notes per beat (the corpus has no tempo marks)",
         "slow": "few notes per beat (the corpus has no tempo marks)"}
# known words with no token: the message says what comes closest
NO_TOKEN = {"scottish": "Scottish tunes are in Ryan's collection, under REGION_irish",
            "english": "the corpus has no English region", "french": "the corpus has no French region",
            "american": "the corpus has no American region",
            "happy": "the prompt knows no moods: try a key ('in D' or 'in A minor') or a speed",
            "sad": "the prompt knows no moods: try a minor key ('in A minor') or 'slow'"}
FILLER = {"a", "an", "the", "in", "of", "and", "with", "some", "tune", "tunes", "piece", "melody",
          "music", "please", "write", "play", "make", "me", "one", "folk", "traditional", "style",
          "like", "for", "to", "key", "time", "generate", "compose", "old", "little", "nice"}
# the meters of each dance type's tunes (each held by at least 2 % of them; tests check the corpus)
TYPE_METERS = {"jig": ("6/8", "9/8"), "slipjig": ("9/8",), "reel": ("2/2", "2/4"),
               "hornpipe": ("2/2", "2/4", "4/4"), "strathspey": ("4/4", "2/4", "2/2"),
               "march": ("6/8", "4/4", "2/4", "2/2"), "waltz": ("3/4", "3/8")}
# the regions of each type's tunes (at least 2 % of them); a type not listed is everywhere
TYPE_REGIONS = {"jig": ("irish",), "slipjig": ("irish",), "reel": ("irish",),
                "hornpipe": ("irish",), "strathspey": ("irish",), "march": ("irish", "german"),
                "air": ("irish",), "children": ("german", "european"), "hymn": ("german", "european"),
                "waltz": ("german", "european", "irish"), "dance": ("german", "european", "chinese")}
PLURALS = {"waltz": "waltzes", "march": "marches", "slipjig": "slip jigs",
           "children": "children's songs"}
MODE_WORDS = {"major": "major", "maj": "major", "minor": "minor", "min": "minor", "m": "minor",
              **{mode: mode for mode in MODE_DEGREES}}
NOTE = r"[A-Ga-g](?:#|♯|b|♭|\s+sharp|\s+flat|-sharp|-flat)?"
MODE = r"(?:\s*(major|minor|maj|min|m|" + "|".join(MODE_DEGREES) + r"))?"
KEY_PATTERN = re.compile(r"\b(?:in(?:\s+the\s+key\s+of)?|key\s+of)\s+(" + NOTE + r")" + MODE
                         + r"(?![\w#♯♭])|\b((?-i:[A-G])(?:#|♯|b|♭)?)\s+(major|minor)\b", re.IGNORECASE)
METER_PATTERN = re.compile(r"\b(\d{1,2})\s*/\s*(\d{1,2})\b")
# classifier-free guidance of prompt_pieces (1 = none): chosen with benchmarks/obedience.py
GUIDANCE = 1.5


@dataclass
class Prompt:
    """What :func:`parse_prompt` made of a text."""

    text: str
    conditions: list = field(default_factory=list)   # tokens, in FIELDS order
    key: str | None = None                           # the requested key, e.g. "D" (its tonic moves the piece)
    understood: list = field(default_factory=list)   # (words, [tokens], note) in text order
    ignored: list = field(default_factory=list)      # words not understood
    messages: list = field(default_factory=list)     # unknown words and warnings
    problems: list = field(default_factory=list)     # contradictions: nothing can be generated

    @property
    def ok(self) -> bool:
        """True when nothing contradicts: the conditions can be used."""
        return not self.problems

    def explain(self) -> str:
        """What was understood, ignored, warned about and refused, one item per line.

        Example: ``print(parse_prompt("slow waltz in A minor").explain())``
        """
        lines = [f"prompt: {self.text!r}"]
        for words, names, note in self.understood:
            lines.append(f"  understood: {words!r} -> {', '.join(names)}" + (f": {note}" if note else ""))
        if not self.understood:
            lines.append("  understood: nothing: the model writes an unprompted tune")
        if self.ignored:
            lines.append(f"  ignored:    {', '.join(repr(w) for w in self.ignored)}")
        lines += [f"  note:       {m}" for m in self.messages]
        lines += [f"  PROBLEM:    {p}" for p in self.problems]
        lines.append(f"  conditions: {self.conditions if self.ok else 'none (fix the problems first)'}"
                     + (f", tonic {self.key.removesuffix('m')}" if self.ok and self.key else ""))
        return "\n".join(lines)

    def __str__(self):
        return self.explain()


def parse_prompt(text: str) -> Prompt:
    """Turn a free-text prompt into conditioning tokens, saying what it understood and ignored.

    Example: ``parse_prompt("a fast Irish jig in D").conditions`` -> ``["REGION_irish", "TYPE_jig", "MODE_major", "DENSITY_high"]``
    """
    if not isinstance(text, str):
        raise TypeError(f"a prompt is text (str), not {type(text).__name__}")
    prompt = Prompt(text)
    found = []   # (position, words, [(field, value), ...], note)
    rest = _take_keys(text, found)
    rest = _take_meters(rest, found)
    rest = _take_phrases(rest, found)
    _take_words(rest, found, prompt)
    found.sort(key=lambda item: item[0])
    chosen = {}   # field -> (the words that chose it, its value)
    for _, words, pairs, note in found:
        prompt.understood.append((words, [_shown(f, v) for f, v in pairs], note))
        for field_name, value in _with_modes(pairs):
            if field_name in chosen and chosen[field_name][1] != value:
                prompt.problems.append(f"{chosen[field_name][0]!r} and {words!r} ask for two "
                                       f"different {field_name} values ({chosen[field_name][1]} "
                                       f"and {value}): keep one")
            chosen.setdefault(field_name, (words, value))
    values = {name: value for name, (_, value) in chosen.items()}
    _check_combinations(values, chosen, prompt)
    if prompt.ok:
        prompt.conditions = [token(f, values[f]) for f in FIELDS if f in values]
        prompt.key = values.get("key")
    return prompt


def _with_modes(pairs):
    """The (field, value) pairs, each key followed by the mode it implies."""
    for field_name, value in pairs:
        yield field_name, value
        if field_name == "key":
            yield "mode", "minor" if is_minor(value) else "major"


def _shown(field_name: str, value: str) -> str:
    """How a (field, value) pair is shown: its token, or for a key its mode token and tonic."""
    if field_name != "key":
        return token(field_name, value)
    mode = token("mode", "minor" if is_minor(value) else "major")
    return f"{mode} + tonic {value.removesuffix('m')}"


def key_from_words(note: str, mode: str = "") -> str:
    """The key named by a tonic and a mode in words, one of :data:`helpers.keys.KEYS`.

    ``note``: a letter A-G in either case, then ``#``, ``b``, `` sharp`` or
    `` flat`` if any; ``mode``: ``""`` or ``"major"``, ``"minor"`` (or ``"m"``),
    or a church mode, folded into major or minor by its third (dorian,
    phrygian, aeolian, locrian: minor; ionian, lydian, mixolydian: major).
    The name is spelled as in :data:`helpers.keys.KEYS` ("C#" major is "Db").
    Example: ``key_from_words("e", "dorian")`` -> ``"Em"``
    """
    if mode not in MODE_WORDS and mode != "":
        raise ValueError(f"unknown mode {mode!r}; use major, minor or a church mode "
                         f"({', '.join(MODE_DEGREES)})")
    return mode_key(pitch_class(note), MODE_WORDS[mode or "major"])


def _blank(text: str, match) -> str:
    """``text`` with the matched span replaced by spaces (positions stay the same)."""
    return text[:match.start()] + " " * (match.end() - match.start()) + text[match.end():]


def _take_keys(text, found):
    for match in list(KEY_PATTERN.finditer(text)):
        note, mode = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
        after = text[match.end():].strip()
        if note == "a" and not mode and after and not after.startswith((",", ".", ";", "!")):
            continue   # "in a fast tune": the article, not the key of A
        value = key_from_words(note.replace("♯", "#").replace("♭", "b"), (mode or "").lower())
        mode_name = MODE_WORDS[(mode or "major").lower()]
        note_text = "" if mode_name in ("major", "minor") else \
            f"{mode_name} counts as {'minor' if value.endswith('m') else 'major'} (its third)"
        found.append((match.start(), match.group(0).strip(), [("key", value)], note_text))
        text = _blank(text, match)
    return text


def _take_meters(text, found):
    from helpers.conditioning import METERS

    for match in list(METER_PATTERN.finditer(text)):
        meter = f"{int(match.group(1))}/{int(match.group(2))}"
        if meter in METERS:
            found.append((match.start(), match.group(0), [("meter", meter)], ""))
            text = _blank(text, match)
    return text


def _take_phrases(text, found):
    """Words of :data:`WORDS` and :data:`NO_TOKEN`, longest phrases first (``slip jig`` before ``jig``)."""
    lower = text.lower()
    for phrase in sorted(WORDS, key=len, reverse=True):
        for match in list(re.finditer(rf"(?<![\w']){re.escape(phrase)}(?:s|es)?(?![\w'])", lower)):
            found.append((match.start(), text[match.start():match.end()], WORDS[phrase],
                          NOTES.get(phrase, "")))
            text, lower = _blank(text, match), _blank(lower, match)
    return text


def _take_words(text, found, prompt):
    for match in re.finditer(r"[^\s,.;:!?()\"]+", text):
        word = match.group(0)
        prompt.ignored.append(word)
        lower = word.lower().strip("'")
        if lower in NO_TOKEN:
            prompt.messages.append(f"{word!r}: {NO_TOKEN[lower]}")
        elif lower not in FILLER:
            prompt.messages.append(f"{word!r} is not a word the prompt knows; it knows regions "
                                   "(Irish, German, European, Chinese), types (jig, reel, hornpipe, "
                                   "waltz, air, song, ...), meters ('6/8'), keys ('in D', 'in A "
                                   "minor') and speeds (fast, moderate, slow)")


def _check_combinations(values, chosen, prompt):
    kind, meter, region = values.get("type"), values.get("meter"), values.get("region")
    if kind in TYPE_METERS and meter and meter not in TYPE_METERS[kind]:
        prompt.problems.append(f"{chosen['type'][0]!r} and {chosen['meter'][0]!r} do not go "
                               f"together: the corpus's {PLURALS.get(kind, kind + 's')} are in "
                               f"{' or '.join(TYPE_METERS[kind])}")
    if kind in TYPE_REGIONS and region and region not in TYPE_REGIONS[kind]:
        prompt.messages.append(f"the corpus has no {region} {PLURALS.get(kind, kind + 's')}: the "
                               "model has never seen "
                               "the two together, so expect it to follow one more than the other")


def prompt_pieces(model, tokenizer, prompt: Prompt, n_tokens: int = 256, *, n_pieces: int = 1,
                  temperature: float = 1.0, top_k: int | None = None, top_p: float | None = None,
                  seed: int | None = 0, write_meter: bool = True,
                  guidance: float = GUIDANCE) -> list:
    """Pieces that follow ``prompt``: its conditions after BOS, its meter written, its tonic applied.

    * The conditions open the sequence and stay in view past the context
      (``keep_prefix``), as in :func:`helpers.generate.generate`.
    * ``write_meter``: when the prompt names a meter, the piece starts with
      ``BAR TIMESIG_<meter>``, the tokens that *are* the meter in this
      representation, instead of leaving the model to choose them after
      ``METER_<meter>`` (``benchmarks/obedience.py`` measures both).
    * The model writes with the tonic C; a requested tonic moves each piece
      by the smallest shift (at most 6 semitones down or 5 up).
    * ``guidance`` (:data:`GUIDANCE` by default; 1 = none): classifier-free
      guidance (:func:`helpers.sampling.sample`), the model's logits pushed
      away from those of the same piece written with no conditions (a
      prompt with no conditions has nothing to push with, and is not guided).

    Sampling follows the tokenizer's grammar; the settings are those of
    :func:`helpers.sampling.sample`.
    Example: ``prompt_pieces(model, tokenizer, parse_prompt("a reel in D"), 256, n_pieces=4, seed=0)``
    """
    from helpers.music import transpose
    from helpers.sampling import sample
    from helpers.tokenizers import BOS_ID, EOS_ID
    from helpers.tokenizers.grammar import grammar_for

    if not prompt.ok:
        raise ValueError(f"the prompt {prompt.text!r} contradicts itself: " + "; ".join(prompt.problems))
    head = [BOS_ID] + tokenizer.condition_ids(prompt.conditions)
    meter = dict(field_of(name) for name in prompt.conditions).get("meter")
    written = tokenizer.vocab.ids(["BAR", f"TIMESIG_{meter}"]) if meter and write_meter else []
    new = sample(model, head + written, max(n_tokens - len(written), 1), temperature=temperature,
                 top_k=top_k, top_p=top_p, n_pieces=n_pieces, seed=seed, eos_id=EOS_ID,
                 allowed=grammar_for(tokenizer), keep_prefix=len(head),
                 guidance=applied_guidance(prompt, guidance), unprompted=[BOS_ID] + written)
    pieces = [tokenizer.decode(head + written + ids) for ids in new]
    if prompt.key:
        pieces = [transpose(piece, -tonic_shift(prompt.key)) for piece in pieces]
    return pieces


def applied_guidance(prompt: Prompt, guidance: float = GUIDANCE) -> float:
    """The guidance :func:`prompt_pieces` really uses: ``guidance``, or 1 (none) for a prompt without conditions.

    Example: ``applied_guidance(parse_prompt("a jig"))`` -> ``1.5``; ``applied_guidance(parse_prompt(""))`` -> ``1.0``
    """
    return guidance if prompt.conditions else 1.0


def generate_from_prompt(model, tokenizer, text: str, n_tokens: int = 256, *, n_pieces: int = 1,
                         temperature: float = 1.0, top_k: int | None = None,
                         top_p: float | None = None, seed: int | None = 0,
                         guidance: float = GUIDANCE, show: bool = True) -> tuple[Prompt, list]:
    """Parse ``text``, show what was understood, and generate ``n_pieces`` pieces that follow it.

    A prompt with problems (contradictions) raises ValueError listing them.
    Returns ``(prompt, pieces)``; the pieces are :func:`prompt_pieces`'s.
    Example: ``prompt, pieces = generate_from_prompt(model, tokenizer, "a slow air in E minor", n_pieces=4)``
    """
    prompt = parse_prompt(text)
    if show:
        print(prompt.explain())
    pieces = prompt_pieces(model, tokenizer, prompt, n_tokens, n_pieces=n_pieces,
                           temperature=temperature, top_k=top_k, top_p=top_p, seed=seed,
                           guidance=guidance)
    return prompt, pieces


def describe_conditions(conditions: list[str]) -> str:
    """The conditions in words, for titles: ``["TYPE_jig", "MODE_minor"]`` -> ``"jig, minor"``.

    Example: ``describe_conditions(["REGION_irish", "METER_6/8"])`` -> ``"irish, 6/8"``
    """
    return ", ".join(field_of(name)[1] for name in conditions) or "unprompted"
