"""Run every notebook top to bottom, as CI and a learner would.

Lessons and solutions must run without error. Exercise notebooks may fail
only with the stubs' ``NotImplementedError("Exercise N: ...")``. Notebooks
run in a temporary folder (they write to ``output/``) with COURSE_QUICK=1.
"""

import nbformat
import pytest
from nbclient import NotebookClient

from helpers.paths import REPO_ROOT

RUNNABLE = sorted(REPO_ROOT.glob("notebooks/*/*.ipynb")) + sorted(REPO_ROOT.glob("solutions/*/*.ipynb"))
EXERCISES = sorted(REPO_ROOT.glob("exercises/*/*.ipynb"))


def run(path, workdir, allow_errors):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=900, kernel_name="python3", allow_errors=allow_errors,
                            resources={"metadata": {"path": str(workdir)}})
    client.execute()
    return [out for cell in nb.cells if cell.cell_type == "code"
            for out in cell.outputs if out.output_type == "error"]


def names(paths):
    return [str(p.relative_to(REPO_ROOT)) for p in paths]


@pytest.mark.parametrize("path", RUNNABLE, ids=names(RUNNABLE))
def test_lesson_and_solution_notebooks_run_without_error(path, tmp_path):
    assert run(path, tmp_path, allow_errors=False) == []


@pytest.mark.parametrize("path", EXERCISES, ids=names(EXERCISES))
def test_exercise_notebooks_fail_only_at_the_stubs(path, tmp_path):
    errors = run(path, tmp_path, allow_errors=True)
    for error in errors:
        assert error.ename == "NotImplementedError" and error.evalue.startswith("Exercise"), \
            f"{error.ename}: {error.evalue}"
