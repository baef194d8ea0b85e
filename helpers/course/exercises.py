"""Build the exercise notebooks from the solution notebooks (one source).

A solution notebook in ``solutions/<level>/`` holds each answer between a
``# BEGIN SOLUTION`` line and an ``# END SOLUTION`` line. The exercise notebook
in ``exercises/<level>/`` is the same notebook with each answer replaced by a
stub that raises ``NotImplementedError("Exercise N: ...")`` at the same
indentation, so the code stays valid Python. Notebooks are read and written
with nbformat (never by editing raw JSON), outputs are dropped.

    python -m helpers build-exercises           # write exercises/
    python -m helpers build-exercises --check   # exit 1 if exercises/ is stale

"Run All" must go through an exercise notebook whose exercises are not done:
each check cell says "not done yet", and any other cell that calls a function
an exercise defines must hold it in ``with needs_exercises():`` (from
``helpers.check``), which skips it with one line while the stub raises. The
builder refuses a solution notebook with such a call outside that block.
"""

import re
from pathlib import Path

from helpers.paths import REPO_ROOT

BEGIN = "# BEGIN SOLUTION"
END = "# END SOLUTION"
_EXERCISE_TITLE = re.compile(r"^#+\s*Exercise\s+(\d+)\s*[:.]?\s*(.*)$", re.MULTILINE)


class SolutionFormatError(ValueError):
    """A solution notebook's markers are unbalanced or misplaced."""


def stub_code(source: str, number: int, title: str, where: str) -> str:
    """Replace each BEGIN/END SOLUTION block in one cell's code by a stub that raises.

    ``where`` names the cell in errors about unbalanced markers.
    Example: ``stub_code(cell.source, 3, "a melody", "nb, cell 8")`` -> code whose stub raises ``NotImplementedError("Exercise 3: a melody")``
    """
    out, inside = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(BEGIN):
            if inside:
                raise SolutionFormatError(f"{where}: '{BEGIN}' inside another solution block")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            message = f"Exercise {number}: {title}" if title else f"Exercise {number}"
            out.append(f"{indent}# Your code here: replace the next line.")
            out.append(f"{indent}raise NotImplementedError({message!r})")
        elif stripped.startswith(END):
            if not inside:
                raise SolutionFormatError(f"{where}: '{END}' without a '{BEGIN}'")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise SolutionFormatError(f"{where}: '{BEGIN}' is never closed by '{END}'")
    return "\n".join(out)


def _defined_in_solutions(nb) -> set[str]:
    """The names of the functions that the notebook's solution cells define (``def name(``)."""
    names = set()
    for cell in nb.cells:
        if cell.cell_type == "code" and BEGIN in cell.source:
            names.update(re.findall(r"^def\s+(\w+)\s*\(", cell.source, re.MULTILINE))
    return names


def check_guarded_uses(nb, name: str = "notebook") -> None:
    """Raise SolutionFormatError if a cell outside the exercises calls an exercise's function unguarded.

    A cell that calls ``f(...)`` for an ``f`` defined in a solution block must
    do so inside ``with needs_exercises():``, so that "Run All" skips it with
    one line while the exercise is not done. Check cells (the ones with the
    solution block) are exempt: ``check`` itself reports "not done yet".
    Example: ``check_guarded_uses(nbformat.read("solutions/easy/01_midi_and_notes.ipynb", 4))``
    """
    functions = _defined_in_solutions(nb)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or BEGIN in cell.source or "with needs_exercises():" in cell.source:
            continue
        used = sorted(f for f in functions if re.search(rf"(?<![\w.]){f}\s*\(", cell.source))
        if used:
            raise SolutionFormatError(
                f"{name}, cell {index}: calls {', '.join(used)} (an exercise) outside "
                "'with needs_exercises():'; wrap the cell's code in that block so that Run All "
                "skips it while the exercise is not done")


def make_exercise(nb, name: str = "notebook"):
    """Return a new notebook: ``nb`` with answers stubbed and outputs removed.

    Exercise numbers and titles come from the latest markdown heading
    "### Exercise N: title" above the code cell. Refuses (SolutionFormatError)
    a notebook that calls an exercise's function outside ``with needs_exercises():``.
    Example: ``make_exercise(nbformat.read("solutions/easy/00_getting_started.ipynb", 4), "easy/00_getting_started.ipynb")``
    """
    import nbformat

    check_guarded_uses(nb, name)
    ex = nbformat.from_dict(nbformat.v4.new_notebook())
    ex.metadata = dict(nb.metadata)
    number, title = 0, ""
    for index, cell in enumerate(nb.cells):
        new = nbformat.from_dict(dict(cell))
        if cell.cell_type == "markdown":
            headings = _EXERCISE_TITLE.findall(cell.source)
            if headings:
                number, title = int(headings[-1][0]), headings[-1][1].strip()
        if cell.cell_type == "code":
            if BEGIN in cell.source or END in cell.source:
                if number == 0:
                    raise SolutionFormatError(f"{name}, cell {index}: a solution block with no "
                                              "'### Exercise N: title' heading above it")
                new.source = stub_code(cell.source, number, title, f"{name}, cell {index}")
            new.outputs, new.execution_count = [], None
        new.pop("id", None)
        ex.cells.append(new)
    ex.cells.insert(0, nbformat.v4.new_markdown_cell(
        f"*Generated from `solutions/{name}` by `python -m helpers build-exercises`: "
        "edit that notebook, not this one.*"))
    _renumber_ids(ex)
    return ex


def _renumber_ids(nb):
    """Deterministic cell ids so that regenerating gives byte-identical files."""
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"


def expected_exercises(root: Path = REPO_ROOT) -> dict:
    """Map each exercise path to the text the generator would write for it.

    Example: ``len(expected_exercises())`` -> ``9``
    """
    import nbformat

    root = Path(root)
    result = {}
    for solution in sorted((root / "solutions").glob("*/*.ipynb")):
        relative = solution.relative_to(root / "solutions")
        nb = nbformat.read(solution, as_version=4)
        result[root / "exercises" / relative] = nbformat.writes(make_exercise(nb, str(relative))) + "\n"
    return result


def build_exercises(check: bool = False, root: Path = REPO_ROOT) -> list[str]:
    """Write exercises/ (or, with ``check``, list the stale files). Returns the problems.

    Example: ``build_exercises(check=True)`` -> ``[]``
    """
    root = Path(root)
    expected = expected_exercises(root)
    problems = []
    for path, text in expected.items():
        if check:
            if not path.exists():
                problems.append(f"missing: {path.relative_to(root)}")
            elif path.read_text() != text:
                problems.append(f"out of date: {path.relative_to(root)}")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    for path in sorted((root / "exercises").glob("*/*.ipynb")):
        if path not in expected:
            problems.append(f"no solution notebook for: {path.relative_to(root)}")
    return problems
