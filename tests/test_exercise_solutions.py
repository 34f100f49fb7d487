"""Finding the folded exercise solutions in a notebook's markdown.

A solution is the Python code inside a ``:::{dropdown}`` block of a markdown cell. They are
executed where they stand, in the notebook's own kernel, by tests/test_chapter_notebooks.py
(in the same run that checks the notebook and caches it for the book build); this module
holds the parser and its tests.
"""

import re
import textwrap
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*/*.ipynb"))

# ``:::{dropdown} Title`` ... ``:::`` (three or more colons, possibly indented in a list item)
DROPDOWN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>:{3,})\{dropdown\}[^\n]*\n(?P<body>.*?)"
                      r"^(?P=indent)(?P=fence)[ \t]*$", re.S | re.M)
PYTHON = re.compile(r"^(?P<indent>[ \t]*)```(?:python|py)[ \t]*\n(?P<code>.*?)"
                    r"^(?P=indent)```[ \t]*$", re.S | re.M)


def solution_blocks(markdown: str) -> list[str]:
    """The Python code blocks inside the dropdowns of one markdown cell, dedented."""
    return [textwrap.dedent(code["code"])
            for box in DROPDOWN.finditer(markdown)
            for code in PYTHON.finditer(box["body"])]


def test_parser_finds_indented_and_plain_solutions():
    markdown = textwrap.dedent("""\
        1. **A list item.**

           :::{dropdown} Solution
           Prose first.

           ```python
           a = 1
           ```
           :::

        :::{dropdown} Solution
        ```python
        b = 2
        ```

        ```python
        c = 3
        ```
        :::

        ```python
        not_a_solution = 0
        ```
        """)
    assert solution_blocks(markdown) == ["a = 1\n", "b = 2\n", "c = 3\n"]


def test_chapters_have_folded_solutions():
    counts = {path.name: sum(len(solution_blocks(cell.source))
                             for cell in nbformat.read(path, as_version=4).cells
                             if cell.cell_type == "markdown")
              for path in NOTEBOOKS}
    assert sum(counts.values()) >= 10, counts
