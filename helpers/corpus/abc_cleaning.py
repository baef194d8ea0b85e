"""What is taken out of an ABC tune before abc2midi reads it: ornaments and %%MIDI lines.

abc2midi *performs* a tune: it plays a grace note ``{g}c2`` as a short G
that takes a quarter of the main note's time and delays the main note, a
trill ``Tc2`` as eight alternating 32nd notes, a roll ``~c2`` as an upper
neighbour and the main note, a fermata ``Hc2`` as a note twice as long. On
a 16th-note grid a grace note lands on the same step as its main note, so a
melody looks like a chord; a fermata pushes every later bar line off the
bars. None of these notes is written in the music, and music21 (the
reference parser) gives none of them: it gives the main note its full
written length. So :func:`strip_ornaments` removes them from the music
lines, and the corpus holds the notes as written.

Staccato dots stay: abc2midi halves a staccato note's length, which changes
no onset and no bar line.
"""

import re

# One alternative per kind of thing in a music line; the first that matches wins.
MUSIC_TOKEN = re.compile(
    r'(?P<keep>"[^"]*"|\[[A-Za-z]:[^\]]*\])'  # a chord symbol or annotation, an inline field
    r"|(?P<grace>\{[^}]*\})"  # a group of grace notes
    r"|(?P<ornament>[~THR]|[!+](?:trill|fermata|arpeggio)[!+])"  # what abc2midi performs
    r"|(?P<decoration>![^!\s]*!)"  # any other decoration: dynamics, bowing, ...
)
FIELD_LINE = re.compile(r"[A-Za-z+]:")  # T:, w: (lyrics), K:, +: (continuation) ...


def strip_ornaments(tune: str) -> tuple[str, dict]:
    """The tune without grace notes and performed ornaments, and how many were removed.

    Only music lines after the header change: header fields, body fields
    (``w:`` lyrics, ``K:`` changes), comment lines and ``%`` comments at the
    end of a line stay as they are, and so do chord symbols in quotes. The
    counts are ``{"grace_notes": notes in the removed {...} groups,
    "ornaments": trills, rolls, fermatas and arpeggios removed}``.
    Example: ``strip_ornaments("X:1\\nK:G\\n{a}g2 Tf2|")`` -> ``("X:1\\nK:G\\ng2 f2|", {"grace_notes": 1, "ornaments": 1})``
    """
    counts = {"grace_notes": 0, "ornaments": 0}

    def replace(match):
        if match.group("grace"):
            counts["grace_notes"] += len(re.findall(r"[A-Ga-g]", match.group("grace")))
            return ""
        if match.group("ornament"):
            counts["ornaments"] += 1
            return ""
        return match.group(0)

    lines = tune.split("\n")
    in_body = False
    for i, line in enumerate(lines):
        if not in_body:
            in_body = line.startswith("K:")
            continue
        if FIELD_LINE.match(line) or line.startswith("%"):
            continue
        music, percent, comment = line.partition("%")
        lines[i] = MUSIC_TOKEN.sub(replace, music) + percent + comment
    return "\n".join(lines), counts


def strip_midi_directives(tune: str) -> str:
    """The tune without its own ``%%MIDI`` lines (the music21 corpus has none).

    They direct a performance (instruments, transposition, drums, chord
    accompaniment); the corpus wants the written notes, and it needs the drum
    channel for its own bar-line drum (see ``abc_parse``).
    Example: ``strip_midi_directives("X:1\\n%%MIDI program 40\\nK:G\\nG|")`` -> ``"X:1\\nK:G\\nG|"``
    """
    return "\n".join(line for line in tune.split("\n")
                     if not line.lstrip().upper().startswith("%%MIDI"))
