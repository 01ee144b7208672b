"""tools/carry.py: a change made in one step reaches every later copy."""

import subprocess

import carry
import pytest

SHARED = "def f():\n    return 1\n\n\ndef g():\n    return 2\n"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository with three steps sharing one file; step 03 added h()."""
    for step, extra in (("01_a", ""), ("02_b", ""), ("03_c", "\n\ndef h():\n    pass\n")):
        (tmp_path / "steps" / step).mkdir(parents=True)
        (tmp_path / "steps" / step / "m.py").write_text(SHARED + extra)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "steps"], cwd=tmp_path, check=True)
    monkeypatch.setattr(carry, "REPO", tmp_path)
    monkeypatch.setattr(carry, "STEPS_DIR", tmp_path / "steps")
    return tmp_path / "steps"


def test_a_fix_reaches_every_later_step_and_keeps_what_they_added(repo, capsys):
    (repo / "01_a" / "m.py").write_text(SHARED.replace("return 1", "return 10"))
    assert carry.main(["01"]) == 0
    assert "return 10" in (repo / "02_b" / "m.py").read_text()
    later = (repo / "03_c" / "m.py").read_text()
    assert "return 10" in later and "def h():" in later
    assert "merged    03_c/m.py" in capsys.readouterr().out


def test_a_new_file_is_copied_into_later_steps(repo):
    (repo / "02_b" / "new.py").write_text("x = 1\n")
    assert carry.main(["02_b"]) == 0
    assert (repo / "03_c" / "new.py").read_text() == "x = 1\n"
    assert not (repo / "01_a" / "new.py").exists()


def test_a_deleted_file_goes_only_where_it_was_unchanged(repo, capsys):
    (repo / "01_a" / "m.py").unlink()
    assert carry.main(["01"]) == 1
    assert not (repo / "02_b" / "m.py").exists()
    assert (repo / "03_c" / "m.py").exists()  # it had grown h(): kept, reported
    assert "CONFLICT  03_c/m.py: deleted in 01_a" in capsys.readouterr().out


def test_a_conflict_is_reported_and_fails(repo, capsys):
    (repo / "03_c" / "m.py").write_text(SHARED.replace("return 1", "return 3"))
    (repo / "01_a" / "m.py").write_text(SHARED.replace("return 1", "return 10"))
    assert carry.main(["01"]) == 1
    out = capsys.readouterr().out
    assert "CONFLICT  03_c/m.py" in out
    assert "<<<<<<<" in (repo / "03_c" / "m.py").read_text()
    assert "return 10" in (repo / "02_b" / "m.py").read_text()
