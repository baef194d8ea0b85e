"""The environment check: ``python -m helpers doctor`` or ``doctor()`` in a notebook.

It reports Python, torch and the device it will use (CUDA, MPS or CPU), the
music libraries, the audio backend that will play, and the course's data,
and for every problem prints the exact command that fixes it. Lesson 0 runs
it first thing.
"""

import importlib.metadata
import sys
from dataclasses import dataclass

from helpers.paths import EXAMPLES_DIR


@dataclass
class Finding:
    """One line of the report: what was checked, whether it is fine, and the fix if not."""

    name: str
    ok: bool
    detail: str
    fix: str = ""      # the command that fixes a problem; empty when ok


def _in_colab():
    return "google.colab" in sys.modules


def pip_command(package: str) -> str:
    """The install command that fits where the learner is (Colab or local).

    Example: ``pip_command("midirenderer")`` -> ``"python -m pip install midirenderer"`` (``%pip ...`` in Colab)
    """
    return f"%pip install {package}" if _in_colab() else f"python -m pip install {package}"


def _version(dist):
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def check_python() -> Finding:
    """Python 3.10 or newer."""
    ok = sys.version_info >= (3, 10)
    fix = "" if ok else "conda env create -f environment.yml  (gives Python 3.11)"
    return Finding("Python", ok, sys.version.split()[0], fix)


def check_torch() -> Finding:
    """torch imports; which device it will train on."""
    try:
        import torch
    except ImportError:
        return Finding("torch", False, "not installed", pip_command("torch==2.13.0"))
    if torch.cuda.is_available():
        device = f"CUDA ({torch.cuda.get_device_name(0)})"
    elif getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        device = "MPS (Apple GPU)"
    else:
        device = "CPU (fine for this course; a GPU only trains faster)"
    return Finding("torch", True, f"{torch.__version__}, device: {device}")


def check_package(name: str, dist: str, purpose: str) -> Finding:
    """One package is installed (by its distribution name); its version."""
    version = _version(dist)
    if version is None:
        return Finding(name, False, f"not installed ({purpose})", pip_command(dist))
    return Finding(name, True, f"{version} ({purpose})")


def check_playback() -> Finding:
    """Some audio backend can play, and which one will."""
    from helpers.playback import available_backends

    backends = available_backends()
    usable = [name for name, ok, _ in backends if ok]
    if not usable:
        reasons = "; ".join(f"{name}: {reason}" for name, _, reason in backends)
        return Finding("audio playback", False, f"no backend can play ({reasons})",
                       pip_command("midirenderer"))
    others = ", ".join(f"{name} ({reason})" for name, ok, reason in backends if not ok)
    detail = f"plays with {usable[0]}" + (f"; unavailable: {others}" if others else "")
    return Finding("audio playback", True, detail)


def check_examples() -> Finding:
    """The example MIDI files are in data/examples/."""
    found = sorted(EXAMPLES_DIR.glob("*.mid"))
    if not found:
        return Finding("example MIDI files", False, f"none in {EXAMPLES_DIR}",
                       "python -m helpers make-examples")
    return Finding("example MIDI files", True, f"{len(found)} in {EXAMPLES_DIR}")


def check_cache() -> Finding:
    """Whether the folk corpus cache is built (the first lesson that needs it builds it otherwise).

    The estimate is measured with ``python -m helpers data build --force``:
    19.9 s on 2 cores with little else running, 57 s and 76 s with the machine
    busy (load average 5).
    Example: ``check_cache().ok`` -> ``True``
    """
    from helpers import corpus

    manifest = corpus.read_manifest()
    if corpus.is_fresh(manifest):
        return Finding("data cache", True, corpus.summary_line(manifest))
    return Finding("data cache", True, "the folk corpus is not built yet: it builds by itself on "
                   "first use in a lesson (about 20 s on an idle 2-core machine, a minute or more "
                   "on a busy one), or now with `python -m helpers data build`")


def check_checkpoints() -> Finding:
    """Whether the shipped checkpoints are there and match their checksums (lessons 4, 5, 8)."""
    from helpers.paths import file_sha256
    from helpers.checkpoints import CHECKPOINT_DIR, pretrained_info, pretrained_names

    fix = "git checkout -- data/checkpoints   (or clone the course again)"
    try:
        names = pretrained_names()
    except Exception as err:   # a missing or unreadable manifest
        return Finding("shipped models", False, str(err), fix)
    damaged = []
    for name in names:
        info = pretrained_info(name)
        path = CHECKPOINT_DIR / info["file"]
        if not path.is_file() or file_sha256(path) != info["sha256"]:
            damaged.append(name)
    if damaged:
        return Finding("shipped models", False, f"missing or damaged: {', '.join(damaged)}", fix)
    return Finding("shipped models", True, f"{', '.join(names)} (checksums match)")


def diagnose() -> list[Finding]:
    """Run every check and return the findings (used by tests and by :func:`doctor`).

    Example: ``[f.name for f in diagnose() if not f.ok]`` -> ``[]`` when all is well
    """
    return [
        check_python(), check_torch(),
        check_package("note-seq", "note-seq", "the NoteSequence representation"),
        check_package("music21", "music21", "the folk and chorale corpus"),
        check_package("pretty_midi", "pretty_midi", "MIDI files and the SoundFont"),
        check_package("symusic", "symusic", "fast ABC and MIDI parsing"),
        check_playback(), check_examples(), check_checkpoints(), check_cache(),
    ]


def report(findings: list[Finding]) -> int:
    """Print findings, one line each, with the fix under each problem; return the problem count.

    Example: ``report(diagnose())`` -> ``0``
    """
    for f in findings:
        print(f"{'✅' if f.ok else '❌'} {f.name}: {f.detail}")
        if not f.ok:
            print(f"   fix: {f.fix}")
    problems = sum(not f.ok for f in findings)
    print("All good: the course is ready." if not problems else
          f"{problems} problem(s): run the fix command(s) above, then run this check again.")
    return problems


def doctor() -> None:
    """Print the environment report (lesson 0). Returns nothing, so a notebook shows only the report.

    Example: ``from helpers.doctor import doctor; doctor()``
    """
    report(diagnose())
