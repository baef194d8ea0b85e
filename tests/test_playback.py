"""Tests for helpers.playback: the notebook player is never silent and never crashes."""

import io
import wave

import numpy as np
import pytest

from helpers import playback
from helpers.notes import add_note, new_sequence

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

    monkeypatch.setattr(playback, "_render_midirenderer", broken)
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
    assert 'download="my &lt;tune&gt;.mid"' in page and "<tune>" not in page
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
