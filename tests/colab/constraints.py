"""Colab's preinstalled packages as pip constraints files, and the checks our requirements must pass.

Colab publishes what its runtime holds: ``pip-freeze.txt`` in
https://github.com/googlecolab/backend-info (one commit per image change). Each
file ``tests/colab/py3.*.txt`` is that freeze for one runtime, turned into a
constraints file (``name==version`` per line) with a header naming the Python,
the freeze's date and its source::

    python tests/colab/constraints.py FREEZE --python 3.13.15 --date 2026-08-19 \\
        --source URL --runtime "CPU, default since 2026-08-25" > tests/colab/py3.13.txt

The tests (``tests/test_install.py``) and the simulation (``tests/colab/simulate.py``)
read these files through :func:`read_runtime`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import Version

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
RUNTIME_FILES = {"3.13": HERE / "py3.13.txt", "3.12": HERE / "py3.12.txt"}
HEADER_KEYS = ("runtime", "python", "date", "source")
# The kernel's own packages: google-colab pins them, and upgrading them breaks the kernel.
KERNEL_PACKAGES = ("ipython", "ipykernel", "traitlets", "tornado", "pyzmq", "ipywidgets",
                   "jupyter-client", "jupyter-core", "psutil", "notebook")
# Freeze lines that point at files no index has (Colab builds them itself): left out.
NOT_ON_AN_INDEX = ("google-colab", "jupyter-kernel-gateway", "en-core-web-sm")


def normalize(name: str) -> str:
    """A distribution name as indexes compare it (PEP 503).

    Example: ``normalize("Jupyter_Client")`` -> ``"jupyter-client"``
    """
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Runtime:
    """One Colab runtime: its Python, its pinned packages and where the list came from."""

    path: Path
    python: str                 # full version, e.g. "3.13.15"
    date: str                   # date of the freeze, YYYY-MM-DD
    source: str                 # address of the freeze it was made from
    description: str            # e.g. "CPU, default since 2026-08-25"
    pins: dict[str, str]        # normalized name -> version

    @property
    def python_short(self) -> str:
        """``major.minor``, as ``pip --python-version`` takes it.

        Example: ``read_runtime(RUNTIME_FILES["3.13"]).python_short`` -> ``"3.13"``
        """
        return ".".join(self.python.split(".")[:2])


def read_runtime(path: Path) -> Runtime:
    """Read a constraints file written by :func:`constraints_text`; errors name the file and line.

    Example: ``read_runtime(RUNTIME_FILES["3.13"]).pins["ipython"]`` -> ``"7.34.0"``
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such Colab constraints file")
    header, pins = {}, {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if line.startswith("#"):
            key, _, value = line[1:].partition(":")
            if key.strip() in HEADER_KEYS and key.strip() not in header:
                header[key.strip()] = value.strip()
        elif line:
            name, sep, version = line.partition("==")
            if not sep or not name.strip() or not version.strip():
                raise ValueError(f"{path}, line {number}: expected 'name==version', got {line!r}")
            pins[normalize(name.strip())] = version.strip()
    missing = [key for key in HEADER_KEYS if key not in header]
    if missing:
        raise ValueError(f"{path}: header lacks {', '.join('# ' + k + ':' for k in missing)}")
    return Runtime(path, header["python"], header["date"], header["source"], header["runtime"], pins)


def freeze_line_to_pin(line: str) -> str | None:
    """One ``pip freeze`` line as ``name==version``, or None for what no index has.

    ``name @ URL`` lines keep the version in the wheel's file name, without its
    local label (``torch-2.11.0+cpu`` gives ``torch==2.11.0``, which ``2.11.0+cpu`` satisfies).

    Example: ``freeze_line_to_pin("numpy==2.1.3")`` -> ``"numpy==2.1.3"``
    """
    line = line.strip()
    if not line or line.startswith("#"):
        return None
    if "==" in line and " @ " not in line:
        return line
    name, _, url = line.partition(" @ ")
    if normalize(name) in NOT_ON_AN_INDEX:
        return None
    filename = urllib.parse.unquote(url.rsplit("/", 1)[-1].split("#", 1)[0])
    if not filename.endswith(".whl"):
        raise ValueError(f"freeze line {line!r}: a direct reference that is not a wheel; "
                         "add its name to NOT_ON_AN_INDEX or pin it by hand")
    version = Version(filename.split("-")[1])
    return f"{name}=={version.public}"


def constraints_text(freeze: str, runtime: str, python: str, date: str, source: str) -> str:
    """A constraints file (header, then one pin per line) made from a Colab ``pip freeze``.

    Example: ``constraints_text("numpy==2.1.3", "CPU", "3.13.15", "2026-08-19", "URL").splitlines()[-1]`` -> ``"numpy==2.1.3"``
    """
    pins = [pin for pin in map(freeze_line_to_pin, freeze.splitlines()) if pin]
    header = [
        "# Colab's preinstalled packages as pip constraints (made by tests/colab/constraints.py).",
        f"# runtime: {runtime}",
        f"# python: {python}",
        f"# date: {date}",
        f"# source: {source}",
        "# 'name @ URL' lines became name==version; left out (no index has them): "
        + ", ".join(NOT_ON_AN_INDEX) + ".",
    ]
    return "\n".join(header + pins) + "\n"


def marker_environment(python: str, extra: str = "") -> dict[str, str]:
    """This machine's marker environment, with the target Python's version and an extra.

    Example: ``marker_environment("3.13.15")["python_version"]`` -> ``"3.13"``
    """
    env = default_environment()
    env.update(python_full_version=python, python_version=".".join(python.split(".")[:2]),
               extra=extra)
    return env


def applies(requirement: Requirement, python: str, extras: frozenset = frozenset()) -> bool:
    """Whether a requirement's marker holds on the target Python (with the given extras asked for).

    Example: ``applies(Requirement('tomli; python_version < "3.11"'), "3.13.15")`` -> ``False``
    """
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate(marker_environment(python, extra))
               for extra in ("", *extras))


def read_project(pyproject: Path = REPO_ROOT / "pyproject.toml") -> dict:
    """The ``[project]`` table of ``pyproject.toml``; a clear error when it cannot be read.

    Example: ``read_project()["requires-python"]`` -> ``">=3.10"``
    """
    try:
        import tomllib
    except ModuleNotFoundError:   # Python 3.10: the dev extra installs tomli
        import tomli as tomllib
    try:
        return tomllib.loads(Path(pyproject).read_text())["project"]
    except (OSError, KeyError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"{pyproject}: cannot read its [project] table: {error!r}") from error


def project_requirements(pyproject: Path = REPO_ROOT / "pyproject.toml") -> list[Requirement]:
    """The core dependencies of the course package (what Colab's ``pip install -e`` installs).

    Example: ``"torch" in [r.name for r in project_requirements()]`` -> ``True``
    """
    try:
        return [Requirement(text) for text in read_project(pyproject)["dependencies"]]
    except (KeyError, InvalidRequirement) as error:
        raise ValueError(f"{pyproject}: bad [project] dependencies: {error!r}") from error


def conflicts(requirements: list[tuple[str, Requirement]], runtime: Runtime) -> list[str]:
    """Each requirement on a preinstalled package that Colab's version would not satisfy.

    ``requirements`` pairs each requirement with who asks for it.

    Example: ``conflicts([("us", Requirement("ipython>=8.0"))], colab313)`` -> ``["us asks for ipython>=8.0; Colab ... has ipython 7.34.0"]``
    """
    found = []
    for who, requirement in requirements:
        pinned = runtime.pins.get(normalize(requirement.name))
        if pinned is None or not applies(requirement, runtime.python):
            continue
        if not requirement.specifier.contains(pinned, prereleases=True):
            found.append(f"{who} asks for {requirement}; Colab (Python {runtime.python}) "
                         f"has {requirement.name} {pinned}")
    return found


def installed_requirement_edges(roots: list[Requirement], runtime: Runtime,
                                ) -> tuple[list[tuple[str, Requirement]], list[str]]:
    """Walk the requirements of what Colab would have to install, from this environment's metadata.

    Starting at ``roots``, every package Colab lacks is looked up among the
    installed distributions here and its requirements followed; a package
    Colab has is not entered (it stays as it is). Returns the requirements met
    on the way, each with who asks for it, and the names that are neither on
    Colab nor installed here (their requirements could not be read).

    Example: ``edges, unseen = installed_requirement_edges(project_requirements(), colab313)``
    """
    import importlib.metadata as metadata

    edges, unseen, seen = [], [], set()
    queue = [("music-course-helpers", requirement, frozenset()) for requirement in roots]
    while queue:
        who, requirement, extras = queue.pop(0)
        if not applies(requirement, runtime.python, extras):
            continue
        edges.append((who, requirement))
        name = normalize(requirement.name)
        key = (name, frozenset(requirement.extras))
        if name in runtime.pins or key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            unseen.append(requirement.name)
            continue
        label = f"{dist.metadata['Name']} {dist.version}"
        queue.extend((label, Requirement(text), frozenset(requirement.extras))
                     for text in dist.requires or [])
    return edges, sorted(set(unseen))


def target_python(version: str) -> Path | None:
    """A runnable Python of that version: ``python3.13`` on PATH, else pyenv's newest 3.13.x, else None.

    Example: ``target_python("3.13")`` -> ``Path("/root/.pyenv/versions/3.13.0/bin/python")``
    """
    on_path = shutil.which(f"python{version}")
    if on_path and subprocess.run([on_path, "-c", ""], capture_output=True).returncode == 0:
        return Path(on_path)
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found = sorted(pyenv.glob(f"{version}.*/bin/python"),
                   key=lambda p: [int(x) for x in p.parent.parent.name.split(".") if x.isdigit()])
    return found[-1] if found else None


def pip_resolve(runtime: Runtime, requirements: list[str], report: Path, python: Path | None = None,
                timeout: int = 900) -> subprocess.CompletedProcess:
    """Ask pip what installing ``requirements`` on that Colab runtime would install (nothing is).

    With ``python`` (an interpreter of the runtime's version, see :func:`target_python`)
    its own pip resolves, so environment markers such as ``python_version >= "3.13"``
    are evaluated for that Python. Without it, this Python's pip resolves with
    ``--python-version`` (wheels only), which evaluates markers for *this* Python:
    :func:`unmet_requirements` then finds what that missed. Either way the runtime's
    constraints make a requirement that would move a preinstalled package fail, and
    ``fast-deps`` reads wheel metadata with range requests instead of whole wheels.

    Example: ``pip_resolve(colab313, ["note-seq>=0.0.5"], Path("/tmp/report.json")).returncode`` -> ``0``
    """
    target = ([] if python else ["--python-version", runtime.python_short, "--only-binary=:all:"])
    command = [str(python or sys.executable), "-m", "pip", "install", "--dry-run", "--ignore-installed",
               "--report", str(report), *target, "--use-feature=fast-deps", "--progress-bar", "off",
               "--disable-pip-version-check", "-c", str(runtime.path), *requirements]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def unmet_requirements(report: Path, runtime: Runtime) -> list[str]:
    """Requirements that apply on the runtime's Python but that the resolution left unmet.

    Each package in a ``pip --report`` lists its requirements; those whose
    markers hold on the target Python must be met by a package in the report
    (or, left out by a resolution for another Python, by a Colab package of a fitting version).

    Example: ``unmet_requirements(Path("/tmp/report.json"), colab313)`` -> ``[]``
    """
    install = json.loads(Path(report).read_text())["install"]
    chosen = {normalize(i["metadata"]["name"]): i["metadata"]["version"] for i in install}
    unmet = []
    for item in install:
        extras = frozenset(item.get("requested_extras") or ())
        for text in item["metadata"].get("requires_dist") or []:
            requirement = Requirement(text)
            if not applies(requirement, runtime.python, extras):
                continue
            name = normalize(requirement.name)
            version = chosen.get(name, runtime.pins.get(name))
            if version is None or not requirement.specifier.contains(version, prereleases=True):
                unmet.append(f"{item['metadata']['name']} {item['metadata']['version']} needs "
                             f"{requirement} on Python {runtime.python_short}; the resolution has "
                             f"{name} {version or 'nowhere'}")
    return unmet


def changed_by_report(report: Path, runtime: Runtime) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """From a ``pip --report``: preinstalled packages it would move, and the packages it would add.

    Example: ``changed, added = changed_by_report(Path("/tmp/report.json"), colab313)``
    """
    install = json.loads(Path(report).read_text())["install"]
    changed, added = {}, {}
    for item in install:
        name, version = normalize(item["metadata"]["name"]), item["metadata"]["version"]
        pinned = runtime.pins.get(name)
        if pinned is None:
            added[name] = version
        elif Version(pinned) != Version(version):
            changed[name] = (pinned, version)
    return changed, added


def main(argv: list[str] | None = None) -> int:
    """Command line: write a constraints file from a Colab ``pip-freeze.txt`` to stdout.

    Example: ``python tests/colab/constraints.py pip-freeze.txt --python 3.13.15 --date 2026-08-19 --source URL``
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("freeze", type=Path, help="a pip-freeze.txt from googlecolab/backend-info")
    parser.add_argument("--python", required=True, help="the runtime's Python, e.g. 3.13.15")
    parser.add_argument("--date", required=True, help="the freeze's commit date, YYYY-MM-DD")
    parser.add_argument("--source", required=True, help="address of the freeze at that commit")
    parser.add_argument("--runtime", default="CPU", help="which runtime, e.g. 'CPU, default'")
    args = parser.parse_args(argv)
    if not args.freeze.is_file():
        parser.error(f"{args.freeze}: no such file")
    sys.stdout.write(constraints_text(args.freeze.read_text(), args.runtime, args.python,
                                      args.date, args.source))
    return 0


if __name__ == "__main__":
    sys.exit(main())
