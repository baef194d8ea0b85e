"""The environment check reports every part and a fix command for each problem."""

import subprocess
import sys

from helpers import doctor


def test_diagnose_covers_the_parts_the_course_needs():
    names = [f.name for f in doctor.diagnose()]
    for part in ("Python", "torch", "note-seq", "music21", "audio playback", "shipped models",
                 "data cache"):
        assert part in names
    torch = next(f for f in doctor.diagnose() if f.name == "torch")
    assert "device: CPU" in torch.detail or "CUDA" in torch.detail or "MPS" in torch.detail


def test_everything_is_fine_here(capsys):
    assert doctor.report(doctor.diagnose()) == 0
    out = capsys.readouterr().out
    assert "All good" in out and "❌" not in out


def test_a_missing_package_comes_with_its_install_command():
    finding = doctor.check_package("imaginary", "surely-not-installed-pkg", "testing")
    assert not finding.ok and finding.fix == "python -m pip install surely-not-installed-pkg"


def test_no_playback_backend_is_a_problem_with_a_fix(monkeypatch):
    import helpers.playback

    monkeypatch.setattr(helpers.playback, "available_backends",
                        lambda: [("numpy", False, "broken for the test")])
    finding = doctor.check_playback()
    assert not finding.ok and "broken for the test" in finding.detail and finding.fix


def test_problems_print_their_fix(monkeypatch, capsys):
    monkeypatch.setattr(doctor, "diagnose", lambda: [doctor.Finding("torch", False, "missing", "pip install torch")])
    assert doctor.doctor() is None
    assert "fix: pip install torch" in capsys.readouterr().out


def test_command_line_doctor_exits_zero():
    result = subprocess.run([sys.executable, "-m", "helpers", "doctor"], capture_output=True, text=True)
    assert result.returncode == 0 and "torch" in result.stdout


def test_cache_finding_says_how_to_build_when_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_CACHE", str(tmp_path))
    finding = doctor.check_cache()
    assert "python -m helpers data build" in finding.detail


def test_a_damaged_shipped_checkpoint_is_a_problem_with_a_fix(monkeypatch, tmp_path):
    import json
    import shutil

    from helpers import checkpoints as pretrained

    ok = doctor.check_checkpoints()
    assert ok.ok and "folk-transformer" in ok.detail
    manifest = json.loads(pretrained.MANIFEST.read_text())
    shutil.copy(pretrained.MANIFEST, tmp_path / "manifest.json")
    (tmp_path / manifest["folk-lstm"]["file"]).write_bytes(b"not a checkpoint")
    monkeypatch.setattr(pretrained, "CHECKPOINT_DIR", tmp_path)
    monkeypatch.setattr(pretrained, "MANIFEST", tmp_path / "manifest.json")
    finding = doctor.check_checkpoints()
    assert not finding.ok and "folk-lstm" in finding.detail and "folk-transformer" in finding.detail
    assert "git checkout" in finding.fix
