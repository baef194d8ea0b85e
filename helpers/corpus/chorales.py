"""The Bach chorales: four-part MusicXML files read with note-seq, in worker processes.

note-seq gives the notes' times, from the first note at time 0. The key, the
bar lines and any pickup come from the XML itself: 250 of the 365
four-part chorales open with an upbeat (music21 agrees on every one), which
``bars.align_to_bars`` puts at the end of bar 0, as for the folk tunes.
"""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from helpers.corpus.bars import align_to_bars
from helpers.corpus.layout import TPQ, note_stats, sort_notes
from helpers.corpus.sources import music21_corpus_dir

MAJOR_KEYS = ["Cb", "Gb", "Db", "Ab", "Eb", "Bb", "F", "C", "G", "D", "A", "E", "B", "F#", "C#"]
MINOR_KEYS = ["Abm", "Ebm", "Bbm", "Fm", "Cm", "Gm", "Dm", "Am", "Em", "Bm", "F#m", "C#m",
              "G#m", "D#m", "A#m"]  # both indexed by the number of sharps + 7


def musicxml_text(path: Path) -> str:
    """The XML text of a MusicXML file, compressed (``.mxl``) or not.

    Example: ``musicxml_text(music21_corpus_dir() / "bach/bwv66.6.mxl")[:5]`` -> ``"<?xml"``
    """
    import zipfile

    if path.suffix != ".mxl":
        return path.read_text(encoding="utf-8", errors="replace")
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist()
                    if n.endswith((".xml", ".musicxml")) and not n.startswith("META-INF"))
        return archive.read(name).decode("utf-8", errors="replace")


def musicxml_key(text: str) -> str:
    """The first key in MusicXML text, e.g. ``"F#m"``, or ``""`` when it has none.

    Read from the XML itself: note-seq 0.0.5 reads every key as major.
    Example: ``musicxml_key("<key><fifths>3</fifths><mode>minor</mode></key>")`` -> ``"F#m"``
    """
    fifths = re.search(r"<fifths>\s*(-?\d+)\s*</fifths>", text)
    if not fifths:
        return ""
    mode = re.search(r"<mode>\s*(\w+)\s*</mode>", text)
    names = MINOR_KEYS if mode and mode.group(1) == "minor" else MAJOR_KEYS
    return names[int(fifths.group(1)) + 7]


def musicxml_bar_lines(text: str) -> np.ndarray:
    """Where each measure of the first part starts, in ticks (480 per quarter), the first at 0.

    A measure lasts as far as its notes reach: chord notes and grace notes
    take no time, ``<backup>`` and ``<forward>`` move back and on. A pickup
    measure is short, so the second bar line comes early.
    Example: ``musicxml_bar_lines(musicxml_text(path))[:3].tolist()`` -> ``[0, 480, 2400]`` (a quarter-note pickup in 4/4)
    """
    part = ET.fromstring(text).find("part")
    divisions, start, starts = 1, 0, []
    for measure in part.iter("measure"):
        starts.append(start)
        position = length = 0
        for element in measure:
            if element.tag == "attributes" and element.findtext("divisions"):
                divisions = int(element.findtext("divisions"))
            duration = int(element.findtext("duration") or 0)
            if element.tag == "note" and element.find("chord") is None and element.find("grace") is None:
                position += duration
            elif element.tag == "forward":
                position += duration
            elif element.tag == "backup":
                position -= duration
            length = max(length, position)
        start += length * TPQ // divisions
    return np.array(starts, dtype=np.int64)


def main_meter(seq) -> str:
    """The time signature in force for longest, e.g. ``"4/4"`` (a pickup bar may differ).

    Example: ``main_meter(load_piece("chorales/bwv66.6"))`` -> ``"4/4"``
    """
    signatures = list(seq.time_signatures)
    if not signatures:
        return ""
    ends = [s.time for s in signatures[1:]] + [seq.total_time]
    longest = max(zip(signatures, ends), key=lambda pair: pair[1] - pair[0].time)[0]
    return f"{longest.numerator}/{longest.denominator}"


def chorale_notes(seq) -> tuple[dict, float]:
    """The chorale's notes in ticks (voice = part, 0 soprano .. 3 bass) and its tempo.

    Grace notes, which MusicXML gives no duration, are left out.
    Example: ``chorale_notes(from_musicxml(path))[1]`` -> ``96.0``
    """
    qpm = seq.tempos[0].qpm if seq.tempos else 120.0
    if len(seq.tempos) > 1:
        raise ValueError("tempo changes are not supported")
    to_ticks = TPQ * qpm / 60.0
    notes = [n for n in seq.notes if n.end_time > n.start_time]
    notes = {
        "pitch": [n.pitch for n in notes],
        "start": np.rint(np.array([n.start_time for n in notes]) * to_ticks).astype(np.int64),
        "end": np.rint(np.array([n.end_time for n in notes]) * to_ticks).astype(np.int64),
        "velocity": [n.velocity for n in notes],
        "voice": [n.part for n in notes],
    }
    return sort_notes(notes), float(qpm)


def parse_chorale(source: str, title: str, number: int) -> dict:
    """Parse one Bach chorale from MusicXML with note-seq (runs in a worker process).

    Returns the same ``{"rows", "notes", "failures"}`` as
    ``abc_parse.parse_abc_file``, plus ``"skipped"``: 1 when the file does
    not have exactly four parts (the orchestrated chorales add instruments),
    found before the slow parse. A pickup ends bar 0.
    Example: ``parse_chorale("bach/bwv66.6.mxl", "Christ unser Herr", 0)["rows"][0]["key"]`` -> ``"F#m"``
    """
    from helpers.notes import from_musicxml

    result = {"rows": [], "notes": [], "failures": [], "skipped": 0}
    piece_id = f"chorales/{Path(source).stem}"
    path = music21_corpus_dir() / source
    try:
        text = musicxml_text(path)
        if text.count("<score-part ") != 4:
            result["skipped"] = 1
            return result
        seq = from_musicxml(path)
        notes, qpm = chorale_notes(seq)
        meter = main_meter(seq)
        notes, pickup, off_grid = align_to_bars(notes, musicxml_bar_lines(text), meter)
    except Exception as err:
        result["failures"].append({"id": piece_id, "source": source, "tune": number,
                                   "title": title, "reason": f"{type(err).__name__}: {err}"})
        return result
    row = {"id": piece_id, "collection": "chorales", "title": title, "region": "", "country": "",
           "type": "chorale", "meter": meter, "pickup": round(pickup / TPQ, 4),
           "key": musicxml_key(text), "qpm": qpm, "bars_off_grid": off_grid,
           "source": source, "tune": number}
    row.update(note_stats(notes))
    result["rows"].append(row)
    result["notes"].append(notes)
    return result


def chorale_tasks(limit_files: int | None = None) -> list[tuple[str, str, int]]:
    """One task per Bach MusicXML file: ``(source, title, Riemenschneider number)``.

    Titles and numbers come from music21's own chorale list, where it knows
    the BWV number (0 where it does not).
    Example: ``chorale_tasks(1)[0][0]`` -> ``"bach/..."``
    """
    from music21.corpus.chorales import ChoraleListRKBWV

    known = ChoraleListRKBWV().byBWV
    root = music21_corpus_dir()
    paths = sorted(p for p in (root / "bach").iterdir() if p.suffix in (".mxl", ".xml"))
    if limit_files is not None:
        paths = sorted(paths, key=lambda p: (p.stat().st_size, p.name))[:limit_files]
    tasks = []
    for path in paths:
        bwv = path.stem.removeprefix("bwv").split("-")[0]
        info = known.get(bwv, {})
        title = info.get("title", "").replace("\u2019", "'")
        tasks.append((path.relative_to(root).as_posix(), title or f"BWV {bwv}",
                      int(info.get("riemenschneider", 0))))
    return tasks
