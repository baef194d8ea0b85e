"""Lesson 12's studio without a browser: its library folder, and its handlers called directly.

ipywidgets runs headless here: a button's ``click()`` calls its handler, and
the widgets' values are plain attributes. The tests pass with ipywidgets 8.1
and with Colab's 7.7.1 (``pip install --target DIR ipywidgets==7.7.1
ipython_genutils``, then ``PYTHONPATH=DIR pytest tests/test_studio.py``). tests/test_studio_browser.py drives
the same app in JupyterLab.
"""

import datetime
import html
import json
import os
import re
import signal
import sys
import types

import ipywidgets
import pytest

from helpers.music import melody
from helpers.prompt import GUIDANCE, parse_prompt
from helpers.studio import LIMITS, SOURCES, Studio, StudioSettings, limit_problem, token_models
from helpers.studio_library import ENV_VAR, Entry, Library, library_folder, next_name
from helpers.studio_view import MAX_LISTED, uploaded_file

# widgets that exist in ipywidgets 7.7.1 (Colab) and 8 (JupyterLab)
ALLOWED_WIDGETS = {"Button", "HTML", "Label", "Output", "HBox", "VBox", "Tab", "Text", "Dropdown",
                   "FloatSlider", "IntSlider", "IntText", "IntProgress", "RadioButtons", "FileUpload"}
SMALL = StudioSettings(model="folk-transformer", n_tokens=32, n_pieces=2)


def record(prompt="a jig"):
    return {"mode": "generate", "prompt": prompt, "settings": {"model": "m", "seed": 3}}


def said(studio):
    """The app's message as plain text."""
    return html.unescape(re.sub(r"<[^>]+>", "", studio.message.value))


def files(folder):
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


# --- the library folder ----------------------------------------------------------------------

def test_save_writes_the_midi_and_its_record_and_lists_them(tmp_path):
    library = Library(tmp_path / "studio")
    piece = melody([60, 62, 64, 65], beats=0.5)
    entry = library.save(piece, record(), "a jig")
    assert files(tmp_path / "studio") == ["a_jig-1.json", "a_jig-1.mid"]
    saved = json.loads((tmp_path / "studio" / "a_jig-1.json").read_text())
    assert saved["prompt"] == "a jig" and saved["settings"] == {"model": "m", "seed": 3}
    assert saved["name"] == "a_jig-1" and saved["midi"] == "a_jig-1.mid" and saved["notes"] == 4
    assert saved["seconds"] == pytest.approx(1.0)
    assert [e.name for e in library.entries()] == ["a_jig-1"] and entry.ok
    assert [n.pitch for n in library.load("a_jig-1").notes] == [60, 62, 64, 65]
    assert "generate: 'a jig'" in entry.describe() and "seed 3" in entry.describe()


def test_names_are_safe_and_never_reused_even_across_case(tmp_path):
    library = Library(tmp_path)
    names = [library.save(melody([60]), record(), label).name
             for label in ("../../etc/passwd", "a jig", "A JIG", "a jig", "")]
    assert names == ["_.._etc_passwd-1", "a_jig-1", "A_JIG-2", "a_jig-3", "piece-1"]
    assert all(path.parent == tmp_path for path in tmp_path.iterdir())
    assert next_name("x" * 300, set()) == "x" * 98 + "-1"
    assert next_name("jig", {"JIG-1", "jig-2"}) == "jig-3"


def test_a_new_library_on_the_same_folder_finds_every_piece(tmp_path):
    first = Library(tmp_path)
    for label in ("one", "two", "three"):
        first.save(melody([60, 64]), record(label), label)
    again = Library(tmp_path)      # as after a kernel restart: only the folder is left
    assert sorted(e.name for e in again.entries()) == ["one-1", "three-1", "two-1"]
    assert all(e.ok for e in again.entries())
    assert {e.record["prompt"] for e in again.entries()} == {"one", "two", "three"}


def test_delete_removes_both_files_and_an_unknown_name_is_refused(tmp_path):
    library = Library(tmp_path)
    library.save(melody([60]), record(), "jig")
    library.save(melody([62]), record(), "reel")
    removed = library.delete("jig-1")
    assert sorted(p.name for p in removed) == ["jig-1.json", "jig-1.mid"]
    assert files(tmp_path) == ["reel-1.json", "reel-1.mid"]
    with pytest.raises(KeyError, match="no piece called 'jig-1'"):
        library.delete("jig-1")
    for bad in ("../reel-1", "a/b", 3):
        with pytest.raises(ValueError, match="not a piece name"):
            library.delete(bad)
    assert files(tmp_path) == ["reel-1.json", "reel-1.mid"]


def test_corrupt_records_are_listed_as_unreadable_and_the_rest_still_list(tmp_path):
    library = Library(tmp_path)
    library.save(melody([60]), record(), "good")
    for name in ("broken", "a_list", "no_music", "binary"):
        library.save(melody([60]), record(), name)
    (tmp_path / "broken-1.json").write_text('{"prompt": "a jig", ')          # cut off mid-write
    (tmp_path / "a_list-1.json").write_text("[1, 2]")
    (tmp_path / "no_music-1.mid").unlink()
    (tmp_path / "binary-1.json").write_bytes(b"\xff\xfe\x00garbage")
    (tmp_path / "orphan.mid").write_bytes((tmp_path / "good-1.mid").read_bytes())
    entries = {e.name: e for e in library.entries()}
    assert entries["good-1"].ok
    assert "broken-1.json is not a readable record" in entries["broken-1"].problem
    assert "holds a JSON list" in entries["a_list-1"].problem
    assert "binary-1.json is not a readable record" in entries["binary-1"].problem
    assert entries["no_music-1"].problem == "no_music-1.mid (the music) is missing"
    assert entries["orphan"].problem == "orphan.json (its record) is missing"
    assert entries["broken-1"].describe().startswith("unreadable: ")
    assert [e.ok for e in library.entries()] == [True] + [False] * 5     # readable ones first


def test_a_record_that_is_not_json_writes_nothing(tmp_path):
    library = Library(tmp_path)
    with pytest.raises(TypeError, match="not JSON serializable"):
        library.save(melody([60]), {"mode": "generate", "prompt": object()}, "x")
    with pytest.raises(TypeError, match="record must be a dict"):
        library.save(melody([60]), ["generate"], "x")
    assert files(tmp_path) == []


def test_the_folder_comes_from_the_environment_and_a_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "mine"))
    assert library_folder() == tmp_path / "mine" and Library().folder == tmp_path / "mine"
    assert Library().entries() == []                   # no folder yet: an empty library
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError, match="is a file, not a folder"):
        Library(tmp_path / "file")


# --- the app's pieces ---------------------------------------------------------------------------

def widget_kinds(widget):
    kinds = {type(widget).__name__}
    for child in getattr(widget, "children", ()):
        kinds |= widget_kinds(child)
    return kinds


def upload_value(name, content):
    """A FileUpload's value after uploading one file, in the form of the installed ipywidgets."""
    if int(ipywidgets.__version__.split(".")[0]) >= 8:
        return ({"name": name, "type": "", "size": len(content), "content": memoryview(content),
                 "last_modified": datetime.datetime.now()},)
    return {name: {"metadata": {"name": name, "type": "", "size": len(content)}, "content": content}}


def test_uploads_are_read_in_the_form_of_ipywidgets_7_and_8():
    assert uploaded_file(()) is None and uploaded_file({}) is None
    eight = ({"name": "tune.mid", "type": "audio/midi", "size": 4, "content": memoryview(b"MThd"),
              "last_modified": datetime.datetime.now()},)
    seven = {"tune.mid": {"metadata": {"name": "tune.mid", "type": "audio/midi", "size": 4},
                          "content": b"MThd"}}
    assert uploaded_file(eight) == ("tune.mid", b"MThd") == uploaded_file(seven)


def test_settings_outside_their_limits_are_refused_by_name():
    assert StudioSettings().check() == StudioSettings()
    for name, bad in [("n_pieces", 5), ("n_pieces", 0), ("n_tokens", 10_000), ("seed", -1),
                      ("temperature", 0.0), ("temperature", "hot"), ("n_pieces", 2.5), ("n_notes", True)]:
        with pytest.raises(ValueError, match=f"^{name} must be a"):
            StudioSettings(**{name: bad}).check()
    assert limit_problem("n_pieces", 40, *LIMITS["n_pieces"]) == \
        "n_pieces must be a whole number from 1 to 4, not 40"


@pytest.fixture
def studio(tmp_path):
    return Studio(SMALL, folder=tmp_path / "studio")


def test_the_app_uses_only_widgets_of_ipywidgets_7_and_8_and_caps_the_work(studio):
    assert widget_kinds(studio.show()) <= ALLOWED_WIDGETS
    assert studio.n_pieces.max == LIMITS["n_pieces"][1] and studio.n_tokens.max == LIMITS["n_tokens"][1]
    assert "folk-transformer" in studio.model.options
    assert all(not name.startswith(("jsb-frames", "folk-vae")) for name in token_models())


def test_an_empty_prompt_gets_a_message_and_makes_nothing(studio, tmp_path):
    studio.prompt.value = "   "
    studio.generate_button.click()
    assert "Write a prompt first" in said(studio)
    assert files(tmp_path / "studio") == [] and not studio.generate_button.disabled


def test_a_prompt_the_parser_rejects_gets_its_problem_and_makes_nothing(studio, tmp_path):
    studio.prompt.value = "a jig in 3/4"
    assert studio.generate() == []
    assert "contradicts itself" in said(studio) and "6/8 or 9/8" in said(studio)
    assert "understood" in studio.understood.value and "PROBLEM" in studio.understood.value
    assert files(tmp_path / "studio") == []


def test_a_setting_out_of_range_gets_a_message(studio, tmp_path):
    studio.prompt.value = "a reel"
    studio.seed.value = -5
    assert studio.generate() == []
    assert "seed must be a whole number" in said(studio)
    assert files(tmp_path / "studio") == []


def test_a_good_generate_shows_plays_and_saves_each_piece(studio, tmp_path):
    studio.prompt.value = "a fast Irish jig in D"
    made = studio.generate()
    assert [e.name for e in made] == ["a_fast_Irish_jig_in_D-1", "a_fast_Irish_jig_in_D-2"]
    assert [e.record["settings"]["seed"] for e in made] == [0, 1]
    assert made[0].record["settings"] == {"model": "folk-transformer", "temperature": 0.9,
                                          "n_tokens": 32, "seed": 0}
    assert len(files(tmp_path / "studio")) == 4 and studio.status.value.startswith("Done: 2 new pieces")
    assert len(studio.players) == 2 and all("<audio" in p.html and p.backend for p in studio.players)
    assert "REGION_irish" in studio.understood.value
    assert "ignores this one" in said(studio)      # folk-transformer reads no prompt
    rows = studio.library_list.children
    assert "2 pieces" in rows[0].value and len(rows) == 3
    assert "a_fast_Irish_jig_in_D-2" in rows[1].children[3].value        # newest first
    assert 'download="a_fast_Irish_jig_in_D-2.mid"' in rows[1].children[1].value
    reopened = Studio(SMALL, folder=tmp_path / "studio")                  # a kernel restart
    assert len(reopened.library_list.children) == 3


def test_a_model_that_reads_prompts_gets_the_prompts_conditions(studio):
    import torch

    from helpers.conditioning import conditioned_tokenizer
    from helpers.models import Transformer, TransformerConfig

    tokenizer = conditioned_tokenizer()       # lesson 9's tokens, on a tiny untrained model
    torch.manual_seed(0)
    tiny = Transformer(TransformerConfig(vocab_size=len(tokenizer.vocab), n_layer=1, n_head=2, n_embd=16))
    studio._models["folk-transformer"] = (tiny.eval(), tokenizer)
    studio.prompt.value = "a slow air in E minor"
    made = studio.generate()
    assert [e.record["conditions"] for e in made] == [parse_prompt("a slow air in E minor").conditions] * 2
    assert [e.record["guidance"] for e in made] == [GUIDANCE] * 2      # recorded, to make it again
    assert said(studio) == ""


def test_library_buttons_play_and_delete(studio, tmp_path):
    studio.prompt.value = "a waltz"
    studio.n_pieces.value = 1
    studio.generate()
    row = studio.library_list.children[1]
    play_button, _link, delete_button, _text = row.children
    play_button.click()
    assert len(studio.players) == 1 and "<audio" in studio.players[0].html
    (tmp_path / "studio" / "a_waltz-1.mid").write_bytes(b"not midi at all")
    studio.play_piece("a_waltz-1")
    assert "Cannot read" in said(studio) and "a_waltz-1.mid" in said(studio)
    delete_button.click()
    assert said(studio) == "Deleted a_waltz-1." and files(tmp_path / "studio") == []
    assert len(studio.library_list.children) == 1 and "0 pieces" in studio.library_list.children[0].value
    studio.delete("a_waltz-1")
    assert "no piece called" in said(studio)


def test_a_corrupt_record_in_the_folder_is_listed_not_fatal(tmp_path):
    Library(tmp_path).save(melody([60]), record(), "fine")
    (tmp_path / "bad-1.json").write_text("{not json")
    studio = Studio(SMALL, folder=tmp_path)
    texts = [row.children[3].value for row in studio.library_list.children[1:]]
    assert len(texts) == 2 and "unreadable" in texts[1] and "bad-1.json" in texts[1]
    assert studio.library_list.children[2].children[0].disabled          # nothing to play


def test_continue_a_corpus_tune_marks_its_primer(studio, tmp_path):
    studio.n_pieces.value, studio.n_notes.value = 1, 8
    made = studio.continue_tune()
    assert [e.record["source"] for e in made] == ["ryans/BannocksOBarleyMealJig/1"]
    assert made[0].record["settings"]["n_notes"] == 8 and len(studio.players) == 1
    studio.tune.value = "nowhere/1"
    assert studio.continue_tune() == [] and "No piece 'nowhere/1'" in said(studio)


def test_a_primer_too_long_for_the_model_gets_a_message(studio, tmp_path):
    studio.n_notes.value = LIMITS["n_notes"][1]
    assert studio.continue_tune() == []
    assert "use fewer notes" in said(studio) and files(tmp_path / "studio") == []


def test_uploads_missing_or_unreadable_get_a_message(studio, tmp_path):
    studio.source.value = SOURCES[1]
    assert studio.continue_tune() == [] and "Upload a MIDI file first" in said(studio)
    studio.upload.set_trait("value", upload_value("song.mid", b"not midi!"))   # read-only in 7.7
    assert studio.continue_tune() == []
    assert "Cannot read" in said(studio) and "song.mid" in said(studio)
    assert files(tmp_path / "studio") == []


def test_an_uploaded_midi_file_is_continued(studio):
    from helpers.paths import example

    studio.source.value = SOURCES[1]
    studio.upload.set_trait("value", upload_value("twinkle.mid", example("twinkle.mid").read_bytes()))
    studio.n_pieces.value, studio.n_notes.value = 1, 6
    made = studio.continue_tune()
    assert [e.record["source"] for e in made] == ["twinkle.mid"] and said(studio).count("Cannot") == 0
    first = sorted(studio.library.load(made[0].name).notes, key=lambda n: n.start_time)[:6]
    assert [n.pitch for n in first] == [60, 60, 67, 67, 69, 69]          # the primer: Twinkle's opening


def test_interpolate_says_what_it_needs_when_lesson_10_is_missing(studio, monkeypatch):
    monkeypatch.setitem(sys.modules, "helpers.latent", None)      # import fails, as without it
    assert studio.interpolate() == []
    assert "needs lesson 10" in said(studio)


def test_interpolate_saves_every_step_in_order(studio, monkeypatch, tmp_path):
    calls = []

    def interpolate_pieces(model, a, b, n_steps=5, method="slerp"):   # lesson 10's API, agreed
        calls.append((model, len(a.notes) > 0, len(b.notes) > 0, n_steps, method))
        return [melody([60 + step, 64]) for step in range(n_steps)]

    fake = types.SimpleNamespace(load_vae=lambda name="folk-vae": ("the vae", {}),
                                 interpolate_pieces=interpolate_pieces)
    monkeypatch.setitem(sys.modules, "helpers.latent", fake)
    studio.n_steps.value = 3
    made = studio.interpolate()
    assert calls == [("the vae", True, True, 3, "slerp")]
    assert [e.name[-2:] for e in made] == ["-1", "-2", "-3"] and len(studio.players) == 3
    assert [studio.library.load(e.name).notes[0].pitch for e in made] == [60, 61, 62]
    assert made[0].record["settings"] == {"n_steps": 3} and made[0].record["model"] == "folk-vae"
    studio.tune_b.value = " "
    assert studio.interpolate() == [] and "Name two corpus tunes" in said(studio)


def test_a_named_pipe_in_the_folder_does_not_hang_the_app(tmp_path):
    os.mkfifo(tmp_path / "pipe-1.mid")                  # reading it would wait forever
    (tmp_path / "pipe-1.json").write_text(json.dumps(record()))
    os.mkfifo(tmp_path / "other.json")
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("the studio hung on a named pipe"))
    signal.alarm(30)
    try:
        studio = Studio(SMALL, folder=tmp_path)
    finally:
        signal.alarm(0)
    rows = studio.library_list.children
    assert "1 piece " in rows[0].value and "is missing" in rows[1].children[3].value
    assert rows[1].children[0].disabled and rows[1].children[1].value == ""
    studio.play_piece("pipe-1")
    assert "Cannot read" in said(studio)


def test_the_library_lists_at_most_max_listed_rows(tmp_path):
    library = Library(tmp_path)
    for i in range(MAX_LISTED + 2):
        (tmp_path / f"p-{i}.json").write_text(json.dumps({"mode": "generate", "created": f"{i:03d}"}))
    studio = Studio(SMALL, folder=tmp_path)
    rows = studio.library_list.children
    assert len(rows) == MAX_LISTED + 1 and f"{MAX_LISTED + 2} pieces" in rows[0].value
    assert isinstance(library.entries()[0], Entry)
