"""The corpus's music is right: bars on written downbeats, no ornaments, each O'Neill's tune once.

music21, the reference parser, is the judge: it finds each tune's pickup
(an incomplete first measure) and gives the written notes. Parsing a tune
with it takes about 45 ms, so the pickup check uses a fixed sample of 220
tunes spread over the three folk collections.
"""

import numpy as np
import pytest

from helpers import corpus
from helpers.corpus.sources import read_tunes
from helpers.music import grid_span
from helpers.tokenizers import PositionTokenizer

SAMPLE = {"essen": 100, "oneills": 60, "ryans": 60}  # tunes per collection, evenly spread


@pytest.fixture(scope="module")
def table():
    corpus.build_corpus(progress=False)
    return corpus.corpus_table()


@pytest.fixture(scope="module")
def manifest(table):
    return corpus.read_manifest()


def abc_text(row):
    """The ABC text of a tune of the table, as music21 ships it."""
    index = int(row["id"].rsplit("/", 1)[1])
    return dict(read_tunes(corpus.music21_corpus_dir() / row["source"]))[index]


def music21_downbeat(tune):
    """music21's pickup (quarter notes) and the first note of the first full bar: (offset, lowest pitch)."""
    import music21

    score = music21.converter.parse(tune, format="abc")
    measures = list(score.parts[0].getElementsByClass("Measure")) if score.parts else []
    if len(measures) < 2 or not measures[0].paddingLeft:
        return 0.0, None
    notes = [n for n in measures[1].notes if not n.duration.isGrace]
    first = (float(notes[0].offset), min(p.midi for p in notes[0].pitches)) if notes else None
    return float(measures[0].duration.quarterLength), first


def tokens_after_second_bar(tokens):
    """The two tokens after the second BAR: the first full bar's first position and note."""
    bars = [i for i, token in enumerate(tokens) if token == "BAR"]
    return tokens[bars[1] + 1:bars[1] + 3] if len(bars) > 1 else []


# --- pickups -------------------------------------------------------------------

def test_first_downbeats_are_on_bar_lines_as_music21_reads_them(table):
    tok = PositionTokenizer()
    sample = [row for collection, n in SAMPLE.items()
              for row in spread(table[table["collection"] == collection], n)]
    assert len(sample) >= 200
    agree, with_pickup, on_the_bar, misses = 0, 0, 0, []
    for row in sample:
        pickup, first = music21_downbeat(abc_text(row))
        agree += row["pickup"] == pytest.approx(pickup)
        if not pickup or first is None:
            continue
        with_pickup += 1
        offset, pitch = first
        expected = [f"POSITION_{round(offset * 4)}", f"NOTE_ON_{pitch}"]
        found = tokens_after_second_bar(tok.tokens(corpus.load_piece(row["id"])))
        on_the_bar += found == expected
        if found != expected:
            misses.append((row["id"], expected, found))
    assert with_pickup >= 100  # most of the sample opens with a pickup
    assert on_the_bar >= 0.99 * with_pickup, misses
    assert agree >= 0.99 * len(sample)


def spread(rows, n):
    """``n`` rows evenly spread over a table (the same ones on every machine)."""
    step = len(rows) / n
    return [rows.iloc[int(i * step)] for i in range(n)]


def tokens_of(table, collection, source, tune):
    row = table[(table["collection"] == collection) & (table["source"] == source)
                & (table["tune"] == tune)].iloc[0]
    return row, PositionTokenizer().tokens(corpus.load_piece(row["id"]))


@pytest.mark.parametrize("collection, source, tune, pickup, opening", [
    # O'Neill's 565, a jig in 6/8: "G|c2 e (ef).g|": an eighth-note G, then the downbeat C
    ("oneills", "oneills1850/0550-0625.abc", 565, 0.5,
     "BAR TIMESIG_6/8 POSITION_10 NOTE_ON_67 DURATION_2 BAR POSITION_0 NOTE_ON_72"),
    # O'Neill's 1194, My Maryanne, a reel in C| (2/2): "d|cded cAGB|"
    ("oneills", "oneills1850/1176-1275.abc", 1194, 0.5,
     "BAR TIMESIG_2/2 POSITION_14 NOTE_ON_74 DURATION_2 BAR POSITION_0 NOTE_ON_72"),
    # Essen, Der Brautmoerder in 4/4, K:E: "B,B,B, | E3F=G2F2 |": three eighths up to the bar
    ("essen", "essenFolksong/altdeu10.abc", 8, 1.5,
     "BAR TIMESIG_4/4 POSITION_10 NOTE_ON_59 DURATION_2 POSITION_12 NOTE_ON_59 DURATION_2 "
     "POSITION_14 NOTE_ON_59 DURATION_2 BAR POSITION_0 NOTE_ON_64 DURATION_6"),
    # Ryan's Acacia Reel in 2/4: "u((3DEF)|vG2vGA": a 16th-note triplet up to the bar. On the
    # 16th grid E (at step 6.67) and F# (7.33) both round to step 7: the earlier of the two, as
    # near, stays and F# is dropped as finer than the grid (Report.finer), not played as a chord
    ("ryans", "ryansMammoth/AcaciaReel.abc", 1, 0.5,
     "BAR TIMESIG_2/4 POSITION_6 NOTE_ON_62 DURATION_1 POSITION_7 NOTE_ON_64 DURATION_1 "
     "BAR POSITION_0 NOTE_ON_67 DURATION_2"),
    # a song with no pickup starts on POSITION_0: Essen, Renmin gongshe shizai hao
    ("essen", "essenFolksong/han1.abc", 1, 0.0, "BAR TIMESIG_2/4 POSITION_0"),
])
def test_named_tunes_start_their_first_full_bar_on_a_bar_line(table, collection, source, tune,
                                                               pickup, opening):
    row, tokens = tokens_of(table, collection, source, tune)
    assert row["pickup"] == pickup
    assert " ".join(tokens[1:1 + len(opening.split())]) == opening


def test_chorale_pickups_agree_with_music21(table, manifest):
    import music21

    chorales = table[table["collection"] == "chorales"]
    assert manifest["counts"]["chorale_pickups"] == (chorales["pickup"] > 0).sum() >= 200
    for _, row in chorales.iloc[::60].iterrows():
        score = music21.converter.parse(corpus.music21_corpus_dir() / row["source"])
        first = score.parts[0].getElementsByClass("Measure")[0]
        expected = float(first.duration.quarterLength) if first.paddingLeft else 0.0
        assert row["pickup"] == expected, row["id"]
    tokens = PositionTokenizer().tokens(corpus.load_piece("chorales/bwv66.6"))
    assert tokens[1:4] == ["BAR", "TIMESIG_4/4", "POSITION_12"]  # a quarter-note upbeat


def test_few_bar_lines_miss_the_grid(table, manifest):
    counts = manifest["counts"]
    assert counts["bar_lines"] > 150_000
    assert counts["bar_lines_off_grid"] < 0.1 * counts["bar_lines"]
    folk = table[table["collection"] != "chorales"]
    assert counts["folk_tunes_off_grid"] == (folk["bars_off_grid"] > 0).sum() < 0.2 * len(folk)
    # After the Hare: the B part has its own upbeat after a full last bar of the A part
    hare = table.set_index("id").loc["ryans/AfterTheHareReel/1"]
    assert hare["bars_off_grid"] > 10


# --- grace notes and ornaments -------------------------------------------------

def test_grace_notes_and_ornaments_are_counted(manifest):
    counts = manifest["counts"]
    assert counts["grace_notes"] > 3_000 and counts["tunes_with_grace_notes"] > 800
    assert counts["ornaments"] > 1_500


def test_a_tune_with_grace_notes_has_music21s_written_notes():
    """O'Neill's 1116, The Rocky Road to Dublin: "e2a {b}a2f": the a keeps its full quarter note."""
    import music21

    tune = dict(read_tunes(corpus.music21_corpus_dir() / "oneills1850/1116-1135_mh.abc"))[1]
    assert "{b}a2" in tune
    score = music21.converter.parse(tune, format="abc").expandRepeats()
    written = [(p.midi, float(n.quarterLength)) for n in score.flatten().notes
               if not n.duration.isGrace for p in n.pitches]
    text, removed = corpus.strip_ornaments(tune)
    notes, _, _ = corpus.parse_abc_tune(text)
    ours = [(int(p), (int(e) - int(s)) / corpus.TPQ)
            for p, s, e in zip(notes["pitch"], notes["start"], notes["end"])]
    assert removed == {"grace_notes": 5, "ornaments": 0}
    assert ours == written and len(ours) == 176


def test_remaining_notes_on_one_16th_step_are_written_rhythms(table):
    """After the ornaments are gone, two onsets share a 16th step only where the music says so.

    Either two notes start together (a chord written [ceg]), or the rhythm is
    finer than a 16th: a note shorter than a 16th or one that starts between
    two 16th steps (16th-note triplets, 32nd notes, a dotted 16th and a
    32nd, and the notes after them). Before (format 1) 45.6 % of O'Neill's and Ryan's tunes had such
    steps, from grace notes; now under 17 %, all of them written rhythms.
    """
    irish = table[table["collection"].isin(["oneills", "ryans"])]
    tunes_with = 0
    for piece_id in irish["id"]:
        pitch, start, end = corpus.piece_arrays(piece_id)
        steps, _ = grid_span(start / corpus.TPQ, end / corpus.TPQ)  # the tokenizers' grid
        _, first, count = np.unique(steps, return_index=True, return_counts=True)
        shared = [slice(i, i + n) for i, n in zip(first, count) if n > 1]
        tunes_with += bool(shared)
        for notes in shared:
            chord = len(set(start[notes].tolist())) < len(start[notes])
            sixteenth = corpus.TPQ // 4
            fine = (end[notes] - start[notes]).min() < sixteenth or (start[notes] % sixteenth).any()
            assert chord or fine, (piece_id, pitch[notes].tolist(), start[notes].tolist())
    assert tunes_with < 0.17 * len(irish)


# --- each of O'Neill's tunes once ------------------------------------------------

def test_oneills_tunes_are_read_once(table, manifest):
    oneills = table[table["collection"] == "oneills"]
    assert oneills["tune"].is_unique
    assert set(oneills["tune"]) == set(range(1, 1851)) - {573, 589, 620, 621, 622, 623, 624,
                                                           1371, 1372, 1373, 1374}
    skipped = corpus.repeated_tunes()
    assert manifest["counts"]["repeats_skipped"] == len(skipped) == 2_009 - 1_839
    skipped_files = {f"oneills1850/{name}" for name in corpus.ONEILLS_REPEATED_FILES}
    assert not skipped_files & set(oneills["source"])
    by_tune = oneills.set_index("tune")
    assert by_tune.loc[700, "title"] == "O'Carolan's Farewell to Music"  # written X:800
    assert by_tune.loc[700, "type"] == "air"
    assert by_tune.loc[1780, "title"] == "Caroline O'Neill's Hornpipe"
    assert by_tune.loc[1781, "title"] == "Ace and Deuce of Pipering, The"
    assert by_tune.loc[1646, "title"] == "The Supple Dancer"  # written X:0


@pytest.mark.parametrize("source, number, skipped", [
    ("oneills1850/0626-0635.abc", 630, True),
    ("oneills1850/0626-0700.abc", 630, False),
    ("oneills1850/1701-1780.abc", 1781, True),   # tune 1780 a second time
    ("oneills1850/1781-1800.abc", 1781, False),
    ("oneills1850/0626-0700.abc", 800, False),   # tune 700, not a second 800
    ("oneills1850/0981-1000.abc", 981, True),
    ("essenFolksong/han1.abc", 981, False),
])
def test_repeat_reasons(source, number, skipped):
    assert bool(corpus.repeat_reason(source, number)) == skipped


# --- cleaning the ABC ----------------------------------------------------------

def test_ornaments_leave_headers_comments_lyrics_and_chord_symbols_alone():
    tune = ("X:1\nT:Tea {for} Two\nN:grace notes {A}F4 omitted\nM:6/8\nK:G\n"
            '"Am"{g}A2B ~c2 Td|"^Tr{x}" HG6|!f!RB3 !trill!c3 % {a} comment\n'
            "w:lyr-ics {with} braces\n%{b} comment line\n"
            "[K:D] {/ag}f2e [M:3/4] d3 {cd}c2|\n")
    text, removed = corpus.strip_ornaments(tune)
    assert text.splitlines()[:5] == tune.splitlines()[:5]  # the header
    assert text.splitlines()[5] == '"Am"A2B c2 d|"^Tr{x}" G6|!f!B3 c3 % {a} comment'
    assert text.splitlines()[6:8] == tune.splitlines()[6:8]
    assert text.splitlines()[8] == "[K:D] f2e [M:3/4] d3 c2|"
    assert removed == {"grace_notes": 5, "ornaments": 5}


def test_a_tunes_own_midi_lines_are_dropped():
    tune = "X:1\n%%MIDI program 40\nK:G\n%%midi transpose 12\nG|c2e|\n"
    assert corpus.strip_midi_directives(tune) == "X:1\nK:G\nG|c2e|\n"


@pytest.mark.parametrize("name, tune, bar_lines, pickup, off_grid", [
    ("pickup", "X:1\nM:6/8\nL:1/8\nK:G\nG|c2e gfe|d6|]\n", [0, 240, 1680], 240, 0),
    ("no pickup", "X:1\nM:2/4\nL:1/8\nK:G\nGABc|d2d2|\n", [0, 960], 0, 0),
    ("free meter", "X:1\nM:none\nL:1/8\nK:G\nGAB c2d|e4 dc|B2\n", [0, 1440, 2880], 0, 2),
    ("meter change", "X:1\nM:3/4\nL:1/8\nK:G\nG|ABc def|g6|[M:2/4]ab ag|f4|]\n",
     [0, 240, 1680, 3120, 4080], 240, 1),
    ("two voices", "X:1\nM:3/4\nL:1/8\nK:G\nV:1\nD2|G4 A2|B6|]\nV:2\nz2|B,4 C2|D6|]\n",
     [0, 480, 1920], 480, 0),
    ("its own drums", "X:1\nM:6/8\nL:1/8\nK:G\n%%MIDI drum dd 35 38 100 100\n%%MIDI drumon\n"
                      "G|c2e gfe|d6|]\n", [0, 240, 1680], 240, 0),
])
def test_abc2midi_bar_lines_give_the_pickup(name, tune, bar_lines, pickup, off_grid):
    text = corpus.strip_ornaments(corpus.strip_midi_directives(tune))[0]
    with corpus.captured_output():
        notes, _, lines = corpus.parse_abc_tune(text)
    meter = corpus.clean_meter(corpus.header_fields(tune)["M"])
    moved, found, missed = corpus.align_to_bars(notes, lines, meter)
    assert lines.tolist() == bar_lines
    assert (found, missed) == (pickup, off_grid)
    shift = corpus.bar_ticks(meter) - pickup if pickup else 0
    assert (moved["start"] - notes["start"] == shift).all()
    if pickup:
        assert (moved["start"] == corpus.bar_ticks(meter)).sum() >= 1  # a note on the first downbeat


def test_written_chords_start_together():
    notes, _, _ = corpus.parse_abc_tune("X:1\nM:2/4\nL:1/8\nK:C\n[ceg]2 d2|\n")
    assert notes["start"].tolist() == [0, 0, 0, 480]


@pytest.mark.parametrize("bar_lines, bar, end, expected", [
    ([1440, 2880, 4320], 1440, 5000, 0),
    ([1440, 2640, 4080], 1440, 5000, 2),       # a B part's own pickup: the rest is off
    ([1920, 3360, 3840, 5760], 1920, 7000, 0),  # 3 beats + a 1-beat upbeat split one bar
    ([1920, 3360, 5760], 1920, 7000, 1),        # ... but not without the bar line after
    ([1920, 3843], 1920, 7000, 0),              # triplet rounding is not a miss
])
def test_bars_off_grid(bar_lines, bar, end, expected):
    assert corpus.bars_off_grid(bar_lines, bar, end) == expected


def test_pickup_ticks_needs_a_short_first_bar():
    assert corpus.pickup_ticks([0, 240, 1680], 1440) == 240
    assert corpus.pickup_ticks([0, 1440], 1440) == 0
    assert corpus.pickup_ticks([0, 1920], 1440) == 0  # an overfull first bar is no pickup
    assert corpus.pickup_ticks([0], 1440) == 0


def test_musicxml_bar_lines_follow_the_measures():
    text = corpus.musicxml_text(corpus.music21_corpus_dir() / "bach/bwv66.6.mxl")
    lines = corpus.musicxml_bar_lines(text)
    assert lines[:3].tolist() == [0, 480, 2400]  # a quarter-note upbeat, then 4/4 bars
    assert (np.diff(lines[1:]) % 480 == 0).all()


def test_on_the_16th_grid_only_written_chords_share_a_step(table):
    """What the tokenizers see: grace notes gone, and figures finer than a 16th (triplets of 16ths,
    32nds) thinned by the tokenizers' grid, so fewer than 2 % of O'Neill's and Ryan's tunes have two
    notes on one 16th step that the ABC does not write as a chord (in fact none); the written chords
    (double stops such as [A4a4]) stay chords."""
    from helpers.tokenizers import PositionTokenizer

    irish = table[table["collection"].isin(["oneills", "ryans"])]
    tokenizer = PositionTokenizer()
    not_chords, chords, thinned = 0, 0, 0
    for piece_id, piece in zip(irish["id"], corpus.load_pieces(list(irish["id"]))):
        _, written_start, _ = corpus.piece_arrays(piece_id)
        written_chord = len(set(written_start.tolist())) < len(written_start)
        starts = [round(note.start_time, 6) for note in tokenizer.prepare(piece).notes]
        shared = len(set(starts)) < len(starts)
        chords += shared and written_chord
        not_chords += shared and not written_chord
        tokenizer.encode(piece)
        thinned += tokenizer.last_report.finer
    assert not_chords < 0.02 * len(irish) and not_chords == 0
    assert 0 < chords < 0.05 * len(irish)
    assert thinned > 1000     # the 16th-note triplets of hornpipes and reels, reported
