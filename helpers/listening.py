"""A blind listening test: which of two pieces is the real one? (lesson 11)

Numbers say a lot about generated music, but not everything. In each round,
:class:`ListeningTest` plays two pieces, a model's and a real tune, in an
order shuffled with a seed, and labels them only "A" and "B" (the MIDI
downloads too). The learner clicks which one is real; the widget says
whether that was right, names both pieces, and keeps the tally. If the
learner is right about half of the time over many rounds, the model fools
them: that is the test.

Only widgets that exist in both ipywidgets 7.7 (Colab) and 8 (JupyterLab)
are used (Button, HTML, Label, HBox, VBox); the players come from
:func:`helpers.playback.play` and are shown as the value of HTML widgets
(not with ``display`` inside Output widgets, which can block a notebook run
by nbclient: jupyter/nbclient issue 312).
``tests/test_listening.py`` clicks through it with ipywidgets 8.1 and 7.7.1.
"""

import html
import random


class ListeningTest:
    """Rounds of "which one is real?": each round one generated and one real piece, shuffled by ``seed``.

    Example: ``ListeningTest(generated_pieces, real_pieces, seed=0).show()`` in a notebook cell
    """

    def __init__(self, generated: list, real: list, seed: int = 0,
                 generated_names: list | None = None, real_names: list | None = None):
        """Pair ``generated[i]`` with ``real[i]`` for round i (as many rounds as the shorter list).

        Example: ``ListeningTest([model_piece], [bach_piece], seed=1)``
        """
        rounds = min(len(generated), len(real))
        if rounds == 0:
            raise ValueError("a listening test needs at least one generated and one real piece")
        gen_names = generated_names or [f"generated piece {i + 1}" for i in range(len(generated))]
        real_names = real_names or [f"real piece {i + 1}" for i in range(len(real))]
        rng = random.Random(seed)
        self.rounds = []   # per round: [(piece, name, is_real) for A, then for B]
        for i in range(rounds):
            pair = [(generated[i], gen_names[i], False), (real[i], real_names[i], True)]
            rng.shuffle(pair)
            self.rounds.append(pair)
        self.round = 0
        self.correct = 0
        self.answered = 0
        self.choice = None    # "A" or "B" once this round is answered
        self.players = []     # the two players of this round, A then B
        self._build_widgets()
        self._show_round()

    # --- the widgets -------------------------------------------------------------------

    def _build_widgets(self) -> None:
        from ipywidgets import HTML, Button, HBox, Label, VBox

        self.title = Label()
        self.outputs = {"A": HTML(), "B": HTML()}
        self.buttons = {side: Button(description=f"{side} is real") for side in "AB"}
        self.buttons["A"].on_click(lambda _button: self.pick("A"))
        self.buttons["B"].on_click(lambda _button: self.pick("B"))
        self.next_button = Button(description="Next round", disabled=True)
        self.next_button.on_click(lambda _button: self.next_round())
        self.reveal = HTML()
        self.tally = HTML()
        columns = [VBox([HTML(f"<b>{side}</b>"), self.outputs[side], self.buttons[side]]) for side in "AB"]
        self.widget = VBox([self.title, HBox(columns), self.reveal,
                            HBox([self.next_button]), self.tally])

    def show(self) -> "ipywidgets.VBox":
        """The widget, to display as a cell's last line (or with ``display``).

        Example: ``ListeningTest(generated, real).show()``
        """
        return self.widget

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    # --- the rounds ------------------------------------------------------------------------

    def _show_round(self) -> None:
        """Put this round's two players in place and reset the buttons and the reveal."""
        from helpers.playback import play

        self.title.value = f"Round {self.round + 1} of {len(self.rounds)}: which one is real?"
        self.players = [play(piece, name=side) for side, (piece, _, _) in zip("AB", self.rounds[self.round])]
        for side, player in zip("AB", self.players):
            self.outputs[side].value = player.html
        for button in self.buttons.values():
            button.disabled = False
        self.next_button.disabled = True
        self.choice = None
        self.reveal.value = ""
        self._update_tally()

    def real_side(self) -> str:
        """Which side, "A" or "B", holds this round's real piece.

        Example: ``test.real_side()`` -> ``"B"``
        """
        return "A" if self.rounds[self.round][0][2] else "B"

    def pick(self, side: str) -> bool:
        """The learner says ``side`` ("A" or "B") is real: reveal, count; True if right.

        A second click in the same round changes nothing.
        Example: ``test.pick("A")`` -> ``True`` when A was the real piece
        """
        if side not in ("A", "B"):
            raise ValueError(f"side must be 'A' or 'B', not {side!r}")
        if self.choice is not None:
            return self.choice == self.real_side()
        self.choice = side
        right = side == self.real_side()
        self.answered += 1
        self.correct += right
        names = {s: html.escape(name) for s, (_, name, _) in zip("AB", self.rounds[self.round])}
        verdict = "Right!" if right else "Not this time."
        self.reveal.value = (f"<b>{verdict}</b> {self.real_side()} was the real piece. "
                             f"A: {names['A']}; B: {names['B']}.")
        for button in self.buttons.values():
            button.disabled = True
        self.next_button.disabled = self.round + 1 >= len(self.rounds)
        if self.round + 1 >= len(self.rounds):
            self.reveal.value += " That was the last round."
        self._update_tally()
        return right

    def next_round(self) -> None:
        """Go on to the next round (after this one is answered).

        Example: ``test.pick("A"); test.next_round()``
        """
        if self.choice is None or self.round + 1 >= len(self.rounds):
            return
        self.round += 1
        self._show_round()

    def _update_tally(self) -> None:
        if not self.answered:
            self.tally.value = "No answers yet."
            return
        share = self.correct / self.answered
        self.tally.value = (f"You found the real piece {self.correct} times out of {self.answered} "
                            f"({share:.0%}); guessing would get about 50%.")
