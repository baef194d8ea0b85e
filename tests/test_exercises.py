"""The exercise generator: one source (solutions/), stubs that raise, and the sync check."""

import re

import nbformat
import pytest

from helpers.course import exercises
from helpers.paths import REPO_ROOT


def test_committed_exercises_match_the_generator():
    assert exercises.build_exercises(check=True) == []


def test_stub_keeps_indentation_and_raises_not_implemented():
    source = ("def f(x):\n    y = 1\n    # BEGIN SOLUTION\n    return x + y\n    # END SOLUTION\n\n"
              "check('id', f)")
    stubbed = exercises.stub_code(source, 3, "add", "test")
    assert "return x + y" not in stubbed and "y = 1" in stubbed and "check('id', f)" in stubbed
    namespace = {"check": lambda *a: None}
    exec(compile(stubbed, "<stub>", "exec"), namespace)
    with pytest.raises(NotImplementedError, match="Exercise 3: add"):
        namespace["f"](1)


@pytest.mark.parametrize("source,problem", [
    ("# BEGIN SOLUTION\nx = 1\n", "never closed"),
    ("x = 1\n# END SOLUTION\n", "without"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n", "inside another"),
])
def test_unbalanced_markers_are_reported(source, problem):
    with pytest.raises(exercises.SolutionFormatError, match=problem):
        exercises.stub_code(source, 1, "", "nb.ipynb, cell 2")


def test_solution_block_needs_an_exercise_heading():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("# BEGIN SOLUTION\nx = 1\n# END SOLUTION")]
    with pytest.raises(exercises.SolutionFormatError, match="Exercise N"):
        exercises.make_exercise(nb, "x.ipynb")


def test_exercise_notebooks_hold_no_answers_and_number_their_stubs():
    for path in sorted((REPO_ROOT / "exercises").glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert "BEGIN SOLUTION" not in code and "END SOLUTION" not in code, path
        headings = sum(c.source.count("### Exercise") for c in nb.cells if c.cell_type == "markdown")
        assert code.count("raise NotImplementedError(\"Exercise") + code.count(
            "raise NotImplementedError('Exercise") == headings, path


def test_check_reports_a_stale_exercise(tmp_path):
    for kind in ("solutions", "exercises"):
        (tmp_path / kind / "easy").mkdir(parents=True)
    source = REPO_ROOT / "solutions/easy/00_getting_started.ipynb"
    (tmp_path / "solutions/easy/00_getting_started.ipynb").write_text(source.read_text())
    assert exercises.build_exercises(check=True, root=tmp_path) == [
        "missing: exercises/easy/00_getting_started.ipynb"]
    assert exercises.build_exercises(root=tmp_path) == []
    assert exercises.build_exercises(check=True, root=tmp_path) == []
    path = tmp_path / "exercises/easy/00_getting_started.ipynb"
    path.write_text(path.read_text().replace("Exercise 1", "Exercise one"))
    assert exercises.build_exercises(check=True, root=tmp_path) == [
        "out of date: exercises/easy/00_getting_started.ipynb"]


SOLUTIONS = sorted((REPO_ROOT / "solutions").glob("*/*.ipynb"))


def _code(nb):
    return [cell.source for cell in nb.cells if cell.cell_type == "code"]


# Lessons with fewer than three exercises, and why.
FEWER_EXERCISES = {"12_the_studio": 1}   # an app to use, not a technique to write: one exercise


@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_every_exercise_has_one_registered_check_and_each_lesson_three_to_six(path):
    from helpers.check import CHECKS

    nb = nbformat.read(path, as_version=4)
    headings = [h for cell in nb.cells if cell.cell_type == "markdown"
                for h in exercises._EXERCISE_TITLE.findall(cell.source)]
    ids = [i for source in _code(nb) for i in re.findall(r'^check\("([\w-]+)"', source, re.MULTILINE)]
    low = FEWER_EXERCISES.get(path.stem, 3)
    assert low <= len(headings) <= 6, path
    assert len(ids) == len(headings) == len(set(ids)), (path, ids)
    assert all(i in CHECKS for i in ids), ids
    assert [int(n) for n, _ in headings] == list(range(1, len(headings) + 1))


def test_every_check_of_the_lessons_is_used_by_a_solution_notebook():
    from helpers.check import CHECKS, LESSON_MODULES

    modules = {module.__name__ for module in LESSON_MODULES}
    used = {i for path in SOLUTIONS for source in _code(nbformat.read(path, as_version=4))
            for i in re.findall(r'^check\("([\w-]+)"', source, re.MULTILINE)}
    assert {i for i, func in CHECKS.items() if func.__module__ in modules} <= used


def test_solutions_use_exercise_functions_only_inside_needs_exercises():
    for path in SOLUTIONS:
        exercises.check_guarded_uses(nbformat.read(path, as_version=4), path.name)


def test_a_call_outside_needs_exercises_is_refused():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("### Exercise 1: f"),
                nbformat.v4.new_code_cell("def f(x):\n    # BEGIN SOLUTION\n    return x\n    # END SOLUTION"),
                nbformat.v4.new_code_cell("print(f(1))")]
    with pytest.raises(exercises.SolutionFormatError, match="cell 2: calls f .*needs_exercises"):
        exercises.make_exercise(nb, "x.ipynb")
    nb.cells[2].source = "with needs_exercises():\n    print(f(1))"
    assert exercises.make_exercise(nb, "x.ipynb").cells[3].source == nb.cells[2].source


def test_a_stub_message_is_what_needs_exercises_recognises(capsys):
    from helpers.check import needs_exercises

    namespace = {}
    exec(exercises.stub_code("def f():\n    # BEGIN SOLUTION\n    pass\n    # END SOLUTION", 4,
                             "the pitch range", "test"), namespace)
    with needs_exercises():
        namespace["f"]()
    assert capsys.readouterr().out == "⏭ skipped: finish Exercise 4 (the pitch range) first\n"
