"""The diff between two step folders, as Markdown.

    {{ diff("01_socket", "02_resp") }}   what step 02 changes in step 01
    {{ diff(None, "01_socket") }}        the first step: every file is new

One collapsible admonition per file that changed, was added or was removed,
each holding a highlighted unified diff made with difflib at build time, so
the page always shows the code as it is. Snippet section markers are left
out on both sides: they are book plumbing, not part of the mechanism.
"""

import difflib
import textwrap
from pathlib import Path

from stepfiles import SECTION_MARKER, source_files, step_dir

CONTEXT_LINES = 3
KINDS = {  # how a file's admonition looks, by what happened to it
    "changed": "note",
    "added": "tip",
    "removed": "warning",
}


def render_diff(old: str | None, new: str) -> str:
    """Markdown for the diff from step `old` (None: nothing) to step `new`."""
    old_dir, new_dir = (None if old is None else step_dir(old)), step_dir(new)
    old_files = {} if old_dir is None else source_files(old_dir)
    new_files = source_files(new_dir)
    blocks, unchanged = [], []
    for name in sorted(old_files.keys() | new_files.keys()):
        before = read_lines(old_files.get(name))
        after = read_lines(new_files.get(name))
        if before == after:
            unchanged.append(name)
            continue
        blocks.append(file_block(old_dir, new_dir, name, before, after))
    return "\n\n".join([summary(old, new, len(blocks), unchanged), *blocks]) + "\n"


def read_lines(path: Path | None) -> list[str] | None:
    """The file's lines without section markers; None if it does not exist."""
    if path is None:
        return None
    text = path.read_text(encoding="utf-8")
    return [line for line in text.splitlines(keepends=True)
            if not SECTION_MARKER.match(line)]


def summary(old: str | None, new: str, changed: int, unchanged: list[str]) -> str:
    """The sentence above the blocks: which diff this is, what did not change."""
    if old is None:
        return f"`steps/{new}` is the first step, so every file in it is new."
    files = "1 file differs" if changed == 1 else f"{changed} files differ"
    line = (f"`diff -ru steps/{old} steps/{new}`, generated when the book "
            f"was built: {files}.")
    if unchanged:
        line += " Unchanged: " + ", ".join(f"`{n}`" for n in unchanged) + "."
    return line


def file_block(old_dir: Path | None, new_dir: Path, name: str,
               before: list[str] | None, after: list[str] | None) -> str:
    """A collapsed admonition holding one file's unified diff."""
    kind = "added" if before is None else "removed" if after is None else "changed"
    lines = list(difflib.unified_diff(
        before or [], after or [],
        fromfile="/dev/null" if before is None else f"steps/{old_dir.name}/{name}",
        tofile="/dev/null" if after is None else f"steps/{new_dir.name}/{name}",
        n=CONTEXT_LINES))
    added = sum(1 for x in lines[2:] if x.startswith("+"))
    removed = sum(1 for x in lines[2:] if x.startswith("-"))
    diff = "".join(x if x.endswith("\n") else x + "\n" for x in lines)
    fenced = textwrap.indent(f"``````diff\n{diff}``````", "    ", lambda _: True)
    title = f"{name}: {kind}, +{added} −{removed} lines"
    return f'??? {KINDS[kind]} "{title}"\n\n{fenced}'
