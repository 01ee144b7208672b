"""Every "Simplified:" note in the newest step, as Markdown: {{ simplified() }}.

The steps say where they knowingly differ from Redis in one place each: a
`# Simplified:` comment, or "Simplified:" in a docstring (STYLE.md), where
it may open a paragraph, start a line inside one, or follow a sentence on
its line. A note runs to the end of its paragraph, or over the comment
lines that follow it. This collects them at build time, with the file,
line and the function they sit in, so the appendix can never miss one or
go stale: tests/book/test_hooks.py checks that every line of a step that
says "Simplified:" gave a note.
"""

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

from stepfiles import md_escape, repo_path, step_dirs

PREFIX = "Simplified:"
# Comments that are markers, never part of a note: snippets, exercises.
MARKER = re.compile(r"--8<--|(BEGIN|END) EXERCISE ")


@dataclass(frozen=True)
class Note:
    path: Path
    line: int
    where: str  # "module", "Client", "read_query_from_client()"
    text: str  # what Redis does instead, in one paragraph


def render_simplified() -> str:
    """Markdown listing the notes of the newest step, grouped by file."""
    newest = step_dirs()[-1]
    out = [f"Collected from `steps/{newest.name}` when this page was built."]
    for path in sorted(newest.glob("*.py")):
        notes = collect_notes(path)
        if not notes:
            continue
        out.append(f"### `{path.name}`")
        out.append("\n".join(
            f"- **{note.where}** (`{repo_path(path)}:{note.line}`): "
            f"{md_escape(note.text)}"
            for note in notes))
    return "\n\n".join(out) + "\n"


def collect_notes(path: Path) -> list[Note]:
    """The file's notes, in line order: docstring paragraphs and comments."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    scopes = named_scopes(tree)
    notes = docstring_notes(path, tree) + comment_notes(path, source)
    return sorted(
        (Note(n.path, n.line, innermost(scopes, n.line), n.text) for n in notes),
        key=lambda n: n.line)


def named_scopes(tree: ast.Module) -> list[tuple[int, int, str]]:
    """(first line, last line, label) of every function and class."""
    scopes = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            scopes.append((node.lineno, node.end_lineno, f"{node.name}()"))
        elif isinstance(node, ast.ClassDef):
            scopes.append((node.lineno, node.end_lineno, node.name))
    return scopes


def innermost(scopes: list[tuple[int, int, str]], line: int) -> str:
    around = [s for s in scopes if s[0] <= line <= s[1]]
    if not around:
        return "module"
    return max(around, key=lambda s: s[0])[2]


def docstring_notes(path: Path, tree: ast.Module) -> list[Note]:
    """Notes in docstrings: each runs from "Simplified:" to the paragraph's end.

    A note may open a paragraph, start a line inside one, or follow a
    sentence on the same line ("... runs out. Simplified: Redis also ...").
    """
    notes = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef
                          | ast.AsyncFunctionDef):
            continue
        if ast.get_docstring(node, clean=False) is None:
            continue
        literal = node.body[0]  # the docstring's expression statement
        lines = literal.value.value.splitlines()
        for offset, text in notes_in_lines(lines, blank_ends_note=True):
            notes.append(Note(path, literal.lineno + offset, "", text))
    return notes


def notes_in_lines(lines: list[str], blank_ends_note: bool,
                   ends_note=lambda line: False) -> list[tuple[int, str]]:
    """(index of the line a note starts on, the note) for each note in `lines`.

    A note runs on over the following lines until a blank line (when
    `blank_ends_note`), a line `ends_note` stops at, or the next note.
    """
    found = []
    for index, line in enumerate(lines):
        if PREFIX not in line:
            continue
        parts = [line[line.index(PREFIX):]]
        for following in lines[index + 1:]:
            if PREFIX in following or ends_note(following) or (
                    blank_ends_note and not following.strip()):
                break
            parts.append(following)
        found.append((index, one_line(" ".join(parts))))
    return found


def comment_notes(path: Path, source: str) -> list[Note]:
    """`# Simplified:` comments, with the comment lines that continue them.

    A note goes on over the comments of the following lines, as long as
    each has a line of its own and is not a snippet or exercise marker.
    """
    comments = {  # line -> (text after "#", whether the comment has its own line)
        tok.start[0]: (tok.string.lstrip("#").strip(), tok.line.lstrip().startswith("#"))
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type == tokenize.COMMENT}
    notes = []
    for line, (text, _own_line) in sorted(comments.items()):
        if PREFIX not in text:
            continue
        parts = [text]
        while continues_note(comments.get(line + len(parts))):
            parts.append(comments[line + len(parts)][0])
        notes += [Note(path, line, "", note)
                  for _, note in notes_in_lines(parts, blank_ends_note=False)]
    return notes


def continues_note(comment: tuple[str, bool] | None) -> bool:
    if comment is None:
        return False
    text, own_line = comment
    return own_line and PREFIX not in text and not MARKER.match(text)


def one_line(text: str) -> str:
    return " ".join(text.strip().removeprefix(PREFIX).split())
