"""The blind A/B listening test, without a browser: clicks are the buttons' own handlers."""

import pytest

from helpers.listening import ListeningTest
from helpers.music import melody

ALLOWED_WIDGETS = {"Button", "HTML", "Label", "Output", "HBox", "VBox"}   # in ipywidgets 7.7 and 8


def make_test(rounds=4, seed=0):
    generated = [melody([60 + i, 62, 64]) for i in range(rounds)]
    real = [melody([72, 71 - i, 69]) for i in range(rounds)]
    return ListeningTest(generated, real, seed=seed,
                         generated_names=[f"model piece {i}" for i in range(rounds)],
                         real_names=[f"chorale {i}" for i in range(rounds)])


def widget_kinds(widget):
    kinds = {type(widget).__name__}
    for child in getattr(widget, "children", ()):
        kinds |= widget_kinds(child)
    return kinds


def test_only_widgets_that_exist_in_ipywidgets_7_and_8():
    test = make_test()
    assert widget_kinds(test.show()) <= ALLOWED_WIDGETS
    assert "Output" not in widget_kinds(test.show())     # an Output can block nbclient (issue 312)
    assert all("<audio" in test.outputs[side].value for side in "AB")   # the players are HTML values


def test_each_round_pairs_one_real_and_one_generated_piece_in_seeded_order():
    test = make_test(rounds=12, seed=3)
    for pair in test.rounds:
        assert sorted(is_real for _, _, is_real in pair) == [False, True]
    sides = [("A" if pair[0][2] else "B") for pair in test.rounds]
    assert sides == [("A" if pair[0][2] else "B") for pair in make_test(rounds=12, seed=3).rounds]
    assert set(sides) == {"A", "B"}                      # the real piece is not always on one side
    assert sides != [("A" if pair[0][2] else "B") for pair in make_test(rounds=12, seed=4).rounds]


def test_the_players_are_labelled_a_and_b_only():
    test = make_test()
    assert len(test.players) == 2
    html_a, html_b = (player.html for player in test.players)
    assert "A.mid" in html_a and "B.mid" in html_b
    for text in (html_a, html_b):
        assert "chorale" not in text and "model piece" not in text


def test_a_right_pick_reveals_and_counts():
    test = make_test()
    assert test.tally.value == "No answers yet." and test.next_button.disabled
    real = test.real_side()
    test.buttons[real].click()
    assert test.reveal.value.startswith("<b>Right!</b>")
    assert f"{real} was the real piece" in test.reveal.value and "chorale 0" in test.reveal.value
    assert "1 times out of 1 (100%)" in test.tally.value
    assert all(button.disabled for button in test.buttons.values()) and not test.next_button.disabled
    test.buttons["A"].click()                             # a second click in the round is ignored
    test.buttons["B"].click()
    assert (test.correct, test.answered) == (1, 1)


def test_a_wrong_pick_then_the_next_round_and_the_end():
    test = make_test(rounds=2)
    test.pick(test.real_side())
    test.next_button.click()
    assert test.round == 1 and test.reveal.value == "" and test.title.value.startswith("Round 2 of 2")
    assert not any(button.disabled for button in test.buttons.values())
    wrong = "B" if test.real_side() == "A" else "A"
    test.buttons[wrong].click()
    assert test.reveal.value.startswith("<b>Not this time.</b>") and "last round" in test.reveal.value
    assert "1 times out of 2 (50%)" in test.tally.value
    assert test.next_button.disabled
    test.next_round()                                     # nothing after the last round
    assert test.round == 1


def test_next_round_waits_for_an_answer_and_bad_input_is_refused():
    test = make_test()
    test.next_round()
    assert test.round == 0
    with pytest.raises(ValueError, match="'A' or 'B'"):
        test.pick("C")
    with pytest.raises(ValueError, match="at least one"):
        ListeningTest([], [melody([60])])
