"""The built website, checked in a real (headless) browser."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def toc_pages():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections", []))

    for part in toc["parts"]:
        walk(part["chapters"])
    return pages


CHAPTER_NOTEBOOKS = [p for p in toc_pages() if p.startswith("chapters/") and
                     (ROOT / (p + ".ipynb")).exists()]


@pytest.mark.parametrize("page_name", toc_pages())
def test_every_toc_page_is_built(site, page_name):
    assert (site / (page_name + ".html")).exists()


@pytest.mark.parametrize("page_name", CHAPTER_NOTEBOOKS)
def test_notebook_pages_render_math_and_figures_without_errors(page, base_url, page_name):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base_url}/{page_name}.html", wait_until="load")
    html = page.content()
    assert "Traceback (most recent call last)" not in html, "a cell raised during the build"
    if re.search(r"\\\(|\\\[|class=\"math", html):
        # MathJax typeset the equations. "attached", not the default "visible": the first
        # equation can sit in a collapsed table of contents (a heading with math in it).
        page.wait_for_selector("mjx-container", state="attached", timeout=15000)
        assert page.locator("mjx-container").count() > 0
        assert page.locator("mjx-merror").count() == 0, "MathJax could not parse an equation"
    images = page.locator("img")
    for i in range(images.count()):
        img = images.nth(i)
        if img.get_attribute("src", timeout=1000).endswith(".png"):
            loaded = img.evaluate("el => el.complete && el.naturalWidth > 0")
            assert loaded, f"figure {img.get_attribute('src')} did not load"
    assert not errors, f"JavaScript errors: {errors}"


def test_chapter_one_shows_figures_and_the_widget_fallback(page, base_url):
    page.goto(f"{base_url}/chapters/01-neurons/03-activations-and-losses.html")
    figures = page.locator("img[src$='.png']")
    assert figures.count() >= 3
    # The explorer needs a kernel, so its (dead) output is removed and the static gallery shown.
    assert "activation_gallery" in page.content()
    assert "Loading widget" not in page.content()


def test_bibliography_links_back_to_citations(page, base_url):
    page.goto(f"{base_url}/references.html")
    entries = page.locator(".citation, dl.citation > dt, div.citation")
    assert entries.count() >= 5
