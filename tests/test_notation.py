"""The book's notation page is followed: targets t, outputs y (no y-hat), learning rate eta."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*/*.ipynb"))

# Phrases that used another symbol for the learning rate, or y-hat for a prediction.
FORBIDDEN = [
    (re.compile(r"learning rate,? \$\\(?:varepsilon|epsilon|alpha)\b"), "the rate is eta"),
    (re.compile(r"\$\\(?:varepsilon|epsilon|alpha) = 10\^\{-3\}\$"), "Adam's rate is eta"),
    (re.compile(r"\\hat\{y\}|\\hat y|ŷ"), "predictions are y, targets t (no y-hat)"),
]


def markdown(notebook):
    cells = json.loads(notebook.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_notation_page_is_in_the_book_and_linked_from_the_intro():
    assert (ROOT / "notation.md").exists()
    assert "file: notation" in (ROOT / "_toc.yml").read_text()
    assert "{doc}`notation`" in (ROOT / "intro.md").read_text()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_follows_the_notation(notebook):
    text = markdown(notebook)
    for pattern, why in FORBIDDEN:
        match = pattern.search(text)
        assert match is None, f"{notebook.name}: {match.group(0)!r}: {why}"
