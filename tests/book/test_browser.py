"""A real browser reads the built book: every page loads cleanly, from this
machine only, with its diagrams drawn, and search finds Redis's functions."""

from __future__ import annotations

import re
import time
from urllib.parse import urlparse

import pytest

# The site is built, then browsed, once per session, by fixtures whose time
# would count against whichever test asks first; they bound themselves (the
# build's own timeout, playwright's per-page ones), so time only the tests.
pytestmark = pytest.mark.timeout(120, func_only=True)

# mkdocs-material draws each diagram into a closed shadow root; open it, so
# the test can see the SVG that the reader sees.
OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  return attach.call(this, { ...init, mode: "open" });
};
"""
DIAGRAMS_DRAWN = """
(expected) => document.querySelectorAll("pre.mermaid").length === 0 &&
  [...document.querySelectorAll("div.mermaid")]
    .filter((d) => d.shadowRoot && d.shadowRoot.querySelector("svg")).length === expected
"""


@pytest.fixture(scope="module")
def visits(pages, site_url, browser, artifacts, timing):
    """Load every page once; what each one logged, requested and drew."""
    started = time.monotonic()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(OPEN_SHADOW_ROOTS)
    results = {
        relative: visit(context, site_url, relative, html, artifacts)
        for relative, html in pages.items()
    }
    context.close()
    timing("browser: load every page (s)", time.monotonic() - started)
    return results


def visit(context, site_url: str, relative: str, html: str, artifacts) -> dict:
    page = context.new_page()
    problems, foreign = [], []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda err: problems.append(f"page error: {err}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status}: {r.url}"))
    page.on("request", lambda r: is_foreign(r.url, site_url) and foreign.append(r.url))
    page.goto(f"{site_url}/{relative}", wait_until="load")
    expected = html.count('class="mermaid"')
    drawn = True
    try:
        page.wait_for_function(DIAGRAMS_DRAWN, arg=expected, timeout=15_000)
    except Exception:  # noqa: BLE001 (reported by the test below)
        drawn = False
    if relative.startswith("chapters/"):
        name = relative.removesuffix(".html").replace("/", "-")
        page.screenshot(path=str(artifacts / f"{name}.png"), full_page=False)
    result = {
        "problems": problems, "foreign": foreign, "diagrams": expected, "drawn": drawn,
        "diff_blocks": page.locator("details .language-diff").count(),
        "svgs": page.locator("div.mermaid svg").count(),
    }
    page.close()
    return result


def is_foreign(url: str, site_url: str) -> bool:
    scheme = urlparse(url).scheme
    return scheme not in ("data", "blob", "about") and not url.startswith(site_url)


def test_every_page_loads_without_console_errors(visits):
    assert visits, "the site has no pages"
    failures = {page: v["problems"] for page, v in visits.items() if v["problems"]}
    assert not failures


def test_no_page_requests_anything_from_another_host(visits):
    failures = {page: v["foreign"] for page, v in visits.items() if v["foreign"]}
    assert not failures


def test_every_mermaid_diagram_is_drawn_as_svg(visits):
    assert sum(v["diagrams"] for v in visits.values()) >= 3, "diagrams went missing"
    failures = [page for page, v in visits.items() if not v["drawn"]]
    assert not failures, f"diagrams not drawn on {failures}"
    for page, v in visits.items():
        assert v["svgs"] >= v["diagrams"], page


def test_every_chapter_shows_its_diff(visits):
    chapters = {p: v for p, v in visits.items() if p.startswith("chapters/")}
    assert chapters
    for page, v in chapters.items():
        assert v["diff_blocks"] >= 1, f"{page} shows no diff"


def test_every_chapter_has_a_screenshot(visits, artifacts):
    for page in visits:
        if page.startswith("chapters/"):
            name = page.removesuffix(".html").replace("/", "-")
            assert (artifacts / f"{name}.png").stat().st_size > 10_000


def test_search_finds_ae_process_events(site_url, browser):
    page = browser.new_page()
    with page.expect_response(lambda r: "search_index" in r.url):
        page.goto(f"{site_url}/index.html")
    page.keyboard.press("s")  # the site's shortcut to the search box
    page.keyboard.type("aeProcessEvents", delay=20)
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    text = page.locator(".md-search-result").inner_text()
    page.close()
    assert re.search("aeProcessEvents", text, re.IGNORECASE)
