"""Numbered equations and figures in the built site, and the references to them.

Every labelled display equation (``$$ ... $$ (label)`` in a chapter page) must carry a number of
its chapter, "(2.7)", in increasing order down the page; every ``{eq}`` and ``{numref}`` in the
prose must have become a link that shows that number; and no caption may appear twice on a page
(a cell that draws two images under one caption metadata shows it under both).
"""

import html
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from test_cross_references import DISPLAY, markdown_cells  # noqa: E402

CHAPTER_PAGES = sorted(p for p in (ROOT / "chapters").glob("*/*") if p.suffix in {".ipynb", ".md"})


def _labels(page: Path) -> list[str]:
    return [m["label"] for _, text in markdown_cells(page) for m in DISPLAY.finditer(text)
            if m["label"]]


def _roles(page: Path, role: str) -> list[str]:
    return [t for _, text in markdown_cells(page)
            for t in re.findall(rf"\{{{role}\}}`(?:[^`<]*<)?([\w-]+)>?`", text)]


def _built(site, page: Path) -> str:
    built = site / page.relative_to(ROOT).with_suffix(".html")
    if not built.exists():
        pytest.skip(f"{built.name} is not in the built site (not in the TOC)")
    return built.read_text()


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


LABELLED = [p for p in CHAPTER_PAGES if _labels(p)]


def test_the_chapters_have_labelled_equations():
    assert sum(len(_labels(p)) for p in LABELLED) >= 40


@pytest.mark.parametrize("page", LABELLED, ids=lambda p: p.stem)
def test_every_labelled_equation_is_numbered_in_its_chapter(site, page):
    text = _built(site, page)
    chapter = int(page.parent.name[:2])
    numbers = []
    for label in _labels(page):
        match = re.search(rf'id="equation-{re.escape(label)}"[^>]*>\s*<span class="eqno">'
                          r"\((\d+)\.(\d+)\)", text)
        assert match, f"{page.name}: equation {label} has no number in the built page"
        assert int(match[1]) == chapter, f"{label} is numbered ({match[1]}.{match[2]})"
        numbers.append(int(match[2]))
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers), numbers


@pytest.mark.parametrize("page", [p for p in CHAPTER_PAGES if _roles(p, "eq")],
                         ids=lambda p: p.stem)
def test_every_equation_reference_shows_its_number(site, page):
    text = _built(site, page)
    links = re.findall(r'<a class="reference internal" href="[^"]*#equation-([\w-]+)"[^>]*>'
                       r"(.*?)</a>", text, re.S)
    shown = {}
    for label, inner in links:
        shown.setdefault(label, set()).add(_text(inner))
    for label in set(_roles(page, "eq")):
        assert label in shown, f"{page.name}: {{eq}}`{label}` is not a link"
        assert all(re.fullmatch(r"\(\d+\.\d+\)", s) for s in shown[label]), shown[label]


@pytest.mark.parametrize("page", [p for p in CHAPTER_PAGES if _roles(p, "numref")],
                         ids=lambda p: p.stem)
def test_every_figure_reference_shows_its_number(site, page):
    text = _built(site, page)
    chapter = int(page.parent.name[:2])
    for name in set(_roles(page, "numref")):
        links = re.findall(rf'<a class="reference internal" href="[^"]*#{re.escape(name)}"'
                           r"[^>]*>(.*?)</a>", text, re.S)
        assert links, f"{page.name}: {{numref}}`{name}` is not a link"
        for inner in links:
            assert re.fullmatch(rf"Figure {chapter}\.\d+", _text(inner)), _text(inner)


@pytest.mark.parametrize("page", [p for p in CHAPTER_PAGES if p.suffix == ".ipynb"],
                         ids=lambda p: p.stem)
def test_no_caption_appears_twice_on_a_page(site, page):
    text = _built(site, page)
    captions = [_text(re.sub(r'<span class="caption-number">.*?</span>', "", c))
                for c in re.findall(r"<figcaption>(.*?)</figcaption>", text, re.S)]
    repeated = sorted({c for c in captions if captions.count(c) > 1})
    assert not repeated, f"{page.name}: captions shown twice: {repeated}"
