"""tools/tutor_plugin.py's options, on a small test file of its own."""

import json
import os
import subprocess
import sys

from exercises import REPO


def run_child(tmp_path, *options) -> list[dict]:
    """Run five passing tests with the plugin; the report's test records."""
    (tmp_path / "test_five.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.parametrize('n', range(5))\n"
        "def test_passes(n):\n    pass\n")
    report = tmp_path / "report.jsonl"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "tools"),
                                                        str(REPO / "tests")])}
    subprocess.run([sys.executable, "-m", "pytest", str(tmp_path / "test_five.py"),
                    "-p", "tutor_plugin", f"--tutor-report={report}", *options,
                    "-q", "-p", "no:cacheprovider", "-p", "no:xdist"],
                   cwd=tmp_path, env=env, capture_output=True, timeout=60, check=False)
    records = [json.loads(line) for line in report.read_text().splitlines()]
    return [r for r in records if r["event"] == "test"]


def test_every_test_runs_without_a_limit(tmp_path):
    assert [r["outcome"] for r in run_child(tmp_path)] == ["passed"] * 5


def test_tutor_passes_stops_the_run_after_that_many_passes(tmp_path):
    tests = run_child(tmp_path, "--tutor-passes=2")
    assert [r["nodeid"].split("::")[-1] for r in tests] == ["test_passes[0]",
                                                            "test_passes[1]"]
