"""Run every notebook top to bottom, as CI and a learner pressing "Run All" would.

Lessons run without error. Solution notebooks run without error and every
check in them prints ✅ (no ❌, ⏳ or ⚠️, and no cell skipped). Exercise
notebooks run without error too: each check says "not done yet" (⏳), and each
cell that uses an unfinished exercise prints one "⏭ skipped" line instead of
a traceback. Notebooks run in a temporary folder (they write to ``output/``)
with COURSE_QUICK=1 (set in conftest.py).
"""

import re
import warnings
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError

from helpers.paths import REPO_ROOT

LESSONS = sorted(REPO_ROOT.glob("notebooks/*/*.ipynb"))
SOLUTIONS = sorted(REPO_ROOT.glob("solutions/*/*.ipynb"))
EXERCISES = sorted(REPO_ROOT.glob("exercises/*/*.ipynb"))
CHECK_CALL = re.compile(r"^check\(\"", re.MULTILINE)
VERDICT = re.compile(r"^(✅|❌|⏳|⚠️) ", re.MULTILINE)


# No cell of a notebook in quick mode takes a minute here (the slowest whole notebook: about 3
# minutes). A cell silent for this long has stalled: now and then nbclient waits for a kernel
# message that never comes while the kernel sits idle (seen here under heavy load). Such a
# notebook is run once more from the start in a fresh kernel; a second stall fails the test.
CELL_TIMEOUT = 300


def run(path, workdir, attempts: int = 2):
    """Execute a notebook (stopping at the first error, as "Run All" does); return it with its outputs."""
    for attempt in range(1, attempts + 1):
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3", allow_errors=False,
                                resources={"metadata": {"path": str(workdir)}})
        try:
            client.execute()
            return nb
        except CellTimeoutError:
            if attempt == attempts:
                raise
            warnings.warn(f"{Path(path).name}: a cell was silent for {CELL_TIMEOUT} s; running it again")


def printed(nb) -> str:
    """Everything the notebook's code cells printed (stdout and stderr)."""
    return "\n".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                     for out in cell.outputs if out.output_type == "stream")


def count_checks(nb) -> int:
    """How many ``check("...", ...)`` calls the notebook's code cells make."""
    return sum(len(CHECK_CALL.findall(cell.source)) for cell in nb.cells if cell.cell_type == "code")


def count_guarded_cells(nb) -> int:
    """How many code cells start a ``with needs_exercises():`` block."""
    return sum(cell.source.count("with needs_exercises():") for cell in nb.cells if cell.cell_type == "code")


def solution_problems(nb) -> list[str]:
    """What is wrong in an executed solution notebook: checks that did not pass, cells skipped."""
    text = printed(nb)
    verdicts = VERDICT.findall(text)
    problems = [line for line in text.splitlines() if VERDICT.match(line) and not line.startswith("✅")]
    problems += [line for line in text.splitlines() if line.startswith("⏭")]
    if len(verdicts) != count_checks(nb):
        problems.append(f"{count_checks(nb)} check calls but {len(verdicts)} verdicts printed")
    return problems


def exercise_problems(nb) -> list[str]:
    """What is wrong in an executed exercise notebook: a check not saying "not done", a cell not skipped."""
    text = printed(nb)
    problems = [line for line in text.splitlines() if VERDICT.match(line) and not line.startswith("⏳")]
    if text.count("⏳ ") != count_checks(nb):
        problems.append(f"{count_checks(nb)} check calls but {text.count('⏳ ')} 'not done yet' verdicts")
    skipped = [line for line in text.splitlines() if line.startswith("⏭ skipped: finish Exercise")]
    if len(skipped) != count_guarded_cells(nb):
        problems.append(f"{count_guarded_cells(nb)} cells use your functions but {len(skipped)} said skipped")
    return problems


def names(paths):
    return [str(p.relative_to(REPO_ROOT)) for p in paths]


@pytest.mark.parametrize("path", LESSONS, ids=names(LESSONS))
def test_lesson_notebooks_run_without_error(path, tmp_path):
    run(path, tmp_path)


@pytest.mark.parametrize("path", SOLUTIONS, ids=names(SOLUTIONS))
def test_solution_notebooks_run_and_every_check_passes(path, tmp_path):
    assert solution_problems(run(path, tmp_path)) == []


@pytest.mark.parametrize("path", EXERCISES, ids=names(EXERCISES))
def test_exercise_notebooks_run_all_and_say_what_is_not_done(path, tmp_path):
    assert exercise_problems(run(path, tmp_path)) == []
