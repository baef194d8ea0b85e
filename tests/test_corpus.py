"""The corpus of lesson 2 (helpers.corpus): counts, metadata, the cache, failures.

The real corpus is built once per test session (20-40 s on 2 cores, nothing
when the cache is already valid) and shared; tests of the cache itself build
a tiny corpus (``limit_files=1``) in a temporary folder. The music itself
(pickups, ornaments, repeated tunes) is checked in tests/test_corpus_music.py.
"""

import json

import numpy as np
import pytest

from helpers import corpus
from helpers.__main__ import main
from helpers.corpus import build

BROKEN_TUNES = [
    (1, "X:1\nT:Good\nM:2/4\nL:1/8\nK:G\nGABc|d2d2|\n"),
    (2, "X:2\nT:Bad key\nM:2/4\nL:1/8\nK:H\nGABc|d2d2|\n"),  # abc2midi makes no file
    (3, "X:3\nT:No notes\nM:2/4\nL:1/8\nK:C\n"),
]


@pytest.fixture(scope="session")
def manifest():
    """The real corpus, built once for the whole session (or found valid)."""
    return corpus.build_corpus(progress=False)


@pytest.fixture(scope="session")
def table(manifest):
    return corpus.corpus_table()


@pytest.fixture
def tiny_cache(tmp_path, monkeypatch):
    """A temporary COURSE_CACHE; tests build a tiny corpus there."""
    monkeypatch.setenv("COURSE_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "corpus"


def count_parses(monkeypatch):
    """Count the calls to the ABC worker (in-process builds, ``workers=1``)."""
    calls = []
    parse = build.parse_abc_file
    monkeypatch.setattr(build, "parse_abc_file", lambda *task: calls.append(1) or parse(*task))
    return calls


# --- the real corpus ---------------------------------------------------------

def test_the_corpus_holds_the_folk_tunes_and_chorales(manifest, table):
    counts = manifest["counts"]
    assert counts["folk"] >= 11_000 and counts["chorales"] >= 350
    assert counts["essen"] >= 8_000 and counts["ryans"] >= 1_000
    assert counts["oneills"] == 1_839  # the book's 1,850 less the 11 numbers music21 lacks
    assert len(table) == counts["folk"] + counts["chorales"]
    assert table["collection"].value_counts().to_dict() == {c: counts[c] for c in corpus.COLLECTIONS}
    assert counts["notes"] == table["n_notes"].sum() > 1_000_000


def test_metadata_columns_are_filled(table):
    assert list(table.columns) == corpus.COLUMNS
    assert table["id"].is_unique
    by = dict(list(table.groupby("collection")))
    assert (by["essen"]["region"] != "").mean() >= 0.95
    assert (by["essen"]["country"] != "").mean() >= 0.95
    assert (by["oneills"]["type"] != "").mean() >= 0.95
    assert (by["ryans"]["type"] != "").mean() >= 0.95
    assert set(by["chorales"]["type"]) == {"chorale"}
    assert (table["meter"] != "").mean() >= 0.95 and (table["key"] != "").mean() >= 0.99
    assert not table[["title", "region", "type", "meter", "key"]].isna().any().any()
    assert (table["lowest"] <= table["highest"]).all() and (table["beats"] > 0).all()
    bar = table["meter"].map(lambda m: corpus.bar_ticks(m) / corpus.TPQ)
    assert ((table["pickup"] >= 0) & (table["pickup"] < bar)).all()
    assert (table["bars_off_grid"] >= 0).all()


def test_dance_types_are_normalised(table):
    irish = table[table["collection"].isin(["oneills", "ryans"])]
    types = set(irish["type"])
    assert {"reel", "jig", "double jig", "hornpipe", "slip jig", "strathspey", "air"} <= types
    assert not {"slipjig", "Reel", "fling"} & types
    assert all(t == t.lower().strip() for t in types)


def test_jigs_meters_are_as_the_docstring_says(table):
    """tune_type's docstring: O'Neill's jigs are in 6/8; Ryan's also in 9/8, 2/4 and 2/2."""
    oneills = table[(table["collection"] == "oneills") & table["type"].isin(["jig", "double jig"])]
    assert (oneills["meter"] == "6/8").mean() > 0.99
    ryans = table[(table["collection"] == "ryans") & (table["type"] == "jig")]
    assert {"6/8", "9/8", "2/4", "2/2"} <= set(ryans["meter"])
    assert (ryans["meter"] == "6/8").mean() > 0.75


@pytest.mark.parametrize("piece_id, expected", [
    ("essen/han1/0001", {"title": "Renmin gongshe shizai hao", "region": "China, Shaanxi, Zizhou",
                         "country": "China", "type": "Wuge, Shuichuan qu. Xin minge",
                         "meter": "2/4", "key": "C", "tune": 1, "pickup": 0.0}),
    ("oneills/0001-0050/0001", {"title": "The Enchanted Valley", "type": "air", "key": "Gm"}),
    ("oneills/0550-0625/0016", {"title": "Fragrant Blossoms.", "type": "jig", "meter": "6/8",
                                "tune": 565, "pickup": 0.5, "bars_off_grid": 0}),
    ("ryans/AcaciaReel/1", {"title": "Acacia -- Reel", "type": "reel", "meter": "2/4", "key": "G"}),
    ("chorales/bwv66.6", {"type": "chorale", "meter": "4/4", "key": "F#m", "pickup": 1.0}),
])
def test_known_rows(table, piece_id, expected):
    row = table.set_index("id").loc[piece_id]
    assert {name: row[name] for name in expected} == expected


@pytest.mark.parametrize("piece_id", ["essen/han1/0001", "oneills/1176-1275/0001",
                                      "ryans/AcaciaReel/1", "chorales/bwv66.6"])
def test_load_piece_matches_its_table_row(table, piece_id):
    row = table.set_index("id").loc[piece_id]
    seq = corpus.load_piece(piece_id)
    pitches = [n.pitch for n in seq.notes]
    assert len(pitches) == row["n_notes"]
    assert (min(pitches), max(pitches)) == (row["lowest"], row["highest"])
    assert seq.tempos[0].qpm == pytest.approx(row["qpm"])
    assert seq.total_time == pytest.approx(row["beats"] * 60 / row["qpm"])
    numerator, denominator = row["meter"].split("/")
    assert len(seq.time_signatures) == 1 and seq.time_signatures[0].time == 0
    assert (seq.time_signatures[0].numerator, seq.time_signatures[0].denominator) == \
        (int(numerator), int(denominator))
    assert all(n.end_time > n.start_time for n in seq.notes)
    first = min(n.start_time for n in seq.notes) * row["qpm"] / 60  # in quarter notes
    bar = corpus.bar_ticks(row["meter"]) / corpus.TPQ
    assert first == pytest.approx(bar - row["pickup"] if row["pickup"] else 0)


def test_every_chorale_has_four_voices(manifest, table):
    arrays = corpus.corpus_arrays()
    for piece_id in table.loc[table["collection"] == "chorales", "id"]:
        i = arrays["index"][piece_id]
        voices = arrays["voice"][arrays["offsets"][i]:arrays["offsets"][i + 1]]
        assert set(voices.tolist()) == {0, 1, 2, 3}, piece_id
    assert manifest["counts"]["chorale_files_skipped"] > 0  # the orchestrated ones


def test_chorale_voices_are_four_instruments_from_soprano_down():
    seq = corpus.load_piece("chorales/bwv66.6")
    voices = {i: [n.pitch for n in seq.notes if n.instrument == i] for i in range(4)}
    assert {n.instrument for n in seq.notes} == {0, 1, 2, 3}
    means = [np.mean(voices[i]) for i in range(4)]
    assert means == sorted(means, reverse=True)  # soprano highest, bass lowest


def test_load_pieces_and_piece_arrays_agree(table):
    ids = list(table["id"].iloc[::2000])
    for seq, piece_id in zip(corpus.load_pieces(ids), ids):
        pitch, start, end = corpus.piece_arrays(piece_id)
        assert [n.pitch for n in seq.notes] == pitch.tolist()
        assert np.issubdtype(start.dtype, np.integer) and (end > start).all()
        assert (np.diff(start) >= 0).all()  # in time order
    with pytest.raises(KeyError, match="no/such"):
        corpus.piece_arrays("no/such")


def test_folk_starts_lie_on_the_grid():
    """abc2midi starts notes one tick late; the build moves them back."""
    arrays = corpus.corpus_arrays()
    assert (arrays["start"] % 10 == 0).mean() > 0.99


def test_failures_are_recorded_with_reasons(manifest):
    failures = corpus.corpus_failures()
    assert list(failures.columns) == ["id", "source", "tune", "title", "reason"]
    assert len(failures) == manifest["counts"]["failures"] < 50
    assert (failures["reason"].str.len() > 10).all()


def test_a_valid_cache_is_not_rebuilt(manifest, monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("the corpus was parsed again")

    monkeypatch.setattr(build, "folk_tasks", must_not_run)
    monkeypatch.setattr(build, "chorale_tasks", must_not_run)
    assert corpus.build_corpus()["built_at"] == manifest["built_at"]


def test_cli_build_and_info_print_the_summary(manifest, capsys):
    assert main(["data", "build"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0] == corpus.summary_line(manifest)
    assert "folk tunes (essen" in out[0] and "chorales" in out[0]
    assert main(["data", "info"]) == 0
    info = capsys.readouterr().out.strip().splitlines()
    assert info[-1] == out[0]
    assert "pickups:" in info[1] and "grace notes" in info[1] and "off the grid" in info[1]


# --- the worker and the cache, on tiny builds ---------------------------------

def test_worker_records_broken_tunes_and_prints_nothing(capfd):
    result = corpus.parse_abc_file("essen", "essenFolksong/made_up.abc", BROKEN_TUNES)
    assert [row["title"] for row in result["rows"]] == ["Good"]
    reasons = {f["tune"]: f["reason"] for f in result["failures"]}
    assert "RuntimeError" in reasons[2] and "K: field" in reasons[2]  # abc2midi's own words
    assert reasons[3].startswith("no notes")
    assert result["failures"][0]["source"] == "essenFolksong/made_up.abc"
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_a_build_writes_only_its_cache_folder(tiny_cache, tmp_path, monkeypatch, capfd):
    workdir = tmp_path / "workdir"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    music21_files = sorted(corpus.music21_corpus_dir().rglob("*"))
    manifest = corpus.build_corpus(limit_files=1, workers=2, progress=False)
    assert manifest["counts"]["chorales"] == 1 and manifest["counts"]["folk"] > 20
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    assert written == ["cache", "cache/corpus", "cache/corpus/failures.csv",
                       "cache/corpus/manifest.json", "cache/corpus/notes.npz",
                       "cache/corpus/pieces.csv", "workdir"]
    assert sorted(corpus.music21_corpus_dir().rglob("*")) == music21_files
    assert capfd.readouterr() == ("", "")  # abc2midi's warnings were captured
    with np.load(tiny_cache / "notes.npz", allow_pickle=False) as data:
        assert len(data["offsets"]) == len(data["ids"]) + 1 == manifest["counts"]["folk"] + 2


@pytest.mark.parametrize("field, stale", [("format_version", corpus.FORMAT_VERSION - 1),
                                          ("music21_version", "1.0.0"),
                                          ("limit_files", None)])
def test_a_stale_cache_is_rebuilt(tiny_cache, monkeypatch, field, stale):
    corpus.build_corpus(limit_files=1, workers=1, progress=False)
    calls = count_parses(monkeypatch)
    corpus.build_corpus(limit_files=1, workers=1, progress=False)
    assert calls == []  # still valid: nothing parsed
    path = tiny_cache / "manifest.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), field: stale}))
    rebuilt = corpus.build_corpus(limit_files=1, workers=1, progress=False)
    assert calls and rebuilt[field] != stale
    assert json.loads(path.read_text()) == rebuilt


def test_force_rebuilds_and_a_missing_file_rebuilds(tiny_cache, monkeypatch):
    corpus.build_corpus(limit_files=1, workers=1, progress=False)
    calls = count_parses(monkeypatch)
    corpus.build_corpus(force=True, limit_files=1, workers=1, progress=False)
    assert len(calls) == 3  # one file per folk collection
    (tiny_cache / "notes.npz").unlink()
    corpus.build_corpus(limit_files=1, workers=1, progress=False)
    assert len(calls) == 6 and (tiny_cache / "notes.npz").exists()
    assert not list(tiny_cache.glob("*.tmp"))


# --- reading the ABC headers -------------------------------------------------

def test_tunes_split_at_x_lines_and_headers_are_cleaned():
    text = "%comment\nX:1\nT:One\nR: Xiaodiao]\nO: China, Shaanxi]\nK:G\nabc|\nX: 2\nT:Two\nK:D\nd|\n"
    tunes = corpus.split_tunes(text)
    assert len(tunes) == 2 and tunes[1].startswith("X: 2")
    fields = corpus.header_fields(tunes[0])
    assert fields == {"X": "1", "T": "One", "R": "Xiaodiao", "O": "China, Shaanxi", "K": "G"}


@pytest.mark.parametrize("function, value, expected", [
    (corpus.clean_meter, "C|", "2/2"),
    (corpus.clean_meter, "C", "4/4"),
    (corpus.clean_meter, "FREI4/4", "4/4"),
    (corpus.clean_meter, "none", ""),
    (corpus.clean_key, "AMix", "Amix"),
    (corpus.clean_key, "Amin", "Am"),
    (corpus.clean_key, "Dmix %D Minor?", "Dmix"),
    (corpus.clean_key, "F#m", "F#m"),
    (corpus.country_of, "China, Shaanxi, Zizhou", "China"),
    (corpus.country_of, "Europa, Mitteleuropa, Deutschland (BRD), Hessen", "Deutschland"),
    (corpus.country_of, "Luxemburg", "Luxemburg"),
    (corpus.normalise_type, "Reel", "reel"),
    (corpus.normalise_type, " slipjig", "slip jig"),
    (corpus.type_from_title, "CAMP MEETING -- JIG.", "jig"),
    (corpus.type_from_title, "WALK AROUND. -- CHAW ROAST BEEF.", "walkaround"),
    (corpus.type_from_title, "Andrew Carey's -- Slipjig", "slip jig"),
    (corpus.oneills_section, 1200, "reel"),
    (corpus.oneills_section, 1120, "slip jig"),
])
def test_field_cleaning(function, value, expected):
    assert function(value) == expected


@pytest.mark.parametrize("collection, fields, expected", [
    ("oneills", {"X": "800", "B": "O'Neill's 700"}, 700),
    ("oneills", {"X": "0", "B": "O'Neill's 1646"}, 1646),
    ("oneills", {"X": "1710", "B": "O'NEILL'S 1710"}, 1710),
    ("oneills", {"X": "12"}, 12),
    ("essen", {"X": "5", "B": "O'Neill's 700"}, 5),  # only O'Neill's B: names the book
    ("ryans", {"X": "x"}, 3),  # no number: the place in the file
])
def test_tune_numbers_come_from_the_book(collection, fields, expected):
    assert corpus.tune_number(collection, fields, 3) == expected
