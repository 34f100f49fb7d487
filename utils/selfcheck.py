"""Self-check tests for the graded labs when a lab runs on Google Colab.

A lab's student notebook keeps its public tests in its own metadata, and otter-grader reads them
from the notebook *file*. On Colab the kernel cannot open the notebook as a file, and otter 7
refuses metadata tests there: it wants a ``tests/`` folder instead (otter-grader issue #901).
:func:`unpack_colab_tests` writes that folder from the notebook's own metadata, which it asks the
Colab front end for, or, if that fails, reads from the copy of the notebook on GitHub.

    from utils.selfcheck import unpack_colab_tests
    unpack_colab_tests("https://raw.githubusercontent.com/OWNER/REPO/main/labs/01-neurons/student/lab01.ipynb")
    grader = otter.Notebook(tests_dir="tests")

Elsewhere, :func:`find_lab_notebook` finds the lab's notebook file even when the download renamed
it (``lab01 (1).ipynb``), so that ``otter.Notebook`` can read the tests from it.
"""

from __future__ import annotations

import json
import pprint
import urllib.request
from pathlib import Path


def public_tests(notebook: dict) -> dict:
    """The tests stored in an otter student notebook's metadata, as ``{question: test}``.

    Raises ``ValueError`` when the notebook has none (it is not an otter student notebook).
    """
    if not isinstance(notebook, dict):
        raise TypeError(f"notebook must be the notebook's JSON as a dict, "
                        f"got {type(notebook).__name__}")
    tests = notebook.get("metadata", {}).get("otter", {}).get("tests")
    if not tests:
        raise ValueError("this notebook holds no otter tests in metadata['otter']['tests']; "
                         "open the student notebook produced by `make labs`")
    return tests


def test_file_source(test) -> str:
    """The text of a test file for one question, as otter's ``tests.files: true`` would write it.

    Exception-based tests are stored as the file's text already; OK-format tests as a dict.
    """
    if isinstance(test, str):
        return test
    if isinstance(test, dict):
        return "OK_FORMAT = True\n\ntest = " + pprint.pformat(test, indent=4, width=200) + "\n"
    raise TypeError(f"an otter test is a str or a dict, got {type(test).__name__}")


def write_tests(notebook: dict, tests_dir: str | Path = "tests") -> list[str]:
    """Write every public test of ``notebook`` to ``tests_dir/<question>.py``.

    Returns the question names written, sorted.
    """
    tests = public_tests(notebook)
    folder = Path(tests_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for name, test in tests.items():
        (folder / f"{name}.py").write_text(test_file_source(test))
    return sorted(tests)


def colab_notebook(timeout: float = 30.0) -> dict | None:
    """The running notebook's JSON from the Colab front end, or ``None`` outside Colab.

    Uses ``google.colab._message.blocking_request("get_ipynb")``, the call Colab's own tools use.
    """
    try:
        from google.colab import _message  # only exists on Colab
    except ImportError:
        return None
    try:
        reply = _message.blocking_request("get_ipynb", request="", timeout_sec=timeout)
    except Exception:  # the front end did not answer in time
        return None
    return reply.get("ipynb") if isinstance(reply, dict) else None


def download_notebook(url: str, timeout: float = 30.0) -> dict:
    """Download a notebook's JSON (e.g. the student notebook's raw GitHub URL)."""
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (https URL)
        return json.loads(response.read().decode("utf-8"))


def unpack_colab_tests(fallback_url: str, tests_dir: str | Path = "tests") -> list[str]:
    """Write the public tests of the running lab notebook to ``tests_dir``.

    The tests come from the notebook open in Colab; when Colab does not hand the notebook over
    (or it lost its metadata), from ``fallback_url``, the student notebook's raw GitHub URL.
    """
    notebook = colab_notebook()
    try:
        return write_tests(notebook or {}, tests_dir)
    except ValueError:
        pass
    try:
        return write_tests(download_notebook(fallback_url), tests_dir)
    except OSError as error:
        raise RuntimeError(f"could not fetch the lab's self-check tests from {fallback_url} "
                           f"({error}); check the internet connection of this runtime") from error


def find_lab_notebook(name: str, folder: str | Path = ".") -> str:
    """The file of the lab notebook ``name`` in ``folder``, even if it was renamed.

    ``name`` itself when it exists; otherwise the one notebook in ``folder`` whose setup cell
    looks for ``name`` (the most recently saved, if a download left several copies).
    """
    folder = Path(folder)
    if (folder / name).is_file():
        return str(folder / name) if str(folder) != "." else name
    marker = f"find_lab_notebook({name!r})".replace("'", '"')
    candidates = []
    for path in folder.glob("*.ipynb"):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if marker in text.replace('\\"', '"'):
            candidates.append(path)
    if not candidates:
        raise FileNotFoundError(
            f"cannot find the lab notebook: no {name} in {folder.resolve()}, and no other "
            f"notebook there is a copy of it. Keep the notebook in the folder you run it from.")
    newest = max(candidates, key=lambda p: p.stat().st_mtime)
    if newest.name != name:
        print(f"(using {newest.name}, a renamed copy of {name})")
    return str(newest) if str(folder) != "." else newest.name
