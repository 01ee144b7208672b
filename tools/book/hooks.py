"""mkdocs hooks: the book's generated parts. Registered in mkdocs.yml.

A line of a page that holds only a call in double braces is replaced, when
the site is built, by what the call generates from the step folders:

    {{ diff("01_socket", "02_resp") }}   the diff between two steps
    {{ changes("02_resp") }}             what a step changes, from changes.toml
    {{ exercises("02_resp") }}           a step's exercises, hints folded
    {{ simplified() }}                   the newest step's Simplified: notes
    {{ memory_per_key(["05_expiry"], ["hashes"]) }}
                                         bytes per key from the last make bench

Anything wrong (an unknown call or step, a missing file) fails the build.
Lines inside fenced code blocks are left alone, so a page can show a call.
"""

import ast
import re

from benchfigures import render_memory_per_key
from exercise_pages import render_exercises
from simplified import render_simplified
from stepchanges import render_changes
from stepdiff import render_diff
from stepfiles import BookError

MACROS = {
    "changes": render_changes,
    "diff": render_diff,
    "exercises": render_exercises,
    "memory_per_key": render_memory_per_key,
    "simplified": render_simplified,
}
CALL_LINE = re.compile(r"^\{\{(?P<call>.*)\}\}\s*$")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Expand the macro lines of one page."""
    out, fence = [], None
    for number, line in enumerate(markdown.splitlines(keepends=True), 1):
        opened = FENCE.match(line)
        if opened and (fence is None or opened.group(1).startswith(fence)):
            fence = opened.group(1) if fence is None else None
        match = None if fence else CALL_LINE.match(line)
        if match is None:
            out.append(line)
            continue
        where = f"{page.file.src_path}:{number}"
        out.append(expand(match["call"].strip(), where))
    return "".join(out)


def expand(call: str, where: str) -> str:
    """Run one `name(args)` call and return its Markdown."""
    name, args = parse_call(call, where)
    if name not in MACROS:
        raise BookError(f"{where}: unknown call {name}(); the book knows "
                        + ", ".join(f"{m}()" for m in MACROS))
    try:
        return MACROS[name](*args)
    except TypeError as err:
        raise BookError(f"{where}: {call}: {err}") from err
    except BookError as err:
        raise BookError(f"{where}: {err}") from err


def parse_call(call: str, where: str) -> tuple[str, list]:
    """Split `diff("01_socket", "02_resp")` into a name and literal args."""
    try:
        node = ast.parse(call, mode="eval").body
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name) \
                or node.keywords:
            raise ValueError("not a call with positional arguments")
        return node.func.id, [ast.literal_eval(arg) for arg in node.args]
    except (SyntaxError, ValueError) as err:
        raise BookError(f"{where}: cannot read {{{{ {call} }}}}: {err}") from err


# nbconvert's page template loads MathJax and mermaid from a CDN even when a
# notebook uses neither (ours don't). The book loads nothing from another
# host, so those script elements are dropped from the labs' pages.
EXTERNAL_SCRIPT = re.compile(
    r"<script\b[^>]*>(?:(?!</script>).)*?https?://(?:(?!</script>).)*?</script>"
    r"|<script\b[^>]*\bsrc=\"(?:https?:)?//[^\"]*\"[^>]*>\s*</script>"
    r"|<script\b[^>]*\bsrc=\"\"[^>]*>\s*</script>",
    re.DOTALL)


def on_page_content(html: str, page, config, files) -> str:
    if not page.file.src_path.endswith(".ipynb"):
        return html
    return EXTERNAL_SCRIPT.sub("", html)
