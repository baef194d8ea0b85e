"""Lesson 10's checks accept right answers and reject wrong ones with a specific hint.

The answers are in check_answers_lesson10.py, laid out like the catalogues
tests/test_check.py reads, so that they can join them.
"""

import pytest

import check_answers_lesson10 as lesson10
from helpers.check import run_check
import helpers.check.latent  # noqa: F401  (registers the lesson's checks)

SEEDS = (0, 1, 2, 3)


def stub(*args, **kwargs):
    raise NotImplementedError("Exercise 1: write it")


@pytest.mark.parametrize("exercise", sorted(lesson10.RIGHT))
def test_right_answer_passes_on_several_seeds(exercise):
    for seed in SEEDS:
        result = run_check(exercise, lesson10.RIGHT[exercise], seed=seed)
        assert result.passed, f"seed {seed}: {result.message}"


@pytest.mark.parametrize("exercise,index", [(e, i) for e in sorted(lesson10.ALSO_RIGHT)
                                            for i in range(len(lesson10.ALSO_RIGHT[e]))])
def test_right_answers_written_differently_pass(exercise, index):
    for seed in SEEDS[:2]:
        result = run_check(exercise, lesson10.ALSO_RIGHT[exercise][index], seed=seed)
        assert result.passed, f"seed {seed}: {result.message}"


@pytest.mark.parametrize("exercise", sorted(lesson10.WRONG))
def test_each_check_meets_at_least_five_wrong_answers_of_different_kinds(exercise):
    answers = lesson10.WRONG[exercise]
    assert len(answers) >= 5 and len({text for _, text in answers}) >= 4


@pytest.mark.parametrize("exercise,index", [(e, i) for e in sorted(lesson10.WRONG)
                                            for i in range(len(lesson10.WRONG[e]))])
def test_wrong_answer_is_rejected_with_its_hint(exercise, index):
    answer, expected_text = lesson10.WRONG[exercise][index]
    for seed in SEEDS[:2]:
        result = run_check(exercise, answer, seed=seed)
        assert result.status == "wrong", f"seed {seed}: {result.status}: {result.message}"
        assert expected_text in result.message, f"seed {seed}: {result.message}"
        assert "Traceback" not in result.message


@pytest.mark.parametrize("exercise", sorted(lesson10.RIGHT))
def test_stub_not_done_and_non_functions_get_hints(exercise):
    assert run_check(exercise, stub, seed=0).status == "not done"
    for answer in (5, None, "slerp"):
        result = run_check(exercise, answer, seed=0)
        assert result.status == "wrong" and "Pass the function itself" in result.message
