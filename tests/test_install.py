"""The course installs in today's Colab without moving a preinstalled package, and locally on any current Python.

Colab's package lists are in ``tests/colab/`` (``py3.13.txt``, ``py3.12.txt``; date and
source in each header). The offline checks read our requirements and the
installed packages' metadata. The resolver checks ask the package index what
pip would do on Colab: they need the index and fail, never skip, without it.
The setup cell is run in a fake Colab; the notebook rewrite and the Makefile's
choice of Python are tried on copies and with ``make -n`` (nothing is installed).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request

import nbformat
import pytest
from colab.constraints import (KERNEL_PACKAGES, RUNTIME_FILES, changed_by_report, conflicts,
                               freeze_line_to_pin, installed_requirement_edges, normalize,
                               pip_resolve, project_requirements, read_project, read_runtime,
                               target_python, unmet_requirements)
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from helpers.course import exercises, lessons, notebooks
from helpers.paths import REPO_ROOT

RUNTIMES = {version: read_runtime(path) for version, path in RUNTIME_FILES.items()}
VERSIONS = sorted(RUNTIMES)
NOT_PREINSTALLED = ("note-seq", "pretty-midi", "mido", "symusic", "miditok", "midirenderer")
INDEX = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple/").rstrip("/") + "/"


# --- Colab's facts, as kept in tests/colab/ --------------------------------------------------

@pytest.mark.parametrize("version", VERSIONS)
def test_colab_constraints_name_their_source_date_and_the_versions_the_course_relies_on(version):
    runtime = RUNTIMES[version]
    assert runtime.python.startswith(version + ".")
    assert re.fullmatch(r"20\d\d-\d\d-\d\d", runtime.date)
    assert runtime.source.startswith("https://github.com/googlecolab/backend-info/blob/")
    kernel = {"ipython": "7.34.0", "ipykernel": "6.17.1", "traitlets": "5.7.1", "ipywidgets": "7.7.1"}
    for name, pinned in {**kernel, "torch": "2.11.0", "protobuf": "5.29.6", "music21": "9.9.2",
                         "numpy": {"3.13": "2.1.3", "3.12": "2.0.2"}[version]}.items():
        assert runtime.pins[name] == pinned, name
    assert not set(NOT_PREINSTALLED) & set(runtime.pins)


def test_a_malformed_constraints_file_is_refused_naming_the_file_and_line(tmp_path):
    path = tmp_path / "colab.txt"
    path.write_text("# runtime: CPU\n# python: 3.13.15\nnumpy==2.1.3\n")
    with pytest.raises(ValueError, match=r"colab\.txt: header lacks # date:, # source:"):
        read_runtime(path)
    path.write_text("# runtime: CPU\n# python: 3.13.15\n# date: 2026-08-19\n# source: x\nnumpy>=2\n")
    with pytest.raises(ValueError, match=r"colab\.txt, line 5: expected 'name==version'"):
        read_runtime(path)
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        read_runtime(tmp_path / "missing.txt")


def test_freeze_lines_become_pins_that_an_index_can_satisfy():
    url = "https://download.pytorch.org/whl/cpu/torch-2.11.0%2Bcpu-cp313-cp313-manylinux_2_28_x86_64.whl"
    assert freeze_line_to_pin(f"torch @ {url}") == "torch==2.11.0"
    assert freeze_line_to_pin("google-colab @ file:///colabtools/dist/google_colab-1.0.0.tar.gz") is None
    assert freeze_line_to_pin("numpy==2.1.3") == "numpy==2.1.3"
    with pytest.raises(ValueError, match="not a wheel"):
        freeze_line_to_pin("thing @ git+https://github.com/x/thing@abc")


# --- offline: our requirement specifiers against Colab's pins ---------------------------------

@pytest.mark.parametrize("version", VERSIONS)
def test_core_requirements_accept_every_colab_version(version):
    runtime = RUNTIMES[version]
    ours = [("pyproject.toml", requirement) for requirement in project_requirements()]
    assert conflicts(ours, runtime) == []
    assert "torch" in {normalize(r.name) for _, r in ours}   # a range that Colab's torch meets


@pytest.mark.parametrize("version", VERSIONS)
def test_requires_python_admits_colab_python(version):
    project = read_project()
    assert SpecifierSet(project["requires-python"]).contains(RUNTIMES[version].python)


@pytest.mark.parametrize("version", VERSIONS)
def test_requirements_of_what_colab_must_install_accept_colab_versions(version):
    """note-seq, pretty_midi, symusic, miditok, ... and their own requirements, read from this environment."""
    runtime = RUNTIMES[version]
    edges, unseen = installed_requirement_edges(project_requirements(), runtime)
    assert unseen == [], (f"not installed here, so their requirements cannot be read offline: {unseen}; "
                          "install them (make setup) or check them with the resolver test")
    askers = {who.split()[0] for who, _ in edges}
    assert {"note-seq", "miditok", "symusic", "pretty_midi"} <= askers, askers
    assert any(who.startswith("note-seq") and normalize(r.name) == "ipython" for who, r in edges)
    assert conflicts(edges, runtime) == []


def test_the_offline_check_catches_a_floor_above_colab():
    runtime = RUNTIMES["3.13"]
    found = conflicts([("us", Requirement("ipython>=8.0")), ("us", Requirement("ipywidgets>=8.0")),
                       ("us", Requirement("numpy>=1.24")), ("dep", Requirement("traitlets>=5.9"))],
                      runtime)
    assert found == ["us asks for ipython>=8.0; Colab (Python 3.13.15) has ipython 7.34.0",
                     "us asks for ipywidgets>=8.0; Colab (Python 3.13.15) has ipywidgets 7.7.1",
                     "dep asks for traitlets>=5.9; Colab (Python 3.13.15) has traitlets 5.7.1"]


def test_jupyterlab_only_needs_are_in_the_lab_extra():
    project = read_project()
    lab = {normalize(Requirement(r).name) for r in project["optional-dependencies"]["lab"]}
    core = {normalize(r.name) for r in project_requirements()}
    assert {"jupyterlab", "ipywidgets"} <= lab
    assert not {"jupyterlab", "ipykernel"} & core
    # the widgets of lessons 11 and 12 need ipywidgets, with no floor above Colab's 7.7.1
    # (test_core_requirements_accept_every_colab_version checks the floor)


# --- online: pip's resolver for Colab's Python, against Colab's pins --------------------------

def _require_index():
    try:
        urllib.request.urlopen(INDEX + "pip/", timeout=30).close()
        return
    except (urllib.error.URLError, OSError) as error:
        problem = error
    pytest.fail(f"The package index {INDEX} cannot be reached ({problem}). This test asks pip what "
                "installing the course on Colab would change, so it needs the index: run it where "
                "the index is reachable (CI is), or set PIP_INDEX_URL to a mirror.", pytrace=False)


def _explain(result) -> str:
    lines = [line for line in result.stderr.splitlines() if "is ignored: it is neither" not in line]
    missing = re.findall(r"No matching distribution found for (\S+)", result.stderr)
    hint = (f"\n{missing} has no wheel for this Python (pip --python-version needs wheels): give it a "
            "floor at a release with wheels, or check it with tests/colab/simulate.py." if missing else "")
    return "pip could not resolve the course on Colab:\n" + "\n".join(lines[-40:]) + hint


@pytest.mark.parametrize("version", VERSIONS)
def test_pip_resolves_the_course_on_colab_without_moving_a_preinstalled_package(version, tmp_path):
    """Colab's own Python's pip where one is installed (pyenv), else this pip with --python-version.

    torch is left out: Colab's is PyTorch's own build (2.11.0+cpu or +cu128), checked offline above.
    """
    _require_index()
    runtime, python = RUNTIMES[version], target_python(version)
    requirements = [str(r) for r in project_requirements() if normalize(r.name) != "torch"]
    result = pip_resolve(runtime, requirements, tmp_path / "report.json", python)
    assert result.returncode == 0, _explain(result)
    changed, added = changed_by_report(tmp_path / "report.json", runtime)
    assert changed == {}
    assert set(NOT_PREINSTALLED) <= set(added), added
    assert not set(KERNEL_PACKAGES) & set(added)
    assert unmet_requirements(tmp_path / "report.json", runtime) == [], \
        f"resolved with {python or 'this pip and --python-version ' + version}"


def test_the_marker_check_finds_a_requirement_only_the_target_python_has(tmp_path):
    runtime = RUNTIMES["3.13"]
    def item(name, version, requires):
        return {"metadata": {"name": name, "version": version, "requires_dist": requires}}
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"install": [
        item("a", "1.0", ["b>=2; python_version >= '3.13'", "c; python_version < '3.11'",
                          "ipython>=7", "audioop-lts>=0.2; python_version >= '3.13'"]),
        item("d", "1.0", ["traitlets>=5.9"])]}))
    assert unmet_requirements(report, runtime) == [
        "a 1.0 needs b>=2; python_version >= \"3.13\" on Python 3.13; the resolution has b nowhere",
        "d 1.0 needs traitlets>=5.9 on Python 3.13; the resolution has traitlets 5.7.1"]


def test_the_resolver_check_fails_when_a_requirement_would_move_a_kernel_package(tmp_path):
    _require_index()
    result = pip_resolve(RUNTIMES["3.13"], ["ipywidgets>=8.0"], tmp_path / "report.json")
    assert result.returncode != 0
    assert "ipywidgets" in result.stderr and "conflict" in result.stderr.lower()


# --- the setup cell, in a fake Colab ---------------------------------------------------------

FAKE_COLAB = r'''
import json, os, subprocess, sys, types
sys.modules["google.colab"] = types.ModuleType("google.colab")
cell, runs, outcomes = open(sys.argv[1]).read(), int(sys.argv[2]), sys.argv[3].split(",")
calls = []

def fake_run(command, check=False, **kwargs):
    calls.append(command[0] if command[0] == "git" else " ".join(command[2:4]))
    if command[0] == "git":   # a clone: the folder with a helpers package
        os.makedirs(os.path.join(command[-1], ".git"))
        os.makedirs(os.path.join(command[-1], "helpers"))
        open(os.path.join(command[-1], "helpers", "__init__.py"), "w").close()
    elif outcomes.pop(0) == "fail":
        raise subprocess.CalledProcessError(1, command)
    return subprocess.CompletedProcess(command, 0)

subprocess.run = fake_run
results = []
for _ in range(runs):
    try:
        exec(cell, {})
        results.append("ok")
    except subprocess.CalledProcessError:
        results.append("pip failed")
print(json.dumps({"calls": calls, "results": results,
                  "helpers": getattr(sys.modules.get("helpers"), "__file__", None)}))
'''


def _in_fake_colab(tmp_path, runs, pip_outcomes, checkout):
    cell = tmp_path / "cell.py"
    cell.write_text(notebooks.setup_cell_source(checkout=str(checkout)))
    driver = tmp_path / "driver" / "fake_colab.py"
    driver.parent.mkdir(exist_ok=True)
    driver.write_text(FAKE_COLAB)
    # -S: no site-packages, so this repository's installed helpers cannot be imported by accident
    out = subprocess.run([sys.executable, "-S", str(driver), str(cell), str(runs), ",".join(pip_outcomes)],
                         capture_output=True, text=True, cwd=tmp_path, env={"PATH": os.environ["PATH"]})
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_setup_cell_clones_and_installs_once_then_does_nothing_when_run_again(tmp_path):
    checkout = tmp_path / "content" / "course-kit"
    seen = _in_fake_colab(tmp_path, runs=2, pip_outcomes=["ok"], checkout=checkout)
    assert seen["calls"] == ["git", "pip install"]
    assert seen["results"] == ["ok", "ok"]
    assert seen["helpers"] == str(checkout / "helpers" / "__init__.py")


def test_setup_cell_installs_again_after_a_failed_pip_without_cloning_again(tmp_path):
    checkout = tmp_path / "content" / "course-kit"
    seen = _in_fake_colab(tmp_path, runs=3, pip_outcomes=["fail", "ok"], checkout=checkout)
    assert seen["calls"] == ["git", "pip install", "pip install"]
    assert seen["results"] == ["pip failed", "ok", "ok"]


def test_setup_cell_installs_when_the_folder_exists_but_helpers_does_not_import(tmp_path):
    checkout = tmp_path / "content" / "course-kit"
    (checkout / ".git").mkdir(parents=True)
    (checkout / "helpers").mkdir()
    (checkout / "helpers" / "__init__.py").write_text("")
    seen = _in_fake_colab(tmp_path, runs=1, pip_outcomes=["ok"], checkout=checkout)
    assert seen["calls"] == ["pip install"] and seen["results"] == ["ok"]


def test_setup_cell_runs_the_one_pip_command_and_never_asks_for_a_restart():
    source = notebooks.setup_cell_source()
    assert "restart" not in source.lower()
    command = notebooks.install_command("PY", "CHECKOUT")
    assert command == ["PY", "-m", "pip", "install", "--quiet", "-e", "CHECKOUT"]
    assert '[sys.executable, "-m", "pip", "install", "--quiet", "-e", checkout]' in source


def test_setup_cell_follows_the_github_location_in_lessons(monkeypatch):
    monkeypatch.setattr(lessons, "GITHUB_REPO", "someone/fork")
    monkeypatch.setattr(lessons, "GITHUB_BRANCH", "spring-2027")
    source = notebooks.setup_cell_source()
    assert '"https://github.com/someone/fork"' in source and '"--branch", "spring-2027"' in source


# --- build-notebooks, on copies of the notebooks ---------------------------------------------

@pytest.fixture
def copy_of_notebooks(tmp_path):
    """The three notebooks of every lesson in LESSONS (a lesson still being written is left out)."""
    for lesson in lessons.LESSONS:
        for kind in notebooks.KINDS:
            (tmp_path / lesson.path(kind)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(REPO_ROOT / lesson.path(kind), tmp_path / lesson.path(kind))
    return tmp_path


def _colab_links(text):
    return re.findall(r"https://colab\.research\.google\.com/github/([^)\s\"]+)", text)


def test_build_notebooks_writes_setup_cells_and_links_that_build_exercises_agrees_with(copy_of_notebooks):
    root = copy_of_notebooks
    assert notebooks.build_notebooks(root=root) == []
    assert notebooks.build_notebooks(check=True, root=root) == []
    assert exercises.build_exercises(check=True, root=root) == []
    paths = sorted(root.glob("*/*/*.ipynb"))
    assert len(paths) == 3 * len(lessons.LESSONS)
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        first_code = next(cell for cell in nb.cells if cell.cell_type == "code")
        assert first_code.source == notebooks.setup_cell_source(), path
    for lesson in lessons.LESSONS:
        text = (root / lesson.path("notebooks")).read_text()
        prefix = f"{lessons.GITHUB_REPO}/blob/{lessons.GITHUB_BRANCH}/"
        assert _colab_links(text) == [prefix + lesson.path(kind) for kind in ("notebooks", "exercises", "solutions")]
        assert text.count(notebooks.BADGE_START) == 1


def test_build_notebooks_is_idempotent_and_check_finds_a_stale_notebook(copy_of_notebooks):
    root = copy_of_notebooks
    notebooks.build_notebooks(root=root)
    before = {p: p.read_text() for p in root.glob("*/*/*.ipynb")}
    notebooks.build_notebooks(root=root)
    assert {p: p.read_text() for p in before} == before
    stale = root / "solutions/easy/04_sampling_a_pretrained_model.ipynb"
    nb = nbformat.read(stale, as_version=4)
    next(c for c in nb.cells if c.cell_type == "code").source = "# Setup: an old version\nimport os"
    nbformat.write(nb, stale)
    assert notebooks.build_notebooks(check=True, root=root) == [
        "out of date: solutions/easy/04_sampling_a_pretrained_model.ipynb"]


def test_build_notebooks_follows_a_new_github_location(copy_of_notebooks, monkeypatch):
    root = copy_of_notebooks
    notebooks.build_notebooks(root=root)
    monkeypatch.setattr(lessons, "GITHUB_REPO", "someone/fork")
    monkeypatch.setattr(lessons, "GITHUB_BRANCH", "spring-2027")
    assert len(notebooks.build_notebooks(check=True, root=root)) == 3 * len(lessons.LESSONS)
    notebooks.build_notebooks(root=root)
    for path in root.glob("*/*/*.ipynb"):
        text = path.read_text()
        assert "symbolic-music-course/course-kit" not in text, path
        assert all(link.startswith("someone/fork/blob/spring-2027/") for link in _colab_links(text))


def test_frame_notebook_inserts_a_missing_setup_cell_and_keeps_other_projects_links():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Lesson 0 — Getting started\n\n**Goal:** x\n\nSee "
                                      "https://colab.research.google.com/github/magenta/magenta-demos/"
                                      "blob/main/colab-notebooks/x.ipynb"),
        nbformat.v4.new_code_cell("print(1)")])
    notebooks.frame_notebook(nb, "notebooks/easy/00_getting_started.ipynb")
    assert [c.source for c in nb.cells if c.cell_type == "code"] == [notebooks.setup_cell_source(),
                                                                     "print(1)"]
    assert "github/magenta/magenta-demos/blob/main/colab-notebooks/x.ipynb" in nb.cells[0].source
    assert nb.cells[0].source.splitlines()[2] == notebooks.colab_links_line(0)


def test_build_notebooks_names_the_notebook_it_cannot_frame(copy_of_notebooks):
    root = copy_of_notebooks
    stray = root / "notebooks/easy/99_unlisted.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# x"),
                                                   nbformat.v4.new_code_cell("1")]), stray)
    with pytest.raises(ValueError, match=r"notebooks/easy/99_unlisted\.ipynb: not a lesson"):
        notebooks.build_notebooks(check=True, root=root)
    stray.write_text("{ not json")
    with pytest.raises(ValueError, match=r"notebooks/easy/99_unlisted\.ipynb: not a readable notebook"):
        notebooks.build_notebooks(check=True, root=root)
    stray.unlink()
    bare = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# only text")])
    with pytest.raises(ValueError, match=r"solutions/easy/x\.ipynb: no code cell"):
        notebooks.frame_notebook(bare, "solutions/easy/x.ipynb")


# --- the Makefile's choice of Python (make -n: prints, runs nothing) ---------------------------

def _make_dry_run(tmp_path, pythons, *arguments):
    """``make -n -B setup`` with a PATH that holds only fake interpreters: name -> whether it runs."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    for name, works in pythons.items():
        (bin_dir / name).write_text(f"#!/bin/sh\nexit {0 if works else 1}\n")
        (bin_dir / name).chmod(0o755)
    make = shutil.which("make")
    assert make, "make is not installed"
    return subprocess.run([make, "-n", "-B", "-C", str(REPO_ROOT), "setup", *arguments],
                          capture_output=True, text=True, env={"PATH": str(bin_dir)})


def _venv_python(result):
    return re.search(r"^(\S+) -m venv \.venv", result.stdout, re.MULTILINE).group(1)


def test_make_prefers_python311_where_it_runs(tmp_path):
    result = _make_dry_run(tmp_path, {"python3.11": True, "python3.13": True})
    assert _venv_python(result) == "python3.11"


def test_make_takes_the_newest_python_without_311(tmp_path):
    result = _make_dry_run(tmp_path, {"python3.11": False, "python3.12": True, "python3.13": True,
                                      "python3.10": True})   # a pyenv shim that fails counts as absent
    assert _venv_python(result) == "python3.13"
    assert _venv_python(_make_dry_run(tmp_path / "b", {"python3.10": True, "python3.12": True})) == "python3.12"


def test_make_python_override_wins_and_no_python_is_a_clear_error(tmp_path):
    result = _make_dry_run(tmp_path, {"python3.11": True}, "PYTHON=/opt/py/bin/python3")
    assert _venv_python(result) == "/opt/py/bin/python3"
    result = _make_dry_run(tmp_path / "none", {})
    assert result.returncode != 0
    assert "No Python found: none of python3.11 python3.13 python3.12 python3.10 runs here" in result.stderr
    assert "PYTHON=/path/to/python3" in result.stderr


def test_make_takes_the_cpu_torch_wheel_only_when_asked(tmp_path):
    default = _make_dry_run(tmp_path, {"python3.11": True})
    torch_line = next(line for line in default.stdout.splitlines() if "pip install --quiet torch==" in line)
    assert "--index-url" not in torch_line
    cpu = _make_dry_run(tmp_path / "cpu", {"python3.11": True},
                        "TORCH_INDEX=https://download.pytorch.org/whl/cpu")
    assert "pip install --quiet torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu" in cpu.stdout
    course_line = next(line for line in cpu.stdout.splitlines() if "-e '.[lab,dev]'" in line)
    assert "--index-url" not in course_line   # the rest comes from the usual index
