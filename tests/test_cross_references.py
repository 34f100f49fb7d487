"""Prose refers to equations and figures by number, never by position, and captions say things once.

On the site a reader sees "Figure 2.3" and "(1.4)", links that work wherever the figure or
equation ended up; "the figure below" or "the equation above" breaks as soon as a cell moves,
and means nothing in a printout. Figures are numbered from their cell metadata
(``mystnb.figure.name``) and equations from their label (``$$ ... $$ (label)``: MyST's ``$$``
blocks ignore ``math_number_all``, so an unlabelled equation has no number). The built site is
checked in ``tests/site/test_numbering.py``.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*/*.ipynb"))
PAGES = NOTEBOOKS + sorted((ROOT / "chapters").glob("*/*.md")) + [
    ROOT / name for name in ("intro.md", "notation.md", "teaching.md")]

FIGURE = (r"(?:figures?|fig\.|plots?|diagrams?|charts?|panels?|pictures?|galler(?:y|ies)|"
          r"illustrations?)")
EQUATION = r"(?:equations?|formulas?|formulae|identit(?:y|ies)|derivations?)"
WHERE = r"(?:above|below|after it|before it|that follows)"
PARTICIPLE = r"(?:(?:shown|drawn|plotted|displayed|derived|given|written|just)\s+)?"
BEFORE = r"(?:above|below|next|previous|preceding|following)"


def _positional(noun: str) -> re.Pattern:
    return re.compile(rf"\b{noun}\s+{PARTICIPLE}{WHERE}\b|\b{BEFORE}\s+{noun}\b|"
                      rf"\b{noun}\s+(?:in|of)\s+the\s+(?:next|previous)\s+cell\b", re.I)


FIGURE_BY_POSITION = _positional(FIGURE)
EQUATION_BY_POSITION = re.compile(_positional(EQUATION).pattern + r"|\bderived\s+(?:above|below)\b",
                                  re.I)
# a displayed equation and its label: $$ ... $$ (label)
DISPLAY = re.compile(r"\$\$(?P<body>.+?)\$\$(?:[ \t]*\((?P<label>[\w-]+)\))?", re.S)


def markdown_cells(page: Path) -> list[tuple[str, str]]:
    """(where, text) for every markdown cell of a notebook, or the whole of a Markdown page."""
    if page.suffix == ".md":
        return [(page.name, page.read_text())]
    cells = json.loads(page.read_text())["cells"]
    return [(f"{page.name} cell {i}", "".join(c["source"])) for i, c in enumerate(cells)
            if c["cell_type"] == "markdown"]


def prose(text: str) -> str:
    """The words of a markdown text: math, inline code and code blocks removed."""
    text = re.sub(r"^([ \t]*)```.*?^\1```", " ", text, flags=re.S | re.M)
    text = DISPLAY.sub(" ", text)
    text = re.sub(r"\$[^$]+\$", " ", text)
    return re.sub(r"`[^`]*`", " ", text)


def positional_references(pattern: re.Pattern) -> list[str]:
    found = []
    for page in PAGES:
        for where, text in markdown_cells(page):
            found += [f"{where}: ...{m.group(0)}..." for m in pattern.finditer(prose(text))]
    return found


def test_the_patterns_catch_what_they_are_for():
    caught = ["The figure below shows", "the plot above", "the left panel below", "the diagram "
              "below draws", "The gallery below runs", "the figure after it", "the next figure",
              "the static gallery in the next cell"]
    for phrase in caught:
        assert FIGURE_BY_POSITION.search(phrase), phrase
    for phrase in ["the equation above", "the formulas above say", "the identity below",
                   "in the stable form derived above", "the previous equation"]:
        assert EQUATION_BY_POSITION.search(phrase), phrase
    for phrase in ["the loss falls below ln 10", "the cell above prints", "as printed above",
                   "Figure 2.3 shows", "the explorer below"]:
        assert not FIGURE_BY_POSITION.search(phrase) and not EQUATION_BY_POSITION.search(phrase)
    assert prose("a $x$ plot\n\n$$\ny\n$$ (eq-a)\n\n`code` b") == "a   plot\n\n \n\n  b"


def test_no_prose_refers_to_a_figure_by_position():
    found = positional_references(FIGURE_BY_POSITION)
    assert not found, "refer to figures by {numref}`name`:\n" + "\n".join(found)


def test_no_prose_refers_to_an_equation_by_position():
    found = positional_references(EQUATION_BY_POSITION)
    assert not found, "label the equation and refer to it by {eq}`label`:\n" + "\n".join(found)


def _labels() -> dict[str, list[str]]:
    labels = {}
    for page in PAGES:
        for where, text in markdown_cells(page):
            for match in DISPLAY.finditer(text):
                if match["label"]:
                    labels.setdefault(match["label"], []).append(where)
    return labels


def _figure_names() -> dict[str, list[str]]:
    names = {}
    for notebook in NOTEBOOKS:
        for i, cell in enumerate(json.loads(notebook.read_text())["cells"]):
            name = cell.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("name")
            if name:
                names.setdefault(name, []).append(f"{notebook.name} cell {i}")
    return names


def _roles(role: str) -> list[tuple[str, str]]:
    return [(where, target) for page in PAGES for where, text in markdown_cells(page)
            for target in re.findall(rf"\{{{role}\}}`(?:[^`<]*<)?([\w-]+)>?`", text)]


def test_equation_labels_are_unique_and_every_reference_has_a_target():
    labels = _labels()
    assert len(labels) >= 40, "the key equations of chapters 1-2 are labelled"
    assert not {k: v for k, v in labels.items() if len(v) > 1}, "a label is used twice"
    assert all(k.startswith("eq-") for k in labels), "equation labels start with eq-"
    dangling = [(where, t) for where, t in _roles("eq") if t not in labels]
    assert not dangling, dangling
    assert len(_roles("eq")) >= 30


def test_every_figure_has_a_name_and_the_prose_refers_to_it_by_number():
    names = _figure_names()
    assert not {k: v for k, v in names.items() if len(v) > 1}, "two figures share a name"
    dangling = [(where, t) for where, t in _roles("numref") if t.startswith("fig-")
                and t not in names]
    assert not dangling, dangling
    problems = []
    for notebook in NOTEBOOKS:
        cells = json.loads(notebook.read_text())["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        for i, cell in enumerate(cells):
            figure = cell.get("metadata", {}).get("mystnb", {}).get("figure")
            if figure is None:
                continue
            if not figure.get("name"):
                problems.append(f"{notebook.name} cell {i}: a figure without a name")
            elif f"{{numref}}`{figure['name']}`" not in text:
                problems.append(f"{notebook.name}: no prose refers to {figure['name']}")
    assert not problems, "\n".join(problems)


# -- captions are said once ----------------------------------------------------------------------

def _words(text: str) -> list[str]:
    text = re.sub(r"\{\w+(?::\w+)?\}`[^`]*`", " ", text)
    words = re.findall(r"[a-z0-9]+", text.lower())
    return [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words]  # plural = singular


def shared_run(a: str, b: str) -> int:
    """The length of the longest run of consecutive words that two texts share."""
    x, y = _words(a), _words(b)
    best, previous = 0, [0] * (len(y) + 1)
    for i in range(1, len(x) + 1):
        current = [0] * (len(y) + 1)
        for j in range(1, len(y) + 1):
            if x[i - 1] == y[j - 1]:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


TITLE = re.compile(r"""(?:set_title|suptitle|title\s*=)\s*\(?\s*[rf]*(["'])(?P<text>.*?)\1""")
# A plot title names a panel ("test accuracy"); five words in a row from the caption restate it.
TITLE_RUN, MARKDOWN_RUN = 5, 8


def test_shared_run_counts_words_in_a_row():
    assert shared_run("One training signal per class (40 samples each).",
                      "one training signals per class of MNIST-1D") == 5
    assert shared_run("a b c", "d e f") == 0


def _figure_cells():
    for notebook in NOTEBOOKS:
        cells = json.loads(notebook.read_text())["cells"]
        for i, cell in enumerate(cells):
            figure = cell.get("metadata", {}).get("mystnb", {}).get("figure")
            if figure:
                yield notebook.name, i, cells, figure.get("caption", "")


def test_no_plot_title_repeats_its_figure_caption():
    repeated = []
    for notebook, i, cells, caption in _figure_cells():
        for match in TITLE.finditer("".join(cells[i]["source"])):
            if shared_run(match["text"], caption) >= TITLE_RUN:
                repeated.append(f"{notebook} cell {i}: title {match['text']!r} repeats the "
                                f"caption {caption!r}")
    assert not repeated, "\n".join(repeated)


def test_no_markdown_next_to_a_figure_repeats_its_caption():
    repeated = []
    for notebook, i, cells, caption in _figure_cells():
        before = [j for j in range(i - 1, -1, -1) if cells[j]["cell_type"] == "markdown"][:1]
        after = [j for j in range(i + 1, len(cells)) if cells[j]["cell_type"] == "markdown"][:1]
        for j in before + after:
            text = "".join(cells[j]["source"])
            if shared_run(text, caption) >= min(MARKDOWN_RUN, len(_words(caption))):
                repeated.append(f"{notebook} cell {j} repeats the caption of cell {i}: "
                                f"{caption!r}")
    assert not repeated, "\n".join(repeated)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_no_hand_written_figure_caption_paragraphs(notebook):
    # captions live in the cell metadata, where they get a number; a '**Figure.**' paragraph
    # under a plot is a second, unnumbered caption
    for where, text in markdown_cells(notebook):
        assert not re.search(r"^\s*(?:\*\*|\*|_)?Figure\b[^`\n]{0,12}?[.:]", text, re.M), where
