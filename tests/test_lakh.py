"""Lakh MIDI by genre, on a tiny copy of the real layout; the downloader, offline."""

import hashlib
import io
import json
import tarfile
import zipfile

import pytest

from helpers import lakh, music, notes
from conftest import GOOD_TRACK, raw_midi

ROCK_BEST = "TRAAAAB128F1234567"      # two candidate MIDIs: the better one must win
ROCK_CORRUPT = "TRAAABC128F1234568"   # its only MIDI has a data byte above 127
ROCK_MISSING = "TRAABCD128F1234569"   # listed in match_scores.json, not on disk
ROCK_SECOND = "TRBCDEF128F123456A"    # Rock, with a minority genre (Pop)
ROCK_THIRD = "TRCDEFG128F123456B"
ROCK_NOT_IN_LAKH = "TRDEFGH128F123456C"  # has a genre but no MIDI match
POP = "TREFGHI128F123456D"

MD5 = {name: hashlib.md5(name.encode()).hexdigest() for name in
       ("best", "worse", "corrupt", "missing", "second", "third", "pop")}

SCORES = {
    ROCK_BEST: {MD5["worse"]: 0.61, MD5["best"]: 0.87},
    ROCK_CORRUPT: {MD5["corrupt"]: 0.7},
    ROCK_MISSING: {MD5["missing"]: 0.9},
    ROCK_SECOND: {MD5["second"]: 0.55},
    ROCK_THIRD: {MD5["third"]: 0.66},
    POP: {MD5["pop"]: 0.8},
}

CLS = "\n".join([
    "# Genre annotations for the Million Song Dataset (a tiny made-up copy)",
    "# format: TRACKID<TAB>majority genre[<TAB>minority genre]",
    "",
    f"{ROCK_BEST}\tRock",
    f"{ROCK_CORRUPT}\tRock",
    "",
    f"{ROCK_MISSING}\tRock",
    f"{ROCK_SECOND}\tRock\tPop",
    f"{ROCK_THIRD}\tRock",
    f"{ROCK_NOT_IN_LAKH}\tRock",
    f"{POP}\tPop",
    "TRXXXXX128F123456E\tPolka",           # line 12: unknown genre
    "this line is not a track at all",     # line 13: malformed
    f"{ROCK_BEST}\tJazz",                  # line 14: listed twice
    "",
])

CORRUPT_MIDI = raw_midi(GOOD_TRACK.replace(b"\x3c\x40", b"\x3c\xc8", 1))


def write_midis(root, layout):
    """The MIDI files of the fixture in one layout (all but the missing one)."""
    tunes = {"best": [60, 62, 64, 65], "worse": [40], "second": [67, 65, 64],
             "third": [72, 71], "pop": [55, 57]}
    for name, pitches in tunes.items():
        track = next(t for t, c in SCORES.items() if MD5[name] in c)
        notes.save_midi(music.melody(pitches), lakh.midi_path(root, track, MD5[name], layout))
    path = lakh.midi_path(root, ROCK_CORRUPT, MD5["corrupt"], layout)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(CORRUPT_MIDI)


@pytest.fixture
def lakh_root(tmp_path):
    root = tmp_path / "lakh"
    write_midis(root, "matched")
    write_midis(root, "full")
    (root / "match_scores.json").write_text(json.dumps(SCORES))
    (root / "msd_tagtraum_cd2.cls").write_text(CLS)
    return root


def test_paths_follow_the_two_lakh_layouts(tmp_path):
    md5 = "0123456789abcdef0123456789abcdef"
    assert lakh.midi_path(tmp_path, ROCK_BEST, md5, "matched") == \
        tmp_path / "lmd_matched/A/A/A" / ROCK_BEST / f"{md5}.mid"
    full = lakh.midi_path(tmp_path, ROCK_BEST, md5, "full")
    assert full == tmp_path / "lmd_full/0" / f"{md5}.mid"
    with pytest.raises(ValueError, match="layout"):
        lakh.midi_path(tmp_path, ROCK_BEST, md5, "flat")


def test_read_genres_skips_comments_and_blanks_and_reports_bad_lines(lakh_root):
    genres, problems = lakh.read_genres(lakh_root / "msd_tagtraum_cd2.cls")
    assert genres[ROCK_SECOND] == "Rock" and genres[POP] == "Pop"
    assert genres[ROCK_BEST] == "Rock"  # the first line for a track wins
    assert len(genres) == 7
    assert list(problems["line"]) == [12, 13, 14]
    reasons = dict(zip(problems["line"], problems["reason"]))
    assert "unknown genre 'Polka'" in reasons[12]
    assert "TRACKID<TAB>genre" in reasons[13]
    assert "listed again" in reasons[14]
    assert problems.loc[1, "text"] == "this line is not a track at all"


def test_read_match_scores(lakh_root):
    scores = lakh.read_match_scores(lakh_root / "match_scores.json")
    assert scores[ROCK_BEST] == {MD5["worse"]: 0.61, MD5["best"]: 0.87}
    with pytest.raises(FileNotFoundError, match="download"):
        lakh.read_match_scores(lakh_root / "nothing.json")


@pytest.mark.parametrize("layout", ["matched", "full"])
def test_rock_gives_each_track_its_best_matching_file(lakh_root, layout):
    files = lakh.genre_files(lakh_root, "rock", layout=layout)
    assert list(files.columns) == ["track_id", "md5", "score", "path"]
    assert list(files["track_id"]) == [ROCK_BEST, ROCK_CORRUPT, ROCK_SECOND, ROCK_THIRD]
    best = files.set_index("track_id").loc[ROCK_BEST]
    assert (best["md5"], best["score"]) == (MD5["best"], 0.87)
    assert best["path"] == lakh.midi_path(lakh_root, ROCK_BEST, MD5["best"], layout)
    missing = files.attrs["missing"]
    assert list(missing["track_id"]) == [ROCK_MISSING]


def test_load_genre_skips_and_reports_corrupt_and_missing_files(lakh_root):
    pieces, report = lakh.load_genre(lakh_root, "Rock", workers=1, progress=False)
    assert sorted(seq.id for seq in pieces) == [ROCK_BEST, ROCK_SECOND, ROCK_THIRD]
    best = next(seq for seq in pieces if seq.id == ROCK_BEST)
    assert [n.pitch for n in best.notes] == [60, 62, 64, 65]
    assert best.filename == f"lmd_matched/A/A/A/{ROCK_BEST}/{MD5['best']}.mid"
    reasons = dict(zip(report["file"], report["reason"]))
    corrupt = f"lmd_matched/A/A/A/{ROCK_CORRUPT}/{MD5['corrupt']}.mid"
    missing = f"lmd_matched/A/A/B/{ROCK_MISSING}/{MD5['missing']}.mid"
    assert set(reasons) == {corrupt, missing}
    assert "data byte must be in range 0..127" in reasons[corrupt]
    assert "not on disk" in reasons[missing]


def test_load_genre_in_worker_processes_gives_the_same_pieces(lakh_root, monkeypatch):
    from helpers import folder

    monkeypatch.setattr(folder, "MIN_FILES_FOR_PROCESSES", 1)
    here, _ = lakh.load_genre(lakh_root, "Rock", layout="full", workers=1, progress=False)
    there, report = lakh.load_genre(lakh_root, "Rock", layout="full", workers=2, progress=False)
    assert [s.SerializeToString() for s in here] == [s.SerializeToString() for s in there]
    assert len(report) == 2


def test_sample_is_deterministic(lakh_root):
    first = lakh.genre_files(lakh_root, "Rock", sample=2, seed=3)
    again = lakh.genre_files(lakh_root, "Rock", sample=2, seed=3)
    assert len(first) == 2
    assert list(first["track_id"]) == list(again["track_id"])
    assert set(first["track_id"]) <= {ROCK_BEST, ROCK_CORRUPT, ROCK_SECOND, ROCK_THIRD}
    assert len(lakh.genre_files(lakh_root, "Rock", sample=100)) == 4  # all there is
    pieces, report = lakh.load_genre(lakh_root, "Rock", sample=2, seed=3, workers=1, progress=False)
    loaded = {seq.id for seq in pieces} | {f.split("/")[-2] for f in report["file"]}
    assert set(first["track_id"]) <= loaded


def test_unknown_genre_lists_the_fifteen(lakh_root):
    with pytest.raises(ValueError) as info:
        lakh.genre_files(lakh_root, "Polka")
    for genre in lakh.GENRES:
        assert genre in str(info.value)
    assert len(lakh.GENRES) == 15


def test_a_missing_genre_file_says_how_to_get_it(tmp_path):
    (tmp_path / "match_scores.json").write_text("{}")
    with pytest.raises(FileNotFoundError, match="download"):
        lakh.genre_files(tmp_path, "Rock")


# --- the downloader, offline --------------------------------------------------

def tar_gz(members):
    """A .tar.gz archive in memory from {name: bytes}."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for name, data in members.items():
            zipped.writestr(name, data)
    return buffer.getvalue()


class FakeWeb:
    """An opener that serves bytes by URL and counts the requests."""

    def __init__(self, files):
        self.files = dict(files)
        self.requests = []

    def __call__(self, url):
        self.requests.append(url)
        return io.BytesIO(self.files[url])


@pytest.fixture
def fake_web():
    midi = notes.sequence_to_midi_bytes(music.melody([60, 64, 67]))
    return FakeWeb({
        lakh.FILES["lmd_matched"]["url"]: tar_gz({
            f"lmd_matched/A/A/A/{ROCK_BEST}/{MD5['best']}.mid": midi}),
        lakh.FILES["match_scores"]["url"]: json.dumps({ROCK_BEST: {MD5["best"]: 0.9}}).encode(),
        lakh.FILES["tagtraum"]["url"]: zip_bytes(
            {"msd_tagtraum_cd2.cls": f"# comment\n{ROCK_BEST}\tRock\n"}),
    })


def sha(data):
    return hashlib.sha256(data).hexdigest()


def test_download_unpacks_and_records_checksums_on_first_use(tmp_path, fake_web):
    paths = lakh.download(tmp_path, opener=fake_web, progress=False)
    assert paths["lmd_matched"] == tmp_path / "lmd_matched"
    assert paths["tagtraum"] == tmp_path / "msd_tagtraum_cd2.cls"
    recorded = json.loads((tmp_path / "checksums.json").read_text())
    assert recorded == {url.rsplit("/", 1)[1]: sha(data) for url, data in fake_web.files.items()}
    assert not list(tmp_path.glob("*.part")) and not list(tmp_path.glob(".unpacking-*"))
    # the downloaded tree is a Lakh root that works
    pieces, report = lakh.load_genre(tmp_path, "Rock", workers=1, progress=False)
    assert [seq.id for seq in pieces] == [ROCK_BEST] and report.empty


def test_second_download_verifies_and_fetches_nothing(tmp_path, fake_web):
    lakh.download(tmp_path, opener=fake_web, progress=False)
    fake_web.requests.clear()
    lakh.download(tmp_path, opener=fake_web, progress=False)
    assert fake_web.requests == []


def test_a_damaged_file_is_downloaded_again(tmp_path, fake_web):
    lakh.download(tmp_path, opener=fake_web, progress=False)
    (tmp_path / "match_scores.json").write_text("{}")  # damaged since the first download
    fake_web.requests.clear()
    lakh.download(tmp_path, parts=["match_scores"], opener=fake_web, progress=False)
    assert fake_web.requests == [lakh.FILES["match_scores"]["url"]]
    assert lakh.read_match_scores(tmp_path / "match_scores.json") == {ROCK_BEST: {MD5["best"]: 0.9}}


def test_a_changed_server_file_fails_against_the_recorded_checksum(tmp_path, fake_web):
    lakh.download(tmp_path, parts=["match_scores"], opener=fake_web, progress=False)
    (tmp_path / "match_scores.json").unlink()
    fake_web.files[lakh.FILES["match_scores"]["url"]] = b'{"changed": {}}'
    with pytest.raises(lakh.ChecksumError, match="recorded in checksums.json"):
        lakh.download(tmp_path, parts=["match_scores"], opener=fake_web, progress=False)
    assert not (tmp_path / "match_scores.json").exists()
    assert not list(tmp_path.glob("*.part"))


def test_expected_checksum_mismatch_raises_and_deletes_the_file(tmp_path, fake_web):
    with pytest.raises(lakh.ChecksumError, match="bad file was deleted") as info:
        lakh.download(tmp_path, parts=["match_scores"], opener=fake_web, progress=False,
                      expected_sha256={"match_scores": "0" * 64})
    assert "0" * 64 in str(info.value)
    assert not (tmp_path / "match_scores.json").exists()
    assert not list(tmp_path.glob("*.part"))
    assert "match_scores.json" not in json.loads((tmp_path / "checksums.json").read_text())


def test_expected_checksum_match_passes(tmp_path, fake_web):
    data = fake_web.files[lakh.FILES["match_scores"]["url"]]
    paths = lakh.download(tmp_path, parts=["match_scores"], opener=fake_web, progress=False,
                          expected_sha256={"match_scores": sha(data)})
    assert paths["match_scores"].read_bytes() == data


def test_fetch_reads_a_local_file_url_with_the_default_opener(tmp_path):
    source = tmp_path / "source.bin"
    source.write_bytes(b"x" * 3_000_000)  # more than one chunk
    digest = lakh.fetch(source.as_uri(), tmp_path / "copy.bin", progress=False)
    assert digest == sha(source.read_bytes())
    assert (tmp_path / "copy.bin").read_bytes() == source.read_bytes()
    with pytest.raises(lakh.ChecksumError):
        lakh.fetch(source.as_uri(), tmp_path / "again.bin", expected_sha256="f" * 64,
                   progress=False)
    assert not (tmp_path / "again.bin").exists()


def test_unknown_part_is_refused(tmp_path):
    with pytest.raises(ValueError, match="lmd_matched"):
        lakh.download(tmp_path, parts=["everything"], opener=FakeWeb({}))


@pytest.mark.parametrize("name", ["../evil.txt", "/tmp/evil.txt", "lmd_matched/../../evil.txt",
                                  "C:\\evil.txt", "..\\evil.txt"])
def test_unpacking_refuses_paths_that_escape(tmp_path, name):
    for archive in (tar_gz({name: b"gotcha"}), zip_bytes({name: b"gotcha"})):
        path = tmp_path / "bad.archive"
        path.write_bytes(archive)
        with pytest.raises(lakh.UnsafeArchiveError, match="refusing"):
            lakh.unpack_safely(path, tmp_path / "out")
    assert not (tmp_path / "evil.txt").exists()


def test_unpacking_refuses_links(tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        link = tarfile.TarInfo("lmd_matched/passwd")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    (tmp_path / "links.tar.gz").write_bytes(buffer.getvalue())
    with pytest.raises(lakh.UnsafeArchiveError, match="link"):
        lakh.unpack_safely(tmp_path / "links.tar.gz", tmp_path / "out")


def test_a_refused_archive_leaves_nothing_half_unpacked(tmp_path, fake_web):
    url = lakh.FILES["lmd_matched"]["url"]
    fake_web.files[url] = tar_gz({"lmd_matched/ok.mid": b"MThd", "../evil.mid": b"x"})
    with pytest.raises(lakh.UnsafeArchiveError):
        lakh.download(tmp_path / "dest", parts=["lmd_matched"], opener=fake_web, progress=False)
    assert not (tmp_path / "dest" / "lmd_matched").exists()
    assert not list((tmp_path / "dest").glob(".unpacking-*"))
    assert not (tmp_path / "evil.mid").exists()


def test_practice_dataset_runs_through_the_real_loader(tmp_path):
    root = lakh.make_practice_dataset(tmp_path)
    table = lakh.genre_files(root, "rock")
    assert len(table) == 4 and table.loc[0, "md5"] == "a" * 32  # the better of two candidates
    pieces, report = lakh.load_genre(root, "Rock", progress=False)
    assert len(pieces) == 3
    assert list(report["reason"].str.contains("data byte must be in range")) == [True]
