"""The course's frame: README course map and badges, setup cells, notebooks' shape, setup files."""

import re
import subprocess
import sys

import nbformat
import pytest
import yaml
from packaging.requirements import Requirement

from helpers import course
from helpers.paths import REPO_ROOT

ALL_NOTEBOOKS = sorted(p for kind in ("notebooks", "solutions", "exercises")
                       for p in (REPO_ROOT / kind).glob("*/*.ipynb"))
COLAB_LINK = re.compile(r"https://colab\.research\.google\.com/github/([^)\s\"']+)")


def ids(paths):
    return [str(p.relative_to(REPO_ROOT)) for p in paths]


def test_every_lesson_has_lesson_exercise_and_solution():
    for lesson in course.LESSONS:
        assert lesson.exists(), lesson
    assert len(ALL_NOTEBOOKS) == 3 * len(course.LESSONS)


def test_readme_course_map_is_generated_from_the_lesson_list():
    assert course.build_readme(check=True), "run: python -m helpers build-readme"


def test_every_colab_badge_points_at_an_existing_notebook_of_this_repository():
    texts = [(REPO_ROOT / "README.md").read_text()] + [p.read_text() for p in ALL_NOTEBOOKS]
    links = [m for text in texts for m in COLAB_LINK.findall(text)]
    assert len(links) >= len(course.LESSONS)
    prefix = f"{course.GITHUB_REPO}/blob/{course.GITHUB_BRANCH}/"
    for link in links:
        assert link.startswith(prefix), link
        assert (REPO_ROOT / link[len(prefix):]).is_file(), f"badge to a missing notebook: {link}"


def test_a_badge_to_a_missing_notebook_would_be_caught():
    missing = course.colab_url("notebooks/easy/99_nowhere.ipynb")
    path = COLAB_LINK.findall(missing)[0].split("/blob/main/", 1)[1]
    assert not (REPO_ROOT / path).exists()


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ids(ALL_NOTEBOOKS))
def test_notebook_shape(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "commit notebooks without outputs"
    intro = "\n".join(c.source for c in nb.cells[:2] if c.cell_type == "markdown")
    for field in ("**Goal:**", "**Level:**", "**Time:**"):
        assert field in intro, f"the first cell must give the {field}"
    level = path.parent.name
    assert f"**Level:** {level}" in intro
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code.source == course.setup_cell_source(), "the setup cell must be course.setup_cell_source()"


def test_setup_cell_is_harmless_locally():
    namespace = {}
    exec(course.setup_cell_source(), namespace)  # no Colab here: must do nothing
    assert "google.colab" not in sys.modules


def _environment_pip():
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    return [line for line in pip if not line.startswith("-e")]


def _pyproject():
    try:
        import tomllib
    except ImportError:        # Python 3.10
        import tomli as tomllib
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]


def test_environment_yml_pip_section_matches_pyproject():
    project = _pyproject()
    wanted = project["dependencies"] + project["optional-dependencies"]["lab"] + \
        project["optional-dependencies"]["dev"]
    wanted = {Requirement(r).name: Requirement(r) for r in wanted}
    listed = {Requirement(r).name: Requirement(r) for r in _environment_pip()}
    assert set(listed) == set(wanted)
    for name, req in listed.items():
        if name == "torch":  # pinned for the CPU wheel; must satisfy the package's range
            pin = next(iter(req.specifier)).version
            assert wanted["torch"].specifier.contains(pin)
        else:
            assert req.specifier == wanted[name].specifier, name


def test_torch_pin_is_the_same_in_makefile_and_environment_yml():
    makefile = (REPO_ROOT / "Makefile").read_text()
    pin = re.search(r"^TORCH\s*:?=\s*(\S+)", makefile, re.MULTILINE).group(1)
    assert pin in _environment_pip()


def test_ci_runs_the_readme_test_command():
    readme = (REPO_ROOT / "README.md").read_text()
    ci = (REPO_ROOT / ".ci/run").read_text()
    assert "make test" in readme and "make lab" in readme
    assert re.search(r"^\s*make test\b", ci, re.MULTILINE)


def test_importing_helpers_loads_no_heavy_library():
    code = ("import sys, helpers, helpers.course, helpers.paths; "
            "print(sorted(m for m in ('torch', 'note_seq', 'matplotlib', 'music21', 'pretty_midi') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_command_line_help_and_checks_run():
    for args in (["--help"], ["build-exercises", "--check"], ["build-readme", "--check"],
                 ["make-examples", "--check"], ["build-notebooks", "--check"]):
        result = subprocess.run([sys.executable, "-m", "helpers", *args], capture_output=True,
                                text=True, cwd=REPO_ROOT)
        assert result.returncode == 0, (args, result.stderr)
