"""The built site, read as HTML: it loads nothing from elsewhere, every page
of the nav is there, and the generated parts (diffs, exercises, notes, lab
outputs) were generated."""

from __future__ import annotations

import json
import re
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
from exercises import load_exercises, steps_with_exercises  # noqa: E402

sys.path.remove(str(REPO / "tools"))

# The site is built, then browsed, once per session, by fixtures whose time
# would count against whichever test asks first; they bound themselves (the
# build's own timeout, playwright's per-page ones), so time only the tests.
pytestmark = pytest.mark.timeout(120, func_only=True)

# Attributes through which a page makes the browser fetch something.
FETCHING = {
    "script": ("src",), "img": ("src", "srcset"), "iframe": ("src",),
    "source": ("src", "srcset"), "audio": ("src",), "video": ("src", "poster"),
    "embed": ("src",), "object": ("data",),
}
FETCHING_LINKS = {"stylesheet", "preload", "preconnect", "dns-prefetch", "modulepreload",
                  "icon", "manifest", "prefetch"}


class FetchedURLs(HTMLParser):
    """Collect every URL the page would fetch by itself."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and FETCHING_LINKS & set((attrs.get("rel") or "").split()):
            self.urls.append(attrs.get("href") or "")
        for name in FETCHING.get(tag, ()):
            if attrs.get(name):
                self.urls.append(attrs[name])
        style = attrs.get("style") or ""
        self.urls += re.findall(r"url\(['\"]?([^'\")]+)", style)


def is_external(url: str) -> bool:
    return bool(re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url, re.IGNORECASE))


def test_no_page_loads_a_script_or_style_from_another_host(pages):
    external = {}
    for name, html in pages.items():
        parser = FetchedURLs()
        parser.feed(html)
        found = [u for u in parser.urls if is_external(u)]
        found += re.findall(r"https?://(?:cdn|unpkg|cdnjs|fonts\.g)[^\"' )]*", html)
        if found:
            external[name] = found
    assert not external


def nav_files(nav) -> list[str]:
    files = []
    for entry in nav:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        files += nav_files(value) if isinstance(value, list) else [value]
    return files


class ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring its tags (!relative, !!python/name)."""


ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)
ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)


def test_every_page_in_the_nav_is_built(pages):
    config = yaml.load((REPO / "mkdocs.yml").read_text(), Loader=ConfigLoader)
    for source in nav_files(config["nav"]):
        built = re.sub(r"\.(md|ipynb)$", ".html", source)
        assert built in pages, f"{source} is in the nav but {built} was not built"


def test_chapters_show_a_diff_per_changed_file(pages):
    chapter = pages["chapters/02_resp.html"]
    for name in ("resp.py", "server.py", "commands.py", "networking.py"):
        assert re.search(rf'<summary>{re.escape(name)}: (added|changed), \+\d+', chapter), name
    assert chapter.count('class="language-diff highlight"') >= 4
    assert "[start:" not in chapter  # snippet markers are left out of diffs


def test_chapters_render_their_exercises_with_folded_solutions(pages):
    chapter = pages["chapters/02_resp.html"]
    for exercise_id in ("02-input-loop", "02-inline", "02-length-line", "02-bulk-payload"):
        assert f'id="exercise-{exercise_id}"' in chapter
    assert chapter.count("Reference solution") >= 4
    # Collapsed: <details> without the "open" attribute.
    assert not re.search(r"<details class=\"example\" open", chapter)


def search_sections(site: Path) -> dict[str, str]:
    """What the book's search can find: each section's location -> its plain text."""
    script = (site / "search" / "search_index.js").read_text(encoding="utf-8")
    index = json.loads(script.removeprefix("var __index = "))
    return {doc["location"]: " ".join(unescape(re.sub(
        r"<[^>]+>", " ", f"{doc['title']} {doc['text']}")).split()) for doc in index["docs"]}


def later_sentences(hint: str) -> list[str]:
    """The hint's sentences after the first (which the stubs, and so the
    appendix's example of one, quote)."""
    return [s for s in re.split(r"(?<=[.!?])\s+", hint)[1:] if len(s) >= 30]


def test_search_finds_no_hint_and_no_reference_solution(site):
    """The chapters show the step's code (it is the solution) in their walk
    through and diffs; what search must not turn up is the folded hint and
    reference solution of an exercise's own section."""
    sections = search_sections(site)
    everything = " ".join(sections.values())
    assert "Reference solution" not in everything
    for exercise in (e for step in steps_with_exercises() for e in load_exercises(step)):
        section = sections[f"chapters/{exercise.step}.html#{exercise.chapter_anchor}"]
        assert f"Exercise {exercise.id}" in section  # the section itself is searchable
        assert "Hint" not in section
        code = (" ".join(line.split()) for line in exercise.solution.splitlines())
        for line in (c for c in code if len(c) >= 20):
            assert line not in section, f"{exercise.id}'s solution is searchable: {line}"
        assert exercise.hint not in section, f"{exercise.id}'s hint is searchable"
        for sentence in later_sentences(exercise.hint):
            assert sentence not in everything, f"{exercise.id}'s hint is searchable"


def test_benchmarks_mark_targets_with_inline_svg_icons_not_emoji(pages):
    page = pages["benchmarks.html"]
    marks = re.findall(r'<span class="twemoji bench-(?:not-)?met" title="(?:not )?met"><svg', page)
    assert len(marks) >= 3
    assert not re.search("[\u2600-\u27bf\U0001f000-\U0001faff]", page)  # needs an emoji font


def test_differences_appendix_lists_the_simplified_notes(pages):
    page = pages["appendices/differences.html"]
    assert page.count("<li><strong>") >= 3
    assert "resp.py" in page and "PROTO_MBULK_BIG_ARG" in page


def test_labs_ran_against_the_servers(pages):
    for lab in ("labs/01_socket.html", "labs/02_resp.html", "labs/03_eventloop.html",
                "labs/04_datatypes.html", "labs/05_expiry.html", "labs/06_encodings.html",
                "labs/07_blocking.html", "labs/08_multi.html", "labs/09_pubsub.html",
                "labs/10_rdb.html", "labs/11_aof.html"):
        html = pages[lab]
        assert html.count("jp-OutputArea-output") >= 3, f"{lab} has no outputs"
        assert "Traceback" not in html, f"{lab} raised"
        stderr = re.search(r'<div[^>]*data-mime-type="application/vnd\.jupyter\.stderr"', html)
        assert not stderr, f"{lab} printed to stderr"
        assert "+PONG" in html, f"{lab} never got a PONG"
    assert "data:image/png;base64" in pages["labs/02_resp.html"], "lab 2 lost its plot"
    assert "data:image/png;base64" in pages["labs/03_eventloop.html"], "lab 3 lost its plot"
    assert "data:image/png;base64" in pages["labs/04_datatypes.html"], "lab 4 lost its plot"
    assert pages["labs/05_expiry.html"].count("data:image/png;base64") >= 2, "lab 5 lost a plot"
    assert "data:image/png;base64" in pages["labs/06_encodings.html"], "lab 6 lost its plot"
    assert "data:image/png;base64" in pages["labs/07_blocking.html"], "lab 7 lost its plot"
    assert "data:image/png;base64" in pages["labs/08_multi.html"], "lab 8 lost its plot"
    assert pages["labs/09_pubsub.html"].count("data:image/png;base64") >= 2, "lab 9 lost a plot"
    assert pages["labs/10_rdb.html"].count("data:image/png;base64") >= 2, "lab 10 lost a plot"
    assert "data:image/png;base64" in pages["labs/11_aof.html"], "lab 11 lost its plot"


FIRST_FUNCTION = {"encoders": "simple"}  # sections that hold several functions
FIRST_CLASS = {  # sections of classes only
    "skiplist_structs": "ZSkiplistLevel", "redis_object": "RedisObject",
    "standard_config": "StandardConfig", "numeric_config": "NumericConfig",
    "aof_manifest": "AofInfo", "epoll_poll": "EpollPoll",
}
FIRST_LINE = {"static_configs": "STATIC_CONFIGS = ["}  # sections of data only


def test_included_code_is_shown_as_highlighted_python(pages):
    for chapter in ("01_socket", "02_resp", "03_eventloop", "04_datatypes", "05_expiry",
                    "06_encodings", "07_blocking", "08_multi", "09_pubsub", "10_rdb",
                    "11_aof"):
        source = (REPO / "book" / "chapters" / f"{chapter}.md").read_text()
        includes = re.findall(r'^--8<-- "steps/[^"]+:([a-z_]+)"$', source, re.M)
        html = pages[f"chapters/{chapter}.html"]
        blocks = re.findall(r'<div class="language-python highlight">(.*?)</div>', html, re.S)
        shown = "\n".join(re.sub(r"<[^>]+>", "", block) for block in blocks)
        assert includes, chapter
        for section in includes:
            if section in FIRST_LINE:
                wanted = FIRST_LINE[section]
            elif section in FIRST_CLASS:
                wanted = f"class {FIRST_CLASS[section]}"
            else:
                wanted = f"def {FIRST_FUNCTION.get(section, section)}("
            assert wanted in shown, f"{chapter}: {section} is not shown as code"
