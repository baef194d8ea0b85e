"""ABC files: their tunes, header fields, and the metadata row of each tune.

An ABC file holds tunes one after another; each starts with an ``X:`` line
and its header runs to the first ``K:`` (key) line. The header's fields give
the table's columns: ``T:`` title, ``O:`` origin (region), ``R:`` rhythm
(song or dance type), ``M:`` meter, ``K:`` key, ``B:`` book.
"""

import re
from pathlib import Path


def split_tunes(text: str) -> list[str]:
    """Split the text of an ABC file into tunes, one per ``X:`` line.

    Example: ``len(split_tunes("X:1\\nK:G\\nG|\\nX:2\\nK:D\\nd|\\n"))`` -> ``2``
    """
    parts = re.split(r"(?m)^(?=X:)", text)
    return [part for part in parts if part.startswith("X:")]


def header_fields(tune: str) -> dict[str, str]:
    """The header fields of one ABC tune, each cleaned by :func:`clean_field`.

    The header runs from ``X:`` to the first ``K:`` line; when a field appears
    twice (a subtitle ``T:``), the first one counts.
    Example: ``header_fields("X:1\\nT:Acacia -- Reel\\nK:G\\nGABc|")`` -> ``{"X": "1", "T": "Acacia -- Reel", "K": "G"}``
    """
    fields = {}
    for line in tune.splitlines():
        match = re.match(r"([A-Za-z]):(.*)", line)
        if match:
            fields.setdefault(match.group(1), clean_field(match.group(2)))
            if match.group(1) == "K":
                break
    return fields


def clean_field(value: str) -> str:
    """Strip a field's spaces, its ``%`` comment and the stray ``]`` of the Essen files.

    Example: ``clean_field(" China, Shaanxi]")`` -> ``"China, Shaanxi"``
    """
    value = value.split("%")[0].strip()
    return value.rstrip("]").strip()


def clean_meter(value: str) -> str:
    """A meter as a fraction: ``C`` is ``4/4``, ``C|`` is ``2/2``, ``none`` (free meter) is ``""``.

    Example: ``clean_meter("C|")`` -> ``"2/2"``
    """
    if value.startswith("C|"):
        return "2/2"
    if value.startswith("C"):
        return "4/4"
    match = re.search(r"\d+/\d+", value)
    return match.group(0) if match else ""


MODE_NAMES = {"": "", "m": "m", "min": "m", "minor": "m", "maj": "", "major": "", "ion": ""}


def clean_key(value: str) -> str:
    """An ABC key in one spelling: ``"D"``, ``"Am"``, ``"Ador"``, ``"Gmix"``.

    The files write the same key several ways (``Amin``, ``AMix``, ``A Mix``).
    Example: ``clean_key("A Mix")`` -> ``"Amix"``
    """
    match = re.match(r"([A-G][#b]?)\s*([A-Za-z]*)", value)
    if not match:
        return value
    tonic, mode = match.group(1), match.group(2).lower()
    return tonic + MODE_NAMES.get(mode, mode[:3])


CONTINENTS = {"europa", "mitteleuropa", "osteuropa", "suedosteuropa", "nordeuropa",
              "suedeuropa", "westeuropa", "asien", "ostasien", "amerika", "mittelamerika",
              "nord - amerika", "sued - amerika"}


def country_of(region: str) -> str:
    """The country of an Essen region: the first part that is not a continent.

    ``"Europa, Mitteleuropa, Deutschland (BRD)"`` -> ``"Deutschland"``.
    Example: ``country_of("China, Shaanxi, Zizhou")`` -> ``"China"``
    """
    for part in region.split(","):
        part = re.split(r"[;/(]", part)[0].strip()
        if part and part.lower() not in CONTINENTS:
            return part
    return ""


TYPE_SYNONYMS = {"slipjig": "slip jig", "fling": "highland fling", "walk around": "walkaround"}
DANCE_TYPES = ("slip jig", "highland fling", "double jig", "hornpipe", "strathspey", "reel",
               "jig", "clog", "walkaround", "waltz", "polka", "march", "essence")


def normalise_type(text: str) -> str:
    """A dance type in one spelling: ``"Reel"``, ``" reel."`` and ``"slipjig"`` become one word each.

    Example: ``normalise_type(" slipjig")`` -> ``"slip jig"``
    """
    text = re.sub(r"[^a-z]+", " ", text.lower()).strip()
    return TYPE_SYNONYMS.get(text, text)


def type_from_title(title: str) -> str:
    """The dance type named in a title (Ryan's titles name it; ``""`` when none does).

    Example: ``type_from_title("CAMP MEETING -- JIG.")`` -> ``"jig"``
    """
    text = normalise_type(title)
    for words, synonym in TYPE_SYNONYMS.items():
        text = text.replace(words, synonym)
    for dance in DANCE_TYPES:
        if re.search(rf"\b{dance}\b", text):
            return dance
    return ""


# The sections of O'Neill's Music of Ireland (1903) by tune number. More than
# half of the tunes have no R: field; their type is their section's.
ONEILLS_SECTIONS = [
    (700, "air"),  # 1-625 airs and songs, 626-700 O'Carolan's tunes
    (1115, "double jig"),
    (1175, "slip jig"),
    (1555, "reel"),
    (1800, "hornpipe"),  # 1556-1700 hornpipes; 1701-1800 long dances, marked "hornpipe" where R: is given
    (1850, "march"),
]


def oneills_section(number: int) -> str:
    """The type of O'Neill's tune ``number`` from its section of the book.

    Example: ``oneills_section(1200)`` -> ``"reel"``
    """
    for last, kind in ONEILLS_SECTIONS:
        if number <= last:
            return kind
    return ""


def tune_type(collection: str, fields: dict, number: int) -> str:
    """The ``type`` column: the song or dance type of one tune.

    * Essen: the ``R:`` field as written, a free description: German for the
      European songs (``"Liebes - Lied"``, ``"Romanze, Ballade, Lied"``), the
      genre for the Chinese ones (``"Xiaodiao"``, ``"Shange"``); ``"???"``
      becomes ``""``. Search it with ``dataset.search``.
    * O'Neill's: ``R:`` normalised, else the section of the book
      (:data:`ONEILLS_SECTIONS`). Where a transcriber wrote ``R:jig``, the
      tune says ``"jig"`` even in the book's double-jig section: both are
      jigs in 6/8.
    * Ryan's: ``R:`` normalised, else the dance named in the title. Ryan's
      "jigs" are mostly in 6/8, some in 9/8, and the American minstrel and
      clog "jigs" in 2/4 and 2/2.

    Example: ``tune_type("oneills", {}, 1200)`` -> ``"reel"``
    """
    given = fields.get("R", "")
    if collection == "essen":
        return given.strip("? ")
    if given:
        return normalise_type(given)
    if collection == "oneills":
        return oneills_section(number)
    return type_from_title(fields.get("T", ""))


def tune_number(collection: str, fields: dict, index: int) -> int:
    """The ``tune`` column: the tune's number in its book.

    The ``X:`` field, or the tune's place in its file when ``X:`` has no
    number. O'Neill's: the number its ``B:`` field gives (``B:O'Neill's
    700``) where there is one, since a few ``X:`` fields are wrong (``X:800``
    in 0626-0700.abc is tune 700, ``X:0`` in 1625-1700.abc is tune 1646).
    Example: ``tune_number("oneills", {"X": "800", "B": "O'Neill's 700"}, 75)`` -> ``700``
    """
    book = re.search(r"O'?NEILL'?S\s*(\d+)", fields.get("B", "").upper())
    if collection == "oneills" and book:
        return int(book.group(1))
    digits = re.match(r"\d+", fields.get("X", ""))
    return int(digits.group()) if digits else index


def tune_row(collection: str, source: str, index: int, tune: str) -> dict:
    """The metadata row of one tune, before its notes are known.

    ``source`` is the file's path inside music21's corpus, ``index`` the
    tune's place in the file (from 1); the id is made of the two.
    Example: ``tune_row("ryans", "ryansMammoth/AcaciaReel.abc", 1, text)["id"]`` -> ``"ryans/AcaciaReel/1"``
    """
    fields = header_fields(tune)
    stem = Path(source).stem
    # Essen and O'Neill's files hold hundreds of tunes; Ryan's one or two.
    position = str(index) if collection == "ryans" else f"{index:04d}"
    number = tune_number(collection, fields, index)
    region = fields.get("O", "")
    return {
        "id": f"{collection}/{stem}/{position}",
        "collection": collection,
        "title": fields.get("T", ""),
        "region": region,
        "country": country_of(region),
        "type": tune_type(collection, fields, number),
        "meter": clean_meter(fields.get("M", "")),
        "key": clean_key(fields.get("K", "")),
        "source": source,
        "tune": number,
    }
