"""Every folded exercise solution runs where it stands, in its notebook's namespace.

A solution is the Python code inside a ``:::{dropdown}`` block of a markdown cell. For each
chapter notebook we insert every such block as a code cell right after the markdown cell that
holds it, then execute the whole notebook in a fresh kernel: a solution that calls a name the
notebook does not define at that point, or unpacks what a function does not return, fails here.
"""

import re
import textwrap
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*/*.ipynb"))

# ``:::{dropdown} Title`` ... ``:::`` (three or more colons, possibly indented in a list item)
DROPDOWN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>:{3,})\{dropdown\}[^\n]*\n(?P<body>.*?)"
                      r"^(?P=indent)(?P=fence)[ \t]*$", re.S | re.M)
PYTHON = re.compile(r"^(?P<indent>[ \t]*)```(?:python|py)[ \t]*\n(?P<code>.*?)"
                    r"^(?P=indent)```[ \t]*$", re.S | re.M)
MARKER = "# folded solution from markdown cell {index}\n"


def solution_blocks(markdown: str) -> list[str]:
    """The Python code blocks inside the dropdowns of one markdown cell, dedented."""
    return [textwrap.dedent(code["code"])
            for box in DROPDOWN.finditer(markdown)
            for code in PYTHON.finditer(box["body"])]


def with_solutions(path: Path):
    """The notebook with a code cell holding each folded solution after its markdown cell."""
    nb = nbformat.read(path, as_version=4)
    cells, count = [], 0
    for index, cell in enumerate(nb.cells):
        cells.append(cell)
        if cell.cell_type == "markdown":
            for code in solution_blocks(cell.source):
                cells.append(nbformat.v4.new_code_cell(MARKER.format(index=index) + code))
                count += 1
    nb.cells = cells
    return nb, count


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
    counts = {path.name: with_solutions(path)[1] for path in NOTEBOOKS}
    assert sum(counts.values()) >= 10, counts


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_folded_solution_runs_in_its_notebook(notebook):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb, count = with_solutions(notebook)
    if count == 0:
        pytest.skip("no folded solution with code")
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(notebook.parent)}})
    try:
        client.execute()
    except CellExecutionError as error:
        pytest.fail(f"{notebook.relative_to(ROOT)}: a cell failed with the folded solutions "
                    f"inserted (solution cells start with {MARKER.split('{')[0]!r}):\n{error}")
