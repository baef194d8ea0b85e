"""The studio's widgets: the tabs, the controls, the library's rows (lesson 12).

:mod:`helpers.studio` does the work; this module lays it out. Only widgets
that ipywidgets 7.7 (Colab) and 8 (JupyterLab) both have are used, and an
upload is read in either version's format (:func:`uploaded_file`). The CSS
classes ``course-studio-*`` let the browser test find the parts.
"""

import base64
import html

from helpers.studio import (EXAMPLE_PROMPT, EXAMPLE_TUNE, FALLBACK_MODEL, INTERPOLATE_TUNES, LIMITS,
                            SOURCES, token_models)

MAX_LISTED = 50            # library rows shown (newest first); the rest stay in the folder
FIGURE_SIZE = (8.0, 2.6)   # inches: a piano roll under each result
WIDE = "95%"


def uploaded_file(value) -> tuple[str, bytes] | None:
    """``(name, content)`` of the first file in a FileUpload's value, in ipywidgets 7 or 8 form.

    ipywidgets 8 gives a tuple of dicts (``name``, ``content`` as memoryview);
    7.7 gives a dict ``{name: {"metadata": {...}, "content": bytes}}``. None
    when nothing was uploaded.
    Example: ``uploaded_file(({"name": "a.mid", "content": memoryview(b"MThd")},))`` -> ``("a.mid", b"MThd")``
    """
    if not value:
        return None
    if isinstance(value, dict):                      # ipywidgets 7
        name, item = next(iter(value.items()))
        return str(item.get("metadata", {}).get("name", name)), bytes(item["content"])
    item = value[0]                                  # ipywidgets 8
    return str(item["name"]), bytes(item["content"])


def figure_and_player(piece, name: str, marker: float | None = None) -> list:
    """The piano roll (a closed matplotlib figure) and the player of a new piece, to display.

    ``marker`` (seconds) marks where a primer ends.
    Example: ``for part in figure_and_player(piece, "jig-1"): display(part)``
    """
    import matplotlib.pyplot as plt

    from helpers.pianoroll import plot_pianoroll
    from helpers.playback import play

    fig, ax = plt.subplots(figsize=FIGURE_SIZE, layout="constrained")
    plot_pianoroll(piece, ax=ax, marker=marker, title=name,
                   marker_label="the primer ends" if marker is not None else "prompt ends")
    plt.close(fig)
    return [fig, play(piece, name=name)]


def download_link(path, name: str) -> str:
    """An HTML link that downloads the MIDI file at ``path`` as ``name.mid`` ('' if unreadable).

    Example: ``download_link(entry.midi, entry.name)`` -> ``'<a download="jig-1.mid" href="data:...">download</a>'``
    """
    from helpers.midi_file import MAX_MIDI_BYTES

    try:
        if not path.is_file() or path.stat().st_size > MAX_MIDI_BYTES:   # a pipe would never end
            return ""
        data = path.read_bytes()
    except OSError:
        return ""
    uri = "data:audio/midi;base64," + base64.b64encode(data).decode("ascii")
    return f'<a download="{html.escape(name)}.mid" href="{uri}">download</a>'


def build_view(studio) -> None:
    """Make the studio's widgets and put them on ``studio`` (``studio.widget`` is the whole app).

    Example: ``build_view(studio)`` (the Studio does this itself)
    """
    from ipywidgets import HTML, HBox, IntProgress, Label, Output, Tab, VBox

    _controls(studio)
    tabs = Tab(children=[_generate_tab(studio), _continue_tab(studio), _interpolate_tab(studio)])
    for i, title in enumerate(("Generate", "Continue", "Interpolate")):
        tabs.set_title(i, title)
    studio.buttons = [studio.generate_button, studio.continue_button, studio.interpolate_button]
    studio.progress = IntProgress(min=0, max=1, value=0, description="progress")
    studio.status = Label("Ready.")
    studio.message = HTML()
    studio.message.add_class("course-studio-message")
    studio.results = Output()
    studio.results.add_class("course-studio-results")
    studio.library_list = VBox()
    studio.library_list.add_class("course-studio-library")
    studio.library_player = Output()
    settings = VBox([studio.model, studio.temperature, studio.n_tokens, studio.n_pieces, studio.seed])
    studio.widget = VBox([HTML("<h3>The studio</h3>"), tabs, HTML("<b>Settings</b> (all tabs)"),
                          settings, HBox([studio.progress, studio.status]), studio.message,
                          studio.results, studio.library_list, studio.library_player])


def _button(description, handler):
    from ipywidgets import Button

    button = Button(description=description, button_style="primary")
    button.on_click(lambda _button: handler())
    return button


def _controls(studio) -> None:
    """The settings shared by the three tabs, starting at ``studio.settings``."""
    from ipywidgets import Dropdown, FloatSlider, IntSlider, IntText, Layout

    s, style = studio.settings, {"description_width": "140px"}
    names = token_models()
    studio.model = Dropdown(options=names, value=s.model if s.model in names else FALLBACK_MODEL,
                            description="model", style=style)
    studio.temperature = FloatSlider(value=s.temperature, min=LIMITS["temperature"][0],
                                     max=LIMITS["temperature"][1], step=0.05,
                                     description="temperature", style=style)
    studio.n_tokens = IntSlider(value=s.n_tokens, min=LIMITS["n_tokens"][0], max=LIMITS["n_tokens"][1],
                                step=16, description="length (tokens)", style=style)
    studio.n_pieces = IntSlider(value=s.n_pieces, min=LIMITS["n_pieces"][0], max=LIMITS["n_pieces"][1],
                                description="pieces", style=style)
    studio.seed = IntText(value=s.seed, description="seed", style=style, layout=Layout(width="260px"))
    studio.n_notes = IntSlider(value=s.n_notes, min=LIMITS["n_notes"][0], max=LIMITS["n_notes"][1],
                               description="primer notes", style=style)
    studio.n_steps = IntSlider(value=s.n_steps, min=LIMITS["n_steps"][0], max=LIMITS["n_steps"][1],
                               description="steps", style=style)


def _generate_tab(studio):
    from ipywidgets import HTML, Layout, Text, VBox

    studio.prompt = Text(value="", placeholder=f"e.g. {EXAMPLE_PROMPT}", description="prompt",
                         layout=Layout(width=WIDE))
    studio.generate_button = _button("Generate", studio.generate)
    studio.understood = HTML()
    studio.understood.add_class("course-studio-understood")
    return VBox([HTML("A prompt in words; the parser shows what it understood (lesson 9)."),
                 studio.prompt, studio.generate_button, studio.understood])


def _continue_tab(studio):
    from ipywidgets import HTML, FileUpload, Layout, RadioButtons, Text, VBox

    studio.source = RadioButtons(options=list(SOURCES), value=SOURCES[0], description="primer")
    studio.tune = Text(value=EXAMPLE_TUNE, description="corpus tune", layout=Layout(width=WIDE))
    studio.upload = FileUpload(accept=".mid,.midi", multiple=False, description="Upload")
    studio.continue_button = _button("Continue", studio.continue_tune)
    return VBox([HTML("The first notes of a tune, then the model goes on (lesson 5)."),
                 studio.source, studio.tune, studio.upload, studio.n_notes, studio.continue_button])


def _interpolate_tab(studio):
    from ipywidgets import HTML, Layout, Text, VBox

    studio.tune_a = Text(value=INTERPOLATE_TUNES[0], description="from", layout=Layout(width=WIDE))
    studio.tune_b = Text(value=INTERPOLATE_TUNES[1], description="to", layout=Layout(width=WIDE))
    studio.interpolate_button = _button("Interpolate", studio.interpolate)
    return VBox([HTML("From the first two bars of one tune to those of another, through the VAE's "
                      "latent space (lesson 10)."),
                 studio.tune_a, studio.tune_b, studio.n_steps, studio.interpolate_button])


def library_rows(studio) -> tuple:
    """The library's heading and one row per piece (newest first): description, play, download, delete.

    Example: ``studio.library_list.children = library_rows(studio)``
    """
    from ipywidgets import HTML, Button, HBox

    entries = studio.library.entries()
    shown = entries[:MAX_LISTED]
    more = f"; the newest {MAX_LISTED} are listed" if len(entries) > MAX_LISTED else ""
    rows = [HTML(f"<b>Library</b>: {len(entries)} piece{'s' * (len(entries) != 1)} in "
                 f"<code>{html.escape(str(studio.library.folder))}</code>{more}")]
    for entry in shown:
        play_button = Button(description="Play", disabled=not entry.midi.is_file())
        play_button.on_click(lambda _b, name=entry.name: studio.play_piece(name))
        delete_button = Button(description="Delete", button_style="danger")
        delete_button.on_click(lambda _b, name=entry.name: studio.delete(name))
        text = HTML(f"<b>{html.escape(entry.name)}</b> {html.escape(entry.describe())}")
        row = HBox([play_button, HTML(download_link(entry.midi, entry.name)), delete_button, text])
        row.add_class("course-studio-entry")
        rows.append(row)
    return tuple(rows)
