"""The studio: generate, continue and interpolate in one app, with a library of pieces (lesson 12).

The course's answer to a genre generator's web form and to Magenta Studio, as
ipywidgets in the notebook. Three tabs do what earlier lessons taught:

* **Generate** (lesson 9): a text prompt, parsed by
  :func:`helpers.prompt.parse_prompt`, which shows what it understood, then
  :func:`helpers.prompt.prompt_pieces` with the conditioned model;
* **Continue** (lesson 5): the first n notes of a corpus tune or of an
  uploaded MIDI file, then :func:`helpers.generate.continue_primer`;
* **Interpolate** (lesson 10): the steps between two tunes through the VAE's
  latent space (:mod:`helpers.latent`).

The controls below the tabs (model, temperature, length, number of pieces,
seed) hold for all three; piece i uses seed ``seed + i``, so each saved piece
repeats alone. Each result shows its piano roll and a player
(:func:`helpers.playback.play`) and goes into the library
(:mod:`helpers.studio_library`), listed with play, download and delete.
Bad input (an empty or contradictory prompt, an unreadable upload, a primer
too long) gets a message in the app, never a traceback.

Only widgets that exist in ipywidgets 7.7 (Colab) and 8 (JupyterLab) are used.
"""

import html
import warnings
from dataclasses import asdict, dataclass, fields

from helpers.studio_library import Library

# the settings each mode's record keeps (the others do not change what it makes)
RECORDED = {"generate": ("model", "temperature", "n_tokens", "seed"),
            "continue": ("model", "temperature", "n_tokens", "n_notes", "seed"),
            "interpolate": ("n_steps",)}
# (lowest, highest) of each setting: the sliders' ends, and the check on direct calls
LIMITS = {"temperature": (0.1, 2.0), "n_tokens": (16, 512), "n_pieces": (1, 4),
          "seed": (0, 2**31 - 1), "n_notes": (1, 128), "n_steps": (3, 9)}
EXAMPLE_PROMPT = "a fast Irish jig in D"
EXAMPLE_TUNE = "ryans/BannocksOBarleyMealJig/1"   # lesson 5's jig
INTERPOLATE_TUNES = ("ryans/7thRegimentReel/1", "ryans/AcaciaReel/1")   # two reels in 2/4
VAE_NAME = "folk-vae"                              # lesson 10's shipped VAE
SOURCES = ("a corpus tune", "an uploaded MIDI file")  # what the Continue tab continues
PROMPT_MODEL = "folk-conditioned"                  # lesson 9's model: the one that reads prompts
FALLBACK_MODEL = "folk-transformer"


class StudioError(ValueError):
    """Something the learner can fix (an empty prompt, no upload); the app shows it as a message."""


def limit_problem(name: str, value, low, high) -> str:
    """Why ``value`` is not a valid setting ``name`` between ``low`` and ``high`` ('' if it is).

    Example: ``limit_problem("n_pieces", 40, 1, 4)`` -> ``"n_pieces must be a whole number from 1 to 4, not 40"``
    """
    whole = isinstance(low, int)
    kind = "a whole number" if whole else "a number"
    if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)) \
            or not low <= value <= high:
        return f"{name} must be {kind} from {low} to {high}, not {value!r}"
    return ""


@dataclass
class StudioSettings:
    """The studio's settings; the defaults are the controls' starting values.

    Example: ``Studio(StudioSettings(n_tokens=64, n_pieces=1))``
    """

    model: str = PROMPT_MODEL
    temperature: float = 0.9
    n_tokens: int = 256       # tokens the model writes per piece (the length)
    n_pieces: int = 2
    seed: int = 0
    n_notes: int = 16         # Continue: notes of the primer the model reads
    n_steps: int = 5          # Interpolate: pieces from the first tune to the second, both included

    def check(self) -> "StudioSettings":
        """Refuse a setting outside :data:`LIMITS` with a ValueError naming it; returns self.

        Example: ``StudioSettings(n_pieces=40).check()`` -> ValueError "n_pieces must be ... 1 to 4"
        """
        for name, (low, high) in LIMITS.items():
            problem = limit_problem(name, getattr(self, name), low, high)
            if problem:
                raise ValueError(problem)
        return self


def token_models() -> list[str]:
    """The shipped checkpoints that write tokens (not lesson 10's VAE or lesson 11's frame model).

    Example: ``token_models()`` -> ``["folk-conditioned", "folk-lstm", "folk-transformer"]``
    """
    from helpers.checkpoints import pretrained_info, pretrained_names
    from helpers.models import MODELS

    return [name for name in pretrained_names() if pretrained_info(name).get("model") in MODELS]


class Studio:
    """The app: tabs for Generate, Continue and Interpolate, shared controls, results, a library.

    Example: ``Studio().show()`` as the last line of a notebook cell
    """

    def __init__(self, settings: StudioSettings | None = None, folder=None):
        """Start with ``settings`` (default :class:`StudioSettings`) and the library in ``folder``.

        Example: ``Studio(StudioSettings(n_tokens=64), folder="output/studio")``
        """
        self.settings = (settings or StudioSettings()).check()
        self.library = Library(folder)
        self._models = {}
        self.players = []
        from helpers.studio_view import build_view

        build_view(self)
        self.refresh_library()

    def show(self) -> "ipywidgets.VBox":
        """The app's widget, to show as a cell's last line.

        Example: ``Studio().show()``
        """
        return self.widget

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    # --- the controls ------------------------------------------------------------------

    def current_settings(self) -> StudioSettings:
        """The settings the controls show now, checked against :data:`LIMITS`.

        Example: ``studio.temperature.value = 1.2; studio.current_settings().temperature`` -> ``1.2``
        """
        values = {f.name: getattr(self, f.name).value for f in fields(StudioSettings)}
        return StudioSettings(**values).check()

    def load_model(self, name: str):
        """``(model, tokenizer)`` of the shipped checkpoint ``name``, loaded once per app.

        Example: ``model, tokenizer = studio.load_model("folk-transformer")``
        """
        from helpers.checkpoints import load_pretrained

        if name not in self._models:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                self._models[name] = load_pretrained(name)
            for warning in caught:   # e.g. a corpus that differs from the model's: said in the app
                self.tell(f"Note: {warning.message}")
        return self._models[name]

    # --- the three buttons ---------------------------------------------------------------

    def generate(self) -> list:
        """Generate from the prompt box with the current settings; the new library entries.

        Example: ``studio.prompt.value = "a slow air in E minor"; studio.generate()``
        """
        return self._run(self._generate)

    def continue_tune(self) -> list:
        """Continue the uploaded file or the corpus tune with the current settings; new entries.

        Example: ``studio.tune.value = "oneills/0001-0050/0001"; studio.continue_tune()``
        """
        return self._run(self._continue)

    def interpolate(self) -> list:
        """The steps between the two tunes through lesson 10's VAE; the new entries.

        Example: ``studio.tune_a.value, studio.tune_b.value = "oneills/0001-0050/0001", "oneills/0001-0050/0002"; studio.interpolate()``
        """
        return self._run(self._interpolate)

    def _run(self, work) -> list:
        """Run one button's work: progress while it works, a message instead of a traceback."""
        self.say("")
        self.results.clear_output()
        self.players = []   # the players of the new pieces, in order
        for button in self.buttons:
            button.disabled = True
        try:
            made = work(self.current_settings())
            self.status.value = f"Done: {len(made)} new piece{'s' * (len(made) != 1)} in the library."
            return made
        except StudioError as err:
            self.say(str(err))
        except (ValueError, KeyError, TypeError, OSError) as err:
            self.say(err.args[0] if isinstance(err, KeyError) and err.args else str(err))
        except Exception as err:   # the app must survive anything; the message names it
            self.say(f"Something went wrong ({type(err).__name__}: {err}).")
        finally:
            for button in self.buttons:
                button.disabled = False
        self.status.value = "Stopped: see the message above."
        return []

    def _generate(self, settings: StudioSettings) -> list:
        from helpers.prompt import applied_guidance, parse_prompt, prompt_pieces

        text = self.prompt.value.strip()
        if not text:
            raise StudioError(f"Write a prompt first, for example {EXAMPLE_PROMPT!r}.")
        prompt = parse_prompt(text)
        self.understood.value = f"<pre>{html.escape(prompt.explain())}</pre>"
        if not prompt.ok:
            raise StudioError("The prompt contradicts itself: " + "; ".join(prompt.problems)
                              + ". Change it and press Generate again.")
        model, tokenizer = self._step(f"loading {settings.model}", lambda: self.load_model(settings.model))
        if prompt.conditions and not set(prompt.conditions) <= set(tokenizer.conditions):
            self.tell(f"{settings.model} was trained without prompts, so it ignores this one: "
                     f"choose {PROMPT_MODEL} to have the prompt followed.")
            prompt = parse_prompt("")
        record = {"mode": "generate", "prompt": text, "conditions": prompt.conditions,
                  "guidance": applied_guidance(prompt)}
        return self._make(settings, record, text, lambda seed: (prompt_pieces(
            model, tokenizer, prompt, settings.n_tokens, n_pieces=1, temperature=settings.temperature,
            seed=seed, guidance=record["guidance"])[0], None))

    def _continue(self, settings: StudioSettings) -> list:
        from helpers.generate import continue_primer

        primer, source = self._primer()
        model, tokenizer = self._step(f"loading {settings.model}", lambda: self.load_model(settings.model))

        def one(seed):
            result = continue_primer(model, tokenizer, primer, settings.n_notes, settings.n_tokens,
                                     temperatures=(settings.temperature,), seed=seed)[0]
            return result.piece, result.prompt_end

        record = {"mode": "continue", "source": source}
        return self._make(settings, record, f"{source} continued", one)

    def _primer(self):
        """The primer: the uploaded file if there is one, else the corpus tune; and its name."""
        from helpers.corpus import load_piece
        from helpers.notes import midi_bytes_to_sequence
        from helpers.studio_view import uploaded_file

        upload = uploaded_file(self.upload.value)
        if self.source.value == SOURCES[1]:
            if upload is None:
                raise StudioError("Upload a MIDI file first (the Upload button), or continue a corpus tune.")
            name, data = upload
            return midi_bytes_to_sequence(data, source=name), name
        tune = self.tune.value.strip()
        if not tune:
            raise StudioError(f"Name a corpus tune first, for example {EXAMPLE_TUNE!r}.")
        return self._step(f"reading {tune}", lambda: load_piece(tune)), tune

    def _interpolate(self, settings: StudioSettings) -> list:
        from helpers.corpus import load_piece

        try:
            from helpers.latent import interpolate_pieces, load_vae
        except ImportError:
            raise StudioError("Interpolate needs lesson 10's model (helpers.latent), which this "
                              "copy of the course does not have yet.") from None
        tunes = [self.tune_a.value.strip(), self.tune_b.value.strip()]
        if not all(tunes):
            raise StudioError(f"Name two corpus tunes first, for example {EXAMPLE_TUNE!r}.")
        a, b = (self._step(f"reading {tune}", lambda t=tune: load_piece(t)) for tune in tunes)
        vae, _info = self._step(f"loading {VAE_NAME}", lambda: load_vae(VAE_NAME))
        steps = self._step("interpolating", lambda: interpolate_pieces(
            vae, a, b, n_steps=settings.n_steps, method="slerp"))
        record = {"mode": "interpolate", "source": f"{tunes[0]} -> {tunes[1]}", "model": VAE_NAME}
        return self._make(settings, record, f"{tunes[0]} to {tunes[1]}", lambda seed: (steps.pop(0), None),
                          count=len(steps))

    # --- making, saving and showing pieces -----------------------------------------------

    def _step(self, what: str, work):
        """Show ``what`` as the status while ``work()`` runs; its result."""
        self.status.value = f"Working: {what} ..."
        return work()

    def _make(self, settings: StudioSettings, record: dict, label: str, make, count=None) -> list:
        """Make ``count`` pieces (``make(seed) -> (piece, marker)``), save and show each; entries."""
        count = settings.n_pieces if count is None else count
        self.progress.max, self.progress.value = count, 0
        made = []
        for i in range(count):
            seed = settings.seed + i
            piece, marker = self._step(f"piece {i + 1} of {count}", lambda: make(seed))
            chosen = {**asdict(settings), "seed": seed}
            saved = {**record, "settings": {key: chosen[key] for key in RECORDED[record["mode"]]}}
            entry = self.library.save(piece, saved, label)
            self._show(entry, piece, marker)
            made.append(entry)
            self.progress.value = i + 1
        self.refresh_library()
        return made

    def _show(self, entry, piece, marker) -> None:
        from IPython.display import HTML, display

        from helpers.studio_view import figure_and_player

        figure, player = figure_and_player(piece, entry.name, marker)
        self.players.append(player)
        with self.results:
            display(HTML(f"<b>{html.escape(entry.name)}</b>: {html.escape(entry.describe())}"))
            display(figure, player)

    def play_piece(self, name: str) -> None:
        """Play the library's piece ``name`` under the library (a message if it cannot be read).

        Example: ``studio.play_piece("a_fast_Irish_jig_in_D-1")``
        """
        from IPython.display import HTML, display

        from helpers.playback import play

        self.say("")
        self.library_player.clear_output()
        try:
            piece = self.library.load(name)
        except ValueError as err:   # ReadError is a ValueError: missing or corrupt MIDI
            self.say(str(err))
            return
        self.players = [play(piece, name=name)]
        with self.library_player:
            display(HTML(f"<b>{html.escape(name)}</b>"), self.players[0])

    def delete(self, name: str) -> None:
        """Delete the library's piece ``name`` (its MIDI file and record) and list the rest.

        Example: ``studio.delete("a_fast_Irish_jig_in_D-1")``
        """
        try:
            self.library.delete(name)
            self.say(f"Deleted {name}.")
        except (KeyError, ValueError, OSError) as err:
            self.say(err.args[0] if isinstance(err, KeyError) and err.args else str(err))
        self.refresh_library()

    def say(self, text: str) -> None:
        """Show ``text`` as the app's message ('' clears it).

        Example: ``studio.say("Write a prompt first.")``
        """
        self.message.value = f"<p><b>{html.escape(text)}</b></p>" if text else ""

    def tell(self, text: str) -> None:
        """Add ``text`` under the app's message, as a note.

        Example: ``studio.tell("Note: the corpus differs from the model's.")``
        """
        self.message.value += f"<p>{html.escape(text)}</p>"

    def refresh_library(self) -> None:
        """Read the library folder again and list its pieces.

        Example: ``studio.refresh_library()`` after copying files into ``output/studio/``
        """
        from helpers.studio_view import library_rows

        self.library_list.children = library_rows(self)
