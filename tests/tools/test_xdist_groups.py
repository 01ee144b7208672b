"""The book's tests share one build of the site, so `make test` keeps them on
one pytest-xdist worker (xdist_group "book", --dist loadgroup). If pytest or
pytest-xdist change so that the group is lost, each worker builds the whole
book, labs and all, and CI silently takes minutes longer: this catches it.
"""

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_book_tests_run_on_one_worker():
    # Its own tests need no build, so the child run takes seconds.
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/book/test_step_changes.py",
         "-n", "2", "-v", "-p", "no:cacheprovider"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    workers = set(re.findall(r"^\[(gw\d+)\] .* PASSED ", done.stdout, re.M))
    assert len(workers) == 1, f"the book's tests ran on {sorted(workers)}"
