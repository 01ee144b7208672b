"""The book's hooks (tools/book/): what a chapter's {{ ... }} lines turn into,
and how a wrong one fails the build instead of leaving a hole in the page."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import markdown
import pytest

REPO = Path(__file__).resolve().parents[2]
TOOLS = REPO / "tools" / "book"
MODULES = ("hooks", "stepdiff", "simplified", "exercise_pages", "stepfiles", "exercises",
           "benchfigures")


@pytest.fixture(scope="module")
def hooks():
    """tools/book/hooks.py, imported as mkdocs does (its folder on the path)."""
    saved = {name: sys.modules.pop(name) for name in MODULES if name in sys.modules}
    sys.path.insert(0, str(TOOLS))
    try:
        yield importlib.import_module("hooks")
    finally:
        sys.path.remove(str(TOOLS))
        for name in MODULES:
            sys.modules.pop(name, None)
        sys.modules.update(saved)


def page(src_path: str = "chapters/test.md"):
    return SimpleNamespace(file=SimpleNamespace(src_path=src_path))


def expand(hooks, text: str) -> str:
    return hooks.on_page_markdown(text, page(), None, None)


def test_a_diff_line_becomes_one_collapsed_block_per_changed_file(hooks):
    out = expand(hooks, 'Before.\n\n{{ diff("01_socket", "02_resp") }}\n\nAfter.\n')
    assert out.startswith("Before.\n\n`diff -ru steps/01_socket steps/02_resp`")
    assert out.rstrip().endswith("After.")
    assert '??? note "server.py: changed, +' in out
    assert '??? tip "resp.py: added, +' in out
    assert "    ``````diff\n    --- steps/01_socket/server.py\n" in out
    assert "    +++ steps/02_resp/resp.py\n" in out


def test_diffs_leave_out_snippet_markers(hooks):
    out = expand(hooks, '{{ diff("01_socket", "02_resp") }}\n')
    assert "--8<--" not in out and "[start:" not in out


@pytest.mark.parametrize(("changed", "text"), [(0, "0 files differ."), (1, "1 file differs."),
                                               (2, "2 files differ.")])
def test_the_diff_counts_its_files_in_good_english(hooks, changed, text):
    assert sys.modules["stepdiff"].summary("01_socket", "02_resp", changed, []).endswith(text)


def test_a_diff_of_a_step_with_itself_lists_every_file_unchanged(hooks):
    out = expand(hooks, '{{ diff("02_resp", "02_resp") }}\n')
    assert "0 files differ" in out and "`resp.py`" in out and "???" not in out


@pytest.mark.parametrize("line", [
    '{{ diff("01_socket", "09_nothing") }}',
    '{{ diff("01_socket", "../steps/02_resp") }}',
    '{{ exercises("07_missing") }}',
])
def test_an_unknown_step_fails_the_build(hooks, line):
    with pytest.raises(hooks.BookError, match="unknown step"):
        expand(hooks, line + "\n")


@pytest.mark.parametrize(("line", "message"), [
    ('{{ difff("01_socket", "02_resp") }}', "unknown call difff"),
    ('{{ diff("01_socket") }}', "missing 1 required positional argument"),
    ('{{ diff(01_socket, 02_resp) }}', "cannot read"),
    ('{{ diff("01_socket", new="02_resp") }}', "cannot read"),
])
def test_a_wrong_call_fails_the_build_and_says_where(hooks, line, message):
    with pytest.raises(hooks.BookError, match=message) as caught:
        expand(hooks, "# Title\n\n" + line + "\n")
    assert "chapters/test.md:3" in str(caught.value)


def test_memory_per_key_shows_the_benchmarks_pages_figures(hooks):
    out = expand(hooks, '{{ memory_per_key(["05_expiry", "06_encodings"], ["hashes", "sets"]) }}\n')
    memory = json.loads((REPO / "book/benchmarks/results.json").read_text())["memory"]
    header, rule, *rows = out.splitlines()
    assert header == "| one key holds | redis | 05_expiry | 06_encodings |"
    assert [row.split(" | ")[0] for row in rows] == [
        f"| small hash (5 fields), {memory['redis']['hashes']['keys']:,} keys",
        f"| small set (10 integers), {memory['redis']['sets']['keys']:,} keys"]
    for row, dataset in zip(rows, ["hashes", "sets"]):
        redis = memory["redis"][dataset]["bytes_per_key"]
        step_06 = memory["06_encodings"][dataset]["bytes_per_key"]
        assert f" {redis:,.0f} B |" in row
        assert row.endswith(f" {step_06:,.0f} B ({step_06 / redis:.2f}×) |")
    page = (REPO / "book/benchmarks.md").read_text()
    assert all(row.split(" | ", 2)[2] in page for row in rows)  # the page's own cells


@pytest.mark.parametrize(("line", "message"), [
    ('{{ memory_per_key(["05_nothing"], ["hashes"]) }}', "no memory figures for '05_nothing'"),
    ('{{ memory_per_key(["05_expiry"], ["trees"]) }}', "no dataset 'trees'; it has strings"),
])
def test_memory_per_key_of_a_figure_never_measured_fails_the_build(hooks, line, message):
    with pytest.raises(hooks.BookError, match=message):
        expand(hooks, line + "\n")


def test_a_call_inside_a_code_fence_is_shown_as_written(hooks):
    text = 'Write:\n\n```markdown\n{{ diff("01_socket", "09_nothing") }}\n```\n'
    assert expand(hooks, text) == text


def test_exercises_render_title_hint_and_a_collapsed_reference(hooks):
    out = expand(hooks, '{{ exercises("02_resp") }}\n')
    assert "### Parse an inline request { #exercise-02-inline }" in out
    assert "Exercise `02-inline`: `process_inline_buffer()` in `steps/02_resp/resp.py`" in out
    assert ('<details class="tip" data-search-exclude markdown>\n<summary>Hint</summary>'
            '\n\nMirror processInlineBuffer') in out
    assert ('<details class="example" data-search-exclude markdown>\n'
            '<summary>Reference solution</summary>\n\n``````python\n') in out
    assert "BEGIN EXERCISE" not in out


def test_exercises_say_what_they_need_with_links_and_why(hooks):
    out = expand(hooks, '{{ exercises("02_resp") }}\n')
    section = out.split("{ #exercise-02-process-command }")[1]
    assert section.startswith("\n\nExercise `02-process-command`")
    assert ("Needs [`02-bulk-payload`](#exercise-02-bulk-payload), "
            "[`02-input-loop`](#exercise-02-input-loop): its tests cannot all pass") in section
    assert "Its tests send multibulk requests" in section


def test_simplified_notes_come_with_file_line_and_function(hooks, tmp_path):
    source = tmp_path / "demo.py"
    source.write_text(
        '"""demo.py: a module.\n\nSimplified: Redis does it in C;\nwe do not.\n"""\n\n\n'
        "def f():\n"
        "    x = 1  # Simplified: Redis counts\n"
        "    # in bytes, not items.\n"
        "    return x\n")
    notes = sys.modules["simplified"].collect_notes(source)
    assert [(n.line, n.where, n.text) for n in notes] == [
        (3, "module", "Redis does it in C; we do not."),
        (9, "f()", "Redis counts in bytes, not items."),
    ]


def test_a_note_may_start_inside_a_paragraph_or_after_a_sentence(hooks, tmp_path):
    source = tmp_path / "demo.py"
    source.write_text(
        "class C:\n"
        '    """A class.\n\n'
        "    It buffers replies. Simplified: Redis has a soft\n"
        "    limit too.\n\n"
        '    Unrelated.\n    """\n\n'
        "    def f(self):\n"
        '        """Send it. Mirrors writeToClient().\n\n'
        "        A partial send() is normal.\n"
        "        Simplified: one send() per call;\n"
        '        Redis loops."""\n'
        "        # Simplified: a ring, not buckets;\n"
        "        # a dict hides them.\n"
        "        # --8<-- [start:g]\n"
        "        return None\n")
    notes = sys.modules["simplified"].collect_notes(source)
    assert [(n.line, n.where, n.text) for n in notes] == [
        (4, "C", "Redis has a soft limit too."),
        (14, "f()", "one send() per call; Redis loops."),
        (16, "f()", "a ring, not buckets; a dict hides them."),
    ]


def simplified_lines(step_dir: Path) -> set[tuple[str, int]]:
    """(file, line) of every line of a step that says "Simplified:", as grep finds them."""
    return {(path.name, number) for path in sorted(step_dir.glob("*.py"))
            for number, line in enumerate(path.read_text().splitlines(), start=1)
            if "Simplified:" in line}


@pytest.mark.parametrize("step_dir", sorted(p for p in (REPO / "steps").iterdir() if p.is_dir()),
                         ids=lambda p: p.name)
def test_every_simplified_line_of_a_step_gives_a_note(hooks, step_dir):
    collect = sys.modules["simplified"].collect_notes
    collected = {(path.name, note.line) for path in step_dir.glob("*.py")
                 for note in collect(path)}
    assert simplified_lines(step_dir) - collected == set()
    assert all(note.text for path in step_dir.glob("*.py") for note in collect(path))


def test_the_appendix_lists_every_note_of_the_newest_step(hooks):
    out = expand(hooks, "{{ simplified() }}\n")
    newest = sys.modules["stepfiles"].step_dirs()[-1]
    for name, line in simplified_lines(newest):
        assert f"`steps/{newest.name}/{name}:{line}`" in out


def test_simplified_lists_the_newest_steps_notes(hooks):
    out = expand(hooks, "{{ simplified() }}\n")
    newest = sys.modules["stepfiles"].step_dirs()[-1].name
    assert f"Collected from `steps/{newest}`" in out
    assert "### `resp.py`" in out and "PROTO\\_MBULK\\_BIG\\_ARG" in out


def test_external_scripts_are_dropped_from_notebook_pages_only(hooks):
    html = ('<p>x</p><script src=""> </script><script type="module">'
            'import("https://cdn.example/m.mjs")</script><script>copy()</script>')
    assert hooks.on_page_content(html, page("labs/01.ipynb"), None, None) == \
        "<p>x</p><script>copy()</script>"
    assert hooks.on_page_content(html, page("index.md"), None, None) == html


@pytest.fixture(scope="module")
def book_markdown():
    """A Markdown converter with the book's own extension settings."""
    from mkdocs.config import load_config

    config = load_config(str(REPO / "mkdocs.yml"))
    return lambda text: markdown.Markdown(
        extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"],
    ).convert(text)


def test_a_named_section_is_included_without_its_markers(book_markdown):
    html = book_markdown('--8<-- "steps/02_resp/resp.py:string2ll"\n')
    assert "string2ll" in html and "LONG_STR_SIZE" in html  # the function's body
    assert "[start:" not in html and "PROTO_INLINE_MAX_SIZE" not in html  # nothing else


@pytest.mark.parametrize("snippet", [
    "steps/02_resp/nothing.py",
    "steps/02_resp/resp.py:no_such_section",
])
def test_a_missing_snippet_file_or_section_fails_the_build(book_markdown, snippet):
    from pymdownx.snippets import SnippetMissingError

    with pytest.raises(SnippetMissingError):
        book_markdown(f'--8<-- "{snippet}"\n')


def test_the_first_steps_diff_shows_every_file_as_added(hooks):
    out = expand(hooks, '{{ diff(None, "01_socket") }}\n')
    assert out.startswith("`steps/01_socket` is the first step, so every file in it is new.")
    assert '??? tip "server.py: added, +' in out
    assert "    --- /dev/null\n    +++ steps/01_socket/server.py\n" in out
