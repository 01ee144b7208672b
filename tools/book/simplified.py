"""Every "Simplified:" note in the newest step, as Markdown: {{ simplified() }}.

The steps say where they knowingly differ from Redis in one place each: a
`# Simplified:` comment, or a "Simplified:" paragraph closing a docstring
(STYLE.md). This collects them at build time, with the file, line and the
function they sit in, so the appendix can never miss one or go stale.
"""

import ast
import io
import tokenize
from dataclasses import dataclass
from pathlib import Path

from stepfiles import md_escape, repo_path, step_dirs

PREFIX = "Simplified:"


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
    notes = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef
                          | ast.AsyncFunctionDef):
            continue
        doc = ast.get_docstring(node, clean=True)
        if not doc or not node.body:
            continue
        for paragraph in doc.split("\n\n"):
            if paragraph.startswith(PREFIX):
                line = node.body[0].lineno + paragraph_offset(node, paragraph)
                notes.append(Note(path, line, "", one_line(paragraph)))
    return notes


def paragraph_offset(node: ast.AST, paragraph: str) -> int:
    """How many lines into the docstring the paragraph starts."""
    raw = node.body[0].value.value
    first = paragraph.splitlines()[0].strip()
    for offset, line in enumerate(raw.splitlines()):
        if line.strip() == first:
            return offset
    return 0


def comment_notes(path: Path, source: str) -> list[Note]:
    """`# Simplified:` comments, with the comment lines that continue them."""
    comments = [  # (line, text after "#", whether the comment has its own line)
        (tok.start[0], tok.string.lstrip("#").strip(), tok.line.lstrip().startswith("#"))
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type == tokenize.COMMENT]
    notes = []
    for i, (line, text, _) in enumerate(comments):
        if not text.startswith(PREFIX):
            continue
        parts = [text]
        for next_line, next_text, own_line in comments[i + 1:]:
            if next_line != line + len(parts) or not own_line \
                    or next_text.startswith(PREFIX):
                break
            parts.append(next_text)
        notes.append(Note(path, line, "", one_line(" ".join(parts))))
    return notes


def one_line(text: str) -> str:
    return " ".join(text.removeprefix(PREFIX).split())
