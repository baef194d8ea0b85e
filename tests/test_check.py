"""Every check accepts right answers, rejects wrong ones with a specific hint, and never crashes.

The answers live in check_answers_easy.py and check_answers_medium.py: for
each exercise id the right answer, right answers written differently, and at
least five wrong answers of different kinds, each with text its hint must
contain. The machinery is tested here too: the time limit (with signals and
with the fallback), the protection of inputs, seeds, the "not done yet" and
"checker error" verdicts, and ``needs_exercises``.
"""

import re
import threading
import time

import numpy as np
import pytest
import torch

import check_answers_easy as easy
import check_answers_lesson10 as lesson10
import check_answers_lesson11 as lesson11
import check_answers_lesson12 as lesson12
import check_answers_lesson9 as lesson9
import check_answers_medium as medium
from helpers import music
from helpers.check import CHECKS, LESSON_MODULES, check, needs_exercises, run_check
from helpers.check import core
from helpers.check.calling import call
from helpers.check.protect import first_change, snapshot
from helpers.check.timelimit import TimeUp, limited, time_budget
from helpers.notes import add_note, new_sequence

# the answers for the checks of helpers.check.LESSON_MODULES (a new lesson adds its file here)
CATALOGUES = [easy, medium, lesson9, lesson10, lesson11, lesson12]
RIGHT = {k: v for c in CATALOGUES for k, v in c.RIGHT.items()}
ALSO_RIGHT = {k: v for c in CATALOGUES for k, v in c.ALSO_RIGHT.items()}
WRONG = {k: v for c in CATALOGUES for k, v in c.WRONG.items()}
SEEDS = (0, 1, 2, 3)


def stub(*args, **kwargs):
    raise NotImplementedError("Exercise 1: write it")


def lesson_checks() -> set:
    """The ids of the checks that helpers.check registers itself (other modules may add more)."""
    modules = {module.__name__ for module in LESSON_MODULES}
    return {exercise for exercise, func in CHECKS.items() if func.__module__ in modules}


def test_every_registered_check_has_answers_here():
    assert lesson_checks() == set(RIGHT) == set(ALSO_RIGHT) == set(WRONG)


@pytest.mark.parametrize("exercise", sorted(WRONG))
def test_each_check_meets_at_least_five_wrong_answers(exercise):
    assert len(WRONG[exercise]) >= 5


# lessons 9-12 were written with wrong answers of at least four kinds (four different hints)
VARIED = [exercise for catalogue in (lesson9, lesson10, lesson11, lesson12) for exercise in catalogue.WRONG]


@pytest.mark.parametrize("exercise", sorted(VARIED))
def test_later_lessons_wrong_answers_are_of_at_least_four_kinds(exercise):
    assert len({text for _, text in WRONG[exercise]}) >= 4


@pytest.mark.parametrize("exercise", sorted(RIGHT))
def test_right_answer_passes_on_several_seeds(exercise):
    for seed in SEEDS:
        result = run_check(exercise, RIGHT[exercise], seed=seed)
        assert result.passed, f"seed {seed}: {result.message}"


@pytest.mark.parametrize("exercise,index", [(e, i) for e in sorted(ALSO_RIGHT) for i in range(len(ALSO_RIGHT[e]))])
def test_right_answers_written_differently_pass(exercise, index):
    for seed in SEEDS[:2]:
        result = run_check(exercise, ALSO_RIGHT[exercise][index], seed=seed)
        assert result.passed, f"seed {seed}: {result.message}"


@pytest.mark.parametrize("exercise,index", [(e, i) for e in sorted(WRONG) for i in range(len(WRONG[e]))])
def test_wrong_answer_is_rejected_with_its_hint(exercise, index):
    answer, expected_text = WRONG[exercise][index]
    for seed in SEEDS[:2]:
        result = run_check(exercise, answer, seed=seed)
        assert result.status == "wrong", f"seed {seed}: {result.status}: {result.message}"
        assert expected_text in result.message, f"seed {seed}: {result.message}"
        assert "Traceback" not in result.message


@pytest.mark.parametrize("exercise", sorted(RIGHT))
def test_stub_is_not_done_yet(exercise):
    result = run_check(exercise, stub, seed=0)
    assert result.status == "not done" and "Exercise 1" in result.message


@pytest.mark.parametrize("exercise", sorted(RIGHT))
@pytest.mark.parametrize("answer", [5, "pitch_name", None])
def test_answer_that_is_not_a_function_gets_a_hint(exercise, answer):
    result = run_check(exercise, answer, seed=0)
    assert result.status == "wrong" and "Pass the function itself" in result.message


@pytest.mark.parametrize("exercise", sorted(RIGHT))
def test_answer_that_crashes_is_the_learners_error(exercise):
    result = run_check(exercise, lambda *args: 1 / 0, seed=0)
    assert result.status == "wrong" and "ZeroDivisionError" in result.message


class _Incomparable:
    def __eq__(self, other):
        raise TypeError("cannot compare")

    __hash__ = object.__hash__


STRANGE_RESULTS = [None, "text", ["a", "b"], 1.5, 7, True, torch.tensor([1, 2]), torch.zeros(2, 2, dtype=torch.long),
                   torch.tensor(float("nan")), {"a": 1}, {(1, 2): "x"}, _Incomparable(), np.array(["x"]),
                   [None, None], (1, 2, 3), [[1, 2], [3]]]


@pytest.mark.parametrize("exercise", sorted(RIGHT))
def test_strange_results_get_a_hint_never_a_checker_error(exercise):
    for value in STRANGE_RESULTS:
        result = run_check(exercise, lambda *args, _value=value: _value, seed=0)
        assert result.status == "wrong", f"{value!r}: {result.status}: {result.message}"


def test_a_hint_shows_the_smallest_failing_input_and_what_was_expected():
    # wrong for pitches 1 to 11 only: the hint shows one of them (one digit), with its expected name
    result = run_check("midi-pitch-name", lambda p: "C-1" if p < 12 else music.pitch_name(p), seed=0)
    assert result.status == "wrong"
    shown = re.search(r"pitch_name\((\d+)\): expected '([A-G]#?-1)', got 'C-1'", result.message)
    assert shown and 1 <= int(shown.group(1)) <= 9 and shown.group(2) == music.pitch_name(int(shown.group(1)))
    assert "Right on 125 of 137 inputs" in result.message


def test_each_seed_draws_other_inputs_and_a_seed_repeats_its_run():
    seen = []
    answer = lambda seq, s: seen.append(round(seq.total_time, 6)) or music.transpose(seq, s)  # noqa: E731
    for seed in (0, 0, 1):
        run_check("midi-transpose", answer, seed=seed)
    n = len(seen) // 3
    assert seen[:n] == seen[n:2 * n] and seen[:n] != seen[2 * n:]


def test_a_fixed_literal_cannot_pass_any_check():
    for exercise, answer in RIGHT.items():
        if exercise in ("lstm-train-step", "lstm-overfit", "tf-decode-step"):
            continue   # these run the answer on models and caches, not on separate inputs
        outputs = []
        recorder = lambda *args, _answer=answer: outputs.append(_answer(*args)) or outputs[-1]  # noqa: E731
        run_check(exercise, recorder, seed=0)
        first = outputs[0]
        assert any(not _equal(first, other) for other in outputs[1:]), exercise


def _equal(a, b):
    try:
        if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
            return torch.equal(torch.as_tensor(a), torch.as_tensor(b))
        if hasattr(a, "equals"):
            return a.equals(b)
        return bool(a == b) if not hasattr(a == b, "all") else bool((a == b).all())
    except Exception:
        return False


# --- the time limit ------------------------------------------------------------

def _forever(*args):
    while True:
        pass


def test_an_answer_that_never_ends_is_stopped_with_a_hint(monkeypatch):
    monkeypatch.setitem(core.SECONDS, "midi-transpose", 0.3)
    started = time.monotonic()
    result = run_check("midi-transpose", _forever, seed=0)
    assert time.monotonic() - started < 3
    assert result.status == "wrong" and "time limit of 0.3 s" in result.message and "loop" in result.message


def test_an_answer_that_sleeps_is_stopped_too(monkeypatch):
    monkeypatch.setitem(core.SECONDS, "midi-snap", 0.2)
    result = run_check("midi-snap", lambda *args: time.sleep(30), seed=0)
    assert result.status == "wrong" and "time limit" in result.message


def test_the_time_limit_works_outside_the_main_thread_through_tracing(monkeypatch):
    monkeypatch.setitem(core.SECONDS, "tok-vocab", 0.3)
    results = []
    worker = threading.Thread(target=lambda: results.append(run_check("tok-vocab", _forever, seed=0)))
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert results[0].status == "wrong" and "time limit" in results[0].message


def test_a_learners_except_exception_does_not_swallow_the_time_limit(monkeypatch):
    def stubborn(*args):
        while True:
            try:
                time.sleep(0.01)
            except Exception:
                pass

    monkeypatch.setitem(core.SECONDS, "tok-vocab", 0.2)
    assert "time limit" in run_check("tok-vocab", stubborn, seed=0).message


def test_time_spent_by_the_answer_is_counted_across_calls():
    with time_budget(0.3):
        with limited():
            time.sleep(0.2)
        with pytest.raises(TimeUp):
            with limited():
                time.sleep(0.5)


def test_without_a_budget_nothing_is_limited():
    with limited():
        time.sleep(0.01)


# --- protected inputs ------------------------------------------------------------

def test_every_kind_of_input_is_compared_before_and_after():
    import pandas as pd

    seq = new_sequence()
    add_note(seq, 60, 0.0, 1.0)
    values = [torch.tensor([1.0, float("nan")]), [1, [2, 3]], {"a": [1]}, pd.DataFrame({"x": [1, None]}), seq]
    before = snapshot(values)
    assert first_change(before, values) is None
    values[0][0] = 2.0
    assert "values of" in first_change(before, values)
    values[0][0] = 1.0
    values[1][1].append(4)
    assert "had 2 items" in first_change(before, values)
    values[1][1].pop()
    values[3].loc[0, "x"] = 5
    assert "column 'x'" in first_change(before, values)
    values[3].loc[0, "x"] = 1
    values[4].notes[0].pitch = 61
    assert "notes" in first_change(before, values)


def test_an_argument_that_may_change_is_not_compared():
    model = torch.nn.Linear(2, 2)
    call(lambda m, x: m.weight.data.add_(1), model, torch.ones(2), may_change=(0,))


# --- verdicts ----------------------------------------------------------------------

def test_a_bug_in_a_checker_is_not_blamed_on_the_learner(monkeypatch):
    monkeypatch.setitem(CHECKS, "midi-pitch-name", lambda answer, rng: {}["boom"])
    result = run_check("midi-pitch-name", music.pitch_name)
    assert result.status == "checker error" and "may be right" in result.message


def test_unknown_exercise_suggests_close_names():
    result = run_check("midi-tranpose", music.transpose)
    assert result.status == "unknown" and "midi-transpose" in result.message


def test_check_prints_one_line_verdict(capsys):
    assert check("midi-pitch-name", music.pitch_name) is None
    assert capsys.readouterr().out.startswith("✅ midi-pitch-name")


def test_training_checks_leave_torch_threads_and_random_state_as_they_were():
    threads, state = torch.get_num_threads(), torch.get_rng_state()
    assert run_check("lstm-train-step", medium.train_step, seed=0).passed
    assert torch.get_num_threads() == threads and torch.equal(torch.get_rng_state(), state)


# --- needs_exercises ---------------------------------------------------------------

def test_needs_exercises_skips_a_stub_with_one_line(capsys):
    with needs_exercises():
        raise NotImplementedError("Exercise 3: a melody from scratch")
    assert capsys.readouterr().out == "⏭ skipped: finish Exercise 3 (a melody from scratch) first\n"


def test_needs_exercises_lets_other_errors_through():
    with pytest.raises(NotImplementedError):
        with needs_exercises():
            raise NotImplementedError("some library's missing feature")
    with pytest.raises(ValueError):
        with needs_exercises():
            raise ValueError("Exercise 1: not a stub")


def test_needs_exercises_runs_a_finished_block(capsys):
    with needs_exercises():
        print("done")
    assert capsys.readouterr().out == "done\n"
