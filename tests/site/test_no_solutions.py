"""The built site holds no lab solution and no hidden test, and offers each student notebook.

Runs after `make book` (skipped without `_build/html`, except in CI where it must run: the `site`
fixture fails when BBDL_REQUIRE_BROWSER=1).
"""

import html
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEXT_SUFFIXES = {".html", ".ipynb", ".txt", ".md", ".py", ".js", ".json", ".xml"}


def _labs_script():
    spec = importlib.util.spec_from_file_location("bbdl_labs_script", ROOT / "scripts" / "labs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


labs = _labs_script()
MASTERS = labs.masters()


def normalise(text: str) -> str:
    return " ".join(text.split())


def page_text(path: Path) -> str:
    """What a reader could see in a file of the site, whitespace-normalised."""
    raw = path.read_text(errors="replace")
    if path.suffix == ".html":
        raw = html.unescape(re.sub(r"<[^>]+>", "", raw))
    elif path.suffix == ".ipynb":
        try:
            data = json.loads(raw)
            raw = "\n".join(labs._source(c) for c in data.get("cells", [])) + json.dumps(
                data.get("metadata", {}))
        except json.JSONDecodeError:
            pass
    return normalise(raw)


@pytest.fixture(scope="module")
def site_texts(site):
    return {path.relative_to(site).as_posix(): page_text(path) for path in site.rglob("*")
            if path.is_file() and path.suffix in TEXT_SUFFIXES}


def test_no_lab_master_is_built(site):
    assert not (site / "labs").exists(), "a page was built from labs/: check only_build_toc_files"


@pytest.mark.parametrize("master", MASTERS, ids=lambda m: m.parent.name)
def test_site_has_no_solutions_of_the_lab(site_texts, master):
    blocks = [normalise(b) for b in labs.solution_blocks(master)]
    blocks = [b for b in blocks if len(b) >= 40]  # one-liners could be ordinary prose code
    assert blocks, f"no solution blocks found in {master}"
    leaks = [(path, block[:60]) for path, text in site_texts.items() for block in blocks
             if block in text]
    assert not leaks, f"solution code of {master.parent.name} in the site: {leaks[:5]}"


@pytest.mark.parametrize("master", MASTERS, ids=lambda m: m.parent.name)
def test_site_has_no_hidden_tests_of_the_lab(site_texts, master):
    names = labs.hidden_test_names(master)
    assert names
    leaks = [(path, name) for path, text in site_texts.items() for name in names if name in text]
    assert not leaks, f"hidden tests of {master.parent.name} in the site: {leaks[:5]}"


@pytest.mark.parametrize("master", MASTERS, ids=lambda m: m.parent.name)
def test_lab_page_offers_the_student_notebook_for_download(site, master):
    page = site / "chapters" / master.parent.name / "lab.html"
    assert page.exists(), f"{page} was not built"
    links = re.findall(r'href="([^"]*_downloads/[^"]*/' + re.escape(master.name) + ')"',
                       page.read_text())
    assert links, f"{page.name} has no download link to {master.name}"
    download = (page.parent / links[0]).resolve()
    assert download.exists(), f"the download link {links[0]} is broken"
    student = labs.student_notebook(master)
    if student.exists():
        assert download.read_bytes() == student.read_bytes(), "the download is not the build"
    assert "colab.research.google.com/github/" in page.read_text()
