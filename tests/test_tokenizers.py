"""The three tokenizers of lesson 3: exact tokens, reports, errors, JSON, fuzzing, the corpus."""

import json
import os
import random
import re
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from conftest import THIRTEEN_HOURS, delta, midi_file, thirteen_hour_midi

from helpers import music
from helpers.errors import ReadError
from helpers.notes import add_note, from_abc, from_musicxml, load_midi, new_sequence
from helpers.tokenizers import (BOS_ID, EOS_ID, PAD_ID, EventTokenizer, MelodyTokenizer, Report,
                                PositionTokenizer, Tokenizer, grid_notes, load_tokenizer,
                                quantize_for)

SCHEMES = [PositionTokenizer, EventTokenizer, MelodyTokenizer]
# The round trip runs over the whole corpus (about a minute), quick mode or not:
# exactness on every piece is the promise. COURSE_ROUNDTRIP_SAMPLE=1 samples
# these many pieces instead, for a fast local run.
CORPUS_SAMPLE = 1000
CHORALE_SAMPLE = 40


def piece(notes, qpm=120, meter=(4, 4), steps_per_quarter=4, drums=()):
    """A NoteSequence from ``(pitch, start_step, end_step[, velocity])`` notes on the grid."""
    step = 60 / qpm / steps_per_quarter
    seq = new_sequence(qpm=qpm, numerator=meter[0], denominator=meter[1])
    for pitch, start, end, *velocity in notes:
        add_note(seq, pitch, start * step, end * step, velocity=velocity[0] if velocity else 80)
    for pitch, start, end in drums:
        add_note(seq, pitch, start * step, end * step, is_drum=True)
    return seq


def round_trip(tok, seq):
    """The notes (pitch, start, end) that come back from encode then decode."""
    return grid_notes(tok.decode(tok.encode(seq)), tok.steps_per_quarter)


MELODY = [(62, 0, 4), (66, 4, 6), (69, 6, 8), (74, 8, 16), (73, 18, 20)]


# --- vocabulary -----------------------------------------------------------------

def test_vocabulary_sizes():
    # specials + BAR + 22 meters + 64 positions (4/1 is 64 steps) + 88 pitches + 32 durations
    assert len(PositionTokenizer().vocab) == 3 + 1 + 22 + 64 + 88 + 32 == 210
    # specials + 88 NOTE_ON + 88 NOTE_OFF + 16 TIME_SHIFT + 32 VELOCITY
    assert len(EventTokenizer().vocab) == 3 + 88 + 88 + 16 + 32 == 227
    assert len(EventTokenizer(velocity_bins=0).vocab) == 195
    # specials + REST + HOLD + 61 pitches (36..96)
    assert len(MelodyTokenizer().vocab) == 3 + 2 + 61 == 66
    assert len(PositionTokenizer(max_duration=16, time_signatures=["4/4", "3/4"]).vocab) == \
        3 + 1 + 2 + 16 + 88 + 16


def test_special_tokens_and_readable_names():
    for cls in SCHEMES:
        tok = cls()
        assert tok.vocab.names([PAD_ID, BOS_ID, EOS_ID]) == ["PAD", "BOS", "EOS"]
        ids = tok.encode(piece(MELODY))
        assert ids[0] == BOS_ID and ids[-1] == EOS_ID and PAD_ID not in ids
        names = tok.tokens(piece(MELODY))
        assert names == tok.vocab.names(ids) and tok.vocab.ids(names) == ids
        assert tok.vocab.name(ids[1]) == names[1]
        # padding and repeated BOS / EOS change nothing
        padded = [BOS_ID, PAD_ID] + ids + [EOS_ID] + [PAD_ID] * 5
        assert grid_notes(tok.decode(padded)) == grid_notes(tok.decode(ids)) == \
            [(p, s, e) for p, s, e in MELODY]
        assert tok.encode(new_sequence()) == [BOS_ID, EOS_ID]
        assert len(tok.decode([BOS_ID, EOS_ID]).notes) == 0
    with pytest.raises(KeyError, match="NOTE_ON_200"):
        PositionTokenizer().vocab.id("NOTE_ON_200")


# --- the positions scheme ------------------------------------------------------------

def test_positions_tokens_for_a_melody_and_a_chord():
    tok = PositionTokenizer()
    assert tok.tokens(piece([(60, 0, 4), (67, 0, 4), (64, 0, 4), (62, 6, 8), (64, 16, 20)])) == [
        "BOS", "BAR", "TIMESIG_4/4",
        "POSITION_0", "NOTE_ON_60", "DURATION_4", "NOTE_ON_64", "DURATION_4",
        "NOTE_ON_67", "DURATION_4",  # a chord: one POSITION, then its notes low to high
        "POSITION_6", "NOTE_ON_62", "DURATION_2",
        "BAR", "POSITION_0", "NOTE_ON_64", "DURATION_4", "EOS"]
    assert not tok.last_report.changed()


@pytest.mark.parametrize("meter,bar_steps", [((4, 4), 16), ((6, 8), 12), ((3, 4), 12),
                                             ((2, 2), 16), ((5, 8), 10), ((3, 8), 6)])
def test_positions_one_bar_token_per_bar(meter, bar_steps):
    tok = PositionTokenizer()
    # notes in bars 0, 1 and 4 (bars 2 and 3 are empty); the last note ends inside bar 5
    notes = [(60, 0, 2), (62, bar_steps + 1, bar_steps + 3), (64, 4 * bar_steps, 5 * bar_steps + 1)]
    names = tok.tokens(piece(notes, meter=meter))
    assert names.count("BAR") == 6
    assert names[1:3] == ["BAR", f"TIMESIG_{meter[0]}/{meter[1]}"]
    assert names.count(f"TIMESIG_{meter[0]}/{meter[1]}") == 1
    decoded = tok.decode(tok.encode(piece(notes, meter=meter)))
    assert grid_notes(decoded) == [(p, s, e) for p, s, e in notes]
    assert (decoded.time_signatures[0].numerator, decoded.time_signatures[0].denominator) == meter


def test_positions_meter_change_and_unknown_meter():
    tok = PositionTokenizer()
    seq = piece([(60, 0, 4), (62, 16, 20), (64, 28, 30), (65, 40, 42)])  # 4/4 bar, then 3/4
    seq.time_signatures.add(time=16 * 0.125, numerator=3, denominator=4)
    names = tok.tokens(seq)
    assert names.count("BAR") == 4 and names.count("TIMESIG_3/4") == 1  # bars at 0, 16, 28, 40
    assert names[names.index("TIMESIG_3/4") - 1] == "BAR"
    decoded = tok.decode(tok.encode(seq))
    assert grid_notes(decoded) == grid_notes(seq)
    assert [(ts.numerator, ts.denominator) for ts in decoded.time_signatures] == [(4, 4), (3, 4)]
    odd = piece([(60, 0, 4), (62, 20, 24)], meter=(11, 16))  # not in the vocabulary
    assert "TIMESIG_4/4" in tok.tokens(odd) and tok.last_report.meters_replaced == 1
    assert round_trip(tok, odd) == grid_notes(odd)  # the notes still come back exactly
    assert "TIMESIG_11/16" in PositionTokenizer(
        time_signatures=["4/4", "11/16"]).tokens(odd)


def test_positions_long_notes_are_cut_to_max_duration():
    tok = PositionTokenizer(max_duration=32)
    seq = piece([(60, 0, 40), (64, 0, 32)])
    names = tok.tokens(seq)
    assert names.count("DURATION_32") == 2 and tok.last_report.shortened == 1
    assert round_trip(tok, seq) == [(60, 0, 32), (64, 0, 32)]
    assert str(tok.last_report) == "2 notes in, 2 encoded; shortened: 1"


# --- the events scheme ------------------------------------------------------------------

def test_events_tokens():
    tok = EventTokenizer(max_shift=16)
    seq = piece([(60, 0, 4, 100), (64, 0, 4, 100), (60, 4, 6, 50), (67, 26, 28, 50)])
    assert tok.tokens(seq) == [
        "BOS", "VELOCITY_26", "NOTE_ON_60", "NOTE_ON_64", "TIME_SHIFT_4",
        "NOTE_OFF_60", "NOTE_OFF_64",  # releases before presses at the same time
        "VELOCITY_13", "NOTE_ON_60", "TIME_SHIFT_2", "NOTE_OFF_60",
        "TIME_SHIFT_16", "TIME_SHIFT_4",  # a 20-step wait
        "NOTE_ON_67", "TIME_SHIFT_2", "NOTE_OFF_67", "EOS"]  # same velocity bin: no VELOCITY
    assert not tok.last_report.changed()
    decoded = tok.decode(tok.encode(seq))
    assert [n.velocity for n in decoded.notes] == [102, 102, 50, 50]  # the middle of each bin
    plain = EventTokenizer(velocity_bins=0)
    assert not any(name.startswith("VELOCITY") for name in plain.tokens(seq))
    assert {n.velocity for n in plain.decode(plain.encode(seq)).notes} == {80}


def test_velocity_bins_come_back():
    for bins in (1, 2, 3, 7, 32, 64):
        tok = EventTokenizer(velocity_bins=bins)
        for b in range(1, bins + 1):
            assert tok.velocity_bin(tok.bin_velocity(b)) == b
        assert {tok.velocity_bin(v) for v in range(128)} == set(range(1, bins + 1))


def test_events_same_key_twice():
    tok = EventTokenizer()
    seq = piece([(60, 0, 8), (60, 4, 6)])
    assert round_trip(tok, seq) == [(60, 0, 4), (60, 4, 6)]
    assert tok.last_report.shortened == 1


# --- the melody scheme --------------------------------------------------------------

def test_melody_tokens():
    tok = MelodyTokenizer()
    assert tok.tokens(piece([(62, 0, 3), (64, 3, 4), (64, 6, 7)])) == [
        "BOS", "PITCH_62", "HOLD", "HOLD", "PITCH_64", "REST", "REST", "PITCH_64", "EOS"]
    assert round_trip(tok, piece(MELODY)) == [(p, s, e) for p, s, e in MELODY]


def test_melody_keeps_the_highest_note_and_reports_it():
    tok = MelodyTokenizer()
    chord = piece([(60, 0, 4), (64, 0, 4), (67, 0, 4), (62, 4, 8)])
    assert tok.tokens(chord)[1:6] == ["PITCH_67", "HOLD", "HOLD", "HOLD", "PITCH_62"]
    assert tok.last_report.hidden == 2 and tok.last_report.encoded == 2
    assert "hidden under a higher note (dropped): 2" in str(tok.last_report)
    # a long low note under a short high one comes back when the high one ends
    assert round_trip(tok, piece([(60, 0, 8), (72, 2, 4)])) == [(60, 0, 2), (72, 2, 4), (60, 4, 8)]
    assert tok.last_report.shortened == 1 and tok.last_report.hidden == 0


# --- what every scheme drops, and says so -------------------------------------------

@pytest.mark.parametrize("cls", SCHEMES)
def test_out_of_range_notes_are_dropped_and_reported(cls):
    tok = cls()
    low, high = tok.pitch_range
    seq = piece([(low - 1, 0, 4), (60, 0, 4), (high + 1, 4, 8), (72, 4, 8)])
    assert round_trip(tok, seq) == [(60, 0, 4), (72, 4, 8)]
    report = tok.last_report
    assert (report.notes, report.encoded, report.out_of_range) == (4, 2, 2)
    assert "out of the pitch range (dropped): 2" in str(report)
    narrow = cls(pitch_range=(60, 72))
    assert round_trip(narrow, seq) == [(60, 0, 4), (72, 4, 8)]
    assert f"NOTE_ON_{low}" not in narrow.vocab and f"PITCH_{low}" not in narrow.vocab


@pytest.mark.parametrize("cls", SCHEMES)
def test_drums_are_skipped_and_reported(cls):
    tok = cls()
    seq = piece(MELODY, drums=[(36, 0, 1), (42, 2, 3)])
    assert round_trip(tok, seq) == [(p, s, e) for p, s, e in MELODY]
    assert tok.last_report.drums == 2 and tok.last_report.encoded == len(MELODY)
    assert tok.encode_with_report(seq)[1] == tok.last_report


@pytest.mark.parametrize("cls", SCHEMES)
def test_duplicates_are_merged_and_reported(cls):
    tok = cls()
    assert round_trip(tok, piece([(60, 0, 2), (60, 0, 4)])) == [(60, 0, 4)]
    assert tok.last_report.duplicates == 1


# --- conditions -----------------------------------------------------------------------

@pytest.mark.parametrize("cls", SCHEMES)
def test_conditioning_tokens(cls):
    plain = cls()
    tok = cls(conditions=["STYLE_jig", "KEY_D", "METER_6/8"])
    assert len(tok.vocab) == len(plain.vocab) + 3
    assert tok.vocab.to_list()[:len(plain.vocab)] == plain.vocab.to_list()  # music ids unchanged
    ids = tok.encode(piece(MELODY), conditions=["STYLE_jig", "KEY_D"])
    assert tok.vocab.names(ids[:3]) == ["BOS", "STYLE_jig", "KEY_D"]
    assert ids[3:] == plain.encode(piece(MELODY))[1:]
    assert grid_notes(tok.decode(ids)) == [(p, s, e) for p, s, e in MELODY]
    assert tok.is_condition(ids[1]) and not tok.is_condition(ids[3])
    with pytest.raises(ValueError, match="STYLE_reel"):
        tok.encode(piece(MELODY), conditions=["STYLE_reel"])
    with pytest.raises(ValueError, match="PAD"):
        cls(conditions=["PAD"])
    with pytest.raises(ValueError, match="KEY_D"):
        cls(conditions=["KEY_D", "KEY_D"])
    with pytest.raises(ValueError, match="spaces"):
        cls(conditions=["STYLE jig"])
    with pytest.raises(TypeError, match="list"):
        cls(conditions="STYLE_jig")
    with pytest.raises(TypeError, match="list"):
        tok.encode(piece(MELODY), conditions="STYLE_jig")


# --- bad ids ----------------------------------------------------------------------------

@pytest.mark.parametrize("cls", SCHEMES)
def test_decode_rejects_ids_outside_the_vocabulary(cls):
    tok = cls()
    size = len(tok.vocab)
    for bad in (size, 9999, -1):
        message = rf"token id {bad} .*{size} tokens have ids 0 to {size - 1}"
        with pytest.raises(ValueError, match=message):
            tok.decode([BOS_ID, bad, EOS_ID])
    for bad in ("BAR", 1.5, None, True, [3]):
        with pytest.raises(TypeError, match="whole numbers; item 1"):
            tok.decode([BOS_ID, bad])
    ids = tok.encode(piece(MELODY))
    assert grid_notes(tok.decode(np.array(ids))) == grid_notes(tok.decode(ids))
    assert grid_notes(tok.decode([np.int64(i) for i in ids])) == grid_notes(tok.decode(ids))


# --- saving and loading -----------------------------------------------------------------

@pytest.mark.parametrize("tok", [
    PositionTokenizer(steps_per_quarter=12, pitch_range=(40, 90), max_duration=48,
                      time_signatures=["4/4", "6/8", "7/16"], conditions=["STYLE_jig"]),
    EventTokenizer(max_shift=8, velocity_bins=0, conditions=["KEY_D", "METER_6/8"]),
    MelodyTokenizer(steps_per_quarter=2, pitch_range=(48, 84)),
], ids=["positions", "events", "melody"])
def test_save_and_load_give_the_same_tokenizer(tok, tmp_path):
    path = tok.save(tmp_path / "tokenizer.json")
    data = json.loads(path.read_text())
    assert set(data) == {"scheme", "config", "vocabulary"}
    assert data["vocabulary"] == tok.vocab.to_list()
    for loaded in (type(tok).load(path), load_tokenizer(path), Tokenizer.from_json(tok.to_json())):
        assert loaded == tok and type(loaded) is type(tok)
        assert loaded.config() == tok.config() and loaded.vocab == tok.vocab
        seq = piece(MELODY, steps_per_quarter=tok.steps_per_quarter)
        assert loaded.encode(seq) == tok.encode(seq)
    assert tok != type(tok)()  # another configuration is another tokenizer
    other = MelodyTokenizer if type(tok) is not MelodyTokenizer else EventTokenizer
    with pytest.raises(ValueError, match="not a"):
        other.load(path)
    data["vocabulary"][5] = "EDITED"
    (tmp_path / "edited.json").write_text(json.dumps(data))
    with pytest.raises(ValueError, match="differs"):
        load_tokenizer(tmp_path / "edited.json")


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="steps_per_quarter"):
        PositionTokenizer(steps_per_quarter=0)
    with pytest.raises(ValueError, match="pitch_range"):
        MelodyTokenizer(pitch_range=(90, 60))
    with pytest.raises(ValueError, match="whole number of steps"):
        PositionTokenizer(time_signatures=["4/4", "5/32"])
    with pytest.raises(ValueError, match="4/4"):
        PositionTokenizer(time_signatures=["3/4"])
    with pytest.raises(ValueError, match="max_duration"):
        PositionTokenizer(max_duration=0)
    with pytest.raises(ValueError, match="velocity_bins"):
        EventTokenizer(velocity_bins=65)
    with pytest.raises(ValueError, match="max_shift"):
        EventTokenizer(max_shift=0)


# --- time: the grid, prepare and qpm --------------------------------------------------------

@pytest.mark.parametrize("cls", SCHEMES)
def test_prepare_snaps_to_the_grid_like_quantize(cls):
    rng = random.Random(3)
    seq = new_sequence(qpm=100)
    time = 0.0
    for _ in range(30):  # a monophonic line with times off the grid
        length = rng.uniform(0.1, 0.8)
        add_note(seq, rng.randint(50, 80), time, time + length)
        time += length + rng.choice([0, 0, 0.2])
    tok = cls()
    prepared = quantize_for(tok, seq)
    assert grid_notes(prepared) == grid_notes(music.quantize(seq))
    assert round_trip(tok, prepared) == grid_notes(prepared) == round_trip(tok, seq)
    assert prepared.tempos[0].qpm == 100


@pytest.mark.parametrize("cls", SCHEMES)
def test_decode_writes_seconds_at_the_given_tempo(cls):
    tok = cls()
    ids = tok.encode(piece(MELODY))
    fast, slow = tok.decode(ids, qpm=120), tok.decode(ids, qpm=60)
    assert slow.tempos[0].qpm == 60
    assert [n.end_time for n in slow.notes] == [2 * n.end_time for n in fast.notes]
    assert fast.notes[-1].end_time == 20 * 0.125


@pytest.mark.parametrize("cls", SCHEMES)
def test_triplet_grid(cls):
    tok = cls(steps_per_quarter=12)
    seq = piece([(60, 0, 4), (62, 4, 8), (64, 8, 12), (65, 12, 24)], steps_per_quarter=12)
    assert round_trip(tok, seq) == grid_notes(seq, 12)
    assert not tok.last_report.changed()


# --- robustness: whatever a model writes ----------------------------------------------------

@pytest.mark.parametrize("cls", SCHEMES)
def test_decode_survives_random_ids(cls):
    tok = cls(conditions=["STYLE_jig", "KEY_D"])
    low, high = tok.pitch_range
    rng = random.Random(0)
    total_notes = 0
    for _ in range(200):
        ids = [rng.randrange(len(tok.vocab)) for _ in range(rng.randrange(300))]
        decoded = tok.decode(ids)
        for note in decoded.notes:
            assert note.start_time < note.end_time and low <= note.pitch <= high
        total_notes += len(decoded.notes)
        # what decode writes, the tokenizer can represent again
        assert round_trip(tok, decoded) == grid_notes(tok.prepare(decoded))
    assert total_notes > 500  # the random sequences did make notes


# --- tempo changes, absurd tempos and the size limit (issue 8) -------------------------------

def tempo_change_piece():
    """120 qpm, then 60 qpm from 2 s (quarter 4): a note before, at and after the change.

    A 16th lasts 0.125 s before the change and 0.25 s after it.
    """
    seq = new_sequence(qpm=120)
    seq.tempos.add(time=2.0, qpm=60)
    add_note(seq, 60, 0.0, 0.5)   # 16ths 0 .. 4
    add_note(seq, 64, 2.0, 3.0)   # quarters 4 .. 5: 16ths 16 .. 20
    add_note(seq, 67, 4.25, 5.0)  # quarters 6.25 .. 7: 16ths 25 .. 28
    add_note(seq, 72, 8.0, 9.0)   # quarters 10 .. 11: 16ths 40 .. 44, in bar 2
    return seq


TEMPO_CHANGE_GRID = [(60, 0, 4), (64, 16, 20), (67, 25, 28), (72, 40, 44)]


@pytest.mark.parametrize("cls", SCHEMES)
def test_tempo_change_mid_piece(cls):
    seq = tempo_change_piece()
    assert grid_notes(seq) == TEMPO_CHANGE_GRID
    assert grid_notes(music.quantize(seq)) == TEMPO_CHANGE_GRID
    tok = cls()
    assert round_trip(tok, seq) == TEMPO_CHANGE_GRID
    assert grid_notes(tok.prepare(seq)) == TEMPO_CHANGE_GRID
    assert not tok.last_report.changed()
    # decode writes one tempo: the same steps, at its qpm
    back = tok.decode(tok.encode(seq), qpm=60)
    assert [(n.start_time, n.end_time) for n in back.notes][-1] == (10.0, 11.0)


def test_tempo_change_tokens():
    seq = tempo_change_piece()
    # BARs every 16 steps (4 quarters) whatever the tempo: bar 1 starts at 2 s, bar 2 at 6 s
    assert PositionTokenizer().tokens(seq) == [
        "BOS", "BAR", "TIMESIG_4/4", "POSITION_0", "NOTE_ON_60", "DURATION_4",
        "BAR", "POSITION_0", "NOTE_ON_64", "DURATION_4", "POSITION_9", "NOTE_ON_67", "DURATION_3",
        "BAR", "POSITION_8", "NOTE_ON_72", "DURATION_4", "EOS"]
    events = EventTokenizer(velocity_bins=0).tokens(seq)
    assert events == ["BOS", "NOTE_ON_60", "TIME_SHIFT_4", "NOTE_OFF_60", "TIME_SHIFT_12",
                      "NOTE_ON_64", "TIME_SHIFT_4", "NOTE_OFF_64", "TIME_SHIFT_5", "NOTE_ON_67",
                      "TIME_SHIFT_3", "NOTE_OFF_67", "TIME_SHIFT_12", "NOTE_ON_72", "TIME_SHIFT_4",
                      "NOTE_OFF_72", "EOS"]
    melody = MelodyTokenizer().tokens(seq)
    assert len(melody) == 2 + 44 and melody[1 + 25] == "PITCH_67" and melody[1 + 40] == "PITCH_72"


def absurd_tempo_midi():
    """A tempo of 1 microsecond a quarter at tick 0, 120 qpm one tick later, a note at 10 s.

    At the first tempo the note would be 40 million 16ths from the start; the
    tempo map gives the one tick (1/480 quarter) its own tempo: the note is at
    quarter 20, 16th 80.
    """
    def tempo(microseconds):
        return b"\xff\x51\x03" + microseconds.to_bytes(3, "big")

    track = (b"\x00" + tempo(1) + b"\x01" + tempo(500_000)
             + delta(9599) + b"\x90\x3c\x40" + delta(480) + b"\x80\x3c\x40" + b"\x00\xff\x2f\x00")
    return midi_file([track])


def measured(function):
    """``(result, seconds, peak MB allocated)`` of ``function()``."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        result = function()
    finally:
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    return result, seconds, peak


@pytest.mark.parametrize("cls", SCHEMES)
def test_a_one_tick_absurd_tempo_costs_nothing(cls, tmp_path):
    path = tmp_path / "absurd_tempo.mid"
    path.write_bytes(absurd_tempo_midi())
    seq = load_midi(path)
    assert seq.tempos[0].qpm == 60_000_000 and seq.notes[0].start_time == pytest.approx(10, abs=0.01)
    assert grid_notes(seq) == [(60, 80, 84)]
    ids, seconds, peak = measured(lambda: cls().encode(seq))
    # generous bounds: the first tempo alone would mean 40 million steps (GBs for the melody grid)
    assert seconds < 1.0 and peak < 200, (seconds, peak)
    assert len(ids) <= 90 if cls is MelodyTokenizer else len(ids) <= 30
    assert round_trip(cls(), seq) == [(60, 80, 84)]


def thirteen_hour_piece(tmp_path):
    path = tmp_path / "two_notes_13_hours_apart.mid"
    path.write_bytes(thirteen_hour_midi())
    return load_midi(path)


@pytest.mark.parametrize("cls,max_tokens", [(PositionTokenizer, 20_000), (MelodyTokenizer, None),
                                            (EventTokenizer, 20_000)])
def test_a_13_hour_piece_is_refused_at_once(cls, max_tokens, tmp_path):
    seq = thirteen_hour_piece(tmp_path)
    assert len(seq.notes) == 2 and seq.total_time > THIRTEEN_HOURS
    tok = cls() if max_tokens is None else cls(max_tokens=max_tokens)
    limit = f"{tok.max_tokens:,}"
    (error, seconds, peak) = measured(lambda: pytest.raises(ValueError, tok.encode, seq))
    assert "two_notes_13_hours_apart.mid" in str(error.value) and limit in str(error.value)
    assert seconds < 1.0 and peak < 20, (seconds, peak)
    with pytest.raises(ValueError, match=f"two_notes_13_hours_apart.mid.*limit of {limit}"):
        tok.prepare(seq)


def test_the_events_scheme_writes_13_hours_of_silence_in_23_thousand_tokens(tmp_path):
    """Its waits are 16 steps each: 13 hours at 120 qpm are 23,400 tokens, under the default limit."""
    seq = thirteen_hour_piece(tmp_path)
    names = EventTokenizer().tokens(seq)
    assert 23_400 <= len(names) <= 23_420 and names.count("TIME_SHIFT_16") >= 23_390
    assert round_trip(EventTokenizer(), seq) == grid_notes(seq)


def test_the_positions_scheme_writes_13_hours_of_4_4_in_one_bar_token_per_bar(tmp_path):
    """23,400 bars of 4/4 at 120 qpm: under the default limit, and its bound is not far above."""
    seq = thirteen_hour_piece(tmp_path)
    tok = PositionTokenizer()
    names = tok.tokens(seq)
    assert 23_400 <= len(names) <= 23_420 and names.count("BAR") >= 23_400
    notes = tok.representable_notes(seq, Report())
    assert len(names) <= tok.size_bound(notes, seq) + 2 <= 2.1 * len(names)
    assert round_trip(tok, seq) == grid_notes(seq)


def hour_of_sixteenths():
    """One hour of 16th notes at 120 qpm: 28,800 notes, and 28,800 grid steps."""
    seq = new_sequence(qpm=120)
    seq.id = "an hour of 16ths"
    for i in range(28_800):
        add_note(seq, 60 + (i * 7) % 24, i * 0.125, (i + 1) * 0.125)
    return seq


def test_a_larger_max_tokens_accepts_a_long_piece():
    seq = hour_of_sixteenths()
    expected = grid_notes(seq)
    # under the default limit: about three tokens a note (positions, events), one a step (melody)
    assert 86_400 < len(PositionTokenizer().encode(seq)) < 100_000
    assert 86_400 < len(EventTokenizer(velocity_bins=0).encode(seq)) < 100_000
    assert len(MelodyTokenizer().encode(seq)) == 28_800 + 2
    with pytest.raises(ValueError, match="'an hour of 16ths'.*limit of 100,000"):
        EventTokenizer().encode(seq)   # the bound allows a VELOCITY per note: 115,200 tokens
    for cls in SCHEMES:
        with pytest.raises(ValueError, match="'an hour of 16ths'.*limit of 20,000"):
            cls(max_tokens=20_000).encode(seq)
        tok = cls(max_tokens=200_000)
        ids = tok.encode(seq)
        assert 28_800 < len(ids) <= 200_000
        assert grid_notes(tok.decode(ids)) == expected and not tok.last_report.changed()


# --- the whole corpus ----------------------------------------------------------------------

def corpus_module():
    """``helpers.corpus``, or None while it does not exist."""
    try:
        from helpers import corpus
    except ImportError:
        return None
    return corpus


def sample(items, size):
    """Every item, or with COURSE_ROUNDTRIP_SAMPLE=1 ``size`` of them spread evenly."""
    if os.environ.get("COURSE_ROUNDTRIP_SAMPLE", "0") in ("", "0") or len(items) <= size:
        return items
    return items[:: len(items) // size][:size]


def music21_corpus():
    import music21

    return Path(music21.__file__).parent / "corpus"


def folk_pieces():
    """Every folk tune (``CORPUS_SAMPLE`` with COURSE_ROUNDTRIP_SAMPLE=1): from helpers.corpus, else from ABC."""
    corpus = corpus_module()
    if corpus is not None:
        table = corpus.corpus_table()
        ids = table[table["collection"] != "chorales"]["id"].tolist()
        return corpus.load_pieces(sample(ids, CORPUS_SAMPLE))
    tunes = []
    for folder in ("essenFolksong", "oneills1850", "ryansMammoth"):
        for path in sorted((music21_corpus() / folder).glob("*.abc")):
            text = path.read_text(encoding="utf-8", errors="replace")
            tunes += ["X:" + tune for tune in re.split(r"(?m)^X:", text)[1:]]
    pieces = []
    for tune in sample(tunes, CORPUS_SAMPLE):
        try:
            pieces.append(from_abc(tune))
        except ReadError:
            pass  # symusic cannot read 2 of the 11,582 tunes
    return pieces


def chorale_pieces():
    """Bach chorales, four voices (``CHORALE_SAMPLE`` with COURSE_ROUNDTRIP_SAMPLE=1): polyphony, pickup bars."""
    corpus = corpus_module()
    if corpus is not None:
        table = corpus.corpus_table()
        ids = table[table["collection"] == "chorales"]["id"].tolist()
        return corpus.load_pieces(sample(ids, CHORALE_SAMPLE))
    paths = sample(sorted((music21_corpus() / "bach").glob("bwv*.mxl")), CHORALE_SAMPLE)
    return [from_musicxml(path) for path in paths]


@pytest.fixture(scope="module")
def folk():
    return folk_pieces()


@pytest.fixture(scope="module")
def chorales():
    return chorale_pieces()


def check_round_trip(tok, seq):
    """decode(encode(x)) has the notes of prepare(x), and prepare(x) encodes as x does."""
    ids, report = tok.encode_with_report(seq)
    prepared = tok.prepare(seq)
    expected = grid_notes(prepared)
    assert grid_notes(tok.decode(ids)) == expected, seq.id
    assert report.encoded == len(expected), seq.id
    assert tok.encode(prepared) == ids, seq.id  # what prepare gives is encoded as it is
    if not report.changed():  # nothing dropped: the tokens hold exactly the quantized piece
        assert expected == grid_notes(music.quantize(seq)), seq.id
    return report


@pytest.mark.parametrize("cls,share", [(PositionTokenizer, 0.94), (EventTokenizer, 0.94),
                                       (MelodyTokenizer, 0.8)])
def test_every_folk_tune_round_trips(cls, share, folk):
    tok = cls()
    sampled = os.environ.get("COURSE_ROUNDTRIP_SAMPLE", "0") not in ("", "0")
    assert len(folk) >= (CORPUS_SAMPLE - 10 if sampled else 11_000)
    reports = [check_round_trip(tok, seq) for seq in folk]
    unchanged = sum(not report.changed() for report in reports)
    # most tunes are kept whole (the rest lose unison doublings, a note of a 16th-note
    # triplet, finer than the grid, or in the melody, chords)
    assert unchanged >= share * len(folk)
    # triplets are ornaments here: their dropped notes are a tiny share of the music
    assert sum(r.finer for r in reports) < 0.005 * sum(r.encoded for r in reports)


@pytest.mark.parametrize("cls", SCHEMES)
def test_bach_chorales_round_trip(cls, chorales):
    tok = cls()
    sampled = os.environ.get("COURSE_ROUNDTRIP_SAMPLE", "0") not in ("", "0")
    assert len(chorales) >= (CHORALE_SAMPLE if sampled else 300)
    reports = [check_round_trip(tok, seq) for seq in chorales]
    if cls is MelodyTokenizer:  # four voices, one melody: the soprano, mostly
        assert sum(r.hidden for r in reports) > sum(r.encoded for r in reports)
