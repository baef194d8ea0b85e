"""Lesson 12's check accept right answers and reject wrong ones with a specific hint.

The answers are in check_answers_lesson12.py, laid out like the catalogues
tests/test_check.py reads, so that they can join them.
"""

import pytest

import check_answers_lesson12 as lesson12
from helpers.check import run_check
import helpers.check.studio  # noqa: F401  (registers the lesson's checks)

SEEDS = (0, 1, 2, 3)


def stub(*args, **kwargs):
    raise NotImplementedError("Exercise 1: write it")


@pytest.mark.parametrize("exercise", sorted(lesson12.RIGHT))
def test_right_answer_passes_on_several_seeds(exercise):
    for seed in SEEDS:
        result = run_check(exercise, lesson12.RIGHT[exercise], seed=seed)
        assert result.passed, f"seed {seed}: {result.message}"


@pytest.mark.parametrize("exercise,index", [(e, i) for e in sorted(lesson12.ALSO_RIGHT)
                                            for i in range(len(lesson12.ALSO_RIGHT[e]))])
def test_right_answers_written_differently_pass(exercise, index):
    for seed in SEEDS[:2]:
        result = run_check(exercise, lesson12.ALSO_RIGHT[exercise][index], seed=seed)
        assert result.passed, f"seed {seed}: {result.message}"


@pytest.mark.parametrize("exercise", sorted(lesson12.WRONG))
def test_each_check_meets_at_least_five_wrong_answers_of_different_kinds(exercise):
    answers = lesson12.WRONG[exercise]
    assert len(answers) >= 5 and len({text for _, text in answers}) >= 4


@pytest.mark.parametrize("exercise,index", [(e, i) for e in sorted(lesson12.WRONG)
                                            for i in range(len(lesson12.WRONG[e]))])
def test_wrong_answer_is_rejected_with_its_hint(exercise, index):
    answer, expected_text = lesson12.WRONG[exercise][index]
    for seed in SEEDS[:2]:
        result = run_check(exercise, answer, seed=seed)
        assert result.status == "wrong", f"seed {seed}: {result.status}: {result.message}"
        assert expected_text in result.message, f"seed {seed}: {result.message}"
        assert "Traceback" not in result.message


@pytest.mark.parametrize("exercise", sorted(lesson12.RIGHT))
def test_stub_not_done_and_non_functions_get_hints(exercise):
    assert run_check(exercise, stub, seed=0).status == "not done"
    for answer in (5, None, "key"):
        result = run_check(exercise, answer, seed=0)
        assert result.status == "wrong" and "Pass the function itself" in result.message
