"""The exercise generator: one source (solutions/), stubs that raise, and the sync check."""

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
