"""Build a simulated Colab runtime, install the course as its setup cell does, run lessons in it.

For one Colab runtime (``tests/colab/py3.13.txt`` or ``py3.12.txt``):

1. a fresh venv from that Python (pyenv's, or ``--interpreter``);
2. Colab's packages first, at Colab's versions: every package of the course's
   dependency tree that Colab preinstalls, the kernel's packages
   (:data:`constraints.KERNEL_PACKAGES`) and nbclient, then packages Colab does not
   have are removed again (torch's CUDA libraries excepted, see below);
3. the setup cell's own pip command (``helpers.course.notebooks.install_command``)
   on a copy of this repository, with no constraints, as in Colab;
4. what changed: every preinstalled package whose version moved or that went away;
5. lessons 0, 4 and 5 and the exercises of lesson 0, executed with nbclient in
   fresh kernels (``COURSE_QUICK=1``), the exercise notebook failing only at its stubs.

Colab's torch is PyTorch's own CPU build (``2.11.0+cpu``), which only PyTorch's
index has; where that index cannot be reached (``--torch-index``), the public
index's build of the same version is used, which on Linux is the CUDA build
and brings several GB of NVIDIA libraries (kept: torch needs them to import).

    python tests/colab/simulate.py --python 3.13      # about 10 minutes, several GB of downloads

It prints a summary, writes it as JSON (``--out``, default
``tests/colab/simulation-py3.13.json``) and exits 1 if a preinstalled package
changed or a notebook failed. Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from constraints import (KERNEL_PACKAGES, REPO_ROOT, RUNTIME_FILES, Runtime, normalize, pip_resolve,
                         project_requirements, read_runtime, target_python)

sys.path.insert(0, str(REPO_ROOT))
from helpers.course.notebooks import install_command  # noqa: E402  (the setup cell's pip command)

NOTEBOOKS = ("notebooks/easy/00_getting_started.ipynb",
             "notebooks/easy/04_sampling_a_pretrained_model.ipynb",
             "notebooks/easy/05_continue_a_melody.ipynb",
             "exercises/easy/00_getting_started.ipynb")
TORCH_BUILD_LIBRARIES = ("nvidia-", "cuda-", "triton")   # what the public Linux torch wheel pulls in
COPY_IGNORE = shutil.ignore_patterns(".venv", ".cache", ".git", "output", "__pycache__", "*.egg-info",
                                     ".pytest_cache", ".ipynb_checkpoints")
RUNNER = """
import json, sys, nbformat
from nbclient import NotebookClient
path, workdir, allow = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
nb = nbformat.read(path, as_version=4)
try:
    NotebookClient(nb, timeout=900, kernel_name="python3", allow_errors=allow,
                   resources={"metadata": {"path": workdir}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    errors = [f"{o.ename}: {o.evalue}" for o in outputs if o.output_type == "error"]
    warnings = [o.text[:300] for o in outputs if o.output_type == "stream" and o.name == "stderr"]
except Exception as error:
    errors, warnings = [f"{type(error).__name__}: {str(error)[-2000:]}"], []
print(json.dumps([errors, warnings]))
"""


def find_interpreter(version: str) -> Path:
    """The Python to build the venv with (:func:`constraints.target_python`), or a clear stop.

    Example: ``find_interpreter("3.13")`` -> ``Path("/root/.pyenv/versions/3.13.0/bin/python")``
    """
    found = target_python(version)
    if found is None:
        raise SystemExit(f"No Python {version}: neither python{version} on PATH nor in pyenv's versions; "
                         "pass --interpreter /path/to/python")
    return found


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a command, print it, and stop with its output if it fails.

    Example: ``run(["python3", "-c", "print(1)"]).stdout`` -> ``"1\\n"``
    """
    print("$", " ".join(str(c) for c in command), flush=True)
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise SystemExit(f"failed ({result.returncode}): {' '.join(map(str, command))}\n"
                         f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def freeze(python: Path) -> dict[str, str]:
    """The installed distributions of a venv: normalized name -> version.

    Example: ``freeze(Path(".venv/bin/python"))["numpy"]`` -> ``"2.4.6"``
    """
    out = run([python, "-m", "pip", "list", "--format", "json", "--disable-pip-version-check"]).stdout
    return {normalize(item["name"]): item["version"] for item in json.loads(out)}


def colab_base(runtime: Runtime, workdir: Path) -> dict[str, str]:
    """Colab's pins for what the simulation installs first: the course's tree, the kernel, nbclient.

    The tree is what this repository's ``pyproject.toml`` asks for, resolved as on that runtime.

    Example: ``colab_base(read_runtime(RUNTIME_FILES["3.13"]), Path("/tmp/sim"))["ipython"]`` -> ``"7.34.0"``
    """
    requirements = [str(r) for r in project_requirements() if normalize(r.name) != "torch"]
    report = workdir / "course-tree.json"
    result = pip_resolve(runtime, requirements, report, target_python(runtime.python_short))
    if result.returncode != 0:
        raise SystemExit(f"pip cannot resolve the course on this runtime:\n{result.stderr[-3000:]}")
    tree = {normalize(item["metadata"]["name"]) for item in json.loads(report.read_text())["install"]}
    wanted = tree | set(KERNEL_PACKAGES) | {"nbclient", "torch"}
    return {name: runtime.pins[name] for name in sorted(wanted) if name in runtime.pins}


def build_base(python: Path, runtime: Runtime, base: dict[str, str], torch_index: str | None,
               ) -> list[str]:
    """Install Colab's packages at Colab's versions; remove what pip added that Colab lacks.

    Returns the packages kept although Colab lacks them (torch's CUDA libraries).
    Example: ``build_base(venv_python, runtime, colab_base(runtime, work), None)`` -> ``["cuda-bindings", ...]``
    """
    run([python, "-m", "pip", "install", "--quiet", f"pip=={runtime.pins['pip']}"])   # Colab's pip
    # Colab's pins minus the CUDA libraries, whose versions the public torch build fixes itself.
    no_cuda = python.parent.parent / "colab-constraints-without-cuda.txt"
    no_cuda.write_text("".join(f"{n}=={v}\n" for n, v in runtime.pins.items()
                               if not n.startswith(TORCH_BUILD_LIBRARIES)))
    torch = [python, "-m", "pip", "install", "--quiet", "-c", no_cuda, f"torch=={base['torch']}"]
    run(torch + (["--index-url", torch_index] if torch_index else []))
    others = [f"{name}=={version}" for name, version in base.items() if name != "torch"]
    run([python, "-m", "pip", "install", "--quiet", "-c", runtime.path, *others])
    extra = [name for name in freeze(python) if name not in runtime.pins and name != "pip"]
    removable = [name for name in extra if not name.startswith(TORCH_BUILD_LIBRARIES)]
    if removable:
        run([python, "-m", "pip", "uninstall", "--quiet", "--yes", *removable])
    return sorted(set(extra) - set(removable))


def compare(before: dict[str, str], after: dict[str, str]) -> dict[str, dict]:
    """What the course's install did to the packages already there.

    Example: ``compare({"a": "1"}, {"a": "2", "b": "1"})`` -> ``{"changed": {"a": ["1", "2"]}, "removed": {}, "added": {"b": "1"}}``
    """
    return {"changed": {n: [v, after[n]] for n, v in before.items() if n in after and after[n] != v},
            "removed": {n: v for n, v in before.items() if n not in after},
            "added": {n: v for n, v in after.items() if n not in before}}


def run_notebooks(python: Path, checkout: Path, workdir: Path, env: dict) -> dict[str, dict]:
    """Execute each of :data:`NOTEBOOKS` in a fresh kernel of the venv; exercises may fail at stubs only.

    Example: ``run_notebooks(venv_python, checkout, work / "content", env)["notebooks/easy/00_getting_started.ipynb"]["ok"]``
    """
    results = {}
    for relative in NOTEBOOKS:
        exercise = relative.startswith("exercises/")
        start = time.perf_counter()
        out = subprocess.run([str(python), "-c", RUNNER, str(checkout / relative), str(workdir),
                              "1" if exercise else "0"], capture_output=True, text=True, env=env)
        seconds = round(time.perf_counter() - start, 1)
        try:
            errors, warnings = json.loads(out.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            errors, warnings = [f"runner failed ({out.returncode}): {out.stderr[-2000:]}"], []
        if exercise:
            errors = [e for e in errors if not e.startswith("NotImplementedError: Exercise")]
        results[relative] = {"ok": not errors, "seconds": seconds, "errors": errors,
                             "stderr": warnings}
        print(f"  {'ok  ' if not errors else 'FAIL'} {relative} ({seconds} s)", *errors, sep="\n    ",
              flush=True)
    return results


def simulate(version: str, work: Path, interpreter: Path, torch_index: str | None,
             course: Path = REPO_ROOT) -> dict:
    """Run the whole simulation for one runtime and return its findings.

    ``course`` is the folder the setup cell installs (a copy of it): this
    repository, or another version of it to compare.
    Example: ``simulate("3.13", Path("/tmp/colab-sim"), find_interpreter("3.13"), None)["ok"]`` -> ``True``
    """
    runtime = read_runtime(RUNTIME_FILES[version])
    work.mkdir(parents=True, exist_ok=True)
    venv, content = work / f"venv-{version}", work / "content"
    for old in (venv, content):
        shutil.rmtree(old, ignore_errors=True)
    times, start = {}, time.perf_counter()
    base = colab_base(runtime, work)
    run([interpreter, "-m", "venv", venv])
    python = venv / "bin" / "python"
    kept = build_base(python, runtime, base, torch_index)
    times["colab base"] = round(time.perf_counter() - start, 1)
    before = freeze(python)
    differences = {n: [runtime.pins[n], v] for n, v in before.items()
                   if n in runtime.pins and runtime.pins[n] != v}
    checkout = content / "course-kit"
    shutil.copytree(course, checkout, ignore=COPY_IGNORE)
    start = time.perf_counter()
    run(install_command(str(python), str(checkout)), cwd=content)
    times["setup cell pip"] = round(time.perf_counter() - start, 1)
    found = compare(before, freeze(python))
    env = dict(os.environ, COURSE_QUICK="1", COURSE_CACHE=str(work / f"cache-{version}"),
               PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}")
    env.pop("MPLBACKEND", None)
    start = time.perf_counter()
    notebooks = run_notebooks(python, checkout, content, env)
    times["notebooks"] = round(time.perf_counter() - start, 1)
    ok = not found["changed"] and not found["removed"] and all(r["ok"] for r in notebooks.values())
    return {"ok": ok, "date": datetime.date.today().isoformat(), "runtime": runtime.path.name,
            "course": str(course),
            "colab_python": runtime.python, "python": run([python, "--version"]).stdout.strip(),
            "pip": run([python, "-m", "pip", "--version"]).stdout.split(" from ")[0],
            "torch": before.get("torch"), "seconds": times, "preinstalled": len(base),
            "kept_though_colab_lacks_them": kept, "differs_from_colab_before_install": differences,
            **found, "notebooks": notebooks}


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python tests/colab/simulate.py --python 3.13``.

    Example: ``main(["--python", "3.12"])`` -> ``0``
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", choices=sorted(RUNTIME_FILES), default="3.13",
                        help="which Colab runtime (default 3.13, Colab's default)")
    parser.add_argument("--interpreter", type=Path, help="the Python to build the venv with")
    parser.add_argument("--work", type=Path, default=Path("/tmp/colab-sim"), help="scratch folder")
    parser.add_argument("--torch-index", help="an index with Colab's CPU torch, e.g. "
                        "https://download.pytorch.org/whl/cpu (default: the public index)")
    parser.add_argument("--out", type=Path, help="JSON results (default tests/colab/simulation-pyX.Y.json)")
    parser.add_argument("--course", type=Path, default=REPO_ROOT,
                        help="the course folder to install (default: this repository)")
    parser.add_argument("--keep", action="store_true", help="keep the venv and the pip cache afterwards")
    args = parser.parse_args(argv)
    interpreter = args.interpreter or find_interpreter(args.python)
    os.environ["PIP_CACHE_DIR"] = str(args.work / "pip-cache")
    start = time.perf_counter()
    try:
        if not (args.course / "pyproject.toml").is_file():
            parser.error(f"--course {args.course}: no pyproject.toml there")
        result = simulate(args.python, args.work, interpreter, args.torch_index, args.course)
        result["seconds"]["total"] = round(time.perf_counter() - start, 1)
    finally:
        if not args.keep:   # several GB: deleting them can take minutes
            shutil.rmtree(args.work, ignore_errors=True)
    out = args.out or Path(__file__).parent / f"simulation-py{args.python}.json"
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: result[k] for k in ("ok", "python", "seconds", "changed", "removed", "added")},
                     indent=1))
    print(f"written: {out}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
