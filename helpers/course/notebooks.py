"""What every notebook shares: the setup cell, and the Colab links of the lesson notebooks.

Both are generated from :mod:`helpers.course.lessons` (``GITHUB_REPO``,
``GITHUB_BRANCH``, ``COLAB_CHECKOUT``) and written into the notebooks with
nbformat, so moving the repository means changing one line there and running::

    python -m helpers build-notebooks           # rewrite every notebook's setup cell and Colab links
    python -m helpers build-notebooks --check   # exit 1 if a notebook is stale

* The **setup cell** is the first code cell of every notebook (lessons,
  solutions, and the exercises, which are rebuilt from their solutions here
  exactly as ``build-exercises`` does). In Colab it clones the repository and installs the
  course with pip, and only when ``import helpers`` fails, so running it twice,
  or again after a failed install, does the right thing; it never asks for a
  restart. On your own machine it does nothing.
* The **Colab links** are one line under the title of each lesson notebook:
  its own "Open in Colab" badge and links to its exercises and solutions.
  Solution and exercise notebooks get no line of their own, because the
  exercise notebook is generated from the solution notebook.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from helpers.course import lessons
from helpers.course.lessons import colab_badge, colab_url
from helpers.paths import REPO_ROOT

# The setup cell's pip command after ``python``: one source for the cell and for
# the Colab simulation (tests/colab/simulate.py), which runs exactly this.
PIP_INSTALL = ("-m", "pip", "install", "--quiet", "-e")
KINDS = ("notebooks", "solutions", "exercises")
SETUP_MARK = "# Setup:"          # how a setup cell starts (older versions included)
BADGE_START = "[![Open in Colab]"
# A Colab link to a notebook of this course (not to another project's), under any repository or branch.
_COURSE_COLAB_LINK = re.compile(r"https://colab\.research\.google\.com/github/[^/\s)]+/[^/\s)]+/blob/"
                                r"[^/\s)]+/(?=(?:notebooks|solutions|exercises)/)")


def setup_cell_source(repo: str | None = None, branch: str | None = None,
                      checkout: str | None = None) -> str:
    """The first code cell of every notebook: installs the course in Colab, does nothing locally.

    Each argument left out comes from :mod:`helpers.course.lessons` (``GITHUB_REPO``,
    ``GITHUB_BRANCH``, ``COLAB_CHECKOUT``), read when called.

    Example: ``setup_cell_source().splitlines()[0]`` -> ``"# Setup: in Colab this fetches ..."``
    """
    repo, branch = repo or lessons.GITHUB_REPO, branch or lessons.GITHUB_BRANCH
    checkout = checkout or lessons.COLAB_CHECKOUT
    pip = ", ".join(json.dumps(arg) for arg in PIP_INSTALL)
    return f'''# Setup: in Colab this fetches the course and installs it (a minute or two, once per session;
# if it stops with an error, run it again). On your own machine (after `make lab`) it does nothing.
import os, subprocess, sys
if "google.colab" in sys.modules:
    try:
        import helpers  # installed by an earlier run of this cell
    except ImportError:
        checkout = "{checkout}"
        if not os.path.isdir(os.path.join(checkout, ".git")):
            subprocess.run(["git", "clone", "--depth", "1", "--branch", "{branch}",
                            "https://github.com/{repo}", checkout], check=True)
        subprocess.run([sys.executable, {pip}, checkout], check=True)
        sys.path.insert(0, checkout)  # later sessions find it through the install
        import helpers'''


def install_command(python: str, checkout: str) -> list[str]:
    """The pip command the setup cell runs, for a given Python and checkout folder.

    Example: ``install_command("python3", "/content/course-kit")[-2:]`` -> ``["-e", "/content/course-kit"]``
    """
    return [python, *PIP_INSTALL, checkout]


def colab_links_line(lesson_number: int) -> str:
    """The managed line under a lesson notebook's title: its badge, then its exercises and solutions.

    Example: ``colab_links_line(0)`` -> ``"[![Open in Colab](...)](...) · exercises: ..."``
    """
    lesson = _lesson(lesson_number)
    return (f"{colab_badge(lesson.path('notebooks'))} · "
            f"exercises: [open in Colab]({colab_url(lesson.path('exercises'))}) · "
            f"solutions: [open in Colab]({colab_url(lesson.path('solutions'))})")


def _lesson(number: int):
    for lesson in lessons.LESSONS:
        if lesson.number == number:
            return lesson
    raise ValueError(f"no lesson number {number} in helpers/course/lessons.py LESSONS")


def frame_notebook(nb: "nbformat.NotebookNode", path: str,
                   checkout: str | None = None) -> "nbformat.NotebookNode":
    """Write the current setup cell (and, in a lesson notebook, its Colab links) into ``nb``.

    ``path`` is the notebook's repository path, e.g. ``"notebooks/easy/00_getting_started.ipynb"``.
    A first code cell that starts with ``# Setup:`` is replaced; otherwise a
    setup cell is inserted before the first code cell. Returns ``nb``.

    Example: ``frame_notebook(nbformat.read(p, as_version=4), "notebooks/easy/00_getting_started.ipynb")``
    """
    import nbformat

    kind = path.split("/", 1)[0]
    if kind not in KINDS:
        raise ValueError(f"{path}: a course notebook lives in {', '.join(KINDS)}/, not {kind}/")
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    if not code:
        raise ValueError(f"{path}: no code cell, so no place for the setup cell")
    source = setup_cell_source(checkout=checkout)
    first = nb.cells[code[0]]
    if first.source.startswith(SETUP_MARK):
        first.source = source
    else:
        cell = nbformat.v4.new_code_cell(source)
        cell.id = "colab-setup"
        nb.cells.insert(code[0], cell)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = _COURSE_COLAB_LINK.sub(colab_url(""), cell.source)
    if kind == "notebooks":
        _set_links_line(nb, path)
    return nb


def _set_links_line(nb, path: str) -> None:
    number = _lesson_number(path)
    title = next((cell for cell in nb.cells if cell.cell_type == "markdown"
                  and cell.source.lstrip().startswith("# ")), None)
    if title is None:
        raise ValueError(f"{path}: no markdown cell starting with a '# ' title for the Colab links")
    lines = [line for line in title.source.splitlines() if not line.startswith(BADGE_START)]
    heading = next(i for i, line in enumerate(lines) if line.startswith("# "))
    while heading + 1 < len(lines) and not lines[heading + 1].strip():
        del lines[heading + 1]
    lines[heading + 1:heading + 1] = ["", colab_links_line(number), ""]
    title.source = "\n".join(lines).rstrip("\n")


def _lesson_number(path: str) -> int:
    for lesson in lessons.LESSONS:
        if lesson.path("notebooks") == path:
            return lesson.number
    raise ValueError(f"{path}: not a lesson of helpers/course/lessons.py LESSONS; add it there first")


def expected_notebooks(root: Path = REPO_ROOT, checkout: str | None = None) -> dict[Path, str]:
    """Map every course notebook under ``root`` to the text it should have.

    Lesson and solution notebooks are framed here; each exercise notebook is
    what ``build-exercises`` makes from its framed solution, so the two
    commands always agree.

    Example: ``len(expected_notebooks())`` -> ``27``
    """
    import nbformat

    from helpers.course.exercises import make_exercise

    root = Path(root)
    result = {}
    for kind in ("notebooks", "solutions"):
        for path in sorted((root / kind).glob("*/*.ipynb")):
            relative = path.relative_to(root).as_posix()
            nb = frame_notebook(_read(path, relative), relative, checkout)
            result[path] = nbformat.writes(nb) + "\n"
            if kind == "solutions":
                name = path.relative_to(root / kind).as_posix()
                exercise = make_exercise(nbformat.reads(result[path], as_version=4), name)
                result[root / "exercises" / name] = nbformat.writes(exercise) + "\n"
    return result


def _read(path: Path, relative: str):
    import nbformat

    try:
        return nbformat.read(path, as_version=4)
    except Exception as error:  # nbformat raises several types for a broken file
        raise ValueError(f"{relative}: not a readable notebook: {error}") from error


def build_notebooks(check: bool = False, root: Path = REPO_ROOT) -> list[str]:
    """Rewrite every notebook's setup cell and Colab links; with ``check``, only list the stale ones.

    Returns the problems (stale notebooks when checking; nothing after writing),
    as ``build_exercises`` does, so ``python -m helpers`` reports both alike.

    Example: ``build_notebooks(check=True)`` -> ``[]``
    """
    root = Path(root)
    problems = []
    for path, text in expected_notebooks(root).items():
        if path.exists() and path.read_text() == text:
            continue
        if check:
            problems.append(f"out of date: {path.relative_to(root).as_posix()}")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    return problems
