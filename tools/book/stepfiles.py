"""Step folders as the book sees them: find one by name, read its files."""

import re
from pathlib import Path

from mkdocs.exceptions import PluginError

REPO = Path(__file__).resolve().parents[2]
STEPS_DIR = REPO / "steps"
STEP_NAME = re.compile(r"^\d\d_[a-z0-9_]+$")

# Lines of pymdownx.snippets section markers: book plumbing, not server code.
SECTION_MARKER = re.compile(r"^\s*#\s*-{1,}8<-{1,}\s*\[(start|end):[-_0-9a-z]+\]\s*$")


MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]#|])")


class BookError(PluginError):
    """A chapter asked for something that does not exist: the build fails."""


def step_dirs() -> list[Path]:
    """Every step folder, in order."""
    return sorted(p for p in STEPS_DIR.iterdir()
                  if STEP_NAME.match(p.name) and (p / "server.py").exists())


def step_dir(name: str) -> Path:
    """The folder of step `name` ("02_resp"); BookError if there is none."""
    folder = STEPS_DIR / name
    if not STEP_NAME.match(name) or not (folder / "server.py").exists():
        known = ", ".join(p.name for p in step_dirs())
        raise BookError(f"unknown step {name!r} (known steps: {known})")
    return folder


def source_files(folder: Path) -> dict[str, Path]:
    """The server's files in a step folder, by name relative to it.

    exercises.toml and changes.toml are left out: chapters render them
    with exercises() and changes().
    """
    return {
        str(p.relative_to(folder)): p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
        and p.suffix != ".pyc" and p.name not in ("exercises.toml", "changes.toml")
    }


def repo_path(path: Path) -> str:
    """`path` as the book shows it: relative to the repository."""
    return str(Path(path).resolve().relative_to(REPO))


def md_escape(text: str) -> str:
    """`text` shown as written, not read as Markdown or HTML."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)
