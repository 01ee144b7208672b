"""carry.py: carry a change made in one step into every later step.

Each step folder is a complete copy of the one before plus one mechanism,
so a fix to code that several steps share must land in every copy. Make
the change in the earliest step that has the code, then

    python tools/carry.py 04_datatypes            # or: make carry FROM=04
    python tools/carry.py 04_datatypes --base main~3

For every file of that step that differs from the base revision (default
HEAD: your uncommitted work), the same change is applied to each later
step, as a three-way merge (git merge-file): base = the file at the base
revision, ours = the later step's file, theirs = the changed file. So a
later step keeps what it added, and gets the fix.

A new file is copied into later steps that lack it; a deleted one is
deleted where the later copy was still the base version. Anything that
cannot be applied cleanly is reported, never skipped: a conflicting merge
leaves Git's conflict markers in the file, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STEPS_DIR = REPO / "steps"
STEP_NAME = re.compile(r"^(\d\d)_[a-z0-9_]+$")
# Each step's own declarations, never carried: its exercises and the names
# it changes (tools/book/stepchanges.py).
STEP_OWN_FILES = ("exercises.toml", "changes.toml")


def step_dirs() -> list[Path]:
    return sorted(p for p in STEPS_DIR.iterdir() if STEP_NAME.match(p.name))


def find_step(name: str) -> Path:
    for path in step_dirs():
        if name in (path.name, path.name[:2]):
            return path
    raise SystemExit(f"carry: no step folder named {name!r} in {STEPS_DIR}")


def git(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True,
                          check=check)


def file_at(base: str, relpath: str) -> bytes | None:
    """The file's bytes at revision `base`, or None if it did not exist."""
    shown = git("show", f"{base}:{relpath}", check=False)
    return shown.stdout if shown.returncode == 0 else None


def changed_files(step: Path, base: str) -> list[str]:
    """Files of the step that differ from `base`, as repo-relative paths:
    modified, added (tracked or not) and deleted."""
    rel = step.relative_to(REPO).as_posix()
    tracked = git("diff", "--name-only", base, "--", rel).stdout.decode()
    untracked = git("ls-files", "--others", "--exclude-standard", "--",
                    rel).stdout.decode()
    names = set(tracked.split()) | set(untracked.split())
    return sorted(n for n in names if "__pycache__" not in n
                  and Path(n).name not in STEP_OWN_FILES)


def merge(ours: Path, base: bytes, theirs: bytes, labels: tuple[str, str,
          str]) -> bool:
    """Three-way merge into `ours`; False if conflicts were left in it."""
    with tempfile.TemporaryDirectory() as tmp:
        base_file, theirs_file = Path(tmp, "base"), Path(tmp, "theirs")
        base_file.write_bytes(base)
        theirs_file.write_bytes(theirs)
        result = subprocess.run(
            ["git", "merge-file", "-L", labels[0], "-L", labels[1], "-L",
             labels[2], str(ours), str(base_file), str(theirs_file)],
            capture_output=True)
    if result.returncode < 0 or result.returncode > 127:
        raise SystemExit(f"carry: git merge-file failed on {ours}: "
                         f"{result.stderr.decode()}")
    return result.returncode == 0


def carry_file(relpath: str, source: Path, later: Path, base: str,
               report: list[str]) -> bool:
    """Apply one file's change to one later step; False on a conflict."""
    name = Path(relpath).relative_to(source.relative_to(REPO))
    src, dst = source / name, later / name
    base_bytes = file_at(base, relpath)
    new_bytes = src.read_bytes() if src.exists() else None
    dst_bytes = dst.read_bytes() if dst.exists() else None
    where = f"{later.name}/{name}"
    if new_bytes == dst_bytes:
        return True  # already carried (or the same change made by hand)
    if new_bytes is None:  # deleted in the source step
        if dst_bytes == base_bytes:
            dst.unlink()
            report.append(f"deleted   {where}")
            return True
        report.append(f"CONFLICT  {where}: deleted in {source.name}, but "
                      "changed here; decide by hand")
        return False
    if base_bytes is None or dst_bytes is None:  # new in the source step
        if dst_bytes is None:
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(new_bytes)
            report.append(f"added     {where}")
            return True
        report.append(f"CONFLICT  {where}: new in {source.name}, but a "
                      "different file of that name is here already")
        return False
    if dst_bytes == base_bytes:
        dst.write_bytes(new_bytes)
        report.append(f"copied    {where}")
        return True
    labels = (where, f"{relpath}@{base}", relpath)
    if merge(dst, base_bytes, new_bytes, labels):
        report.append(f"merged    {where}")
        return True
    report.append(f"CONFLICT  {where}: conflict markers left in the file")
    return False


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description="Carry one step's changes into every later step.")
    parser.add_argument("step", help="the step changed, e.g. 04_datatypes "
                                     "or 04")
    parser.add_argument("--base", default="HEAD",
                        help="the revision the change is measured from "
                             "(default HEAD: uncommitted work)")
    parser.add_argument("--only", nargs="*", default=None, metavar="FILE",
                        help="carry only these files of the step "
                             "(names inside the step folder)")
    args = parser.parse_args(argv)
    source = find_step(args.step)
    files = changed_files(source, args.base)
    if args.only is not None:
        wanted = {f"{source.relative_to(REPO).as_posix()}/{n}"
                  for n in args.only}
        files = [f for f in files if f in wanted]
    later_steps = [p for p in step_dirs() if p.name > source.name]
    if not files or not later_steps:
        print(f"carry: nothing to carry from {source.name}")
        return 0
    report: list[str] = []
    clean = True
    for relpath in files:
        for later in later_steps:
            clean &= carry_file(relpath, source, later, args.base, report)
    print("\n".join(report) or "carry: every later step already had it")
    if not clean:
        print("carry: conflicts above; fix them, then run the tests",
              file=sys.stderr)
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
