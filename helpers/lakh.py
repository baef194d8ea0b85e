"""The Lakh MIDI Dataset by genre: Rock, Jazz, Pop... the way it is really built.

The Lakh MIDI Dataset (Colin Raffel, 2016) has 176,581 MIDI files. 45,129 of
them are matched to tracks of the Million Song Dataset (MSD), and the tagtraum
annotations give many MSD tracks a genre. A genre dataset joins the three:

1. the genre file (``msd_tagtraum_cd2.cls``): which tracks are Rock
   (:func:`read_genres`);
2. ``match_scores.json``: which MIDI files match each track, and how well
   (:func:`read_match_scores`); a track often has several candidate files and
   we keep the best one;
3. the MIDI files on disk, in one of two layouts (:func:`midi_path`)::

       lmd_matched/<T[2]>/<T[3]>/<T[4]>/<TRACKID>/<md5>.mid   (layout="matched")
       lmd_full/<md5[0]>/<md5>.mid                            (layout="full")

:func:`genre_files` returns the table of files of one genre and
:func:`load_genre` loads them, skipping corrupt files (real Lakh files include
some) with the reasons in a report, exactly like
:func:`helpers.folder.load_folder`. Lesson 2 ("Building a dataset") uses it::

    download(root)                      # once, about 1.5 GB, on request only
    files = genre_files(root, "Rock")   # track_id, md5, score, path
    pieces, report = load_genre(root, "Rock", sample=200)

:func:`download` fetches the official archives with a progress bar, checks
their sha256 checksums and unpacks them safely. The Lakh site publishes no
checksums, so the first download records them in ``checksums.json`` (trust on
first use) and later calls verify the files against that record.
"""

import json
import os
import re
import shutil
from pathlib import Path

from helpers.downloads import (CHECKSUMS_FILE, ChecksumError, UnsafeArchiveError,  # noqa: F401
                               fetch, open_url, read_checksums, unpack_safely, write_checksums)
from helpers.folder import load_files, load_summary, make_report
from helpers.paths import cache_dir, file_sha256

GENRES = ("Blues", "Country", "Electronic", "Folk", "Jazz", "Latin", "Metal", "New Age",
          "Pop", "Punk", "Rap", "Reggae", "RnB", "Rock", "World")
LAYOUTS = ("matched", "full")
GENRE_FILES = ("msd_tagtraum_cd2.cls", "msd_tagtraum_cd2c.cls")
SCORES_FILE = "match_scores.json"
FILE_COLUMNS = ["track_id", "md5", "score", "path"]
TRACK_ID = re.compile(r"^TR[A-Z0-9]{16}$")  # an MSD track id, e.g. TRAAAGR128F425B14B


def default_root() -> Path:
    """Where the Lakh files go unless you say otherwise: ``<cache>/lakh``.

    Example: ``download(default_root())``
    """
    return cache_dir() / "lakh"


# --- genres ------------------------------------------------------------------

def canonical_genre(name: str) -> str:
    """The tagtraum spelling of a genre name, matched case-insensitively.

    Raises ValueError listing the 15 genres for a name that is not one of them.
    Example: ``canonical_genre("rock")`` -> ``"Rock"``
    """
    for genre in GENRES:
        if str(name).strip().lower() == genre.lower():
            return genre
    raise ValueError(f"unknown genre {name!r}; the tagtraum genres are: {', '.join(GENRES)}")


def parse_genre_line(text: str) -> tuple[str, str]:
    """One line ``TRACKID<TAB>genre[<TAB>minority genre]`` -> ``(track_id, genre)``.

    Raises ValueError saying what is wrong with a malformed line.
    Example: ``parse_genre_line("TRAAAGR128F425B14B\tRock")`` -> ``("TRAAAGR128F425B14B", "Rock")``
    """
    fields = [field.strip() for field in text.split("\t")]
    if len(fields) not in (2, 3):
        raise ValueError(f"expected TRACKID<TAB>genre[<TAB>minority genre], "
                         f"found {len(fields)} tab-separated field(s)")
    if not TRACK_ID.match(fields[0]):
        raise ValueError(f"{fields[0]!r} is not an MSD track id (TR and 16 letters or digits)")
    genres = [canonical_genre(name) for name in fields[1:]]  # ValueError if unknown
    return fields[0], genres[0]


def read_genres(cls_path) -> tuple[dict, "pandas.DataFrame"]:
    """Read a tagtraum genre file: returns ``(genres, problems)``.

    ``genres`` maps each track id to its (majority) genre. ``problems`` is a
    DataFrame (columns line, text, reason) of the lines that were skipped:
    malformed lines, unknown genres, tracks listed twice. Comment lines
    (``#``) and blank lines are ignored. Problems are reported, never fatal,
    so that one bad line does not cost you the other 280,000.
    Example: ``genres, problems = read_genres(root / "msd_tagtraum_cd2.cls")``
    """
    import pandas as pd

    path = Path(cls_path)
    if not path.is_file():
        raise FileNotFoundError(f"No genre file {str(path)!r}; download it with "
                                f"helpers.lakh.download(folder, parts=['tagtraum'])")
    genres, problems = {}, []
    with open(path, encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, start=1):
            text = line.rstrip("\r\n")
            if not text.strip() or text.startswith("#"):
                continue
            try:
                track_id, genre = parse_genre_line(text)
            except ValueError as err:
                problems.append({"line": number, "text": text, "reason": str(err)})
                continue
            if track_id in genres:
                problems.append({"line": number, "text": text,
                                 "reason": f"{track_id} is listed again; the first genre is kept"})
                continue
            genres[track_id] = genre
    return genres, pd.DataFrame(problems, columns=["line", "text", "reason"])


def find_genre_file(root) -> Path:
    """The tagtraum file in ``root``: ``msd_tagtraum_cd2.cls``, else ``..._cd2c.cls``.

    Example: ``find_genre_file(default_root())`` -> ``.../lakh/msd_tagtraum_cd2.cls``
    """
    for name in GENRE_FILES:
        if (Path(root) / name).is_file():
            return Path(root) / name
    raise FileNotFoundError(
        f"No tagtraum genre file ({' or '.join(GENRE_FILES)}) in {str(root)!r}; "
        f"download it with helpers.lakh.download({str(root)!r}, parts=['tagtraum']) "
        f"or pass cls_path=")


# --- matches and paths -------------------------------------------------------

def read_match_scores(path) -> dict:
    """Read ``match_scores.json``: ``{track_id: {md5: score}}``.

    A score says how well a MIDI file (named by its md5) matches the audio of
    an MSD track; higher is better.
    Example: ``read_match_scores(root / "match_scores.json")["TRAAAGR128F425B14B"]`` -> ``{"1d9d...": 0.73}``
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No match scores {str(path)!r}; download them with "
                                f"helpers.lakh.download(folder, parts=['match_scores'])")
    try:
        scores = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as err:  # invalid JSON or text
        raise ValueError(f"{str(path)!r} is not valid JSON ({err})") from err
    if not isinstance(scores, dict) or not all(isinstance(c, dict) for c in scores.values()):
        raise ValueError(f"{str(path)!r} should hold {{track_id: {{md5: score}}}}")
    return {track: {md5: float(score) for md5, score in candidates.items()}
            for track, candidates in scores.items()}


def best_match(candidates: dict) -> tuple[str, float]:
    """The ``(md5, score)`` with the highest score (ties: the smallest md5).

    Example: ``best_match({"aa": 0.6, "bb": 0.9})`` -> ``("bb", 0.9)``
    """
    return min(candidates.items(), key=lambda item: (-item[1], item[0]))


def midi_path(root, track_id: str, md5: str, layout: str = "matched") -> Path:
    """Where the MIDI file ``md5`` of ``track_id`` lies in each Lakh layout.

    Example: ``midi_path(root, "TRAAAGR128F425B14B", md5)`` -> ``root/lmd_matched/A/A/A/TRAAAGR128F425B14B/<md5>.mid``
    """
    if layout == "matched":
        return Path(root, "lmd_matched", track_id[2], track_id[3], track_id[4], track_id,
                    md5 + ".mid")
    if layout == "full":
        return Path(root, "lmd_full", md5[0], md5 + ".mid")
    raise ValueError(f"unknown layout {layout!r}; use one of {LAYOUTS}")


# --- one genre ---------------------------------------------------------------

def genre_files(root, genre: str, cls_path=None, layout: str = "matched", sample: int | None = None,
                seed: int = 0):
    """The MIDI files of one genre: a DataFrame with track_id, md5, score, path.

    One row per track of ``genre`` (any case: "rock" works) that Lakh
    matched, with its best-matching MIDI file (highest score). ``cls_path``:
    the tagtraum file (default: the one in ``root``). ``layout``: "matched"
    or "full" (see the module docstring). ``sample=n``: a random sample of n
    tracks, the same for the same ``seed``.

    Files that match_scores.json lists but the disk lacks (an incomplete
    download) are left out of the table and listed in
    ``table.attrs["missing"]``, a DataFrame with the same columns.
    Example: ``genre_files(root, "Rock", sample=200)`` -> a table of 200 Rock tracks
    """
    import pandas as pd

    genre = canonical_genre(genre)
    root = Path(default_root() if root is None else root)
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; use one of {LAYOUTS}")
    genres, _ = read_genres(cls_path or find_genre_file(root))
    scores = read_match_scores(root / SCORES_FILE)
    found, missing = [], []
    for track_id in sorted(t for t, g in genres.items() if g == genre and scores.get(t)):
        md5, score = best_match(scores[track_id])
        path = midi_path(root, track_id, md5, layout)
        row = {"track_id": track_id, "md5": md5, "score": score, "path": path}
        (found if path.is_file() else missing).append(row)
    table = pd.DataFrame(found, columns=FILE_COLUMNS)
    if sample is not None:
        table = table.sample(n=min(sample, len(table)), random_state=seed)
        table = table.sort_values("track_id").reset_index(drop=True)
    table.attrs["missing"] = pd.DataFrame(missing, columns=FILE_COLUMNS)
    return table


def load_genre(root, genre: str, cls_path=None, layout: str = "matched", sample: int | None = None,
               seed: int = 0, workers: int | None = None, progress: bool = True):
    """Load the MIDI files of one genre: returns ``(pieces, report)``.

    The files are those of :func:`genre_files` (same arguments). Each piece's
    ``filename`` is its path relative to ``root`` and its ``id`` is its MSD
    track id, so that a train/test split can keep tracks apart. ``report``
    lists, like :func:`helpers.folder.load_folder`'s, every file that was
    skipped and why: corrupt MIDI, no notes, or not on disk.
    Example: ``pieces, report = load_genre(root, "Rock", sample=200)``
    """
    root = Path(default_root() if root is None else root)
    table = genre_files(root, genre, cls_path=cls_path, layout=layout, sample=sample, seed=seed)
    pieces, report = load_files(table["path"], root, workers=workers, progress=progress,
                                desc=f"loading {canonical_genre(genre)}")
    track_of = {Path(path).relative_to(root).as_posix(): track
                for path, track in zip(table["path"], table["track_id"])}
    for seq in pieces:
        seq.id = track_of[seq.filename]
    not_on_disk = [{"file": Path(path).relative_to(root).as_posix(),
                    "reason": f"listed in {SCORES_FILE} but not on disk", "size": None}
                   for path in table.attrs["missing"]["path"]]
    report = make_report(not_on_disk + report.to_dict("records"))
    if progress:
        print(load_summary(pieces, report))
    return pieces, report


# --- a practice copy -------------------------------------------------------

def make_practice_dataset(root) -> Path:
    """Write a tiny dataset in the real lmd_matched layout, for practice offline.

    Six tracks (four Rock, two Pop), one Rock track with two candidate MIDI
    files (the better match must win) and one corrupt file (a data byte above
    127), plus ``match_scores.json`` and a tagtraum ``.cls`` file with comment
    lines. Lesson 2 runs the real Lakh code on it. Returns ``root``.
    Example: ``genre_files(make_practice_dataset("output/lakh_practice"), "Rock")``
    """
    from helpers import music
    from helpers.notes import save_midi

    root = Path(root)
    tracks = {  # track id: (genre, {md5: score}, first pitch)
        "TRAAAAA128F1111111": ("Rock", {"a" * 32: 0.9, "b" * 32: 0.6}, 40),
        "TRBBBBB128F2222222": ("Rock", {"c" * 32: 0.7}, 45),
        "TRCCCCC128F3333333": ("Rock", {"d" * 32: 0.8}, 50),
        "TRDDDDD128F4444444": ("Rock", {"e" * 32: 0.95}, 0),   # corrupt, see below
        "TREEEEE128F5555555": ("Pop", {"f" * 32: 0.9}, 60),
        "TRFFFFF128F6666666": ("Pop", {"0" * 32: 0.5}, 64),
    }
    for track_id, (_, candidates, pitch) in tracks.items():
        for md5 in candidates:
            path = midi_path(root, track_id, md5)
            save_midi(music.melody([pitch, pitch + 7, pitch + 5, pitch + 12], qpm=120), path)
    corrupt = midi_path(root, "TRDDDDD128F4444444", "e" * 32)
    data = bytearray(corrupt.read_bytes())
    data[data.index(0x90) + 2] = 0xC8   # velocity 200: not a valid MIDI data byte
    corrupt.write_bytes(bytes(data))
    scores = {track: candidates for track, (_, candidates, _) in tracks.items()}
    (root / SCORES_FILE).write_text(json.dumps(scores, indent=1))
    lines = ["# practice copy of the tagtraum CD2 genre annotations", "#"]
    lines += [f"{track}\t{genre}" for track, (genre, _, _) in tracks.items()]
    (root / GENRE_FILES[0]).write_text("\n".join(lines) + "\n")
    return root


# --- download ----------------------------------------------------------------

LAKH_URL = "http://hog.ee.columbia.edu/craffel/lmd/"
TAGTRAUM_URL = "https://www.tagtraum.com/genres/"

# What download() can fetch. "sha256": the expected checksum where one is
# published (none is, so far: trust on first use fills checksums.json);
# "unpacks_to": what the archive holds once unpacked (None: not an archive).
FILES = {
    "lmd_matched": {"url": LAKH_URL + "lmd_matched.tar.gz", "sha256": None,
                    "unpacks_to": "lmd_matched"},
    "lmd_full": {"url": LAKH_URL + "lmd_full.tar.gz", "sha256": None,
                 "unpacks_to": "lmd_full"},
    "match_scores": {"url": LAKH_URL + "match_scores.json", "sha256": None,
                     "unpacks_to": None},
    "tagtraum": {"url": TAGTRAUM_URL + "msd_tagtraum_cd2.cls.zip", "sha256": None,
                 "unpacks_to": "msd_tagtraum_cd2.cls"},
    "tagtraum_cd2c": {"url": TAGTRAUM_URL + "msd_tagtraum_cd2c.cls.zip", "sha256": None,
                      "unpacks_to": "msd_tagtraum_cd2c.cls"},
}
def _unpack(archive, dest, unpacks_to):
    """Unpack next to the archive in a scratch folder, then move the result in place.

    A failed or refused unpacking leaves nothing half-done in ``dest``.
    """
    scratch = Path(dest) / f".unpacking-{Path(archive).name}"
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        unpack_safely(archive, scratch)
        if not (scratch / unpacks_to).exists():
            raise ValueError(f"{archive} holds no {unpacks_to!r}")
        target = Path(dest) / unpacks_to
        if target.is_dir():
            shutil.rmtree(target)
        os.replace(scratch / unpacks_to, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def _fetch_verified(part, dest, checksums, expected, opener, progress):
    """Make sure ``dest/<file of part>`` is there and right; returns True if downloaded now.

    Trust on first use: a file seen for the first time has its sha256 written
    to ``checksums``; later, a file that differs from its recorded or expected
    checksum is downloaded again, and a fresh download that differs raises.
    """
    url = FILES[part]["url"]
    path = Path(dest) / url.rsplit("/", 1)[1]
    known = expected or FILES[part]["sha256"]
    if known:
        trusted, source = known, "the expected checksum"
    else:
        trusted = checksums.get(path.name)
        source = (f"the checksum recorded in {CHECKSUMS_FILE} at first download "
                  f"(delete that entry to trust the new file)")
    if path.is_file():
        actual = file_sha256(path)
        if trusted is None or actual == trusted.lower():
            checksums[path.name] = actual
            if progress:
                print(f"{path.name}: already here, sha256 {actual[:12]}... recorded")
            return False
        print(f"{path.name}: its sha256 is not the one expected; downloading it again")
        path.unlink()
    checksums[path.name] = fetch(url, path, expected_sha256=trusted, opener=opener,
                                 progress=progress, expected_from=source)
    return True


def download(dest=None, parts=("lmd_matched", "match_scores", "tagtraum"), progress: bool = True,
             expected_sha256: dict | None = None, opener=None) -> dict:
    """Download and unpack parts of the Lakh MIDI Dataset and the genre annotations.

    ``parts``: any of ``FILES`` -- "lmd_matched" (the matched MIDI files, over
    1 GB), "lmd_full" (all 176,581 files), "match_scores", "tagtraum" (the
    CD2 genre file) and "tagtraum_cd2c" (its cleaner CD2C version).
    ``dest``: the Lakh root folder (default :func:`default_root`).
    ``expected_sha256``: {part: sha256} to check against a checksum you know.
    ``opener``: what opens a URL (default :func:`open_url`).

    Files already here and matching their checksum are not downloaded again.
    Returns {part: path of the file or unpacked folder}. Run it on request
    only: nothing in the course downloads by itself.
    Example: ``root = download()["lmd_matched"].parent``
    """
    dest = Path(default_root() if dest is None else dest)
    unknown = [part for part in parts if part not in FILES]
    if unknown:
        raise ValueError(f"unknown part(s) {unknown}; choose among {list(FILES)}")
    dest.mkdir(parents=True, exist_ok=True)
    checksums, expected_sha256 = read_checksums(dest), expected_sha256 or {}
    paths = {}
    for part in parts:
        try:
            fresh = _fetch_verified(part, dest, checksums, expected_sha256.get(part),
                                    opener, progress)
        finally:
            write_checksums(dest, checksums)
        archive = dest / FILES[part]["url"].rsplit("/", 1)[1]
        unpacks_to = FILES[part]["unpacks_to"]
        if unpacks_to is None:
            paths[part] = archive
        elif fresh or not (dest / unpacks_to).exists():
            paths[part] = _unpack(archive, dest, unpacks_to)
        else:
            paths[part] = dest / unpacks_to
    return paths
