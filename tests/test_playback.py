"""Tests for helpers.playback: the notebook player is never silent and never crashes."""

import base64
import io
import json
import re
import subprocess
import sys
import wave

import numpy as np
import pytest

from helpers import audio_backends, playback
from helpers import filenames, notes
from helpers.notes import add_note, new_sequence
from conftest import ROOT, THIRTEEN_HOURS, thirteen_hour_midi

SECONDS = 30.0


def thirty_second_piece():
    """Melody, sustained chords and a drum track, exactly 30 s long at 120 bpm."""
    seq = new_sequence(qpm=120)
    for i in range(60):  # piano melody, one note per beat
        add_note(seq, 60 + [0, 2, 4, 5, 7, 5, 4, 2][i % 8], i * 0.5, i * 0.5 + 0.45, velocity=90)
    for bar in range(15):  # string chords, one per bar
        for pitch in (48, 52, 55):
            add_note(seq, pitch, bar * 2.0, bar * 2.0 + 1.9, velocity=60, program=48, instrument=1)
    for i in range(120):  # kick on the beat, hi-hat in between
        pitch = 36 if i % 2 == 0 else 42
        add_note(seq, pitch, i * 0.25, i * 0.25 + 0.1, velocity=100, instrument=9, is_drum=True)
    add_note(seq, 72, 29.0, SECONDS, velocity=90)
    return seq


def rms(samples):
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))


def available():
    return [name for name, ok, _ in playback.available_backends() if ok]


@pytest.fixture(autouse=True)
def no_forced_backend(monkeypatch):
    monkeypatch.delenv(playback.ENV_VAR, raising=False)


@pytest.fixture(scope="module")
def piece():
    return thirty_second_piece()


def test_available_backends_lists_three_in_order_with_reasons():
    rows = playback.available_backends()
    assert [name for name, _, _ in rows] == ["fluidsynth", "midirenderer", "numpy"]
    assert all(isinstance(ok, bool) and reason for _, ok, reason in rows)
    assert rows[2][1] is True  # numpy always works
    for name, ok, reason in rows:
        if not ok:
            assert "install" in reason  # says how to fix it


def test_default_backend_renders_audible_audio_of_the_right_length(piece):
    rendered = playback.render(piece)
    assert rendered.backend == available()[0]
    assert rendered.samples.dtype == np.float32 and rendered.samples.ndim == 1
    assert rendered.sample_rate == 16000
    assert rms(rendered.samples) > 0.05
    assert np.max(np.abs(rendered.samples)) <= 1.0
    assert abs(rendered.seconds - SECONDS) < 1.0


def test_the_backends_installed_by_the_course_are_available():
    # midirenderer is a dependency and numpy always works; FluidSynth is optional.
    assert {"midirenderer", "numpy"} <= set(available())


@pytest.mark.parametrize("backend", [name for name, ok, _ in playback.available_backends() if ok])
def test_each_available_backend_renders_audible_audio(piece, backend):
    rendered = playback.render(piece, backend=backend)
    assert rendered.backend == backend
    assert rms(rendered.samples) > 0.05
    assert abs(rendered.seconds - SECONDS) < 1.0


def test_numpy_backend_is_audible_even_for_drums_alone():
    seq = new_sequence()
    for i in range(8):
        add_note(seq, 38, i * 0.25, i * 0.25 + 0.1, instrument=9, is_drum=True)
    rendered = playback.render(seq, backend="numpy")
    assert rendered.backend == "numpy"
    assert rms(rendered.samples) > 0.05


def test_environment_variable_forces_a_backend(piece, monkeypatch):
    monkeypatch.setenv(playback.ENV_VAR, "numpy")
    assert playback.render(piece).backend == "numpy"
    assert playback.play(piece).backend == "numpy"


def test_unknown_backend_is_a_value_error_naming_the_valid_ones(piece, monkeypatch):
    with pytest.raises(ValueError) as info:
        playback.render(piece, backend="timidity")
    for name in playback.BACKENDS:
        assert name in str(info.value)
    monkeypatch.setenv(playback.ENV_VAR, "nope")
    with pytest.raises(ValueError, match="fluidsynth, midirenderer, numpy"):
        playback.render(piece)


def test_a_failing_backend_falls_through_and_says_why(piece, monkeypatch):
    def broken(seq, sample_rate):
        raise RuntimeError("soundcard on fire")

    monkeypatch.setattr(audio_backends, "_render_midirenderer", broken)
    rendered = playback.render(piece, backend="midirenderer")
    assert rendered.backend == "numpy"
    assert any(name == "midirenderer" and "soundcard on fire" in why
               for name, why in rendered.skipped)


def test_wav_bytes_are_small_and_parse_back(piece):
    rendered = playback.render(piece)
    data = playback.to_wav_bytes(rendered)
    assert len(data) / rendered.seconds <= 64 * 1024
    with wave.open(io.BytesIO(data)) as wav:
        assert wav.getnchannels() == 1
        assert wav.getsampwidth() == 2
        assert wav.getframerate() == rendered.sample_rate
        assert abs(wav.getnframes() / wav.getframerate() - SECONDS) < 1.0


def test_play_shows_audio_caption_and_midi_download(piece):
    player = playback.play(piece, name="my <tune>")
    page = player._repr_html_()
    assert player.backend == available()[0]
    assert "<audio controls" in page and "data:audio/wav;base64," in page
    assert player.message.startswith("played with ") and "s of audio" in player.message
    # the download's name is made safe (the rule of helpers.filenames.safe_filename)
    assert player.filename == "my__tune_.mid"
    assert 'download="my__tune_.mid"' in page and "<tune>" not in page
    # the embedded page (WAV as base64, plus the MIDI) stays under 64 KB per second
    assert len(page) / SECONDS <= 64 * 1024


def test_play_of_an_empty_piece_says_so_and_offers_the_midi():
    player = playback.play(new_sequence(), name="empty")
    assert player.message == playback.NO_NOTES
    assert player.backend is None
    assert playback.NO_NOTES in player._repr_html_()
    assert 'download="empty.mid"' in player._repr_html_()
    with pytest.raises(ValueError, match="no notes"):
        playback.render(new_sequence())


def test_play_of_a_missing_file_shows_the_error(tmp_path):
    path = tmp_path / "missing.mid"
    player = playback.play(path)
    assert "missing.mid" in player.message and "no such file" in player.message
    assert "missing.mid" in player._repr_html_()
    assert "<audio" not in player._repr_html_()


def test_play_of_a_text_file_named_mid_shows_the_error(tmp_path):
    path = tmp_path / "<notes>.mid"
    path.write_text("these are not notes")
    player = playback.play(str(path))
    assert "<notes>.mid" in player.message and "not a MIDI file" in player.message
    assert "&lt;notes&gt;.mid" in player._repr_html_()  # escaped in the page


def test_play_with_no_working_backend_explains_and_offers_the_midi(piece, monkeypatch):
    monkeypatch.setattr(playback, "available_backends", lambda: [
        (name, False, f"{name} is switched off; install it") for name in playback.BACKENDS])
    player = playback.play(piece)
    page = player._repr_html_()
    assert player.backend is None
    assert "<audio" not in page
    for name in playback.BACKENDS:
        assert f"{name} is switched off" in page and name in player.message
    assert 'download="piece.mid"' in page
    with pytest.raises(playback.PlaybackError):
        playback.render(piece)


def test_play_of_something_that_is_not_a_piece_shows_a_message():
    player = playback.play(42)
    assert "NoteSequence" in player.message and player.backend is None


# --- the budget: playback never renders more than max_seconds -------------------

def downloads(page):
    """{file name: NoteSequence} for every MIDI download in a player's page."""
    found = re.findall(r'<a download="([^"]+)" href="data:audio/midi;base64,([^"]+)"', page)
    return {name: notes.midi_bytes_to_sequence(base64.b64decode(data)) for name, data in found}


PLAY_IN_A_CHILD = """
import json, resource, sys, time
limit = 2 * 1024 ** 3
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))  # 2 GB of address space, no more
from helpers.playback import play
start = time.perf_counter()
player = play(sys.argv[1], backend=sys.argv[2])
print(json.dumps({"seconds": time.perf_counter() - start, "bytes": len(player._repr_html_()),
                  "message": player.message, "backend": player.backend}))
"""


@pytest.mark.parametrize("backend", ["midirenderer", "numpy"])
def test_a_thirteen_hour_file_plays_in_a_2_gb_process(tmp_path, backend):
    # Whole, it would need 9 GB in midirenderer (the process aborted) or hours of numpy audio.
    path = tmp_path / "two_notes_13_hours_apart.mid"
    path.write_bytes(thirteen_hour_midi())
    assert notes.load_midi(path).notes[1].start_time == pytest.approx(THIRTEEN_HOURS)
    child = subprocess.run([sys.executable, "-c", PLAY_IN_A_CHILD, str(path), backend],
                           cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert child.returncode == 0, child.stderr[-2000:]
    result = json.loads(child.stdout.strip().splitlines()[-1])
    assert result["seconds"] < 20
    assert result["bytes"] < 10 * 1024 * 1024
    assert result["backend"] == backend
    assert "only the first 3:00 of this 13:00:00 piece" in result["message"]


def test_a_long_piece_is_cut_at_max_seconds_and_the_download_keeps_all_of_it():
    seq = new_sequence()
    for i in range(120):  # a minute of half-second notes
        add_note(seq, 60 + i % 12, i * 0.5, i * 0.5 + 0.5)
    player = playback.play(seq, backend="numpy", max_seconds=10, name="minute")
    assert player.rendered.cut_at == 10 and player.rendered.piece_seconds == 60
    assert 10 < player.rendered.seconds <= 10 + playback.TAIL_SECONDS + 0.01
    assert "only the first 0:10 of this 1:00 piece" in player.message
    assert "max_seconds=10" in player._repr_html_()
    assert len(downloads(player.html)["minute.mid"].notes) == 120


def test_trailing_tempo_and_meta_events_add_no_silence(piece):
    seq = new_sequence()
    add_note(seq, 60, 0.0, 2.0)
    for second in range(10, 100, 10):  # tempo marks up to 98 s after the note, as in a real file
        seq.tempos.add(time=second, qpm=120)
    seq.control_changes.add(time=98.0, control_number=64, control_value=0)
    seq.total_time = 98.0
    for backend in available():
        rendered = playback.render(seq, backend=backend)
        # the note's release (numpy: 0.15 s; midirenderer: cut at TAIL_SECONDS), not 96 s of silence
        assert 2.0 < rendered.seconds <= 2.0 + playback.TAIL_SECONDS + 0.01, backend
        assert rendered.piece_seconds == 2.0 and rendered.cut_at is None


def test_the_last_note_keeps_a_release_tail_in_midirenderer():
    seq = new_sequence()
    add_note(seq, 60, 0.0, 1.0, program=48)  # strings: they ring after the key is let go
    rendered = playback.render(seq, backend="midirenderer")
    tail = rendered.samples[int(1.05 * rendered.sample_rate):]
    assert rms(tail) > 0.01  # the release is heard, not cut off at the note's end


def test_no_backend_is_given_more_than_the_budget(monkeypatch):
    seen = []

    def spy(name, seq, sample_rate):
        latest = max([n.end_time for n in seq.notes] + [t.time for t in seq.tempos]
                     + [c.time for c in seq.control_changes])
        seen.append((name, latest, len(seq.notes)))
        return real(name, seq, sample_rate)

    real = playback.render_with
    monkeypatch.setattr(playback, "render_with", spy)
    monkeypatch.setattr(playback, "MAX_NOTES", 50)
    seq = new_sequence()
    add_note(seq, 60, 0.0, 20.0)            # sounds across the cut: it is shortened
    seq.control_changes.add(time=15.0, control_number=64, control_value=127)
    for i in range(100):
        add_note(seq, 72, 1 + i * 0.1, 1.05 + i * 0.1)
    rendered = playback.render(seq, backend="midirenderer", max_seconds=12)
    assert seen and all(latest <= rendered.cut_at + 1e-9 and count <= 50 for _, latest, count in seen)
    assert rendered.cut_at == pytest.approx(1 + 49 * 0.1)  # the 51st note's start: 50 notes kept


def test_playable_part_keeps_notes_before_the_cut_and_shortens_those_across_it():
    seq = new_sequence()
    add_note(seq, 60, 0.0, 5.0)
    add_note(seq, 62, 3.0, 4.0)
    add_note(seq, 64, 6.0, 7.0)
    seq.tempos.add(time=6.5, qpm=90)
    part, cut_at = playback.playable_part(seq, max_seconds=4.5)
    assert cut_at == 4.5
    assert [(n.pitch, n.start_time, n.end_time) for n in part.notes] == [(60, 0.0, 4.5), (62, 3.0, 4.0)]
    assert [t.time for t in part.tempos] == [0.0] and part.total_time == 4.5
    assert len(seq.notes) == 3 and seq.notes[0].end_time == 5.0  # the piece itself is untouched
    whole, cut_at = playback.playable_part(seq)
    assert cut_at is None and len(whole.notes) == 3


def test_a_piece_that_starts_after_the_budget_says_so_and_offers_the_midi():
    seq = new_sequence()
    add_note(seq, 60, 500.0, 501.0)
    player = playback.play(seq, name="late")
    assert player.backend is None and "<audio" not in player.html
    assert "the first note starts at 8:20" in player.message
    assert "late.mid" in downloads(player.html)


@pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf"), "60", True])
def test_max_seconds_must_be_a_positive_number(piece, bad):
    with pytest.raises(ValueError, match="max_seconds"):
        playback.play(piece, max_seconds=bad)


def test_the_download_is_named_after_the_file_when_no_name_is_given(tmp_path, piece):
    path = notes.save_midi(piece, tmp_path / "my song.mid")
    assert playback.play(path, backend="numpy").filename == "my_song.mid"


# --- play_all: compare pieces by ear ----------------------------------------------

def short_piece(pitch):
    seq = new_sequence()
    add_note(seq, pitch, 0.0, 0.5)
    add_note(seq, pitch + 4, 0.5, 1.0)
    return seq


def test_play_all_shows_labelled_players_with_unique_safe_downloads():
    pieces = [short_piece(60), short_piece(62), short_piece(64), short_piece(65)]
    labels = ["jig", "Jig", "a/b <c>", "../../x"]
    row = playback.play_all(pieces, labels, backend="numpy")
    page = row._repr_html_()
    assert [p.filename for p in row.players] == ["jig.mid", "Jig-2.mid", "a_b__c_.mid", "_.._x.mid"]
    assert page.count("<audio controls") == 4
    assert "<b>a/b &lt;c&gt;</b>" in page and "<c>" not in page  # the label is shown, escaped
    found = downloads(page)
    assert sorted(found) == sorted(p.filename for p in row.players)
    assert [found[p.filename].notes[0].pitch for p in row.players] == [60, 62, 64, 65]
    assert "widget" not in page and "<script" not in page  # plain HTML: JupyterLab and Colab
    assert row.message.splitlines()[1].startswith("Jig: played with")


def test_play_all_without_labels_numbers_the_pieces():
    row = playback.play_all([short_piece(60), short_piece(67)], backend="numpy")
    assert row.labels == ["piece 1", "piece 2"]
    assert [p.filename for p in row.players] == ["piece_1.mid", "piece_2.mid"]


def test_play_all_reports_a_bad_piece_in_its_cell_and_plays_the_others(tmp_path):
    row = playback.play_all([short_piece(60), tmp_path / "missing.mid"], ["good", "missing"])
    assert row.players[0].backend is not None
    assert row.players[1].backend is None and "no such file" in row.players[1].message


def test_play_all_checks_its_arguments(piece):
    with pytest.raises(ValueError, match="2 pieces but 1 labels"):
        playback.play_all([piece, piece], ["only one"])
    with pytest.raises(TypeError, match="use play"):
        playback.play_all(piece, ["one"])


def test_download_names_follow_the_one_rule_of_generate_safe_filename():
    from helpers.generate import safe_filename

    for name in ["my jig/2", "../../x", "", "ÉtÉ", "a" * 150, "..."]:
        assert filenames.safe_filename(name) == safe_filename(name)
    long = filenames.unique_filenames(["a" * 150, "a" * 150])
    assert long == ["a" * 100, "a" * 98 + "-2"]
